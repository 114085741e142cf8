//! `Skeleton`: what any patent can know about any other by index alone (industry, filing date,
//! type, latent quality, application number), plus CN number formats.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::industry::Industry;
use super::random::{bucket, hash, normal_from, unit};
use crate::model::check_digit;

/// First filing year of generated corpora.
pub(crate) const FIRST_YEAR: u16 = 2008;

/// Relative number of filings per year from [`FIRST_YEAR`] to 2025: university filings grew
/// steadily until about 2021 and the last year is only partly published.
const YEAR_WEIGHTS: [u32; 18] = [
    20, 24, 29, 34, 40, 46, 52, 58, 65, 72, 79, 85, 90, 94, 92, 88, 80, 60,
];

/// Cumulative industry shares (out of 100) in the order of [`Industry::ALL`].
const INDUSTRY_CUMULATIVE: [u32; 10] = {
    let mut out = [0; 10];
    let mut total = 0;
    let mut at = 0;
    while at < 10 {
        total += Industry::ALL[at].share();
        out[at] = total;
        at += 1;
    }
    out
};

const SALT_INDUSTRY: u64 = 1;
const SALT_YEAR: u64 = 2;
const SALT_DAY: u64 = 3;
const SALT_TYPE: u64 = 4;
const SALT_QUALITY_A: u64 = 5;
const SALT_QUALITY_B: u64 = 6;

/// The index-derived facts of one generated patent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Skeleton {
    /// Its industry.
    pub industry: Industry,
    /// Filing year.
    pub year: u16,
    /// Day of the filing year, 0-based.
    pub day: u16,
    /// Application type digit: 1 invention, 2 utility model.
    pub type_digit: u8,
    /// Latent quality, standard normal: drives citations, breadth, family, survival, events.
    pub quality: f64,
}

impl Skeleton {
    /// Computes only the industry of patent `index` (one hash).
    pub(crate) fn industry_of(seed: u64, index: u64) -> Industry {
        let industry_draw = (unit(hash(seed, index, SALT_INDUSTRY)) * 100.0) as u32;
        Industry::ALL[bucket(&INDUSTRY_CUMULATIVE, industry_draw)]
    }

    /// Computes only the filing-date key of patent `index` (see [`Skeleton::date_key`]).
    pub(crate) fn date_key_of(seed: u64, index: u64) -> u32 {
        let (year, day) = Skeleton::filing_of(seed, index);
        u32::from(year) * 400 + u32::from(day)
    }

    fn filing_of(seed: u64, index: u64) -> (u16, u16) {
        let year_total: u32 = YEAR_WEIGHTS.iter().sum();
        let year_draw = (unit(hash(seed, index, SALT_YEAR)) * f64::from(year_total)) as u32;
        let mut year = FIRST_YEAR;
        let mut running = 0;
        for weight in YEAR_WEIGHTS {
            running += weight;
            if year_draw < running {
                break;
            }
            year += 1;
        }
        let days = if is_leap(year) { 366.0 } else { 365.0 };
        (year, (unit(hash(seed, index, SALT_DAY)) * days) as u16)
    }

    /// Computes the skeleton of patent `index` of the corpus of `seed`.
    pub(crate) fn of(seed: u64, index: u64) -> Skeleton {
        let industry = Skeleton::industry_of(seed, index);
        let (year, day) = Skeleton::filing_of(seed, index);
        let utility = unit(hash(seed, index, SALT_TYPE)) < industry.utility_model_share();
        let quality = normal_from(
            hash(seed, index, SALT_QUALITY_A),
            hash(seed, index, SALT_QUALITY_B),
        );
        Skeleton {
            industry,
            year,
            day,
            type_digit: if utility { 2 } else { 1 },
            quality,
        }
    }

    /// Returns `true` for a utility model.
    pub(crate) fn is_utility_model(&self) -> bool {
        self.type_digit == 2
    }

    /// Returns the filing date.
    pub(crate) fn application_date(&self) -> NaiveDate {
        NaiveDate::from_yo_opt(i32::from(self.year), u32::from(self.day) + 1)
            .or_else(|| NaiveDate::from_ymd_opt(i32::from(self.year), 6, 30))
            .unwrap_or_default()
    }

