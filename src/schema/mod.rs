//! The record contract of `schema/` (fields, types, header aliases, limits), the jieba user
//! dictionary, the stopword list and the curated thesaurus, embedded at compile time.
//!
//! This is the only reader of the top-level `schema/` folder. Anything that changes how a
//! patent is stored or analysed lives there; [`fingerprint`] digests it so that an index built
//! under other rules is refused until it is rebuilt.

mod field;
pub mod thesaurus;

pub use field::{EventColumn, RecordField};

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::error::{Error, Result};

const RECORD_TOML: &str = include_str!("../../schema/record.toml");
const USER_DICT: &str = include_str!("../../schema/user_dict.txt");
const STOPWORDS: &str = include_str!("../../schema/stopwords.txt");

/// Version of the analysis code (normalisation and tokenizer); bump it when their behaviour
/// changes so that [`fingerprint`] changes too.
const ANALYSIS_CODE_VERSION: u32 = 3;

/// The value type a field holds, which decides how raw cells are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// A CN application number.
    ApplicationNumber,
    /// Free text, analysed for search.
    Text,
    /// A short string (a name, a maturity level).
    String,
    /// A list of strings (`;` or `；` separated in CSV/XLSX).
    StringList,
    /// A list of IPC codes.
    IpcList,
    /// A calendar date.
    Date,
    /// A list of calendar dates.
    DateList,
    /// invention / utility_model / design, or the Chinese names.
    PatentType,
    /// A legal status in English or Chinese.
    LegalStatus,
    /// A non-negative count.
    Count,
    /// Events as JSON, or `kind:date` items.
    Events,
    /// Licence terms as JSON, or free text (taken as the price).
    LicenceTerms,
    /// true/false, 是/否, 1/0.
    Bool,
}

/// The declaration of one field in `schema/record.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The field.
    pub name: RecordField,
    /// Its value type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Whether a row without it is rejected.
    #[serde(default)]
    pub required: bool,
    /// The longest accepted value, in characters.
    pub max_chars: usize,
    /// Header names accepted for this field besides its own name.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Analyser settings declared by the contract.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSpec {
    /// Name under which the analyser is registered in tantivy.
    pub tokenizer: String,
    /// Whether jieba's HMM handles words missing from the dictionaries.
    pub hmm: bool,
    /// `search` (words plus sub-words) or `precise`.
    pub index_mode: String,
}

/// File and value limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest accepted file.
    pub max_file_bytes: u64,
    /// Most data rows in one batch.
    pub max_rows: usize,
    /// Longest list item, in characters.
    pub max_item_chars: usize,
    /// Most items in one list field.
    pub max_items: usize,
}

/// The whole record contract.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordContract {
    /// Contract version.
    pub version: u32,
    /// Analyser settings.
    pub analysis: AnalysisSpec,
    /// Limits.
    pub limits: Limits,
    /// The fields, in canonical column order.
    pub fields: Vec<FieldSpec>,
    #[serde(skip)]
    headers: HashMap<String, RecordField>,
}

impl RecordContract {
    /// Parses and validates a contract from TOML text.
    pub fn from_toml(text: &str) -> Result<RecordContract> {
        let mut contract: RecordContract =
            toml::from_str(text).map_err(|e| Error::Config(format!("schema/record.toml: {e}")))?;
        let mut seen = HashSet::new();
        for spec in &contract.fields {
            if !seen.insert(spec.name) {
                return Err(Error::Config(format!(
                    "schema/record.toml: field {} is declared twice",
                    spec.name.as_str()
                )));
            }
            if spec.field_type != spec.name.expected_type() {
                return Err(Error::Config(format!(
                    "schema/record.toml: field {} must have type {:?}",
                    spec.name.as_str(),
                    spec.name.expected_type()
                )));
            }
            for header in
                std::iter::once(spec.name.as_str()).chain(spec.aliases.iter().map(String::as_str))
            {
                let key = normalize_header(header);
                if let Some(other) = contract.headers.insert(key.clone(), spec.name)
                    && other != spec.name
                {
                    return Err(Error::Config(format!(
                        "schema/record.toml: header '{header}' names both {} and {}",
                        other.as_str(),
                        spec.name.as_str()
                    )));
                }
            }
        }
        for field in RecordField::ALL {
            if !seen.contains(&field) {
                return Err(Error::Config(format!(
                    "schema/record.toml: field {} is missing",
                    field.as_str()
                )));
            }
        }
        if !matches!(contract.analysis.index_mode.as_str(), "search" | "precise") {
            return Err(Error::Config(
                "schema/record.toml: analysis.index_mode must be 'search' or 'precise'".into(),
            ));
        }
        Ok(contract)
    }

