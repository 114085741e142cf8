//! The score table: one row per patent keyed by its dense ordinal, with the versions it was
//! computed under; persisted as Parquet and swapped atomically after every rescoring.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::columns::Columns;
use super::summary::TableSummary;
use super::value::{Check, CitationFacts, ScoreRow, SignalValue, Tier};
use crate::error::{Error, Result};
use crate::store::{ColumnData, ColumnSource, ColumnTable, write_columns_atomic};

/// What a score table was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TableMeta {
    /// `scoring/model.toml` version.
    pub model_version: String,
    /// `scoring/industries.toml` version.
    pub industries_version: String,
    /// As-of date of the scores.
    pub as_of: String,
    /// When it was computed (RFC 3339).
    pub computed_at: String,
    /// The last batch included.
    pub last_batch: i64,
    /// Increases with every rescoring.
    pub revision: u64,
    /// The fit from which an industry labels a patent.
    pub label_threshold: f64,
}

/// The scores of the whole library.
#[derive(Debug, Clone)]
pub struct ScoreTable {
    /// Provenance.
    pub meta: TableMeta,
    /// Industry names, in configuration order (the order of `fits` and `ranks`).
    pub industries: Vec<String>,
    rows: Vec<ScoreRow>,
    by_ordinal: Vec<u32>,
    columns: Columns,
    /// Per industry, its labelled ordinals best first; put in order on first use.
    ranked: Vec<OnceLock<Vec<u32>>>,
    /// Counts per institution and industry; counted on first use.
    summary: OnceLock<TableSummary>,
    /// Distinct for every table built in this process.
    id: u64,
}

/// The id of the next table built.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Tables are equal when their provenance, industries and rows are (everything else is
/// derived from those).
impl PartialEq for ScoreTable {
    fn eq(&self, other: &ScoreTable) -> bool {
        self.meta == other.meta && self.industries == other.industries && self.rows == other.rows
    }
}

const NO_ROW: u32 = u32::MAX;

/// The codes of [`Tier::STATES`], in order (the tier index of [`crate::index::ScoreLookup`]).
const TIER_NAMES: [&str; 6] = ["A", "B", "C", "D", "lapsed", "unscored"];

impl crate::index::ScoreLookup for ScoreTable {
    fn id(&self) -> u64 {
        self.id
    }

    fn value(&self, ordinal: u64) -> Option<f64> {
        self.columns.value(ordinal)
    }

    fn tier(&self, ordinal: u64) -> Option<usize> {
        self.columns.tier(ordinal)
    }

    fn labels(&self, ordinal: u64) -> u32 {
        self.columns.labels(ordinal)
    }

    fn remaining_years(&self, ordinal: u64) -> Option<f64> {
        self.get(ordinal).and_then(|r| r.remaining_years)
    }

    fn tier_names(&self) -> &[&'static str] {
        &TIER_NAMES
    }

    fn industries(&self) -> &[String] {
        &self.industries
    }

    fn fit(&self, ordinal: u64, industry: usize) -> f64 {
        self.get(ordinal)
            .and_then(|r| r.fits.get(industry))
            .map_or(0.0, |f| f64::from(*f))
    }

    fn rank(&self, ordinal: u64, industry: usize) -> Option<f64> {
        self.columns.rank(ordinal, industry)
    }

    fn label_threshold(&self) -> f64 {
        self.meta.label_threshold
    }
}

