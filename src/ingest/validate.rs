//! Validation of one raw row into a [`Patent`]: required fields, value types, limits and
//! normalisation. Problems are reported by row and field; a row with any error is rejected
//! whole, so nothing half-read enters the library.

use chrono::NaiveDate;
use serde_json::Value;

use super::raw::{Columns, RawRecord, is_empty};
use super::report::RowIssue;
use super::values;
use crate::model::{ApplicationNumber, EventKind, IpcCode, LegalEvent, Patent, PatentType};
use crate::schema::{EventColumn, FieldType, RecordField, contract};
use crate::text::normalize_name;

/// The outcome of validating one row.
#[derive(Debug, Clone, Default)]
pub struct RowOutcome {
    /// The patent, when the row is accepted.
    pub patent: Option<Patent>,
    /// Why the row is rejected (empty when accepted).
    pub errors: Vec<RowIssue>,
    /// Notes on an accepted row.
    pub warnings: Vec<RowIssue>,
}

struct Row<'a> {
    record: &'a RawRecord,
    columns: &'a Columns,
    errors: Vec<RowIssue>,
    warnings: Vec<RowIssue>,
}

impl<'a> Row<'a> {
    fn issue(&self, field: RecordField, column: Option<usize>, reason: String) -> RowIssue {
        RowIssue {
            row: self.record.row,
            field: Some(field.as_str().to_string()),
            column: column.and_then(|c| self.columns.headers.get(c).cloned()),
            reason,
        }
    }

    fn error(&mut self, field: RecordField, column: Option<usize>, reason: String) {
        let issue = self.issue(field, column, reason);
        self.errors.push(issue);
    }

    fn warn(&mut self, field: RecordField, column: Option<usize>, reason: String) {
        let issue = self.issue(field, column, reason);
        self.warnings.push(issue);
    }

    /// Returns the non-empty cells of `field`, main-IPC columns first for `ipc`.
    fn cells(&self, field: RecordField) -> Vec<(usize, &'a Value)> {
        let record: &'a RawRecord = self.record;
        let mut cells: Vec<(usize, &'a Value)> = record
            .cells
            .iter()
            .filter(|c| c.field == field && !is_empty(&c.value))
            .map(|c| (c.column, &c.value))
            .collect();
        if field == RecordField::Ipc {
            let is_main = |column: usize| {
                self.columns
                    .headers
                    .get(column)
                    .is_some_and(|h| h.contains('主') || h.to_lowercase().contains("main"))
            };
            cells.sort_by_key(|(column, _)| !is_main(*column));
        }
        cells
    }

    /// Returns the first non-empty cell of a single-valued field, checking its length.
    fn single(&mut self, field: RecordField) -> Option<(usize, &'a Value)> {
        let cells = self.cells(field);
        let (column, value) = *cells.first()?;
        if let Some(other) = cells
            .iter()
            .skip(1)
            .find(|(_, v)| values::text(v) != values::text(value))
        {
            let header = self
                .columns
                .headers
                .get(other.0)
                .cloned()
                .unwrap_or_default();
            self.warn(
                field,
                Some(other.0),
                format!("a second column '{header}' also gives this field; the first one is used"),
            );
        }
        if !self.within_limit(field, column, value) {
            return None;
        }
        Some((column, value))
    }

    /// Returns the items of a list field across its columns, checking limits.
    fn items(&mut self, field: RecordField, commas: bool) -> Vec<(usize, String)> {
        let limits = &contract().limits;
        let mut items = Vec::new();
        for (column, value) in self.cells(field) {
            if !self.within_limit(field, column, value) {
                return Vec::new();
            }
            for item in values::list(value, commas) {
                if item.chars().count() > limits.max_item_chars {
                    self.error(
                        field,
                        Some(column),
                        format!(
                            "an item is {} characters long; the limit is {}",
                            item.chars().count(),
                            limits.max_item_chars
                        ),
                    );
                    return Vec::new();
                }
                items.push((column, item));
            }
        }
        if items.len() > limits.max_items {
            self.error(
                field,
                None,
                format!("{} items; the limit is {}", items.len(), limits.max_items),
            );
            return Vec::new();
        }
        items
    }

    fn within_limit(&mut self, field: RecordField, column: usize, value: &Value) -> bool {
        let spec = contract().spec(field);
        // Events and licence terms may be JSON; no other field is a JSON object or list (a
        // list field takes a list of texts, checked item by item).
        let takes_json = matches!(spec.field_type, FieldType::Events | FieldType::LicenceTerms);
        let is_list = matches!(spec.field_type, FieldType::StringList | FieldType::IpcList);
        let nested = match value {
            Value::Object(_) => Some("a JSON object"),
            Value::Array(items) if !is_list => Some("a JSON list").filter(|_| !items.is_empty()),
            Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
                Some("a list holding objects or lists")
            }
            _ => None,
        };
        if let (Some(what), false) = (nested, takes_json) {
            self.error(
                field,
                Some(column),
                format!("{what} where a value was expected"),
            );
            return false;
        }
        let max = spec.max_chars;
        let length = match value {
            Value::String(s) => s.chars().count(),
            other => other.to_string().chars().count(),
        };
        if length > max {
            self.error(
                field,
                Some(column),
                format!("value is {length} characters long; the limit is {max}"),
            );
            return false;
        }
        true
    }

