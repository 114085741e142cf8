//! Mining the abbreviations and aliases that drafters define in a patent's own text:
//! `全称（缩写）` (窄带物联网（NB-IoT）), `缩写（全称）` (PVDF（聚偏氟乙烯）), and
//! `全称（简称/又称/俗称/即/以下简称 …）`.
//!
//! The full name is the noun phrase before the parenthesis: the Han characters before it, cut
//! by jieba, with leading function words and verbs (采用, 一种, 所述 …) dropped. An abbreviation
//! is a Latin acronym or formula (2–16 characters, a letter among them, not a unit or a step
//! label such as S101); an alias after 简称, 又称, 俗称 or 即 may also be Chinese.

use super::segmenter::jieba;

/// Longest full name kept, in characters.
const MAX_FULL_CHARS: usize = 16;

/// Words a full name does not start with: verbs, prepositions, determiners and the patent
/// boilerplate that precede a defined term.
const LEADING: &[&str] = &[
    "一种",
    "所述",
    "本发明",
    "本申请",
    "本实用新型",
    "采用",
    "使用",
    "利用",
    "通过",
    "包括",
    "包含",
    "涉及",
    "基于",
    "用于",
    "其中",
    "以及",
    "及其",
    "或者",
    "例如",
    "比如",
    "如",
    "即",
    "的",
    "和",
    "与",
    "及",
    "或",
    "为",
    "是",
    "对",
    "将",
    "把",
    "由",
    "在",
    "以",
    "从",
    "向",
    "该",
    "其",
    "等",
    "中",
    "上",
    "下",
    "内",
    "外",
    "种",
    "个",
    "进行",
    "提供",
    "得到",
    "形成",
    "具有",
    "含有",
    "选自",
    "称为",
    "简称",
    "又称",
    "俗称",
    "下称",
    "记为",
    "作为",
    "构成",
    "设置",
    "设有",
    "经",
    "被",
];

/// Unit symbols and labels that are not abbreviations.
const NOT_ABBREVIATIONS: &[&str] = &[
    "mm", "cm", "nm", "um", "μm", "km", "kg", "mg", "ml", "hz", "khz", "mhz", "ghz", "kv", "kw",
    "mw", "mpa", "kpa", "gpa", "pa", "wt", "wt%", "rpm", "min", "ppm", "ppb", "db", "dbm",
];

/// Words that introduce an alias inside the parenthesis.
const INTRODUCERS: &[&str] = &[
    "以下简称",
    "下称",
    "简称",
    "又称",
    "俗称",
    "亦称",
    "也称",
    "即",
];

/// A pair a text defines: a full name and its abbreviation or alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MinedAlias {
    /// The full name.
    pub full: String,
    /// The abbreviation or alias.
    pub short: String,
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Whether `text` is a Latin abbreviation or formula.
fn is_abbreviation(text: &str) -> bool {
    let chars = text.chars().count();
    if !(2..=16).contains(&chars) {
        return false;
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '+' | '.' | '_');
    if !text.chars().all(allowed) || !text.chars().any(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    if NOT_ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    // An acronym or formula has a capital letter (lower-case runs are English words).
    if !text.chars().any(|c| c.is_ascii_uppercase()) {
        return false;
    }
    // Step and part labels: S101, A1 (letter then digits), 12b, 104d (digits then letters).
    let first_alpha = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let letter_then_digits = first_alpha && text.chars().skip(1).all(|c| c.is_ascii_digit());
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let digits_then_letters =
        digits > 0 && text.chars().skip(digits).all(|c| c.is_ascii_alphabetic());
    !(letter_then_digits || digits_then_letters)
}

/// Whether `text` is a Chinese alias (2 to 16 Han characters).
fn is_han_term(text: &str) -> bool {
    let chars = text.chars().count();
    (2..=MAX_FULL_CHARS).contains(&chars) && text.chars().all(is_han)
}

/// The noun phrase ending `before` (Han characters only), or `None`.
fn full_name(before: &str) -> Option<String> {
    let run: String = {
        let mut run: Vec<char> = before.chars().rev().take_while(|c| is_han(*c)).collect();
        run.truncate(MAX_FULL_CHARS * 2);
        run.into_iter().rev().collect()
    };
    if run.chars().count() < 2 {
        return None;
    }
    let tags = jieba().tag(&run, false);
    // Keep the trailing words up to the first leading word or function word (adverbs,
    // conjunctions, pronouns, prepositions, particles), at most five of them.
    let mut kept: Vec<&str> = Vec::new();
    for tag in tags.iter().rev() {
        let function = ["d", "c", "r", "p", "u", "y", "e", "o", "ad"].contains(&tag.tag);
        if LEADING.contains(&tag.word) || function || kept.len() == 5 {
            break;
        }
        kept.push(tag.word);
    }
    kept.reverse();
    // Ordinals (第一, 第二 …) and a particle glued to the front are not part of the name.
    while let Some(first) = kept.first() {
        let ordinal = first.starts_with('第') && first.chars().count() <= 3;
        if ordinal || ["了", "的", "型", "式", "性"].contains(first) {
            kept.remove(0);
        } else {
            break;
        }
    }
    let full: String = kept.concat();
    let chars = full.chars().count();
    ((2..=MAX_FULL_CHARS).contains(&chars)).then_some(full)
}

/// The Latin abbreviation ending `before`, or `None`.
fn abbreviation_before(before: &str) -> Option<String> {
    let mut run: Vec<char> = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '+' | '.' | '_'))
        .collect();
    run.reverse();
    let text: String = run.into_iter().collect();
    let text = text
        .trim_start_matches(['-', '/', '+', '.', '_'])
        .to_string();
    is_abbreviation(&text).then_some(text)
}

