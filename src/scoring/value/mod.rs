//! The value model (docs/value-model.md): signals as cohort percentiles, four dimensions,
//! the value as a weighted sum whose contributions add up exactly, confidence, tiers, industry
//! ranks and the CNIPA high-value checklist. A pure function of the features, the model and
//! the as-of date; parallel and sequential runs give the same table.

/// A hash map with a fast, fixed (deterministic) hasher for the large tables of a scoring run.
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

mod rank;
mod signals;

use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::config::{LegalWeights, ModelConfig, ScopeWeights};
use super::features::PatentFeatures;
use super::percentile::{Cohorts, assign, label};
use crate::model::{EventKind, LegalStatus, PatentType, Vocabulary};
use rank::rank_in_library;
use signals::{Signals, term_years};

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

/// Years from one date to another (negative when `to` is the earlier).
fn years_between(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / 365.25
}

/// The filing date, or 1 July of the application year when the date is missing.
fn filing_date(f: &PatentFeatures) -> Option<NaiveDate> {
    f.application_date
        .or_else(|| NaiveDate::from_ymd_opt(i32::from(f.year), 7, 1))
}

/// Rounds to hundredths of a point (value arithmetic is exact in these units).
fn hundredths(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// Scores the whole library: the signals of every patent in its cohort ([`Signals`]), each
/// patent's dimensions and value ([`Valuer::row`]), then its place in the library: value
/// percentile, tier and industry ranks ([`rank_in_library`]).
pub fn score(features: &[PatentFeatures], ctx: &ScoringContext<'_>) -> Vec<ScoreRow> {
    if features.is_empty() {
        return Vec::new();
    }
    let cohorts: Cohorts = assign(features, ctx.model.cohort_min_size);
    let signals = Signals::compute(features, &cohorts, ctx);
    let valuer = Valuer {
        features,
        cohorts: &cohorts,
        signals: &signals,
        weights: Weights::of(ctx.model),
        ctx,
    };
    let shared = shared_strings(features, &cohorts);
    // Each row takes its shared strings over (no reference count is touched per row).
    let row_of = |(i, (institution, cohort)): (usize, (Arc<str>, Arc<str>))| {
        valuer.row(i, institution, cohort)
    };
    let mut rows: Vec<ScoreRow> = if ctx.parallel {
        shared.into_par_iter().enumerate().map(row_of).collect()
    } else {
        shared.into_iter().enumerate().map(row_of).collect()
    };
    rank_in_library(&mut rows, ctx);
    rows
}

/// Each patent's institution and cohort label as shared strings: a few hundred distinct values
/// over 10^6 rows.
fn shared_strings(features: &[PatentFeatures], cohorts: &Cohorts) -> Vec<(Arc<str>, Arc<str>)> {
    let mut institutions: FastMap<&str, Arc<str>> = FastMap::default();
    let mut labels: FastMap<(u8, u64), Arc<str>> = FastMap::default();
    let mut shared: Vec<(Arc<str>, Arc<str>)> = Vec::with_capacity(features.len());
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
    shared
}

/// The weights of the four dimensions (技术影响, 保护范围, 法律与维持, 运用证据) and their sum.
struct Weights {
    /// Per dimension, in dimension order.
    each: [f64; 4],
    /// Their sum.
    total: f64,
}

impl Weights {
    /// The model's dimension weights.
    fn of(model: &ModelConfig) -> Weights {
        let d = &model.dimensions;
        let each = [
            d.technical_impact.weight,
            d.scope.weight,
            d.legal.weight,
            d.market.weight,
        ];
        let total = each.iter().sum();
        Weights { each, total }
    }
}

/// Turns one patent's signals into its score row (before its place in the library is known).
struct Valuer<'a> {
    /// The library's features.
    features: &'a [PatentFeatures],
    /// Their cohorts.
    cohorts: &'a Cohorts,
    /// Their signals.
    signals: &'a Signals,
    /// The dimension weights.
    weights: Weights,
    /// The model, label threshold and as-of date.
    ctx: &'a ScoringContext<'a>,
}

