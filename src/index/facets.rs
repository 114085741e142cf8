//! Facet counts of a search: matching patents by institution, IPC section, patent type, legal
//! status and year, and (with scores) by tier and industry, counted from the segments'
//! in-memory attributes in the same pass over the matches that collects the page of hits.
//!
//! tantivy's `FacetCollector` reads a multi-valued facet column per dimension and hit; at 10^6
//! patents a query matching 100,000 of them spent 9 ms on five such reads per hit, where an
//! array slot per dimension does the same count.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentReader};

use super::attributes::{self, NO_ORDINAL, SECTIONS, SegmentAttributes};
use super::filter::DocFilter;
use super::scores::ScoreLookup;
use super::search::FacetCounts;
use crate::model::{LegalStatus, PatentType};

/// Counts of every dimension over the hits.
#[derive(Debug, Default)]
pub(super) struct Counts {
    institutions: HashMap<String, u64>,
    sections: [u64; SECTIONS.len()],
    patent_types: [u64; PatentType::ALL.len()],
    legal_statuses: [u64; LegalStatus::ALL.len()],
    years: BTreeMap<u16, u64>,
    tiers: Vec<u64>,
    industries: Vec<u64>,
}

/// Counts the facets of the hits it sees.
pub(super) struct FacetCounter<'a> {
    filter: &'a DocFilter,
    lookup: Option<Arc<dyn ScoreLookup>>,
}

impl<'a> FacetCounter<'a> {
    /// Counts over the segments `filter` reads; with `lookup`, tiers and industries too.
    pub(super) fn new(filter: &'a DocFilter, lookup: Option<&Arc<dyn ScoreLookup>>) -> Self {
        FacetCounter {
            filter,
            lookup: lookup.cloned(),
        }
    }
}

/// [`FacetCounter`] on one segment.
pub(super) struct SegmentCounter {
    attributes: Arc<SegmentAttributes>,
    lookup: Option<Arc<dyn ScoreLookup>>,
    institutions: Vec<u64>,
    sections: [u64; SECTIONS.len()],
    patent_types: [u64; PatentType::ALL.len()],
    legal_statuses: [u64; LegalStatus::ALL.len()],
    /// By year from the segment's first year.
    years: Vec<u64>,
    tiers: Vec<u64>,
    industries: Vec<u64>,
}

