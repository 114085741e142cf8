//! A query wrapper whose scorer accepts a seek to a document it has already passed.
//!
//! tantivy 0.27's phrase scorer asserts that every `seek` and `seek_danger` goes forward,
//! while the exclusion (`NOT`) and intersection scorers sometimes seek a freshly built scorer
//! to a document before its first match (a debug assertion in development builds, an
//! unspecified answer in release ones). Concept matchers and exclusions that hold a phrase
//! are wrapped in [`Guarded`]: a seek to a document at or before the current one answers the
//! current one, as `DocSet::seek` specifies, and `seek_danger` uses the checked `seek`.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// `query`, with a scorer that never seeks backwards.
#[derive(Debug)]
pub struct Guarded(Box<dyn Query>);

impl Clone for Guarded {
    fn clone(&self) -> Guarded {
        Guarded(self.0.box_clone())
    }
}

impl Guarded {
    /// Wraps `query`.
    pub fn boxed(query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(Guarded(query))
    }
}

impl Query for Guarded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(GuardedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct GuardedWeight(Box<dyn Weight>);

impl Weight for GuardedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(GuardedScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct GuardedScorer(Box<dyn Scorer>);

impl DocSet for GuardedScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if target <= doc {
            return doc;
        }
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for GuardedScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::Count;
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, doc};

    #[test]
    fn an_excluded_phrase_seeks_back_safely() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in ["a b", "a c", "a d", "a x y", "a b"] {
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |t: &str| Term::from_field_text(body, t);
        let phrase = PhraseQuery::new(vec![term("x"), term("y")]);
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(term("a"), IndexRecordOption::Basic)),
            ),
            (Occur::MustNot, Guarded::boxed(Box::new(phrase))),
        ]);
        assert_eq!(searcher.search(&query, &Count).unwrap(), 4);
    }
}
