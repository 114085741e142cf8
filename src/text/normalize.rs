//! Text normalisation for analysis: NFKC, lower case and hyphen folding, with a map from every
//! normalised byte back to the original text so that tokens keep byte offsets into the stored
//! field (tantivy's `Token` contract; snippets highlight the original text).

use unicode_normalization::UnicodeNormalization;

/// A normalised copy of a text plus the offset map back to the original.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// The normalised text that segmentation runs on.
    pub text: String,
    /// `origin[i]` is the original byte offset of the character that produced normalised byte
    /// `i`; `origin[text.len()]` is the original length.
    origin: Vec<u32>,
}

impl Normalized {
    /// Normalises `original` into this buffer, reusing its allocations.
    pub fn fill(&mut self, original: &str) {
        self.text.clear();
        self.origin.clear();
        self.text.reserve(original.len());
        self.origin.reserve(original.len() + 1);
        for (at, c) in original.char_indices() {
            let before = self.text.len();
            fold_char(c, &mut self.text);
            let produced = self.text.len() - before;
            self.origin.extend(std::iter::repeat_n(at as u32, produced));
        }
        self.origin.push(original.len() as u32);
    }

    /// Maps a byte offset of the normalised text (a char boundary) to the original text.
    pub fn original_offset(&self, normalized_offset: usize) -> usize {
        self.origin
            .get(normalized_offset)
            .map_or(self.origin.last().copied().unwrap_or(0) as usize, |&o| {
                o as usize
            })
    }
}

/// Returns `text` normalised (NFKC per character, lower case, hyphens folded to `-`).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Appends the normalised form of one character.
///
/// NFKC is applied per character, which covers what patent text needs (full-width forms,
/// compatibility ideographs, ligatures, circled digits) without buffering combining sequences.
#[inline]
fn fold_char(c: char, out: &mut String) {
    match c {
        'A'..='Z' => out.push(c.to_ascii_lowercase()),
        '\u{0}'..='\u{7f}' => out.push(c),
        // CJK unified ideographs and extension A are already normal.
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' => out.push(c),
        // Hyphens and minus signs written in many ways (CCF abstracts use U+2011).
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}' | '\u{ff0d}' => out.push('-'),
        '\u{a0}' | '\u{3000}' => out.push(' '),
        // CJK punctuation (、。《》「」…) is unchanged by NFKC.
        '\u{3001}'..='\u{3035}' => out.push(c),
        // Full-width ASCII forms (，：；（）Ａ１) are NFKC-equivalent to ASCII.
        '\u{ff01}'..='\u{ff5e}' => {
            let ascii = char::from_u32(c as u32 - 0xfee0).unwrap_or(c);
            out.push(ascii.to_ascii_lowercase());
        }
        _ => {
            for n in std::iter::once(c).nfkc() {
                for l in n.to_lowercase() {
                    out.push(l);
                }
            }
        }
    }
}

/// Normalises a personal or organisation name: NFKC (full-width → half-width), trimmed, inner
/// whitespace collapsed. Case is kept.
pub fn normalize_name(name: &str) -> String {
    let folded: String = name.nfkc().collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_case_and_hyphens_fold() {
        assert_eq!(
            normalize("ＯＬＥＤ显示，Ｌｉ‑ion电池（ＡＢＣ）"),
            "oled显示,li-ion电池(abc)"
        );
        assert_eq!(normalize("5G通讯"), "5g通讯");
        assert_eq!(normalize("①"), "1");
    }

    #[test]
    fn fast_paths_agree_with_nfkc() {
        for c in ('\u{3001}'..='\u{3035}').chain('\u{ff01}'..='\u{ff5e}') {
            if c == '\u{ff0d}' {
                continue; // folded to '-' on purpose
            }
            let mut fast = String::new();
            fold_char(c, &mut fast);
            let slow: String = std::iter::once(c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .collect();
            assert_eq!(fast, slow, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let original = "Ａ，锂电池";
        let mut n = Normalized::default();
        n.fill(original);
        assert_eq!(n.text, "a,锂电池");
        // "锂" starts at normalised byte 2 and original byte 6.
        assert_eq!(n.original_offset(2), 6);
        assert_eq!(n.original_offset(n.text.len()), original.len());
        assert_eq!(
            original
                .get(n.original_offset(2)..n.original_offset(n.text.len()))
                .unwrap(),
            "锂电池"
        );
    }

    #[test]
    fn names_fold_width_but_keep_case() {
        assert_eq!(
            normalize_name(" 腾讯科技（北京）有限公司 "),
            "腾讯科技(北京)有限公司"
        );
        assert_eq!(
            normalize_name("Tsinghua   University"),
            "Tsinghua University"
        );
    }
}
