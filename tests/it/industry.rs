//! Industry placement on real data from ../shared (skipped when absent): the dev industry
//! labels (text only, no IPC) and the real G06F samples (issue 3).

use std::collections::{BTreeMap, HashMap};

use patscreen::model::IpcCode;
use patscreen::scoring::{Evidence, IndustriesConfig, IndustryMatcher};

use crate::common::shared;

const NONE: &str = "无";

/// Per-class precision, recall and F1 over the classes present in `gold`.
fn report(pairs: &[(String, String)]) -> (f64, f64, String) {
    let accuracy = pairs.iter().filter(|(g, p)| g == p).count() as f64 / pairs.len() as f64;
    let mut classes: Vec<&str> = pairs.iter().map(|(g, _)| g.as_str()).collect();
    classes.sort();
    classes.dedup();
    let mut lines = String::new();
    let mut f1s = Vec::new();
    for class in &classes {
        let tp = pairs
            .iter()
            .filter(|(g, p)| g == class && p == class)
            .count() as f64;
        let predicted = pairs.iter().filter(|(_, p)| p == class).count() as f64;
        let actual = pairs.iter().filter(|(g, _)| g == class).count() as f64;
        let precision = if predicted > 0.0 { tp / predicted } else { 0.0 };
        let recall = tp / actual;
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        f1s.push(f1);
        lines.push_str(&format!(
            "  {class}: n={actual} P={precision:.2} R={recall:.2} F1={f1:.2}\n"
        ));
    }
    let mut confusions: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (g, p) in pairs.iter().filter(|(g, p)| g != p) {
        *confusions.entry((g.clone(), p.clone())).or_default() += 1;
    }
    for ((g, p), n) in confusions {
        lines.push_str(&format!("  confused {g} → {p}: {n}\n"));
    }
    (accuracy, f1s.iter().sum::<f64>() / f1s.len() as f64, lines)
}

#[test]
fn text_only_primary_industry_on_the_dev_labels() {
    let Some(shared) = shared() else { return };
    let matcher = IndustryMatcher::new(&IndustriesConfig::embedded().unwrap()).unwrap();
    let patents: HashMap<String, serde_json::Value> =
        std::fs::read_to_string(shared.join("data/ccf-bdci-2022-patents/patents.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|v| (v["id"].as_str().unwrap().to_string(), v))
            .collect();
    let mut pairs = Vec::new();
    for line in std::fs::read_to_string(shared.join("eval/industry_labels_dev.jsonl"))
        .unwrap()
        .lines()
    {
        let label: serde_json::Value = serde_json::from_str(line).unwrap();
        let patent = &patents[label["id"].as_str().unwrap()];
        let found = matcher.classify(
            &[],
            patent["title"].as_str().unwrap(),
            patent["abstract"].as_str(),
            None,
        );
        let predicted = found
            .primary
            .map_or(NONE.to_string(), |i| matcher.names()[i].clone());
        pairs.push((label["primary"].as_str().unwrap().to_string(), predicted));
    }
    let (accuracy, macro_f1, lines) = report(&pairs);
    eprintln!(
        "industry dev labels (text only): accuracy {accuracy:.3}, macro-F1 {macro_f1:.3}\n{lines}"
    );
    assert!(accuracy >= 0.70, "accuracy {accuracy:.3}");
    assert!(macro_f1 >= 0.60, "macro-F1 {macro_f1:.3}");
}

#[test]
fn real_g06f_patents_fall_in_an_information_industry_with_the_rule_named() {
    let Some(shared) = shared() else { return };
    let matcher = IndustryMatcher::new(&IndustriesConfig::embedded().unwrap()).unwrap();
    let allowed = ["人工智能", "软件和信息服务", "新一代信息技术"];
    let text =
        std::fs::read_to_string(shared.join("data/cn-g06f-cpc-samples/records.jsonl")).unwrap();
    let mut count = 0;
    for line in text.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let codes: Vec<IpcCode> = record["cpc_labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| IpcCode::parse(c.as_str().unwrap()).unwrap())
            .collect();
        let found = matcher.classify(
            &codes,
            record["title"].as_str().unwrap(),
            record["abstract"].as_str(),
            None,
        );
        let fitting: Vec<_> = found
            .details
            .iter()
            .filter(|d| d.fit >= 0.5 && allowed.contains(&matcher.names()[d.industry].as_str()))
            .collect();
        assert!(
            !fitting.is_empty(),
            "{} {}: {:?}",
            record["publication_number"],
            record["title"],
            found.fits
        );
        let named = fitting.iter().any(|d| {
            d.evidence
                .iter()
                .any(|e| matches!(e, Evidence::Ipc { .. } | Evidence::Keyword { .. }))
        });
        assert!(
            named,
            "{}: no rule or keyword named",
            record["publication_number"]
        );
        count += 1;
    }
    assert_eq!(count, 57);
}
