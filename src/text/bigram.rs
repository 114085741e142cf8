//! `BigramTokenizer`: overlapping character bigrams of Chinese text (what Lucene's CJK analyser
//! indexes), whole words for Latin letters and digits. Segmentation-independent, so it catches
//! compounds that jieba cuts differently in a query and in a document.

use tantivy::tokenizer::Tokenizer;

use super::normalize::Normalized;
use super::tokenizer::{BufferedTokenStream, TokenBuffer};

/// A tantivy tokenizer emitting character bigrams with byte offsets into the original text.
#[derive(Debug, Clone, Default)]
pub struct BigramTokenizer {
    normalized: Normalized,
    buffer: TokenBuffer,
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// Calls `sink(text, from, to)` for every bigram (or Latin word) of a normalised text, with
/// normalised byte offsets.
pub fn bigrams(text: &str, mut sink: impl FnMut(&str, usize, usize)) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i + 1).map_or(text.len(), |(at, _)| *at);
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if is_han(c) {
            let mut j = i;
            while j + 1 < chars.len() && is_han(chars[j + 1].1) {
                j += 1;
            }
            if i == j {
                sink(&text[at..end_of(i)], at, end_of(i));
            } else {
                for (k, &(from, _)) in chars.iter().enumerate().take(j).skip(i) {
                    let to = end_of(k + 1);
                    sink(&text[from..to], from, to);
                }
            }
            i = j + 1;
        } else if c.is_alphanumeric() {
            let mut j = i;
            while j + 1 < chars.len() && chars[j + 1].1.is_alphanumeric() && !is_han(chars[j + 1].1)
            {
                j += 1;
            }
            sink(&text[at..end_of(j)], at, end_of(j));
            i = j + 1;
        } else {
            i += 1;
        }
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BufferedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedTokenStream<'a> {
        self.normalized.fill(text);
        let normalized = &self.normalized;
        let buffer = &mut self.buffer;
        buffer.clear();
        let mut position = 0;
        bigrams(&normalized.text, |gram, from, to| {
            buffer.push(
                gram,
                normalized.original_offset(from),
                normalized.original_offset(to),
                position,
            );
            position += 1;
        });
        self.buffer.stream()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenStream;

    #[test]
    fn han_runs_become_bigrams_and_latin_words_stay_whole() {
        let mut out = Vec::new();
        bigrams("锂电池用5g模块,美", |t, _, _| {
            out.push(t.to_string())
        });
        assert_eq!(out, ["锂电", "电池", "池用", "5g", "模块", "美"]);
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "ＯＬＥＤ显示屏";
        let mut tokenizer = BigramTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            seen.push((
                t.text.clone(),
                text[t.offset_from..t.offset_to].to_string(),
                t.position,
            ));
        }
        assert_eq!(seen[0], ("oled".to_string(), "ＯＬＥＤ".to_string(), 0));
        assert_eq!(seen[2], ("示屏".to_string(), "示屏".to_string(), 2));
    }
}
