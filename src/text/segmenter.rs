//! The one shared jieba instance (default dictionary plus `schema/user_dict.txt`) and the
//! analysis of a text into search terms: normalise, segment, drop punctuation and stopwords.
//!
//! This is the only user of jieba-rs.

use std::sync::LazyLock;

use jieba_rs::Jieba;

use super::normalize::Normalized;
use crate::schema;

/// How a text is cut into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentMode {
    /// jieba's precise mode: each character belongs to one word.
    Precise,
    /// jieba's search mode: words plus their 2- and 3-character dictionary sub-words.
    Search,
}

static JIEBA: LazyLock<Jieba> = LazyLock::new(|| build_jieba(true));

/// Builds a jieba instance, with or without the patent user dictionary.
pub fn build_jieba(with_user_dictionary: bool) -> Jieba {
    let mut jieba = Jieba::new();
    if with_user_dictionary {
        for line in schema::user_dictionary().lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let Some(word) = parts.next() else { continue };
            let freq = parts.next().and_then(|f| f.parse().ok());
            let tag = parts.next();
            jieba.add_word(word, freq, tag);
        }
    }
    jieba
}

/// Returns the shared jieba instance, building it on first use (about 0.2 s).
pub fn jieba() -> &'static Jieba {
    &JIEBA
}

/// One analysed term with byte offsets into the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The normalised term text.
    pub text: String,
    /// Byte offset of the first character in the original text.
    pub offset_from: usize,
    /// Byte offset after the last character in the original text.
    pub offset_to: usize,
    /// Consecutive position; stopwords leave a gap so phrases line up at query time.
    pub position: usize,
}

/// Reusable analysis state: buffers survive between texts to avoid allocation.
#[derive(Debug, Default, Clone)]
pub struct Analyzer {
    normalized: Normalized,
}

impl Analyzer {
    /// Analyses `text` and calls `sink` for every kept term, in order.
    pub fn analyze(
        &mut self,
        text: &str,
        mode: SegmentMode,
        mut sink: impl FnMut(&str, usize, usize, usize),
    ) {
        self.normalized.fill(text);
        let hmm = schema::contract().analysis.hmm;
        let normalized = &self.normalized.text;
        let words = match mode {
            SegmentMode::Precise => jieba().cut(normalized, hmm),
            SegmentMode::Search => {
                // jieba emits a word's sub-words before the word itself; order by offset so
                // that positions and offsets both grow (snippets and phrases rely on it).
                let mut words = jieba().cut_for_search(normalized, hmm);
                sort_nearly_sorted(&mut words);
                words
            }
        };
        let stopwords = schema::stopwords();
        let mut position = 0;
        for word in words {
            if !is_searchable(word.word) {
                continue;
            }
            if stopwords.contains(word.word) {
                position += 1;
                continue;
            }
            sink(
                word.word,
                self.normalized.original_offset(word.byte_start),
                self.normalized.original_offset(word.byte_end),
                position,
            );
            position += 1;
        }
    }

    /// Analyses `text` into owned [`Term`]s.
    pub fn terms(&mut self, text: &str, mode: SegmentMode) -> Vec<Term> {
        let mut terms = Vec::new();
        self.analyze(text, mode, |t, from, to, position| {
            terms.push(Term {
                text: t.to_string(),
                offset_from: from,
                offset_to: to,
                position,
            });
        });
        terms
    }
}

/// Returns the analysed term texts of `text` (a convenience for queries and tests).
pub fn terms(text: &str, mode: SegmentMode) -> Vec<String> {
    let mut out = Vec::new();
    Analyzer::default().analyze(text, mode, |t, _, _, _| out.push(t.to_string()));
    out
}

/// The part of speech (jieba's tag set: `n` noun, `v` verb, `c` conjunction, …) of every
/// word of a text cut in precise mode, keyed by the normalised word; the first tag seen wins.
pub fn parts_of_speech(text: &str) -> std::collections::HashMap<String, String> {
    let normalized = super::normalize(text);
    let mut tags = std::collections::HashMap::new();
    for tag in jieba().tag(&normalized, schema::contract().analysis.hmm) {
        tags.entry(tag.word.to_string())
            .or_insert_with(|| tag.tag.to_string());
    }
    tags
}

