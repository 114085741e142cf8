//! `Institution`: the name of a university that owns patents, parsed once wherever a name
//! comes in (a batch, a key, a filter, a path).
//!
//! Names are NFKC-normalised (full-width letters and digits fold) with runs of white space
//! made one space. A name must not be empty, longer than [`MAX_CHARS`] characters, or carry a
//! character that prints nothing or moves text around: control characters (ANSI escapes, line
//! breaks), zero-width and joining characters, bidirectional controls and the other Unicode
//! format characters. `清华<U+200B>大学` would otherwise be a second institution that reads
//! exactly like the first.

use std::fmt;

use serde::{Serialize, Serializer};
use unicode_normalization::UnicodeNormalization;

/// Longest institution name, in characters (after normalisation).
pub const MAX_CHARS: usize = 200;

/// A valid, normalised institution name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Institution(String);

/// Why a text is not an institution name; the message names the character and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstitutionError {
    /// Nothing but white space was given.
    #[error("the institution name is empty")]
    Empty,
    /// The name is too long.
    #[error("the institution name has {0} characters; at most {MAX_CHARS} are allowed")]
    TooLong(usize),
    /// The name holds a character that prints nothing or controls the display.
    #[error(
        "the institution name holds the invisible or control character U+{code:04X} at character {at}; type the name again without it"
    )]
    Invisible {
        /// The character's code point.
        code: u32,
        /// Its 1-based position in the name as given.
        at: usize,
    },
}

impl Institution {
    /// Parses and normalises a name.
    pub fn parse(raw: &str) -> Result<Institution, InstitutionError> {
        if let Some((at, c)) = raw.chars().enumerate().find(|(_, c)| is_invisible(*c)) {
            // White space other than the ordinary kinds (tabs and line breaks included) is a
            // control character here too: names are one line.
            return Err(InstitutionError::Invisible {
                code: u32::from(c),
                at: at + 1,
            });
        }
        let folded: String = raw.nfkc().collect();
        let name = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(InstitutionError::Empty);
        }
        let chars = name.chars().count();
        if chars > MAX_CHARS {
            return Err(InstitutionError::TooLong(chars));
        }
        Ok(Institution(name))
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// The characters of [`is_invisible`] below U+10000, as the body of a regular-expression
/// character class (`\\xNN`, `\\uNNNN`), for documents that describe a name's shape. (The tag
/// characters, U+E0000 and up, need escapes not every pattern dialect reads.)
pub const INVISIBLE_CLASS: &str = "\\x00-\\x1f\\x7f-\\x9f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufe00-\\ufe0f\\ufeff\\ufff9-\\ufffb";

/// Whether a character prints nothing or controls how text is shown: the C0 and C1 controls
/// (all but the plain space), and the Unicode format characters (general category Cf) that
/// occur in text: soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width space
/// and (non-)joiners, directional marks, embeddings, overrides and isolates, word joiner and
/// invisible operators, the byte-order mark, interlinear annotation marks, and tags. Variation
/// selectors are refused too: they change nothing a person can type.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

impl fmt::Display for Institution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Institution {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_one_spelling() {
        let plain = Institution::parse("清华大学").unwrap();
        assert_eq!(Institution::parse("  清华大学 ").unwrap(), plain);
        assert_eq!(
            Institution::parse("Ｔｓｉｎｇｈｕａ　 University")
                .unwrap()
                .as_str(),
            "Tsinghua University"
        );
    }

    #[test]
    fn invisible_and_control_characters_are_refused_by_position() {
        for (raw, code, at) in [
            ("清华\u{200B}大学", 0x200B, 3),
            ("\u{200B}", 0x200B, 1),
            ("北京\u{202E}大学", 0x202E, 3),
            ("\u{1b}[31m清华大学", 0x1B, 1),
            ("清华大学\n北京大学", 0x0A, 5),
            ("清华\u{FEFF}大学", 0xFEFF, 3),
            ("清华大学\u{E0041}", 0xE0041, 5),
        ] {
            assert_eq!(
                Institution::parse(raw),
                Err(InstitutionError::Invisible { code, at }),
                "{raw:?}"
            );
        }
        let message = Institution::parse("清华\u{200B}大学")
            .unwrap_err()
            .to_string();
        assert!(message.contains("U+200B at character 3"), "{message}");
    }

    #[test]
    fn empty_and_long_names_are_refused() {
        assert_eq!(
            Institution::parse(" \u{3000} "),
            Err(InstitutionError::Empty)
        );
        assert_eq!(Institution::parse(""), Err(InstitutionError::Empty));
        let long = "学".repeat(MAX_CHARS + 1);
        assert_eq!(
            Institution::parse(&long),
            Err(InstitutionError::TooLong(MAX_CHARS + 1))
        );
        assert!(Institution::parse(&"学".repeat(MAX_CHARS)).is_ok());
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any text is a name or a typed error; a name holds nothing invisible, fits the
        /// limit and is its own normal form.
        #[test]
        fn any_text_is_a_name_or_an_error(raw in "\\PC{0,30}|[\\u{0}-\\u{40}\\u{200B}-\\u{202F}\\u{FEFF}清华大学 ]{0,12}") {
            if let Ok(name) = Institution::parse(&raw) {
                prop_assert!(!name.as_str().chars().any(is_invisible));
                prop_assert!(name.as_str().chars().count() <= MAX_CHARS);
                prop_assert_eq!(Institution::parse(name.as_str()), Ok(name.clone()));
            }
        }
    }

    /// The class the OpenAPI document uses holds exactly the invisible characters below
    /// U+10000.
    #[test]
    fn the_invisible_class_matches_is_invisible() {
        let code = |escape: &str| u32::from_str_radix(escape, 16).unwrap();
        let mut ranges = Vec::new();
        for part in INVISIBLE_CLASS.split('\\').filter(|p| !p.is_empty()) {
            let (hex, rest) = match part.strip_prefix('x') {
                Some(rest) => rest.split_at(2),
                None => part.strip_prefix('u').unwrap().split_at(4),
            };
            if rest == "-" {
                ranges.push((code(hex), None));
            } else if let Some((start, None)) = ranges.last().copied() {
                ranges.pop();
                ranges.push((start, Some(code(hex))));
            } else {
                ranges.push((code(hex), Some(code(hex))));
            }
        }
        for c in (0..0x10000).filter_map(char::from_u32) {
            let listed = ranges
                .iter()
                .any(|(start, end)| (*start..=end.unwrap()).contains(&u32::from(c)));
            assert_eq!(listed, is_invisible(c), "U+{:04X}", u32::from(c));
        }
    }
}
