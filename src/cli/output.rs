//! Human-readable and JSON output of the subcommands.

use anyhow::Result;
use patscreen::engine::{BatchScreening, RescoreStats, Shortlist, SubmitOutcome};
use patscreen::index::{SearchRequest, SearchResults};
use patscreen::model::Patent;
use patscreen::scoring::{Check, ScoreCard, Tier};
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
    if !report.changes.is_empty() {
        println!(
            "  {} patents changed ({}):",
            report.changes.len(),
            if report.replaced {
                "whole records replaced"
            } else {
                "corrections merged: columns the file lacks were kept"
            }
        );
        let shown = |value: Option<f64>, tier: &Option<String>| match (value, tier.as_deref()) {
            (Some(v), Some(t)) => format!("{v:.2} {}", Tier::parse(t).map_or(t, |t| t.label_zh())),
            _ => Tier::Unscored.label_zh().to_string(),
        };
        for change in report.changes.iter().take(LISTED) {
            let cleared = if change.cleared.is_empty() {
                String::new()
            } else {
                format!("; cleared {}", zh_fields_owned(&change.cleared))
            };
            println!(
                "    {}: {}{cleared}; 价值 {} → {}",
                change.application_number,
                zh_fields_owned(&change.fields),
                shown(change.value_before, &change.tier_before),
                shown(change.value_after, &change.tier_after)
            );
        }
        if report.changes.len() > LISTED {
            println!(
                "    … and {} more (use --format json for all)",
                report.changes.len() - LISTED
            );
        }
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
    if !report.unknown_columns.is_empty() {
        println!(
            "  columns not read (no field of the record contract): {}",
            report.unknown_columns.join(", ")
        );
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
    for expansion in &results.expansions {
        println!(
            "  also matched {} for {}",
            expansion.also_matched.join(", "),
            expansion.concept
        );
    }
    if let Some(relaxed) = &results.relaxed {
        // The library's own account: how many concepts the hits match, or that they only
        // share words with the query.
        println!(
            "  relaxed ({}): {}",
            results.concepts.join(", "),
            relaxed.note
        );
    }
    if let Some(note) = &results.unscored_note {
        println!("  note: {note}");
    }
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
            tags.push(status.label_zh().to_string());
        }
        match (hit.value, hit.tier.as_deref().and_then(Tier::parse)) {
            (_, Some(Tier::Unscored)) => tags.push(Tier::Unscored.role_zh().to_string()),
            (Some(value), Some(tier)) => {
                tags.push(format!("价值 {value:.1} · {}", tier.label_zh()));
            }
            _ => {}
        }
        if !hit.industries.is_empty() {
            tags.push(hit.industries.join("/"));
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
        if !hit.missing_concepts.is_empty() {
            println!("     missing: {}", hit.missing_concepts.join(", "));
        }
        if hit.on_topic == Some(false) {
            println!("     off topic: after the on-topic hits (under half the best relevance)");
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
            println!("  {label}：{value}");
        }
    };
    line("所属高校", p.institution.clone().unwrap_or_default());
    line(
        "专利类型",
        p.effective_type()
            .map(|t| t.label_zh().to_string())
            .unwrap_or_default(),
    );
    line(
        "法律状态",
        match (p.legal_status, p.lapse_date) {
            (Some(s), Some(date)) if !s.is_alive() => format!("{}（{date}）", s.label_zh()),
            (Some(s), _) => s.label_zh().to_string(),
            (None, _) => String::new(),
        },
    );
    line(
        "IPC分类号",
        p.ipc
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    );
    line("申请人", p.applicants.join("；"));
    line("发明人", p.inventors.join("；"));
    line(
        "申请日",
        p.application_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    line(
        "授权日",
        p.grant_date.map(|d| d.to_string()).unwrap_or_default(),
    );
    line(
        "被引证次数",
        p.forward_citations
            .map(|n| n.to_string())
            .unwrap_or_default(),
    );
    line("摘要", p.abstract_text.clone().unwrap_or_default());
    let facts = patscreen::scoring::ClaimFacts::of(p);
    let count = |n: Option<u32>| n.map_or_else(|| "?".to_string(), |n| n.to_string());
    if facts.total.is_some() || facts.first.is_some() {
        let mut text = format!(
            "  权利要求：共 {} 项（独立 {} 项）",
            count(facts.total),
            count(facts.independent_count)
        );
        if let Some(first) = &facts.first {
            text.push_str(&format!(
                "；首项权利要求 {} 字，{} 个技术特征",
                first.chars(),
                first.features()
            ));
        }
        println!("{text}");
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
            "  #{:<4} {}  {} {} {:>7} rows, {:>6} new, {:>6} updated, {:>5} rejected  {:?}",
            b.id,
            b.submitted_at.get(..19).unwrap_or(&b.submitted_at),
            pad(&b.institution, 20),
            pad(&b.source_name, 32),
            b.report.rows_total,
            b.patents_new,
            b.patents_updated,
            b.report.rows_rejected,
            b.status
        );
    }
}

fn check_mark(check: Check) -> &'static str {
    match check {
        Check::Yes => "✓",
        Check::No => "✗",
        Check::Unknown => "?",
        Check::NotApplicable => "–",
    }
}

