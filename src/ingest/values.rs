//! Interpretation of single raw values: dates, patent types, legal statuses, counts, booleans,
//! lists, events and licence terms, in the spellings Chinese exports use.

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use crate::model::{EventKind, LegalEvent, LegalStatus, LicenceTerms, PatentType};

/// Returns the value as trimmed text, or `None` when empty. Numbers and booleans are
/// written out; an integral float loses its `.0` (Excel stores numbers as floats).
pub fn text(value: &Value) -> Option<String> {
    let s = match value {
        Value::Null => return None,
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Array(_) | Value::Object(_) => value.to_string(),
    };
    (!s.is_empty()).then_some(s)
}

/// Splits a list value: a JSON array, or text separated by `;` `；` or line breaks (and `,`
/// `，` `|` too when `commas` is set, for codes that never contain them).
pub fn list(value: &Value, commas: bool) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(|v| list(v, commas)).collect(),
        other => {
            let Some(s) = text(other) else {
                return Vec::new();
            };
            let separators: &[char] = if commas {
                &[';', '；', '\n', '\r', ',', '，', '|']
            } else {
                &[';', '；', '\n', '\r']
            };
            s.split(separators)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        }
    }
}

/// Parses a date: `2021-01-05`, `2021/1/5`, `2021.01.05`, `20210105`, `2021年1月5日`,
/// a date-time whose date part is one of those, or an Excel serial day number.
pub fn date(value: &Value) -> Result<Option<NaiveDate>, String> {
    if let Value::Number(n) = value {
        let Some(f) = n.as_f64() else {
            return Err(format!("'{n}' is not a date"));
        };
        if (19_000_101.0..=21_001_231.0).contains(&f) && f.fract() == 0.0 {
            return date(&Value::String(format!("{}", f as i64)));
        }
        if (1.0..=80_000.0).contains(&f) {
            // Excel serial: days since 1899-12-30.
            let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or("bad epoch")?;
            return Ok(base.checked_add_days(chrono::Days::new(f as u64)));
        }
        return Err(format!("'{n}' is not a date"));
    }
    let Some(s) = text(value) else {
        return Ok(None);
    };
    let date_part = s.split(['T', ' ']).next().unwrap_or(&s);
    let digits: Vec<&str> = date_part
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let (y, m, d) = match digits.as_slice() {
        [ymd] if ymd.len() == 8 => match (ymd.get(..4), ymd.get(4..6), ymd.get(6..)) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            _ => return Err(format!("'{s}' is not a date (expected e.g. 2021-01-05)")),
        },
        [y, m, d] => (*y, *m, *d),
        _ => return Err(format!("'{s}' is not a date (expected e.g. 2021-01-05)")),
    };
    let parsed = match (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
        (Ok(y), Ok(m), Ok(d)) if (1950..=2100).contains(&y) => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    match parsed {
        Some(date) => Ok(Some(date)),
        None => Err(format!("'{s}' is not a valid calendar date")),
    }
}

/// Parses a patent type in English or Chinese.
pub fn patent_type(value: &Value) -> Result<Option<PatentType>, String> {
    let Some(s) = text(value) else {
        return Ok(None);
    };
    let lower = s.to_lowercase();
    let t = if lower.contains("invention") || s.contains("发明") {
        PatentType::Invention
    } else if lower.contains("utility") || s.contains("实用新型") {
        PatentType::UtilityModel
    } else if lower.contains("design") || s.contains("外观") {
        PatentType::Design
    } else {
        return Err(format!(
            "'{s}' is not a patent type (invention/发明, utility_model/实用新型, design/外观设计)"
        ));
    };
    Ok(Some(t))
}

