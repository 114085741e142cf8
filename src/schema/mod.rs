//! The record contract of `schema/` (fields, types, header aliases, limits), the jieba user
//! dictionary, the stopword list and the curated thesaurus, embedded at compile time.
//!
//! This is the only reader of the top-level `schema/` folder. Anything that changes how a
//! patent is stored or analysed lives there; [`fingerprint`] digests it so that an index built
//! under other rules is refused until it is rebuilt.

pub mod thesaurus;

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

/// One field of the record contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordField {
    /// 申请号 (required).
    ApplicationNumber,
    /// 公开号.
    PublicationNumbers,
    /// 专利类型.
    PatentType,
    /// The owning institution (set from the submitter).
    Institution,
    /// 标题 (required).
    Title,
    /// 摘要.
    Abstract,
    /// 权利要求书.
    Claims,
    /// 说明书.
    Description,
    /// IPC list, main first.
    Ipc,
    /// 申请人.
    Applicants,
    /// 当前权利人.
    CurrentAssignees,
    /// 发明人.
    Inventors,
    /// 申请日.
    ApplicationDate,
    /// 公开日.
    PublicationDate,
    /// 授权日.
    GrantDate,
    /// 法律状态.
    LegalStatus,
    /// Legal and market events.
    Events,
    /// 引证专利.
    CitedPatents,
    /// 被引证次数.
    ForwardCitations,
    /// 同族.
    FamilyMembers,
    /// 同族国家.
    FamilyCountries,
    /// 成熟度.
    Maturity,
    /// 解决的问题.
    ProblemSolved,
    /// 技术优势.
    Advantages,
    /// 许可条件.
    LicenceTerms,
    /// Withdrawal flag.
    Withdrawn,
}

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

impl RecordField {
    /// Every field, in declaration order.
    pub const ALL: [RecordField; 26] = [
        RecordField::ApplicationNumber,
        RecordField::PublicationNumbers,
        RecordField::PatentType,
        RecordField::Institution,
        RecordField::Title,
        RecordField::Abstract,
        RecordField::Claims,
        RecordField::Description,
        RecordField::Ipc,
        RecordField::Applicants,
        RecordField::CurrentAssignees,
        RecordField::Inventors,
        RecordField::ApplicationDate,
        RecordField::PublicationDate,
        RecordField::GrantDate,
        RecordField::LegalStatus,
        RecordField::Events,
        RecordField::CitedPatents,
        RecordField::ForwardCitations,
        RecordField::FamilyMembers,
        RecordField::FamilyCountries,
        RecordField::Maturity,
        RecordField::ProblemSolved,
        RecordField::Advantages,
        RecordField::LicenceTerms,
        RecordField::Withdrawn,
    ];

    /// Returns the contract name (also the JSON key and the Parquet column).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordField::ApplicationNumber => "application_number",
            RecordField::PublicationNumbers => "publication_numbers",
            RecordField::PatentType => "patent_type",
            RecordField::Institution => "institution",
            RecordField::Title => "title",
            RecordField::Abstract => "abstract",
            RecordField::Claims => "claims",
            RecordField::Description => "description",
            RecordField::Ipc => "ipc",
            RecordField::Applicants => "applicants",
            RecordField::CurrentAssignees => "current_assignees",
            RecordField::Inventors => "inventors",
            RecordField::ApplicationDate => "application_date",
            RecordField::PublicationDate => "publication_date",
            RecordField::GrantDate => "grant_date",
            RecordField::LegalStatus => "legal_status",
            RecordField::Events => "events",
            RecordField::CitedPatents => "cited_patents",
            RecordField::ForwardCitations => "forward_citations",
            RecordField::FamilyMembers => "family_members",
            RecordField::FamilyCountries => "family_countries",
            RecordField::Maturity => "maturity",
            RecordField::ProblemSolved => "problem_solved",
            RecordField::Advantages => "advantages",
            RecordField::LicenceTerms => "licence_terms",
            RecordField::Withdrawn => "withdrawn",
        }
    }

    /// The field whose contract name is `name` (`forward_citations`), if any.
    pub fn from_name(name: &str) -> Option<RecordField> {
        RecordField::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Returns the main Chinese header used when writing files with Chinese headers.
    pub fn header_zh(self) -> &'static str {
        match self {
            RecordField::ApplicationNumber => "申请号",
            RecordField::PublicationNumbers => "公开号",
            RecordField::PatentType => "专利类型",
            RecordField::Institution => "所属高校",
            RecordField::Title => "标题",
            RecordField::Abstract => "摘要",
            RecordField::Claims => "权利要求书",
            RecordField::Description => "说明书",
            RecordField::Ipc => "IPC分类号",
            RecordField::Applicants => "申请人",
            RecordField::CurrentAssignees => "当前权利人",
            RecordField::Inventors => "发明人",
            RecordField::ApplicationDate => "申请日",
            RecordField::PublicationDate => "公开日",
            RecordField::GrantDate => "授权日",
            RecordField::LegalStatus => "法律状态",
            RecordField::Events => "法律事件",
            RecordField::CitedPatents => "引证专利",
            RecordField::ForwardCitations => "被引证次数",
            RecordField::FamilyMembers => "同族专利",
            RecordField::FamilyCountries => "同族国家",
            RecordField::Maturity => "技术成熟度",
            RecordField::ProblemSolved => "解决的问题",
            RecordField::Advantages => "技术优势",
            RecordField::LicenceTerms => "许可条件",
            RecordField::Withdrawn => "撤回",
        }
    }

    /// Returns the value type the code expects for this field.
    pub fn expected_type(self) -> FieldType {
        match self {
            RecordField::ApplicationNumber => FieldType::ApplicationNumber,
            RecordField::Title
            | RecordField::Abstract
            | RecordField::Claims
            | RecordField::Description
            | RecordField::ProblemSolved
            | RecordField::Advantages => FieldType::Text,
            RecordField::Institution | RecordField::Maturity => FieldType::String,
            RecordField::PublicationNumbers
            | RecordField::Applicants
            | RecordField::CurrentAssignees
            | RecordField::Inventors
            | RecordField::CitedPatents
            | RecordField::FamilyMembers
            | RecordField::FamilyCountries => FieldType::StringList,
            RecordField::Ipc => FieldType::IpcList,
            RecordField::ApplicationDate
            | RecordField::PublicationDate
            | RecordField::GrantDate => FieldType::Date,
            RecordField::PatentType => FieldType::PatentType,
            RecordField::LegalStatus => FieldType::LegalStatus,
            RecordField::Events => FieldType::Events,
            RecordField::ForwardCitations => FieldType::Count,
            RecordField::LicenceTerms => FieldType::LicenceTerms,
            RecordField::Withdrawn => FieldType::Bool,
        }
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
