//! Mid-rank percentiles within cohorts of main-IPC subclass × application year, backing off to
//! class × year, section × year, year and finally the whole library when a cohort is smaller
//! than the configured minimum (docs/value-model.md, "Cohorts and percentiles").

/// A hash map with a fast, fixed hasher (cohort keys are integers).
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use rayon::prelude::*;

use super::features::PatentFeatures;

/// The levels of the cohort backoff, finest first.
pub const LEVELS: [&str; 5] = [
    "subclass×year",
    "class×year",
    "section×year",
    "year",
    "library",
];

/// The cohort each patent is compared in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohorts {
    /// Per patent: (level, key at that level).
    pub chosen: Vec<(u8, u64)>,
    /// Per patent: the size of its cohort.
    pub sizes: Vec<u32>,
    /// Per patent: members of the cohort, shared by everyone who chose the same one.
    groups: FastMap<(u8, u64), Vec<u32>>,
}

fn code_bytes(text: &str, n: usize) -> u64 {
    text.bytes()
        .take(n)
        .fold(0u64, |acc, b| (acc << 8) | u64::from(b))
}

/// The key of a patent at `level`.
fn key(features: &PatentFeatures, level: u8) -> Option<u64> {
    let year = u64::from(features.year);
    let ipc = features.main_ipc.as_ref().map(|c| c.as_str());
    Some(match level {
        0 => (code_bytes(ipc?, 4) << 16) | year,
        1 => (code_bytes(ipc?, 3) << 16) | year,
        2 => (code_bytes(ipc?, 1) << 16) | year,
        3 => year,
        _ => 0,
    })
}

/// The first `chars` characters of a code.
fn prefix(code: &str, chars: usize) -> &str {
    code.char_indices()
        .nth(chars)
        .map_or(code, |(at, _)| code.get(..at).unwrap_or(code))
}

/// Returns a human label for a cohort (`H01L × 2019`).
pub fn label(features: &PatentFeatures, level: u8) -> String {
    let ipc = features.main_ipc.as_ref().map_or("", |c| c.as_str());
    match level {
        0 => format!("{} × {}", prefix(ipc, 4), features.year),
        1 => format!("{} × {}", prefix(ipc, 3), features.year),
        2 => format!("{} × {}", prefix(ipc, 1), features.year),
        3 => format!("{} 年申请", features.year),
        _ => "全库".to_string(),
    }
}

/// Chooses every patent's cohort: the finest level with at least `min_size` members.
pub fn assign(features: &[PatentFeatures], min_size: usize) -> Cohorts {
    let mut counts: Vec<FastMap<u64, u32>> = vec![FastMap::default(); LEVELS.len()];
    for f in features {
        for level in 0..LEVELS.len() as u8 {
            if let Some(k) = key(f, level) {
                *counts[usize::from(level)].entry(k).or_default() += 1;
            }
        }
    }
    let chosen: Vec<(u8, u64)> = features
        .iter()
        .map(|f| {
            for level in 0..LEVELS.len() as u8 {
                if let Some(k) = key(f, level) {
                    let n = counts[usize::from(level)][&k] as usize;
                    if n >= min_size || usize::from(level) == LEVELS.len() - 1 {
                        return (level, k);
                    }
                }
            }
            ((LEVELS.len() - 1) as u8, 0)
        })
        .collect();
    let wanted: std::collections::HashSet<(u8, u64), foldhash::fast::FixedState> =
        chosen.iter().copied().collect();
    let mut groups: FastMap<(u8, u64), Vec<u32>> = FastMap::default();
    for (i, f) in features.iter().enumerate() {
        for level in 0..LEVELS.len() as u8 {
            if let Some(k) = key(f, level)
                && wanted.contains(&(level, k))
            {
                groups.entry((level, k)).or_default().push(i as u32);
            }
        }
    }
    let sizes = chosen
        .iter()
        .map(|c| groups.get(c).map_or(0, |g| g.len() as u32))
        .collect();
    Cohorts {
        chosen,
        sizes,
        groups,
    }
}

/// Mid-rank percentile of `x` in a sorted slice: `(#below + 0.5 · #equal) / n`.
pub fn mid_rank(sorted: &[f64], x: f64) -> f64 {
    if sorted.is_empty() {
        return 0.5;
    }
    let below = sorted.partition_point(|v| *v < x);
    let not_above = sorted.partition_point(|v| *v <= x);
    (below as f64 + 0.5 * (not_above - below) as f64) / sorted.len() as f64
}

