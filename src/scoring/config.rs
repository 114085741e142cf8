//! The scoring configuration of `scoring/`: `industries.toml` (the ten industries and their
//! IPC and keyword rules) and `model.toml` (dimensions, weights, cohorts, tiers). Both are
//! embedded at compile time and parsed with unknown keys rejected.

use std::collections::HashSet;

use serde::Deserialize;

use crate::error::{Error, Result};

const INDUSTRIES_TOML: &str = include_str!("../../scoring/industries.toml");
const MODEL_TOML: &str = include_str!("../../scoring/model.toml");

/// Weights of the industry matching algorithm (docs/value-model.md, "Industry fit").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchWeights {
    /// A core IPC rule hit on the main IPC.
    pub core_main: f64,
    /// A core IPC rule hit on a secondary IPC.
    pub core_secondary: f64,
    /// An extension IPC rule hit on the main IPC (needs a keyword of the industry).
    pub ext_main: f64,
    /// An extension IPC rule hit on a secondary IPC (needs a keyword).
    pub ext_secondary: f64,
    /// Keywords alone: at least `keyword_only_min_hits` distinct keywords, one of them strong.
    pub keyword_only: f64,
    /// Distinct keywords needed for a keyword-only hit.
    pub keyword_only_min_hits: usize,
    /// Added per distinct strong keyword.
    pub strong_keyword_bonus: f64,
    /// Cap of the strong-keyword bonus.
    pub strong_keyword_bonus_cap: f64,
    /// Strong keywords found in the title count this many times towards the bonus.
    pub title_keyword_factor: f64,
    /// An industry is a label of a patent from this fit on.
    pub label_threshold: f64,
    /// Below this best fit, the primary industry is 无 (none of the ten).
    pub primary_threshold: f64,
}

/// What an IPC rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The IPC alone places the patent in the industry.
    Core,
    /// The IPC places it only together with a keyword of the industry.
    Ext,
    /// The IPC removes it (beats an inclusion of equal or shorter prefix).
    Exclude,
}

/// One IPC rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpcRule {
    /// Stable id shown in explanations (`ic.core.process`).
    pub id: String,
    /// Core, extension or exclusion.
    pub kind: RuleKind,
    /// IPC prefixes: section, class, subclass, group (`H01L21`) or subgroup prefix (`H01L21/67`).
    pub ipc: Vec<String>,
    /// Where the rule comes from.
    pub source: String,
}

/// How much a keyword says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Specific to the industry.
    Strong,
    /// Supporting evidence only.
    Weak,
}

/// One keyword list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordRule {
    /// Stable id shown in explanations.
    pub id: String,
    /// Strong or weak.
    pub strength: Strength,
    /// The keywords (matched on normalised title, abstract and claim 1).
    pub words: Vec<String>,
    /// Where the list comes from.
    pub source: String,
}

/// One industry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustrySpec {
    /// Short stable id (`ic`).
    pub id: String,
    /// Chinese name (`集成电路`).
    pub name: String,
    /// IPC rules.
    #[serde(default, rename = "rule")]
    pub rules: Vec<IpcRule>,
    /// Keyword lists.
    #[serde(default, rename = "keywords")]
    pub keywords: Vec<KeywordRule>,
}

/// `scoring/industries.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustriesConfig {
    /// Taxonomy version, recorded with every score.
    pub version: String,
    /// Matching weights.
    pub weights: MatchWeights,
    /// The industries, in display order.
    #[serde(rename = "industry")]
    pub industries: Vec<IndustrySpec>,
}