    /// Returns the field a column header names, if any.
    pub fn resolve_header(&self, header: &str) -> Option<RecordField> {
        self.headers.get(&normalize_header(header)).copied()
    }

    /// Returns the declaration of `field`.
    pub fn spec(&self, field: RecordField) -> &FieldSpec {
        // Every field is present: checked in `from_toml`.
        self.fields
            .iter()
            .find(|spec| spec.name == field)
            .unwrap_or(&self.fields[0])
    }

    /// Returns the required fields.
    pub fn required(&self) -> impl Iterator<Item = RecordField> + '_ {
        self.fields.iter().filter(|s| s.required).map(|s| s.name)
    }
}

/// Normalises a column header for alias matching: NFKC, lower case, no whitespace, no BOM.
pub fn normalize_header(header: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    header
        .trim_start_matches('\u{feff}')
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

static CONTRACT: LazyLock<RecordContract> = LazyLock::new(|| {
    // The file is embedded and checked by a unit test, so a failure here is a build defect.
    RecordContract::from_toml(RECORD_TOML).expect("embedded schema/record.toml is valid")
});

/// The stopword set (a fast, fixed-seed hasher: it is consulted for every token).
pub type StopwordSet = HashSet<&'static str, foldhash::fast::FixedState>;

static STOPWORD_SET: LazyLock<StopwordSet> = LazyLock::new(|| {
    STOPWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Returns the embedded record contract.
pub fn contract() -> &'static RecordContract {
    &CONTRACT
}

/// Returns the jieba user dictionary (`word freq tag` per line).
pub fn user_dictionary() -> &'static str {
    USER_DICT
}

/// Returns the stopword set.
pub fn stopwords() -> &'static StopwordSet {
    &STOPWORD_SET
}

/// Returns a digest of everything that decides how a patent is stored and analysed:
/// the contract, the user dictionary, the stopwords and the analysis code version.
pub fn fingerprint() -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&ANALYSIS_CODE_VERSION.to_le_bytes());
    for part in [RECORD_TOML, USER_DICT, STOPWORDS] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let hex = hasher.finalize().to_hex();
    format!(
        "v{}-{}",
        contract().version,
        hex.as_str().get(..16).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_contract_is_valid_and_complete() {
        let contract = RecordContract::from_toml(RECORD_TOML).unwrap();
        let required: Vec<_> = contract.required().collect();
        assert_eq!(
            required,
            [RecordField::ApplicationNumber, RecordField::Title]
        );
        assert_eq!(contract.fields.len(), RecordField::ALL.len());
    }

    #[test]
    fn chinese_and_export_headers_resolve() {
        let c = contract();
        assert_eq!(
            c.resolve_header("申请号"),
            Some(RecordField::ApplicationNumber)
        );
        assert_eq!(
            c.resolve_header("公开（公告）号"),
            Some(RecordField::PublicationNumbers)
        );
        assert_eq!(c.resolve_header(" IPC主分类号 "), Some(RecordField::Ipc));
        assert_eq!(c.resolve_header("\u{feff}标题"), Some(RecordField::Title));
        assert_eq!(
            c.resolve_header("Application_Number"),
            Some(RecordField::ApplicationNumber)
        );
        assert_eq!(
            c.resolve_header("申请(专利权)人"),
            Some(RecordField::Applicants)
        );
        assert_eq!(c.resolve_header("颜色"), None);
        // Export columns: claim 1 is not the claims; citations run both ways.
        for (header, field) in [
            ("首项权利要求", RecordField::FirstClaim),
            ("第一权利要求", RecordField::FirstClaim),
            ("权利要求数量", RecordField::ClaimCount),
            ("权利要求书", RecordField::Claims),
            ("被引证专利", RecordField::CitingPatents),
            ("引证专利", RecordField::CitedPatents),
            ("[标]当前申请(专利权)人", RecordField::CurrentAssignees),
            ("质押期限", RecordField::PledgeDates),
            ("许可排他性", RecordField::LicenceTypes),
        ] {
            assert_eq!(c.resolve_header(header), Some(field), "{header}");
        }
        assert!(!RecordField::TransferCount.is_stored() && RecordField::Claims.is_stored());
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_rejected() {
        let bad = RECORD_TOML.replace("version = 1", "version = 1\ncolour = \"red\"");
        assert!(RecordContract::from_toml(&bad).is_err());
        let wrong = RECORD_TOML.replacen("type = \"text\"", "type = \"date\"", 1);
        let message = RecordContract::from_toml(&wrong).unwrap_err().to_string();
        assert!(message.contains("title"), "{message}");
    }

    #[test]
    fn stopwords_and_fingerprint() {
        assert!(stopwords().contains("所述"));
        assert!(!stopwords().contains("# Words"));
        let f = fingerprint();
        assert!(f.starts_with("v1-") && f.len() == 19, "{f}");
    }
}
