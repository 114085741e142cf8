//! Faults of single values (numbers, dates, codes, counts, flags, events, control characters,
//! values of the wrong shape) and of institution names.

use super::{BadSample, Expected, csv, good, number};

/// One bad value: the sample's name, the column (header) and value of the bad row, and the
/// text its row error (or warning) holds.
struct Case {
    name: &'static str,
    column: &'static str,
    value: String,
    message: &'static str,
    warning: bool,
}

fn case(name: &'static str, column: &'static str, value: &str, message: &'static str) -> Case {
    Case {
        name,
        column,
        value: value.to_string(),
        message,
        warning: false,
    }
}

/// Bad values, each in a CSV of one bad and one good row (the number column's cases replace
/// the number; the others add a column).
pub(super) fn values(out: &mut Vec<BadSample>) {
    let number_cases = [
        case(
            "number_check_digit.csv",
            "申请号",
            "CN202110123456.8",
            "check digit of 'CN202110123456.8' is wrong",
        ),
        case(
            "number_too_short.csv",
            "申请号",
            "CN2021101",
            "is not a CN application number",
        ),
        case(
            "number_pct.csv",
            "申请号",
            "PCT/CN2020/123456",
            "is not a CN application number",
        ),
        case(
            "number_letters.csv",
            "申请号",
            "CN20211012345A.7",
            "is not a CN application number",
        ),
        case(
            "number_ends_in_han_13.csv",
            "申请号",
            "1234567890中",
            "is not a CN application number",
        ),
        case(
            "number_ends_in_han_9.csv",
            "申请号",
            "123456中",
            "is not a CN application number",
        ),
        case(
            "number_han_only.csv",
            "申请号",
            "中文申请号",
            "is not a CN application number",
        ),
        case(
            "number_emoji.csv",
            "申请号",
            "CN2021101234🙂.7",
            "is not a CN application number",
        ),
        case(
            "number_two_dots.csv",
            "申请号",
            "CN202110123456.7.7",
            "is not a CN application number",
        ),
        case(
            "number_prefix_only.csv",
            "申请号",
            "CN",
            "is not a CN application number",
        ),
        case(
            "number_digit_missing.csv",
            "申请号",
            "20211012345",
            "is not a CN application number",
        ),
        case(
            "number_check_not_digit.csv",
            "申请号",
            "CN202110123456.Y",
            "is not a CN application number",
        ),
        case(
            "number_dot_only.csv",
            "申请号",
            ".",
            "is not a CN application number",
        ),
        case(
            "number_combining_mark.csv",
            "申请号",
            "CN202110123456.7\u{301}",
            "is not a CN application number",
        ),
    ];
    for (i, c) in number_cases.into_iter().enumerate() {
        let serial = 400 + 2 * i as u32;
        let mut bad = good(serial);
        bad[0] = c.value.clone();
        out.push(BadSample::rows(
            c.name,
            "values",
            csv(&["申请号", "标题", "摘要"], &[bad, good(serial + 1)]),
            1,
            c.message,
        ));
    }
    let other_cases = [
        case("title_blank.csv", "标题", " ", "missing (required)"),
        case(
            "date_not_calendar.csv",
            "申请日",
            "2021-02-30",
            "is not a valid calendar date",
        ),
        case("date_words.csv", "申请日", "去年春天", "is not a date"),
        case(
            "date_far_future.csv",
            "申请日",
            "2999-01-01",
            "is not a valid calendar date",
        ),
        case(
            "date_before_1950.csv",
            "申请日",
            "1900-01-01",
            "is not a valid calendar date",
        ),
        case(
            "date_implausible.csv",
            "申请日",
            "1960-05-01",
            "outside the plausible range",
        ),
        case(
            "date_range.csv",
            "申请日",
            "2021-01-05至2021-01-06",
            "is not a date",
        ),
        case(
            "date_month_13.csv",
            "公开日",
            "2021/13/01",
            "is not a valid calendar date",
        ),
        case(
            "date_huge_number.csv",
            "授权日",
            "99999999999",
            "is not a date",
        ),
        case(
            "grant_before_filing.csv",
            "授权日",
            "2001-01-01",
            "is before the application date",
        ),
        case(
            "ipc_garbage.csv",
            "IPC主分类号",
            "XYZ",
            "is not an IPC code",
        ),
        case(
            "ipc_group_too_long.csv",
            "IPC主分类号",
            "H01L 99999/1",
            "is not an IPC code",
        ),
        case(
            "ipc_section_z.csv",
            "IPC主分类号",
            "Z01L21/66",
            "is not an IPC code",
        ),
        case(
            "type_unknown.csv",
            "专利类型",
            "专利",
            "is not a patent type",
        ),
        case(
            "count_negative.csv",
            "被引证次数",
            "-1",
            "is not a non-negative whole number",
        ),
        case(
            "count_fraction.csv",
            "被引证次数",
            "1.5",
            "is not a non-negative whole number",
        ),
        case(
            "count_nan.csv",
            "被引证次数",
            "NaN",
            "is not a non-negative whole number",
        ),
        case(
            "count_infinite.csv",
            "被引证次数",
            "inf",
            "is not a non-negative whole number",
        ),
        case(
            "count_overflow.csv",
            "被引证次数",
            "99999999999999999999",
            "is not a non-negative whole number",
        ),
        case(
            "count_han_numeral.csv",
            "被引证次数",
            "十",
            "is not a non-negative whole number",
        ),
        case(
            "withdrawn_maybe.csv",
            "撤回",
            "maybe",
            "is not a yes/no value",
        ),
        case(
            "events_bad_json.csv",
            "法律事件",
            "[{\"kind\":",
            "events are not valid JSON",
        ),
        case(
            "events_unknown_kind.csv",
            "法律事件",
            "跳舞:2021-05-01",
            "is not an event kind",
        ),
        case(
            "events_bad_date.csv",
            "法律事件",
            "转让:2021-13-45",
            "is not a valid calendar date",
        ),
        Case {
            warning: true,
            ..case(
                "title_ansi_escape.csv",
                "标题",
                "\u{1b}[31m一种传感器\u{1b}[0m",
                "removed the control character U+001B (at character 1)",
            )
        },
        Case {
            warning: true,
            ..case(
                "applicant_bell.csv",
                "申请人",
                "清华大学\u{7}",
                "removed the control character U+0007 (at character 5)",
            )
        },
        Case {
            warning: true,
            ..case(
                "abstract_c1_control.csv",
                "摘要",
                "本发明\u{85}公开了",
                "removed the control character U+0085 (at character 4)",
            )
        },
        Case {
            warning: true,
            ..case(
                "status_unknown.csv",
                "法律状态",
                "某种状态",
                "is not a legal status we know",
            )
        },
        Case {
            warning: true,
            ..case(
                "type_against_number.csv",
                "专利类型",
                "外观设计",
                "differs from the type the application number implies",
            )
        },
    ];
    for (i, c) in other_cases.into_iter().enumerate() {
        let serial = 500 + 2 * i as u32;
        let mut header = vec!["申请号", "标题", "摘要", "申请日"];
        let mut bad = good(serial);
        bad.push("2021-01-05".into());
        let mut fine = good(serial + 1);
        fine.push("2021-01-05".into());
        match header.iter().position(|h| *h == c.column) {
            Some(at) => bad[at] = c.value.clone(),
            None => {
                header.push(c.column);
                bad.push(c.value.clone());
                fine.push(String::new());
            }
        }
        let bytes = csv(&header, &[bad, fine]);
        out.push(if c.warning {
            BadSample {
                expected: Expected::Warned {
                    accepted: 2,
                    message: c.message.into(),
                },
                ..BadSample::rows(c.name, "values", bytes, 2, c.message)
            }
        } else {
            BadSample::rows(c.name, "values", bytes, 1, c.message)
        });
    }
    let json_cases: [(&str, String, &str); 5] = [
        (
            "title_object.jsonl",
            "{\"zh\":\"一种传感器\"}".into(),
            "a JSON object where a value was expected",
        ),
        (
            "title_list.jsonl",
            "[\"一种\",\"传感器\"]".into(),
            "a JSON list where a value was expected",
        ),
        (
            "applicants_nested.jsonl",
            "\"甲\",\"applicants\":[[\"清华大学\"]]".into(),
            "a list holding objects or lists",
        ),
        (
            "count_string.jsonl",
            "\"甲\",\"forward_citations\":\"很多\"".into(),
            "is not a non-negative whole number",
        ),
        (
            "withdrawn_number.jsonl",
            "\"甲\",\"withdrawn\":7".into(),
            "is not a yes/no value",
        ),
    ];
    for (i, (name, title, message)) in json_cases.into_iter().enumerate() {
        let serial = 600 + 2 * i as u32;
        let text = format!(
            "{{\"application_number\":\"{}\",\"title\":{title}}}\n{{\"application_number\":\"{}\",\"title\":\"乙\"}}\n",
            number(serial),
            number(serial + 1)
        );
        out.push(BadSample::rows(
            name,
            "values",
            text.into_bytes(),
            1,
            message,
        ));
    }
    let nul = format!(
        "{{\"application_number\":\"{}\",\"title\":\"一种\\u0000传感器\"}}\n",
        number(620)
    );
    out.push(BadSample {
        expected: Expected::Warned {
            accepted: 1,
            message: "removed the control character U+0000 (at character 3)".into(),
        },
        ..BadSample::rows("title_nul.jsonl", "values", nul.into_bytes(), 1, "")
    });
}

