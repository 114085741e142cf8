//! Impact: backward citations into the same corpus (preferential, heavy-tailed), external CN
//! citations, supplied forward-citation counts, and patent families abroad.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use super::legal::as_of;
use super::random::{PatentRng, between, chance, normal, poisson};
use super::skeleton::{
    Skeleton, application_number_text, invention_publication_base, serial_of,
    utility_publication_base,
};
use rand::RngExt;

/// Exponent of the preferential rule: candidate `j = i·u^ALPHA` favours early patents, giving
/// in-library citation counts a power-law tail (patent `j` is cited ~ `j^(-1/ALPHA)` times).
const ALPHA: f64 = 2.2;

/// Offset of the preferential rule: candidates are drawn over `-HEAD..index` and those below
/// zero are redrawn, which flattens the head of the distribution.
const HEAD: u64 = 200;

/// How many candidates one citation may reject before it goes to an external patent.
const TRIES: usize = 40;

/// Draws the backward citations of patent `index`: mostly application numbers of earlier
/// patents of the same corpus (filed before it, usually of the same industry, likelier the
/// better they are), plus external CN publication numbers.
pub(crate) fn backward(
    rng: &mut PatentRng,
    seed: u64,
    first_serial: u32,
    index: u64,
    skeleton: &Skeleton,
) -> Vec<String> {
    let count = if chance(rng, 0.14) {
        0
    } else {
        let mean = if skeleton.is_utility_model() {
            1.8
        } else {
            3.6
        };
        (1 + poisson(rng, mean)).min(15) as usize
    };
    let mut cited: Vec<String> = Vec::with_capacity(count);
    let mut seen: Vec<u64> = Vec::with_capacity(count);
    for _ in 0..count {
        let inside = index > 0 && chance(rng, 0.8);
        if inside && let Some(j) = earlier(rng, seed, index, skeleton, &seen) {
            seen.push(j);
            cited.push(application_number_text(
                &Skeleton::of(seed, j),
                serial_of(first_serial, j),
            ));
            continue;
        }
        cited.push(external(rng, skeleton));
    }
    cited
}

fn earlier(
    rng: &mut PatentRng,
    seed: u64,
    index: u64,
    skeleton: &Skeleton,
    seen: &[u64],
) -> Option<u64> {
    for _ in 0..TRIES {
        // The offset keeps the very first patents from absorbing a runaway share.
        let u: f64 = rng.random();
        let shifted = ((index + HEAD) as f64 * u.powf(ALPHA)) as u64;
        let Some(j) = shifted.checked_sub(HEAD) else {
            continue;
        };
        if j >= index || seen.contains(&j) {
            continue;
        }
        // Cheap test first: most candidates of another industry are turned down.
        if Skeleton::industry_of(seed, j) != skeleton.industry && !chance(rng, 0.15) {
            continue;
        }
        if Skeleton::date_key_of(seed, j) >= skeleton.date_key() {
            continue;
        }
        let other = Skeleton::of(seed, j);
        let fitness = (0.35 * (0.9 * other.quality).exp()).min(1.0);
        if chance(rng, fitness) {
            return Some(j);
        }
    }
    None
}

/// An external CN publication number published before the citing patent was filed.
fn external(rng: &mut PatentRng, skeleton: &Skeleton) -> String {
    let year = i32::from(skeleton.year) - between(rng, 1, 8) as i32;
    let year = year.max(2005);
    let mut out = String::with_capacity(12);
    if chance(rng, 0.25) {
        let number = utility_publication_base(year) + rng.random_range(0..1_500_000);
        let _ = write!(out, "CN{number}U");
    } else {
        let number = invention_publication_base(year) + rng.random_range(0..1_200_000);
        let kind = if chance(rng, 0.3) { 'B' } else { 'A' };
        let _ = write!(out, "CN{number}{kind}");
    }
    out
}

/// Draws the supplied forward-citation count: Poisson with a log-normal rate that grows with
/// quality and age since publication, so most are small, many are zero, a few are large.
pub(crate) fn forward(
    rng: &mut PatentRng,
    skeleton: &Skeleton,
    published: Option<NaiveDate>,
) -> Option<u32> {
    let published = published?;
    if chance(rng, 0.06) {
        return None; // the exporting tool left the field empty
    }
    let age = ((as_of() - published).num_days() as f64 / 365.25).max(0.0);
    let base = if skeleton.is_utility_model() {
        0.35
    } else {
        0.75
    };
    let rate =
        base * (1.1 * skeleton.quality + 0.35 * normal(rng)).exp() * (age / 5.0).powf(0.9).min(3.0);
    Some(poisson(rng, rate.min(400.0)))
}