/// The pairs a text defines, each once.
pub fn mine_aliases(text: &str) -> Vec<MinedAlias> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['（', '(']) {
        let (before, after) = rest.split_at(open);
        let mut chars = after.chars();
        let open_char = chars.next();
        let after = chars.as_str();
        let close = if open_char == Some('（') { '）' } else { ')' };
        let Some(end) = after.find([close, '）', ')']) else {
            break;
        };
        let (inside, next) = after.split_at(end);
        rest = next;
        let inside = inside.trim();
        if inside.chars().count() > 40 {
            continue;
        }
        // 全称（简称 X）: the alias after an introducer.
        let (introduced, alias) = INTRODUCERS
            .iter()
            .find_map(|i| inside.strip_prefix(i))
            .map_or((false, inside), |a| {
                (true, a.trim_start_matches(['：', ':', ' ']))
            });
        let alias = alias.trim_matches(|c: char| matches!(c, '"' | '“' | '”' | '「' | '」' | ' '));
        if is_abbreviation(alias) || (introduced && is_han_term(alias)) {
            if let Some(full) = full_name(before)
                && full != alias
            {
                found.push(MinedAlias {
                    full,
                    short: alias.to_string(),
                });
            }
        } else if is_han_term(alias)
            && let Some(short) = abbreviation_before(before)
        {
            // 缩写（全称）.
            found.push(MinedAlias {
                full: alias.to_string(),
                short,
            });
        }
    }
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        mine_aliases(text)
            .into_iter()
            .map(|a| (a.full, a.short))
            .collect()
    }

    #[test]
    fn definitions_in_both_orders_and_with_introducers_are_found() {
        assert_eq!(
            pairs("本发明涉及一种基于窄带物联网（NB-IoT）的终端切换方法。"),
            [("窄带物联网".to_string(), "NB-IoT".to_string())]
        );
        assert_eq!(
            pairs("所述隔膜由PVDF（聚偏氟乙烯）制成。"),
            [("聚偏氟乙烯".to_string(), "PVDF".to_string())]
        );
        assert_eq!(
            pairs("采用超高分子量聚乙烯(简称UHMWPE)纤维。"),
            [("超高分子量聚乙烯".to_string(), "UHMWPE".to_string())]
        );
        assert_eq!(
            pairs("将磷酸铁锂（又称锂铁磷）作为正极。"),
            [("磷酸铁锂".to_string(), "锂铁磷".to_string())]
        );
    }

    #[test]
    fn labels_units_and_long_asides_are_not_aliases() {
        assert!(pairs("如图1所示，步骤（S101）获取图像（图1），厚度为5（mm）。").is_empty());
        assert!(pairs("在支架（1）上设置传感器（a）。").is_empty());
        assert!(pairs("一种装置（这是一段很长的说明文字，超过了四十个字符的限制，所以不应该被当作任何缩写或者别名来处理）").is_empty());
        assert!(pairs("未闭合（ABC").is_empty());
    }
}
