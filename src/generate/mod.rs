//! Seeded synthetic corpus generator: realistic Chinese university patents of Beijing's ten
//! high-end industries, for benches, demos and scoring tests, at any size from 10 to 10^7.
//!
//! Patent `i` depends only on `(seed, i)` and the config: it is drawn from its own RNG, and what
//! it needs of earlier patents (their numbers, dates, industries, quality, for citations) comes
//! from stateless hashes of their index. So the stream is deterministic, memory stays O(1) in
//! `count`, and any sub-range can be regenerated alone ([`Generator::patent`]).
//!
//! Each patent carries a latent quality (standard normal, [`Generator::quality_of`]) that raises
//! forward citations, in-library citations, claim breadth, family coverage, grant and survival
//! rates, events and promotion data together, as value does in real portfolios.

mod bad;
mod citations;
mod claim_one;
mod claims;
mod dependents;
mod export;
mod industry;
mod legal;
mod people;
mod phrases;
mod random;
mod record;
mod skeleton;
mod subject;
mod summary;
mod tables;
mod vocab;

pub use bad::{
    BadSample, Expected, INSTITUTION as BAD_SAMPLE_INSTITUTION, bad_samples,
    manifest as bad_manifest, number as bad_sample_number,
};
pub use export::{ExportLayout, export_view};
pub use industry::Industry;

use self::skeleton::{Skeleton, application_number_text, serial_of};
use crate::model::{ApplicationNumber, Patent, check_digit};

/// Settings of one generated corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratorConfig {
    /// Seed: the same seed and settings give the same corpus.
    pub seed: u64,
    /// Number of patents to generate.
    pub count: u64,
    /// Generate the full claim set (the bulk of the text); the other fields do not change.
    pub with_claims: bool,
    /// When set, the first applicant of every patent.
    pub institution: Option<String>,
    /// Serial of patent 0; patent `i` has serial `first_serial + i` (mod 10^7), so corpora with
    /// disjoint serial ranges never share an application number.
    pub first_serial: u32,
}

impl Default for GeneratorConfig {
    fn default() -> GeneratorConfig {
        GeneratorConfig {
            seed: 20_260_101,
            count: 1_000,
            with_claims: true,
            institution: None,
            first_serial: 0,
        }
    }
}

/// A deterministic, streaming generator of [`Patent`] records; iterate it or call
/// [`Generator::patent`] for random access.
#[derive(Debug, Clone)]
pub struct Generator {
    config: GeneratorConfig,
    next: u64,
    fallback_number: ApplicationNumber,
}

impl Generator {
    /// Creates a generator positioned at patent 0.
    pub fn new(config: GeneratorConfig) -> Generator {
        let body = "200810000000";
        let fallback_number = ApplicationNumber::parse(&format!("CN{body}.{}", check_digit(body)))
            .expect("a constant body with its own check digit is a valid application number");
        Generator {
            config,
            next: 0,
            fallback_number,
        }
    }

    /// Returns the settings.
    pub fn config(&self) -> &GeneratorConfig {
        &self.config
    }

    /// Returns the industry of patent `index` without generating it.
    pub fn industry_of(&self, index: u64) -> Industry {
        Skeleton::industry_of(self.config.seed, index)
    }

    /// Returns the latent quality of patent `index` (standard normal; higher is more valuable),
    /// the ground truth a value score should recover.
    pub fn quality_of(&self, index: u64) -> f64 {
        Skeleton::of(self.config.seed, index).quality
    }

    /// Returns the application number of patent `index` without generating it.
    pub fn application_number_of(&self, index: u64) -> ApplicationNumber {
        let skeleton = Skeleton::of(self.config.seed, index);
        let text = application_number_text(&skeleton, serial_of(self.config.first_serial, index));
        // The text is built with its own check digit, so parsing cannot fail; the fallback only
        // keeps this path free of panics.
        ApplicationNumber::parse(&text).unwrap_or_else(|_| self.fallback_number.clone())
    }

    /// Generates patent `index` (any index, also past `count`): the same record whatever was
    /// generated before.
    pub fn patent(&self, index: u64) -> Patent {
        record::build(&self.config, self.application_number_of(index), index)
    }
}

impl Iterator for Generator {
    type Item = Patent;

    fn next(&mut self) -> Option<Patent> {
        if self.next >= self.config.count {
            return None;
        }
        let patent = self.patent(self.next);
        self.next += 1;
        Some(patent)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left =
            usize::try_from(self.config.count.saturating_sub(self.next)).unwrap_or(usize::MAX);
        (left, Some(left))
    }