impl IndustriesConfig {
    /// Parses and validates industries TOML.
    pub fn from_toml(text: &str) -> Result<IndustriesConfig> {
        let config: IndustriesConfig = toml::from_str(text)
            .map_err(|e| Error::Config(format!("scoring/industries.toml: {e}")))?;
        let bad = |m: String| Error::Config(format!("scoring/industries.toml: {m}"));
        if config.industries.is_empty() || config.industries.len() > 64 {
            return Err(bad("between 1 and 64 industries are supported".into()));
        }
        let mut ids = HashSet::new();
        for industry in &config.industries {
            if !ids.insert(industry.id.as_str()) {
                return Err(bad(format!("industry id {} is used twice", industry.id)));
            }
            for rule in &industry.rules {
                if !ids.insert(rule.id.as_str()) {
                    return Err(bad(format!("rule id {} is used twice", rule.id)));
                }
                for prefix in &rule.ipc {
                    super::industry::IpcPattern::parse(prefix)
                        .map_err(|e| bad(format!("rule {}: {e}", rule.id)))?;
                }
            }
            for list in &industry.keywords {
                if !ids.insert(list.id.as_str()) {
                    return Err(bad(format!("keyword list id {} is used twice", list.id)));
                }
                if list.words.iter().any(|w| w.trim().is_empty()) {
                    return Err(bad(format!("keyword list {} has an empty word", list.id)));
                }
            }
        }
        Ok(config)
    }

    /// Returns the embedded configuration.
    pub fn embedded() -> Result<IndustriesConfig> {
        IndustriesConfig::from_toml(INDUSTRIES_TOML)
    }
}

/// One dimension of the value score.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionSpec {
    /// Chinese name shown on the card.
    pub name_zh: String,
    /// Prior weight in the value score.
    pub weight: f64,
}

/// The four scored dimensions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimensions {
    /// D1 技术影响.
    pub technical_impact: DimensionSpec,
    /// D2 保护范围.
    pub scope: DimensionSpec,
    /// D3 法律与维持.
    pub legal: DimensionSpec,
    /// D4 运用证据.
    pub market: DimensionSpec,
}

/// Weights of the scope signals inside D2.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeWeights {
    /// S1: shorter claim 1 is broader.
    pub claim1_breadth: f64,
    /// S2: fewer technical features in claim 1 is broader.
    pub claim1_features: f64,
    /// S3: independent claims and their categories.
    pub independent_claims: f64,
    /// S4: number of claims (capped).
    pub claim_count: f64,
    /// Claims counted at most.
    pub claim_count_cap: u32,
}

/// Weights of the legal signals inside D3.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalWeights {
    /// L1: still in force where same-age cohort peers lapsed.
    pub survival: f64,
    /// L2: family coverage abroad.
    pub coverage: f64,
}

/// Family coverage weights per office.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageWeights {
    /// Offices counted as major markets.
    pub major_offices: Vec<String>,
    /// Weight of a major office.
    pub major: f64,
    /// Weight of another national office.
    pub other: f64,
    /// Weight of a PCT (WO) filing.
    pub pct: f64,
}

/// Citation settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitationSettings {
    /// Years after publication in which citations are counted as mature.
    pub window_years: u32,
    /// Share of mature citations expected by age 0, 1, 2, … years after publication.
    pub exposure: Vec<f64>,
}

/// Tier thresholds on the value percentile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    /// Tier A from this percentile (重点推广).
    pub a: f64,
    /// Tier B (推广).
    pub b: f64,
    /// Tier C (储备); below is D (评估是否维持).
    pub c: f64,
    /// Tier A also needs at least this confidence (0–1).
    pub a_min_confidence: f64,
}

/// When a patent is unscored (未评分 · 数据不足) instead of valued.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnscoredRule {
    /// A patent gets a value only when the dimensions observed for it carry at least this
    /// share of the total weight. Market evidence does not count toward it: no event recorded
    /// is not evidence that there was none.
    pub min_observed_weight: f64,
}

/// Confidence levels.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfidenceLevels {
    /// 高 from here.
    pub high: f64,
    /// 中 from here; below is 低.
    pub medium: f64,
}

/// Industry ranking.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustryRanking {
    /// Base factor: rank = value × (base + fit_factor × fit).
    pub base: f64,
    /// Fit factor.
    pub fit_factor: f64,
    /// Weight of filing momentum in the fit (the rest is the rule match).
    pub momentum_weight: f64,
}

/// CNIPA high-value checklist settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySettings {
    /// Years of maintenance for category 3.
    pub maintained_years: u32,
}

