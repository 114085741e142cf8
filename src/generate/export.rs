//! Export layouts: the columns incoPat and PatSnap write for a patent, in their own words and
//! value wordings, one row per publication (an invention's A and B rows), made from generated
//! patents so that fixtures in these layouts can ship. Which columns each tool exports, and
//! where that was read, is recorded in `schema/EXPORT_LAYOUTS.md`.

use chrono::Months;

use crate::error::Result;
use crate::ingest::{cell_text_zh, write_table_csv, write_table_xlsx};
use crate::model::{EventKind, LegalStatus, Patent, PatentType};
use crate::schema::RecordField;
use crate::text::ClaimSet;

/// An export tool's column layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportLayout {
    /// incoPat's Excel export (标题, 首项权利要求, 权利要求数量, 转让次数 …).
    Incopat,
    /// PatSnap (智慧芽)'s export (第一权利要求, 权利要求数, 简单法律状态, 权利转移生效日 …).
    Patsnap,
}

/// Where a column's cells come from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// The row's position in the export (序号).
    Serial,
    /// A contract field of the patent, as a Chinese table writes it.
    Field(RecordField),
    /// This row's publication number.
    Number,
    /// This row's publication date (a grant row's is its grant date).
    Date,
    /// The grant date, on the grant row only.
    Grant,
    /// The document type of this row (发明申请 / 授权发明 / 实用新型).
    Kind,
    /// 有效 / 失效 / 审中.
    SimpleStatus,
    /// The detailed wording (授权, 未缴年费专利权终止, 专利权期限届满 …).
    DetailedStatus,
    /// incoPat's 质押期限: `start至end` per pledge.
    PledgePeriod,
    /// 法律事件: the events no count, party or date column of the layout carries
    /// (`开放许可声明:2022-03-01:开放许可声明`).
    OtherEvents,
}

use Source::{
    DetailedStatus, Field, Grant, Kind, Number, OtherEvents, PledgePeriod, Serial, SimpleStatus,
};

const INCOPAT: &[(&str, Source)] = &[
    ("序号", Serial),
    ("标题", Field(RecordField::Title)),
    ("申请号", Field(RecordField::ApplicationNumber)),
    ("申请日", Field(RecordField::ApplicationDate)),
    ("公开(公告)号", Number),
    ("公开(公告)日", Source::Date),
    ("授权公告日", Grant),
    ("专利类型", Kind),
    ("IPC", Field(RecordField::Ipc)),
    ("申请人", Field(RecordField::Applicants)),
    ("当前权利人", Field(RecordField::CurrentAssignees)),
    ("发明人", Field(RecordField::Inventors)),
    ("摘要", Field(RecordField::Abstract)),
    ("首项权利要求", Field(RecordField::FirstClaim)),
    ("独立权利要求", Field(RecordField::IndependentClaims)),
    ("权利要求数量", Field(RecordField::ClaimCount)),
    (
        "独立权利要求数量",
        Field(RecordField::IndependentClaimCount),
    ),
    ("专利有效性", SimpleStatus),
    ("当前法律状态", DetailedStatus),
    ("失效日", Field(RecordField::LapseDate)),
    ("引证专利", Field(RecordField::CitedPatents)),
    ("被引证次数", Field(RecordField::ForwardCitations)),
    ("简单同族", Field(RecordField::FamilyMembers)),
    ("同族国家/地区", Field(RecordField::FamilyCountries)),
    ("转让次数", Field(RecordField::TransferCount)),
    ("转让人", Field(RecordField::Transferors)),
    ("受让人", Field(RecordField::Transferees)),
    ("转让执行日", Field(RecordField::TransferDates)),
    ("许可次数", Field(RecordField::LicenceCount)),
    ("许可类型", Field(RecordField::LicenceTypes)),
    ("被许可人", Field(RecordField::Licensees)),
    ("许可合同备案日期", Field(RecordField::LicenceDates)),
    ("质押次数", Field(RecordField::PledgeCount)),
    ("出质人", Field(RecordField::Pledgors)),
    ("质权人", Field(RecordField::Pledgees)),
    ("质押期限", PledgePeriod),
    ("诉讼次数", Field(RecordField::LitigationCount)),
    ("原告", Field(RecordField::Plaintiffs)),
    ("法律事件", OtherEvents),
];

