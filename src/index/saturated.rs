//! A query whose score saturates: a relaxed search's concepts add up like evidence that
//! counts ever less past a knee (see `CONCEPT_KNEE` in `plan.rs`).

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// `query`, its score `s` reported as `k · ln(1 + s / k)`: about `s` while small against `k`,
/// growing ever more slowly past it.
#[derive(Debug)]
pub struct Saturated(Box<dyn Query>, f32);

impl Clone for Saturated {
    fn clone(&self) -> Saturated {
        Saturated(self.0.box_clone(), self.1)
    }
}

impl Saturated {
    /// Wraps `query` with knee `k`.
    pub fn boxed(query: Box<dyn Query>, k: f32) -> Box<dyn Query> {
        Box::new(Saturated(query, k))
    }
}

impl Query for Saturated {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(SaturatedWeight(
            self.0.weight(enable_scoring)?,
            self.1,
        )))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct SaturatedWeight(Box<dyn Weight>, f32);

impl Weight for SaturatedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(SaturatedScorer(
            self.0.scorer(reader, boost)?,
            self.1,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.0.explain(reader, doc)?;
        let k = self.1;
        let mut explanation =
            Explanation::new("k * ln(1 + s / k)", k * (inner.value() / k).ln_1p());
        explanation.add_detail(inner);
        Ok(explanation)
    }
}

struct SaturatedScorer(Box<dyn Scorer>, f32);

impl DocSet for SaturatedScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
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

impl Scorer for SaturatedScorer {
    fn score(&mut self) -> Score {
        let k = self.1;
        k * (self.0.score() / k).ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BoostQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, doc};

    #[test]
    fn a_saturated_query_matches_the_same_and_scores_on_the_curve() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in ["a", "a a a a", "b", "a b"] {
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let query = || -> Box<dyn Query> {
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(body, "a"),
                    IndexRecordOption::WithFreqs,
                )),
                10.0,
            ))
        };
        let k = 2.0;
        let top = |q: &dyn Query| {
            searcher
                .search(q, &TopDocs::with_limit(10).order_by_score())
                .unwrap()
        };
        let plain = top(query().as_ref());
        let saturated = top(Saturated::boxed(query(), k).as_ref());
        assert_eq!(plain.len(), 3);
        assert_eq!(saturated.len(), plain.len());
        for ((s, d), (t, e)) in plain.iter().zip(&saturated) {
            assert_eq!(d, e);
            assert!((k * (s / k).ln_1p() - t).abs() < 1e-5, "{s} {t}");
            assert!(t < s);
        }
    }
}
