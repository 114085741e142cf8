//! A scored library's second pass: each row's value percentile among the scored patents, its
//! tier and its industry ranks (docs/value-model.md, "Tiers" and "Industry ranks").

use rayon::prelude::*;

use super::{ScoreRow, ScoringContext, Tier};
use crate::scoring::config::{IndustryRanking, Tiers};
use crate::scoring::percentile::mid_rank;

/// Library-wide: value percentile, tier and industry ranks of every row. Percentiles are among
/// the scored patents; an unscored one has neither percentile nor tier nor industry rank.
pub(super) fn rank_in_library(rows: &mut [ScoreRow], ctx: &ScoringContext<'_>) {
    let mut sorted: Vec<f64> = rows
        .iter()
        .filter(|r| r.tier != Tier::Unscored)
        .map(|r| r.value)
        .collect();
    if ctx.parallel {
        sorted.par_sort_unstable_by(f64::total_cmp);
    } else {
        sorted.sort_unstable_by(f64::total_cmp);
    }
    let finish = |row: &mut ScoreRow| place_in_library(row, &sorted, ctx);
    if ctx.parallel {
        rows.par_iter_mut().for_each(finish);
    } else {
        rows.iter_mut().for_each(finish);
    }
}

/// Sets one row's value percentile among the `sorted` values of the scored patents, its tier
/// and its industry ranks; an unscored row gets no rank in any industry.
fn place_in_library(row: &mut ScoreRow, sorted: &[f64], ctx: &ScoringContext<'_>) {
    if row.tier == Tier::Unscored {
        row.ranks = vec![f32::NAN; row.fits.len()];
        return;
    }
    row.value_percentile = mid_rank(sorted, row.value);
    row.tier = tier_of(
        row.value_percentile,
        row.confidence,
        row.available,
        &ctx.model.tiers,
    );
    row.ranks = industry_ranks(
        &row.fits,
        row.value,
        row.momentum,
        ctx.label_threshold,
        &ctx.model.industry_rank,
    );
}

/// The tier of a scored patent from its value percentile `p`: lapsed when not available (valued,
/// never promoted), A from the A cut-off when confident enough, then B, C and D.
fn tier_of(p: f64, confidence: f64, available: bool, tiers: &Tiers) -> Tier {
    if !available {
        Tier::Lapsed
    } else if p >= tiers.a && confidence >= tiers.a_min_confidence {
        Tier::A
    } else if p >= tiers.b {
        Tier::B
    } else if p >= tiers.c {
        Tier::C
    } else {
        Tier::D
    }
}

/// The industry rank score per industry: the value scaled by `base + fit_factor × fit`, the fit
/// blended with the filing momentum when it is known (unknown momentum is left out, not
/// guessed); NaN where the fit is below the label threshold.
fn industry_ranks(
    fits: &[f32],
    value: f64,
    momentum: f32,
    label_threshold: f64,
    ir: &IndustryRanking,
) -> Vec<f32> {
    let momentum = f64::from(momentum);
    fits.iter()
        .map(|&a| {
            let a = f64::from(a);
            if a >= label_threshold {
                let fit = if momentum.is_nan() {
                    a
                } else {
                    (1.0 - ir.momentum_weight) * a + ir.momentum_weight * momentum
                };
                (value * (ir.base + ir.fit_factor * fit)) as f32
            } else {
                f32::NAN
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::config::ModelConfig;

    #[test]
    fn tier_cut_offs() {
        let tiers = ModelConfig::embedded().unwrap().tiers;
        assert_eq!(tier_of(0.95, 0.9, true, &tiers), Tier::A);
        assert_eq!(tier_of(0.95, 0.1, true, &tiers), Tier::B);
        assert_eq!(tier_of(tiers.b, 0.9, true, &tiers), Tier::B);
        assert_eq!(tier_of(tiers.c, 0.9, true, &tiers), Tier::C);
        assert_eq!(tier_of(0.1, 0.9, true, &tiers), Tier::D);
        assert_eq!(tier_of(0.99, 0.9, false, &tiers), Tier::Lapsed);
    }

    #[test]
    fn industry_ranks_blend_known_momentum_only() {
        let ir = IndustryRanking {
            base: 0.7,
            fit_factor: 0.3,
            momentum_weight: 0.2,
        };
        let ranks = industry_ranks(&[1.0, 0.2], 50.0, f32::NAN, 0.5, &ir);
        assert_eq!(ranks[0], 50.0);
        assert!(ranks[1].is_nan());
        let ranks = industry_ranks(&[1.0], 50.0, 0.0, 0.5, &ir);
        assert!((ranks[0] - 50.0 * (0.7 + 0.3 * 0.8)).abs() < 1e-4);
    }
}