/// Sorts search-mode words by `(start, end)`, stably. jieba emits each long word's sub-words
/// just before it, so every word is at most a few places from its own; an insertion sort does
/// that in one pass (the general sort was 4 % of a batch's ingest CPU).
fn sort_nearly_sorted(words: &mut [jieba_rs::Token<'_>]) {
    let key = |w: &jieba_rs::Token<'_>| (w.byte_start, w.byte_end);
    for i in 1..words.len() {
        let mut j = i;
        while j > 0 && key(&words[j - 1]) > key(&words[j]) {
            words.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// A term is searchable when it has at least one letter, digit or ideograph.
fn is_searchable(word: &str) -> bool {
    word.chars().any(|c| {
        c.is_ascii_alphanumeric() || ('\u{4e00}'..='\u{9fff}').contains(&c) || c.is_alphanumeric()
    })
}

#[cfg(test)]
mod tests {
    use super::super::normalize;
    use super::*;

    #[test]
    fn offsets_are_bytes_into_the_original_text() {
        // A mixed Chinese / Latin / digit / full-width patent sentence.
        let text = "1.一种基于ＯＬＥＤ的5G通讯电缆故障监控系统，包括Li‑ion电池。";
        let terms = Analyzer::default().terms(text, SegmentMode::Search);
        assert!(!terms.is_empty());
        for term in &terms {
            let original = text.get(term.offset_from..term.offset_to).unwrap();
            assert_eq!(super::super::normalize(original), term.text, "{term:?}");
        }
        let texts: Vec<_> = terms.iter().map(|t| t.text.as_str()).collect();
        assert!(texts.contains(&"oled"), "{texts:?}");
        assert!(texts.contains(&"5g"), "{texts:?}");
        assert!(texts.contains(&"故障"), "{texts:?}");
        assert!(
            !texts.contains(&"，") && !texts.contains(&"一种"),
            "{texts:?}"
        );
    }

    #[test]
    fn positions_are_consecutive_with_stopword_gaps() {
        let terms = Analyzer::default().terms("人工智能的应用", SegmentMode::Precise);
        let pairs: Vec<_> = terms
            .iter()
            .map(|t| (t.text.as_str(), t.position))
            .collect();
        assert_eq!(pairs, [("人工智能", 0), ("应用", 2)]);
    }

    #[test]
    fn search_mode_words_come_in_text_order_as_a_stable_sort_puts_them() {
        let text = normalize(
            "本发明公开了一种锂离子电池正极材料及其制备方法，中华人民共和国国家知识产权局",
        );
        let mut expected = jieba().cut_for_search(&text, true);
        expected.sort_by_key(|w| (w.byte_start, w.byte_end));
        let mut sorted = jieba().cut_for_search(&text, true);
        assert_ne!(sorted, expected, "jieba's own order needs sorting");
        sort_nearly_sorted(&mut sorted);
        assert_eq!(sorted, expected);
    }

    #[test]
    fn search_mode_adds_sub_words() {
        let precise = terms("人工智能", SegmentMode::Precise);
        let search = terms("人工智能", SegmentMode::Search);
        assert_eq!(precise, ["人工智能"]);
        assert_eq!(search, ["人工", "人工智能", "智能"]);
    }

    #[test]
    fn user_dictionary_keeps_patent_terms_whole() {
        let with = build_jieba(true);
        let without = build_jieba(false);
        let words = |j: &Jieba| {
            j.cut("所述漏感", false)
                .iter()
                .map(|t| t.word.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(words(&with), ["所述", "漏感"]);
        assert_ne!(words(&without), ["所述", "漏感"]);
    }

    #[test]
    fn parts_of_speech_tag_function_words_apart_from_nouns() {
        let tags = parts_of_speech("但是电池的容量");
        assert_eq!(tags.get("但是").map(String::as_str), Some("c"));
        assert_eq!(tags.get("电池").map(String::as_str), Some("n"));
    }
}
