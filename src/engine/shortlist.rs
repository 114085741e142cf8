//! Shortlists: the library's patents ranked for one industry (value × fit), with filters and
//! every row's score, tier, industries and top reasons; exported as CSV (UTF-8 with BOM, for
//! Excel) or Parquet, never truncated without saying so.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::Library;
use crate::error::{Error, Result};
use crate::index::ScoreLookup;
use crate::ingest;
use crate::model::{ApplicationNumber, Institution, LegalStatus};
use crate::scoring::{TableMeta, Tier};
use crate::store::{ColumnData, ColumnTable};

/// Most rows a shortlist may be asked for: beyond any library, small enough to be a count.
pub const MAX_SHORTLIST_ROWS: usize = 10_000_000;

/// What to put on a shortlist.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct ShortlistRequest {
    /// The industry (one of the ten names).
    pub industry: String,
    /// Only these institutions.
    #[serde(default)]
    pub institutions: Vec<String>,
    /// Only these tiers.
    #[serde(default)]
    pub tiers: Vec<String>,
    /// Smallest value.
    #[serde(default)]
    pub min_value: Option<f64>,
    /// At most this many rows (all when absent).
    #[serde(default)]
    pub limit: Option<usize>,
    /// Include lapsed, expired and invalidated patents.
    #[serde(default)]
    pub include_unavailable: bool,
}

/// One shortlist row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShortlistRow {
    /// Position, from 1.
    pub rank: usize,
    /// Application number.
    pub application_number: String,
    /// Title.
    pub title: String,
    /// Owning institution.
    pub institution: String,
    /// Value 0–100.
    pub value: f64,
    /// Tier.
    pub tier: Tier,
    /// Confidence 0–1.
    pub confidence: f64,
    /// Fit to the shortlist's industry.
    pub fit: f64,
    /// Industry rank score.
    pub rank_score: f64,
    /// All industries the patent is labelled with.
    pub industries: Vec<String>,
    /// Legal status.
    pub legal_status: String,
    /// Application date.
    pub application_date: String,
    /// Years of term left.
    pub remaining_years: Option<f64>,
    /// Main IPC.
    pub main_ipc: String,
    /// Top reasons (drivers) in Chinese.
    pub reasons: Vec<String>,
}

/// A shortlist.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Shortlist {
    /// The industry.
    pub industry: String,
    /// Patents matching the filters (before any limit).
    pub total: usize,
    /// The industry's patents (of the institutions asked for) left out because they are
    /// unscored: too few observed signals to rank them.
    pub unscored: usize,
    /// The rows (all of them unless a limit was asked for).
    pub rows: Vec<ShortlistRow>,
    /// The scores' provenance.
    pub provenance: TableMeta,
}