impl Valuer<'_> {
    /// Patent `i`'s row: signals, dimensions, value and its contributions, confidence, term
    /// left, checklist and gaps; tier D for now if scored (see [`rank_in_library`]).
    fn row(&self, i: usize, institution: Arc<str>, cohort: Arc<str>) -> ScoreRow {
        let f = &self.features[i];
        let model = self.ctx.model;
        let signals = self.signals;
        let citations = signals.citations.facts(i, f);
        let claims = &signals.claims;
        let claim1_chars = claims.claim1_chars.at(i);
        let claim1_features = claims.claim1_features.at(i);
        let independent = claims.independent.at(i);
        let claim_count = claims.claim_count.at(i);
        let survival = signals.legal.survival(i);
        let coverage = signals.legal.coverage.at(i);
        let market = market_evidence(f, model);
        let dims = [
            citations.map(|c| c.percentile),
            scope_dimension(
                [claim1_chars, claim1_features, independent, claim_count],
                &model.scope,
            ),
            legal_dimension(survival, coverage, &model.legal),
            Some(market),
        ];
        let valuation = Valuation::of(&dims, &self.weights, model.unscored.min_observed_weight);
        let window = f64::from(model.citations.window_years);
        let maturity = (signals.citations.ages[i] / window).min(1.0);
        let confidence = (valuation.observed_weight / self.weights.total) * (0.5 + 0.5 * maturity);
        let (available, remaining_years) = availability(f, self.ctx.as_of);
        ScoreRow {
            ordinal: f.ordinal,
            application_number: f.application_number.clone(),
            institution,
            value: valuation.value,
            contributions: valuation.contributions,
            dimensions: dims,
            value_percentile: 0.0,
            tier: if valuation.scored {
                Tier::D
            } else {
                Tier::Unscored
            },
            confidence,
            citations,
            claim1_chars,
            claim1_features,
            independent,
            claim_count,
            survival,
            coverage,
            market,
            cohort,
            cohort_size: self.cohorts.sizes[i],
            remaining_years,
            fits: f.fits.clone(),
            momentum: signals.momentum[i],
            ranks: Vec::new(),
            primary: f.primary,
            policy: policy(f, self.ctx, model.policy.maintained_years),
            gaps: gap_bits(
                f,
                signals.citations.observed[i],
                signals.legal.coverage.is_known(i),
            ),
            available,
        }
    }
}

/// D2, claim scope, from the four claim signals (claim-1 characters, claim-1 features,
/// independent claims, claim count): a shorter claim 1 with fewer features is broader, so those
/// two count inverted; unknown signals are left out of the weighted mean.
fn scope_dimension(
    [claim1_chars, claim1_features, independent, claim_count]: [Option<SignalValue>; 4],
    s: &ScopeWeights,
) -> Option<f64> {
    let parts = [
        (claim1_chars.map(|v| 1.0 - v.percentile), s.claim1_breadth),
        (
            claim1_features.map(|v| 1.0 - v.percentile),
            s.claim1_features,
        ),
        (independent.map(|v| v.percentile), s.independent_claims),
        (claim_count.map(|v| v.percentile), s.claim_count),
    ];
    weighted(&parts)
}

/// D3, legal standing and maintenance: the weighted mean of the survival and coverage
/// percentiles that are known.
fn legal_dimension(
    survival: Option<SignalValue>,
    coverage: Option<SignalValue>,
    l: &LegalWeights,
) -> Option<f64> {
    weighted(&[
        (survival.map(|v| v.percentile), l.survival),
        (coverage.map(|v| v.percentile), l.coverage),
    ])
}

/// D4, market evidence (0–1): the chance that at least one of the patent's events (licence,
/// transfer, pledge, …) shows use, each event kind counting with its configured weight.
fn market_evidence(f: &PatentFeatures, model: &ModelConfig) -> f64 {
    1.0 - EventKind::ALL
        .iter()
        .filter(|k| f.has_event(**k))
        .map(|k| 1.0 - model.market_events.get(k.as_str()).copied().unwrap_or(0.0))
        .product::<f64>()
}

