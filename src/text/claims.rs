//! Claim parsing: split a claims text into numbered claims, tell independent from dependent
//! claims, and measure claim 1 (length in characters, number of technical features).

use serde::Serialize;

/// What an independent claim protects, read from its preamble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimCategory {
    /// A method or process (方法, 工艺).
    Method,
    /// A device, apparatus or circuit (装置, 设备, 电路, …).
    Apparatus,
    /// A system (系统).
    System,
    /// A storage medium or program product.
    Medium,
    /// A use (用途, 应用).
    Use,
    /// A product, material or composition.
    Product,
}

/// One numbered claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    /// The claim number (1-based).
    pub number: u32,
    /// The claim text without its number prefix.
    pub text: String,
    /// Earlier claims this claim refers to; empty for an independent claim.
    pub depends_on: Vec<u32>,
}

/// A parsed claim set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClaimSet {
    /// The claims in order.
    pub claims: Vec<Claim>,
}

impl Claim {
    /// Whether the claim refers to no earlier claim.
    pub fn is_independent(&self) -> bool {
        self.depends_on.is_empty()
    }

    /// Returns the category read from the claim's preamble.
    pub fn category(&self) -> ClaimCategory {
        let preamble = preamble(&self.text);
        const RULES: [(&[&str], ClaimCategory); 5] = [
            (&["介质", "程序产品", "存储设备"], ClaimCategory::Medium),
            (&["用途", "应用"], ClaimCategory::Use),
            (&["方法", "工艺", "流程"], ClaimCategory::Method),
            (&["系统", "平台"], ClaimCategory::System),
            (
                &[
                    "装置", "设备", "器", "机", "仪", "电路", "终端", "结构", "组件", "模块",
                    "部件", "单元", "车", "芯片",
                ],
                ClaimCategory::Apparatus,
            ),
        ];
        for (endings, category) in RULES {
            if endings.iter().any(|e| preamble.ends_with(e)) {
                return category;
            }
        }
        for (endings, category) in RULES {
            if endings.iter().any(|e| preamble.contains(e)) {
                return category;
            }
        }
        ClaimCategory::Product
    }

    /// Returns the length of the claim in characters, not counting whitespace.
    pub fn chars(&self) -> usize {
        self.text.chars().filter(|c| !c.is_whitespace()).count()
    }

    /// Returns the number of technical features: the clauses of the characterising part
    /// (after 其特征在于 / 包括), split on `；`, or on `，` when there is no `；`.
    pub fn features(&self) -> usize {
        let body = characterising_part(&self.text);
        let count = |separators: &[char]| {
            body.split(separators)
                .filter(|clause| is_feature(clause))
                .count()
        };
        let by_semicolon = count(&['；', ';']);
        if by_semicolon >= 2 {
            by_semicolon
        } else {
            count(&['；', ';', '，', ','])
        }
    }
}

impl ClaimSet {
    /// Parses a claims text. Claim numbers must run 1, 2, 3, … at the start of the text or
    /// after a line break or sentence end; a text without numbers is one claim (for example a
    /// 主权项 column holding claim 1 alone).
    pub fn parse(text: &str) -> ClaimSet {
        let text = text.trim();
        if text.is_empty() {
            return ClaimSet::default();
        }
        let markers = find_markers(text);
        let mut claims = Vec::new();
        if markers.is_empty() {
            claims.push(Claim {
                number: 1,
                text: text.to_string(),
                depends_on: Vec::new(),
            });
        } else {
            for (i, marker) in markers.iter().enumerate() {
                let end = markers.get(i + 1).map_or(text.len(), |next| next.start);
                let body = text
                    .get(marker.body_start..end)
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let depends_on = references(&body)
                    .into_iter()
                    .filter(|&n| n < marker.number)
                    .collect();
                claims.push(Claim {
                    number: marker.number,
                    text: body,
                    depends_on,
                });
            }
        }
        ClaimSet { claims }
    }

