//! Filters checked on each matching patent while hits are collected: legal status, patent
//! type, application year and date, and the score filter on the ordinal.
//!
//! These filters keep most of the library (in force or pending, inventions, since 2012), so
//! intersecting the text query with their posting lists costs more than the text query itself
//! (10^6 patents: seeks through a union of two status lists over a million documents). Checked
//! per hit on the segment's in-memory attributes, they cost an array read or two per text
//! match. Institution and IPC filters, which are selective, stay in the query where their
//! posting lists lead the intersection.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{BitSet, DocId, Score, SegmentReader};

use super::attributes::{self, AttributeFilter, Attributes, NO_ORDINAL, SegmentAttributes};
use super::document::epoch_day;
use super::search::Filters;
use crate::error::{Error, Result};
use crate::model::{LegalStatus, PatentType};

/// A check on a patent's ordinal (the score filter).
pub(super) type OrdinalCheck = Arc<dyn Fn(u64) -> bool + Send + Sync>;

/// The per-hit filters of a search.
pub(super) struct DocFilter {
    attributes: Attributes,
    on_attributes: AttributeFilter,
    ordinal: Option<OrdinalCheck>,
}

/// The mask of the positions of `wanted` in `all` (none when nothing is wanted).
fn mask<T: PartialEq>(wanted: &[T], all: &[T]) -> Option<u32> {
    (!wanted.is_empty()).then(|| {
        all.iter()
            .enumerate()
            .filter(|(_, v)| wanted.contains(v))
            .fold(0, |m, (i, _)| m | (1 << i))
    })
}

impl DocFilter {
    /// The filters of `filters` over the segments of `attributes`; `ordinal` adds a score
    /// check.
    pub(super) fn new(
        filters: &Filters,
        attributes: Attributes,
        ordinal: Option<OrdinalCheck>,
    ) -> Result<DocFilter> {
        let years = match (filters.year_from, filters.year_to) {
            (None, None) => None,
            (from, to) => {
                let from = from.unwrap_or(0);
                let to = to.unwrap_or(u16::MAX);
                // A range that ends before it starts holds no year: no patent passes.
                Some((from, to))
            }
        };
        let days = match (filters.applied_from, filters.applied_to) {
            (None, None) => None,
            (from, to) => {
                let from = from.map_or(i64::MIN, epoch_day);
                let to = to.map_or(i64::MAX, epoch_day);
                if from > to {
                    return Err(Error::invalid("applied_from", "is after applied_to"));
                }
                Some((from, to))
            }
        };
        Ok(DocFilter {
            attributes,
            on_attributes: AttributeFilter {
                legal_statuses: mask(&filters.legal_statuses, &LegalStatus::ALL),
                patent_types: mask(&filters.patent_types, &PatentType::ALL),
                years,
                days,
            },
            ordinal,
        })
    }

    /// Adds a check on each hit's ordinal.
    pub(super) fn check_ordinals(&mut self, check: OrdinalCheck) {
        self.ordinal = Some(check);
    }

    /// The attributes the filter reads.
    pub(super) fn attributes(&self) -> &Attributes {
        &self.attributes
    }

    /// Whether any filter is set (otherwise collectors run bare).
    pub(super) fn is_active(&self) -> bool {
        self.on_attributes.is_active() || self.ordinal.is_some()
    }

    /// Keeps of `words`, a bitset over the documents of `segment` (bit `d % 64` of word
    /// `d / 64` is document `d`), the live documents the filter accepts: a word at a time
    /// from the segment's kept set of passing documents when there is one, else one document
    /// at a time.
    pub(super) fn retain(&self, segment: &SegmentReader, words: &mut [u64]) -> tantivy::Result<()> {
        if self.is_active() {
            let filter = self.for_segment(segment)?;
            match (&filter.passing, &filter.ordinal) {
                (Some(passing), None) => {
                    let buckets = passing.max_value().div_ceil(64) as usize;
                    for (bucket, word) in words.iter_mut().enumerate() {
                        *word &= if bucket < buckets {
                            u64::from_le_bytes(passing.tinyset(bucket as u32).into_bytes())
                        } else {
                            0
                        };
                    }
                }
                _ => retain_each(words, |doc| filter.accepts(doc)),
            }
        }
        if let Some(alive) = segment.alive_bitset() {
            retain_each(words, |doc| alive.is_alive(doc));
        }
        Ok(())
    }

