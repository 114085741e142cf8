//! The value model (reference/scoring.md §8): signals as cohort percentiles, four dimensions,
//! the value as a weighted sum whose contributions add up exactly, confidence, tiers, industry
//! ranks and the CNIPA high-value checklist. A pure function of the features, the model and
//! the as-of date; parallel and sequential runs give the same table.

/// A hash map with a fast, fixed (deterministic) hasher for the large tables of a scoring run.
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::citations::in_library_citations;
use super::config::ModelConfig;
use super::features::PatentFeatures;
use super::percentile::{Cohorts, assign, label, mid_rank};
use crate::model::{EventKind, LegalStatus, PatentType, Vocabulary};

/// Value tiers (分层), and the two states of a patent that has none: unscored (too few
/// observed signals for a value) and lapsed (no longer in force, so not promoted).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum Tier {
    /// ≥ P90: 重点推广.
    A,
    /// P75–P90: 推广.
    B,
    /// P50–P75: 储备.
    C,
    /// < P50: 评估是否维持.
    D,
    /// Lapsed, expired or invalidated: valued, but given no promotion tier (失效).
    #[serde(rename = "lapsed")]
    Lapsed,
    /// Too few observed signals for a value (未评分 · 数据不足): no value, no tier.
    #[serde(rename = "unscored")]
    Unscored,
}

impl Tier {
    /// The promotion tiers, best first.
    pub const ALL: [Tier; 4] = [Tier::A, Tier::B, Tier::C, Tier::D];

    /// Every state a patent's tier can be in: the promotion tiers, then lapsed and unscored.
    pub const STATES: [Tier; 6] = [
        Tier::A,
        Tier::B,
        Tier::C,
        Tier::D,
        Tier::Lapsed,
        Tier::Unscored,
    ];

    /// The stable code: the letter, `lapsed` or `unscored`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
            Tier::D => "D",
            Tier::Lapsed => "lapsed",
            Tier::Unscored => "unscored",
        }
    }

    /// What the tier means for promotion.
    pub fn role_zh(self) -> &'static str {
        match self {
            Tier::A => "重点推广",
            Tier::B => "推广",
            Tier::C => "储备",
            Tier::D => "评估是否维持",
            Tier::Lapsed => "已失效 · 不推广",
            Tier::Unscored => "未评分 · 数据不足",
        }
    }

    /// The Chinese label shown to users: `A 重点推广` …, `失效`, `未评分`.
    pub fn label_zh(self) -> &'static str {
        match self {
            Tier::A => "A 重点推广",
            Tier::B => "B 推广",
            Tier::C => "C 储备",
            Tier::D => "D 评估是否维持",
            Tier::Lapsed => "失效",
            Tier::Unscored => "未评分",
        }
    }

    /// Whether this is a promotion tier (A–D), not lapsed or unscored.
    pub fn is_promotion(self) -> bool {
        Tier::ALL.contains(&self)
    }

    /// Parses a code (`A`, `lapsed`, `unscored`, any case) or a Chinese label (`失效`,
    /// `未评分`).
    pub fn parse(s: &str) -> Option<Tier> {
        Tier::parse_value(s).ok()
    }
}

impl Vocabulary for Tier {
    const KIND: &'static str = "tier";

    fn values() -> &'static [Tier] {
        &Tier::STATES
    }

    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_zh(self) -> &'static str {
        Tier::label_zh(self)
    }

    /// The promotion role alone (重点推广) and the short labels (失效, 未评分).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Tier::A => &["重点推广"],
            Tier::B => &["推广"],
            Tier::C => &["储备"],
            Tier::D => &["评估是否维持"],
            Tier::Lapsed => &["已失效 · 不推广"],
            Tier::Unscored => &["未评分 · 数据不足"],
        }
    }
}

/// One answer of the CNIPA high-value checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The category holds.
    Yes,
    /// It does not.
    No,
    /// The data needed is missing.
    Unknown,
    /// The checklist covers in-force invention patents only.
    NotApplicable,
}

