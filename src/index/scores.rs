//! How search reads the score table without depending on the scoring module: a
//! [`ScoreLookup`] keyed by the dense patent ordinal (a fast field), a filter on tier,
//! industry and minimum value, and value and industry-rank sort keys.

use std::sync::Arc;

use crate::error::{Error, Result};

/// Scores by patent ordinal, as the scoring module computed them.
pub trait ScoreLookup: Send + Sync {
    /// Value 0–100.
    fn value(&self, ordinal: u64) -> Option<f64>;
    /// Tier index (0 = A … 3 = D, then the states without a promotion tier: lapsed, unscored).
    fn tier(&self, ordinal: u64) -> Option<usize>;
    /// Tier codes, best first (`A` … `D`, `lapsed`, `unscored`).
    fn tier_names(&self) -> &[&'static str];
    /// Industry names.
    fn industries(&self) -> &[String];
    /// Rule fit of a patent to an industry (0–1).
    fn fit(&self, ordinal: u64, industry: usize) -> f64;
    /// Industry rank score, `None` below the label threshold.
    fn rank(&self, ordinal: u64, industry: usize) -> Option<f64>;
    /// The fit from which an industry labels a patent.
    fn label_threshold(&self) -> f64;
    /// The industries that label a patent (fit at or above the label threshold), as bits (bit
    /// `i` for industry `i`).
    fn labels(&self, ordinal: u64) -> u32;
    /// Years of term left (in force or pending only).
    fn remaining_years(&self, _ordinal: u64) -> Option<f64> {
        None
    }
    /// Distinct for every table built in this process: keys what is derived from the table
    /// (the value of each document of a segment).
    fn id(&self) -> u64;
}

/// A resolved filter on scores.
pub struct ScoreFilter {
    lookup: Arc<dyn ScoreLookup>,
    tiers: Vec<usize>,
    industries: Vec<usize>,
    min_value: Option<f64>,
}

impl ScoreFilter {
    /// Resolves tier and industry names; errors name the parameter at fault.
    pub fn new(
        lookup: Arc<dyn ScoreLookup>,
        tiers: &[String],
        industries: &[String],
        min_value: Option<f64>,
    ) -> Result<ScoreFilter> {
        let tier_indices = tiers
            .iter()
            .map(|t| {
                lookup
                    .tier_names()
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(t.trim()))
                    .ok_or_else(|| {
                        Error::invalid(
                            "tier",
                            format!("'{t}' is not a tier ({})", lookup.tier_names().join(", ")),
                        )
                    })
            })
            .collect::<Result<_>>()?;
        let industry_indices = industries
            .iter()
            .map(|name| industry_index(lookup.as_ref(), name))
            .collect::<Result<_>>()?;
        if let Some(v) = min_value
            && !(0.0..=100.0).contains(&v)
        {
            return Err(Error::invalid("min_value", "must be between 0 and 100"));
        }
        Ok(ScoreFilter {
            lookup,
            tiers: tier_indices,
            industries: industry_indices,
            min_value,
        })
    }

    /// Whether the filter constrains anything.
    pub fn is_active(&self) -> bool {
        !self.tiers.is_empty() || !self.industries.is_empty() || self.min_value.is_some()
    }

    /// Whether a patent passes.
    pub fn accepts(&self, ordinal: u64) -> bool {
        if !self.tiers.is_empty()
            && !self
                .lookup
                .tier(ordinal)
                .is_some_and(|t| self.tiers.contains(&t))
        {
            return false;
        }
        if !self.industries.is_empty() {
            let labels = self.lookup.labels(ordinal);
            if !self
                .industries
                .iter()
                .any(|&i| i < 32 && labels & (1 << i) != 0)
            {
                return false;
            }
        }
        match self.min_value {
            Some(min) => self.lookup.value(ordinal).is_some_and(|v| v >= min),
            None => true,
        }
    }
}

/// Resolves an industry name.
pub fn industry_index(lookup: &dyn ScoreLookup, name: &str) -> Result<usize> {
    lookup
        .industries()
        .iter()
        .position(|n| n == name.trim())
        .ok_or_else(|| {
            Error::invalid(
                "industry",
                format!(
                    "'{name}' is not one of the ten industries ({})",
                    lookup.industries().join("、")
                ),
            )
        })
}