    /// The filter bound to `segment`.
    pub(super) fn for_segment(&self, segment: &SegmentReader) -> tantivy::Result<SegmentFilter> {
        let attributes = attributes::segment(&self.attributes, segment)?;
        Ok(SegmentFilter {
            passing: attributes.filter_set(&self.on_attributes),
            attributes,
            on_attributes: self.on_attributes,
            ordinal: self.ordinal.clone(),
        })
    }
}

/// The documents of `words` (a segment bitset, see [`DocFilter::retain`]), in ascending
/// order.
pub(super) fn documents(words: &[u64]) -> impl Iterator<Item = DocId> + '_ {
    words.iter().enumerate().flat_map(|(i, &word)| {
        let base = i as DocId * 64;
        std::iter::successors((word != 0).then_some(word), |bits| {
            let rest = bits & (bits - 1);
            (rest != 0).then_some(rest)
        })
        .map(move |bits| base + bits.trailing_zeros())
    })
}

/// Clears the bits of `words` whose documents `keep` refuses.
fn retain_each(words: &mut [u64], keep: impl Fn(DocId) -> bool) {
    for (i, word) in words.iter_mut().enumerate() {
        let base = i as DocId * 64;
        for bit in documents(&[*word]) {
            if !keep(base + bit) {
                *word &= !(1 << bit);
            }
        }
    }
}

/// A [`DocFilter`] bound to one segment.
pub(super) struct SegmentFilter {
    attributes: Arc<SegmentAttributes>,
    on_attributes: AttributeFilter,
    /// The documents passing `on_attributes`, when the segment keeps them.
    passing: Option<Arc<BitSet>>,
    ordinal: Option<OrdinalCheck>,
}

impl SegmentFilter {
    /// Whether the filter accepts `doc`.
    pub(super) fn accepts(&self, doc: DocId) -> bool {
        let a = &*self.attributes;
        let passes = match &self.passing {
            Some(set) => set.contains(doc),
            None => self.on_attributes.accepts(a, doc),
        };
        passes
            && self.ordinal.as_ref().is_none_or(|check| {
                let ordinal = a.ordinal(doc);
                ordinal != NO_ORDINAL && check(ordinal)
            })
    }
}

/// Runs `collector` over the hits `filter` accepts.
pub(super) struct Filtered<'a, C> {
    pub(super) filter: &'a DocFilter,
    pub(super) collector: C,
}

