//! Scratch: a proxy check of the industry keyword lists on the 51jishu technology offers
//! (coarse `industry` labels mapped to our ten classes), plus the dev labels on request.
//!
//! `cargo run --example industry_proxy [-- --file scoring/industries.toml] [--dev] [--errors N]`
#![allow(missing_docs, clippy::unwrap_used)]

use std::collections::BTreeMap;

use patscreen::scoring::{Evidence, IndustriesConfig, IndustryMatch, IndustryMatcher};

const NONE: &str = "无";

/// Maps a 51jishu `industry` label to one of our classes, or `None` to skip it.
fn map_label(industry: &str) -> Option<&'static str> {
    let (top, sub) = industry.split_once('-').unwrap_or((industry, ""));
    Some(match (top, sub) {
        ("新材料", _) => "新材料",
        ("现代农业" | "生活必需" | "建筑安装", _) => NONE,
        ("电子信息", "人工智能") => "人工智能",
        ("电子信息", "计算机软件" | "互联网") => "软件和信息服务",
        ("电子信息", "光电子" | "计算机硬件" | "电子仪表") => "新一代信息技术",
        ("生物医药", _) => "医药健康",
        ("装备制造", "机器人" | "自动化" | "数字化制造" | "智能仪表") => {
            "智能装备"
        }
        ("交通运输", "轨道交通") => "智能装备",
        ("新能源", "太阳能" | "高效节能") => "节能环保",
        ("资源环保", _) => "节能环保",
        ("新能源", "电池") => "新能源智能汽车",
        ("技术服务", "检验检测") => "科技服务业",
        _ => return None,
    })
}

struct Row {
    id: String,
    gold: String,
    pred: String,
    title: String,
    found: IndustryMatch,
}

fn report(name: &str, rows: &[Row], matcher: &IndustryMatcher, errors: usize) {
    let n = rows.len() as f64;
    let accuracy = rows.iter().filter(|r| r.gold == r.pred).count() as f64 / n;
    let mut classes: Vec<&str> = rows.iter().map(|r| r.gold.as_str()).collect();
    classes.sort();
    classes.dedup();
    let mut f1s = Vec::new();
    let mut recalls = Vec::new();
    let mut lines = String::new();
    for class in &classes {
        let tp = rows
            .iter()
            .filter(|r| r.gold == *class && r.pred == *class)
            .count() as f64;
        let predicted = rows.iter().filter(|r| r.pred == *class).count() as f64;
        let actual = rows.iter().filter(|r| r.gold == *class).count() as f64;
        let p = if predicted > 0.0 { tp / predicted } else { 0.0 };
        let r = tp / actual;
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        f1s.push(f1);
        recalls.push(r);
        lines.push_str(&format!(
            "  {class:<10} n={actual:>4} pred={predicted:>4} P={p:.2} R={r:.2} F1={f1:.2}\n"
        ));
    }
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len() as f64;
    let balanced = recalls.iter().sum::<f64>() / recalls.len() as f64;
    println!(
        "== {name}: n={} accuracy {accuracy:.3} macro-F1 {macro_f1:.3} balanced-acc {balanced:.3}",
        rows.len()
    );
    print!("{lines}");
    let mut confusions: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.gold != r.pred) {
        *confusions
            .entry((r.gold.clone(), r.pred.clone()))
            .or_default() += 1;
    }
    let mut confusions: Vec<_> = confusions.into_iter().collect();
    confusions.sort_by(|a, b| b.1.cmp(&a.1));
    for ((g, p), c) in confusions.iter().take(20) {
        println!("  confused {g} → {p}: {c}");
    }
    if errors > 0 {
        for r in rows.iter().filter(|r| r.gold != r.pred).take(errors) {
            let mut ev = Vec::new();
            for d in &r.found.details {
                let words: Vec<String> = d
                    .evidence
                    .iter()
                    .filter_map(|e| match e {
                        Evidence::Keyword {
                            word,
                            strong,
                            in_title,
                            ..
                        } => Some(format!(
                            "{word}{}{}",
                            if *strong { "*" } else { "" },
                            if *in_title { "^" } else { "" }
                        )),
                        Evidence::Ipc { .. } => None,
                    })
                    .collect();
                ev.push(format!(
                    "{}={:.1}[{}]",
                    matcher.names()[d.industry],
                    d.fit,
                    words.join(",")
                ));
            }
            println!(
                "  ERR {} gold={} pred={} | {} | {}",
                r.id,
                r.gold,
                r.pred,
                r.title,
                ev.join(" ")
            );
        }
    }
}

fn predict(matcher: &IndustryMatcher, found: &IndustryMatch) -> String {
    found
        .primary
        .map_or(NONE.to_string(), |i| matcher.names()[i].clone())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().position(|a| a == name);
    let config = match flag("--file") {
        Some(i) => {
            IndustriesConfig::from_toml(&std::fs::read_to_string(&args[i + 1]).unwrap()).unwrap()
        }
        None => IndustriesConfig::embedded().unwrap(),
    };
    let errors: usize = flag("--errors").map_or(0, |i| args[i + 1].parse().unwrap());
    let only: Option<&str> = flag("--class").map(|i| args[i + 1].as_str());
    let matcher = IndustryMatcher::new(&config).unwrap();
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");

    let mut rows = Vec::new();
    for line in std::fs::read_to_string(shared.join("data/tech-demands-51jishu/achievements.jsonl"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(gold) = map_label(v["industry"].as_str().unwrap_or("")) else {
            continue;
        };
        let title = v["name"].as_str().unwrap_or("");
        let found = matcher.classify(&[], title, v["context"].as_str(), None);
        rows.push(Row {
            id: v["id"].as_str().unwrap().to_string(),
            gold: gold.to_string(),
            pred: predict(&matcher, &found),
            title: title.to_string(),
            found,
        });
    }
    let shown: Vec<Row> = match only {
        Some(c) => rows
            .into_iter()
            .filter(|r| r.gold == c || r.pred == c)
            .collect(),
        None => rows,
    };
    report("proxy (51jishu offers)", &shown, &matcher, errors);

    if flag("--dev").is_some() {
        let patents: BTreeMap<String, serde_json::Value> =
            std::fs::read_to_string(shared.join("data/ccf-bdci-2022-patents/patents.jsonl"))
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
                .map(|v| (v["id"].as_str().unwrap().to_string(), v))
                .collect();
        let mut rows = Vec::new();
        for line in std::fs::read_to_string(shared.join("eval/industry_labels_dev.jsonl"))
            .unwrap()
            .lines()
        {
            let label: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = label["id"].as_str().unwrap();
            let patent = &patents[id];
            let title = patent["title"].as_str().unwrap();
            let found = matcher.classify(&[], title, patent["abstract"].as_str(), None);
            rows.push(Row {
                id: id.chars().take(8).collect(),
                gold: label["primary"].as_str().unwrap().to_string(),
                pred: predict(&matcher, &found),
                title: title.to_string(),
                found,
            });
        }
        report("dev (CCF patents)", &rows, &matcher, errors);
    }
}