const PATSNAP: &[(&str, Source)] = &[
    ("公开(公告)号", Number),
    ("申请号", Field(RecordField::ApplicationNumber)),
    ("标题", Field(RecordField::Title)),
    ("摘要", Field(RecordField::Abstract)),
    ("申请(专利权)人", Field(RecordField::Applicants)),
    ("当前申请(专利权)人", Field(RecordField::CurrentAssignees)),
    ("发明人", Field(RecordField::Inventors)),
    ("申请日", Field(RecordField::ApplicationDate)),
    ("公开(公告)日", Source::Date),
    ("授权日", Grant),
    ("IPC分类号", Field(RecordField::Ipc)),
    ("专利类型", Kind),
    ("简单法律状态", SimpleStatus),
    ("法律状态/事件", DetailedStatus),
    ("失效日", Field(RecordField::LapseDate)),
    ("第一权利要求", Field(RecordField::FirstClaim)),
    ("独立权利要求", Field(RecordField::IndependentClaims)),
    ("权利要求数", Field(RecordField::ClaimCount)),
    ("引用专利", Field(RecordField::CitedPatents)),
    ("被引用专利数量", Field(RecordField::ForwardCitations)),
    ("简单同族", Field(RecordField::FamilyMembers)),
    ("简单同族国家/地区", Field(RecordField::FamilyCountries)),
    ("转让人", Field(RecordField::Transferors)),
    ("受让人", Field(RecordField::Transferees)),
    ("权利转移生效日", Field(RecordField::TransferDates)),
    ("许可次数", Field(RecordField::LicenceCount)),
    ("许可排他性", Field(RecordField::LicenceTypes)),
    ("被许可人", Field(RecordField::Licensees)),
    ("许可生效日", Field(RecordField::LicenceDates)),
    ("质押次数", Field(RecordField::PledgeCount)),
    ("质押人", Field(RecordField::Pledgors)),
    ("质权人", Field(RecordField::Pledgees)),
    ("质押生效日", Field(RecordField::PledgeDates)),
    ("诉讼次数", Field(RecordField::LitigationCount)),
    ("原告", Field(RecordField::Plaintiffs)),
    ("法律事件", OtherEvents),
];

/// Event kinds neither layout has count, party and date columns for.
const OTHER_KINDS: [EventKind; 3] = [
    EventKind::OpenLicence,
    EventKind::Award,
    EventKind::Reexamination,
];

impl ExportLayout {
    /// Parses `incopat` or `patsnap`.
    pub fn from_name(name: &str) -> Option<ExportLayout> {
        match name.to_lowercase().as_str() {
            "incopat" => Some(ExportLayout::Incopat),
            "patsnap" | "zhihuiya" => Some(ExportLayout::Patsnap),
            _ => None,
        }
    }

    fn columns(self) -> &'static [(&'static str, Source)] {
        match self {
            ExportLayout::Incopat => INCOPAT,
            ExportLayout::Patsnap => PATSNAP,
        }
    }

    /// The column headers, in the tool's order.
    pub fn headers(self) -> Vec<&'static str> {
        self.columns().iter().map(|(h, _)| *h).collect()
    }

    /// The title line the tool writes above the header.
    fn title(self, rows: usize) -> String {
        match self {
            ExportLayout::Incopat => format!("incoPat 专利检索结果导出（共 {rows} 条）"),
            ExportLayout::Patsnap => format!("智慧芽 PatSnap 专利列表导出，共 {rows} 条记录"),
        }
    }

    /// The rows an export holds for `patent`: one per publication, the application's (A)
    /// before the grant's (B). The A row carries the claims as filed (claim 1 before its last
    /// feature was added in examination, two more claims); the B row the claims as granted.
    pub fn rows(self, patent: &Patent) -> Vec<Vec<String>> {
        let granted = export_view(patent);
        let numbers: Vec<Option<&String>> = if patent.publication_numbers.is_empty() {
            vec![None]
        } else {
            patent.publication_numbers.iter().map(Some).collect()
        };
        let has_grant_row = numbers.iter().flatten().any(|n| is_grant(n));
        numbers
            .into_iter()
            .map(|number| {
                let is_grant_row = number.is_some_and(|n| is_grant(n));
                let filed = (has_grant_row && !is_grant_row).then(|| as_filed(&granted));
                let view = filed.as_ref().unwrap_or(&granted);
                self.columns()
                    .iter()
                    .map(|(_, source)| cell(view, *source, number, is_grant_row))
                    .collect()
            })
            .collect()
    }

    /// Writes `patents` in this layout, with the tool's title line above the header, as XLSX
    /// (`xlsx`) or as CSV with a BOM.
    pub fn write(self, patents: &[Patent], xlsx: bool) -> Result<Vec<u8>> {
        let headers = self.headers();
        let mut rows: Vec<Vec<String>> = vec![headers.iter().map(|h| h.to_string()).collect()];
        for patent in patents {
            rows.extend(self.rows(patent));
        }
        for (i, row) in rows.iter_mut().enumerate().skip(1) {
            if let Some(at) = self.columns().iter().position(|(_, s)| matches!(s, Serial)) {
                row[at] = i.to_string();
            }
        }
        let title = self.title(rows.len() - 1);
        let mut title_row = vec![title.as_str()];
        title_row.resize(headers.len(), "");
        if xlsx {
            write_table_xlsx("专利列表", &title_row, &rows)
        } else {
            write_table_csv(Vec::new(), &title_row, &rows, true)
        }
    }
}

