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
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let end = at + c.len_utf8();
        if is_han(c) {
            // Every pair of neighbours in a run of Han characters; a lone one stands alone.
            let mut from = at;
            let mut paired = false;
            while let Some(&(next, n)) = chars.peek() {
                if !is_han(n) {
                    break;
                }
                let to = next + n.len_utf8();
                sink(text.get(from..to).unwrap_or_default(), from, to);
                paired = true;
                from = next;
                chars.next();
            }
            if !paired {
                sink(text.get(at..end).unwrap_or_default(), at, end);
            }
        } else if c.is_alphanumeric() {
            let mut to = end;
            while let Some(&(next, n)) = chars.peek() {
                if !n.is_alphanumeric() || is_han(n) {
                    break;
                }
                to = next + n.len_utf8();
                chars.next();
            }
            sink(text.get(at..to).unwrap_or_default(), at, to);
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
                text.get(t.offset_from..t.offset_to).unwrap().to_string(),
                t.position,
            ));
        }
        assert_eq!(seen[0], ("oled".to_string(), "ＯＬＥＤ".to_string(), 0));
        assert_eq!(seen[2], ("示屏".to_string(), "示屏".to_string(), 2));
    }
}