/// `scoring/model.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// Model version, recorded with every score.
    pub version: String,
    /// Smallest cohort before backing off to a coarser one.
    pub cohort_min_size: usize,
    /// Dimensions and weights.
    pub dimensions: Dimensions,
    /// Scope signal weights.
    pub scope: ScopeWeights,
    /// Legal signal weights.
    pub legal: LegalWeights,
    /// Family coverage weights.
    pub coverage: CoverageWeights,
    /// Event weights of D4 (`1 − Π(1 − w)`), by event kind.
    pub market_events: std::collections::BTreeMap<String, f64>,
    /// Citation settings.
    pub citations: CitationSettings,
    /// Tier thresholds.
    pub tiers: Tiers,
    /// Confidence levels.
    pub confidence: ConfidenceLevels,
    /// When a patent has too few observed signals to get a value.
    pub unscored: UnscoredRule,
    /// Industry ranking.
    pub industry_rank: IndustryRanking,
    /// Policy checklist.
    pub policy: PolicySettings,
}

impl ModelConfig {
    /// Parses and validates model TOML.
    pub fn from_toml(text: &str) -> Result<ModelConfig> {
        let model: ModelConfig =
            toml::from_str(text).map_err(|e| Error::Config(format!("scoring/model.toml: {e}")))?;
        let bad = |m: &str| Err(Error::Config(format!("scoring/model.toml: {m}")));
        let d = &model.dimensions;
        let weights = [
            d.technical_impact.weight,
            d.scope.weight,
            d.legal.weight,
            d.market.weight,
        ];
        if weights.iter().any(|w| *w < 0.0) || weights.iter().sum::<f64>() <= 0.0 {
            return bad("dimension weights must be non-negative with a positive sum");
        }
        if !(model.tiers.c <= model.tiers.b
            && model.tiers.b <= model.tiers.a
            && model.tiers.a <= 1.0)
        {
            return bad("tiers must satisfy c ≤ b ≤ a ≤ 1");
        }
        if model.citations.exposure.is_empty()
            || model
                .citations
                .exposure
                .iter()
                .any(|e| !(0.0..=1.0).contains(e) || *e == 0.0)
        {
            return bad("citations.exposure must list shares in (0, 1]");
        }
        for kind in model.market_events.keys() {
            if !crate::model::EventKind::ALL
                .iter()
                .any(|k| k.as_str() == kind)
            {
                return bad(&format!("market_events: unknown event kind '{kind}'"));
            }
        }
        if !(0.0..=1.0).contains(&model.unscored.min_observed_weight) {
            return bad("unscored.min_observed_weight must be between 0 and 1");
        }
        if model.cohort_min_size == 0 {
            return bad("cohort_min_size must be at least 1");
        }
        Ok(model)
    }

    /// Returns the embedded configuration.
    pub fn embedded() -> Result<ModelConfig> {
        ModelConfig::from_toml(MODEL_TOML)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_configs_are_valid() {
        let industries = IndustriesConfig::embedded().unwrap();
        assert_eq!(industries.industries.len(), 10);
        let names: Vec<_> = industries
            .industries
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert!(
            names.contains(&"集成电路") && names.contains(&"科技服务业"),
            "{names:?}"
        );
        for industry in &industries.industries {
            assert!(
                !industry.keywords.is_empty(),
                "{} has no keywords",
                industry.id
            );
            for rule in &industry.rules {
                assert!(!rule.source.is_empty());
            }
        }
        ModelConfig::embedded().unwrap();
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let bad = MODEL_TOML.replacen("cohort_min_size", "cohort_minimum", 1);
        assert!(
            ModelConfig::from_toml(&bad)
                .unwrap_err()
                .to_string()
                .contains("scoring/model.toml")
        );
        let bad = INDUSTRIES_TOML.replacen("[weights]", "colour = 1\n[weights]", 1);
        assert!(IndustriesConfig::from_toml(&bad).is_err());
        let bad = MODEL_TOML.replacen("licence =", "gift = 0.1\nlicence =", 1);
        assert!(
            ModelConfig::from_toml(&bad)
                .unwrap_err()
                .to_string()
                .contains("gift")
        );
    }
}
