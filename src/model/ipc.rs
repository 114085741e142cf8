//! `IpcCode`: an International Patent Classification symbol, normalised (`H01L 21/66` → `H01L21/66`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A normalised IPC symbol: a subclass (`H01L`) optionally followed by a group (`H01L21/66`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpcCode(String);

/// Why a string is not an IPC symbol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an IPC code (expected e.g. H01L21/66 or G06F)")]
pub struct IpcCodeError(pub String);

impl IpcCode {
    /// Parses an IPC symbol in any common spelling: `H01L 21/66`, `h01l21/66`,
    /// `H01L21/66(2006.01)`, the 14-character form `H01L0021660000`, or a bare subclass `H01L`.
    pub fn parse(raw: &str) -> Result<IpcCode, IpcCodeError> {
        let err = || IpcCodeError(raw.trim().to_string());
        let mut s: String = raw
            .chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        // Drop a version suffix such as "(2006.01)".
        if let Some(open) = s.find('(') {
            s.truncate(open);
        }
        let bytes = s.as_bytes();
        if bytes.len() < 4
            || !(b'A'..=b'H').contains(&bytes[0])
            || !bytes[1].is_ascii_digit()
            || !bytes[2].is_ascii_digit()
            || !bytes[3].is_ascii_uppercase()
        {
            return Err(err());
        }
        // The first four bytes are ASCII (checked above), so this splits on a boundary.
        let Some((subclass, rest)) = s.split_at_checked(4) else {
            return Err(err());
        };
        if rest.is_empty() {
            return Ok(IpcCode(subclass.to_string()));
        }
        let (group, subgroup) = match rest.split_once('/') {
            Some((g, sg)) => (g.to_string(), sg.to_string()),
            None if rest.len() == 10 && rest.bytes().all(|b| b.is_ascii_digit()) => {
                // 14-character form: 4 digits of main group, 6 of subgroup, zero padded.
                let (group, subgroup) = rest.split_at_checked(4).ok_or_else(err)?;
                (
                    group.to_string(),
                    subgroup.trim_end_matches('0').to_string(),
                )
            }
            None => return Err(err()),
        };
        let group = group.trim_start_matches('0');
        let mut subgroup = subgroup;
        if subgroup.is_empty() {
            subgroup = "00".to_string();
        } else if subgroup.len() == 1 {
            subgroup.push('0');
        }
        if group.is_empty()
            || group.len() > 4
            || !group.bytes().all(|b| b.is_ascii_digit())
            || subgroup.len() > 6
            || !subgroup.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        Ok(IpcCode(format!("{subclass}{group}/{subgroup}")))
    }

    /// Returns the normalised text, e.g. `H01L21/66`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the section letter (`H`).
    pub fn section(&self) -> &str {
        self.prefix(1)
    }

    /// Returns the class (`H01`).
    pub fn class(&self) -> &str {
        self.prefix(3)
    }

    /// Returns the subclass (`H01L`).
    pub fn subclass(&self) -> &str {
        self.prefix(4)
    }

    /// The first `bytes` bytes (a parsed code is ASCII, so any length is a boundary).
    fn prefix(&self, bytes: usize) -> &str {
        self.0.get(..bytes).unwrap_or(&self.0)
    }

    /// Returns the main group (`H01L21/00`), or `None` for a bare subclass.
    pub fn main_group(&self) -> Option<String> {
        let (group, _) = self.0.split_once('/')?;
        Some(format!("{group}/00"))
    }

    /// Returns the hierarchy from section to the full symbol, without repeats:
    /// `H`, `H01`, `H01L`, `H01L21/00`, `H01L21/66`.
    pub fn ancestry(&self) -> Vec<String> {
        let mut path = vec![
            self.section().to_string(),
            self.class().to_string(),
            self.subclass().to_string(),
        ];
        if let Some(group) = self.main_group() {
            if group != self.0 {
                path.push(group);
            }
            path.push(self.0.clone());
        }
        path
    }
}

impl fmt::Display for IpcCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for IpcCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IpcCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        IpcCode::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_normalise_to_one_symbol() {
        for raw in [
            "H01L 21/66",
            "h01l21/66",
            "H01L21/66(2006.01)",
            "H01L0021660000",
            "Ｈ01Ｌ 21/66",
        ] {
            assert_eq!(IpcCode::parse(raw).unwrap().as_str(), "H01L21/66", "{raw}");
        }
        assert_eq!(IpcCode::parse("G06F 16/35").unwrap().as_str(), "G06F16/35");
        assert_eq!(IpcCode::parse("G06N3/4").unwrap().as_str(), "G06N3/40");
        assert_eq!(
            IpcCode::parse("A61K0031000000").unwrap().as_str(),
            "A61K31/00"
        );
        assert_eq!(IpcCode::parse("G06F").unwrap().as_str(), "G06F");
    }

    #[test]
    fn hierarchy_runs_from_section_to_symbol() {
        let code = IpcCode::parse("H01L21/66").unwrap();
        assert_eq!(
            code.ancestry(),
            ["H", "H01", "H01L", "H01L21/00", "H01L21/66"]
        );
        let group = IpcCode::parse("H01L21/00").unwrap();
        assert_eq!(group.ancestry(), ["H", "H01", "H01L", "H01L21/00"]);
        assert_eq!(
            IpcCode::parse("G06F").unwrap().ancestry(),
            ["G", "G06", "G06F"]
        );
    }

    #[test]
    fn junk_is_rejected() {
        for raw in ["", "Z01L21/66", "H1L21/66", "H01L21/abc", "H01L/66", "发明"] {
            assert!(IpcCode::parse(raw).is_err(), "{raw}");
        }
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any text is a code or a typed error; a code's parts are prefixes of it and it
        /// parses to itself.
        #[test]
        fn any_text_is_a_code_or_an_error(raw in "\\PC{0,20}|[A-HZ][0-9０-９]{0,3}[A-Z中]?[0-9 /()]{0,12}") {
            if let Ok(code) = IpcCode::parse(&raw) {
                prop_assert!(code.as_str().starts_with(code.subclass()));
                prop_assert!(code.subclass().starts_with(code.class()));
                prop_assert_eq!(IpcCode::parse(code.as_str()), Ok(code.clone()));
            }
        }
    }
}
