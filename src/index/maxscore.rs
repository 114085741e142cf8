//! A required query plus optional scoring terms, scored so that a pass keeping the best `k`
//! hits can leave out the optional terms of a match that cannot reach them (MaxScore).
//!
//! A strict search requires every concept and adds the scores of terms that only score (a
//! word's character bigrams, its aliases' terms). Counting every match rules out block-WAND,
//! so before this every one of 10^5 matches of two frequent concepts sought every scoring
//! term. Each term's BM25 is at most its weight × IDF × (k1 + 1); once the page is full, a
//! match whose required score plus the bounds of the terms still to add stays below the
//! page's lowest score cannot enter it, and its remaining terms are not sought. The matches,
//! the total, the facets and every score on the page are those of the plain sum; a match
//! that cannot enter the page is handed on with a lower bound of its score (see
//! [`Pruned::score_above`]).

use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::union::seek_match;

/// Matches `required`; scores its score plus the BM25 of each `optional` term (weighted)
/// the document holds.
#[derive(Debug)]
pub struct MaxScore {
    required: Box<dyn Query>,
    optional: Vec<(Term, f32)>,
}

impl Clone for MaxScore {
    fn clone(&self) -> MaxScore {
        MaxScore {
            required: self.required.box_clone(),
            optional: self.optional.clone(),
        }
    }
}

impl MaxScore {
    /// `required` scored with the `optional` weighted terms (`required` alone when none).
    pub fn boxed(required: Box<dyn Query>, optional: Vec<(Term, f32)>) -> Box<dyn Query> {
        if optional.is_empty() {
            return required;
        }
        Box::new(MaxScore { required, optional })
    }
}

impl Query for MaxScore {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let required = self.required.weight(enable_scoring)?;
        let mut optional = Vec::new();
        if let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = enable_scoring
        {
            for (term, boost) in &self.optional {
                let query = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                let weight: Box<dyn Weight> = Box::new(query.specialized_weight(enable_scoring)?);
                // BM25 is linear in the boost; its largest value is at the shortest field
                // norm with an unbounded term frequency (tantivy's own `max_score` takes the
                // longest norm, which a lossily stored norm can exceed).
                let bound = Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term))?
                    .score(0, u32::MAX)
                    * boost;
                optional.push(Optional {
                    weight,
                    boost: *boost,
                    bound,
                });
            }
            // Terms that can add the most are added first, so a match falls below the page
            // after as few of them as possible.
            optional.sort_by(|a, b| b.bound.total_cmp(&a.bound));
        }
        Ok(Box::new(MaxScoreWeight { required, optional }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.required.query_terms(visitor);
        for (term, _) in &self.optional {
            visitor(term, false);
        }
    }
}

/// One optional term: its weight, its boost and the most its boosted BM25 can be.
struct Optional {
    weight: Box<dyn Weight>,
    boost: f32,
    bound: f32,
}

struct MaxScoreWeight {
    required: Box<dyn Weight>,
    optional: Vec<Optional>,
}

impl Weight for MaxScoreWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let required = self.required.scorer(reader, boost)?;
        let mut optional = Vec::with_capacity(self.optional.len());
        let mut bounds = Vec::with_capacity(self.optional.len());
        for term in &self.optional {
            let scorer = term.weight.scorer(reader, boost * term.boost)?;
            if scorer.doc() != TERMINATED {
                optional.push(scorer);
                bounds.push(term.bound * boost);
            }
        }
        // rest[i]: the most the terms from i on can add, with a margin for rounding (sums in
        // another order may differ in the last bits).
        let mut rest = vec![0.0; bounds.len() + 1];
        for i in (0..bounds.len()).rev() {
            rest[i] = (rest[i + 1] + bounds[i]) * 1.0001;
        }
        Ok(Box::new(MaxScoreScorer {
            required,
            optional,
            rest,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        seek_match(scorer.as_mut(), doc)?;
        let mut explanation = Explanation::new("sum of", scorer.score());
        explanation.add_detail(self.required.explain(reader, doc)?);
        for term in &self.optional {
            if let Ok(detail) = term.weight.explain(reader, doc) {
                let mut boosted = Explanation::new("boosted", detail.value() * term.boost);
                boosted.add_detail(detail);
                explanation.add_detail(boosted);
            }
        }
        Ok(explanation)
    }
}

/// The required scorer leads; the optional terms' scorers are sought to its documents.
pub(super) struct MaxScoreScorer {
    required: Box<dyn Scorer>,
    optional: Vec<Box<dyn Scorer>>,
    rest: Vec<Score>,
}

impl DocSet for MaxScoreScorer {
    fn advance(&mut self) -> DocId {
        self.required.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.required.seek(target)
    }

    fn doc(&self) -> DocId {
        self.required.doc()
    }

    fn size_hint(&self) -> u32 {
        self.required.size_hint()
    }

    fn cost(&self) -> u64 {
        self.required.cost()
    }
}

impl Scorer for MaxScoreScorer {
    fn score(&mut self) -> Score {
        self.score_above(Score::NEG_INFINITY)
    }
}

/// A scorer whose score a top-`k` pass may ask only above a threshold.
pub(super) trait Pruned {
    /// The current document's score when it can reach `threshold`; otherwise a lower bound of
    /// it that is below `threshold`.
    fn score_above(&mut self, threshold: Score) -> Score;
}

impl Pruned for MaxScoreScorer {
    fn score_above(&mut self, threshold: Score) -> Score {
        // Below this no sum of the remaining terms, however rounded, reaches the threshold.
        let below = threshold - threshold.abs() * 1e-6;
        let doc = self.required.doc();
        let mut score = self.required.score();
        for (scorer, rest) in self.optional.iter_mut().zip(&self.rest) {
            if score + rest < below {
                return score;
            }
            let at = if scorer.doc() < doc {
                scorer.seek(doc)
            } else {
                scorer.doc()
            };
            if at == doc {
                score += scorer.score();
            }
        }
        score
    }
}

impl Pruned for Box<dyn Scorer> {
    fn score_above(&mut self, _threshold: Score) -> Score {
        self.score()
    }
}
