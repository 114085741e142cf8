//! Collecting a query's hits with each large segment searched in two halves at once.
//!
//! tantivy searches one segment on one thread. At 10^6 patents a plain search over two
//! frequent concepts scores 10^5 matches in a segment of 800,000 documents, and that one segment
//! is the whole of the request's latency. Split at the middle document, the two halves run on
//! the pool's two threads: the same matches, scores and hits, merged by the collector as if
//! they came from two segments.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::AliveBitSet;
use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader};

use super::filter::{DocFilter, Filtered, SegmentFilter};
use super::maxscore::{MaxScoreScorer, Pruned};
use crate::error::Result;

/// Segments with at least this many documents are searched in two halves.
pub(super) const HALVE_FROM: u32 = 131_072;

/// Runs `collector` over the hits of `query` that `filter` accepts, searching every segment of
/// at least `halve_from` documents in two halves on the current rayon pool (when it has two
/// threads or more).
///
/// With `depth`, the collector keeps only the `depth` best-scored hits: a hit that cannot be
/// among them may then be collected with a lower bound of its score (below every score it
/// would have to beat), which a [`MaxScore`](super::maxscore::MaxScore) query computes with
/// fewer terms sought. The parts share the highest of their `depth`-th best scores, so a part
/// searched after another prunes from its first match on.
pub(super) fn collect_in_halves<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    filter: &DocFilter,
    collector: C,
    halve_from: u32,
    depth: Option<usize>,
) -> Result<C::Fruit> {
    Ok(match depth {
        Some(depth) if collector.requires_scoring() => in_halves(
            searcher,
            query,
            &collector,
            halve_from,
            Some((filter, depth)),
        )?,
        _ if filter.is_active() => in_halves(
            searcher,
            query,
            &Filtered { filter, collector },
            halve_from,
            None,
        )?,
        _ => in_halves(searcher, query, &collector, halve_from, None)?,
    })
}

/// One part of a segment: its ordinal, reader and document range.
type Part<'a> = (u32, &'a SegmentReader, DocId, DocId);

/// `pruning`: the filter the loop applies itself and the depth of the page.
fn in_halves<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    halve_from: u32,
    pruning: Option<(&DocFilter, usize)>,
) -> tantivy::Result<C::Fruit> {
    let scoring = collector.requires_scoring();
    let enable = if scoring {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(enable)?;
    let halves = rayon::current_num_threads() >= 2;
    let mut parts: Vec<Part<'_>> = Vec::new();
    for (ordinal, reader) in (0u32..).zip(searcher.segment_readers()) {
        let end = reader.max_doc();
        if halves && end >= halve_from.max(2) {
            parts.push((ordinal, reader, 0, end / 2));
            parts.push((ordinal, reader, end / 2, end));
        } else {
            parts.push((ordinal, reader, 0, end));
        }
    }
    let floor = Floor::default();
    let fruits = parts
        .into_par_iter()
        .map(|(ordinal, reader, start, end)| {
            let mut child = collector.for_segment(ordinal, reader)?;
            let (filter, depth) = match pruning {
                Some((filter, depth)) if filter.is_active() => {
                    (Some(filter.for_segment(reader)?), depth)
                }
                Some((_, depth)) => (None, depth),
                None => (None, 0),
            };
            let part = |depth| PartRun {
                range: (start, end),
                alive: reader.alive_bitset(),
                filter: filter.as_ref(),
                scoring,
                depth,
                floor: &floor,
            };
            // Only a MaxScore scorer has scores to leave out; any other scores every match.
            match weight.scorer(reader, 1.0)?.downcast::<MaxScoreScorer>() {
                Ok(mut pruned) if depth > 0 => part(depth).run(&mut *pruned, &mut child),
                Ok(pruned) => part(0).run(&mut (pruned as Box<dyn Scorer>), &mut child),
                Err(mut scorer) => part(0).run(&mut scorer, &mut child),
            }
            Ok(child.harvest())
        })
        .collect::<tantivy::Result<Vec<_>>>()?;
    collector.merge_fruits(fruits)
}

/// One part's pass over its matches.
struct PartRun<'a> {
    range: (DocId, DocId),
    alive: Option<&'a AliveBitSet>,
    filter: Option<&'a SegmentFilter>,
    scoring: bool,
    /// How many best scores the collector keeps (0: every score is exact).
    depth: usize,
    /// The highest `depth`-th best score any part has reached.
    floor: &'a Floor,
}