/// Institution names that are refused: empty, invisible or control characters, too long.
pub(super) fn names(out: &mut Vec<BadSample>) {
    let file = csv(&["申请号", "标题", "摘要"], &[good(800)]);
    let cases: [(&str, String, &str); 10] = [
        (
            "name_empty.csv",
            String::new(),
            "the institution name is empty",
        ),
        (
            "name_blank.csv",
            " \u{3000} ".into(),
            "the institution name is empty",
        ),
        (
            "name_zero_width_only.csv",
            "\u{200B}".into(),
            "U+200B at character 1",
        ),
        (
            "name_zero_width_inside.csv",
            "清华\u{200B}大学".into(),
            "U+200B at character 3",
        ),
        (
            "name_ansi_escape.csv",
            "\u{1b}[31m清华大学".into(),
            "U+001B at character 1",
        ),
        (
            "name_newline.csv",
            "清华大学\n北京大学".into(),
            "U+000A at character 5",
        ),
        (
            "name_bidi_override.csv",
            "清华\u{202E}学大".into(),
            "U+202E at character 3",
        ),
        (
            "name_byte_order_mark.csv",
            "\u{FEFF}清华大学".into(),
            "U+FEFF at character 1",
        ),
        (
            "name_tag_characters.csv",
            "清华大学\u{E0041}".into(),
            "U+E0041 at character 5",
        ),
        (
            "name_too_long.csv",
            "大".repeat(5_000),
            "the institution name has 5000 characters; at most 200",
        ),
    ];
    for (name, institution, message) in cases {
        out.push(BadSample {
            name: name.to_string(),
            kind: "names",
            bytes: file.clone(),
            institution,
            expected: Expected::Institution {
                message: message.into(),
            },
        });
    }
}
