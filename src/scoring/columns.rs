//! The per-ordinal columns search reads for every hit (value, tier, industry labels, industry
//! ranks), laid out densely so filters, facets and sorting never touch a full score row.

use super::table::tier_code;
use super::value::{ScoreRow, Tier};

/// No tier (the ordinal has no row).
const NO_TIER: u8 = u8::MAX;

/// Dense columns indexed by ordinal; NaN marks a missing value or rank.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Columns {
    value: Vec<f64>,
    tier: Vec<u8>,
    labels: Vec<u32>,
    available: Vec<bool>,
    ranks: Vec<f32>,
    industries: usize,
}

impl Columns {
    /// Builds the columns of `rows` for ordinals below `len`; an industry labels a patent when
    /// its fit reaches `threshold`.
    pub(super) fn build(rows: &[ScoreRow], len: usize, industries: usize, threshold: f64) -> Self {
        let mut columns = Columns {
            value: vec![f64::NAN; len],
            tier: vec![NO_TIER; len],
            labels: vec![0; len],
            available: vec![false; len],
            ranks: vec![f32::NAN; len * industries],
            industries,
        };
        for row in rows {
            let o = row.ordinal as usize;
            if o >= len {
                continue;
            }
            // An unscored patent has no value: it sorts after every valued one and no minimum
            // value admits it.
            if row.tier != Tier::Unscored {
                columns.value[o] = row.value;
            }
            columns.tier[o] = tier_code(row.tier);
            columns.available[o] = row.available;
            columns.labels[o] = row
                .fits
                .iter()
                .take(32)
                .enumerate()
                .filter(|(_, f)| f64::from(**f) >= threshold)
                .fold(0, |bits, (i, _)| bits | (1 << i));
            for (i, rank) in row.ranks.iter().take(industries).enumerate() {
                columns.ranks[o * industries + i] = *rank;
            }
        }
        columns
    }

    /// Value 0–100.
    pub(super) fn value(&self, ordinal: u64) -> Option<f64> {
        let v = *self.value.get(usize::try_from(ordinal).ok()?)?;
        (!v.is_nan()).then_some(v)
    }

    /// Tier index in [`Tier::STATES`] (0 = A … 3 = D, 4 lapsed, 5 unscored).
    pub(super) fn tier(&self, ordinal: u64) -> Option<usize> {
        let t = *self.tier.get(usize::try_from(ordinal).ok()?)?;
        (t != NO_TIER).then_some(usize::from(t))
    }

    /// Bit `i` is set when industry `i` labels the patent.
    pub(super) fn labels(&self, ordinal: u64) -> u32 {
        usize::try_from(ordinal)
            .ok()
            .and_then(|o| self.labels.get(o))
            .copied()
            .unwrap_or(0)
    }

    /// Whether the patent is in force or pending (`false` without a row).
    pub(super) fn available(&self, ordinal: u64) -> bool {
        usize::try_from(ordinal)
            .ok()
            .and_then(|o| self.available.get(o))
            .copied()
            .unwrap_or(false)
    }

    /// The ordinals industry `industry` labels, in order.
    pub(super) fn labelled(&self, industry: usize) -> impl Iterator<Item = usize> + '_ {
        let bit = if industry < 32 { 1u32 << industry } else { 0 };
        self.labels
            .iter()
            .enumerate()
            .filter(move |(_, l)| **l & bit != 0)
            .map(|(o, _)| o)
    }

    /// Industry rank score, `None` below the label threshold.
    pub(super) fn rank(&self, ordinal: u64, industry: usize) -> Option<f64> {
        if industry >= self.industries {
            return None;
        }
        let o = usize::try_from(ordinal).ok()?;
        let r = *self.ranks.get(o.checked_mul(self.industries)? + industry)?;
        (!r.is_nan()).then_some(f64::from(r))
    }
}

#[cfg(test)]
mod tests {
    use crate::generate::{Generator, GeneratorConfig};
    use crate::index::ScoreLookup;
    use crate::model::Patent;
    use crate::scoring::Scorer;

    #[test]
    fn columns_agree_with_rows() {
        let scorer = Scorer::embedded().unwrap();
        let patents: Vec<Patent> = Generator::new(GeneratorConfig {
            seed: 3,
            count: 300,
            with_claims: true,
            institution: None,
            first_serial: 0,
        })
        .collect();
        // Every other ordinal, so some ordinals have no row.
        let ordinals: Vec<u64> = (1..=300).map(|i| i * 2).collect();
        let features = scorer.features(&patents, &ordinals);
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let table = scorer.score(&features, as_of, 1, 1, true);
        let threshold = table.meta.label_threshold;
        let mut labelled = 0;
        for row in table.rows() {
            let o = u64::from(row.ordinal);
            assert_eq!(table.value(o), Some(row.value));
            assert_eq!(table.tier(o), Some(usize::from(super::tier_code(row.tier))));
            for (i, fit) in row.fits.iter().enumerate() {
                let bit = table.labels(o) & (1 << i) != 0;
                assert_eq!(
                    bit,
                    f64::from(*fit) >= threshold,
                    "ordinal {o} industry {i}"
                );
                labelled += usize::from(bit);
                let rank = row.ranks[i];
                let expected = (!rank.is_nan()).then_some(f64::from(rank));
                assert_eq!(table.rank(o, i), expected);
                assert_eq!(table.labelled(i).any(|l| l == o), bit);
            }
            assert_eq!(table.available(o), row.available);
        }
        assert!(labelled > 0, "no patent carries an industry label");
        for i in 0..table.industries.len() {
            let ranked: Vec<u64> = table.ranked(i).iter().map(|o| u64::from(*o)).collect();
            assert!(
                ranked
                    .windows(2)
                    .all(|w| table.rank(w[0], i) >= table.rank(w[1], i)),
                "industry {i} is not ranked best first"
            );
            let mut sorted = ranked.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, table.labelled(i).collect::<Vec<_>>());
        }
        assert!(table.ranked(99).is_empty());
        for missing in [1, 3, 601, 10_000] {
            assert_eq!(table.value(missing), None);
            assert_eq!(table.tier(missing), None);
            assert_eq!(table.labels(missing), 0);
            assert!(!table.available(missing));
            assert_eq!(table.rank(missing, 0), None);
        }
        assert_eq!(table.rank(2, 99), None);
    }
}