impl ScoreTable {
    /// Builds a table (rows in any order; they are sorted by ordinal).
    pub fn new(meta: TableMeta, industries: Vec<String>, mut rows: Vec<ScoreRow>) -> ScoreTable {
        rows.sort_by_key(|r| r.ordinal);
        let max = rows.last().map_or(0, |r| r.ordinal as usize + 1);
        let mut by_ordinal = vec![NO_ROW; max];
        for (i, row) in rows.iter().enumerate() {
            by_ordinal[row.ordinal as usize] = i as u32;
        }
        let columns = Columns::build(&rows, max, industries.len(), meta.label_threshold);
        let ranked = industries.iter().map(|_| OnceLock::new()).collect();
        ScoreTable {
            meta,
            industries,
            rows,
            by_ordinal,
            columns,
            ranked,
            summary: OnceLock::new(),
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// An empty table.
    pub fn empty() -> ScoreTable {
        ScoreTable::new(
            TableMeta {
                model_version: String::new(),
                industries_version: String::new(),
                as_of: String::new(),
                computed_at: String::new(),
                last_batch: 0,
                revision: 0,
                label_threshold: 0.5,
            },
            Vec::new(),
            Vec::new(),
        )
    }

    /// The ordinals of the patents industry `industry` labels (fit at or above the label
    /// threshold), in order, read from the dense columns without touching a row.
    pub fn labelled(&self, industry: usize) -> impl Iterator<Item = u64> + '_ {
        self.columns.labelled(industry).map(|o| o as u64)
    }

    /// The ordinals industry `industry` labels, best first: by rank score, then application
    /// number. Sorted once per table and industry, on first use or when the engine warms a new
    /// table (a shortlist then walks this list, checking its filters on the dense columns,
    /// instead of sorting 10^5 patents per request).
    pub fn ranked(&self, industry: usize) -> &[u32] {
        let Some(slot) = self.ranked.get(industry) else {
            return &[];
        };
        slot.get_or_init(|| {
            let rank = |o: u32| {
                self.columns
                    .rank(u64::from(o), industry)
                    .unwrap_or(f64::NAN)
            };
            let number = |o: u32| {
                self.get(u64::from(o))
                    .map(|r| r.application_number.as_str())
            };
            // Unscored patents have no rank: they are counted apart, never ranked.
            let mut ordinals: Vec<(f64, u32)> = self
                .labelled(industry)
                .map(|o| (rank(o as u32), o as u32))
                .filter(|(r, _)| !r.is_nan())
                .collect();
            ordinals.sort_unstable_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then_with(|| number(a.1).cmp(&number(b.1)))
            });
            ordinals.into_iter().map(|(_, o)| o).collect()
        })
    }

    /// Counts per institution (patents, tiers, industries) and per industry (patents, tiers,
    /// available), counted once per table, on first use or when the engine warms a new table.
    pub fn summary(&self) -> &TableSummary {
        self.summary
            .get_or_init(|| TableSummary::build(&self.rows, &self.columns, self.industries.len()))
    }

    /// The unscored patents an industry labels (they have no rank).
    pub fn unscored(&self, industry: usize) -> impl Iterator<Item = u64> + '_ {
        self.labelled(industry)
            .filter(|o| self.columns.tier(*o) == Some(usize::from(tier_code(Tier::Unscored))))
    }

    /// Whether the patent is in force or pending (`false` when it has no row).
    pub fn available(&self, ordinal: u64) -> bool {
        self.columns.available(ordinal)
    }

    /// The row of a patent.
    pub fn get(&self, ordinal: u64) -> Option<&ScoreRow> {
        let row = *self.by_ordinal.get(usize::try_from(ordinal).ok()?)?;
        (row != NO_ROW).then(|| &self.rows[row as usize])
    }

    /// All rows, by ordinal.
    pub fn rows(&self) -> &[ScoreRow] {
        &self.rows
    }

    /// The index of an industry by name or id-like prefix.
    pub fn industry_index(&self, name: &str) -> Option<usize> {
        self.industries.iter().position(|n| n == name.trim())
    }

    /// Writes the table to `path` (atomic replace).
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut metadata = BTreeMap::new();
        metadata.insert(
            "meta".to_string(),
            serde_json::to_string(&self.meta).unwrap_or_default(),
        );
        metadata.insert("industries".to_string(), self.industries.join("\n"));
        write_columns_atomic(&RowColumns::new(self), &metadata, path)
    }

    /// Reads a table saved by [`ScoreTable::save`].
    pub fn load(path: &Path) -> Result<ScoreTable> {
        from_columns(&ColumnTable::read(path)?)
    }
}