    fn text(&mut self, field: RecordField) -> Option<String> {
        let (_, value) = self.single(field)?;
        values::text(value)
    }

    fn parsed<T>(
        &mut self,
        field: RecordField,
        parse: impl Fn(&Value) -> Result<Option<T>, String>,
    ) -> Option<T> {
        let (column, value) = self.single(field)?;
        match parse(value) {
            Ok(v) => v,
            Err(reason) => {
                self.error(field, Some(column), reason);
                None
            }
        }
    }

    fn date(&mut self, field: RecordField, today: NaiveDate) -> Option<NaiveDate> {
        let date = self.parsed(field, values::date)?;
        if !values::plausible(date, today) {
            self.error(
                field,
                None,
                format!("{date} is outside the plausible range (1985 to one year from now)"),
            );
            return None;
        }
        Some(date)
    }

    fn names(&mut self, field: RecordField) -> Vec<String> {
        dedup(
            self.items(field, false)
                .into_iter()
                .map(|(_, s)| normalize_name(&s)),
        )
    }

    fn codes(&mut self, field: RecordField) -> Vec<String> {
        dedup(
            self.items(field, true)
                .into_iter()
                .map(|(_, s)| normalize_name(&s).replace(' ', "").to_uppercase()),
        )
    }
}

/// The legal status of a row. Exports give a simple status (简单法律状态: 有效 / 失效 / 审中)
/// beside a detailed one (法律状态: 未缴年费专利权终止, 期限届满, 全部无效 …): they are read as one
/// status, the more specific wording winning when both say the patent is dead (失效 is
/// lapsed, expired or invalidated). Columns that disagree otherwise keep the first and say
/// so. An unknown wording is not worth losing the patent over: it is reported and the status
/// stays a data gap.
fn legal_status(row: &mut Row<'_>) -> Option<crate::model::LegalStatus> {
    use crate::model::LegalStatus;
    let mut chosen: Option<(usize, LegalStatus)> = None;
    for (column, value) in row.cells(RecordField::LegalStatus) {
        if !row.within_limit(RecordField::LegalStatus, column, value) {
            continue;
        }
        let status = match values::legal_status(value) {
            Ok(Some(status)) => status,
            Ok(None) => continue,
            Err(reason) => {
                row.warn(
                    RecordField::LegalStatus,
                    Some(column),
                    format!("{reason}; left empty"),
                );
                continue;
            }
        };
        let Some((_, first)) = chosen else {
            chosen = Some((column, status));
            continue;
        };
        let dead = |s: LegalStatus| !s.is_alive();
        if first == status {
            continue;
        }
        if dead(first) && dead(status) {
            if first == LegalStatus::Lapsed {
                chosen = Some((column, status));
            }
            continue;
        }
        let header = row.columns.headers.get(column).cloned().unwrap_or_default();
        row.warn(
            RecordField::LegalStatus,
            Some(column),
            format!("a second column '{header}' also gives this field; the first one is used"),
        );
    }
    chosen.map(|(_, status)| status)
}