/// Parses a legal status in English or in the Chinese wordings of CNIPA, incoPat and PatSnap.
/// Returns `Err` for text that names no status we know.
pub fn legal_status(value: &Value) -> Result<Option<LegalStatus>, String> {
    let Some(s) = text(value) else {
        return Ok(None);
    };
    let lower = s.to_lowercase().replace([' ', '-'], "_");
    let status = match lower.as_str() {
        "pending" => LegalStatus::Pending,
        "in_force" | "active" | "granted" | "alive" => LegalStatus::InForce,
        "lapsed" | "dead" | "abandoned" | "withdrawn" | "rejected" | "refused" => {
            LegalStatus::Lapsed
        }
        "expired" => LegalStatus::Expired,
        "invalidated" | "invalid" | "revoked" => LegalStatus::Invalidated,
        _ => {
            // Order matters: 期限届满 and 无效 before the general 失效 family.
            if s.contains("期限届满") || s.contains("届满") {
                LegalStatus::Expired
            } else if s.contains("全部无效") || s.contains("宣告无效") || s == "无效" {
                LegalStatus::Invalidated
            } else if ["失效", "未缴年费", "终止", "放弃", "撤回", "驳回", "视为"]
                .iter()
                .any(|k| s.contains(k))
            {
                LegalStatus::Lapsed
            } else if ["有效", "授权", "维持", "权利转移", "许可", "质押"]
                .iter()
                .any(|k| s.contains(k))
            {
                LegalStatus::InForce
            } else if ["审中", "实质审查", "实审", "公开", "申请中", "审查"]
                .iter()
                .any(|k| s.contains(k))
            {
                LegalStatus::Pending
            } else {
                return Err(format!(
                    "'{s}' is not a legal status we know (pending/审中, in_force/有效, lapsed/失效, expired/期限届满, invalidated/无效)"
                ));
            }
        }
    };
    Ok(Some(status))
}

/// Parses a non-negative count.
pub fn count(value: &Value) -> Result<Option<u32>, String> {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= f64::from(u32::MAX) => {
                Ok(Some(f as u32))
            }
            _ => Err(format!("'{n}' is not a non-negative whole number")),
        },
        other => match text(other) {
            None => Ok(None),
            Some(s) => s
                .parse::<u32>()
                .map(Some)
                .map_err(|_| format!("'{s}' is not a non-negative whole number")),
        },
    }
}

/// Parses a boolean: true/false, 1/0, yes/no, 是/否, or the words 撤回 / withdraw.
pub fn boolean(value: &Value) -> Result<Option<bool>, String> {
    if let Value::Bool(b) = value {
        return Ok(Some(*b));
    }
    let Some(s) = text(value) else {
        return Ok(None);
    };
    match s.to_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "是" | "撤回" | "withdraw" | "withdrawn" => Ok(Some(true)),
        "false" | "0" | "no" | "n" | "否" => Ok(Some(false)),
        _ => Err(format!(
            "'{s}' is not a yes/no value (true/false, 是/否, 1/0)"
        )),
    }
}

/// Parses an event kind in English or Chinese.
pub fn event_kind(s: &str) -> Option<EventKind> {
    let lower = s.trim().to_lowercase();
    for kind in EventKind::ALL {
        if lower == kind.as_str() || (kind == EventKind::Licence && lower == "license") {
            return Some(kind);
        }
    }
    if s.contains("开放许可") {
        Some(EventKind::OpenLicence)
    } else if s.contains("转让") || s.contains("转移") {
        Some(EventKind::Transfer)
    } else if s.contains("许可") {
        Some(EventKind::Licence)
    } else if s.contains("质押") {
        Some(EventKind::Pledge)
    } else if s.contains("无效") || s.contains("复审") {
        Some(EventKind::Reexamination)
    } else if s.contains("诉讼") {
        Some(EventKind::Litigation)
    } else if s.contains("奖") {
        Some(EventKind::Award)
    } else {
        None
    }
}

/// Parses events: a JSON array of `{kind, date, note}` (or its JSON text), or text items
/// `kind:date` separated by `;` (`转让:2021-05-01；许可:2022-01-10`).
pub fn events(value: &Value) -> Result<Vec<LegalEvent>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| event(item).transpose())
            .collect(),
        Value::Object(_) => Ok(event(value)?.into_iter().collect()),
        Value::String(s) if s.trim_start().starts_with('[') || s.trim_start().starts_with('{') => {
            let parsed: Value =
                serde_json::from_str(s).map_err(|e| format!("events are not valid JSON: {e}"))?;
            events(&parsed)
        }
        other => list(other, false)
            .iter()
            .filter_map(|item| event(&Value::String(item.clone())).transpose())
            .collect(),
    }
}

/// Words of CNIPA's procedural events (公开, 实质审查的生效, 授权, 专利权的终止 …), which export
/// tools list among the legal events: they are not market events and are passed over.
const PROCEDURAL_EVENTS: [&str; 16] = [
    "公开",
    "公布",
    "实质审查",
    "授权",
    "终止",
    "届满",
    "驳回",
    "撤回",
    "视为",
    "放弃",
    "变更",
    "恢复",
    "更正",
    "中止",
    "年费",
    "著录",
];

