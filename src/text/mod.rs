//! Chinese text analysis: normalisation, jieba segmentation, the tantivy tokenizer, claim
//! parsing and the technical thesaurus.
//!
//! The only user of jieba-rs. One jieba instance serves the process, loaded with the user
//! dictionary of `schema/`; index and query analysis go through the same [`Analyzer`], so what
//! a query asks for is cut the way the index was.

mod aliases;
mod bigram;
mod claims;
mod normalize;
mod segmenter;
mod thesaurus;
mod tokenizer;

pub use aliases::{MinedAlias, mine_aliases};
pub use bigram::{BigramTokenizer, bigrams};
pub use claims::{Claim, ClaimCategory, ClaimSet};
pub use normalize::{Normalized, normalize, normalize_name};
pub use segmenter::{Analyzer, SegmentMode, Term, build_jieba, jieba, parts_of_speech, terms};
pub use thesaurus::{Alias, AreaProfile, Areas, Origin, Ring, Thesaurus, key as thesaurus_key};
pub use tokenizer::ZhTokenizer;