pub(super) fn tier_code(t: Tier) -> u8 {
    Tier::STATES.iter().position(|x| *x == t).unwrap_or(3) as u8
}

fn check_code(c: Check) -> u8 {
    match c {
        Check::Yes => 0,
        Check::No => 1,
        Check::Unknown => 2,
        Check::NotApplicable => 3,
    }
}

fn check_of(code: u8) -> Check {
    match code {
        0 => Check::Yes,
        1 => Check::No,
        2 => Check::Unknown,
        _ => Check::NotApplicable,
    }
}

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn back(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// Builds one column from a run of rows.
type ColumnBuilder = Box<dyn Fn(&[ScoreRow]) -> ColumnData + Send + Sync>;

/// The score table's rows seen as the columns of its file, built a row group at a time.
struct RowColumns<'a> {
    rows: &'a [ScoreRow],
    builders: Vec<(String, ColumnBuilder)>,
}

impl ColumnSource for RowColumns<'_> {
    fn rows(&self) -> usize {
        self.rows.len()
    }

    fn names(&self) -> Vec<String> {
        self.builders.iter().map(|(n, _)| n.clone()).collect()
    }

    fn column(&self, index: usize, rows: Range<usize>) -> ColumnData {
        let rows = self.rows.get(rows).unwrap_or_default();
        match self.builders.get(index) {
            Some((_, build)) => build(rows),
            None => ColumnData::U8(Vec::new()),
        }
    }
}