/// Prints a score card.
pub fn card(c: &ScoreCard) {
    match (c.value, c.value_percentile, &c.unscored) {
        (Some(value), Some(percentile), _) => println!(
            "\n  价值 {value:.2} / 100（{}；第 {} 百分位；置信度 {} {:.2}）",
            match (c.tier.is_promotion(), c.lapse_date) {
                (true, _) => format!("{}级 · {}", c.tier.as_str(), c.tier_role),
                (false, Some(date)) => format!("{}，失效日 {date}", c.tier_role),
                (false, None) => c.tier_role.to_string(),
            },
            (percentile * 100.0).round(),
            c.confidence_level,
            c.confidence
        ),
        (_, _, Some(unscored)) => {
            println!("\n  {}", unscored.reason);
            println!("  缺少：{}", zh_fields(&unscored.missing_inputs));
        }
        _ => println!("\n  {}", c.tier_role),
    }
    println!("  队列：{}，n = {}", c.cohort, c.cohort_size);
    for d in &c.dimensions {
        let score = d.score.map_or("未计算".to_string(), |s| format!("{s:.2}"));
        println!(
            "    {} {:>6} × 权重 {:.2} → {:>6.2} 分",
            pad(&d.name, 10),
            score,
            d.weight,
            d.points
        );
    }
    for driver in &c.drivers {
        println!("  + {driver}");
    }
    for drag in &c.drags {
        println!("  − {drag}");
    }
    if let Some(years) = c.remaining_years {
        println!("  剩余保护期 {years:.1} 年（不计入价值分）");
    }
    for industry in &c.industries {
        println!(
            "  产业 {}{} 契合度 {:.2}{}：{}",
            industry.name,
            if industry.primary { "（主）" } else { "" },
            industry.fit,
            industry
                .rank
                .map_or(String::new(), |r| format!("，排序分 {r:.1}")),
            industry
                .evidence
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("；")
        );
    }
    println!("  高价值发明专利（国家知识产权局口径）：");
    for line in &c.policy {
        println!(
            "    {} {}：{}",
            check_mark(line.check),
            line.category,
            line.evidence
        );
    }
    for gap in &c.data_gaps {
        println!("  数据缺口：{gap}");
    }
    println!(
        "  模型 {} · 产业 {} · 截至 {}",
        c.provenance.model_version, c.provenance.industries_version, c.provenance.as_of
    );
}

/// Prints the summary of a rescoring.
pub fn rescore(s: &RescoreStats) {
    println!(
        "scored {} patents (revision {}) in {:.2} s (features {:.2} s, scoring {:.2} s, writing {:.2} s)",
        s.patents,
        s.revision,
        s.load_seconds + s.score_seconds + s.save_seconds,
        s.load_seconds,
        s.score_seconds,
        s.save_seconds
    );
    println!(
        "  tiers: A {} · B {} · C {} · D {} · lapsed {} · unscored {}",
        s.tiers[0], s.tiers[1], s.tiers[2], s.tiers[3], s.tiers[4], s.tiers[5]
    );
    let industries: Vec<String> = s
        .industries
        .iter()
        .map(|(n, c)| format!("{n} {c}"))
        .collect();
    println!("  industries (fit ≥ 0.5): {}", industries.join(", "));
}

/// Prints a batch's screening report.
pub fn screening(s: &BatchScreening) {
    println!(
        "batch {} for {}: {} rows, {} accepted, {} rejected; {} new, {} updated, {} withdrawn",
        s.id,
        s.institution,
        s.rows_total,
        s.rows_accepted,
        s.rows_rejected,
        s.patents_new,
        s.patents_updated,
        s.withdrawals
    );
    let t = &s.tiers;
    println!(
        "  等级：A {} · B {} · C {} · D {} · 失效 {} · 未评分 {}",
        t.a, t.b, t.c, t.d, t.lapsed, t.unscored
    );
    let industries: Vec<String> = s
        .industries
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    println!(
        "  产业：{}；未归入产业 {}",
        industries.join("、"),
        s.no_industry
    );
    if !s.expiring.is_empty() {
        println!("  两年内到期：{} 项", s.expiring.len());
    }
}

/// Prints a shortlist.
pub fn shortlist(list: &Shortlist) {
    println!(
        "{}: {} patents, showing {}",
        list.industry,
        list.total,
        list.rows.len()
    );
    if list.unscored > 0 {
        println!(
            "  另有 {} 项专利属于本产业但未评分（数据不足），不参与排序",
            list.unscored
        );
    }
    for r in &list.rows {
        println!(
            "{:>4}. {}  {}  [{} · 价值 {:.1} · {} · 契合 {:.2}]",
            r.rank,
            r.application_number,
            r.title,
            r.institution,
            r.value,
            r.tier.label_zh(),
            r.fit
        );
        if let Some(reason) = r.reasons.first() {
            println!("      {reason}");
        }
    }
}

fn zh_fields_owned(fields: &[String]) -> String {
    zh_fields(&fields.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Record-contract field names in Chinese, joined for a sentence.
fn zh_fields(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| patscreen::schema::RecordField::from_name(f).map_or(*f, |field| field.header_zh()))
        .collect::<Vec<_>>()
        .join("、")
}

/// `text` padded with spaces to `width` terminal columns (a Chinese character takes two), so
/// columns of mixed Chinese and Latin text line up.
fn pad(text: &str, width: usize) -> String {
    let shown = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(shown)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_is_padded_by_its_display_width() {
        assert_eq!(pad("清华大学", 10), "清华大学  ");
        assert_eq!(pad("abc", 5), "abc  ");
        assert_eq!(pad("北京航空航天大学", 4), "北京航空航天大学");
    }
}