/// Folds the export columns of each kind of event (转让次数, 转让人, 受让人, 转让执行日 …) into
/// `events`: one event per counted occurrence (the count, else the longest party or date
/// list), the i-th party of each role and the i-th date going to the i-th event. The folded
/// events replace the kind's events from the `events` column unless that already lists as
/// many of them.
fn fold_event_columns(row: &mut Row<'_>, events: &mut Vec<LegalEvent>) {
    let max_items = contract().limits.max_items;
    for kind in EventKind::ALL {
        let mut count: Option<u32> = None;
        let mut parties: Vec<(&'static str, Vec<String>)> = Vec::new();
        let mut dates: Vec<NaiveDate> = Vec::new();
        for field in RecordField::ALL {
            match field.event_column() {
                Some((k, column)) if k == kind => match column {
                    EventColumn::Count => count = row.parsed(field, values::count),
                    EventColumn::Party(role) => {
                        let names = row.items(field, false).into_iter().map(|(_, s)| s);
                        parties.push((role, names.collect()));
                    }
                    EventColumn::Dates => {
                        for (column, item) in row.items(field, false) {
                            // A period (`2020-01-01至2023-01-01`) starts on its event's date.
                            let start = item.split(['至', '~', '～']).next().unwrap_or_default();
                            match values::date(&Value::String(start.trim().to_string())) {
                                Ok(Some(date)) => dates.push(date),
                                Ok(None) => {}
                                Err(reason) => row.error(field, Some(column), reason),
                            }
                        }
                    }
                },
                _ => {}
            }
        }
        let listed = parties
            .iter()
            .map(|(_, names)| names.len())
            .max()
            .unwrap_or(0);
        let n = (count.unwrap_or(0) as usize).max(listed).max(dates.len());
        if n > max_items {
            let field = RecordField::ALL
                .into_iter()
                .find(|f| f.event_column() == Some((kind, EventColumn::Count)))
                .unwrap_or(RecordField::Events);
            row.error(field, None, format!("{n} events; the limit is {max_items}"));
            continue;
        }
        if n == 0 || events.iter().filter(|e| e.kind == kind).count() >= n {
            continue;
        }
        events.retain(|e| e.kind != kind);
        for i in 0..n {
            let named: Vec<(&str, &str)> = parties
                .iter()
                .map(|(role, names)| (*role, names.get(i).map_or("", String::as_str)))
                .collect();
            events.push(LegalEvent::with_parties(
                kind,
                dates.get(i).copied(),
                &named,
            ));
        }
    }
    events.sort_by_key(|e| e.date);
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Validates one raw row. `today` bounds plausible dates.
pub fn validate(record: &RawRecord, columns: &Columns, today: NaiveDate) -> RowOutcome {
    let mut row = Row {
        record,
        columns,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let number = match row.single(RecordField::ApplicationNumber) {
        None if row.errors.is_empty() => {
            row.error(
                RecordField::ApplicationNumber,
                None,
                "missing (required)".into(),
            );
            None
        }
        None => None,
        Some((column, value)) => {
            let raw = values::text(value).unwrap_or_default();
            match ApplicationNumber::parse(&raw) {
                Ok(n) => Some(n),
                Err(e) => {
                    row.error(RecordField::ApplicationNumber, Some(column), e.to_string());
                    None
                }
            }
        }
    };
    let withdrawn = row
        .parsed(RecordField::Withdrawn, values::boolean)
        .unwrap_or(false);
    if withdrawn {
        return match number {
            Some(number) if row.errors.is_empty() => RowOutcome {
                patent: Some(Patent::withdrawal(number)),
                errors: row.errors,
                warnings: row.warnings,
            },
            _ => RowOutcome {
                patent: None,
                errors: row.errors,
                warnings: row.warnings,
            },
        };
    }
    let title = row.text(RecordField::Title);
    if title.is_none()
        && !row
            .errors
            .iter()
            .any(|e| e.field.as_deref() == Some("title"))
    {
        row.error(RecordField::Title, None, "missing (required)".into());
    }
    let mut patent = Patent::new(
        number.clone().unwrap_or_else(placeholder_number),
        title.unwrap_or_default(),
    );
    patent.abstract_text = row.text(RecordField::Abstract);
    patent.claims = row.text(RecordField::Claims);
    patent.first_claim = row.text(RecordField::FirstClaim);
    patent.independent_claims = row.text(RecordField::IndependentClaims);
    patent.claim_count = row.parsed(RecordField::ClaimCount, values::count);
    patent.independent_claim_count = row.parsed(RecordField::IndependentClaimCount, values::count);
    patent.description = row.text(RecordField::Description);
    patent.problem_solved = row.text(RecordField::ProblemSolved);
    patent.advantages = row.text(RecordField::Advantages);
    patent.maturity = row.text(RecordField::Maturity).map(|s| normalize_name(&s));
    patent.publication_numbers = row.codes(RecordField::PublicationNumbers);
    patent.cited_patents = row.codes(RecordField::CitedPatents);
    patent.citing_patents = row.codes(RecordField::CitingPatents);
    patent.family_members = row.codes(RecordField::FamilyMembers);
    patent.family_countries = row.codes(RecordField::FamilyCountries);
    patent.applicants = row.names(RecordField::Applicants);
    patent.current_assignees = row.names(RecordField::CurrentAssignees);
    patent.inventors = row.names(RecordField::Inventors);
    for (column, code) in row.items(RecordField::Ipc, true) {
        match IpcCode::parse(&code) {
            Ok(code) if !patent.ipc.contains(&code) => patent.ipc.push(code),
            Ok(_) => {}
            Err(e) => row.error(RecordField::Ipc, Some(column), e.to_string()),
        }
    }
    patent.application_date = row.date(RecordField::ApplicationDate, today);
    patent.publication_date = row.date(RecordField::PublicationDate, today);
    patent.grant_date = row.date(RecordField::GrantDate, today);
    patent.lapse_date = row.date(RecordField::LapseDate, today);
    patent.forward_citations = row.parsed(RecordField::ForwardCitations, values::count);
    patent.licence_terms = row.parsed(RecordField::LicenceTerms, values::licence_terms);
    patent.events = row
        .parsed(RecordField::Events, |v| values::events(v).map(Some))
        .unwrap_or_default();
    fold_event_columns(&mut row, &mut patent.events);
    patent.patent_type = row.parsed(RecordField::PatentType, values::patent_type);
    patent.legal_status = legal_status(&mut row);
    if let Some(number) = &number {
        let implied = PatentType::from_type_digit(number.type_digit());
        match (patent.patent_type, implied) {
            (Some(given), Some(implied)) if given != implied => row.warn(
                RecordField::PatentType,
                None,
                format!(
                    "'{}' differs from the type the application number implies ({})",
                    given.as_str(),
                    implied.as_str()
                ),
            ),
            (None, Some(implied)) => patent.patent_type = Some(implied),
            _ => {}
        }
    }
    if let (Some(filed), Some(granted)) = (patent.application_date, patent.grant_date)
        && granted < filed
    {
        row.error(
            RecordField::GrantDate,
            None,
            format!("grant date {granted} is before the application date {filed}"),
        );
    }
    if row.errors.is_empty() && number.is_some() {
        RowOutcome {
            patent: Some(patent),
            errors: row.errors,
            warnings: row.warnings,
        }
    } else {
        RowOutcome {
            patent: None,
            errors: row.errors,
            warnings: row.warnings,
        }
    }
}

/// A valid number standing in while the other fields of a row with a bad number are
/// checked, so that the report lists every problem of the row at once; the record is dropped.
fn placeholder_number() -> ApplicationNumber {
    static PLACEHOLDER: std::sync::LazyLock<ApplicationNumber> = std::sync::LazyLock::new(|| {
        ApplicationNumber::parse("CN202110123456.7")
            .expect("constant number has a valid check digit")
    });
    PLACEHOLDER.clone()
}

/// Returns the optional fields a patent lacks (data gaps).
pub fn gaps(patent: &Patent) -> Vec<RecordField> {
    let mut missing = Vec::new();
    let checks: [(RecordField, bool); 22] = [
        (
            RecordField::PublicationNumbers,
            patent.publication_numbers.is_empty(),
        ),
        (RecordField::PatentType, patent.patent_type.is_none()),
        (RecordField::Abstract, patent.abstract_text.is_none()),
        (
            RecordField::Claims,
            patent.claims.is_none()
                && patent.first_claim.is_none()
                && patent.independent_claims.is_none()
                && patent.claim_count.is_none(),
        ),
        (RecordField::Description, patent.description.is_none()),
        (RecordField::Ipc, patent.ipc.is_empty()),
        (RecordField::Applicants, patent.applicants.is_empty()),
        (
            RecordField::CurrentAssignees,
            patent.current_assignees.is_empty(),
        ),
        (RecordField::Inventors, patent.inventors.is_empty()),
        (
            RecordField::ApplicationDate,
            patent.application_date.is_none(),
        ),
        (
            RecordField::PublicationDate,
            patent.publication_date.is_none(),
        ),
        (RecordField::GrantDate, patent.grant_date.is_none()),
        (RecordField::LegalStatus, patent.legal_status.is_none()),
        (RecordField::Events, patent.events.is_empty()),
        (RecordField::CitedPatents, patent.cited_patents.is_empty()),
        (
            RecordField::ForwardCitations,
            patent.forward_citations.is_none(),
        ),
        (RecordField::FamilyMembers, patent.family_members.is_empty()),
        (
            RecordField::FamilyCountries,
            patent.family_countries.is_empty(),
        ),
        (RecordField::Maturity, patent.maturity.is_none()),
        (RecordField::ProblemSolved, patent.problem_solved.is_none()),
        (RecordField::Advantages, patent.advantages.is_none()),
        (RecordField::LicenceTerms, patent.licence_terms.is_none()),
    ];
    for (field, is_missing) in checks {
        debug_assert!(contract().spec(field).field_type != FieldType::ApplicationNumber);
        if is_missing {
            missing.push(field);
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::raw::RawCell;
    use serde_json::json;

    fn record(cells: &[(&str, Value)]) -> (RawRecord, Columns) {
        let mut columns = Columns::default();
        let cells = cells
            .iter()
            .map(|(header, value)| {
                let column = columns.add(header);
                RawCell {
                    field: columns.fields[column].unwrap(),
                    column,
                    value: value.clone(),
                }
            })
            .collect();
        (RawRecord { row: 5, cells }, columns)
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn export_event_columns_fold_into_events() {
        use crate::model::EventKind;
        let (r, c) = record(&[
            ("申请号", json!("2021101234567")),
            ("标题", json!("一种压力传感器")),
            ("转让次数", json!(2)),
            ("转让人", json!("北京理工大学；北京理工大学")),
            ("受让人", json!("甲公司；乙公司")),
            ("转让执行日", json!("2022-03-01；2023-05-02")),
            ("质押次数", json!("1")),
            ("质押期限", json!("2023-06-01至2026-06-01")),
            ("许可次数", json!(1)),
            (
                "法律事件",
                json!("许可:2021-01-01；获奖:2022-12-05:北京市发明专利奖一等奖"),
            ),
            ("首项权利要求", json!("一种压力传感器，包括导体；介质层。")),
            ("权利要求数量", json!(8)),
        ]);
        let p = validate(&r, &c, today()).patent.unwrap();
        let events: Vec<(EventKind, Option<NaiveDate>, Option<&str>)> = p
            .events
            .iter()
            .map(|e| (e.kind, e.date, e.note.as_deref()))
            .collect();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            events,
            [
                // A count of one beside a 法律事件 item of its kind keeps the item.
                (EventKind::Licence, day(2021, 1, 1), None),
                (
                    EventKind::Transfer,
                    day(2022, 3, 1),
                    Some("转让人：北京理工大学；受让人：甲公司")
                ),
                (
                    EventKind::Award,
                    day(2022, 12, 5),
                    Some("北京市发明专利奖一等奖")
                ),
                (
                    EventKind::Transfer,
                    day(2023, 5, 2),
                    Some("转让人：北京理工大学；受让人：乙公司")
                ),
                (EventKind::Pledge, day(2023, 6, 1), None),
            ]
        );
        assert_eq!(p.claims, None, "a first claim alone is not the claims");
        assert_eq!(
            p.first_claim.as_deref(),
            Some("一种压力传感器，包括导体；介质层。")
        );
        assert_eq!(p.claim_count, Some(8));
        let (r, c) = record(&[
            ("申请号", json!("2021101234567")),
            ("标题", json!("甲")),
            ("诉讼次数", json!(1_000_000)),
        ]);
        let outcome = validate(&r, &c, today());
        assert!(outcome.patent.is_none());
        assert_eq!(outcome.errors[0].field.as_deref(), Some("litigation_count"));
    }

    #[test]
    fn a_full_chinese_row_becomes_a_patent() {
        let (r, c) = record(&[
            ("申请号", json!("2021101234567")),
            ("标题", json!("一种压力传感器")),
            ("IPC分类号", json!("G01L 1/14; H01L 21/66")),
            ("IPC主分类号", json!("G01L 9/00")),
            ("申请人", json!("清华大学；北京（京东方）科技有限公司")),
            ("申请日", json!("2021/1/5")),
            ("法律状态", json!("有效")),
            ("被引证次数", json!(3.0)),
        ]);
        let outcome = validate(&r, &c, today());
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        let p = outcome.patent.unwrap();
        assert_eq!(p.application_number.as_str(), "CN202110123456.7");
        let ipc: Vec<_> = p.ipc.iter().map(|c| c.as_str()).collect();
        assert_eq!(ipc, ["G01L9/00", "G01L1/14", "H01L21/66"]);
        assert_eq!(p.applicants, ["清华大学", "北京(京东方)科技有限公司"]);
        assert_eq!(p.forward_citations, Some(3));
        assert_eq!(p.patent_type, Some(PatentType::Invention));
        assert!(gaps(&p).contains(&RecordField::Claims));
    }

    #[test]
    fn errors_name_field_and_column() {
        let (r, c) = record(&[("申请号", json!("CN202110123456.8")), ("名称", json!(""))]);
        let outcome = validate(&r, &c, today());
        assert!(outcome.patent.is_none());
        let messages: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0]
                .starts_with("row 5, field application_number (column '申请号'): check digit"),
            "{messages:?}"
        );
        assert_eq!(messages[1], "row 5, field title: missing (required)");
    }

    #[test]
    fn oversized_and_malformed_values_reject_the_row() {
        let long = "长".repeat(1001);
        let (r, c) = record(&[
            ("application_number", json!("CN202110123456.7")),
            ("title", json!(long)),
        ]);
        let outcome = validate(&r, &c, today());
        assert!(outcome.patent.is_none());
        assert!(
            outcome.errors[0]
                .to_string()
                .contains("field title: value is 1001 characters long; the limit is 1000")
        );
        let (r, c) = record(&[
            ("application_number", json!("CN202110123456.7")),
            ("title", json!("x")),
            ("application_date", json!("2021-13-01")),
        ]);
        let outcome = validate(&r, &c, today());
        assert_eq!(outcome.errors[0].field.as_deref(), Some("application_date"));
    }

    #[test]
    fn withdrawal_needs_only_the_number_and_unknown_status_is_a_warning() {
        let (r, c) = record(&[("申请号", json!("CN202110123456.7")), ("撤回", json!("是"))]);
        let p = validate(&r, &c, today()).patent.unwrap();
        assert!(p.withdrawn);
        let (r, c) = record(&[
            ("申请号", json!("CN202110123456.7")),
            ("标题", json!("x")),
            ("法律状态", json!("蓝色")),
        ]);
        let outcome = validate(&r, &c, today());
        assert!(outcome.patent.unwrap().legal_status.is_none());
        assert_eq!(outcome.warnings[0].field.as_deref(), Some("legal_status"));
    }
}
