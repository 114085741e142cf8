//! The generated corpus of one scale run: batch files of at most 100,000 patents with claims
//! (one institution each), the query list, the HTTP request mix, and the same corpus and
//! queries in the peer harness's format (`id`, `title`, `abstract`, `claims`).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use patscreen::generate::{Generator, GeneratorConfig};
use patscreen::ingest;
use patscreen::model::Patent;
use patscreen::text::{SegmentMode, terms};
use rayon::prelude::*;

use crate::load::MixRequest;

/// Largest batch file: a submission is held in memory whole.
const BATCH: u64 = 100_000;

/// Institutions submitting the batches, in order.
pub const INSTITUTIONS: [&str; 10] = [
    "清华大学",
    "北京大学",
    "北京航空航天大学",
    "北京理工大学",
    "北京科技大学",
    "北京邮电大学",
    "北京交通大学",
    "北京化工大学",
    "北京工业大学",
    "中国农业大学",
];

/// The ten industries (shortlist requests).
const INDUSTRIES: [&str; 10] = [
    "新一代信息技术",
    "集成电路",
    "医药健康",
    "智能装备",
    "节能环保",
    "新能源智能汽车",
    "新材料",
    "人工智能",
    "软件和信息服务",
    "科技服务业",
];

/// Words too generic to make a query of their own.
const GENERIC: [&str; 16] = [
    "一种", "方法", "装置", "系统", "及其", "制备", "应用", "用于", "基于", "设备", "结构", "组件",
    "工艺", "控制", "检测", "模块",
];

/// One batch file on disk.
pub struct BatchFile {
    /// The file.
    pub path: PathBuf,
    /// Submitting institution.
    pub institution: String,
    /// Patents in it.
    pub patents: u64,
    /// Bytes of title, abstract and claims.
    pub text_bytes: u64,
}

/// Everything generated for one corpus size.
pub struct Corpus {
    /// Batch files in submission order.
    pub batches: Vec<BatchFile>,
    /// One query per line: 1–3 words, space-separated.
    pub queries: Vec<String>,
    /// The HTTP request mix.
    pub mix: Vec<MixRequest>,
}

fn generator(count: u64) -> Generator {
    Generator::new(GeneratorConfig {
        seed: 7,
        count,
        with_claims: true,
        institution: None,
        first_serial: 0,
    })
}

/// Generates (or reuses) the corpus of `count` patents under `dir`.
pub fn prepare(dir: &Path, count: u64) -> Corpus {
    std::fs::create_dir_all(dir).unwrap();
    let generator = generator(count);
    let mut batches = Vec::new();
    let mut start = 0;
    while start < count {
        let end = (start + BATCH).min(count);
        let k = batches.len();
        let institution = INSTITUTIONS[k % INSTITUTIONS.len()].to_string();
        let path = dir.join(format!("batch-{k:02}.jsonl"));
        let meta = path.with_extension("bytes");
        let text_bytes = match std::fs::read_to_string(&meta)
            .ok()
            .and_then(|t| t.trim().parse().ok())
        {
            Some(bytes) if path.exists() => bytes,
            _ => {
                let patents: Vec<Patent> = (start..end)
                    .into_par_iter()
                    .map(|i| generator.patent(i))
                    .collect();
                let bytes: usize = patents.iter().map(Patent::text_bytes).sum();
                let file = BufWriter::new(std::fs::File::create(&path).unwrap());
                ingest::write_jsonl(file, &patents)
                    .unwrap()
                    .flush()
                    .unwrap();
                std::fs::write(&meta, bytes.to_string()).unwrap();
                bytes as u64
            }
        };
        batches.push(BatchFile {
            path,
            institution,
            patents: end - start,
            text_bytes,
        });
        start = end;
    }
    let (queries, mix) = requests(&generator, count);
    Corpus {
        batches,
        queries,
        mix,
    }
}

/// A deterministic spread of patent indexes.
fn pick(i: u64, count: u64) -> u64 {
    i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) % count
}