impl Collector for FacetCounter<'_> {
    type Fruit = Counts;
    type Child = SegmentCounter;

    fn for_segment(&self, _local: u32, segment: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        let attributes = attributes::segment(self.filter.attributes(), segment)?;
        let (first, last) = attributes.years;
        let (tiers, industries) = self
            .lookup
            .as_ref()
            .map_or((0, 0), |l| (l.tier_names().len(), l.industries().len()));
        Ok(SegmentCounter {
            institutions: vec![0; attributes.institution_names.len()],
            years: vec![0; usize::from(last.saturating_sub(first)) + 1],
            attributes,
            lookup: self.lookup.clone(),
            sections: Default::default(),
            patent_types: Default::default(),
            legal_statuses: Default::default(),
            tiers: vec![0; tiers],
            industries: vec![0; industries.min(32)],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut total = Counts::default();
        for fruit in fruits {
            for (name, n) in fruit.institutions {
                *total.institutions.entry(name).or_default() += n;
            }
            add(&mut total.sections, &fruit.sections);
            add(&mut total.patent_types, &fruit.patent_types);
            add(&mut total.legal_statuses, &fruit.legal_statuses);
            for (year, n) in fruit.years {
                *total.years.entry(year).or_default() += n;
            }
            total
                .tiers
                .resize(fruit.tiers.len().max(total.tiers.len()), 0);
            add(&mut total.tiers, &fruit.tiers);
            let industries = fruit.industries.len().max(total.industries.len());
            total.industries.resize(industries, 0);
            add(&mut total.industries, &fruit.industries);
        }
        Ok(total)
    }
}

fn add(total: &mut [u64], more: &[u64]) {
    for (t, n) in total.iter_mut().zip(more) {
        *t += n;
    }
}

fn bump(counts: &mut [u64], at: Option<usize>) {
    if let Some(slot) = at.and_then(|i| counts.get_mut(i)) {
        *slot += 1;
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let a = &*self.attributes;
        bump(&mut self.institutions, a.institution(doc));
        bump(&mut self.patent_types, a.patent_type(doc));
        bump(&mut self.legal_statuses, a.legal_status(doc));
        let year = a.year(doc);
        if year > 0 {
            bump(&mut self.years, Some(usize::from(year - a.years.0)));
        }
        let sections = a.ipc_sections(doc);
        for (i, slot) in self.sections.iter_mut().enumerate() {
            *slot += u64::from(sections >> i & 1);
        }
        if let Some(lookup) = &self.lookup {
            let ordinal = a.ordinal(doc);
            if ordinal == NO_ORDINAL {
                return;
            }
            bump(&mut self.tiers, lookup.tier(ordinal));
            let labels = lookup.labels(ordinal);
            for (i, slot) in self.industries.iter_mut().enumerate() {
                *slot += u64::from(labels >> i & 1);
            }
        }
    }

    fn harvest(self) -> Counts {
        let a = &self.attributes;
        Counts {
            institutions: self
                .institutions
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .filter_map(|(i, n)| Some((a.institution_names.get(i)?.clone(), *n)))
                .collect(),
            sections: self.sections,
            patent_types: self.patent_types,
            legal_statuses: self.legal_statuses,
            years: (a.years.0..)
                .zip(self.years)
                .filter(|(_, n)| *n > 0)
                .collect(),
            tiers: self.tiers,
            industries: self.industries,
        }
    }
}

/// The facet counts by dimension, largest first (tiers in their order), without zeros.
pub(super) fn facet_counts(counts: Counts, lookup: Option<&Arc<dyn ScoreLookup>>) -> FacetCounts {
    let mut out = FacetCounts::new();
    // Largest first, except tiers, which keep their order (A before B).
    let mut put = |name: &str, values: Vec<(String, u64)>| {
        let mut values: Vec<(String, u64)> = values.into_iter().filter(|(_, n)| *n > 0).collect();
        if name != "tier" {
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        out.insert(name.to_string(), values);
    };
    put("institution", counts.institutions.into_iter().collect());
    let named = |names: &[&str], counts: &[u64]| -> Vec<(String, u64)> {
        names
            .iter()
            .map(|n| (*n).to_string())
            .zip(counts.iter().copied())
            .collect()
    };
    put("ipc_section", named(&SECTIONS, &counts.sections));
    let types: Vec<&str> = PatentType::ALL.iter().map(|t| t.as_str()).collect();
    put("patent_type", named(&types, &counts.patent_types));
    let statuses: Vec<&str> = LegalStatus::ALL.iter().map(|s| s.as_str()).collect();
    put("legal_status", named(&statuses, &counts.legal_statuses));
    put(
        "year",
        counts
            .years
            .into_iter()
            .map(|(y, n)| (y.to_string(), n))
            .collect(),
    );
    if let Some(l) = lookup {
        put("tier", named(l.tier_names(), &counts.tiers));
        let industries: Vec<&str> = l.industries().iter().map(String::as_str).collect();
        put("industry", named(&industries, &counts.industries));
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::index::SearchRequest;
    use crate::index::tests::{commit, indexed};
    use crate::model::{ApplicationNumber, IpcCode, LegalStatus, Patent, PatentType};

    fn patent(
        number: &str,
        institution: &str,
        ipc: &[&str],
        status: Option<LegalStatus>,
        kind: PatentType,
        year: i32,
    ) -> Patent {
        let mut p = Patent::new(ApplicationNumber::parse(number).unwrap(), "一种电池");
        p.institution = Some(institution.into());
        p.ipc = ipc.iter().map(|c| IpcCode::parse(c).unwrap()).collect();
        p.legal_status = status;
        p.patent_type = Some(kind);
        p.application_date = NaiveDate::from_ymd_opt(year, 5, 1);
        p
    }

    fn counts(values: &[(&str, u64)]) -> Vec<(String, u64)> {
        values.iter().map(|(n, c)| ((*n).to_string(), *c)).collect()
    }

    #[test]
    fn facets_count_live_patents_once_across_segments() {
        let dir = tempfile::tempdir().unwrap();
        let index = indexed(
            dir.path(),
            &[
                // Two codes in section H: counted once for H.
                patent(
                    "CN201910000001.9",
                    "清华大学",
                    &["H01M4/505", "H01M10/54"],
                    Some(LegalStatus::InForce),
                    PatentType::Invention,
                    2019,
                ),
                patent(
                    "CN201920000002.9",
                    "北京大学",
                    &["G06F16/00", "H01M4/13"],
                    Some(LegalStatus::Pending),
                    PatentType::UtilityModel,
                    2020,
                ),
                patent(
                    "CN201510000003.X",
                    "清华大学",
                    &[],
                    None,
                    PatentType::Invention,
                    2019,
                ),
            ],
        );
        let mut request = SearchRequest::new("电池", 10);
        request.facets = true;
        assert_eq!(index.search_plain(&request).unwrap().total, 3);
        // A second segment: one new patent, and the first replaced (its old document deleted).
        let replaced = patent(
            "CN201910000001.9",
            "北京理工大学",
            &["G06N3/08"],
            Some(LegalStatus::Lapsed),
            PatentType::Invention,
            2019,
        );
        let added = patent(
            "CN202110123456.7",
            "北京大学",
            &["A61K31/00"],
            Some(LegalStatus::Lapsed),
            PatentType::Invention,
            2021,
        );
        commit(&index, &[replaced, added], &[1, 4], 2);
        index.reload().unwrap();

        let results = index.search_plain(&request).unwrap();
        assert_eq!(results.total, 4);
        let facets = results.facets.unwrap();
        assert_eq!(
            facets["institution"],
            counts(&[("北京大学", 2), ("北京理工大学", 1), ("清华大学", 1)])
        );
        assert_eq!(
            facets["ipc_section"],
            counts(&[("G", 2), ("A", 1), ("H", 1)])
        );
        assert_eq!(
            facets["legal_status"],
            counts(&[("lapsed", 2), ("pending", 1)])
        );
        assert_eq!(
            facets["patent_type"],
            counts(&[("invention", 3), ("utility_model", 1)])
        );
        assert_eq!(
            facets["year"],
            counts(&[("2019", 2), ("2020", 1), ("2021", 1)])
        );
        // Filters read the same attributes: lapsed inventions since 2020.
        request.filters.legal_statuses = vec![LegalStatus::Lapsed];
        request.filters.year_from = Some(2020);
        let results = index.search_plain(&request).unwrap();
        assert_eq!(results.total, 1);
        assert_eq!(results.hits[0].application_number, "CN202110123456.7");
        assert_eq!(
            results.facets.unwrap()["institution"],
            counts(&[("北京大学", 1)])
        );
    }
}