    /// Returns an ordinal that sorts patents by filing date (year, then day).
    pub(crate) fn date_key(&self) -> u32 {
        u32::from(self.year) * 400 + u32::from(self.day)
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Returns the 7-digit serial of patent `index`: `first_serial + index` modulo 10^7, so the
/// numbers of one corpus are unique for up to 10^7 patents whatever their years and types.
pub(crate) fn serial_of(first_serial: u32, index: u64) -> u32 {
    ((u64::from(first_serial) + index) % 10_000_000) as u32
}

/// Writes the canonical application number text `CN{year}{type}{serial}.{check}`.
pub(crate) fn write_application_number(out: &mut String, year: u16, type_digit: u8, serial: u32) {
    let start = out.len();
    out.push_str("CN");
    let _ = write!(out, "{year:04}{type_digit}{serial:07}");
    let check = check_digit(out.get(start + 2..).unwrap_or_default());
    out.push('.');
    out.push(check);
}

/// Returns the canonical application number text of a skeleton with a serial.
pub(crate) fn application_number_text(skeleton: &Skeleton, serial: u32) -> String {
    let mut out = String::with_capacity(16);
    write_application_number(&mut out, skeleton.year, skeleton.type_digit, serial);
    out
}

/// Returns the first CN invention publication number (9 digits) of a publication year: the
/// series ran from about 101000000 in 2008 to about 121000000 in 2026.
pub(crate) fn invention_publication_base(year: i32) -> u32 {
    let table: [(i32, u32); 10] = [
        (2008, 101_000_000),
        (2012, 102_300_000),
        (2014, 103_400_000),
        (2016, 105_100_000),
        (2018, 107_400_000),
        (2020, 110_400_000),
        (2022, 113_700_000),
        (2024, 117_300_000),
        (2025, 119_300_000),
        (2026, 121_200_000),
    ];
    interpolate(&table, year)
}

/// Returns the first CN utility-model grant number (9 digits) of a grant year.
pub(crate) fn utility_publication_base(year: i32) -> u32 {
    let table: [(i32, u32); 9] = [
        (2008, 201_000_000),
        (2012, 202_100_000),
        (2014, 203_300_000),
        (2016, 204_900_000),
        (2018, 207_000_000),
        (2020, 210_300_000),
        (2022, 215_500_000),
        (2024, 220_300_000),
        (2026, 223_900_000),
    ];
    interpolate(&table, year)
}

fn interpolate(table: &[(i32, u32)], year: i32) -> u32 {
    let mut previous = table[0];
    for &(y, base) in table {
        if year <= y {
            if y == previous.0 {
                return base;
            }
            let span = (y - previous.0) as u32;
            let step = (base - previous.1) / span;
            return previous.1 + step * (year - previous.0).max(0) as u32;
        }
        previous = (y, base);
    }
    previous.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApplicationNumber;

    #[test]
    fn skeletons_are_stable_and_spread() {
        assert_eq!(Skeleton::of(9, 5), Skeleton::of(9, 5));
        let skeletons: Vec<Skeleton> = (0..20_000).map(|i| Skeleton::of(9, i)).collect();
        let utility = skeletons.iter().filter(|s| s.is_utility_model()).count();
        assert!((2_200..3_800).contains(&utility), "{utility}");
        let recent = skeletons.iter().filter(|s| s.year >= 2018).count();
        assert!(recent > 12_000, "{recent}");
        assert!(
            skeletons
                .iter()
                .all(|s| (FIRST_YEAR..=2025).contains(&s.year))
        );
        assert!(skeletons.iter().any(|s| s.year == FIRST_YEAR));
    }

    #[test]
    fn application_numbers_parse_and_keep_year_and_type() {
        for index in 0..2_000 {
            let skeleton = Skeleton::of(1, index);
            let text = application_number_text(&skeleton, serial_of(9_999_000, index));
            let number = ApplicationNumber::parse(&text).expect("generated number is valid");
            assert_eq!(number.as_str(), text);
            assert_eq!(number.year(), skeleton.year);
            assert_eq!(number.type_digit(), skeleton.type_digit);
        }
        assert_eq!(serial_of(9_999_999, 1), 0);
    }

    #[test]
    fn publication_bases_grow() {
        assert!(invention_publication_base(2019) < invention_publication_base(2021));
        assert_eq!(invention_publication_base(2008), 101_000_000);
        assert!(utility_publication_base(2023) > 215_000_000);
        assert!(utility_publication_base(2030) < 300_000_000);
    }
}