impl Library {
    /// Ranks the library's patents for one industry.
    pub fn shortlist(&self, request: &ShortlistRequest) -> Result<Shortlist> {
        let scores = self
            .scores()
            .ok_or_else(|| Error::invalid("scores", "not computed yet: run `patscreen score`"))?;
        let industry = scores.industry_index(&request.industry).ok_or_else(|| {
            Error::invalid(
                "industry",
                format!(
                    "'{}' is not one of the ten industries ({})",
                    request.industry,
                    scores.industries.join("、")
                ),
            )
        })?;
        let tiers = request
            .tiers
            .iter()
            .map(|t| {
                Tier::parse(t)
                    .filter(|t| *t != Tier::Unscored)
                    .ok_or_else(|| {
                        let accepted = Tier::STATES
                            .into_iter()
                            .filter(|t| *t != Tier::Unscored)
                            .map(|t| format!("{} ({})", t.as_str(), t.label_zh()))
                            .collect::<Vec<_>>();
                        Error::invalid(
                            "tier",
                            format!(
                                "'{}' is not a tier of a shortlist; accepted: {}",
                                t.trim(),
                                accepted.join(", ")
                            ),
                        )
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        let institutions: Vec<String> = request
            .institutions
            .iter()
            .map(|i| Error::institution("institution", i).map(Institution::into_string))
            .collect::<Result<_>>()?;
        if let Some(limit) = request.limit {
            super::check_limit(limit, MAX_SHORTLIST_ROWS)?;
        }
        if let Some(v) = request.min_value
            && !(0.0..=100.0).contains(&v)
        {
            return Err(Error::invalid("min_value", "must be between 0 and 100"));
        }
        let threshold = scores.meta.label_threshold;
        // The industry's patents best first, filtered on the dense columns; a row is read only
        // for an institution filter and for the rows listed.
        let keep = |o: u64| {
            (request.include_unavailable || scores.available(o))
                && (tiers.is_empty()
                    || scores
                        .tier(o)
                        .and_then(|t| Tier::STATES.get(t))
                        .is_some_and(|t| tiers.contains(t)))
                && request
                    .min_value
                    .is_none_or(|m| scores.value(o).is_some_and(|v| v >= m))
                && (institutions.is_empty()
                    || scores
                        .get(o)
                        .is_some_and(|r| institutions.iter().any(|i| **i == *r.institution)))
        };
        let take = request.limit.unwrap_or(usize::MAX);
        let mut total = 0;
        let mut listed = Vec::new();
        for o in scores.ranked(industry).iter().map(|o| u64::from(*o)) {
            if keep(o) {
                total += 1;
                if listed.len() < take {
                    listed.push(o);
                }
            }
        }
        let unscored = scores
            .unscored(industry)
            .filter(|o| {
                institutions.is_empty()
                    || scores
                        .get(*o)
                        .is_some_and(|r| institutions.iter().any(|i| **i == *r.institution))
            })
            .count();
        let mut rows = Vec::with_capacity(listed.len());
        for (i, row) in listed.into_iter().filter_map(|o| scores.get(o)).enumerate() {
            let number = ApplicationNumber::parse(&row.application_number)
                .map_err(|e| Error::Corrupt(format!("score table holds a bad number: {e}")))?;
            let patent = self.patent(&number)?;
            let drivers = self.scorer.drivers(&patent, row, &scores.meta);
            rows.push(ShortlistRow {
                rank: i + 1,
                application_number: row.application_number.clone(),
                title: patent.title.clone(),
                institution: row.institution.to_string(),
                value: row.value,
                tier: row.tier,
                confidence: row.confidence,
                fit: f64::from(row.fits[industry]),
                rank_score: f64::from(row.ranks[industry]),
                industries: scores
                    .industries
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| f64::from(row.fits[*k]) >= threshold)
                    .map(|(_, n)| n.clone())
                    .collect(),
                legal_status: patent
                    .legal_status
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                application_date: patent
                    .application_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                remaining_years: row.remaining_years,
                main_ipc: patent
                    .main_ipc()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                reasons: drivers,
            });
        }
        Ok(Shortlist {
            industry: scores.industries[industry].clone(),
            total,
            unscored,
            rows,
            provenance: scores.meta.clone(),
        })
    }
}

/// Column headers of the exported shortlist (Chinese, for promotion staff).
pub const SHORTLIST_HEADERS: [&str; 15] = [
    "排名",
    "申请号",
    "标题",
    "所属高校",
    "价值分",
    "等级",
    "置信度",
    "产业契合度",
    "产业排序分",
    "所属产业",
    "法律状态",
    "申请日",
    "剩余保护期(年)",
    "主IPC",
    "主要理由",
];

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if cleaned.is_empty() {
        "清单".into()
    } else {
        cleaned
    }
}

fn cells(row: &ShortlistRow) -> Vec<String> {
    vec![
        row.rank.to_string(),
        row.application_number.clone(),
        row.title.clone(),
        row.institution.clone(),
        format!("{:.2}", row.value),
        row.tier.label_zh().to_string(),
        format!("{:.2}", row.confidence),
        format!("{:.2}", row.fit),
        format!("{:.2}", row.rank_score),
        row.industries.join("；"),
        LegalStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == row.legal_status)
            .map_or_else(|| row.legal_status.clone(), |s| s.label_zh().to_string()),
        row.application_date.clone(),
        row.remaining_years
            .map(|y| format!("{y:.1}"))
            .unwrap_or_default(),
        row.main_ipc.clone(),
        row.reasons.join("；"),
    ]
}

impl Shortlist {
    /// Writes CSV with a UTF-8 byte-order mark (Excel opens it with Chinese intact).
    pub fn write_csv<W: Write>(&self, out: W) -> Result<W> {
        let rows: Vec<Vec<String>> = self.rows.iter().map(cells).collect();
        ingest::write_table_csv(out, &SHORTLIST_HEADERS, &rows, true)
    }

    /// Writes an XLSX workbook (one sheet named after the industry, Chinese headers).
    pub fn write_xlsx(&self) -> Result<Vec<u8>> {
        let rows: Vec<Vec<String>> = self.rows.iter().map(cells).collect();
        ingest::write_table_xlsx(&sheet_name(&self.industry), &SHORTLIST_HEADERS, &rows)
    }

    /// Writes Parquet (typed columns) to `path`.
    pub fn write_parquet(&self, path: &Path) -> Result<()> {
        let r = &self.rows;
        let s = |f: &dyn Fn(&ShortlistRow) -> String| ColumnData::Str(r.iter().map(f).collect());
        let n = |f: &dyn Fn(&ShortlistRow) -> f64| ColumnData::F64(r.iter().map(f).collect());
        let l = |f: &dyn Fn(&ShortlistRow) -> Vec<String>| {
            ColumnData::StrList(r.iter().map(f).collect())
        };
        let mut table = ColumnTable {
            columns: vec![
                (
                    "rank".into(),
                    ColumnData::U32(r.iter().map(|x| x.rank as u32).collect()),
                ),
                (
                    "application_number".into(),
                    s(&|x| x.application_number.clone()),
                ),
                ("title".into(), s(&|x| x.title.clone())),
                ("institution".into(), s(&|x| x.institution.clone())),
                ("value".into(), n(&|x| x.value)),
                ("tier".into(), s(&|x| x.tier.as_str().to_string())),
                ("confidence".into(), n(&|x| x.confidence)),
                ("fit".into(), n(&|x| x.fit)),
                ("rank_score".into(), n(&|x| x.rank_score)),
                ("industries".into(), l(&|x| x.industries.clone())),
                ("legal_status".into(), s(&|x| x.legal_status.clone())),
                (
                    "application_date".into(),
                    s(&|x| x.application_date.clone()),
                ),
                (
                    "remaining_years".into(),
                    n(&|x| x.remaining_years.unwrap_or(f64::NAN)),
                ),
                ("main_ipc".into(), s(&|x| x.main_ipc.clone())),
                ("reasons".into(), l(&|x| x.reasons.clone())),
            ],
            ..ColumnTable::default()
        };
        table
            .metadata
            .insert("industry".into(), self.industry.clone());
        table
            .metadata
            .insert("rows".into(), self.rows.len().to_string());
        table
            .metadata
            .insert("total".into(), self.total.to_string());
        table.metadata.insert(
            "model_version".into(),
            self.provenance.model_version.clone(),
        );
        table.write_atomic(path)
    }
}
