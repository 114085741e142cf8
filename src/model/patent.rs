//! `Patent`: one record of the library in the record contract of `schema/record.toml`, plus its enums.

use chrono::NaiveDate;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::vocabulary::{UnknownValue, Vocabulary};
use super::{ApplicationNumber, IpcCode};

/// The three CN patent types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PatentType {
    /// 发明 (invention).
    Invention,
    /// 实用新型 (utility model).
    UtilityModel,
    /// 外观设计 (design).
    Design,
}

impl PatentType {
    /// All values, in a stable order.
    pub const ALL: [PatentType; 3] = [
        PatentType::Invention,
        PatentType::UtilityModel,
        PatentType::Design,
    ];

    /// Returns the contract's spelling (`invention`, `utility_model`, `design`).
    pub fn as_str(self) -> &'static str {
        match self {
            PatentType::Invention => "invention",
            PatentType::UtilityModel => "utility_model",
            PatentType::Design => "design",
        }
    }

    /// Returns the Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            PatentType::Invention => "发明",
            PatentType::UtilityModel => "实用新型",
            PatentType::Design => "外观设计",
        }
    }

    /// The recorded type, or else the one the application number implies.
    pub fn effective(
        recorded: Option<PatentType>,
        number: &ApplicationNumber,
    ) -> Option<PatentType> {
        recorded.or_else(|| PatentType::from_type_digit(number.type_digit()))
    }

    /// Returns the type implied by an application number's type digit, if any.
    pub fn from_type_digit(digit: u8) -> Option<PatentType> {
        match digit {
            1 | 8 => Some(PatentType::Invention),
            2 | 9 => Some(PatentType::UtilityModel),
            3 => Some(PatentType::Design),
            _ => None,
        }
    }
}

impl Vocabulary for PatentType {
    const KIND: &'static str = "patent type";

    fn values() -> &'static [PatentType] {
        &PatentType::ALL
    }

    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_zh(self) -> &'static str {
        PatentType::label_zh(self)
    }
}

impl FromStr for PatentType {
    type Err = UnknownValue;

    /// Parses `invention`, `utility_model`, `design` (case-folded) or 发明, 实用新型, 外观设计.
    fn from_str(s: &str) -> Result<PatentType, UnknownValue> {
        PatentType::parse_value(s)
    }
}

/// Legal status of a patent at the time of the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalStatus {
    /// Filed or published, not yet granted (审中).
    Pending,
    /// Granted and maintained (有效).
    InForce,
    /// Ended early: fees unpaid, abandoned, withdrawn or refused (失效).
    Lapsed,
    /// Reached the end of its term (期限届满).
    Expired,
    /// Declared invalid (无效).
    Invalidated,
}

impl LegalStatus {
    /// All values, in a stable order.
    pub const ALL: [LegalStatus; 5] = [
        LegalStatus::Pending,
        LegalStatus::InForce,
        LegalStatus::Lapsed,
        LegalStatus::Expired,
        LegalStatus::Invalidated,
    ];

    /// Returns the contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LegalStatus::Pending => "pending",
            LegalStatus::InForce => "in_force",
            LegalStatus::Lapsed => "lapsed",
            LegalStatus::Expired => "expired",
            LegalStatus::Invalidated => "invalidated",
        }
    }

    /// Returns the Chinese name (审中, 有效, 失效, 期限届满, 无效).
    pub fn label_zh(self) -> &'static str {
        match self {
            LegalStatus::Pending => "审中",
            LegalStatus::InForce => "有效",
            LegalStatus::Lapsed => "失效",
            LegalStatus::Expired => "期限届满",
            LegalStatus::Invalidated => "无效",
        }
    }

    /// Whether the patent is still alive (pending or in force), so it may be promoted.
    pub fn is_alive(self) -> bool {
        matches!(self, LegalStatus::Pending | LegalStatus::InForce)
    }
}

impl Vocabulary for LegalStatus {
    const KIND: &'static str = "legal status";

    fn values() -> &'static [LegalStatus] {
        &LegalStatus::ALL
    }

    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_zh(self) -> &'static str {
        LegalStatus::label_zh(self)
    }
}

impl FromStr for LegalStatus {
    type Err = UnknownValue;

    /// Parses `pending`, `in_force`, `lapsed`, `expired`, `invalidated` (case-folded) or
    /// 审中, 有效, 失效, 期限届满, 无效.
    fn from_str(s: &str) -> Result<LegalStatus, UnknownValue> {
        LegalStatus::parse_value(s)
    }
}

/// The kinds of legal and market events a patent can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// 转让: ownership transferred.
    Transfer,
    /// 许可: licensed.
    Licence,
    /// 质押: pledged as collateral.
    Pledge,
    /// 诉讼: litigated.
    Litigation,
    /// 开放许可声明: open-licence declaration.
    OpenLicence,
    /// 奖励: a patent award (e.g. 中国专利奖).
    Award,
    /// 复审 / 无效宣告: a reexamination or invalidation request against the patent.
    Reexamination,
}

