//! `RecordField`: the fields of the record contract, their names, Chinese headers and value
//! types, and which export columns fold into events.

use serde::Deserialize;

use super::FieldType;
use crate::model::EventKind;

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
    /// 权利要求书: the full claims.
    Claims,
    /// 首项权利要求: claim 1 alone.
    FirstClaim,
    /// 独立权利要求: the independent claims' text.
    IndependentClaims,
    /// 权利要求数量.
    ClaimCount,
    /// 独立权利要求数量.
    IndependentClaimCount,
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
    /// 失效日.
    LapseDate,
    /// Legal and market events.
    Events,
    /// 转让次数 (folded into events).
    TransferCount,
    /// 转让人 (folded into events).
    Transferors,
    /// 受让人 (folded into events).
    Transferees,
    /// 转让执行日 (folded into events).
    TransferDates,
    /// 许可次数 (folded into events).
    LicenceCount,
    /// 许可类型 (folded into events).
    LicenceTypes,
    /// 被许可人 (folded into events).
    Licensees,
    /// 许可合同备案日期 (folded into events).
    LicenceDates,
    /// 质押次数 (folded into events).
    PledgeCount,
    /// 出质人 (folded into events).
    Pledgors,
    /// 质权人 (folded into events).
    Pledgees,
    /// 质押生效日 (folded into events).
    PledgeDates,
    /// 诉讼次数 (folded into events).
    LitigationCount,
    /// 原告 (folded into events).
    Plaintiffs,
    /// 复审无效次数 (folded into events).
    ReexaminationCount,
    /// 复审/无效请求人 (folded into events).
    ReexaminationRequesters,
    /// 引证专利 (backward citations).
    CitedPatents,
    /// 被引证专利 (forward citations).
    CitingPatents,
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

/// What an export column of one kind of event holds; such columns are folded into
/// `events` when a row is read and are never stored on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventColumn {
    /// How many events of the kind the patent had (转让次数).
    Count,
    /// One party per event, under this role in the event's note (受让人).
    Party(&'static str),
    /// One date per event (转让执行日).
    Dates,
}