    fn nth(&mut self, n: usize) -> Option<Patent> {
        self.next = self.next.saturating_add(n as u64);
        self.next()
    }
}

impl ExactSizeIterator for Generator {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, LegalStatus, PatentType};
    use std::collections::{HashMap, HashSet};

    fn corpus(seed: u64, count: u64) -> Vec<Patent> {
        Generator::new(GeneratorConfig {
            seed,
            count,
            ..GeneratorConfig::default()
        })
        .collect()
    }

    #[test]
    fn same_seed_same_corpus_and_patents_do_not_depend_on_count() {
        let small = corpus(42, 10);
        let large = corpus(42, 1_000);
        assert_eq!(small.len(), 10);
        assert_eq!(large.len(), 1_000);
        assert_eq!(small[..], large[..10]);
        assert_eq!(corpus(42, 50), large[..50]);
        assert_ne!(corpus(43, 10), small);
        let generator = Generator::new(GeneratorConfig {
            seed: 42,
            count: 1_000,
            ..GeneratorConfig::default()
        });
        assert_eq!(generator.patent(777), large[777]);
        let mut skipping = generator.clone();
        assert_eq!(skipping.nth(500).as_ref(), Some(&large[500]));
        assert_eq!(skipping.len(), 499);
    }

    #[test]
    fn claims_do_not_change_the_other_fields() {
        let config = GeneratorConfig {
            seed: 7,
            count: 200,
            ..GeneratorConfig::default()
        };
        let with: Vec<Patent> = Generator::new(config.clone()).collect();
        let without: Vec<Patent> = Generator::new(GeneratorConfig {
            with_claims: false,
            ..config
        })
        .collect();
        for (mut a, b) in with.into_iter().zip(without) {
            assert!(a.claims.is_some() && b.claims.is_none());
            a.claims = None;
            assert_eq!(a, b);
        }
    }

    #[test]
    fn application_numbers_are_valid_and_unique_over_100k() {
        let generator = Generator::new(GeneratorConfig {
            seed: 1,
            count: 100_000,
            first_serial: 9_950_000,
            ..GeneratorConfig::default()
        });
        let mut seen = HashSet::with_capacity(100_000);
        for index in 0..100_000 {
            let number = generator.application_number_of(index);
            let reparsed =
                ApplicationNumber::parse(number.as_str()).expect("generated numbers parse");
            assert_eq!(reparsed, number);
            assert!((2008..=2025).contains(&number.year()));
            assert!(seen.insert(number), "duplicate at {index}");
        }
    }

    #[test]
    fn records_are_consistent() {
        let today = legal::as_of();
        let generator = Generator::new(GeneratorConfig {
            seed: 3,
            count: 3_000,
            ..GeneratorConfig::default()
        });
        let mut industries = HashSet::new();
        for (index, patent) in generator.clone().enumerate() {
            let index = index as u64;
            let industry = generator.industry_of(index);
            industries.insert(industry);
            // Type agrees with the number.
            assert_eq!(patent.effective_type(), patent.patent_type);
            assert_eq!(
                patent.application_number,
                generator.application_number_of(index)
            );
            // IPC: 1–4 codes, all within the industry.
            assert!((1..=4).contains(&patent.ipc.len()), "{:?}", patent.ipc);
            for code in &patent.ipc {
                assert!(
                    industry
                        .ipc_prefixes()
                        .iter()
                        .any(|p| code.as_str().starts_with(p)),
                    "{code} in {industry}"
                );
            }
            // Dates ordered, none in the future, filing year = number year.
            let filed = patent
                .application_date
                .expect("every patent has a filing date");
            assert_eq!(patent.application_year(), patent.application_number.year());
            for date in [patent.publication_date, patent.grant_date]
                .into_iter()
                .flatten()
            {
                assert!(filed < date && date <= today);
            }
            for event in &patent.events {
                let date = event.date.expect("events are dated");
                assert!(filed < date && date <= today, "{event:?}");
            }
            if patent.grant_date.is_some() {
                assert!(patent.publication_date <= patent.grant_date);
            } else {
                assert!(matches!(
                    patent.legal_status,
                    Some(LegalStatus::Pending | LegalStatus::Lapsed)
                ));
            }
            // Parties.
            assert!((2..=6).contains(&patent.inventors.len()));
            assert!(!patent.applicants.is_empty() && !patent.current_assignees.is_empty());
            let transferred = patent.events.iter().any(|e| e.kind == EventKind::Transfer);
            assert_eq!(transferred, patent.current_assignees != patent.applicants);
            // Text.
            let abstract_chars = patent
                .abstract_text
                .as_deref()
                .unwrap_or("")
                .chars()
                .count();
            assert!((150..=300).contains(&abstract_chars));
            let claims = patent.claims.as_deref().expect("claims were asked for");
            let count = claims::tests::check_claims(claims);
            assert!((5..=20).contains(&count));
            assert!(patent.cited_patents.len() <= 15);
            for number in &patent.publication_numbers {
                assert!(number.starts_with("CN") && number.len() == 12, "{number}");
            }
        }
        assert_eq!(
            industries.len(),
            10,
            "every industry appears in 3,000 patents"
        );
    }

    #[test]
    fn every_industry_appears_in_1000_patents() {
        let generator = Generator::new(GeneratorConfig {
            seed: 99,
            count: 1_000,
            ..GeneratorConfig::default()
        });
        let mut counts: HashMap<Industry, usize> = HashMap::new();
        for index in 0..1_000 {
            *counts.entry(generator.industry_of(index)).or_default() += 1;
        }
        for industry in Industry::ALL {
            assert!(
                counts.get(&industry).copied().unwrap_or(0) >= 10,
                "{industry}: {counts:?}"
            );
        }
    }

    #[test]
    fn institution_leads_every_patent() {
        let config = GeneratorConfig {
            seed: 5,
            count: 100,
            institution: Some("北京工业大学".into()),
            ..GeneratorConfig::default()
        };
        for patent in Generator::new(config) {
            assert_eq!(patent.applicants[0], "北京工业大学");
            assert_eq!(patent.institution, None);
        }
    }

    #[test]
    fn rates_and_correlations_look_real() {
        let n = 20_000u64;
        let generator = Generator::new(GeneratorConfig {
            seed: 11,
            count: n,
            with_claims: false,
            ..GeneratorConfig::default()
        });
        let mut kinds: HashMap<EventKind, usize> = HashMap::new();
        let (mut utility, mut family, mut pending_recent, mut recent) = (0, 0, 0, 0);
        let (mut cites_good, mut cites_poor, mut good, mut poor) = (0u64, 0u64, 0u64, 0u64);
        for (index, patent) in generator.clone().enumerate() {
            for event in &patent.events {
                *kinds.entry(event.kind).or_default() += 1;
            }
            utility += usize::from(patent.patent_type == Some(PatentType::UtilityModel));
            family += usize::from(!patent.family_countries.is_empty());
            if patent.application_year() >= 2024 {
                recent += 1;
                pending_recent += usize::from(patent.legal_status == Some(LegalStatus::Pending));
            }
            let quality = generator.quality_of(index as u64);
            let cites = u64::from(patent.forward_citations.unwrap_or(0));
            if quality > 1.0 {
                good += 1;
                cites_good += cites;
            } else if quality < -1.0 {
                poor += 1;
                cites_poor += cites;
            }
        }
        let share = |count: usize| count as f64 / n as f64;
        let kind = |k: EventKind| share(kinds.get(&k).copied().unwrap_or(0));
        assert!(
            (0.12..0.18).contains(&share(utility)),
            "utility {}",
            share(utility)
        );
        assert!(
            (0.08..0.17).contains(&share(family)),
            "family {}",
            share(family)
        );
        assert!(
            (0.025..0.055).contains(&kind(EventKind::Transfer)),
            "transfer {}",
            kind(EventKind::Transfer)
        );
        assert!(
            (0.008..0.025).contains(&kind(EventKind::Licence)),
            "licence {}",
            kind(EventKind::Licence)
        );
        assert!(
            (0.004..0.02).contains(&kind(EventKind::Pledge)),
            "pledge {}",
            kind(EventKind::Pledge)
        );
        assert!(
            (0.004..0.02).contains(&kind(EventKind::OpenLicence)),
            "open {}",
            kind(EventKind::OpenLicence)
        );
        assert!(kind(EventKind::Litigation) < 0.006 && kind(EventKind::Award) < 0.008);
        assert!(
            pending_recent * 10 > recent * 6,
            "{pending_recent} of {recent} recent filings pending"
        );
        let mean_good = cites_good as f64 / good as f64;
        let mean_poor = cites_poor as f64 / poor as f64;
        assert!(mean_good > 4.0 * mean_poor, "{mean_good} vs {mean_poor}");
    }

    #[test]
    fn records_survive_json() {
        for patent in corpus(21, 50) {
            let json = serde_json::to_string(&patent).expect("a patent serialises");
            let back: Patent = serde_json::from_str(&json).expect("and reads back");
            assert_eq!(back, patent);
        }
    }
}
