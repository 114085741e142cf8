//! Per-segment patent attributes (ordinal, legal status, type, year, application day,
//! institution, IPC sections) held in memory as dense arrays by document id, built once per
//! segment when a reload first shows it. Filters, facet counts and the score lookups of sorts
//! read one array slot per hit instead of a fast-field or facet column (Elasticsearch keeps
//! its global ordinals and field data in memory for the same reason).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::{BitSet, DocId, Searcher, SegmentReader};

use super::document::FACET_ROOT;
use super::fields::names;
use super::scores::ScoreLookup;
use crate::error::Result;
use crate::model::{LegalStatus, PatentType};

/// No ordinal stored (never written by this project; kept safe for foreign documents).
pub(super) const NO_ORDINAL: u64 = u64::MAX;
/// No value for a one-byte code.
const NO_CODE: u8 = u8::MAX;
/// No institution.
const NO_INSTITUTION: u32 = u32::MAX;
/// No application date.
const NO_DAY: i32 = i32::MIN;
/// The IPC sections, bit `i` of a section mask standing for `SECTIONS[i]`.
pub(super) const SECTIONS: [&str; 8] = ["A", "B", "C", "D", "E", "F", "G", "H"];

/// The attributes of one segment's documents, indexed by document id.
#[derive(Debug)]
pub(super) struct SegmentAttributes {
    ordinal: Vec<u64>,
    legal_status: Vec<u8>,
    patent_type: Vec<u8>,
    year: Vec<u16>,
    day: Vec<i32>,
    institution: Vec<u32>,
    /// Institution names by the codes of `institution`.
    pub(super) institution_names: Vec<String>,
    ipc_sections: Vec<u8>,
    /// The smallest and largest application year in the segment.
    pub(super) years: (u16, u16),
    /// The documents passing filters that searches used more than once.
    filter_sets: Mutex<FilterSets>,
    /// The value of each document under one score table (by its id), read on first use.
    values: Mutex<Option<(u64, Arc<Vec<f32>>)>>,
}

/// Filters on a patent's attributes (not its scores): legal statuses and types as masks over
/// [`LegalStatus::ALL`] and [`PatentType::ALL`], application years and days as inclusive
/// ranges; `None` accepts anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(super) struct AttributeFilter {
    /// Accepted legal statuses.
    pub(super) legal_statuses: Option<u32>,
    /// Accepted patent types.
    pub(super) patent_types: Option<u32>,
    /// Accepted application years.
    pub(super) years: Option<(u16, u16)>,
    /// Accepted application days since 1970-01-01.
    pub(super) days: Option<(i64, i64)>,
}

/// Whether the code is present and in the mask.
fn in_mask(code: Option<usize>, mask: u32) -> bool {
    code.is_some_and(|c| c < 32 && mask & (1 << c) != 0)
}

impl AttributeFilter {
    /// Whether any filter is set.
    pub(super) fn is_active(&self) -> bool {
        *self != AttributeFilter::default()
    }

    /// Whether `doc` of the segment `a` passes.
    pub(super) fn accepts(&self, a: &SegmentAttributes, doc: DocId) -> bool {
        self.legal_statuses
            .is_none_or(|m| in_mask(a.legal_status(doc), m))
            && self
                .patent_types
                .is_none_or(|m| in_mask(a.patent_type(doc), m))
            && self.years.is_none_or(|(from, to)| {
                let year = a.year(doc);
                year > 0 && from <= year && year <= to
            })
            && self
                .days
                .is_none_or(|(from, to)| a.day(doc).is_some_and(|d| from <= d && d <= to))
    }
}

/// Filters searches used on a segment, and the documents passing those used more than once.
#[derive(Debug, Default)]
struct FilterSets {
    uses: HashMap<AttributeFilter, u32>,
    /// Most recently built last.
    sets: Vec<(AttributeFilter, Arc<BitSet>)>,
}

/// Filters whose passing documents are kept per segment.
const FILTER_SETS: usize = 16;
/// Distinct filters counted per segment before the counts start over.
const FILTER_USES: usize = 1024;