impl EventKind {
    /// All values, in a stable order.
    pub const ALL: [EventKind; 7] = [
        EventKind::Transfer,
        EventKind::Licence,
        EventKind::Pledge,
        EventKind::Litigation,
        EventKind::OpenLicence,
        EventKind::Award,
        EventKind::Reexamination,
    ];

    /// Returns the contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Transfer => "transfer",
            EventKind::Licence => "licence",
            EventKind::Pledge => "pledge",
            EventKind::Litigation => "litigation",
            EventKind::OpenLicence => "open_licence",
            EventKind::Award => "award",
            EventKind::Reexamination => "reexamination",
        }
    }

    /// Returns the Chinese name (转让, 许可, 质押, 诉讼, 开放许可声明, 获奖, 复审/无效).
    pub fn label_zh(self) -> &'static str {
        match self {
            EventKind::Transfer => "转让",
            EventKind::Licence => "许可",
            EventKind::Pledge => "质押",
            EventKind::Litigation => "诉讼",
            EventKind::OpenLicence => "开放许可声明",
            EventKind::Award => "获奖",
            EventKind::Reexamination => "复审/无效",
        }
    }
}

/// One legal or market event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LegalEvent {
    /// What happened.
    pub kind: EventKind,
    /// When, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Free text (counterparty, award name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl LegalEvent {
    /// An event whose note names its parties the one way both the generator and export
    /// readers write them: `role：name` pairs joined by `；` (`转让人：甲；受让人：乙`), in the
    /// order given; parties without a name are left out.
    pub fn with_parties(
        kind: EventKind,
        date: Option<NaiveDate>,
        parties: &[(&str, &str)],
    ) -> Self {
        let note: Vec<String> = parties
            .iter()
            .filter(|(_, name)| !name.trim().is_empty())
            .map(|(role, name)| format!("{role}：{}", name.trim()))
            .collect();
        LegalEvent {
            kind,
            date,
            note: (!note.is_empty()).then(|| note.join("；")),
        }
    }
}

/// Licence terms offered for a patent (promotion packet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LicenceTerms {
    /// Declared under CNIPA's open-licence scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_licence: Option<bool>,
    /// Asking price or fee terms as written (e.g. `面议`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    /// Who to contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// One patent record of the library.
///
/// Only `application_number` and `title` are required; every other field may be missing, and
/// what is missing is a data gap, not an error. `institution` is set from the submitter, never
/// trusted from the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Patent {
    /// 申请号, normalised.
    pub application_number: ApplicationNumber,
    /// 公开号 / 授权公告号, normalised to upper case without spaces.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publication_numbers: Vec<String>,
    /// 专利类型.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patent_type: Option<PatentType>,
    /// The institution that submitted (owns) this record in the library.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// 标题 / 名称.
    pub title: String,
    /// 摘要.
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<String>,
    /// 权利要求书: the full claims text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<String>,
    /// 首项权利要求: claim 1 alone, as export tools carry it beside (or instead of) the claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_claim: Option<String>,
    /// 独立权利要求: the text of the independent claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub independent_claims: Option<String>,
    /// 权利要求数量 as the exporting tool counted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_count: Option<u32>,
    /// 独立权利要求数量 as the exporting tool counted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub independent_claim_count: Option<u32>,
    /// 说明书: the description (optional, long).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// IPC symbols; the first is the main IPC.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipc: Vec<IpcCode>,
    /// 申请人.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applicants: Vec<String>,
    /// 当前权利人.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub current_assignees: Vec<String>,
    /// 发明人.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inventors: Vec<String>,
    /// 申请日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_date: Option<NaiveDate>,
    /// 公开日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_date: Option<NaiveDate>,
    /// 授权日.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_date: Option<NaiveDate>,
    /// 法律状态.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_status: Option<LegalStatus>,
    /// 失效日: when the patent lapsed, expired or was invalidated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lapse_date: Option<NaiveDate>,
    /// Transfers, licences, pledges, litigation, open-licence declarations, awards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<LegalEvent>,
    /// 引证专利: backward citations, as publication or application numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cited_patents: Vec<String>,
    /// 被引证专利: the patents citing this one, as publication or application numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citing_patents: Vec<String>,
    /// 被引证次数 as supplied by the exporting tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_citations: Option<u32>,
    /// 同族: family member publication numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub family_members: Vec<String>,
    /// Countries or offices of the family (`US`, `EP`, `JP`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub family_countries: Vec<String>,
    /// Technology maturity (TRL or 实验室/小试/中试/量产).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maturity: Option<String>,
    /// The problem the patent solves (promotion packet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem_solved: Option<String>,
    /// Advantages over existing solutions (promotion packet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advantages: Option<String>,
    /// Licence terms offered (promotion packet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_terms: Option<LicenceTerms>,
    /// `true` when this row withdraws the patent from the library (a tombstone).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
}

