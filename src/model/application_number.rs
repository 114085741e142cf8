//! `ApplicationNumber`: a CNIPA application number, parsed once, check digit verified.
//!
//! `CN202110123456.7`, `202110123456.7`, `2021101234567`, `ZL 2021 1 0123456.7` and full-width
//! digits all name the same patent and parse to the canonical `CN202110123456.7`; so does the
//! body without its check digit (`202110123456`), which implies it. Both the
//! 12-digit form (since October 2003) and the older 8-digit form are accepted.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Weights of the CNIPA check-digit algorithm (ISO 7064 style, mod 11, 10 written as `X`).
const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];

/// A validated, normalised Chinese application number such as `CN202110123456.7`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApplicationNumber(String);

/// Why a string is not an application number; the message is meant for a row report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicationNumberError {
    /// Nothing was given.
    #[error("empty application number")]
    Empty,
    /// The text has characters or a length an application number cannot have.
    #[error("'{0}' is not a CN application number (expected e.g. CN202110123456.7)")]
    Shape(String),
    /// The check digit does not match the body.
    #[error("check digit of '{given}' is wrong: expected {expected}")]
    CheckDigit {
        /// The number as given.
        given: String,
        /// The check digit the body implies.
        expected: char,
    },
}

impl ApplicationNumber {
    /// Parses and normalises an application number, verifying its check digit.
    ///
    /// A 12- or 8-digit body without its check digit (`202110123456`, `ZL202110123456`) gets
    /// the check digit it implies.
    pub fn parse(raw: &str) -> Result<ApplicationNumber, ApplicationNumberError> {
        let mut cleaned = String::with_capacity(raw.len());
        for c in raw.chars() {
            let c = full_width_to_ascii(c);
            if c.is_whitespace() || c == '-' {
                continue;
            }
            cleaned.push(c.to_ascii_uppercase());
        }
        if cleaned.is_empty() {
            return Err(ApplicationNumberError::Empty);
        }
        let shape = || ApplicationNumberError::Shape(raw.trim().to_string());
        let body = cleaned
            .strip_prefix("CN")
            .or_else(|| cleaned.strip_prefix("ZL"))
            .unwrap_or(&cleaned);
        let (digits, check) = match body.split_once('.') {
            Some((digits, check)) => {
                let mut chars = check.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    return Err(shape());
                };
                (digits, c)
            }
            // A whole body without its check digit (as some exports and users write it): the
            // check digit follows from the body. 12 and 8 digits cannot be confused with a
            // number that has one (13 and 9 characters).
            None if (body.len() == 12 || body.len() == 8)
                && body.bytes().all(|b| b.is_ascii_digit()) =>
            {
                (body, check_digit(body))
            }
            None => {
                // The check digit written without a dot: the last of 13 or 9 characters.
                let mut chars = body.chars();
                let Some(check) = chars.next_back() else {
                    return Err(shape());
                };
                (chars.as_str(), check)
            }
        };
        if !(digits.len() == 12 || digits.len() == 8) || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(shape());
        }
        if !(check.is_ascii_digit() || check == 'X') {
            return Err(shape());
        }
        let expected = check_digit(digits);
        if expected != check {
            return Err(ApplicationNumberError::CheckDigit {
                given: raw.trim().to_string(),
                expected,
            });
        }
        Ok(ApplicationNumber(format!("CN{digits}.{check}")))
    }

    /// Returns the canonical text, e.g. `CN202110123456.7`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the digits between `CN` and the dot.
    fn body(&self) -> &str {
        let digits = self.0.strip_prefix("CN").unwrap_or(&self.0);
        digits.split('.').next().unwrap_or(digits)
    }

    /// Returns the application year encoded in the number.
    pub fn year(&self) -> u16 {
        let body = self.body();
        let year = |digits: usize| body.get(..digits).and_then(|d| d.parse::<u16>().ok());
        if body.len() == 12 {
            year(4).unwrap_or(0)
        } else {
            let yy = year(2).unwrap_or(0);
            if yy >= 85 { 1900 + yy } else { 2000 + yy }
        }
    }

    /// Returns the patent-type digit (1/8 invention, 2/9 utility model, 3 design).
    pub fn type_digit(&self) -> u8 {
        let body = self.body().as_bytes();
        let at = if body.len() == 12 { 4 } else { 2 };
        body.get(at).map_or(0, |b| b - b'0')
    }
}

/// Computes the check digit of a 12- or 8-digit body.
pub fn check_digit(digits: &str) -> char {
    let sum: u32 = digits
        .bytes()
        .zip(WEIGHTS.iter())
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    match sum % 11 {
        10 => 'X',
        n => char::from(b'0' + n as u8),
    }
}

/// The publication number `raw` without its kind code, e.g. `CN110165321` for `CN110165321B`,
/// `CN 110165321 A` or `110165321B`, or `None` when it is not a CN publication number.
///
/// An application's A and B publications share this stem (since 1993 inventions keep the
/// publication serial on grant), so it names the application whichever of them a user has.
pub fn publication_stem(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .map(full_width_to_ascii)
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let body = cleaned.strip_prefix("CN").unwrap_or(&cleaned);
    let digits_end = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let (digits, kind) = body.split_at(digits_end);
    // Serials have 7 to 9 digits; the kind code is a letter and at most one digit (A, B, U,
    // S, C, Y, B1, A8 …).
    let mut kind_chars = kind.chars();
    let kind_ok = match (kind_chars.next(), kind_chars.next(), kind_chars.next()) {
        (None, _, _) => true,
        (Some(letter), digit, None) => {
            letter.is_ascii_uppercase() && digit.is_none_or(|d| d.is_ascii_digit())
        }
        _ => false,
    };
    ((7..=9).contains(&digits.len()) && kind_ok).then(|| format!("CN{digits}"))
}

