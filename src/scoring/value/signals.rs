//! The signals of the value model, computed for the whole library at once: each raw measure per
//! patent and its mid-rank percentile in the patent's cohort (docs/value-model.md, "Signals").

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use super::{CitationFacts, FastMap, ScoringContext, SignalValue, years_between};
use crate::model::{LegalStatus, PatentType};
use crate::scoring::citations::in_library_citations;
use crate::scoring::config::{CoverageWeights, ModelConfig};
use crate::scoring::features::{ClaimStats, PatentFeatures};
use crate::scoring::percentile::{Cohorts, mid_rank};

/// Every signal of every patent, indexed like the features.
pub(super) struct Signals {
    /// D1: forward citations.
    pub(super) citations: CitationSignals,
    /// D2: claim scope.
    pub(super) claims: ClaimSignals,
    /// D3: survival among cohort peers and family coverage.
    pub(super) legal: LegalSignals,
    /// Filing momentum of each patent's main IPC group (NaN when unknown).
    pub(super) momentum: Vec<f32>,
}

impl Signals {
    /// Computes the signals of the library's patents in their cohorts.
    pub(super) fn compute(
        features: &[PatentFeatures],
        cohorts: &Cohorts,
        ctx: &ScoringContext<'_>,
    ) -> Signals {
        Signals {
            citations: CitationSignals::compute(features, cohorts, ctx),
            claims: ClaimSignals::compute(features, cohorts, ctx.model, ctx.parallel),
            legal: LegalSignals::compute(features, cohorts, ctx.model, ctx.parallel),
            momentum: momentum(features, ctx.as_of),
        }
    }
}

/// One measure per patent (`None` where not observed) and its cohort percentile.
pub(super) struct Column {
    /// The raw measure.
    raw: Vec<Option<f64>>,
    /// Its mid-rank percentile in the patent's cohort.
    percentile: Vec<Option<f64>>,
}

impl Column {
    /// Ranks a measure in the cohorts.
    fn ranked(raw: Vec<Option<f64>>, cohorts: &Cohorts, parallel: bool) -> Column {
        let percentile = cohorts.percentiles(&raw, parallel);
        Column { raw, percentile }
    }

    /// Patent `i`'s raw value and percentile, when both are known.
    pub(super) fn at(&self, i: usize) -> Option<SignalValue> {
        self.raw[i]
            .zip(self.percentile[i])
            .map(|(raw, percentile)| SignalValue { raw, percentile })
    }

    /// Whether patent `i`'s measure is known.
    pub(super) fn is_known(&self, i: usize) -> bool {
        self.raw[i].is_some()
    }
}

/// D1: forward citations, corrected for the time a patent has had to be cited.
pub(super) struct CitationSignals {
    /// Citing patents found in the library (self-citations excluded).
    in_library: Vec<u32>,
    /// Years since publication.
    pub(super) ages: Vec<f64>,
    /// Whether a count is known: supplied by the export, or found in the library.
    pub(super) observed: Vec<bool>,
    /// Age-corrected rate, where observed.
    rates: Vec<Option<f64>>,
    /// The rate's cohort percentile.
    percentiles: Vec<Option<f64>>,
}

impl CitationSignals {
    /// Counts the citations, estimates each cohort's Gamma prior from its mature patents and
    /// turns each count into a posterior-mean rate over the exposure the patent's age allows.
    fn compute(
        features: &[PatentFeatures],
        cohorts: &Cohorts,
        ctx: &ScoringContext<'_>,
    ) -> CitationSignals {
        let n = features.len();
        let par = ctx.parallel;
        let model = ctx.model;
        let in_library = in_library_citations(features, par);
        let ages: Vec<f64> = map(n, par, |i| publication_age(&features[i], ctx.as_of));
        let observed: Vec<bool> = (0..n)
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
        let priors = cohort_priors(cohorts, &observed, &ages, &used, window);
        let rates: Vec<Option<f64>> = (0..n)
            .map(|i| {
                observed[i].then(|| {
                    let (k, theta) = priors[i];
                    (k + used[i]) / (theta + exposure(&model.citations.exposure, ages[i]))
                })
            })
            .collect();
        let percentiles = cohorts.percentiles(&rates, par);
        CitationSignals {
            in_library,
            ages,
            observed,
            rates,
            percentiles,
        }
    }

    /// Patent `i`'s citation facts, when its rate is known.
    pub(super) fn facts(&self, i: usize, f: &PatentFeatures) -> Option<CitationFacts> {
        self.rates[i]
            .zip(self.percentiles[i])
            .map(|(rate, percentile)| CitationFacts {
                supplied: f.forward_citations,
                in_library: self.in_library[i],
                age_years: self.ages[i],
                rate,
                percentile,
            })
    }
}