fn percent(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The 200 queries and the HTTP mix built from them.
fn requests(generator: &Generator, count: u64) -> (Vec<String>, Vec<MixRequest>) {
    let mut queries = Vec::new();
    let mut phrases = Vec::new();
    let mut numbers = Vec::new();
    let mut demands = Vec::new();
    let mut i = 0;
    while queries.len() < 200 {
        let patent = generator.patent(pick(i, count));
        i += 1;
        let words: Vec<String> = terms(&patent.title, SegmentMode::Precise)
            .into_iter()
            .filter(|w| w.chars().count() >= 2 && !GENERIC.contains(&w.as_str()))
            .collect();
        if words.is_empty() {
            continue;
        }
        let n = (queries.len() % 3 + 1).min(words.len());
        let start = (i as usize) % (words.len() - n + 1);
        queries.push(words[start..start + n].join(" "));
        if let Some(long) = words.iter().find(|w| w.chars().count() >= 3) {
            phrases.push(long.clone());
        }
        numbers.push(patent.application_number.to_string());
        let abstract_text = patent.abstract_text.unwrap_or_default();
        let need: String = abstract_text.chars().take(120).collect();
        demands.push(serde_json::json!({
            "title": format!("寻求{}相关技术", words[0]),
            "description": format!("我公司需要解决以下问题：{need}，希望与高校合作开发。"),
        }));
    }
    let mut mix = Vec::new();
    let get = |class: &str, path: String| MixRequest {
        class: class.into(),
        method: "GET".into(),
        path,
        body: None,
    };
    for (k, q) in queries.iter().enumerate() {
        let q = percent(q);
        mix.push(get("plain", format!("/v1/search?q={q}&limit=10")));
        let phrase = &phrases[k % phrases.len()];
        mix.push(get(
            "phrase",
            format!(
                "/v1/search?q={}&limit=10",
                percent(&format!("\"{phrase}\""))
            ),
        ));
        mix.push(get(
            "filtered",
            format!(
                "/v1/search?q={q}&status=in_force,pending&type=invention&year_from=2012&limit=10"
            ),
        ));
        mix.push(get(
            "facets",
            format!("/v1/search?q={q}&facets=true&limit=10"),
        ));
        mix.push(get(
            "value_sorted",
            format!("/v1/search?q={q}&sort=value&tier=A,B,C&limit=10"),
        ));
        mix.push(get(
            "shortlist",
            format!(
                "/v1/industries/{}/shortlist?limit=50",
                percent(INDUSTRIES[k % INDUSTRIES.len()])
            ),
        ));
        mix.push(get(
            "similar",
            format!("/v1/patents/{}/similar?limit=10", numbers[k]),
        ));
        // What the web console's pages ask for: the page shell, a patent page's record and
        // score card, the industries page and an institution report.
        mix.push(get("console_shell", format!("/search?q={q}")));
        mix.push(get("console_patent", format!("/v1/patents/{}", numbers[k])));
        mix.push(get("console_industries", "/v1/industries".into()));
        mix.push(get(
            "console_institution",
            format!(
                "/v1/institutions/{}/report",
                // The first batch's institution: at every scale it is in the library.
                percent(INSTITUTIONS[0])
            ),
        ));
        mix.push(MixRequest {
            class: "match".into(),
            method: "POST".into(),
            path: "/v1/match?limit=10".into(),
            body: Some(demands[k].to_string()),
        });
    }
    (queries, mix)
}

/// Writes the corpus and queries as the peer harness reads them (`corpus-<tag>.jsonl`,
/// `queries.txt` in `dir`), unless already there.
pub fn export_for_peers(corpus: &Corpus, dir: &Path, tag: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let out = dir.join(format!("corpus-{tag}.jsonl"));
    if !out.exists() {
        let partial = out.with_extension("partial");
        let mut writer = BufWriter::new(std::fs::File::create(&partial).unwrap());
        for batch in &corpus.batches {
            let text = std::fs::read_to_string(&batch.path).unwrap();
            for line in text.lines() {
                let patent: Patent = serde_json::from_str(line).unwrap();
                let row = serde_json::json!({
                    "id": patent.application_number.as_str(),
                    "title": patent.title,
                    "abstract": patent.abstract_text.unwrap_or_default(),
                    "claims": patent.claims.unwrap_or_default(),
                });
                serde_json::to_writer(&mut writer, &row).unwrap();
                writer.write_all(b"\n").unwrap();
            }
        }
        writer.flush().unwrap();
        std::fs::rename(&partial, &out).unwrap();
    }
    std::fs::write(dir.join("queries.txt"), corpus.queries.join("\n") + "\n").unwrap();
    out
}