impl SegmentAttributes {
    /// Reads the attributes of every document of `segment`.
    fn build(segment: &SegmentReader) -> tantivy::Result<SegmentAttributes> {
        let max_doc = segment.max_doc();
        let fast = segment.fast_fields();
        let ordinals = fast.u64(names::ORDINAL)?;
        let years = fast.u64(names::YEAR)?;
        let days = fast.i64(names::APPLICATION_DAY)?;
        let year: Vec<u16> = (0..max_doc)
            .map(|d| {
                years
                    .first(d)
                    .and_then(|y| u16::try_from(y).ok())
                    .unwrap_or(0)
            })
            .collect();
        let known = year.iter().copied().filter(|y| *y > 0);
        let range = (known.clone().min().unwrap_or(0), known.max().unwrap_or(0));
        let status_of = |name: &str| LegalStatus::ALL.iter().position(|s| s.as_str() == name);
        let type_of = |name: &str| PatentType::ALL.iter().position(|t| t.as_str() == name);
        let section_of = |name: &str| SECTIONS.iter().position(|s| *s == name);
        let mut institution_names = Vec::new();
        let institutions = facet_codes(segment, "institution", |name| {
            institution_names.push(name.to_string());
            Some(institution_names.len() - 1)
        })?;
        let statuses = facet_codes(segment, names::LEGAL_STATUS, status_of)?;
        let types = facet_codes(segment, names::PATENT_TYPE, type_of)?;
        let sections = facet_codes(segment, "ipc_tree", section_of)?;
        let one = |codes: &FacetCodes, doc: DocId| -> Option<usize> {
            codes.reader.facet_ords(doc).find_map(|o| codes.code(o))
        };
        let byte = |codes: &FacetCodes, doc| {
            one(codes, doc)
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(NO_CODE)
        };
        Ok(SegmentAttributes {
            ordinal: (0..max_doc)
                .map(|d| ordinals.first(d).unwrap_or(NO_ORDINAL))
                .collect(),
            legal_status: (0..max_doc).map(|d| byte(&statuses, d)).collect(),
            patent_type: (0..max_doc).map(|d| byte(&types, d)).collect(),
            year,
            day: (0..max_doc)
                .map(|d| {
                    days.first(d)
                        .and_then(|v| i32::try_from(v).ok())
                        .unwrap_or(NO_DAY)
                })
                .collect(),
            institution: (0..max_doc)
                .map(|d| {
                    one(&institutions, d)
                        .and_then(|c| u32::try_from(c).ok())
                        .unwrap_or(NO_INSTITUTION)
                })
                .collect(),
            institution_names,
            ipc_sections: (0..max_doc)
                .map(|d| {
                    sections
                        .reader
                        .facet_ords(d)
                        .filter_map(|o| sections.code(o))
                        .fold(0u8, |mask, s| mask | (1 << s))
                })
                .collect(),
            years: range,
            filter_sets: Mutex::default(),
            values: Mutex::default(),
        })
    }

    /// The value of each document under `scores` (-1 without one), read on first use and
    /// kept until another table asks: sorting by value then reads an array slot per hit
    /// instead of looking the ordinal up in the table.
    pub(super) fn values(&self, scores: &dyn ScoreLookup) -> Arc<Vec<f32>> {
        let mut kept = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((id, values)) = kept.as_ref()
            && *id == scores.id()
        {
            return values.clone();
        }
        let values: Arc<Vec<f32>> = Arc::new(
            self.ordinal
                .iter()
                .map(|&o| {
                    if o == NO_ORDINAL {
                        return -1.0;
                    }
                    scores.value(o).map_or(-1.0, |v| v as f32)
                })
                .collect(),
        );
        *kept = Some((scores.id(), values.clone()));
        values
    }

