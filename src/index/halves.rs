//! Collecting a query's hits with each large segment searched in two halves at once.
//!
//! tantivy searches one segment on one thread. At 10^6 patents a plain search over two
//! frequent concepts scores 10^5 matches in a segment of 800,000 documents, and that one segment
//! is the whole of the request's latency. Split at the middle document, the two halves run on
//! the pool's two threads: the same matches, scores and hits, merged by the collector as if
//! they came from two segments.

use rayon::prelude::*;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, DocSet, Searcher, SegmentReader};

use super::filter::{DocFilter, Filtered};
use crate::error::Result;

/// Segments with at least this many documents are searched in two halves.
pub(super) const HALVE_FROM: u32 = 131_072;

/// Runs `collector` over the hits of `query` that `filter` accepts, searching every segment of
/// at least `halve_from` documents in two halves on the current rayon pool (when it has two
/// threads or more).
pub(super) fn collect_in_halves<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    filter: &DocFilter,
    collector: C,
    halve_from: u32,
) -> Result<C::Fruit> {
    Ok(if filter.is_active() {
        in_halves(searcher, query, &Filtered { filter, collector }, halve_from)?
    } else {
        in_halves(searcher, query, &collector, halve_from)?
    })
}

/// One part of a segment: its ordinal, reader and document range.
type Part<'a> = (u32, &'a SegmentReader, DocId, DocId);

fn in_halves<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    halve_from: u32,
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
    let fruits = parts
        .into_par_iter()
        .map(|(ordinal, reader, start, end)| {
            let mut child = collector.for_segment(ordinal, reader)?;
            let mut scorer = weight.scorer(reader, 1.0)?;
            let alive = reader.alive_bitset();
            let mut doc = scorer.doc();
            if doc < start {
                doc = scorer.seek(start);
            }
            // TERMINATED is past every range's end.
            while doc < end {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    let score = if scoring { scorer.score() } else { 0.0 };
                    child.collect(doc, score);
                }
                doc = scorer.advance();
            }
            Ok(child.harvest())
        })
        .collect::<tantivy::Result<Vec<_>>>()?;
    collector.merge_fruits(fruits)
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::QueryParser;

    use super::*;
    use crate::index::Filters;
    use crate::index::search::collect;
    use crate::index::tests::indexed;
    use crate::model::{ApplicationNumber, Patent, check_digit};

    #[test]
    fn halves_find_and_score_what_whole_segments_do() {
        let dir = tempfile::tempdir().unwrap();
        let words = ["电池", "电极", "涂层", "传感器"];
        let patents: Vec<Patent> = (0..300u32)
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
                p
            })
            .collect();
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
            .install(|| collect_in_halves(&searcher, &*query, &filter, top(), 2))
            .unwrap();
        assert!(whole.0 > 40, "{}", whole.0);
        assert_eq!(split.0, whole.0);
        assert_eq!(split.1, whole.1);
    }
}