/// A patent's value from its dimensions.
#[derive(Debug, PartialEq)]
struct Valuation {
    /// Whether enough was observed to value it.
    scored: bool,
    /// The summed weight of the observed dimensions.
    observed_weight: f64,
    /// Points per dimension, in hundredths; zero when unobserved or unscored.
    contributions: [f64; 4],
    /// Their sum, exact in hundredths.
    value: f64,
}

impl Valuation {
    /// Scores a patent when the observed weight of D1–D3 reaches `min_observed_weight` of the
    /// total (market evidence does not count, see `UnscoredRule`); its value is then the weighted
    /// mean of its observed dimensions on 0–100, each contribution rounded to hundredths so that
    /// they add up to the value exactly.
    fn of(dims: &[Option<f64>; 4], weights: &Weights, min_observed_weight: f64) -> Valuation {
        let evidence_weight: f64 = dims[..3]
            .iter()
            .zip(weights.each)
            .filter(|(v, _)| v.is_some())
            .map(|(_, w)| w)
            .sum();
        let scored = evidence_weight >= min_observed_weight * weights.total;
        let observed_weight: f64 = dims
            .iter()
            .zip(weights.each)
            .filter(|(v, _)| v.is_some())
            .map(|(_, w)| w)
            .sum();
        let mut contributions = [0.0; 4];
        let mut value_hundredths = 0i64;
        for (k, dim) in dims.iter().enumerate() {
            if let (true, Some(v)) = (scored, dim) {
                let c = hundredths(100.0 * weights.each[k] * v / observed_weight);
                contributions[k] = c as f64 / 100.0;
                value_hundredths += c;
            }
        }
        Valuation {
            scored,
            observed_weight,
            contributions,
            value: value_hundredths as f64 / 100.0,
        }
    }
}

/// Whether the patent is available for promotion (in force, pending, or of unknown status)
/// and, when its status is known to be so, the years of its term left on `as_of`.
fn availability(f: &PatentFeatures, as_of: NaiveDate) -> (bool, Option<f64>) {
    let status = f.legal_status;
    let available = matches!(
        status,
        Some(LegalStatus::InForce | LegalStatus::Pending) | None
    );
    let remaining_years = (available && status.is_some()).then(|| {
        filing_date(f).map_or(0.0, |filed| {
            (term_years(f) - years_between(filed, as_of)).max(0.0)
        })
    });
    (available, remaining_years)
}