    /// The documents passing `filter`, once a search has used it before on this segment (as
    /// Elasticsearch's query cache keeps the bitsets of filters that recur): common filters
    /// (in force, inventions, recent years) then cost a bit test per hit. `None` the first
    /// time, and for a filter that sets nothing.
    pub(super) fn filter_set(&self, filter: &AttributeFilter) -> Option<Arc<BitSet>> {
        if !filter.is_active() {
            return None;
        }
        let mut cache = self
            .filter_sets
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, set)) = cache.sets.iter().find(|(f, _)| f == filter) {
            return Some(set.clone());
        }
        if cache.uses.len() >= FILTER_USES {
            cache.uses.clear();
        }
        let uses = cache.uses.entry(*filter).or_default();
        *uses += 1;
        if *uses < 2 {
            return None;
        }
        let max_doc = u32::try_from(self.year.len()).unwrap_or(u32::MAX);
        let mut set = BitSet::with_max_value(max_doc);
        for doc in 0..max_doc {
            if filter.accepts(self, doc) {
                set.insert(doc);
            }
        }
        let set = Arc::new(set);
        if cache.sets.len() >= FILTER_SETS {
            cache.sets.remove(0);
        }
        cache.sets.push((*filter, set.clone()));
        Some(set)
    }

    /// The patent ordinal of `doc` ([`NO_ORDINAL`] when none).
    pub(super) fn ordinal(&self, doc: DocId) -> u64 {
        self.ordinal
            .get(doc as usize)
            .copied()
            .unwrap_or(NO_ORDINAL)
    }

    /// The index of `doc`'s legal status in [`LegalStatus::ALL`].
    pub(super) fn legal_status(&self, doc: DocId) -> Option<usize> {
        code(&self.legal_status, doc)
    }

    /// The index of `doc`'s patent type in [`PatentType::ALL`].
    pub(super) fn patent_type(&self, doc: DocId) -> Option<usize> {
        code(&self.patent_type, doc)
    }

    /// `doc`'s application year (0 when unknown).
    pub(super) fn year(&self, doc: DocId) -> u16 {
        self.year.get(doc as usize).copied().unwrap_or(0)
    }

    /// `doc`'s application date as days since 1970-01-01.
    pub(super) fn day(&self, doc: DocId) -> Option<i64> {
        self.day
            .get(doc as usize)
            .copied()
            .filter(|d| *d != NO_DAY)
            .map(i64::from)
    }

    /// The code of `doc`'s institution in [`SegmentAttributes::institution_names`].
    pub(super) fn institution(&self, doc: DocId) -> Option<usize> {
        self.institution
            .get(doc as usize)
            .copied()
            .filter(|c| *c != NO_INSTITUTION)
            .map(|c| c as usize)
    }

    /// `doc`'s IPC sections as a mask over [`SECTIONS`].
    pub(super) fn ipc_sections(&self, doc: DocId) -> u8 {
        self.ipc_sections.get(doc as usize).copied().unwrap_or(0)
    }
}

fn code(codes: &[u8], doc: DocId) -> Option<usize> {
    codes
        .get(doc as usize)
        .copied()
        .filter(|c| *c != NO_CODE)
        .map(usize::from)
}

/// A facet column with the code of each of its facets' first level below the root.
struct FacetCodes {
    reader: FacetReader,
    codes: Vec<Option<usize>>,
}

impl FacetCodes {
    fn code(&self, ord: u64) -> Option<usize> {
        self.codes
            .get(usize::try_from(ord).ok()?)
            .copied()
            .flatten()
    }
}

/// Reads the facet column `field` of `segment` and codes every facet in its dictionary by
/// its first level below [`FACET_ROOT`] (`/f/in_force/…` → `code_of("in_force")`).
fn facet_codes(
    segment: &SegmentReader,
    field: &str,
    mut code_of: impl FnMut(&str) -> Option<usize>,
) -> tantivy::Result<FacetCodes> {
    let reader = segment.facet_reader(field)?;
    let mut codes = vec![None; reader.num_facets()];
    let mut seen: HashMap<Vec<u8>, Option<usize>> = HashMap::new();
    let mut stream = reader.facet_dict().stream()?;
    while stream.advance() {
        // Encoded facets separate their levels with 0 bytes: `f\0in_force`.
        let mut levels = stream.key().split(|b| *b == 0);
        if levels.next() != Some(FACET_ROOT.as_bytes()) {
            continue;
        }
        let Some(child) = levels.next() else {
            continue;
        };
        let code = match seen.get(child) {
            Some(code) => *code,
            None => {
                let code = std::str::from_utf8(child).ok().and_then(&mut code_of);
                seen.insert(child.to_vec(), code);
                code
            }
        };
        if let Some(slot) = usize::try_from(stream.term_ord())
            .ok()
            .and_then(|o| codes.get_mut(o))
        {
            *slot = code;
        }
    }
    Ok(FacetCodes { reader, codes })
}

