//! Highlighted snippets of the hits: a fragment starting just before the first occurrence of
//! a query term of the field, with every occurrence of a query term in it highlighted. The
//! terms come from the query as tantivy's snippet generator collects them; matching them as
//! strings instead of re-segmenting each hit's text keeps snippets off the search's costs
//! (segmenting ten claims texts took longer than the search itself).

use std::collections::BTreeSet;
use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::error::Result;

/// Characters kept before the first matching term.
const BEFORE: usize = 20;

/// A highlighted fragment: the text and the merged byte ranges (into `text`) that matched.
pub struct Fragment {
    /// The fragment.
    pub text: String,
    /// Matched ranges, sorted and merged.
    pub ranges: Vec<[usize; 2]>,
}

/// The snippet maker of one field for one query.
pub struct FieldSnippets {
    terms: Vec<String>,
    latin: bool,
    max_chars: usize,
}

impl FieldSnippets {
    /// Collects the query's terms on `field` that occur in the index (as tantivy's
    /// `SnippetGenerator::create` does), for fragments of `max_chars` characters.
    pub fn new(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
        max_chars: usize,
    ) -> Result<FieldSnippets> {
        let mut terms: BTreeSet<Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.insert(term.clone());
            }
        });
        let mut found = Vec::new();
        for term in &terms {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            if !text.is_empty() && searcher.doc_freq(term)? > 0 {
                found.push(text.to_string());
            }
        }
        let latin = found
            .iter()
            .any(|t| t.bytes().any(|b| b.is_ascii_alphabetic()));
        Ok(FieldSnippets {
            terms: found,
            latin,
            max_chars,
        })
    }

    /// The fragment of `text` from just before the first query term, if one occurs.
    pub fn fragment(&self, text: &str) -> Option<Fragment> {
        let lowered;
        // Terms are normalised, so Latin letters are compared without case (ASCII lowering
        // keeps byte offsets).
        let haystack = if self.latin {
            lowered = text.to_ascii_lowercase();
            lowered.as_str()
        } else {
            text
        };
        let first = self
            .terms
            .iter()
            .filter_map(|t| haystack.find(t.as_str()))
            .min()?;
        let (start, end) = window(haystack, first, self.max_chars);
        let part = haystack.get(start..end)?;
        let mut ranges = Vec::new();
        for term in &self.terms {
            ranges.extend(
                part.match_indices(term.as_str())
                    .map(|(at, t)| at..at + t.len()),
            );
        }
        Some(Fragment {
            text: text.get(start..end)?.to_string(),
            ranges: merge(&ranges),
        })
    }
}

/// The byte range of at most `chars` characters of `text`, starting [`BEFORE`] characters
/// before `at`.
fn window(text: &str, at: usize, chars: usize) -> (usize, usize) {
    let before = text
        .get(..at)
        .unwrap_or_default()
        .char_indices()
        .rev()
        .nth(BEFORE - 1)
        .map_or(0, |(i, _)| i);
    let rest = text.get(before..).unwrap_or_default();
    let end = rest
        .char_indices()
        .nth(chars)
        .map_or(rest.len(), |(i, _)| i);
    (before, before + end)
}

/// Sorts and merges overlapping or touching ranges.
fn merge(ranges: &[Range<usize>]) -> Vec<[usize; 2]> {
    let mut sorted: Vec<Range<usize>> = ranges.to_vec();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<[usize; 2]> = Vec::new();
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last[1] => last[1] = last[1].max(r.end),
            _ => out.push([r.start, r.end]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_starts_before_the_match_on_a_char_boundary() {
        let text = "甲".repeat(100) + "锂电池" + &"乙".repeat(1000);
        let at = text.find("锂电池").unwrap();
        let (start, end) = window(&text, at, 200);
        let w = text.get(start..end).unwrap();
        assert!(w.starts_with(&"甲".repeat(BEFORE)));
        assert_eq!(w.chars().count(), 200);
        assert!(w.contains("锂电池"));
        assert_eq!(window("锂电池", 0, 200), (0, 9));
    }

    #[test]
    fn every_term_in_the_fragment_is_highlighted_without_case() {
        let snippets = FieldSnippets {
            terms: vec!["电池".into(), "oled".into()],
            latin: true,
            max_chars: 12,
        };
        let text = "本发明涉及OLED显示屏和锂电池及电池包的结构";
        let fragment = snippets.fragment(text).unwrap();
        assert_eq!(fragment.text, "本发明涉及OLED显示屏");
        let marked: Vec<&str> = fragment
            .ranges
            .iter()
            .map(|[a, b]| fragment.text.get(*a..*b).unwrap())
            .collect();
        assert_eq!(marked, ["OLED"]);
        let whole = FieldSnippets {
            max_chars: 100,
            ..snippets
        };
        let fragment = whole.fragment(text).unwrap();
        let marked: Vec<&str> = fragment
            .ranges
            .iter()
            .map(|[a, b]| fragment.text.get(*a..*b).unwrap())
            .collect();
        assert_eq!(marked, ["OLED", "电池", "电池"]);
        assert!(whole.fragment("与查询无关的文字").is_none());
    }

    #[test]
    fn overlapping_ranges_merge() {
        assert_eq!(merge(&[4..6, 0..2, 1..3, 6..8]), [[0, 3], [4, 8]]);
    }
}