/// The Gamma prior (shape, rate) of each patent's cohort: from the cohort's mature patents
/// (observed and at least `window` years old) when it has five or more, else the library's.
fn cohort_priors(
    cohorts: &Cohorts,
    observed: &[bool],
    ages: &[f64],
    used: &[f64],
    window: f64,
) -> Vec<(f64, f64)> {
    let n = used.len();
    let is_mature = |i: usize| observed[i] && ages[i] >= window;
    let mut prior_of_cohort: Vec<(f64, f64)> = vec![(0.5, 1.0); n];
    let library_mature: Vec<f64> = (0..n).filter(|&i| is_mature(i)).map(|i| used[i]).collect();
    let library_prior = gamma_prior(&library_mature);
    cohorts.for_each(|members, choosers| {
        let mature: Vec<f64> = members
            .iter()
            .map(|&m| m as usize)
            .filter(|&m| is_mature(m))
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
    prior_of_cohort
}

/// D2: the four claim-scope measures.
pub(super) struct ClaimSignals {
    /// S1: characters of claim 1.
    pub(super) claim1_chars: Column,
    /// S2: technical features of claim 1.
    pub(super) claim1_features: Column,
    /// S3: independent claims and their categories ([`independent_measure`]).
    pub(super) independent: Column,
    /// S4: number of claims, capped.
    pub(super) claim_count: Column,
}

impl ClaimSignals {
    /// Measures the claims of every patent and ranks each measure in the cohorts. Each measure
    /// is a gap of its own: a first claim alone (an export's 首项权利要求) has claim-1 measures
    /// but no claim count, never a count of one.
    fn compute(
        features: &[PatentFeatures],
        cohorts: &Cohorts,
        model: &ModelConfig,
        par: bool,
    ) -> ClaimSignals {
        let claim_value = |g: &dyn Fn(&ClaimStats) -> Option<f64>| -> Vec<Option<f64>> {
            features
                .iter()
                .map(|f| f.claims.as_ref().and_then(g))
                .collect()
        };
        let cap = model.scope.claim_count_cap;
        let claim1_chars = claim_value(&|c| c.claim1_chars.map(f64::from));
        let claim1_features = claim_value(&|c| c.claim1_features.map(f64::from));
        let independent = claim_value(&independent_measure);
        let claim_count = claim_value(&|c| c.total.map(|n| f64::from(n.min(cap))));
        ClaimSignals {
            claim1_chars: Column::ranked(claim1_chars, cohorts, par),
            claim1_features: Column::ranked(claim1_features, cohorts, par),
            independent: Column::ranked(independent, cohorts, par),
            claim_count: Column::ranked(claim_count, cohorts, par),
        }
    }
}

/// S3's raw measure: `10 × categories + min(count, 9)`, so that more claim categories always
/// rank above more independent claims of one category (one category when none is known).
fn independent_measure(c: &ClaimStats) -> Option<f64> {
    let count = c.independent?;
    let categories = c.categories.map_or(1, u8::count_ones);
    Some(f64::from(categories * 10 + count.min(9)))
}

/// D3: survival among same-cohort peers, and family coverage abroad.
pub(super) struct LegalSignals {
    /// Cohort percentile of the patent's survival outcome ([`survival_outcome`]).
    survival_percentile: Vec<Option<f64>>,
    /// The share of the patent's cohort peers still in force.
    peer_share: Vec<f64>,
    /// Weighted count of the family's offices abroad ([`family_coverage`]).
    pub(super) coverage: Column,
}

impl LegalSignals {
    /// Ranks survival and family coverage in the cohorts.
    fn compute(
        features: &[PatentFeatures],
        cohorts: &Cohorts,
        model: &ModelConfig,
        par: bool,
    ) -> LegalSignals {
        let survived: Vec<Option<f64>> = features
            .iter()
            .map(|f| survival_outcome(f.legal_status))
            .collect();
        let survival_percentile = cohorts.percentiles(&survived, par);
        let peer_share = peer_shares(cohorts, &survived);
        let coverage: Vec<Option<f64>> = features
            .iter()
            .map(|f| family_coverage(f, &model.coverage))
            .collect();
        LegalSignals {
            survival_percentile,
            peer_share,
            coverage: Column::ranked(coverage, cohorts, par),
        }
    }

    /// Patent `i`'s survival signal: the peer share as raw value, its own outcome's percentile.
    pub(super) fn survival(&self, i: usize) -> Option<SignalValue> {
        self.survival_percentile[i].map(|p| SignalValue {
            raw: self.peer_share[i],
            percentile: p,
        })
    }
}

/// Whether a patent survived: 1 in force or expired (it lived its term), 0 lapsed or
/// invalidated, unknown while pending or without a status.
fn survival_outcome(status: Option<LegalStatus>) -> Option<f64> {
    match status {
        Some(LegalStatus::InForce | LegalStatus::Expired) => Some(1.0),
        Some(LegalStatus::Lapsed | LegalStatus::Invalidated) => Some(0.0),
        Some(LegalStatus::Pending) | None => None,
    }
}

/// The share of cohort peers still in force (among those whose outcome is known), computed once
/// per cohort; 0 for a cohort with no known outcome.
fn peer_shares(cohorts: &Cohorts, survived: &[Option<f64>]) -> Vec<f64> {
    let mut peer_share = vec![0.0; survived.len()];
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
    peer_share
}

/// Family coverage: the sum over the family's offices abroad of a major office's, the PCT's
/// (`WO`) or another office's weight; unknown when the record says nothing about its family.
fn family_coverage(f: &PatentFeatures, cov: &CoverageWeights) -> Option<f64> {
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

/// The expected share of a patent's lifetime citations received by `age` years after
/// publication: the table's value per whole year, interpolated between years, its last value
/// beyond.
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

/// `f(0) … f(n - 1)`, on rayon when `parallel`.
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

/// The statutory term in years: 10 for utility models, 15 for designs filed from
/// 1 June 2021 (10 before), 20 for inventions and unknown types.
pub(super) fn term_years(f: &PatentFeatures) -> f64 {
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

    #[test]
    fn independent_measure_ranks_categories_above_counts() {
        let stats = |independent, categories| ClaimStats {
            claim1_chars: None,
            claim1_features: None,
            claim1_category: None,
            independent,
            categories,
            total: None,
        };
        assert_eq!(independent_measure(&stats(None, Some(0b11))), None);
        // Unknown categories count as one; counts are capped at nine.
        assert_eq!(independent_measure(&stats(Some(3), None)), Some(13.0));
        assert_eq!(independent_measure(&stats(Some(20), Some(0b1))), Some(19.0));
        assert_eq!(independent_measure(&stats(Some(1), Some(0b11))), Some(21.0));
    }

    #[test]
    fn survival_outcome_of_each_status() {
        assert_eq!(survival_outcome(Some(LegalStatus::InForce)), Some(1.0));
        assert_eq!(survival_outcome(Some(LegalStatus::Expired)), Some(1.0));
        assert_eq!(survival_outcome(Some(LegalStatus::Lapsed)), Some(0.0));
        assert_eq!(survival_outcome(Some(LegalStatus::Invalidated)), Some(0.0));
        assert_eq!(survival_outcome(Some(LegalStatus::Pending)), None);
        assert_eq!(survival_outcome(None), None);
    }

    #[test]
    fn family_coverage_weighs_offices() {
        let cov = CoverageWeights {
            major_offices: vec!["US".to_string(), "EP".to_string()],
            major: 1.0,
            other: 0.25,
            pct: 0.5,
        };
        let mut f = PatentFeatures::blank("CN202010000001.1");
        assert_eq!(family_coverage(&f, &cov), None);
        f.family_granted_abroad = Some(false);
        assert_eq!(family_coverage(&f, &cov), Some(0.0));
        f.family_countries = vec!["US".into(), "WO".into(), "KR".into()];
        assert_eq!(family_coverage(&f, &cov), Some(1.75));
    }

    #[test]
    fn peer_shares_are_per_cohort() {
        // Six patents of one year: one cohort (the minimum size is met at the year level).
        let features: Vec<PatentFeatures> = (0..6)
            .map(|i| {
                let mut f = PatentFeatures::blank(&format!("CN20201000000{i}.1"));
                f.year = 2020;
                f
            })
            .collect();
        let cohorts = crate::scoring::percentile::assign(&features, 2);
        let survived = [Some(1.0), Some(0.0), None, Some(1.0), None, Some(1.0)];
        let shares = peer_shares(&cohorts, &survived);
        assert_eq!(shares, vec![0.75; 6]);
        assert_eq!(peer_shares(&cohorts, &[None; 6]), vec![0.0; 6]);
    }

    #[test]
    fn term_years_by_type_and_filing_date() {
        let mut f = PatentFeatures::blank("CN202130000001.1");
        assert_eq!(term_years(&f), 20.0);
        f.patent_type = Some(PatentType::UtilityModel);
        assert_eq!(term_years(&f), 10.0);
        f.patent_type = Some(PatentType::Design);
        f.application_date = NaiveDate::from_ymd_opt(2021, 5, 31);
        assert_eq!(term_years(&f), 10.0);
        f.application_date = NaiveDate::from_ymd_opt(2021, 6, 1);
        assert_eq!(term_years(&f), 15.0);
    }
}
