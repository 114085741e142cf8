//! `patscreen demo`: loads the bundled samples (one batch per institution, one per format)
//! into a fresh data directory and runs sample searches.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use patscreen::engine::{Access, Library, LibraryOptions, Role, ShortlistRequest, Submission};
use patscreen::index::SearchRequest;
use patscreen::ingest::Format;
use patscreen::model::ApplicationNumber;

use super::output;
use super::progress::Bars;

/// The bundled batches: file name, bytes, format, submitting institution.
const SAMPLES: [(&str, &[u8], Format, &str); 4] = [
    (
        "tsinghua.jsonl",
        include_bytes!("../../data-samples/tsinghua.jsonl"),
        Format::Jsonl,
        "清华大学",
    ),
    (
        "buaa.csv",
        include_bytes!("../../data-samples/buaa.csv"),
        Format::Csv,
        "北京航空航天大学",
    ),
    (
        "ustb.xlsx",
        include_bytes!("../../data-samples/ustb.xlsx"),
        Format::Xlsx,
        "北京科技大学",
    ),
    (
        "bupt.parquet",
        include_bytes!("../../data-samples/bupt.parquet"),
        Format::Parquet,
        "北京邮电大学",
    ),
];

/// Sample searches: one per feature of the query syntax.
const QUERIES: [(&str, &str); 5] = [
    (
        "plain words, ranked by BM25, with facets",
        "锂电池 正极材料",
    ),
    ("a phrase", "\"神经网络\""),
    ("boolean with a field", "ti:传感器 AND NOT 压力"),
    (
        "an IPC prefix and an institution",
        "ipc:H01L inst:北京科技大学",
    ),
    ("applicant search", "ap:北京邮电大学 通信"),
];

/// Runs the demo in `dir` (wiped first), then serves it on `listen` unless `no_serve`.
pub fn run(dir: &Path, listen: &str, no_serve: bool, progress: &Bars) -> Result<ExitCode> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    let library = Library::open(dir, Access::ReadWrite, LibraryOptions::default(), progress)
        .with_context(|| format!("creating the demo library at {}", dir.display()))?;
    println!("demo library at {}\n", dir.display());
    for (name, bytes, format, institution) in SAMPLES {
        let outcome = library.submit(
            Submission {
                source_name: name.to_string(),
                bytes: bytes.to_vec(),
                format,
                institution: institution.to_string(),
                all_or_nothing: false,
                replace: false,
            },
            progress,
        );
        progress.finish();
        output::submit_report(&outcome?);
    }
    let stats = library.stats()?;
    println!(
        "\nlibrary: {} patents from {} institutions\n",
        stats.patents, stats.institutions
    );
    for (what, query) in QUERIES {
        println!("── {what}: patscreen search '{query}'");
        let mut request = SearchRequest::new(query, 3);
        request.facets = what.starts_with("plain");
        let results = library.search(&request)?;
        output::search_results(&request, &results);
        println!();
    }
    println!("── a ranked shortlist: patscreen shortlist --industry 集成电路 --limit 5");
    let list = library.shortlist(&ShortlistRequest {
        industry: "集成电路".into(),
        limit: Some(5),
        ..ShortlistRequest::default()
    })?;
    output::shortlist(&list);
    if let Some(top) = list.rows.first() {
        println!(
            "\n── the score card of the first: patscreen show {}",
            top.application_number
        );
        let number = ApplicationNumber::parse(&top.application_number)?;
        output::patent(&library.patent(&number)?);
        output::card(&library.card(&number)?);
    }
    println!();
    let (_, reader) = library.create_key(Role::Reader, None, "demo reader")?;
    let (_, submitter) = library.create_key(Role::Submitter, Some("清华大学"), "demo submitter")?;
    let (_, admin) = library.create_key(Role::Admin, None, "demo admin")?;
    let env = dir.join("keys.env");
    std::fs::write(
        &env,
        format!("export READER_KEY={reader}\nexport SUBMITTER_KEY={submitter}\nexport ADMIN_KEY={admin}\nexport PATSCREEN=http://{listen}\n"),
    )
    .with_context(|| format!("writing {}", env.display()))?;
    // A fresh batch for 清华大学, so the submission example below adds new patents.
    let fresh: Vec<_> = patscreen::generate::Generator::new(patscreen::generate::GeneratorConfig {
        seed: 99,
        count: 20,
        with_claims: true,
        institution: Some("清华大学".into()),
        first_serial: 900_000,
    })
    .collect();
    let fresh_path = dir.join("new-batch.csv");
    let csv = patscreen::ingest::write_csv(
        Vec::new(),
        &fresh,
        patscreen::ingest::HeaderLanguage::Chinese,
        true,
    )?;
    std::fs::write(&fresh_path, csv)
        .with_context(|| format!("writing {}", fresh_path.display()))?;
    if !no_serve {
        println!("web console: http://{listen}/  (sign in with the submitter key below)\n");
    }
    println!(
        "API keys (also in {}; `source` it in another shell):",
        env.display()
    );
    println!("  reader    {reader}");
    println!("  submitter {submitter}  (清华大学)");
    println!("  admin     {admin}");
    println!("\nexample requests (README \"HTTP API\" has more):");
    println!("  source {}", env.display());
    println!(
        "  curl -s -H \"Authorization: Bearer $READER_KEY\" \"$PATSCREEN/v1/search?q=锂电池&facets=true&limit=3\""
    );
    println!(
        "  curl -s -H \"Authorization: Bearer $READER_KEY\" \"$PATSCREEN/v1/industries/集成电路/shortlist?limit=5\""
    );
    println!(
        "  curl -s -X POST -H \"Authorization: Bearer $SUBMITTER_KEY\" -H 'Content-Type: text/csv' --data-binary @{} \"$PATSCREEN/v1/batches?source_name=new-batch.csv\"",
        fresh_path.display()
    );
    if no_serve {
        library.close()?;
        println!(
            "\ntry your own: cargo run --release -- --data-dir {} search '石墨烯 复合材料' --facets",
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let config = patscreen::api::ApiConfig::default();
    super::serve_library(std::sync::Arc::new(library), config, listen)?;
    Ok(ExitCode::SUCCESS)
}
