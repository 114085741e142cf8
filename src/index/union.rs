//! A scored union whose clauses are sought one by one: the union a required clause or an
//! intersection seeks sparsely.
//!
//! tantivy's `BooleanQuery` of `Should` clauses scores through a buffered union: on a seek past
//! its window it refills a 4,096-document window from every clause, decoding every posting in
//! it. Under an intersection of concepts, or as the optional scoring terms beside required
//! ones, the union is sought to a few documents per window, and at 10^6 patents the refills
//! were the largest cost of a query (about 40 % of a plain search's time). [`SkipUnion`] seeks
//! each clause to the target with its skip list instead, as Lucene's disjunction scorer does
//! (and as tantivy's own unscored `SimpleUnion` does for docsets "that skip a lot"), and sums
//! the scores of the clauses on the document: the same matches and scores.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// The union of `clauses`, scored as the sum of the matching clauses' scores.
#[derive(Debug)]
pub struct SkipUnion(Vec<Box<dyn Query>>);

impl Clone for SkipUnion {
    fn clone(&self) -> SkipUnion {
        SkipUnion(self.0.iter().map(|q| q.box_clone()).collect())
    }
}

impl SkipUnion {
    /// The union of `clauses` (one clause is itself).
    pub fn boxed(mut clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        if clauses.len() == 1
            && let Some(only) = clauses.pop()
        {
            return only;
        }
        Box::new(SkipUnion(clauses))
    }
}

impl Query for SkipUnion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .0
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(SkipUnionWeight(weights)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for query in &self.0 {
            query.query_terms(visitor);
        }
    }
}

struct SkipUnionWeight(Vec<Box<dyn Weight>>);

impl Weight for SkipUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.0.len());
        for weight in &self.0 {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.swap_remove(0),
            _ => Box::new(SkipUnionScorer::new(scorers)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        seek_match(scorer.as_mut(), doc)?;
        let mut explanation = Explanation::new("sum of", scorer.score());
        for weight in &self.0 {
            if let Ok(detail) = weight.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

/// Seeks `scorer` to `doc`, an error when `doc` does not match (for `Weight::explain`).
pub(super) fn seek_match(scorer: &mut dyn Scorer, doc: DocId) -> tantivy::Result<()> {
    if scorer.seek(doc) != doc {
        return Err(TantivyError::InvalidArgument(format!(
            "document #({doc}) does not match"
        )));
    }
    Ok(())
}

/// The clauses' scorers, each on its own document; the union is on the least of them.
struct SkipUnionScorer {
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl SkipUnionScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>) -> SkipUnionScorer {
        let doc = least(&scorers);
        SkipUnionScorer { scorers, doc }
    }
}

fn least(scorers: &[Box<dyn Scorer>]) -> DocId {
    scorers.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED)
}

impl DocSet for SkipUnionScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        let mut next = TERMINATED;
        for scorer in &mut self.scorers {
            let doc = if scorer.doc() == current {
                scorer.advance()
            } else {
                scorer.doc()
            };
            next = next.min(doc);
        }
        self.doc = next;
        next
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut next = TERMINATED;
        for scorer in &mut self.scorers {
            let doc = if scorer.doc() < target {
                scorer.seek(target)
            } else {
                scorer.doc()
            };
            next = next.min(doc);
        }
        self.doc = next;
        next
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|s| s.size_hint())
            .fold(0u32, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.scorers
            .iter()
            .map(|s| s.cost())
            .fold(0u64, u64::saturating_add)
    }
}

impl Scorer for SkipUnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut sum = 0.0;
        for scorer in &mut self.scorers {
            if scorer.doc() == doc {
                sum += scorer.score();
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{DocAddress, Index, doc};

    #[test]
    fn matches_and_scores_as_a_boolean_union_under_required_clauses() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["a", "b", "c", "d"];
        for i in 0..6_000u32 {
            // Every document holds `a`; the others come and go at different rates, so the
            // union is sought across windows and inside them.
            let mut text = String::from("a");
            for (k, w) in words.iter().enumerate().skip(1) {
                if i % (k as u32 * 7 + 1) == 0 {
                    text.push(' ');
                    text.push_str(w);
                }
            }
            if i % 997 == 0 {
                text.push_str(" z");
            }
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |t: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(body, t),
                IndexRecordOption::WithFreqs,
            ))
        };
        let clauses = || -> Vec<Box<dyn Query>> {
            ["b", "c", "d"]
                .iter()
                .enumerate()
                .map(|(i, w)| -> Box<dyn Query> {
                    Box::new(BoostQuery::new(term(w), 1.0 + i as f32))
                })
                .collect()
        };
        let boolean =
            BooleanQuery::new(clauses().into_iter().map(|q| (Occur::Should, q)).collect());
        let ours = SkipUnion::boxed(clauses());
        for (required, optional) in [(term("z"), true), (term("a"), true), (term("z"), false)] {
            let with = |union: Box<dyn Query>| {
                let occur = if optional { Occur::Should } else { Occur::Must };
                BooleanQuery::new(vec![(Occur::Must, required.box_clone()), (occur, union)])
            };
            let theirs = with(Box::new(boolean.clone()));
            let mine = with(ours.box_clone());
            assert_eq!(
                searcher.search(&theirs, &Count).unwrap(),
                searcher.search(&mine, &Count).unwrap()
            );
            let top = |q: &BooleanQuery| -> Vec<(f32, DocAddress)> {
                searcher
                    .search(q, &TopDocs::with_limit(200).order_by_score())
                    .unwrap()
            };
            let (a, b) = (top(&theirs), top(&mine));
            assert_eq!(a.len(), b.len());
            for ((sa, da), (sb, db)) in a.iter().zip(&b) {
                assert_eq!(da, db);
                assert!((sa - sb).abs() < 1e-4, "{sa} {sb}");
            }
        }
        // Alone, it is the union.
        assert_eq!(
            searcher.search(&boolean, &Count).unwrap(),
            searcher.search(ours.as_ref(), &Count).unwrap()
        );
    }
}
