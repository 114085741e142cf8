//! The screening report as a table TTO staff open in a spreadsheet: each patent of a batch
//! with its value (or 未评分), tier, industries, legal status, remaining term and what the
//! batch changed, as CSV or XLSX with Chinese headers and labels.

use std::collections::HashMap;

use serde::Serialize;

use super::Library;
use crate::error::Result;
use crate::ingest::{self, PatentChange};
use crate::model::LegalStatus;
use crate::schema::RecordField;
use crate::scoring::{ScoreRow, Tier};

/// Column headers of the screening table.
pub const SCREENING_HEADERS: [&str; 10] = [
    "申请号",
    "标题",
    "价值分",
    "等级",
    "所属产业",
    "法律状态",
    "剩余保护期(年)",
    "本批变更字段",
    "变更前价值分",
    "变更前等级",
];

/// One patent of a batch, as the screening table lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreeningRow {
    /// Application number.
    pub application_number: String,
    /// Title.
    pub title: String,
    /// Value 0–100 (`None`: unscored).
    pub value: Option<f64>,
    /// Tier, or lapsed / unscored.
    pub tier: Option<Tier>,
    /// Industries it is labelled with.
    pub industries: Vec<String>,
    /// Legal status.
    pub legal_status: Option<LegalStatus>,
    /// When it lapsed, expired or was invalidated.
    pub lapse_date: Option<chrono::NaiveDate>,
    /// Years of term left.
    pub remaining_years: Option<f64>,
    /// What this batch changed in it, when it was already in the library.
    pub change: Option<PatentChange>,
}

/// The Chinese name of a contract field.
fn field_zh(name: &str) -> &str {
    match RecordField::from_name(name) {
        Some(field) => field.header_zh(),
        None => name,
    }
}

fn tier_text(value: Option<f64>, tier: Option<&str>) -> (String, String) {
    let tier = tier.and_then(Tier::parse);
    match (value, tier) {
        (_, Some(Tier::Unscored)) | (None, _) => (String::new(), Tier::Unscored.label_zh().into()),
        (Some(v), Some(t)) => (format!("{v:.2}"), t.label_zh().into()),
        (Some(v), None) => (format!("{v:.2}"), String::new()),
    }
}

impl ScreeningRow {
    fn cells(&self) -> Vec<String> {
        let (value, tier) = tier_text(self.value, self.tier.map(Tier::as_str));
        let (changed, before_value, before_tier) = match &self.change {
            Some(c) => {
                let (v, t) = tier_text(c.value_before, c.tier_before.as_deref());
                let fields: Vec<&str> = c.fields.iter().map(|f| field_zh(f)).collect();
                (fields.join("、"), v, t)
            }
            None => (String::new(), String::new(), String::new()),
        };
        vec![
            self.application_number.clone(),
            self.title.clone(),
            value,
            tier,
            self.industries.join("；"),
            match (self.legal_status, self.lapse_date) {
                // 失效 with its date: 期限届满（2024-03-01）.
                (Some(s), Some(d)) if !s.is_alive() => format!("{}（{d}）", s.label_zh()),
                (Some(s), _) => s.label_zh().to_string(),
                (None, _) => String::new(),
            },
            self.remaining_years
                .map(|y| format!("{y:.1}"))
                .unwrap_or_default(),
            changed,
            before_value,
            before_tier,
        ]
    }
}

/// Writes the screening table as CSV (UTF-8 with a byte-order mark, for Excel).
pub fn screening_csv(rows: &[ScreeningRow]) -> Result<Vec<u8>> {
    let cells: Vec<Vec<String>> = rows.iter().map(ScreeningRow::cells).collect();
    ingest::write_table_csv(Vec::new(), &SCREENING_HEADERS, &cells, true)
}

/// Writes the screening table as an XLSX workbook.
pub fn screening_xlsx(rows: &[ScreeningRow]) -> Result<Vec<u8>> {
    let cells: Vec<Vec<String>> = rows.iter().map(ScreeningRow::cells).collect();
    ingest::write_table_xlsx("筛查报告", &SCREENING_HEADERS, &cells)
}

impl Library {
    /// Each patent whose current version a batch (by its id) holds, best value first
    /// (unscored last), with what the batch changed in it.
    pub fn screening_rows(&self, id: i64) -> Result<Vec<ScreeningRow>> {
        let batch = self.accepted_batch(id)?;
        let current: HashMap<String, u64> = self
            .catalog()?
            .patents_of_batch(batch.id)?
            .into_iter()
            .filter(|(_, _, withdrawn)| !withdrawn)
            .map(|(number, ordinal, _)| (number, ordinal))
            .collect();
        let changes: HashMap<&str, &PatentChange> = batch
            .report
            .changes
            .iter()
            .map(|c| (c.application_number.as_str(), c))
            .collect();
        let scores = self.scores();
        let threshold = self.scorer.label_threshold();
        let mut rows: Vec<ScreeningRow> = self
            .archive
            .read(&batch.archive_file, &batch.institution)?
            .into_iter()
            .filter_map(|patent| {
                let number = patent.application_number.to_string();
                let ordinal = *current.get(&number)?;
                let row = scores.as_ref().and_then(|s| s.get(ordinal));
                let industries = match (&scores, row) {
                    (Some(s), Some(r)) => s
                        .industries
                        .iter()
                        .zip(&r.fits)
                        .filter(|(_, fit)| f64::from(**fit) >= threshold)
                        .map(|(name, _)| name.clone())
                        .collect(),
                    _ => Vec::new(),
                };
                Some(ScreeningRow {
                    change: changes.get(number.as_str()).map(|c| (*c).clone()),
                    application_number: number,
                    title: patent.title,
                    value: row.and_then(ScoreRow::shown_value),
                    tier: row.map(|r| r.tier),
                    industries,
                    legal_status: patent.legal_status,
                    lapse_date: patent.lapse_date,
                    remaining_years: row.and_then(|r| r.remaining_years),
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            b.value
                .unwrap_or(-1.0)
                .total_cmp(&a.value.unwrap_or(-1.0))
                .then_with(|| a.application_number.cmp(&b.application_number))
        });
        Ok(rows)
    }
}