/// The attributes of every segment of one searcher, by segment.
pub(super) type Attributes = Arc<HashMap<SegmentId, Arc<SegmentAttributes>>>;

/// The attributes of the segments seen so far, kept for the segments of the latest searcher.
#[derive(Debug, Default)]
pub(super) struct AttributeCache {
    latest: Mutex<Option<(u64, Attributes)>>,
}

impl AttributeCache {
    /// The attributes of `searcher`'s segments, building those of segments not seen before.
    pub(super) fn of(&self, searcher: &Searcher) -> Result<Attributes> {
        let generation = searcher.generation().generation_id();
        let mut latest = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((seen, attributes)) = latest.as_ref()
            && *seen == generation
        {
            return Ok(attributes.clone());
        }
        let mut segments = HashMap::new();
        for segment in searcher.segment_readers() {
            let id = segment.segment_id();
            let known = latest.as_ref().and_then(|(_, a)| a.get(&id).cloned());
            let attributes = match known {
                Some(a) => a,
                None => Arc::new(SegmentAttributes::build(segment)?),
            };
            segments.insert(id, attributes);
        }
        let attributes: Attributes = Arc::new(segments);
        // A search still holding an older searcher gets its own map and leaves the latest.
        let newer = latest.as_ref().is_none_or(|(seen, _)| *seen < generation);
        if newer {
            *latest = Some((generation, attributes.clone()));
        }
        Ok(attributes)
    }
}

/// The attributes of `segment` in `attributes`; a segment missing from them (never the case
/// for the searcher they were built for) is an internal error.
pub(super) fn segment(
    attributes: &Attributes,
    segment: &SegmentReader,
) -> tantivy::Result<Arc<SegmentAttributes>> {
    attributes
        .get(&segment.segment_id())
        .cloned()
        .ok_or_else(|| {
            tantivy::TantivyError::InternalError(format!(
                "no attributes for segment {}",
                segment.segment_id().short_uuid_string()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tests::indexed;
    use crate::model::{ApplicationNumber, Patent};

    /// Values by ordinal under a table id.
    struct Table(u64, Vec<f64>);

    impl ScoreLookup for Table {
        fn value(&self, ordinal: u64) -> Option<f64> {
            self.1.get(usize::try_from(ordinal).ok()?).copied()
        }
        fn tier(&self, _: u64) -> Option<usize> {
            None
        }
        fn tier_names(&self) -> &[&'static str] {
            &[]
        }
        fn industries(&self) -> &[String] {
            &[]
        }
        fn fit(&self, _: u64, _: usize) -> f64 {
            0.0
        }
        fn rank(&self, _: u64, _: usize) -> Option<f64> {
            None
        }
        fn label_threshold(&self) -> f64 {
            0.5
        }
        fn labels(&self, _: u64) -> u32 {
            0
        }
        fn id(&self) -> u64 {
            self.0
        }
    }

    #[test]
    fn values_by_document_follow_the_table_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let numbers = ["CN201910000001.9", "CN201920000002.9", "CN201510000003.X"];
        let patents: Vec<Patent> = numbers
            .iter()
            .map(|n| Patent::new(ApplicationNumber::parse(n).unwrap(), "一种电池"))
            .collect();
        let index = indexed(dir.path(), &patents);
        let searcher = index.reader.searcher();
        let attributes = index.attributes.of(&searcher).unwrap();
        let segment = attributes.values().next().unwrap();
        // Ordinals are 1, 2, 3; ordinal 3 has no value in the first table.
        let first = Table(1, vec![0.0, 10.0, 20.0]);
        let by_ordinal = |values: &[f32]| -> Vec<f32> {
            let mut pairs: Vec<(u64, f32)> = (0..values.len())
                .map(|d| (segment.ordinal(d as DocId), values[d]))
                .collect();
            pairs.sort_by_key(|p| p.0);
            pairs.into_iter().map(|p| p.1).collect()
        };
        assert_eq!(by_ordinal(&segment.values(&first)), [10.0, 20.0, -1.0]);
        let second = Table(2, vec![0.0, 5.0, 6.0, 7.0]);
        assert_eq!(by_ordinal(&segment.values(&second)), [5.0, 6.0, 7.0]);
        assert_eq!(by_ordinal(&segment.values(&first)), [10.0, 20.0, -1.0]);
    }
}
