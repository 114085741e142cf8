//! `Vocabulary`: the closed sets of values a request may name (patent type, legal status,
//! sort order, tier), parsed the same way by the CLI, the HTTP API and the query text.
//!
//! A value is accepted by its stable English code, case-folded, with `-` for `_` (`in_force`,
//! `IN-FORCE`), or by its Chinese label (`有效`); an unknown value gets one message that lists
//! every accepted value, and the caller adds the name of the parameter at fault.

use std::fmt;

/// A closed set of request values with stable English codes and Chinese labels.
pub trait Vocabulary: Sized + Copy + 'static {
    /// What the values are, for messages (e.g. "patent type").
    const KIND: &'static str;

    /// Every value a request may name, in a stable order.
    fn values() -> &'static [Self];

    /// The stable English code (as in JSON).
    fn code(self) -> &'static str;

    /// The Chinese label (as people read it).
    fn label_zh(self) -> &'static str;

    /// Other spellings a request may use for this value.
    fn aliases(self) -> &'static [&'static str] {
        &[]
    }

    /// Parses a value by its code (case-folded, `-` read as `_`), its Chinese label or an
    /// alias.
    fn parse_value(text: &str) -> Result<Self, UnknownValue> {
        let trimmed = text.trim();
        let folded = trimmed.to_lowercase().replace('-', "_");
        Self::values()
            .iter()
            .copied()
            .find(|v| {
                v.code().to_lowercase() == folded
                    || v.label_zh() == trimmed
                    || v.aliases().iter().any(|a| *a == trimmed || *a == folded)
            })
            .ok_or_else(|| UnknownValue::new::<Self>(trimmed))
    }

    /// The accepted values as a message lists them: `invention (发明), utility_model (实用新型)`.
    fn accepted() -> String {
        Self::values()
            .iter()
            .map(|v| format!("{} ({})", v.code(), v.label_zh()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A request value outside its vocabulary. Its message names the value and lists the
/// accepted ones; the parameter's name is added where the value came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The value as given.
    pub value: String,
    /// What kind of value was expected (e.g. "patent type").
    pub kind: &'static str,
    /// The accepted values, as listed in the message.
    pub accepted: String,
}

impl UnknownValue {
    /// The error for `value`, which is not one of `V`'s values.
    pub fn new<V: Vocabulary>(value: &str) -> UnknownValue {
        UnknownValue {
            value: value.to_string(),
            kind: V::KIND,
            accepted: V::accepted(),
        }
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a {}; accepted: {}",
            self.value, self.kind, self.accepted
        )
    }
}

impl std::error::Error for UnknownValue {}

/// Parses a list of values separated by `,` or `，` (blank items skipped), e.g. `发明,design`.
pub fn parse_list<V: Vocabulary>(text: &str) -> Result<Vec<V>, UnknownValue> {
    text.split([',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(V::parse_value)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LegalStatus, PatentType};

    #[test]
    fn codes_case_fold_and_chinese_labels_parse_to_one_value() {
        for text in ["in_force", "IN_FORCE", "in-force", " In-Force ", "有效"] {
            assert_eq!(
                LegalStatus::parse_value(text),
                Ok(LegalStatus::InForce),
                "{text}"
            );
        }
        for text in ["utility_model", "Utility-Model", "实用新型"] {
            assert_eq!(
                PatentType::parse_value(text),
                Ok(PatentType::UtilityModel),
                "{text}"
            );
        }
        assert_eq!("发明".parse::<PatentType>(), Ok(PatentType::Invention));
    }

    #[test]
    fn an_unknown_value_lists_every_accepted_one() {
        let err = PatentType::parse_value("patent").unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("'patent' is not a patent type"),
            "{message}"
        );
        for t in PatentType::ALL {
            assert!(
                message.contains(t.as_str()) && message.contains(t.label_zh()),
                "{message}"
            );
        }
        // A label is matched whole, never by a part of it.
        assert!(LegalStatus::parse_value("有").is_err());
        assert!(PatentType::parse_value("").is_err());
    }

    #[test]
    fn lists_skip_blank_items_and_stop_at_the_first_unknown_value() {
        let parsed: Vec<PatentType> = parse_list("发明, design,,").unwrap();
        assert_eq!(parsed, vec![PatentType::Invention, PatentType::Design]);
        assert_eq!(
            parse_list::<PatentType>("").unwrap(),
            Vec::<PatentType>::new()
        );
        let err = parse_list::<LegalStatus>("in_force,alive").unwrap_err();
        assert_eq!(err.value, "alive");
    }
}