impl Patent {
    /// Returns a record with only the required fields set.
    pub fn new(application_number: ApplicationNumber, title: impl Into<String>) -> Patent {
        Patent {
            application_number,
            publication_numbers: Vec::new(),
            patent_type: None,
            institution: None,
            title: title.into(),
            abstract_text: None,
            claims: None,
            first_claim: None,
            independent_claims: None,
            claim_count: None,
            independent_claim_count: None,
            description: None,
            ipc: Vec::new(),
            applicants: Vec::new(),
            current_assignees: Vec::new(),
            inventors: Vec::new(),
            application_date: None,
            publication_date: None,
            grant_date: None,
            legal_status: None,
            lapse_date: None,
            events: Vec::new(),
            cited_patents: Vec::new(),
            citing_patents: Vec::new(),
            forward_citations: None,
            family_members: Vec::new(),
            family_countries: Vec::new(),
            maturity: None,
            problem_solved: None,
            advantages: None,
            licence_terms: None,
            withdrawn: false,
        }
    }

    /// Returns a tombstone that withdraws `application_number` from the library.
    pub fn withdrawal(application_number: ApplicationNumber) -> Patent {
        let mut patent = Patent::new(application_number, "");
        patent.withdrawn = true;
        patent
    }

    /// Returns the main IPC (the first one), if any.
    pub fn main_ipc(&self) -> Option<&IpcCode> {
        self.ipc.first()
    }

    /// Returns the application year: from the application date, else from the number.
    pub fn application_year(&self) -> u16 {
        use chrono::Datelike;
        match self.application_date {
            Some(date) => u16::try_from(date.year()).unwrap_or(0),
            None => self.application_number.year(),
        }
    }

    /// Returns the patent type, falling back to the one the application number implies.
    pub fn effective_type(&self) -> Option<PatentType> {
        PatentType::effective(self.patent_type, &self.application_number)
    }

    /// Returns the number of characters of title, abstract and claims (a throughput measure).
    pub fn text_bytes(&self) -> usize {
        self.title.len()
            + self.abstract_text.as_ref().map_or(0, String::len)
            + self.claims.as_ref().map_or(0, String::len)
            + self.description.as_ref().map_or(0, String::len)
    }

    /// A copy without the long texts (abstract, claims, description): what the index stores
    /// as the record, next to the texts it stores field by field. Cheaper than cloning the
    /// whole patent and dropping them.
    pub fn without_long_texts(&self) -> Patent {
        Patent {
            application_number: self.application_number.clone(),
            publication_numbers: self.publication_numbers.clone(),
            patent_type: self.patent_type,
            institution: self.institution.clone(),
            title: self.title.clone(),
            abstract_text: None,
            claims: None,
            // An export's claim 1 and independent claims are short; the score card reads them.
            first_claim: self.first_claim.clone(),
            independent_claims: self.independent_claims.clone(),
            claim_count: self.claim_count,
            independent_claim_count: self.independent_claim_count,
            description: None,
            ipc: self.ipc.clone(),
            applicants: self.applicants.clone(),
            current_assignees: self.current_assignees.clone(),
            inventors: self.inventors.clone(),
            application_date: self.application_date,
            publication_date: self.publication_date,
            grant_date: self.grant_date,
            legal_status: self.legal_status,
            lapse_date: self.lapse_date,
            events: self.events.clone(),
            cited_patents: self.cited_patents.clone(),
            citing_patents: self.citing_patents.clone(),
            forward_citations: self.forward_citations,
            family_members: self.family_members.clone(),
            family_countries: self.family_countries.clone(),
            maturity: self.maturity.clone(),
            problem_solved: self.problem_solved.clone(),
            advantages: self.advantages.clone(),
            licence_terms: self.licence_terms.clone(),
            withdrawn: self.withdrawn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_uses_contract_names_and_skips_gaps() {
        let number = ApplicationNumber::parse("CN202110123456.7").unwrap();
        let mut patent = Patent::new(number, "一种压力传感器");
        patent.abstract_text = Some("本发明公开了一种压力传感器。".into());
        patent.patent_type = Some(PatentType::Invention);
        let json = serde_json::to_string(&patent).unwrap();
        assert_eq!(
            json,
            r#"{"application_number":"CN202110123456.7","patent_type":"invention","title":"一种压力传感器","abstract":"本发明公开了一种压力传感器。"}"#
        );
        let back: Patent = serde_json::from_str(&json).unwrap();
        assert_eq!(back, patent);
    }

    #[test]
    fn without_long_texts_keeps_everything_else() {
        let mut patent = Patent::new(ApplicationNumber::parse("CN202110123456.7").unwrap(), "甲");
        patent.abstract_text = Some("摘要".into());
        patent.claims = Some("1.一种".into());
        patent.description = Some("说明书".into());
        patent.applicants = vec!["清华大学".into()];
        patent.forward_citations = Some(3);
        let mut expected = patent.clone();
        expected.abstract_text = None;
        expected.claims = None;
        expected.description = None;
        assert_eq!(patent.without_long_texts(), expected);
    }

    #[test]
    fn type_falls_back_to_the_number() {
        let utility = ApplicationNumber::parse("CN201720001285.X").unwrap();
        let patent = Patent::new(utility, "x");
        assert_eq!(patent.effective_type(), Some(PatentType::UtilityModel));
        assert_eq!(patent.application_year(), 2017);
    }
}
