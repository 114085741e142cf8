//! Matchmaking: enterprise demands against patents and technology offers, both ways, and
//! similar patents. The dev-set check reads ../shared (skipped when absent); the rest runs on
//! hand-made patents.

use std::collections::HashMap;
use std::path::Path;

use patscreen::engine::{Library, Submission};
use patscreen::error::{Error, ErrorKind};
use patscreen::ingest::Format;
use patscreen::model::{ApplicationNumber, IpcCode, NewDemand, Patent};
use patscreen::progress::Silent;
use patscreen::text::normalize;

use crate::common::{jsonl, library, patents, shared};

fn submit_offers(library: &Library, shared: &Path) {
    let path = shared.join("data/batches/offers_51jishu.jsonl");
    let outcome = library
        .submit(
            Submission {
                source_name: "offers_51jishu.jsonl".into(),
                bytes: std::fs::read(path).unwrap(),
                format: Format::Jsonl,
                institution: "51jishu".into(),
                all_or_nothing: false,
            },
            &Silent,
        )
        .unwrap();
    assert!(outcome.batch.report.rows_accepted > 2900);
}

/// nDCG@10, P@10, judged@10 of `matches_for_demand` on the dev demands; returns
/// (nDCG mean, demands in the mean, P@10, judged@10).
fn evaluate(library: &Library, shared: &Path) -> (f64, usize, f64, f64) {
    let number_to_id: HashMap<String, String> =
        std::fs::read_to_string(shared.join("data/batches/offers_51jishu.idmap.tsv"))
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t'))
            .map(|(id, number)| (number.to_string(), id.to_string()))
            .collect();
    let mut qrels: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for line in std::fs::read_to_string(shared.join("eval/match_qrels_dev.jsonl"))
        .unwrap()
        .lines()
    {
        let q: serde_json::Value = serde_json::from_str(line).unwrap();
        qrels
            .entry(q["demand_id"].as_str().unwrap().to_string())
            .or_default()
            .insert(
                q["achievement_id"].as_str().unwrap().to_string(),
                q["grade"].as_u64().unwrap() as u32,
            );
    }
    let demands: HashMap<String, (String, String)> =
        std::fs::read_to_string(shared.join("data/tech-demands-51jishu/demands.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|d| qrels.contains_key(d["id"].as_str().unwrap()))
            .map(|d| {
                (
                    d["id"].as_str().unwrap().to_string(),
                    (
                        d["name"].as_str().unwrap().to_string(),
                        d["context"].as_str().unwrap_or("").to_string(),
                    ),
                )
            })
            .collect();
    assert_eq!(demands.len(), qrels.len());
    let mut ids: Vec<&String> = demands.keys().collect();
    ids.sort();
    let (mut ndcg, mut precision, mut judged) = (Vec::new(), Vec::new(), Vec::new());
    for id in ids {
        let (name, context) = &demands[id];
        let stored = library
            .create_demand(NewDemand {
                title: name.clone(),
                description: context.clone(),
                ..NewDemand::default()
            })
            .unwrap();
        let matches = library.matches_for_demand(stored.id, 10).unwrap();
        let grades = &qrels[id];
        let ranked: Vec<Option<u32>> = matches
            .iter()
            .take(10)
            .map(|m| grades.get(&number_to_id[&m.application_number]).copied())
            .collect();
        let gain = |g: u32| f64::from((1u32 << g) - 1);
        let dcg: f64 = ranked
            .iter()
            .enumerate()
            .map(|(i, g)| gain(g.unwrap_or(0)) / ((i + 2) as f64).log2())
            .sum();
        let mut ideal: Vec<u32> = grades.values().copied().collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
            .sum();
        let relevant = ranked.iter().filter(|g| g.is_some_and(|g| g >= 1)).count();
        let seen = ranked.iter().filter(|g| g.is_some()).count();
        eprintln!(
            "{id} {name}: nDCG {:.3} rel {relevant} judged {seen} | {}",
            if idcg > 0.0 { dcg / idcg } else { f64::NAN },
            matches
                .iter()
                .take(10)
                .zip(&ranked)
                .map(|(m, g)| format!(
                    "{}{}",
                    m.title.chars().take(14).collect::<String>(),
                    g.map_or("?".to_string(), |g| g.to_string())
                ))
                .collect::<Vec<_>>()
                .join(" / ")
        );
        if idcg > 0.0 {
            ndcg.push(dcg / idcg);
        }
        precision.push(relevant as f64 / 10.0);
        judged.push(seen as f64 / 10.0);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    (mean(&ndcg), ndcg.len(), mean(&precision), mean(&judged))
}