impl<C: Collector> Collector for Filtered<'_, C> {
    type Fruit = C::Fruit;
    type Child = FilteredSegment<C::Child>;

    fn check_schema(&self, schema: &tantivy::schema::Schema) -> tantivy::Result<()> {
        self.collector.check_schema(schema)
    }

    fn for_segment(&self, local_id: u32, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(FilteredSegment {
            filter: self.filter.for_segment(segment)?,
            child: self.collector.for_segment(local_id, segment)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.collector.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<C::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<C::Fruit> {
        self.collector.merge_fruits(fruits)
    }
}

/// One segment's part of [`Filtered`].
pub(super) struct FilteredSegment<S> {
    filter: SegmentFilter,
    child: S,
}

impl<S: SegmentCollector> SegmentCollector for FilteredSegment<S> {
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.filter.accepts(doc) {
            self.child.collect(doc, score);
        }
    }

    fn harvest(self) -> S::Fruit {
        self.child.harvest()
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::index::SearchRequest;
    use crate::index::tests::indexed;
    use crate::model::{ApplicationNumber, LegalStatus, Patent, PatentType};

    fn patent(number: &str, status: LegalStatus, kind: PatentType, day: Option<u32>) -> Patent {
        let mut p = Patent::new(ApplicationNumber::parse(number).unwrap(), "一种电池");
        p.legal_status = Some(status);
        p.patent_type = Some(kind);
        p.application_date = day.and_then(|d| NaiveDate::from_ymd_opt(2019, 3, d));
        p
    }

    #[test]
    fn status_type_year_and_date_are_checked_per_hit_and_from_kept_sets() {
        let dir = tempfile::tempdir().unwrap();
        let patents = [
            // Applied 2019-03-01 (the date decides the year), in force, invention.
            patent(
                "CN201910000001.9",
                LegalStatus::InForce,
                PatentType::Invention,
                Some(1),
            ),
            // 2019-03-20, pending, utility model.
            patent(
                "CN201920000002.9",
                LegalStatus::Pending,
                PatentType::UtilityModel,
                Some(20),
            ),
            // No date: year 2015 from the number; lapsed invention.
            patent(
                "CN201510000003.X",
                LegalStatus::Lapsed,
                PatentType::Invention,
                None,
            ),
        ];
        let index = indexed(dir.path(), &patents);
        let found = |set: &dyn Fn(&mut SearchRequest)| -> Vec<String> {
            let mut request = SearchRequest::new("电池", 10);
            set(&mut request);
            let results = index.search_plain(&request).unwrap();
            assert_eq!(results.total, results.hits.len());
            // A filter used again is answered from the segment's set of passing documents
            // (built on the second use, read on the third): the same hits.
            for _ in 0..2 {
                assert_eq!(index.search_plain(&request).unwrap(), results);
            }
            let mut numbers: Vec<String> = results
                .hits
                .into_iter()
                .map(|h| h.application_number)
                .collect();
            numbers.sort();
            numbers
        };
        let (a, b, c) = ("CN201910000001.9", "CN201920000002.9", "CN201510000003.X");
        assert_eq!(found(&|_| {}), [c, a, b]);
        assert_eq!(
            found(&|r| r.filters.legal_statuses = vec![LegalStatus::InForce, LegalStatus::Pending]),
            [a, b]
        );
        assert_eq!(
            found(&|r| r.filters.patent_types = vec![PatentType::Invention]),
            [c, a]
        );
        assert_eq!(
            found(&|r| {
                r.filters.patent_types = vec![PatentType::Invention];
                r.filters.legal_statuses = vec![LegalStatus::Pending];
            }),
            Vec::<String>::new()
        );
        // A status no patent has matches nothing rather than everything.
        assert!(found(&|r| r.filters.legal_statuses = vec![LegalStatus::Expired]).is_empty());
        assert_eq!(found(&|r| r.filters.year_from = Some(2016)), [a, b]);
        assert_eq!(found(&|r| r.filters.year_to = Some(2015)), [c]);
        // A patent without a date is outside every date range.
        assert_eq!(
            found(&|r| r.filters.applied_from = NaiveDate::from_ymd_opt(2019, 3, 10)),
            [b]
        );
        assert_eq!(
            found(&|r| r.filters.applied_to = NaiveDate::from_ymd_opt(2019, 3, 10)),
            [a]
        );
        let mut request = SearchRequest::new("电池", 10);
        request.filters.year_from = Some(2020);
        request.filters.year_to = Some(2010);
        // A year range that ends before it starts holds no patent.
        assert_eq!(index.search_plain(&request).unwrap().total, 0);
        request.filters.year_to = None;
        request.filters.applied_from = NaiveDate::from_ymd_opt(2020, 1, 2);
        request.filters.applied_to = NaiveDate::from_ymd_opt(2020, 1, 1);
        let message = index.search_plain(&request).unwrap_err().to_string();
        assert!(message.contains("applied_from"), "{message}");
    }
}