impl RecordField {
    /// Every field, in declaration order.
    pub const ALL: [RecordField; 48] = [
        RecordField::ApplicationNumber,
        RecordField::PublicationNumbers,
        RecordField::PatentType,
        RecordField::Institution,
        RecordField::Title,
        RecordField::Abstract,
        RecordField::Claims,
        RecordField::FirstClaim,
        RecordField::IndependentClaims,
        RecordField::ClaimCount,
        RecordField::IndependentClaimCount,
        RecordField::Description,
        RecordField::Ipc,
        RecordField::Applicants,
        RecordField::CurrentAssignees,
        RecordField::Inventors,
        RecordField::ApplicationDate,
        RecordField::PublicationDate,
        RecordField::GrantDate,
        RecordField::LegalStatus,
        RecordField::LapseDate,
        RecordField::Events,
        RecordField::TransferCount,
        RecordField::Transferors,
        RecordField::Transferees,
        RecordField::TransferDates,
        RecordField::LicenceCount,
        RecordField::LicenceTypes,
        RecordField::Licensees,
        RecordField::LicenceDates,
        RecordField::PledgeCount,
        RecordField::Pledgors,
        RecordField::Pledgees,
        RecordField::PledgeDates,
        RecordField::LitigationCount,
        RecordField::Plaintiffs,
        RecordField::ReexaminationCount,
        RecordField::ReexaminationRequesters,
        RecordField::CitedPatents,
        RecordField::CitingPatents,
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
            RecordField::FirstClaim => "first_claim",
            RecordField::IndependentClaims => "independent_claims",
            RecordField::ClaimCount => "claim_count",
            RecordField::IndependentClaimCount => "independent_claim_count",
            RecordField::Description => "description",
            RecordField::Ipc => "ipc",
            RecordField::Applicants => "applicants",
            RecordField::CurrentAssignees => "current_assignees",
            RecordField::Inventors => "inventors",
            RecordField::ApplicationDate => "application_date",
            RecordField::PublicationDate => "publication_date",
            RecordField::GrantDate => "grant_date",
            RecordField::LegalStatus => "legal_status",
            RecordField::LapseDate => "lapse_date",
            RecordField::Events => "events",
            RecordField::TransferCount => "transfer_count",
            RecordField::Transferors => "transferors",
            RecordField::Transferees => "transferees",
            RecordField::TransferDates => "transfer_dates",
            RecordField::LicenceCount => "licence_count",
            RecordField::LicenceTypes => "licence_types",
            RecordField::Licensees => "licensees",
            RecordField::LicenceDates => "licence_dates",
            RecordField::PledgeCount => "pledge_count",
            RecordField::Pledgors => "pledgors",
            RecordField::Pledgees => "pledgees",
            RecordField::PledgeDates => "pledge_dates",
            RecordField::LitigationCount => "litigation_count",
            RecordField::Plaintiffs => "plaintiffs",
            RecordField::ReexaminationCount => "reexamination_count",
            RecordField::ReexaminationRequesters => "reexamination_requesters",
            RecordField::CitedPatents => "cited_patents",
            RecordField::CitingPatents => "citing_patents",
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
            RecordField::FirstClaim => "首项权利要求",
            RecordField::IndependentClaims => "独立权利要求",
            RecordField::ClaimCount => "权利要求数量",
            RecordField::IndependentClaimCount => "独立权利要求数量",
            RecordField::Description => "说明书",
            RecordField::Ipc => "IPC分类号",
            RecordField::Applicants => "申请人",
            RecordField::CurrentAssignees => "当前权利人",
            RecordField::Inventors => "发明人",
            RecordField::ApplicationDate => "申请日",
            RecordField::PublicationDate => "公开日",
            RecordField::GrantDate => "授权日",
            RecordField::LegalStatus => "法律状态",
            RecordField::LapseDate => "失效日",
            RecordField::Events => "法律事件",
            RecordField::TransferCount => "转让次数",
            RecordField::Transferors => "转让人",
            RecordField::Transferees => "受让人",
            RecordField::TransferDates => "转让执行日",
            RecordField::LicenceCount => "许可次数",
            RecordField::LicenceTypes => "许可类型",
            RecordField::Licensees => "被许可人",
            RecordField::LicenceDates => "许可合同备案日期",
            RecordField::PledgeCount => "质押次数",
            RecordField::Pledgors => "出质人",
            RecordField::Pledgees => "质权人",
            RecordField::PledgeDates => "质押生效日",
            RecordField::LitigationCount => "诉讼次数",
            RecordField::Plaintiffs => "原告",
            RecordField::ReexaminationCount => "复审无效次数",
            RecordField::ReexaminationRequesters => "无效请求人",
            RecordField::CitedPatents => "引证专利",
            RecordField::CitingPatents => "被引证专利",
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
            RecordField::PublicationNumbers
            | RecordField::Applicants
            | RecordField::CurrentAssignees
            | RecordField::Inventors
            | RecordField::Transferors
            | RecordField::Transferees
            | RecordField::LicenceTypes
            | RecordField::Licensees
            | RecordField::Pledgors
            | RecordField::Pledgees
            | RecordField::Plaintiffs
            | RecordField::ReexaminationRequesters
            | RecordField::CitedPatents
            | RecordField::CitingPatents
            | RecordField::FamilyMembers
            | RecordField::FamilyCountries => FieldType::StringList,
            RecordField::PatentType => FieldType::PatentType,
            RecordField::Institution | RecordField::Maturity => FieldType::String,
            RecordField::Title
            | RecordField::Abstract
            | RecordField::Claims
            | RecordField::FirstClaim
            | RecordField::IndependentClaims
            | RecordField::Description
            | RecordField::ProblemSolved
            | RecordField::Advantages => FieldType::Text,
            RecordField::ClaimCount
            | RecordField::IndependentClaimCount
            | RecordField::TransferCount
            | RecordField::LicenceCount
            | RecordField::PledgeCount
            | RecordField::LitigationCount
            | RecordField::ReexaminationCount
            | RecordField::ForwardCitations => FieldType::Count,
            RecordField::Ipc => FieldType::IpcList,
            RecordField::ApplicationDate
            | RecordField::PublicationDate
            | RecordField::GrantDate
            | RecordField::LapseDate => FieldType::Date,
            RecordField::LegalStatus => FieldType::LegalStatus,
            RecordField::Events => FieldType::Events,
            RecordField::TransferDates | RecordField::LicenceDates | RecordField::PledgeDates => {
                FieldType::DateList
            }
            RecordField::LicenceTerms => FieldType::LicenceTerms,
            RecordField::Withdrawn => FieldType::Bool,
        }
    }

    /// For an export column of one kind of event (转让次数, 受让人, 转让执行日), the kind and
    /// what the column holds; `None` for every stored field.
    pub fn event_column(self) -> Option<(EventKind, EventColumn)> {
        Some(match self {
            RecordField::TransferCount => (EventKind::Transfer, EventColumn::Count),
            RecordField::Transferors => (EventKind::Transfer, EventColumn::Party("转让人")),
            RecordField::Transferees => (EventKind::Transfer, EventColumn::Party("受让人")),
            RecordField::TransferDates => (EventKind::Transfer, EventColumn::Dates),
            RecordField::LicenceCount => (EventKind::Licence, EventColumn::Count),
            RecordField::LicenceTypes => (EventKind::Licence, EventColumn::Party("许可类型")),
            RecordField::Licensees => (EventKind::Licence, EventColumn::Party("被许可人")),
            RecordField::LicenceDates => (EventKind::Licence, EventColumn::Dates),
            RecordField::PledgeCount => (EventKind::Pledge, EventColumn::Count),
            RecordField::Pledgors => (EventKind::Pledge, EventColumn::Party("出质人")),
            RecordField::Pledgees => (EventKind::Pledge, EventColumn::Party("质权人")),
            RecordField::PledgeDates => (EventKind::Pledge, EventColumn::Dates),
            RecordField::LitigationCount => (EventKind::Litigation, EventColumn::Count),
            RecordField::Plaintiffs => (EventKind::Litigation, EventColumn::Party("原告")),
            RecordField::ReexaminationCount => (EventKind::Reexamination, EventColumn::Count),
            RecordField::ReexaminationRequesters => {
                (EventKind::Reexamination, EventColumn::Party("请求人"))
            }
            _ => return None,
        })
    }

    /// Whether the field is stored with the patent (every field but the event columns).
    pub fn is_stored(self) -> bool {
        self.event_column().is_none()
    }
}