impl PartRun<'_> {
    fn run<S: DocSet + Pruned + ?Sized>(&self, scorer: &mut S, child: &mut impl SegmentCollector) {
        let (start, end) = self.range;
        // The `depth` best scores collected so far, least on top.
        let mut best: BinaryHeap<Reverse<Ranked>> = BinaryHeap::new();
        let mut doc = scorer.doc();
        if doc < start {
            doc = scorer.seek(start);
        }
        // TERMINATED is past every range's end.
        while doc < end {
            if self.alive.is_none_or(|a| a.is_alive(doc))
                && self.filter.is_none_or(|f| f.accepts(doc))
            {
                let score = if !self.scoring {
                    0.0
                } else if self.depth == 0 {
                    scorer.score_above(Score::NEG_INFINITY)
                } else {
                    let least = match best.peek() {
                        Some(Reverse(Ranked(least))) if best.len() >= self.depth => *least,
                        _ => Score::NEG_INFINITY,
                    };
                    // Another part's `depth` best are as many hits scored at least its floor.
                    let score = scorer.score_above(least.max(self.floor.get()));
                    if best.len() < self.depth || score > least {
                        if best.len() >= self.depth {
                            best.pop();
                        }
                        best.push(Reverse(Ranked(score)));
                        if best.len() >= self.depth
                            && let Some(Reverse(Ranked(least))) = best.peek()
                        {
                            self.floor.raise(*least);
                        }
                    }
                    score
                };
                child.collect(doc, score);
            }
            doc = scorer.advance();
        }
    }
}

/// The least of the `depth` best scores one part has collected, the highest over the parts
/// of one search: the page's lowest score is at least that, wherever its hits come from, so
/// every part may leave out what stays below it.
#[derive(Default)]
struct Floor(AtomicU32);

impl Floor {
    /// The floor; −∞ until some part has `depth` scores.
    fn get(&self) -> Score {
        match self.0.load(Ordering::Relaxed) {
            0 => Score::NEG_INFINITY,
            bits => Score::from_bits(bits),
        }
    }

    /// Raises the floor to `score` when that is higher.
    fn raise(&self, score: Score) {
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                (bits == 0 || Score::from_bits(bits) < score).then_some(score.to_bits())
            });
    }
}