/// A signal's raw value and its percentile in the cohort.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignalValue {
    /// The raw value.
    pub raw: f64,
    /// Mid-rank percentile in the cohort (0–1).
    pub percentile: f64,
}

/// Forward-citation facts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CitationFacts {
    /// Count supplied by the exporting tool.
    pub supplied: Option<u32>,
    /// Citing patents in the library (self-citations excluded).
    pub in_library: u32,
    /// Years since publication.
    pub age_years: f64,
    /// Age-corrected citation rate (Gamma–Poisson posterior mean).
    pub rate: f64,
    /// Percentile of the rate in the cohort.
    pub percentile: f64,
}

impl CitationFacts {
    /// The count used: the larger of supplied and in-library.
    pub fn used(&self) -> u32 {
        self.supplied.unwrap_or(0).max(self.in_library)
    }
}

/// Data gaps, as bits.
pub mod gaps {
    /// No forward citations supplied and none found in the library.
    pub const CITATIONS: u32 = 1;
    /// No claims text.
    pub const CLAIMS: u32 = 1 << 1;
    /// No legal status.
    pub const LEGAL_STATUS: u32 = 1 << 2;
    /// No family information.
    pub const FAMILY: u32 = 1 << 3;
    /// No IPC code.
    pub const IPC: u32 = 1 << 4;
    /// No application or publication date (ages estimated from the number).
    pub const DATES: u32 = 1 << 5;
    /// No event list (market evidence may be under-counted).
    pub const EVENTS: u32 = 1 << 6;

    /// Every gap with its Chinese description.
    pub const DESCRIPTIONS: [(u32, &str); 7] = [
        (
            CITATIONS,
            "无被引数据（未提供被引证次数，库内也无引用），未计算技术影响",
        ),
        (CLAIMS, "未提供权利要求书，未计算保护范围"),
        (LEGAL_STATUS, "未提供法律状态，未计算维持情况"),
        (FAMILY, "未提供同族信息，未计算海外布局"),
        (IPC, "无IPC分类号，队列按申请年划分，产业仅按关键词判断"),
        (DATES, "缺少申请日或公开日，年龄按申请号估算"),
        (EVENTS, "未提供转让/许可/质押等事件，运用证据可能偏低"),
    ];
}

/// The score of one patent.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// Dense ordinal.
    pub ordinal: u32,
    /// Application number.
    pub application_number: String,
    /// Owning institution (shared by every row of the institution).
    pub institution: Arc<str>,
    /// Value, 0–100: the sum of `contributions`.
    pub value: f64,
    /// Points contributed by each dimension (技术影响, 保护范围, 法律与维持, 运用证据).
    pub contributions: [f64; 4],
    /// Dimension scores (0–1), `None` where not observed.
    pub dimensions: [Option<f64>; 4],
    /// Percentile of the value in the library.
    pub value_percentile: f64,
    /// Tier.
    pub tier: Tier,
    /// Confidence (0–1).
    pub confidence: f64,
    /// Forward citations.
    pub citations: Option<CitationFacts>,
    /// Claim 1 length in characters (percentile: share of the cohort at or below).
    pub claim1_chars: Option<SignalValue>,
    /// Technical features of claim 1.
    pub claim1_features: Option<SignalValue>,
    /// Independent claims: `10 × categories + min(count, 9)`.
    pub independent: Option<SignalValue>,
    /// Number of claims (capped).
    pub claim_count: Option<SignalValue>,
    /// Survival: raw is the share of cohort peers still in force.
    pub survival: Option<SignalValue>,
    /// Family coverage abroad.
    pub coverage: Option<SignalValue>,
    /// Market evidence D4 (0–1).
    pub market: f64,
    /// The cohort compared in (shared by every row of the cohort).
    pub cohort: Arc<str>,
    /// Its size.
    pub cohort_size: u32,
    /// Years of term left (in force or pending only).
    pub remaining_years: Option<f64>,
    /// Rule fit per industry (0–1).
    pub fits: Vec<f32>,
    /// Filing momentum of the main IPC group (0–1); NaN when unknown (no IPC).
    pub momentum: f32,
    /// Industry rank score per industry; NaN where fit is below the label threshold.
    pub ranks: Vec<f32>,
    /// Primary industry.
    pub primary: Option<u8>,
    /// CNIPA high-value checklist, categories 1–5.
    pub policy: [Check; 5],
    /// Data gaps (see [`gaps`]).
    pub gaps: u32,
    /// Whether the patent is in force or pending (available for promotion).
    pub available: bool,
}