/// Family members abroad and their offices.
pub(crate) struct Family {
    /// Publication numbers of the members.
    pub members: Vec<String>,
    /// Offices, e.g. `US`, `EP`, `WO`.
    pub countries: Vec<String>,
}

/// Draws the family: about 12% of inventions have one, far more among high-quality ones.
pub(crate) fn family(rng: &mut PatentRng, skeleton: &Skeleton) -> Family {
    let mut family = Family {
        members: Vec::new(),
        countries: Vec::new(),
    };
    let rate = if skeleton.is_utility_model() {
        0.01
    } else {
        (0.085 * (0.9 * skeleton.quality).exp()).min(0.85)
    };
    if !chance(rng, rate) {
        return family;
    }
    let filed = skeleton.application_date();
    let year = (filed.year() + 1).min(as_of().year() - 1);
    let offices = [
        ("WO", 0.65),
        ("US", 0.55),
        ("EP", 0.3),
        ("JP", 0.18),
        ("KR", 0.1),
    ];
    for (office, share) in offices {
        if chance(rng, share) {
            family.countries.push(office.to_string());
        }
    }
    if family.countries.is_empty() {
        family.countries.push("WO".to_string());
    }
    for office in &family.countries {
        let mut number = String::with_capacity(18);
        let _ = match office.as_str() {
            "WO" => write!(number, "WO{year}{:06}A1", rng.random_range(0..300_000)),
            "US" => write!(number, "US{year}{:07}A1", rng.random_range(0..400_000)),
            "EP" => write!(
                number,
                "EP{}A1",
                3_000_000 + (year - 2008).max(0) * 120_000 + rng.random_range(0..120_000)
            ),
            "JP" => write!(number, "JP{year}{:06}A", rng.random_range(0..200_000)),
            _ => write!(number, "KR10{year}{:07}A", rng.random_range(0..200_000)),
        };
        family.members.push(number);
    }
    family
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::random::patent_rng;
    use std::collections::HashMap;

    #[test]
    fn in_library_citations_are_heavy_tailed_and_point_backwards() {
        let n = 30_000u64;
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut total = 0usize;
        let numbers: HashMap<String, u64> = (0..n)
            .map(|j| {
                (
                    application_number_text(&Skeleton::of(5, j), serial_of(0, j)),
                    j,
                )
            })
            .collect();
        for i in 0..n {
            let skeleton = Skeleton::of(5, i);
            for cited in backward(&mut patent_rng(5, i), 5, 0, i, &skeleton) {
                if let Some(&j) = numbers.get(&cited) {
                    assert!(j < i);
                    assert!(Skeleton::of(5, j).date_key() < skeleton.date_key());
                    *counts.entry(cited).or_default() += 1;
                    total += 1;
                } else {
                    assert!(cited.starts_with("CN") && !cited.contains('.'), "{cited}");
                }
            }
        }
        let mut sorted: Vec<usize> = counts.values().copied().collect();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        let top = (n as usize / 100).min(sorted.len());
        let top_share = sorted[..top].iter().sum::<usize>() as f64 / total as f64;
        assert!(total > 20_000, "{total}");
        assert!(top_share > 0.15, "top 1% receive only {top_share}");
        assert!(sorted[0] > 30, "max {}", sorted[0]);
    }

    #[test]
    fn forward_citations_grow_with_quality_and_have_zeros() {
        let published = NaiveDate::from_ymd_opt(2016, 3, 1);
        let mut rng = patent_rng(1, 1);
        let mut zeros = 0;
        let (mut good, mut poor) = (0u32, 0u32);
        for i in 0..4_000 {
            let mut skeleton = Skeleton::of(1, i);
            skeleton.type_digit = 1;
            skeleton.quality = 1.5;
            good += forward(&mut rng, &skeleton, published).unwrap_or(0);
            skeleton.quality = -1.5;
            let count = forward(&mut rng, &skeleton, published).unwrap_or(0);
            zeros += usize::from(count == 0);
            poor += count;
        }
        assert!(good > 5 * poor, "{good} vs {poor}");
        assert!(zeros > 1_000, "{zeros}");
    }

    #[test]
    fn families_are_uncommon_and_well_formed() {
        let mut with = 0;
        for i in 0..10_000 {
            let skeleton = Skeleton::of(8, i);
            let family = family(&mut patent_rng(8, i), &skeleton);
            assert_eq!(family.members.len(), family.countries.len());
            with += usize::from(!family.members.is_empty());
        }
        assert!((800..1_800).contains(&with), "{with}");
    }
}