/// The patent's data gaps as [`gaps`] bits.
fn gap_bits(f: &PatentFeatures, citations_observed: bool, family_known: bool) -> u32 {
    let mut gap_bits = 0;
    for (missing, bit) in [
        (!citations_observed, gaps::CITATIONS),
        (f.claims.is_none(), gaps::CLAIMS),
        (f.legal_status.is_none(), gaps::LEGAL_STATUS),
        (!family_known, gaps::FAMILY),
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
    gap_bits
}

/// The weighted mean of the known parts; `None` when none is known.
fn weighted(parts: &[(Option<f64>, f64)]) -> Option<f64> {
    let (sum, weight) = parts.iter().fold((0.0, 0.0), |(s, w), (v, wt)| match v {
        Some(v) => (s + v * wt, w + wt),
        None => (s, w),
    });
    (weight > 0.0).then(|| sum / weight)
}

/// The CNIPA 高价值发明专利 checklist (docs/value-model.md, "The CNIPA checklist"): in-force
/// inventions only.
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

    fn model() -> ModelConfig {
        ModelConfig::embedded().unwrap()
    }

    #[test]
    fn weights_sum_the_dimensions() {
        let weights = Weights::of(&model());
        assert!((weights.total - weights.each.iter().sum::<f64>()).abs() < 1e-12);
    }

    #[test]
    fn valuation_contributions_add_up_to_the_value() {
        let weights = Weights {
            each: [0.35, 0.30, 0.25, 0.10],
            total: 1.0,
        };
        let v = Valuation::of(
            &[Some(0.9), None, Some(1.0 / 3.0), Some(0.5)],
            &weights,
            0.2,
        );
        assert!(v.scored);
        assert!((v.observed_weight - 0.7).abs() < 1e-12);
        assert_eq!(v.contributions[1], 0.0);
        let sum: i64 = v.contributions.iter().map(|c| hundredths(*c)).sum();
        assert_eq!(sum, hundredths(v.value));
        assert_eq!(v.contributions, [45.0, 0.0, 11.9, 7.14]);
    }

    #[test]
    fn valuation_without_enough_evidence_is_unscored() {
        let weights = Weights {
            each: [0.35, 0.30, 0.25, 0.10],
            total: 1.0,
        };
        // Market evidence alone does not value a patent.
        let v = Valuation::of(&[None, None, None, Some(0.8)], &weights, 0.2);
        assert!(!v.scored);
        assert_eq!((v.value, v.contributions), (0.0, [0.0; 4]));
        assert!((v.observed_weight - 0.1).abs() < 1e-12);
        assert!(Valuation::of(&[None, None, Some(0.0), None], &weights, 0.2).scored);
    }

    #[test]
    fn scope_counts_claim_one_inverted() {
        let s = model().scope;
        let at = |percentile| {
            Some(SignalValue {
                raw: 1.0,
                percentile,
            })
        };
        // A claim 1 shorter and with fewer features than the whole cohort is broadest.
        let broad = scope_dimension([at(0.0), at(0.0), at(1.0), at(1.0)], &s);
        assert_eq!(broad, Some(1.0));
        assert_eq!(scope_dimension([None; 4], &s), None);
        let narrow_only = scope_dimension([at(0.25), None, None, None], &s).unwrap();
        assert!((narrow_only - 0.75).abs() < 1e-12);
    }

    #[test]
    fn market_evidence_combines_events() {
        let model = model();
        let mut f = PatentFeatures::blank("CN202010000001.1");
        assert_eq!(market_evidence(&f, &model), 0.0);
        let bit = |kind| 1u8 << EventKind::ALL.iter().position(|k| *k == kind).unwrap();
        f.events = bit(EventKind::Pledge);
        let pledge = model.market_events["pledge"];
        assert!((market_evidence(&f, &model) - pledge).abs() < 1e-12);
        f.events |= bit(EventKind::Award);
        let award = model.market_events["award"];
        let both = 1.0 - (1.0 - pledge) * (1.0 - award);
        assert!((market_evidence(&f, &model) - both).abs() < 1e-12);
    }

    #[test]
    fn availability_and_term_left() {
        let as_of = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut f = PatentFeatures::blank("CN201510000001.1");
        assert_eq!(availability(&f, as_of), (true, None));
        f.legal_status = Some(LegalStatus::Lapsed);
        assert_eq!(availability(&f, as_of), (false, None));
        f.legal_status = Some(LegalStatus::InForce);
        f.application_date = NaiveDate::from_ymd_opt(2015, 1, 1);
        let (available, left) = availability(&f, as_of);
        assert!(available);
        assert!((left.unwrap() - (20.0 - 3653.0 / 365.25)).abs() < 1e-9);
        f.application_date = NaiveDate::from_ymd_opt(1990, 1, 1);
        assert_eq!(availability(&f, as_of), (true, Some(0.0)));
    }

    #[test]
    fn gap_bits_name_what_is_missing() {
        let mut f = PatentFeatures::blank("CN202010000001.1");
        assert_eq!(
            gap_bits(&f, false, false),
            gaps::DESCRIPTIONS
                .iter()
                .fold(0, |bits, (bit, _)| bits | bit)
        );
        f.legal_status = Some(LegalStatus::Pending);
        f.application_date = NaiveDate::from_ymd_opt(2020, 1, 1);
        f.events = 1;
        assert_eq!(
            gap_bits(&f, true, true),
            gaps::CLAIMS | gaps::IPC,
            "a pending application has no publication date to miss"
        );
    }

    #[test]
    fn weighted_leaves_unknown_parts_out() {
        assert_eq!(weighted(&[(None, 1.0), (Some(0.5), 2.0)]), Some(0.5));
        assert_eq!(weighted(&[(Some(1.0), 1.0), (Some(0.0), 3.0)]), Some(0.25));
        assert_eq!(weighted(&[(None, 1.0)]), None);
    }
}
