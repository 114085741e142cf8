//! Counts over a whole score table: per institution (patents, tiers, industries) and per
//! industry (patents, tiers, how many are still available). Counted in one pass over the
//! rows, once per table, so that the industries page and an institution's report read
//! counts instead of scanning 10^5 rows for each view.

use std::collections::HashMap;
use std::sync::Arc;

use super::columns::Columns;
use super::value::{ScoreRow, Tier};

/// The tier's place in [`Tier::STATES`].
fn tier_slot(tier: Tier) -> usize {
    Tier::STATES.iter().position(|t| *t == tier).unwrap_or(0)
}

/// The counts of one institution's patents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstitutionCounts {
    /// Patents scored (every state, unscored included).
    pub patents: usize,
    /// Patents per tier, in [`Tier::STATES`] order.
    pub tiers: [usize; 6],
    /// Patents each industry labels, in configuration order.
    pub industries: Vec<usize>,
    /// Patents no industry labels.
    pub no_industry: usize,
}

/// The counts of one industry over the library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndustryCounts {
    /// Patents it labels.
    pub patents: usize,
    /// Their tiers, in [`Tier::STATES`] order.
    pub tiers: [usize; 6],
    /// Those in force or pending.
    pub available: usize,
}

/// Counts per institution and per industry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableSummary {
    /// Per industry, in configuration order.
    pub industries: Vec<IndustryCounts>,
    /// Per institution, by name.
    pub institutions: HashMap<Arc<str>, InstitutionCounts>,
}

impl TableSummary {
    /// Counts `rows`, reading industry labels from the dense columns.
    pub(super) fn build(rows: &[ScoreRow], columns: &Columns, industries: usize) -> TableSummary {
        let mut summary = TableSummary {
            industries: vec![IndustryCounts::default(); industries],
            institutions: HashMap::new(),
        };
        for row in rows {
            let slot = tier_slot(row.tier);
            let labels = columns.labels(u64::from(row.ordinal));
            let counts = summary
                .institutions
                .entry(row.institution.clone())
                .or_insert_with(|| InstitutionCounts {
                    industries: vec![0; industries],
                    ..InstitutionCounts::default()
                });
            counts.patents += 1;
            counts.tiers[slot] += 1;
            if labels == 0 {
                counts.no_industry += 1;
            }
            for (i, industry) in summary.industries.iter_mut().enumerate().take(32) {
                if labels & (1 << i) != 0 {
                    counts.industries[i] += 1;
                    industry.patents += 1;
                    industry.tiers[slot] += 1;
                    industry.available += usize::from(row.available);
                }
            }
        }
        summary
    }
}