    /// Parses a text of independent claims alone (an export's 独立权利要求 column): claims
    /// numbered in increasing order (`1.` `8.` `15.`), else one claim per non-empty line.
    /// Every claim is taken as independent.
    pub fn parse_independent(text: &str) -> ClaimSet {
        let text = text.trim();
        let markers = find_markers_increasing(text);
        let claims = if markers.is_empty() {
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .zip(1..)
                .map(|(line, number)| Claim {
                    number,
                    text: line.to_string(),
                    depends_on: Vec::new(),
                })
                .collect()
        } else {
            markers
                .iter()
                .enumerate()
                .map(|(i, marker)| {
                    let end = markers.get(i + 1).map_or(text.len(), |next| next.start);
                    Claim {
                        number: marker.number,
                        text: text
                            .get(marker.body_start..end)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                        depends_on: Vec::new(),
                    }
                })
                .collect()
        };
        ClaimSet { claims }
    }

    /// Returns claim 1, if any.
    pub fn first(&self) -> Option<&Claim> {
        self.claims.first()
    }

    /// Returns the independent claims.
    pub fn independent(&self) -> impl Iterator<Item = &Claim> {
        self.claims.iter().filter(|c| c.is_independent())
    }

    /// Returns the number of claims.
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    /// Whether there are no claims.
    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }
}

struct Marker {
    number: u32,
    start: usize,
    body_start: usize,
}

/// Finds `1.` `2、` `3．` … markers in sequence.
fn find_markers(text: &str) -> Vec<Marker> {
    scan_markers(text, true)
}

/// Finds claim-number markers whose numbers increase (`1.` `8.` `15.`), starting at any.
fn find_markers_increasing(text: &str) -> Vec<Marker> {
    scan_markers(text, false)
}

fn scan_markers(text: &str, consecutive: bool) -> Vec<Marker> {
    let bytes = text.as_bytes();
    let mut markers = Vec::new();
    let mut expected = 1u32;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && at_claim_start(text, i) {
            let digits_end = i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            let number: Option<u32> = text.get(i..digits_end).and_then(|d| d.parse().ok());
            let fits = match number {
                Some(n) if consecutive => n == expected,
                Some(n) => n >= expected && n > 0,
                None => false,
            };
            if fits
                && let Some(n) = number
                && let Some(separator_len) =
                    separator_after(text.get(digits_end..).unwrap_or_default())
            {
                markers.push(Marker {
                    number: n,
                    start: i,
                    body_start: digits_end + separator_len,
                });
                expected = n + 1;
                i = digits_end + separator_len;
                continue;
            }
            i = digits_end;
            continue;
        }
        i += 1;
    }
    markers
}

/// A claim number starts the text or follows a line break, a full stop or whitespace.
fn at_claim_start(text: &str, at: usize) -> bool {
    let before = text
        .get(..at)
        .unwrap_or_default()
        .trim_end_matches([' ', '\t', '\u{3000}']);
    before.is_empty()
        || before.ends_with(['\n', '\r', '。', '；', ';'])
        || (before.len() < at && before.ends_with('.'))
}

/// Returns the byte length of the separator after a claim number, if one is there.
fn separator_after(rest: &str) -> Option<usize> {
    let mut chars = rest.chars();
    let first = chars.next()?;
    let len = match first {
        '.' | '．' | '、' | ')' | '）' | ':' | '：' | ',' | '，' => first.len_utf8(),
        ' ' | '\u{3000}' => first.len_utf8(),
        _ => return None,
    };
    // "1.5 mm" is a number, not a claim.
    match chars.next() {
        Some(c) if c.is_ascii_digit() => None,
        _ => Some(len),
    }
}