/// A score ordered totally.
struct Ranked(Score);

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::QueryParser;

    use super::*;
    use crate::index::Filters;
    use crate::index::search::collect;
    use crate::index::tests::indexed;
    use crate::model::{ApplicationNumber, LegalStatus, Patent, check_digit};

    /// `count` patents holding some of four words at different rates, every other one in force.
    fn patents(count: u32) -> Vec<Patent> {
        let words = ["电池", "电极", "涂层", "传感器"];
        (0..count)
            .map(|i| {
                let digits = format!("20211{:07}", 10_000 + i);
                let number =
                    ApplicationNumber::parse(&format!("CN{digits}.{}", check_digit(&digits)))
                        .unwrap();
                let mut text = String::from("一种装置");
                for (k, word) in words.iter().enumerate() {
                    if i % (k as u32 + 2) == 0 {
                        text.push_str(word);
                    }
                }
                let mut p = Patent::new(number, &text);
                p.abstract_text = Some(format!("{text}，{}", "说明".repeat((i % 7) as usize)));
                p.legal_status = Some(if i % 2 == 0 {
                    LegalStatus::InForce
                } else {
                    LegalStatus::Pending
                });
                p
            })
            .collect()
    }

    #[test]
    fn halves_find_and_score_what_whole_segments_do() {
        let dir = tempfile::tempdir().unwrap();
        let patents = patents(300);
        let index = indexed(dir.path(), &patents);
        let searcher = index.reader.searcher();
        let fields = &index.fields;
        let parser = QueryParser::for_index(&index.index, vec![fields.title, fields.abstract_text]);
        let query = parser.parse_query("电池 涂层").unwrap();
        let attributes = index.attributes.of(&searcher).unwrap();
        let filter = DocFilter::new(&Filters::default(), attributes, None).unwrap();
        let top = || (Count, TopDocs::with_limit(40).order_by_score());
        let whole = collect(&searcher, &*query, &filter, top()).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let split = pool
            .install(|| collect_in_halves(&searcher, &*query, &filter, top(), 2, None))
            .unwrap();
        assert!(whole.0 > 40, "{}", whole.0);
        assert_eq!(split.0, whole.0);
        assert_eq!(split.1, whole.1);
    }

    #[test]
    fn a_page_by_score_skips_only_what_cannot_reach_it() {
        use tantivy::Term;
        use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
        use tantivy::schema::IndexRecordOption::WithFreqs;

        use crate::index::maxscore::MaxScore;

        let dir = tempfile::tempdir().unwrap();
        let index = indexed(dir.path(), &patents(600));
        let searcher = index.reader.searcher();
        let fields = &index.fields;
        let term_query = |t: &Term| TermQuery::new(t.clone(), WithFreqs);
        let required = term_query(&Term::from_field_text(fields.title, "电池"));
        let optional = vec![
            (Term::from_field_text(fields.title, "涂层"), 2.0),
            (Term::from_field_text(fields.abstract_text, "说明"), 0.5),
            (Term::from_field_text(fields.title, "传感器"), 1.0),
            (Term::from_field_text(fields.title, "不在"), 1.0),
        ];
        let pruned = MaxScore::boxed(Box::new(required.clone()), optional.clone());
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(required))];
        for (term, weight) in &optional {
            let boosted = BoostQuery::new(Box::new(term_query(term)), *weight);
            clauses.push((Occur::Should, Box::new(boosted)));
        }
        let summed = BooleanQuery::new(clauses);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let in_force = Filters {
            legal_statuses: vec![LegalStatus::InForce],
            ..Filters::default()
        };
        for filters in [Filters::default(), in_force] {
            let attributes = index.attributes.of(&searcher).unwrap();
            let filter = DocFilter::new(&filters, attributes, None).unwrap();
            for (limit, offset) in [(1, 0), (10, 0), (10, 20), (40, 0)] {
                let top = || {
                    let page = TopDocs::with_limit(limit).and_offset(offset);
                    (Count, page.order_by_score())
                };
                let (total, hits) = collect(&searcher, &summed, &filter, top()).unwrap();
                let depth = Some(limit + offset);
                let (pruned_total, pruned_hits) = pool
                    .install(|| collect_in_halves(&searcher, &*pruned, &filter, top(), 2, depth))
                    .unwrap();
                assert!(total > 60, "{total}");
                assert_eq!(pruned_total, total);
                assert_eq!(pruned_hits.len(), hits.len());
                for ((a, x), (b, y)) in pruned_hits.iter().zip(&hits) {
                    assert_eq!(x, y, "limit {limit} offset {offset}");
                    assert!((a - b).abs() < 1e-4, "{a} against {b}");
                }
            }
        }
        // A match below the threshold gets a lower bound under it, not its score.
        let weight = pruned
            .weight(tantivy::query::EnableScoring::enabled_from_searcher(
                &searcher,
            ))
            .unwrap();
        let reader = searcher.segment_reader(0);
        let scorer = weight.scorer(reader, 1.0).unwrap();
        let Ok(mut scorer) = scorer.downcast::<MaxScoreScorer>() else {
            panic!("not a MaxScore scorer");
        };
        let mut doc = scorer.doc();
        let mut seen = 0;
        while doc != tantivy::TERMINATED {
            let full = scorer.score_above(Score::NEG_INFINITY);
            let bound = scorer.score_above(1_000.0);
            assert!(bound <= full && bound < 1_000.0);
            seen += usize::from(bound < full);
            doc = scorer.advance();
        }
        assert!(seen > 10, "{seen}");

        // Another part's floor prunes a part from its first match on, before its own page
        // is full; without it, that part's first `depth` matches are scored in full.
        struct Scores(Vec<Score>);
        impl SegmentCollector for Scores {
            type Fruit = Vec<Score>;
            fn collect(&mut self, _doc: DocId, score: Score) {
                self.0.push(score);
            }
            fn harvest(self) -> Vec<Score> {
                self.0
            }
        }
        let run = |floor: &Floor| {
            let mut scorer = weight.scorer(reader, 1.0).unwrap();
            let mut exact = Vec::new();
            while scorer.doc() != tantivy::TERMINATED {
                exact.push(scorer.score());
                scorer.advance();
            }
            let Ok(mut scorer) = weight
                .scorer(reader, 1.0)
                .unwrap()
                .downcast::<MaxScoreScorer>()
            else {
                panic!("not a MaxScore scorer");
            };
            let mut collected = Scores(Vec::new());
            let part = PartRun {
                range: (0, reader.max_doc()),
                alive: None,
                filter: None,
                scoring: true,
                depth: 5,
                floor,
            };
            part.run(&mut *scorer, &mut collected);
            let collected = collected.harvest();
            assert_eq!(collected.len(), exact.len());
            // How many of the first five matches were handed on below their score.
            exact
                .iter()
                .zip(&collected)
                .take(5)
                .filter(|(e, c)| *c < *e)
                .count()
        };
        assert_eq!(run(&Floor::default()), 0);
        let high = Floor::default();
        high.raise(1_000.0);
        assert_eq!(run(&high), 5);
    }

    #[test]
    fn a_floor_only_rises() {
        let floor = Floor::default();
        assert_eq!(floor.get(), Score::NEG_INFINITY);
        floor.raise(2.5);
        floor.raise(1.0);
        assert_eq!(floor.get(), 2.5);
        floor.raise(3.0);
        assert_eq!(floor.get(), 3.0);
        // A floor of zero reads as none, which prunes nothing it should not.
        let zero = Floor::default();
        zero.raise(0.0);
        assert_eq!(zero.get(), Score::NEG_INFINITY);
    }
}