/// One event; `None` for a CNIPA procedural event in the text form.
fn event(value: &Value) -> Result<Option<LegalEvent>, String> {
    match value {
        Value::Object(map) => {
            let kind_text = map.get("kind").and_then(text).unwrap_or_default();
            let kind = event_kind(&kind_text)
                .ok_or_else(|| format!("'{kind_text}' is not an event kind"))?;
            let date = match map.get("date") {
                Some(d) => date(d)?,
                None => None,
            };
            let note = map.get("note").and_then(text);
            Ok(Some(LegalEvent { kind, date, note }))
        }
        other => {
            let s = text(other).unwrap_or_default();
            // `2020-01-03 专利权的转移`: a leading date, as CNIPA's event lists print them.
            let (leading, s) = match s.trim().split_once(char::is_whitespace) {
                Some((first, rest)) if !rest.trim().is_empty() => {
                    match date(&Value::String(first.to_string())) {
                        Ok(Some(d))
                            if first
                                .chars()
                                .all(|c| c.is_ascii_digit() || "-/.".contains(c)) =>
                        {
                            (Some(d), rest.trim().to_string())
                        }
                        _ => (None, s.clone()),
                    }
                }
                _ => (None, s.clone()),
            };
            let (kind_text, rest) = s
                .split_once([':', '：'])
                .map_or((s.as_str(), ""), |(k, r)| (k, r));
            let Some(kind) = event_kind(kind_text) else {
                if PROCEDURAL_EVENTS.iter().any(|w| kind_text.contains(w)) {
                    return Ok(None);
                }
                return Err(format!(
                    "'{kind_text}' is not an event kind (transfer/转让, licence/许可, pledge/质押, litigation/诉讼, reexamination/复审/无效, open_licence/开放许可, award/奖励)"
                ));
            };
            if leading.is_some() {
                return Ok(Some(LegalEvent {
                    kind,
                    date: leading,
                    note: None,
                }));
            }
            // `kind:date:note`: the note is whatever follows the date (a date with a time of
            // day stays a date).
            let (date_text, note) = match rest.split_once([':', '：']) {
                Some((d, n)) if n.trim().chars().next().is_some_and(|c| !c.is_ascii_digit()) => {
                    (d, Some(n.trim().to_string()))
                }
                _ => (rest, None),
            };
            let date = if date_text.trim().is_empty() {
                None
            } else {
                date(&Value::String(date_text.trim().to_string()))?
            };
            Ok(Some(LegalEvent { kind, date, note }))
        }
    }
}

/// Parses licence terms: a JSON object `{open_licence, price, contact}` (or its text), or free
/// text, kept as the price, with 开放许可 marking an open licence.
pub fn licence_terms(value: &Value) -> Result<Option<LicenceTerms>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Object(_) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|e| format!("licence terms: {e}")),
        Value::String(s) if s.trim_start().starts_with('{') => {
            let parsed: Value = serde_json::from_str(s)
                .map_err(|e| format!("licence terms are not valid JSON: {e}"))?;
            licence_terms(&parsed)
        }
        other => Ok(text(other).map(|s| LicenceTerms {
            open_licence: s.contains("开放许可").then_some(true),
            price: Some(s),
            contact: None,
        })),
    }
}

