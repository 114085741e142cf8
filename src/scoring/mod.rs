//! Scoring: an explainable value model for every patent and its fit to Beijing's ten
//! high-end industries (docs/value-model.md). The only reader of `scoring/`.
//!
//! Features are extracted once per patent when its batch is accepted ([`PatentFeatures`]);
//! [`Scorer::score`] then turns the features of the whole library into a [`ScoreTable`]: a
//! pure, deterministic function of (features, model, as-of date), run on rayon.

mod card;
mod citations;
mod columns;
mod config;
mod features;
mod industry;
mod percentile;
mod summary;
mod table;
mod value;

use chrono::NaiveDate;
use rayon::prelude::*;

pub use card::{DimensionLine, IndustryLine, PolicyLine, ScoreCard};
pub use config::{IndustriesConfig, ModelConfig, RuleKind, Strength};
pub use features::{
    CATEGORIES, CATEGORY_NAMES_ZH, ClaimFacts, ClaimStats, FEATURES_VERSION, PatentFeatures,
    from_table as features_from_table, to_table as features_to_table,
};
pub use industry::{Evidence, IndustryFit, IndustryMatch, IndustryMatcher, IpcPattern};
pub use percentile::{Cohorts, LEVELS, mid_rank};
pub use summary::{IndustryCounts, InstitutionCounts, TableSummary};
pub use table::{ScoreTable, TableMeta};
pub use value::{Check, CitationFacts, ScoreRow, ScoringContext, SignalValue, Tier, gaps, score};

use crate::error::Result;
use crate::model::Patent;

/// The loaded scoring configuration with the compiled industry rules.
pub struct Scorer {
    model: ModelConfig,
    industries: IndustriesConfig,
    matcher: IndustryMatcher,
}

impl Scorer {
    /// Loads the configuration embedded from `scoring/`.
    pub fn embedded() -> Result<Scorer> {
        Scorer::new(ModelConfig::embedded()?, IndustriesConfig::embedded()?)
    }

    /// Uses the given configuration.
    pub fn new(model: ModelConfig, industries: IndustriesConfig) -> Result<Scorer> {
        let matcher = IndustryMatcher::new(&industries)?;
        Ok(Scorer {
            model,
            industries,
            matcher,
        })
    }

    /// The model.
    pub fn model(&self) -> &ModelConfig {
        &self.model
    }

    /// The industry names in configuration order.
    pub fn industry_names(&self) -> &[String] {
        self.matcher.names()
    }

    /// The industries taxonomy version.
    pub fn industries_version(&self) -> &str {
        &self.industries.version
    }

    /// The fit from which an industry labels a patent.
    pub fn label_threshold(&self) -> f64 {
        self.matcher.label_threshold()
    }

    /// The industry matcher.
    pub fn matcher(&self) -> &IndustryMatcher {
        &self.matcher
    }

    /// Extracts the features of patents (in parallel); `ordinals[i]` belongs to `patents[i]`.
    pub fn features(&self, patents: &[Patent], ordinals: &[u64]) -> Vec<PatentFeatures> {
        patents
            .par_iter()
            .zip(ordinals.par_iter())
            .filter(|(p, _)| !p.withdrawn)
            .map(|(p, o)| PatentFeatures::extract(p, *o as u32, &self.matcher))
            .collect()
    }

    /// Classifies one patent (for its card).
    pub fn classify(&self, patent: &Patent) -> IndustryMatch {
        let facts = ClaimFacts::of(patent);
        let claim_one = facts.first.as_ref().map(|c| c.text.as_str());
        self.matcher.classify(
            &patent.ipc,
            &patent.title,
            patent.abstract_text.as_deref(),
            claim_one,
        )
    }

    /// Scores the library.
    pub fn score(
        &self,
        features: &[PatentFeatures],
        as_of: NaiveDate,
        last_batch: i64,
        revision: u64,
        parallel: bool,
    ) -> ScoreTable {
        let context = ScoringContext {
            model: &self.model,
            label_threshold: self.label_threshold(),
            as_of,
            parallel,
        };
        let rows = score(features, &context);
        let meta = TableMeta {
            model_version: self.model.version.clone(),
            industries_version: self.industries.version.clone(),
            as_of: as_of.to_string(),
            computed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            last_batch,
            revision,
            label_threshold: self.label_threshold(),
        };
        ScoreTable::new(meta, self.industry_names().to_vec(), rows)
    }

    /// The top reasons of a patent's value (the card's drivers), without re-classifying its
    /// text into industries: what a shortlist row shows.
    pub fn drivers(&self, patent: &Patent, row: &ScoreRow, meta: &TableMeta) -> Vec<String> {
        let unclassified = IndustryMatch {
            fits: Vec::new(),
            primary: None,
            details: Vec::new(),
        };
        card::card(
            patent,
            row,
            &unclassified,
            self.industry_names(),
            &self.model,
            meta,
        )
        .drivers
    }