impl Cohorts {
    /// Percentile of every patent's value within its cohort (among members that have a
    /// value); `None` where the value is missing.
    pub fn percentiles(&self, values: &[Option<f64>], parallel: bool) -> Vec<Option<f64>> {
        let compute = |(cohort, members): (&(u8, u64), &Vec<u32>)| {
            let mut sorted: Vec<f64> = members.iter().filter_map(|&i| values[i as usize]).collect();
            sorted.sort_by(f64::total_cmp);
            let results: Vec<(u32, f64)> = members
                .iter()
                .filter(|&&i| self.chosen[i as usize] == *cohort)
                .filter_map(|&i| values[i as usize].map(|v| (i, mid_rank(&sorted, v))))
                .collect();
            results
        };
        let per_group: Vec<Vec<(u32, f64)>> = if parallel {
            self.groups.par_iter().map(compute).collect()
        } else {
            self.groups.iter().map(compute).collect()
        };
        let mut out = vec![None; values.len()];
        for (i, p) in per_group.into_iter().flatten() {
            out[i as usize] = Some(p);
        }
        out
    }

    /// The members of a patent's cohort.
    pub fn members(&self, patent: usize) -> &[u32] {
        self.groups
            .get(&self.chosen[patent])
            .map_or(&[], Vec::as_slice)
    }

    /// Calls `visit(cohort members, patents that chose this cohort)` for every cohort.
    pub fn for_each(&self, mut visit: impl FnMut(&[u32], Vec<u32>)) {
        for (cohort, members) in &self.groups {
            let choosers: Vec<u32> = members
                .iter()
                .copied()
                .filter(|&i| self.chosen[i as usize] == *cohort)
                .collect();
            visit(members, choosers);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IpcCode;
    use proptest::prelude::*;

    fn patent(ipc: &str, year: u16) -> PatentFeatures {
        PatentFeatures {
            main_ipc: IpcCode::parse(ipc).ok(),
            year,
            ..PatentFeatures::blank("")
        }
    }

    #[test]
    fn ties_share_a_mid_rank() {
        let sorted = [0.0, 0.0, 0.0, 1.0, 5.0];
        assert!((mid_rank(&sorted, 0.0) - 0.3).abs() < 1e-12);
        assert!((mid_rank(&sorted, 5.0) - 0.9).abs() < 1e-12);
        assert!((mid_rank(&sorted, 2.0) - 0.8).abs() < 1e-12);
    }

    #[test]
    fn small_cohorts_back_off_to_coarser_ones() {
        let mut features = vec![];
        for _ in 0..5 {
            features.push(patent("H01L21/02", 2020));
        }
        features.push(patent("H01M4/02", 2020));
        features.push(patent("G06F16/30", 2020));
        let cohorts = assign(&features, 5);
        assert_eq!(cohorts.chosen[0].0, 0); // H01L × 2020 has 5
        assert_eq!(cohorts.chosen[5].0, 1); // H01M alone backs off to H01 × 2020 (6 members)
        assert_eq!(cohorts.sizes[5], 6);
        assert_eq!(cohorts.chosen[6].0, 3); // G06F: G06 and G have 1 → the year (7)
        assert_eq!(cohorts.sizes[6], 7);
        assert_eq!(label(&features[5], 1), "H01 × 2020");
    }

    proptest! {
        #[test]
        fn percentiles_are_monotone_in_the_value(values in proptest::collection::vec(0u32..50, 1..200)) {
            let features: Vec<_> = values.iter().map(|_| patent("H01L21/02", 2020)).collect();
            let cohorts = assign(&features, 1);
            let as_f: Vec<Option<f64>> = values.iter().map(|v| Some(f64::from(*v))).collect();
            let p = cohorts.percentiles(&as_f, true);
            for i in 0..values.len() {
                for j in 0..values.len() {
                    if values[i] < values[j] {
                        prop_assert!(p[i].unwrap() < p[j].unwrap());
                    }
                    if values[i] == values[j] {
                        prop_assert_eq!(p[i], p[j]);
                    }
                }
            }
            prop_assert_eq!(cohorts.percentiles(&as_f, false), p);
        }
    }
}