/// Whether a publication number is a grant (B/C) or a utility-model or design publication.
fn is_grant(number: &str) -> bool {
    number
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .ends_with(['B', 'C', 'U', 'Y', 'S'])
}

/// The patent as an export shows it: claim 1, the independent claims and the counts in their
/// own columns instead of the full claims.
pub fn export_view(patent: &Patent) -> Patent {
    let mut view = patent.clone();
    if let Some(claims) = view.claims.take() {
        let set = ClaimSet::parse(&claims);
        view.first_claim = set.first().map(|c| c.text.clone());
        let independent: Vec<String> = set
            .independent()
            .map(|c| format!("{}.{}", c.number, c.text))
            .collect();
        view.independent_claim_count = Some(independent.len() as u32);
        view.independent_claims = (!independent.is_empty()).then(|| independent.join("\n"));
        view.claim_count = Some(set.len() as u32);
    }
    view
}

/// The claims as filed: claim 1 without the feature examination added, two more claims.
fn as_filed(granted: &Patent) -> Patent {
    let mut filed = granted.clone();
    filed.first_claim = granted.first_claim.as_ref().map(|text| {
        match text.trim_end_matches('。').rsplit_once('；') {
            Some((broader, _)) => format!("{broader}。"),
            None => text.clone(),
        }
    });
    filed.claim_count = granted.claim_count.map(|n| n + 2);
    filed.grant_date = None;
    filed
}

fn cell(patent: &Patent, source: Source, number: Option<&String>, grant_row: bool) -> String {
    let field = |f: RecordField| cell_text_zh(patent, f, "；").unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match source {
        Serial => String::new(),
        Field(f) => field(f),
        Number => number.cloned().unwrap_or_default(),
        Source::Date if grant_row && patent.patent_type == Some(PatentType::Invention) => {
            date(patent.grant_date)
        }
        Source::Date => date(patent.publication_date),
        Grant if grant_row => date(patent.grant_date),
        Grant => String::new(),
        Kind => match (patent.patent_type, grant_row) {
            (Some(PatentType::Invention), true) => "授权发明".into(),
            (Some(PatentType::Invention), false) => "发明申请".into(),
            (Some(t), _) => t.label_zh().into(),
            (None, _) => String::new(),
        },
        SimpleStatus => match patent.legal_status {
            Some(LegalStatus::InForce) => "有效".into(),
            Some(LegalStatus::Pending) => "审中".into(),
            Some(_) => "失效".into(),
            None => String::new(),
        },
        DetailedStatus => match patent.legal_status {
            Some(LegalStatus::InForce) => "授权".into(),
            Some(LegalStatus::Pending) => "实质审查".into(),
            Some(LegalStatus::Lapsed) if patent.grant_date.is_some() => "未缴年费专利权终止".into(),
            Some(LegalStatus::Lapsed) => "驳回".into(),
            Some(LegalStatus::Expired) => "专利权期限届满".into(),
            Some(LegalStatus::Invalidated) => "专利权全部无效".into(),
            None => String::new(),
        },
        PledgePeriod => patent
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Pledge)
            .filter_map(|e| e.date)
            .map(|d| {
                let end = d.checked_add_months(Months::new(36)).unwrap_or(d);
                format!("{d}至{end}")
            })
            .collect::<Vec<_>>()
            .join("；"),
        OtherEvents => patent
            .events
            .iter()
            .filter(|e| OTHER_KINDS.contains(&e.kind))
            .map(|e| {
                let date = e.date.map(|d| d.to_string()).unwrap_or_default();
                match &e.note {
                    Some(note) => format!("{}:{date}:{note}", e.kind.label_zh()),
                    None => format!("{}:{date}", e.kind.label_zh()),
                }
            })
            .collect::<Vec<_>>()
            .join("；"),
    }
}