    /// Builds the score card of a patent.
    pub fn card(&self, patent: &Patent, row: &ScoreRow, meta: &TableMeta) -> ScoreCard {
        let found = self.classify(patent);
        card::card(
            patent,
            row,
            &found,
            self.industry_names(),
            &self.model,
            meta,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Generator, GeneratorConfig};
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Golden {
        as_of: NaiveDate,
        order: Vec<String>,
        case: Vec<GoldenCase>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct GoldenCase {
        name: String,
        tier: Option<String>,
        primary: Option<String>,
        policy: Option<Vec<Check>>,
        #[serde(default)]
        drivers_mention: Vec<String>,
        #[serde(default)]
        drags_mention: Vec<String>,
        #[serde(default)]
        mentions: Vec<String>,
        gaps: Option<Vec<String>>,
        scope_points: Option<f64>,
    }

    #[test]
    fn golden_cases_hold() {
        let golden: Golden = toml::from_str(include_str!("../../scoring/golden.toml")).unwrap();
        let mut names = Vec::new();
        let mut patents = Vec::new();
        for line in include_str!("../../scoring/golden.jsonl").lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            names.push(value["_name"].as_str().unwrap().to_string());
            let mut patent: Patent = serde_json::from_value(value).unwrap();
            patent.institution = Some("清华大学".into());
            patents.push(patent);
        }
        let scorer = Scorer::embedded().unwrap();
        let ordinals: Vec<u64> = (1..=patents.len() as u64).collect();
        let features = scorer.features(&patents, &ordinals);
        let table = scorer.score(&features, golden.as_of, 1, 1, true);
        let row = |name: &str| {
            let i = names.iter().position(|n| n == name).unwrap();
            (table.get(ordinals[i]).unwrap(), &patents[i])
        };
        let values: Vec<f64> = golden.order.iter().map(|n| row(n).0.value).collect();
        assert!(
            values.windows(2).all(|w| w[0] > w[1]),
            "{:?}: {values:?}",
            golden.order
        );
        for case in &golden.case {
            let (r, patent) = row(&case.name);
            let card = scorer.card(patent, r, &table.meta);
            let context = format!("{}: {card:#?}", case.name);
            if let Some(tier) = &case.tier {
                assert_eq!(r.tier.as_str(), tier, "{context}");
            }
            if let Some(primary) = &case.primary {
                assert_eq!(
                    r.primary
                        .map(|p| scorer.industry_names()[usize::from(p)].as_str()),
                    Some(primary.as_str()),
                    "{context}"
                );
            }
            if let Some(policy) = &case.policy {
                assert_eq!(&r.policy[..], &policy[..], "{context}");
            }
            for m in &case.drivers_mention {
                assert!(
                    card.drivers.iter().any(|d| d.contains(m.as_str())),
                    "driver '{m}' missing in {context}"
                );
            }
            for m in &case.drags_mention {
                assert!(
                    card.drags.iter().any(|d| d.contains(m.as_str())),
                    "drag '{m}' missing in {context}"
                );
            }
            for m in &case.mentions {
                assert!(
                    card.drivers
                        .iter()
                        .chain(&card.drags)
                        .any(|d| d.contains(m.as_str())),
                    "'{m}' missing in {context}"
                );
            }
            if let Some(expected) = &case.gaps {
                for g in expected {
                    assert!(
                        card.data_gaps.iter().any(|d| d.contains(g.as_str())),
                        "gap '{g}' missing in {context}"
                    );
                }
                if expected.is_empty() {
                    assert!(
                        card.data_gaps
                            .iter()
                            .all(|g| !g.contains("未提供同族") && !g.contains("权利要求")),
                        "{context}"
                    );
                }
            }
            if let Some(points) = case.scope_points {
                assert_eq!(r.contributions[1], points, "{context}");
                assert!(r.confidence < 1.0, "{context}");
            }
        }
    }

    fn library(count: u64, seed: u64) -> Vec<PatentFeatures> {
        let scorer = Scorer::embedded().unwrap();
        let patents: Vec<Patent> = Generator::new(GeneratorConfig {
            seed,
            count,
            with_claims: true,
            institution: None,
            first_serial: 0,
        })
        .collect();
        let ordinals: Vec<u64> = (0..count).map(|o| o * 3 + 1).collect();
        scorer.features(&patents, &ordinals)
    }

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        #[test]
        fn contributions_sum_to_the_value_and_parallel_equals_sequential(seed in 0u64..1000, count in 20u64..300) {
            let scorer = Scorer::embedded().unwrap();
            let features = library(count, seed);
            let parallel = scorer.score(&features, as_of(), 1, 1, true);
            let sequential = scorer.score(&features, as_of(), 1, 1, false);
            // Debug text compares NaN ranks as equal.
            prop_assert_eq!(format!("{:?}", parallel.rows()), format!("{:?}", sequential.rows()));
            for row in parallel.rows() {
                let sum: i64 = row.contributions.iter().map(|c| (c * 100.0).round() as i64).sum();
                prop_assert_eq!(sum, (row.value * 100.0).round() as i64);
                prop_assert!((0.0..=100.0).contains(&row.value));
                prop_assert!((0.0..=1.0).contains(&row.confidence));
            }
            // The order of the input does not matter.
            let mut shuffled = features.clone();
            shuffled.reverse();
            shuffled.rotate_left((seed as usize) % features.len());
            let reordered = scorer.score(&shuffled, as_of(), 1, 1, true);
            prop_assert_eq!(format!("{:?}", reordered.rows()), format!("{:?}", parallel.rows()));
        }
    }

