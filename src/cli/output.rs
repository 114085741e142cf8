//! Human-readable and JSON output of the subcommands.

use anyhow::Result;
use patscreen::engine::SubmitOutcome;
use patscreen::index::{SearchRequest, SearchResults};
use patscreen::model::Patent;
use patscreen::store::{BatchRecord, CatalogStats};
use serde::Serialize;

/// How many row errors the text report lists.
const LISTED: usize = 20;

/// Prints a value as pretty JSON on stdout.
pub fn json<T: Serialize>(value: &T) -> Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    serde_json::to_writer_pretty(&mut lock, value)?;
    std::io::Write::write_all(&mut lock, b"\n")?;
    Ok(())
}

/// Prints the outcome of `ingest`.
pub fn submit_report(outcome: &SubmitOutcome) {
    let batch = &outcome.batch;
    let report = &batch.report;
    if outcome.already_submitted {
        println!(
            "{} was already submitted by {} as batch {} on {}: nothing changed",
            report.source_name, batch.institution, batch.id, batch.submitted_at
        );
        return;
    }
    println!(
        "batch {} for {}: {}",
        batch.id,
        batch.institution,
        report.summary()
    );
    println!(
        "  {} new patents, {} updated, {} withdrawn",
        batch.patents_new, batch.patents_updated, report.withdrawals
    );
    if let Some(encoding) = &report.encoding {
        println!("  encoding: {encoding}");
    }
    if !report.errors.is_empty() {
        println!("  rejected rows:");
        for issue in report.errors.iter().take(LISTED) {
            println!("    {issue}");
        }
        if report.errors.len() > LISTED {
            println!(
                "    … and {} more (use --format json for all)",
                report.errors.len() - LISTED
            );
        }
    }
    if !report.warnings.is_empty() {
        println!("  warnings:");
        for issue in report.warnings.iter().take(LISTED) {
            println!("    {issue}");
        }
        if report.warnings.len() > LISTED {
            println!("    … and {} more", report.warnings.len() - LISTED);
        }
    }
    if !report.gaps.is_empty() {
        let gaps: Vec<String> = report
            .gaps
            .iter()
            .map(|(f, n)| format!("{f} {n}"))
            .collect();
        println!("  data gaps (rows lacking the field): {}", gaps.join(", "));
    }
}

/// Prints search results.
pub fn search_results(request: &SearchRequest, results: &SearchResults) {
    let shown_to = request.offset + results.hits.len();
    println!(
        "{} patents match «{}»{}",
        results.total,
        request.query,
        if results.hits.is_empty() {
            String::new()
        } else {
            format!(" (showing {}–{shown_to})", request.offset + 1)
        }
    );
    for (i, hit) in results.hits.iter().enumerate() {
        let mut tags = Vec::new();
        if let Some(inst) = &hit.institution {
            tags.push(inst.clone());
        }
        if let Some(ipc) = hit.ipc.first() {
            tags.push(ipc.clone());
        }
        if let Some(date) = hit.application_date {
            tags.push(date.to_string());
        }
        if let Some(status) = hit.legal_status {
            tags.push(status.as_str().to_string());
        }
        let title = hit
            .snippets
            .get("title")
            .map_or_else(|| hit.title.clone(), |h| h.marked("【", "】"));
        println!(
            "{:>3}. {}  {}",
            request.offset + i + 1,
            hit.application_number,
            title
        );
        if !tags.is_empty() {
            println!("     [{}]  score {:.2}", tags.join(" · "), hit.score);
        }
        for field in ["abstract", "claims"] {
            if let Some(h) = hit.snippets.get(field) {
                println!(
                    "     {}: …{}…",
                    field,
                    h.marked("【", "】").replace('\n', " ")
                );
                break;
            }
        }
    }
    if let Some(facets) = &results.facets {
        for (dimension, counts) in facets {
            let top: Vec<String> = counts
                .iter()
                .take(8)
                .map(|(v, n)| format!("{v} {n}"))
                .collect();
            println!("  {dimension}: {}", top.join(", "));
        }
    }
}

/// Prints one patent.
pub fn patent(p: &Patent) {
    println!("{}  {}", p.application_number, p.title);
    let line = |label: &str, value: String| {
        if !value.is_empty() {
            println!("  {label}: {value}");
        }
    };
    line("institution", p.institution.clone().unwrap_or_default());
    line(
        "type",
        p.effective_type()
            .map(|t| t.label_zh().to_string())
            .unwrap_or_default(),
    );
    line(
        "status",
        p.legal_status
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
    );
    line(
        "ipc",
        p.ipc
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    );
    line("applicants", p.applicants.join("；"));
    line("inventors", p.inventors.join("；"));
    line(
        "filed",
        p.application_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    line(
        "granted",
        p.grant_date.map(|d| d.to_string()).unwrap_or_default(),
    );
    line(
        "cited by",
        p.forward_citations
            .map(|n| n.to_string())
            .unwrap_or_default(),
    );
    line("abstract", p.abstract_text.clone().unwrap_or_default());
    if let Some(claims) = &p.claims {
        let set = patscreen::text::ClaimSet::parse(claims);
        if let Some(first) = set.first() {
            println!(
                "  claims: {} ({} independent); claim 1: {} characters, {} features",
                set.len(),
                set.independent().count(),
                first.chars(),
                first.features()
            );
        }
    }
}

/// Prints the batch list.
pub fn batches(stats: &CatalogStats, batches: &[BatchRecord]) {
    println!(
        "{} patents ({} withdrawn) from {} institutions in {} batches",
        stats.patents, stats.withdrawn, stats.institutions, stats.batches
    );
    for b in batches {
        println!(
            "  #{:<4} {}  {:<20} {:<32} {:>7} rows, {:>6} new, {:>6} updated, {:>5} rejected  {:?}",
            b.id,
            &b.submitted_at[..19.min(b.submitted_at.len())],
            b.institution,
            b.source_name,
            b.report.rows_total,
            b.patents_new,
            b.patents_updated,
            b.report.rows_rejected,
            b.status
        );
    }
}