impl ScoreRow {
    /// The value as shown to users: `None` when the patent is unscored.
    pub fn shown_value(&self) -> Option<f64> {
        (self.tier != Tier::Unscored).then_some(self.value)
    }
}

/// Inputs of a scoring run besides the features.
#[derive(Debug, Clone, Copy)]
pub struct ScoringContext<'a> {
    /// The model.
    pub model: &'a ModelConfig,
    /// Fit at which an industry is a label.
    pub label_threshold: f64,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Use rayon.
    pub parallel: bool,
}

fn years_between(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / 365.25
}

/// Publication age in years (estimated from the application date or year when missing).
fn publication_age(f: &PatentFeatures, as_of: NaiveDate) -> f64 {
    let published = f
        .publication_date
        .or_else(|| f.application_date.map(|d| d + chrono::Days::new(548)))
        .or_else(|| {
            NaiveDate::from_ymd_opt(i32::from(f.year), 7, 1).map(|d| d + chrono::Days::new(548))
        });
    published.map_or(0.0, |d| years_between(d, as_of).max(0.0))
}

fn exposure(table: &[f64], age: f64) -> f64 {
    let last = table.len() - 1;
    if age >= last as f64 {
        return table[last];
    }
    let i = age.floor() as usize;
    let t = age - i as f64;
    table[i] + (table[(i + 1).min(last)] - table[i]) * t
}

/// Gamma prior (shape, rate) from mature counts by the method of moments.
fn gamma_prior(counts: &[f64]) -> (f64, f64) {
    if counts.len() < 5 {
        return (0.5, 1.0);
    }
    // Sum in a fixed order so that the result does not depend on the order of patents.
    let mut counts = counts.to_vec();
    counts.sort_by(f64::total_cmp);
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<f64>() / n;
    let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0);
    if mean <= 0.0 {
        return (0.05, 1.0);
    }
    if var > mean {
        let rate = mean / (var - mean);
        (mean * rate, rate)
    } else {
        (mean * 100.0, 100.0)
    }
}

fn map<T: Send, F: Fn(usize) -> T + Sync + Send>(n: usize, parallel: bool, f: F) -> Vec<T> {
    if parallel {
        (0..n).into_par_iter().map(f).collect()
    } else {
        (0..n).map(f).collect()
    }
}

/// Filing momentum per patent: percentile of its main IPC group's growth (last five years
/// over the five before) among all groups; NaN (unknown) when there is no IPC.
fn momentum(features: &[PatentFeatures], as_of: NaiveDate) -> Vec<f32> {
    let now = as_of.year();
    let group_of = |f: &PatentFeatures| -> Option<u64> {
        let code = f.main_ipc.as_ref()?.as_str();
        let (head, _) = code.split_once('/')?;
        let subclass = head
            .bytes()
            .take(4)
            .fold(0u64, |acc, b| (acc << 8) | u64::from(b));
        let group: u64 = head.get(4..)?.parse().ok()?;
        Some((subclass << 24) | group)
    };
    let groups: Vec<Option<u64>> = features.iter().map(group_of).collect();
    let mut recent: FastMap<u64, (u32, u32)> = FastMap::default();
    for (f, group) in features.iter().zip(&groups) {
        let Some(group) = group else { continue };
        let entry = recent.entry(*group).or_default();
        let year = i32::from(f.year);
        if year > now - 5 {
            entry.0 += 1;
        } else if year > now - 10 {
            entry.1 += 1;
        }
    }
    let growth: FastMap<u64, f64> = recent
        .iter()
        .map(|(g, (r, p))| (*g, f64::from(r + 1) / f64::from(p + 1)))
        .collect();
    let mut sorted: Vec<f64> = growth.values().copied().collect();
    sorted.sort_by(f64::total_cmp);
    groups
        .iter()
        .map(|g| {
            g.and_then(|g| growth.get(&g).copied())
                .map_or(f32::NAN, |g| mid_rank(&sorted, g) as f32)
        })
        .collect()
}