fn full_width_to_ascii(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '。' => '.',
        _ => c,
    }
}

impl fmt::Display for ApplicationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ApplicationNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ApplicationNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        ApplicationNumber::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_spellings_are_one_patent() {
        let canonical = ApplicationNumber::parse("CN202110123456.7").unwrap();
        for spelling in [
            "202110123456.7",
            "2021101234567",
            "cn 2021 1 0123456.7",
            "ZL202110123456.7",
            "ＣＮ２０２１１０１２３４５６．７",
        ] {
            assert_eq!(
                ApplicationNumber::parse(spelling).unwrap(),
                canonical,
                "{spelling}"
            );
        }
        assert_eq!(canonical.as_str(), "CN202110123456.7");
        assert_eq!(canonical.year(), 2021);
        assert_eq!(canonical.type_digit(), 1);
    }

    #[test]
    fn check_digit_matches_known_numbers() {
        // ZL201720001285.X is a real utility-model number quoted in a 51jishu technology offer.
        assert_eq!(check_digit("201720001285"), 'X');
        assert_eq!(check_digit("201919000000"), '1');
        assert_eq!(check_digit("201919000001"), '6');
        assert_eq!(check_digit("202019000000"), '4');
        assert!(ApplicationNumber::parse("CN201919000000.1").is_ok());
        assert!(matches!(
            ApplicationNumber::parse("CN201919000000.2"),
            Err(ApplicationNumberError::CheckDigit { expected: '1', .. })
        ));
    }

    #[test]
    fn numbers_without_their_check_digit_get_it() {
        let full = ApplicationNumber::parse("CN202110123456.7").unwrap();
        for bare in [
            "202110123456",
            "CN202110123456",
            "ZL 2021 1 0123456",
            "ＣＮ２０２１１０１２３４５６",
        ] {
            assert_eq!(ApplicationNumber::parse(bare).unwrap(), full, "{bare}");
        }
        let check = check_digit("98123456");
        assert_eq!(
            ApplicationNumber::parse("98123456").unwrap().as_str(),
            format!("CN98123456.{check}")
        );
    }

    #[test]
    fn publication_numbers_reduce_to_their_stem() {
        for raw in [
            "CN110165321B",
            "CN110165321A",
            "cn 110165321 b",
            "110165321B",
            "CN110165321",
        ] {
            assert_eq!(
                publication_stem(raw).as_deref(),
                Some("CN110165321"),
                "{raw}"
            );
        }
        assert_eq!(publication_stem("CN2678901Y").as_deref(), Some("CN2678901"));
        for bad in [
            "CN202110123456.7",
            "CN11016B",
            "CN110165321BB",
            "清华大学",
            "",
        ] {
            assert_eq!(publication_stem(bad), None, "{bad}");
        }
    }

    #[test]
    fn old_eight_digit_numbers_parse() {
        let check = check_digit("98123456");
        let n = ApplicationNumber::parse(&format!("98123456.{check}")).unwrap();
        assert_eq!(n.as_str(), format!("CN98123456.{check}"));
        assert_eq!(n.year(), 1998);
        assert_eq!(n.type_digit(), 1);
    }

    #[test]
    fn malformed_numbers_are_rejected_with_a_reason() {
        for bad in [
            // 13 and 9 bytes ending in a multi-byte character once split a char in two.
            "1234567890中",
            "123456中",
            "中",
            "CN中",
            "2021101234567中",
            "",
            "  ",
            "CN2021",
            "PCT/CN2020/123456",
            "CN20211012345A.7",
            "20211012345",
        ] {
            assert!(ApplicationNumber::parse(bad).is_err(), "{bad}");
        }
        let message = ApplicationNumber::parse("CN2021").unwrap_err().to_string();
        assert!(message.contains("CN2021"), "{message}");
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any text parses to a number or a typed error, never a panic; what parses is
        /// canonical and parses to itself.
        #[test]
        fn any_text_is_a_number_or_an_error(raw in "\\PC{0,20}|[0-9CNZL. 中０-９]{0,16}") {
            if let Ok(number) = ApplicationNumber::parse(&raw) {
                prop_assert_eq!(ApplicationNumber::parse(number.as_str()), Ok(number.clone()));
                prop_assert!(number.year() >= 1985);
            }
        }

        /// Every body with its check digit round-trips in every spelling.
        #[test]
        fn valid_numbers_round_trip(body in "(19|20)[0-9]{10}|[89][0-9]{7}") {
            let check = check_digit(&body);
            let canonical = ApplicationNumber::parse(&format!("CN{body}.{check}")).unwrap();
            prop_assert_eq!(ApplicationNumber::parse(&format!("{body}{check}")), Ok(canonical.clone()));
            prop_assert_eq!(ApplicationNumber::parse(&format!("ZL{body}.{check}")), Ok(canonical));
        }
    }
}