    #[test]
    fn score_tables_round_trip_through_parquet() {
        let scorer = Scorer::embedded().unwrap();
        let features = library(200, 3);
        let table = scorer.score(&features, as_of(), 7, 3, true);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scores.parquet");
        table.save(&path).unwrap();
        let back = ScoreTable::load(&path).unwrap();
        assert_eq!(back.meta, table.meta);
        assert_eq!(back.rows().len(), 200);
        for (a, b) in back.rows().iter().zip(table.rows()) {
            assert_eq!(a.ordinal, b.ordinal);
            assert_eq!(a.value, b.value);
            assert_eq!(a.tier, b.tier);
            assert_eq!(a.policy, b.policy);
            assert_eq!(a.citations, b.citations);
            assert_eq!(a.claim1_chars, b.claim1_chars);
            assert_eq!(a.fits, b.fits);
            assert_eq!(
                a.ranks.iter().map(|r| r.to_bits()).collect::<Vec<_>>(),
                b.ranks.iter().map(|r| r.to_bits()).collect::<Vec<_>>()
            );
        }
        // Tiers follow the value percentile.
        let a_share = table.rows().iter().filter(|r| r.tier == Tier::A).count() as f64 / 200.0;
        assert!(a_share <= 0.11, "{a_share}");
    }

    #[test]
    fn thin_records_are_unscored_and_lapsed_ones_are_not_promoted() {
        use crate::index::ScoreLookup;
        use crate::model::LegalStatus;
        let scorer = Scorer::embedded().unwrap();
        let mut patents: Vec<Patent> = Generator::new(GeneratorConfig {
            seed: 5,
            count: 120,
            with_claims: true,
            institution: None,
            first_serial: 0,
        })
        .collect();
        // A record as the CCF batch has it: title, abstract and applicant only.
        let full = patents[0].clone();
        // A number no generated patent cites (citations found in the library are observed).
        let body = "202599999999";
        let number = crate::model::ApplicationNumber::parse(&format!(
            "CN{body}.{}",
            crate::model::check_digit(body)
        ))
        .unwrap();
        let mut thin = Patent::new(number, &full.title);
        thin.abstract_text = full.abstract_text.clone();
        thin.applicants = full.applicants.clone();
        patents[0] = thin.clone();
        let lapsed = patents
            .iter()
            .position(|p| p.legal_status == Some(LegalStatus::Lapsed))
            .unwrap();
        let ordinals: Vec<u64> = (1..=patents.len() as u64).collect();
        let features = scorer.features(&patents, &ordinals);
        let table = scorer.score(&features, as_of(), 1, 1, true);

        let row = table.get(1).unwrap();
        assert_eq!(row.tier, Tier::Unscored);
        assert_eq!(table.value(1), None, "no value to sort or filter by");
        assert!(row.ranks.iter().all(|r| r.is_nan()), "no industry rank");
        assert!(
            table
                .industries
                .iter()
                .enumerate()
                .all(|(i, _)| !table.ranked(i).contains(&1)),
            "never in a shortlist's ranking"
        );
        let card = scorer.card(&thin, row, &table.meta);
        assert_eq!((card.value, card.value_percentile), (None, None));
        let why = card.unscored.unwrap();
        assert!(why.reason.contains("未评分"), "{}", why.reason);
        assert!(
            why.missing_inputs.contains(&"claims"),
            "{:?}",
            why.missing_inputs
        );
        // Its industry fit still comes from its text.
        assert_eq!(row.fits, features[0].fits);
        // Tier names: the lookup's index of the row's tier names it.
        let t = table.tier(1).unwrap();
        assert_eq!(table.tier_names()[t], "unscored");

        let dead = table.get(ordinals[lapsed]).unwrap();
        assert_eq!(dead.tier, Tier::Lapsed);
        assert!(
            table.value(ordinals[lapsed]).is_some(),
            "a lapsed patent keeps its value"
        );
        // Every other patent has a value and a tier that follows it.
        let promoted = table
            .rows()
            .iter()
            .filter(|r| r.tier.is_promotion())
            .count();
        let lapsed_count = patents
            .iter()
            .filter(|p| p.legal_status.is_some_and(|s| !s.is_alive()))
            .count();
        assert_eq!(promoted, patents.len() - 1 - lapsed_count);
    }
}
