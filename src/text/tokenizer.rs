//! `ZhTokenizer`: the tantivy tokenizer for Chinese patent text, registered as `zh` on every
//! index open. Byte offsets into the original text, consecutive positions.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::segmenter::{Analyzer, SegmentMode};

/// A tantivy [`Tokenizer`] over the shared jieba instance.
#[derive(Debug, Clone)]
pub struct ZhTokenizer {
    mode: SegmentMode,
    analyzer: Analyzer,
    tokens: Vec<Token>,
}

impl ZhTokenizer {
    /// Creates a tokenizer segmenting in `mode`.
    pub fn new(mode: SegmentMode) -> ZhTokenizer {
        ZhTokenizer {
            mode,
            analyzer: Analyzer::default(),
            tokens: Vec::new(),
        }
    }
}

/// The token stream of one text; tokens are computed up front into reused buffers.
pub struct ZhTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream<'a> {
        let tokens = &mut self.tokens;
        let mut count = 0;
        self.analyzer
            .analyze(text, self.mode, |word, from, to, position| {
                if count == tokens.len() {
                    tokens.push(Token::default());
                }
                let token = &mut tokens[count];
                token.text.clear();
                token.text.push_str(word);
                token.offset_from = from;
                token.offset_to = to;
                token.position = position;
                token.position_length = 1;
                count += 1;
            });
        ZhTokenStream {
            tokens: &mut self.tokens[..count],
            next: 0,
        }
    }
}

impl TokenStream for ZhTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let at = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[at]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_yields_byte_offsets_and_positions() {
        let text = "一种锂离子电池正极材料的制备方法";
        let mut tokenizer = ZhTokenizer::new(SegmentMode::Search);
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            assert_eq!(&text[t.offset_from..t.offset_to], t.text);
            seen.push((t.text.clone(), t.position));
        }
        let positions: Vec<_> = seen.iter().map(|(_, p)| *p).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert!(seen.iter().any(|(t, _)| t == "正极"), "{seen:?}");
        // Reuse: a second text through the same tokenizer is independent of the first.
        let mut stream = tokenizer.token_stream("电池");
        assert!(stream.advance());
        assert_eq!(stream.token().text, "电池");
        assert!(!stream.advance());
    }
}
