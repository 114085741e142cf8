//! Randomness: the per-patent RNG, stateless hashes of `(seed, index)` and small samplers.
//!
//! Everything a *later* patent needs to know about an earlier one (its number, date, industry,
//! quality) comes from [`hash`], which is cheap and needs no RNG state; everything else about a
//! patent comes from its own [`PatentRng`], seeded from `(seed, index)` alone.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The RNG that draws one patent's content.
pub(crate) type PatentRng = ChaCha8Rng;

/// Salt of the stream that seeds each patent's [`PatentRng`].
const SALT_BODY: u64 = 0x5eed_0b0d_7000_0001;

/// Returns the RNG of patent `index` in the corpus of `seed`.
pub(crate) fn patent_rng(seed: u64, index: u64) -> PatentRng {
    ChaCha8Rng::seed_from_u64(hash(seed, index, SALT_BODY))
}

/// SplitMix64 finaliser: a fast, well-mixed bijection of `u64`.
pub(crate) fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Returns a 64-bit hash of `(seed, index, salt)`; different salts give independent streams.
pub(crate) fn hash(seed: u64, index: u64, salt: u64) -> u64 {
    splitmix64(seed ^ splitmix64(index ^ splitmix64(salt)))
}

/// Maps a hash to a uniform float in `[0, 1)`.
pub(crate) fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Maps two hashes to a standard normal variate (Box–Muller).
pub(crate) fn normal_from(h1: u64, h2: u64) -> f64 {
    let u1 = 1.0 - unit(h1); // (0, 1]
    let u2 = unit(h2);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Draws a standard normal variate.
pub(crate) fn normal(rng: &mut PatentRng) -> f64 {
    let a: u64 = rng.random();
    let b: u64 = rng.random();
    normal_from(a, b)
}

/// Draws `true` with probability `p` (clamped to `[0, 1]`).
pub(crate) fn chance(rng: &mut PatentRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// Draws a uniform integer in `low..=high` (returns `low` when the range is empty).
pub(crate) fn between(rng: &mut PatentRng, low: u32, high: u32) -> u32 {
    if high <= low {
        low
    } else {
        rng.random_range(low..=high)
    }
}

/// Picks one phrase uniformly; an empty list gives `""`.
pub(crate) fn pick<'a>(rng: &mut PatentRng, list: &[&'a str]) -> &'a str {
    if list.is_empty() {
        return "";
    }
    list[rng.random_range(..list.len())]
}

/// Picks `k` distinct positions of `0..n` in increasing order (all of them when `k >= n`).
pub(crate) fn ordered_subset(rng: &mut PatentRng, n: usize, k: usize) -> Vec<usize> {
    if k >= n {
        return (0..n).collect();
    }
    // Selection sampling (Knuth's algorithm S): one pass, already ordered.
    let mut chosen = Vec::with_capacity(k);
    for i in 0..n {
        let remaining = n - i;
        let needed = k - chosen.len();
        if rng.random_range(..remaining) < needed {
            chosen.push(i);
        }
    }
    chosen
}

/// Picks `k` distinct phrases in random order (fewer when the list is shorter).
pub(crate) fn distinct<'a>(rng: &mut PatentRng, list: &[&'a str], k: usize) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::with_capacity(k);
    if list.is_empty() {
        return out;
    }
    let k = k.min(list.len());
    while out.len() < k {
        let candidate = list[rng.random_range(..list.len())];
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

/// Returns the index of the bucket of `x` in a cumulative weight table (`x < total`).
pub(crate) fn bucket(cumulative: &[u32], x: u32) -> usize {
    let at = cumulative.partition_point(|&c| c <= x);
    at.min(cumulative.len().saturating_sub(1))
}

/// Draws a bucket of a cumulative weight table.
pub(crate) fn weighted(rng: &mut PatentRng, cumulative: &[u32]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0);
    if total == 0 {
        return 0;
    }
    bucket(cumulative, rng.random_range(..total))
}

/// Turns weights into a cumulative table.
pub(crate) fn cumulate(weights: impl IntoIterator<Item = u32>) -> Vec<u32> {
    let mut total = 0;
    weights
        .into_iter()
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

/// Draws a Poisson count with mean `lambda` (Knuth below 30, a rounded normal above).
pub(crate) fn poisson(rng: &mut PatentRng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < 30.0 {
        let limit = (-lambda).exp();
        let mut product: f64 = rng.random();
        let mut count = 0;
        while product > limit {
            product *= rng.random::<f64>();
            count += 1;
        }
        count
    } else {
        let value = lambda + lambda.sqrt() * normal(rng);
        value.round().max(0.0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patent_rng_depends_only_on_seed_and_index() {
        let a: u64 = patent_rng(7, 42).random();
        let b: u64 = patent_rng(7, 42).random();
        let c: u64 = patent_rng(7, 43).random();
        let d: u64 = patent_rng(8, 42).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn normal_has_unit_spread() {
        let n = 20_000u64;
        let values: Vec<f64> = (0..n)
            .map(|i| normal_from(hash(1, i, 1), hash(1, i, 2)))
            .collect();
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.05, "{mean}");
        assert!((var - 1.0).abs() < 0.06, "{var}");
    }

    #[test]
    fn subsets_are_ordered_and_sized() {
        let mut rng = patent_rng(1, 1);
        for k in 0..=10 {
            let chosen = ordered_subset(&mut rng, 10, k);
            assert_eq!(chosen.len(), k);
            assert!(chosen.windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(distinct(&mut rng, &["a", "b", "c"], 5).len(), 3);
    }

    #[test]
    fn buckets_follow_weights() {
        let cumulative = cumulate([1, 0, 3]);
        assert_eq!(cumulative, [1, 1, 4]);
        assert_eq!(bucket(&cumulative, 0), 0);
        assert_eq!(bucket(&cumulative, 1), 2);
        assert_eq!(bucket(&cumulative, 3), 2);
    }

    #[test]
    fn poisson_mean_matches() {
        let mut rng = patent_rng(3, 3);
        for lambda in [0.5, 4.0, 50.0] {
            let n = 5000;
            let sum: u32 = (0..n).map(|_| poisson(&mut rng, lambda)).sum();
            let mean = f64::from(sum) / f64::from(n);
            assert!(
                (mean - lambda).abs() < lambda * 0.1 + 0.05,
                "{lambda}: {mean}"
            );
        }
    }
}