/// Whether a date lies in a plausible range for patents (not after `today` + one year).
pub fn plausible(date: NaiveDate, today: NaiveDate) -> bool {
    date.year() >= 1985 && date <= today + chrono::Days::new(366)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_in_export_spellings() {
        for raw in [
            "2021-01-05",
            "2021/1/5",
            "2021.01.05",
            "20210105",
            "2021年1月5日",
            "2021-01-05T00:00:00",
        ] {
            assert_eq!(date(&json!(raw)).unwrap(), Some(ymd(2021, 1, 5)), "{raw}");
        }
        assert_eq!(date(&json!(20210105)).unwrap(), Some(ymd(2021, 1, 5)));
        assert_eq!(date(&json!(44201.0)).unwrap(), Some(ymd(2021, 1, 5)));
        assert_eq!(date(&json!("")).unwrap(), None);
        assert!(
            date(&json!("2021-02-30"))
                .unwrap_err()
                .contains("not a valid calendar date")
        );
        assert!(date(&json!("next week")).is_err());
    }

    #[test]
    fn statuses_and_types_in_chinese() {
        assert_eq!(
            legal_status(&json!("有效")).unwrap(),
            Some(LegalStatus::InForce)
        );
        assert_eq!(
            legal_status(&json!("未缴年费专利权终止")).unwrap(),
            Some(LegalStatus::Lapsed)
        );
        assert_eq!(
            legal_status(&json!("期限届满")).unwrap(),
            Some(LegalStatus::Expired)
        );
        assert_eq!(
            legal_status(&json!("实质审查")).unwrap(),
            Some(LegalStatus::Pending)
        );
        assert_eq!(
            legal_status(&json!("in_force")).unwrap(),
            Some(LegalStatus::InForce)
        );
        assert!(legal_status(&json!("蓝色")).is_err());
        assert_eq!(
            patent_type(&json!("发明授权")).unwrap(),
            Some(PatentType::Invention)
        );
        assert_eq!(
            patent_type(&json!("实用新型")).unwrap(),
            Some(PatentType::UtilityModel)
        );
        assert!(patent_type(&json!("软件著作权")).is_err());
    }

    #[test]
    fn lists_counts_and_booleans() {
        assert_eq!(
            list(&json!("清华大学；北京大学; 北京航空航天大学"), false),
            ["清华大学", "北京大学", "北京航空航天大学"]
        );
        assert_eq!(
            list(&json!("H01L21/66, G06F16/35"), true),
            ["H01L21/66", "G06F16/35"]
        );
        assert_eq!(list(&json!(["a", ["b"]]), false), ["a", "b"]);
        assert_eq!(count(&json!(12.0)).unwrap(), Some(12));
        assert_eq!(count(&json!("7")).unwrap(), Some(7));
        assert!(count(&json!(-1)).is_err());
        assert!(count(&json!("many")).is_err());
        assert_eq!(boolean(&json!("是")).unwrap(), Some(true));
        assert_eq!(
            text(&json!(2021101234567.0)).as_deref(),
            Some("2021101234567")
        );
    }

    #[test]
    fn events_and_licence_terms() {
        let parsed = events(&json!("转让:2021-05-01；许可")).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].kind, EventKind::Transfer);
        assert_eq!(parsed[0].date, Some(ymd(2021, 5, 1)));
        assert_eq!(parsed[1].kind, EventKind::Licence);
        let json_events = events(&json!(r#"[{"kind":"pledge","date":"2020-01-01"}]"#)).unwrap();
        assert_eq!(json_events[0].kind, EventKind::Pledge);
        assert!(events(&json!("赠送:2020-01-01")).is_err());
        // CNIPA's event list as incoPat prints it: procedural events are passed over.
        let listed = events(&json!(
            "2019-03-01 实质审查的生效；2020-05-12 授权；2021-06-30 专利权的转移；2022-01-04 专利实施许可合同备案的生效"
        ))
        .unwrap();
        assert_eq!(
            listed.iter().map(|e| (e.kind, e.date)).collect::<Vec<_>>(),
            [
                (EventKind::Transfer, Some(ymd(2021, 6, 30))),
                (EventKind::Licence, Some(ymd(2022, 1, 4)))
            ]
        );
        let noted = events(&json!(
            "获奖:2021-12-05:第二十三届中国专利奖优秀奖；复审/无效:2022-01-02 10:30:00"
        ))
        .unwrap();
        assert_eq!(noted[0].note.as_deref(), Some("第二十三届中国专利奖优秀奖"));
        assert_eq!(
            (noted[1].kind, noted[1].date, noted[1].note.as_deref()),
            (EventKind::Reexamination, Some(ymd(2022, 1, 2)), None)
        );
        let terms = licence_terms(&json!("开放许可，年费2万元"))
            .unwrap()
            .unwrap();
        assert_eq!(terms.open_licence, Some(true));
        let object = licence_terms(&json!({"price": "面议"})).unwrap().unwrap();
        assert_eq!(object.price.as_deref(), Some("面议"));
    }

    use proptest::prelude::*;

    /// A raw cell as any reader may hand it over: text, a number (NaN and the infinities
    /// become text), a boolean, or a small JSON structure.
    fn cell() -> impl Strategy<Value = Value> {
        prop_oneof![
            "\\PC{0,30}".prop_map(Value::String),
            "[0-9年月日/.\\-: T]{0,20}".prop_map(Value::String),
            any::<f64>().prop_map(|f| crate::ingest::raw::float_value(Some(f))),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            "\\PC{0,20}".prop_map(|s| serde_json::json!([s, {"kind": s, "date": s}])),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Every value parser answers a value or a message for any cell, never a panic.
        #[test]
        fn every_value_parser_answers_any_cell(value in cell()) {
            let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
            if let Ok(Some(date)) = date(&value) {
                let _ = plausible(date, today);
            }
            let _ = patent_type(&value);
            let _ = legal_status(&value);
            let _ = count(&value);
            let _ = boolean(&value);
            let _ = events(&value);
            let _ = licence_terms(&value);
            let _ = list(&value, true);
            let _ = text(&value);
        }
    }
}