/// Returns the claim numbers a claim refers to (`权利要求1`, `权利要求1-3`, `权利要求1或2`).
fn references(text: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("权利要求") {
        let rest = text.get(at + "权利要求".len()..).unwrap_or_default();
        let mut numbers = Vec::new();
        let mut current = String::new();
        let mut range_from: Option<u32> = None;
        for c in rest.chars() {
            if c.is_ascii_digit() {
                current.push(c);
                continue;
            }
            if let Ok(n) = current.parse::<u32>() {
                if let Some(from) = range_from.take() {
                    numbers.extend(from..=n.min(from + 200));
                } else {
                    numbers.push(n);
                }
            }
            current.clear();
            match c {
                '-' | '~' | '～' | '至' | '到' | '—' => range_from = numbers.pop(),
                '或' | '、' | ',' | '，' | '和' | '及' => {}
                _ => break,
            }
        }
        if let Ok(n) = current.parse::<u32>() {
            numbers.push(n);
        }
        found.extend(numbers);
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// The preamble: text before 其特征在于 / the first comma / 包括.
fn preamble(text: &str) -> &str {
    let mut end = text.len();
    for stop in ["其特征在于", "，", ",", "包括", "：", ":"] {
        if let Some(at) = text.find(stop) {
            end = end.min(at);
        }
    }
    text.get(..end)
        .unwrap_or(text)
        .trim_end_matches(['，', ',', '。'])
}

/// The characterising part: after 其特征在于, else after 包括, else after the preamble.
fn characterising_part(text: &str) -> &str {
    for marker in ["其特征在于", "包括：", "包括:", "包括"] {
        if let Some((_, rest)) = text.split_once(marker) {
            return rest;
        }
    }
    text.get(preamble(text).len()..).unwrap_or_default()
}

fn is_feature(clause: &str) -> bool {
    let meaningful: String = clause.chars().filter(|c| c.is_alphanumeric()).collect();
    let trimmed = meaningful
        .trim_start_matches("其特征在于")
        .trim_start_matches("包括");
    trimmed.chars().count() >= 2 && !matches!(trimmed, "所述" | "其中" | "以及")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIMS: &str = "1.一种压力传感器，其特征在于，包括：第一导体，位于第一感测区中；第二导体，与所述第一导体间隔开；以及介质层，设置于所述第一导体与所述第二导体之间。\n2.根据权利要求1所述的压力传感器，其特征在于，所述介质层的厚度为1.5mm。\n3.根据权利要求1或2所述的压力传感器，其特征在于，所述第一导体为铜。\n4.一种压力传感器的制造方法，包括：形成第一导体；形成介质层；形成第二导体。\n5.根据权利要求4所述的方法，其中所述介质层通过沉积形成。";

    #[test]
    fn independent_claims_alone_keep_their_numbers() {
        let set = ClaimSet::parse_independent(
            "1.一种压力传感器，其特征在于，包括第一导体；介质层。\n4.一种压力传感器的制造方法，包括：形成第一导体；形成介质层。",
        );
        assert_eq!(set.len(), 2);
        assert_eq!(set.claims[1].number, 4);
        assert_eq!(set.claims[1].category(), ClaimCategory::Method);
        assert!(set.claims.iter().all(Claim::is_independent));
        let lines = ClaimSet::parse_independent("一种装置，包括底座。\n一种方法，包括加热。");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.claims[1].category(), ClaimCategory::Method);
    }

    #[test]
    fn numbered_claims_split_in_sequence() {
        let set = ClaimSet::parse(CLAIMS);
        assert_eq!(set.len(), 5);
        let numbers: Vec<_> = set.claims.iter().map(|c| c.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
        // "1.5mm" inside claim 2 did not start a claim.
        assert!(set.claims[1].text.ends_with("1.5mm。"));
        assert!(set.claims[0].text.starts_with("一种压力传感器"));
    }

    #[test]
    fn dependency_and_categories() {
        let set = ClaimSet::parse(CLAIMS);
        let independent: Vec<_> = set.independent().map(|c| c.number).collect();
        assert_eq!(independent, [1, 4]);
        assert_eq!(set.claims[2].depends_on, [1, 2]);
        assert_eq!(set.claims[0].category(), ClaimCategory::Apparatus);
        assert_eq!(set.claims[3].category(), ClaimCategory::Method);
    }

    #[test]
    fn claim_one_measures() {
        let set = ClaimSet::parse(CLAIMS);
        let first = set.first().unwrap();
        assert_eq!(first.features(), 3);
        assert_eq!(first.chars(), first.text.chars().count());
        let short = ClaimSet::parse("1、一种涂层，其特征在于，由石墨烯和树脂组成，厚度为5微米。");
        assert_eq!(short.first().unwrap().features(), 2);
        assert_eq!(short.first().unwrap().category(), ClaimCategory::Product);
    }

    #[test]
    fn unnumbered_text_is_one_claim_and_ranges_resolve() {
        let set = ClaimSet::parse("一种存储介质，存储有计算机程序。");
        assert_eq!(set.len(), 1);
        assert_eq!(set.claims[0].category(), ClaimCategory::Medium);
        assert_eq!(references("如权利要求1-3任一项所述的装置"), [1, 2, 3]);
        assert_eq!(references("根据权利要求2～4中任一项"), [2, 3, 4]);
        assert!(ClaimSet::parse("  ").is_empty());
    }
}
