//! `ZhTokenizer`: the tantivy tokenizer for Chinese patent text, registered as `zh` on every
//! index open. Byte offsets into the original text, consecutive positions. Also the token
//! buffer and stream shared with the bigram tokenizer.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::segmenter::{Analyzer, SegmentMode};

/// Reusable storage for the tokens of one text: allocations survive between texts.
#[derive(Debug, Clone, Default)]
pub struct TokenBuffer {
    tokens: Vec<Token>,
    len: usize,
}

impl TokenBuffer {
    /// Forgets the previous text's tokens (keeping their allocations).
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends a token.
    pub fn push(&mut self, text: &str, offset_from: usize, offset_to: usize, position: usize) {
        if self.len == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        let token = &mut self.tokens[self.len];
        token.text.clear();
        token.text.push_str(text);
        token.offset_from = offset_from;
        token.offset_to = offset_to;
        token.position = position;
        token.position_length = 1;
        self.len += 1;
    }

    /// Returns a stream over the tokens pushed since the last [`TokenBuffer::clear`].
    pub fn stream(&mut self) -> BufferedTokenStream<'_> {
        BufferedTokenStream {
            tokens: &mut self.tokens[..self.len],
            next: 0,
        }
    }
}

/// A token stream over a [`TokenBuffer`].
pub struct BufferedTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl BufferedTokenStream<'_> {
    fn current(&self) -> usize {
        self.next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))
    }
}

impl TokenStream for BufferedTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.current()]
    }

    fn token_mut(&mut self) -> &mut Token {
        let at = self.current();
        &mut self.tokens[at]
    }
}

/// A tantivy [`Tokenizer`] over the shared jieba instance.
#[derive(Debug, Clone)]
pub struct ZhTokenizer {
    mode: SegmentMode,
    analyzer: Analyzer,
    buffer: TokenBuffer,
}

impl ZhTokenizer {
    /// Creates a tokenizer segmenting in `mode`.
    pub fn new(mode: SegmentMode) -> ZhTokenizer {
        ZhTokenizer {
            mode,
            analyzer: Analyzer::default(),
            buffer: TokenBuffer::default(),
        }
    }
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = BufferedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufferedTokenStream<'a> {
        let buffer = &mut self.buffer;
        buffer.clear();
        self.analyzer
            .analyze(text, self.mode, |word, from, to, position| {
                buffer.push(word, from, to, position)
            });
        self.buffer.stream()
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
            assert_eq!(text.get(t.offset_from..t.offset_to).unwrap(), t.text);
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