fn term_years(f: &PatentFeatures) -> f64 {
    match f.patent_type {
        Some(PatentType::UtilityModel) => 10.0,
        Some(PatentType::Design) => {
            let filed_after_2021 = f
                .application_date
                .is_some_and(|d| d >= NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or(d));
            if filed_after_2021 { 15.0 } else { 10.0 }
        }
        _ => 20.0,
    }
}

fn filing_date(f: &PatentFeatures) -> Option<NaiveDate> {
    f.application_date
        .or_else(|| NaiveDate::from_ymd_opt(i32::from(f.year), 7, 1))
}

/// Rounds to hundredths of a point (value arithmetic is exact in these units).
fn hundredths(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// Scores the whole library.
pub fn score(features: &[PatentFeatures], ctx: &ScoringContext<'_>) -> Vec<ScoreRow> {
    let model = ctx.model;
    let n = features.len();
    if n == 0 {
        return Vec::new();
    }
    let cohorts: Cohorts = assign(features, model.cohort_min_size);
    let par = ctx.parallel;

    // D1: forward citations, age-corrected.
    let in_library = in_library_citations(features, par);
    let ages: Vec<f64> = map(n, par, |i| publication_age(&features[i], ctx.as_of));
    let observed_citations: Vec<bool> = (0..n)
        .map(|i| features[i].forward_citations.is_some() || in_library[i] > 0)
        .collect();
    let used: Vec<f64> = (0..n)
        .map(|i| {
            f64::from(
                features[i]
                    .forward_citations
                    .unwrap_or(0)
                    .max(in_library[i]),
            )
        })
        .collect();
    let window = f64::from(model.citations.window_years);
    let mut prior_of_cohort: Vec<(f64, f64)> = vec![(0.5, 1.0); n];
    let library_mature: Vec<f64> = (0..n)
        .filter(|&i| observed_citations[i] && ages[i] >= window)
        .map(|i| used[i])
        .collect();
    let library_prior = gamma_prior(&library_mature);
    cohorts.for_each(|members, choosers| {
        let mature: Vec<f64> = members
            .iter()
            .map(|&m| m as usize)
            .filter(|&m| observed_citations[m] && ages[m] >= window)
            .map(|m| used[m])
            .collect();
        let prior = if mature.len() >= 5 {
            gamma_prior(&mature)
        } else {
            library_prior
        };
        for c in choosers {
            prior_of_cohort[c as usize] = prior;
        }
    });
    let rates: Vec<Option<f64>> = (0..n)
        .map(|i| {
            observed_citations[i].then(|| {
                let (k, theta) = prior_of_cohort[i];
                (k + used[i]) / (theta + exposure(&model.citations.exposure, ages[i]))
            })
        })
        .collect();
    let rate_pct = cohorts.percentiles(&rates, par);

    // D2: claim scope.
    // Each measure is a gap of its own: a first claim alone (an export's 首项权利要求) has
    // claim-1 measures but no claim count, never a count of one.
    let claim_value =
        |g: &dyn Fn(&super::features::ClaimStats) -> Option<f64>| -> Vec<Option<f64>> {
            features
                .iter()
                .map(|f| f.claims.as_ref().and_then(g))
                .collect()
        };
    let c1_chars = claim_value(&|c| c.claim1_chars.map(f64::from));
    let c1_features = claim_value(&|c| c.claim1_features.map(f64::from));
    let independent = claim_value(&|c| {
        let count = c.independent?;
        let categories = c.categories.map_or(1, u8::count_ones);
        Some(f64::from(categories * 10 + count.min(9)))
    });
    let cap = model.scope.claim_count_cap;
    let claim_count = claim_value(&|c| c.total.map(|n| f64::from(n.min(cap))));
    let p_chars = cohorts.percentiles(&c1_chars, par);
    let p_features = cohorts.percentiles(&c1_features, par);
    let p_independent = cohorts.percentiles(&independent, par);
    let p_count = cohorts.percentiles(&claim_count, par);

    // D3: survival among same-cohort peers, and family coverage.
    let survived: Vec<Option<f64>> = features
        .iter()
        .map(|f| match f.legal_status {
            Some(LegalStatus::InForce | LegalStatus::Expired) => Some(1.0),
            Some(LegalStatus::Lapsed | LegalStatus::Invalidated) => Some(0.0),
            Some(LegalStatus::Pending) | None => None,
        })
        .collect();
    let p_survival = cohorts.percentiles(&survived, par);
    // The share of cohort peers still in force, computed once per cohort.
    let mut peer_share = vec![0.0; n];
    cohorts.for_each(|members, choosers| {
        let (alive, known) = members
            .iter()
            .filter_map(|&m| survived[m as usize])
            .fold((0.0, 0.0), |(a, k), s| (a + s, k + 1.0));
        let share = if known > 0.0 { alive / known } else { 0.0 };
        for c in choosers {
            peer_share[c as usize] = share;
        }
    });
    let cov = &model.coverage;
    let coverage: Vec<Option<f64>> = features
        .iter()
        .map(|f| {
            let known = f.family_granted_abroad.is_some() || !f.family_countries.is_empty();
            known.then(|| {
                f.family_countries
                    .iter()
                    .map(|c| {
                        if cov.major_offices.contains(c) {
                            cov.major
                        } else if c == "WO" {
                            cov.pct
                        } else {
                            cov.other
                        }
                    })
                    .sum()
            })
        })
        .collect();
    let p_coverage = cohorts.percentiles(&coverage, par);
    let moments = momentum(features, ctx.as_of);

    let d = &model.dimensions;
    let weights = [
        d.technical_impact.weight,
        d.scope.weight,
        d.legal.weight,
        d.market.weight,
    ];
    let total_weight: f64 = weights.iter().sum();
    let s = &model.scope;
    let l = &model.legal;

    // Institutions and cohort labels are shared strings: a few hundred distinct values over
    // 10^6 rows.
    let mut institutions: FastMap<&str, Arc<str>> = FastMap::default();
    let mut labels: FastMap<(u8, u64), Arc<str>> = FastMap::default();
    let mut shared: Vec<(Arc<str>, Arc<str>)> = Vec::with_capacity(n);
    for (i, f) in features.iter().enumerate() {
        let institution = institutions
            .entry(f.institution.as_str())
            .or_insert_with(|| Arc::from(f.institution.as_str()))
            .clone();
        let chosen = cohorts.chosen[i];
        let cohort = labels
            .entry(chosen)
            .or_insert_with(|| Arc::from(label(f, chosen.0)))
            .clone();
        shared.push((institution, cohort));
    }

    // Each row takes its shared strings over (no reference count is touched per row).
    let row_of = |(i, (institution, cohort)): (usize, (Arc<str>, Arc<str>))| {
        let f = &features[i];
        let citations = rates[i]
            .zip(rate_pct[i])
            .map(|(rate, percentile)| CitationFacts {
                supplied: f.forward_citations,
                in_library: in_library[i],
                age_years: ages[i],
                rate,
                percentile,
            });
        let signal = |raw: Option<f64>, pct: Option<f64>| {
            raw.zip(pct)
                .map(|(raw, percentile)| SignalValue { raw, percentile })
        };
        let claim1_chars = signal(c1_chars[i], p_chars[i]);
        let claim1_features = signal(c1_features[i], p_features[i]);
        let independent_v = signal(independent[i], p_independent[i]);
        let claim_count_v = signal(claim_count[i], p_count[i]);
        let survival = p_survival[i].map(|p| SignalValue {
            raw: peer_share[i],
            percentile: p,
        });
        let coverage_v = signal(coverage[i], p_coverage[i]);
        let d1 = citations.map(|c| c.percentile);
        let d2 = {
            let parts = [
                (claim1_chars.map(|v| 1.0 - v.percentile), s.claim1_breadth),
                (
                    claim1_features.map(|v| 1.0 - v.percentile),
                    s.claim1_features,
                ),
                (independent_v.map(|v| v.percentile), s.independent_claims),
                (claim_count_v.map(|v| v.percentile), s.claim_count),
            ];
            weighted(&parts)
        };
        let d3 = weighted(&[
            (survival.map(|v| v.percentile), l.survival),
            (coverage_v.map(|v| v.percentile), l.coverage),
        ]);
        let market = 1.0
            - EventKind::ALL
                .iter()
                .filter(|k| f.has_event(**k))
                .map(|k| 1.0 - model.market_events.get(k.as_str()).copied().unwrap_or(0.0))
                .product::<f64>();
        let dims = [d1, d2, d3, Some(market)];
        // Enough observed to value it? Market evidence does not count (see UnscoredRule).
        let evidence_weight: f64 = dims[..3]
            .iter()
            .zip(weights)
            .filter(|(v, _)| v.is_some())
            .map(|(_, w)| w)
            .sum();
        let scored = evidence_weight >= model.unscored.min_observed_weight * total_weight;
        let observed_weight: f64 = dims
            .iter()
            .zip(weights)
            .filter(|(v, _)| v.is_some())
            .map(|(_, w)| w)
            .sum();
        let mut contributions = [0.0; 4];
        let mut value_hundredths = 0i64;
        for (k, dim) in dims.iter().enumerate() {
            if let (true, Some(v)) = (scored, dim) {
                let c = hundredths(100.0 * weights[k] * v / observed_weight);
                contributions[k] = c as f64 / 100.0;
                value_hundredths += c;
            }
        }
        let maturity = (ages[i] / window).min(1.0);
        let confidence = (observed_weight / total_weight) * (0.5 + 0.5 * maturity);
        let status = f.legal_status;
        let available = matches!(
            status,
            Some(LegalStatus::InForce | LegalStatus::Pending) | None
        );
        let remaining_years = (available && status.is_some()).then(|| {
            filing_date(f).map_or(0.0, |filed| {
                (term_years(f) - years_between(filed, ctx.as_of)).max(0.0)
            })
        });
        let mut gap_bits = 0;
        for (missing, bit) in [
            (!observed_citations[i], gaps::CITATIONS),
            (f.claims.is_none(), gaps::CLAIMS),
            (f.legal_status.is_none(), gaps::LEGAL_STATUS),
            (coverage[i].is_none(), gaps::FAMILY),
            (f.main_ipc.is_none(), gaps::IPC),
            (
                f.application_date.is_none()
                    || f.publication_date.is_none() && f.legal_status != Some(LegalStatus::Pending),
                gaps::DATES,
            ),
            (f.events == 0, gaps::EVENTS),
        ] {
            if missing {
                gap_bits |= bit;
            }
        }
        ScoreRow {
            ordinal: f.ordinal,
            application_number: f.application_number.clone(),
            institution,
            value: value_hundredths as f64 / 100.0,
            contributions,
            dimensions: dims,
            value_percentile: 0.0,
            tier: if scored { Tier::D } else { Tier::Unscored },
            confidence,
            citations,
            claim1_chars,
            claim1_features,
            independent: independent_v,
            claim_count: claim_count_v,
            survival,
            coverage: coverage_v,
            market,
            cohort,
            cohort_size: cohorts.sizes[i],
            remaining_years,
            fits: f.fits.clone(),
            momentum: moments[i],
            ranks: Vec::new(),
            primary: f.primary,
            policy: policy(f, ctx, model.policy.maintained_years),
            gaps: gap_bits,
            available,
        }
    };
    let mut rows: Vec<ScoreRow> = if par {
        shared.into_par_iter().enumerate().map(row_of).collect()
    } else {
        shared.into_iter().enumerate().map(row_of).collect()
    };

    // Library-wide: value percentile, tier, industry ranks. Percentiles are among the scored
    // patents; an unscored one has neither percentile nor tier nor industry rank.
    let mut sorted: Vec<f64> = rows
        .iter()
        .filter(|r| r.tier != Tier::Unscored)
        .map(|r| r.value)
        .collect();
    if par {
        sorted.par_sort_unstable_by(f64::total_cmp);
    } else {
        sorted.sort_unstable_by(f64::total_cmp);
    }
    let tiers = &model.tiers;
    let ir = &model.industry_rank;
    let finish = |row: &mut ScoreRow| {
        if row.tier == Tier::Unscored {
            row.ranks = vec![f32::NAN; row.fits.len()];
            return;
        }
        row.value_percentile = mid_rank(&sorted, row.value);
        let p = row.value_percentile;
        row.tier = if !row.available {
            // Lapsed, expired or invalidated: valued, never promoted.
            Tier::Lapsed
        } else if p >= tiers.a && row.confidence >= tiers.a_min_confidence {
            Tier::A
        } else if p >= tiers.b {
            Tier::B
        } else if p >= tiers.c {
            Tier::C
        } else {
            Tier::D
        };
        let momentum = f64::from(row.momentum);
        row.ranks = row
            .fits
            .iter()
            .map(|&a| {
                let a = f64::from(a);
                if a >= ctx.label_threshold {
                    // Unknown momentum is left out, not guessed.
                    let fit = if momentum.is_nan() {
                        a
                    } else {
                        (1.0 - ir.momentum_weight) * a + ir.momentum_weight * momentum
                    };
                    (row.value * (ir.base + ir.fit_factor * fit)) as f32
                } else {
                    f32::NAN
                }
            })
            .collect();
    };
    if par {
        rows.par_iter_mut().for_each(finish);
    } else {
        rows.iter_mut().for_each(finish);
    }
    rows
}

fn weighted(parts: &[(Option<f64>, f64)]) -> Option<f64> {
    let (sum, weight) = parts.iter().fold((0.0, 0.0), |(s, w), (v, wt)| match v {
        Some(v) => (s + v * wt, w + wt),
        None => (s, w),
    });
    (weight > 0.0).then(|| sum / weight)
}

/// The CNIPA 高价值发明专利 checklist (reference/scoring.md §1): in-force inventions only.
fn policy(f: &PatentFeatures, ctx: &ScoringContext<'_>, maintained_years: u32) -> [Check; 5] {
    let eligible = f.patent_type == Some(PatentType::Invention)
        && f.legal_status == Some(LegalStatus::InForce);
    if !eligible {
        return [Check::NotApplicable; 5];
    }
    let industry = if f.fits.iter().any(|a| f64::from(*a) >= ctx.label_threshold) {
        Check::Yes
    } else {
        Check::No
    };
    let abroad = match f.family_granted_abroad {
        Some(true) => Check::Yes,
        Some(false) if f.family_countries.is_empty() => Check::No,
        _ => Check::Unknown,
    };
    let maintained = match f.application_date {
        Some(filed) if years_between(filed, ctx.as_of) > f64::from(maintained_years) => Check::Yes,
        Some(_) => Check::No,
        None => Check::Unknown,
    };
    let events_known = f.events != 0;
    let pledge = if f.has_event(EventKind::Pledge) {
        Check::Unknown
    } else if events_known {
        Check::No
    } else {
        Check::Unknown
    };
    let award = if f.has_event(EventKind::Award) {
        Check::Yes
    } else if events_known {
        Check::No
    } else {
        Check::Unknown
    };
    [industry, abroad, maintained, pledge, award]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_interpolates_and_saturates() {
        let table = [0.1, 0.3, 0.5, 1.0];
        assert!((exposure(&table, 0.5) - 0.2).abs() < 1e-12);
        assert!((exposure(&table, 9.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn gamma_prior_matches_moments() {
        let counts = [0.0, 0.0, 1.0, 2.0, 7.0, 0.0];
        let (k, rate) = gamma_prior(&counts);
        let mean = 10.0 / 6.0;
        assert!((k / rate - mean).abs() < 1e-9);
        assert_eq!(gamma_prior(&[1.0]), (0.5, 1.0));
    }
}