impl<'a> RowColumns<'a> {
    fn new(table: &'a ScoreTable) -> RowColumns<'a> {
        fn f64s(f: impl Fn(&ScoreRow) -> f64 + Send + Sync + 'static) -> ColumnBuilder {
            Box::new(move |rows| ColumnData::F64(rows.iter().map(&f).collect()))
        }
        fn f32s(f: impl Fn(&ScoreRow) -> f32 + Send + Sync + 'static) -> ColumnBuilder {
            Box::new(move |rows| ColumnData::F32(rows.iter().map(&f).collect()))
        }
        fn u32s(f: impl Fn(&ScoreRow) -> u32 + Send + Sync + 'static) -> ColumnBuilder {
            Box::new(move |rows| ColumnData::U32(rows.iter().map(&f).collect()))
        }
        fn u8s(f: impl Fn(&ScoreRow) -> u8 + Send + Sync + 'static) -> ColumnBuilder {
            Box::new(move |rows| ColumnData::U8(rows.iter().map(&f).collect()))
        }
        fn strs(f: impl Fn(&ScoreRow) -> String + Send + Sync + 'static) -> ColumnBuilder {
            Box::new(move |rows| ColumnData::Str(rows.iter().map(&f).collect()))
        }
        type Signal = fn(&ScoreRow) -> Option<SignalValue>;
        let raw = |f: Signal| f64s(move |r| opt(f(r).map(|v| v.raw)));
        let pct = |f: Signal| f64s(move |r| opt(f(r).map(|v| v.percentile)));
        let mut builders: Vec<(String, ColumnBuilder)> = vec![
            ("ordinal".into(), u32s(|r| r.ordinal)),
            (
                "application_number".into(),
                strs(|r| r.application_number.clone()),
            ),
            ("institution".into(), strs(|r| r.institution.to_string())),
            ("value".into(), f64s(|r| r.value)),
            ("value_percentile".into(), f64s(|r| r.value_percentile)),
            ("tier".into(), u8s(|r| tier_code(r.tier))),
            ("confidence".into(), f64s(|r| r.confidence)),
            ("available".into(), u8s(|r| u8::from(r.available))),
            (
                "citations_supplied".into(),
                u32s(|r| r.citations.and_then(|c| c.supplied).unwrap_or(u32::MAX)),
            ),
            (
                "citations_in_library".into(),
                u32s(|r| r.citations.map_or(u32::MAX, |c| c.in_library)),
            ),
            (
                "citations_age".into(),
                f64s(|r| opt(r.citations.map(|c| c.age_years))),
            ),
            (
                "citations_rate".into(),
                f64s(|r| opt(r.citations.map(|c| c.rate))),
            ),
            (
                "citations_percentile".into(),
                f64s(|r| opt(r.citations.map(|c| c.percentile))),
            ),
            ("claim1_chars".into(), raw(|r| r.claim1_chars)),
            ("claim1_chars_percentile".into(), pct(|r| r.claim1_chars)),
            ("claim1_features".into(), raw(|r| r.claim1_features)),
            (
                "claim1_features_percentile".into(),
                pct(|r| r.claim1_features),
            ),
            ("independent".into(), raw(|r| r.independent)),
            ("independent_percentile".into(), pct(|r| r.independent)),
            ("claim_count".into(), raw(|r| r.claim_count)),
            ("claim_count_percentile".into(), pct(|r| r.claim_count)),
            ("survival_peers".into(), raw(|r| r.survival)),
            ("survival_percentile".into(), pct(|r| r.survival)),
            ("coverage".into(), raw(|r| r.coverage)),
            ("coverage_percentile".into(), pct(|r| r.coverage)),
            ("market".into(), f64s(|r| r.market)),
            ("cohort".into(), strs(|r| r.cohort.to_string())),
            ("cohort_size".into(), u32s(|r| r.cohort_size)),
            ("remaining_years".into(), f64s(|r| opt(r.remaining_years))),
            ("momentum".into(), f32s(|r| r.momentum)),
            (
                "primary_industry".into(),
                u8s(|r| r.primary.unwrap_or(u8::MAX)),
            ),
            ("gaps".into(), u32s(|r| r.gaps)),
        ];
        for d in 0..4 {
            builders.push((
                format!("dimension_{d}"),
                f64s(move |r| opt(r.dimensions[d])),
            ));
            builders.push((
                format!("contribution_{d}"),
                f64s(move |r| r.contributions[d]),
            ));
        }
        for p in 0..5 {
            builders.push((format!("policy_{p}"), u8s(move |r| check_code(r.policy[p]))));
        }
        for i in 0..table.industries.len() {
            builders.push((format!("fit_{i}"), f32s(move |r| r.fits[i])));
            builders.push((format!("rank_{i}"), f32s(move |r| r.ranks[i])));
        }
        RowColumns {
            rows: &table.rows,
            builders,
        }
    }
}

fn from_columns(table: &ColumnTable) -> Result<ScoreTable> {
    let meta: TableMeta =
        serde_json::from_str(table.metadata.get("meta").map_or("", String::as_str))
            .map_err(|e| Error::Corrupt(format!("score table metadata: {e}")))?;
    let industries: Vec<String> = table
        .metadata
        .get("industries")
        .map(|s| {
            s.lines()
                .map(str::to_string)
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let corrupt =
        |name: &str| Error::Corrupt(format!("score table column {name} has the wrong type"));
    macro_rules! col {
        ($name:expr, $variant:ident) => {
            match table.column(&$name)? {
                ColumnData::$variant(v) => v,
                _ => return Err(corrupt(&$name)),
            }
        };
    }
    let ordinal = col!("ordinal", U32);
    let number = col!("application_number", Str);
    let institution = col!("institution", Str);
    let value = col!("value", F64);
    let value_percentile = col!("value_percentile", F64);
    let tier = col!("tier", U8);
    let confidence = col!("confidence", F64);
    let available = col!("available", U8);
    let supplied = col!("citations_supplied", U32);
    let in_library = col!("citations_in_library", U32);
    let age = col!("citations_age", F64);
    let rate = col!("citations_rate", F64);
    let cit_pct = col!("citations_percentile", F64);
    let signal_pairs = [
        "claim1_chars",
        "claim1_features",
        "independent",
        "claim_count",
        "survival_peers",
        "coverage",
    ];
    let mut signals = Vec::new();
    for name in signal_pairs {
        let pct_name = if name == "survival_peers" {
            "survival_percentile".to_string()
        } else {
            format!("{name}_percentile")
        };
        signals.push((col!(name, F64), col!(pct_name, F64)));
    }
    let market = col!("market", F64);
    let cohort = col!("cohort", Str);
    let cohort_size = col!("cohort_size", U32);
    let remaining = col!("remaining_years", F64);
    let momentum = col!("momentum", F32);
    let primary = col!("primary_industry", U8);
    let gap_bits = col!("gaps", U32);
    let mut dims = Vec::new();
    for d in 0..4 {
        dims.push((
            col!(format!("dimension_{d}"), F64),
            col!(format!("contribution_{d}"), F64),
        ));
    }
    let mut policy = Vec::new();
    for p in 0..5 {
        policy.push(col!(format!("policy_{p}"), U8));
    }
    let mut industry_cols = Vec::new();
    for i in 0..industries.len() {
        industry_cols.push((
            col!(format!("fit_{i}"), F32),
            col!(format!("rank_{i}"), F32),
        ));
    }
    let mut shared: HashSet<Arc<str>, foldhash::fast::FixedState> = HashSet::default();
    let mut share = |text: &str| -> Arc<str> {
        if let Some(s) = shared.get(text) {
            return s.clone();
        }
        let s: Arc<str> = Arc::from(text);
        shared.insert(s.clone());
        s
    };
    let mut rows = Vec::with_capacity(table.rows());
    for r in 0..table.rows() {
        let signal = |k: usize| -> Option<SignalValue> {
            let (raw, pct) = &signals[k];
            back(raw[r])
                .zip(back(pct[r]))
                .map(|(raw, percentile)| SignalValue { raw, percentile })
        };
        rows.push(ScoreRow {
            ordinal: ordinal[r],
            application_number: number[r].clone(),
            institution: share(&institution[r]),
            value: value[r],
            contributions: [dims[0].1[r], dims[1].1[r], dims[2].1[r], dims[3].1[r]],
            dimensions: [
                back(dims[0].0[r]),
                back(dims[1].0[r]),
                back(dims[2].0[r]),
                back(dims[3].0[r]),
            ],
            value_percentile: value_percentile[r],
            tier: Tier::STATES
                .get(usize::from(tier[r]))
                .copied()
                .unwrap_or(Tier::D),
            confidence: confidence[r],
            citations: back(rate[r]).map(|rate| CitationFacts {
                supplied: (supplied[r] != u32::MAX).then_some(supplied[r]),
                in_library: in_library[r],
                age_years: age[r],
                rate,
                percentile: cit_pct[r],
            }),
            claim1_chars: signal(0),
            claim1_features: signal(1),
            independent: signal(2),
            claim_count: signal(3),
            survival: signal(4),
            coverage: signal(5),
            market: market[r],
            cohort: share(&cohort[r]),
            cohort_size: cohort_size[r],
            remaining_years: back(remaining[r]),
            fits: industry_cols.iter().map(|(f, _)| f[r]).collect(),
            momentum: momentum[r],
            ranks: industry_cols.iter().map(|(_, k)| k[r]).collect(),
            primary: (primary[r] != u8::MAX).then_some(primary[r]),
            policy: [
                check_of(policy[0][r]),
                check_of(policy[1][r]),
                check_of(policy[2][r]),
                check_of(policy[3][r]),
                check_of(policy[4][r]),
            ],
            gaps: gap_bits[r],
            available: available[r] == 1,
        });
    }
    Ok(ScoreTable::new(meta, industries, rows))
}
