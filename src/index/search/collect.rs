//! Collecting one page of a search's hits in the request's order, with the exact total and,
//! when asked, the facet counts in the same pass over the matches: by relevance, by
//! application day, blended with value, or by a key from the score table (value, industry
//! rank). A relaxed search puts its on-topic hits first in every order.

use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DocAddress, Order, Searcher};

use super::super::attributes::{Attributes, NO_ORDINAL};
use super::super::facets::{Counts, FacetCounter};
use super::super::fields::names;
use super::super::filter::DocFilter;
use super::super::halves::{HALVE_FROM, collect_in_halves};
use super::super::matches::{self, TermGroups};
use super::super::scores::ScoreLookup;
use super::{ON_TOPIC_DAYS, ON_TOPIC_KEY, SearchRequest, collect, value_of};
use crate::error::Result;

/// The page's hits (key or score, address) with the total, and the facet counts.
pub(super) type Collected = ((usize, Vec<(f32, DocAddress)>), Option<Counts>);

/// One pass over a query's matches.
pub(super) struct Pass<'a> {
    /// The searcher.
    pub(super) searcher: &'a Searcher,
    /// The query.
    pub(super) query: &'a dyn Query,
    /// The per-hit filter.
    pub(super) predicate: &'a DocFilter,
    /// The page: limit and offset.
    pub(super) top: TopDocs,
    /// The page's limit plus offset: how many best-scored hits a pass by relevance keeps.
    pub(super) depth: usize,
    /// The facet counter, when facets are asked for.
    pub(super) counter: Option<FacetCounter<'a>>,
    /// The segments' attributes (application days, ordinals).
    pub(super) attributes: Attributes,
    /// The relevance from which a relaxed search's hit is on topic.
    pub(super) on_topic: Option<f32>,
}

impl Pass<'_> {
    /// By relevance. `top_only`: the page without a total (matchmaking, similar patents).
    pub(super) fn by_relevance(self, top_only: bool, offset: usize) -> Result<Collected> {
        let page = self.top.order_by_score();
        if top_only {
            // Nested once so every match is scored instead of pruned with block-WAND, which
            // over our unions of dozens of field × word terms is the slower of the two (HTTP
            // matchmaking and similar patents at 10^6 patents).
            let exhaustive = BooleanQuery::new(vec![(Occur::Should, self.query.box_clone())]);
            let (hits, counts) = collect(
                self.searcher,
                &exhaustive,
                self.predicate,
                (page, self.counter),
            )?;
            return Ok(((offset + hits.len(), hits), counts));
        }
        // Counting every match means no pruning (block-WAND), which over our unions of
        // dozens of field × word terms is faster anyway (10^6 patents, HTTP plain class:
        // p50 3.3 → 2.3 ms, p99 49 → 10 ms against top hits first and a separate count).
        // Large segments are searched in two halves at once, and a strict query's scoring-only
        // terms are sought only for matches that can still reach the page (`halves.rs`,
        // `maxscore.rs`).
        collect_in_halves(
            self.searcher,
            self.query,
            self.predicate,
            ((Count, page), self.counter),
            HALVE_FROM,
            Some(self.depth),
        )
    }

    /// By application day, newest or oldest first (unknown days last); a relaxed search's
    /// on-topic hits first, each with the score 1.
    pub(super) fn by_day(self, newest: bool) -> Result<Collected> {
        let (searcher, query, predicate) = (self.searcher, self.query, self.predicate);
        let Some(on_topic) = self.on_topic else {
            let order = if newest { Order::Desc } else { Order::Asc };
            let by_day = self
                .top
                .order_by_fast_field::<i64>(names::APPLICATION_DAY, order);
            let ((total, docs), counts) =
                collect(searcher, query, predicate, ((Count, by_day), self.counter))?;
            return Ok((
                (total, docs.into_iter().map(|(_, a)| (0.0, a)).collect()),
                counts,
            ));
        };
        let attributes = self.attributes;
        let keyed = self
            .top
            .tweak_score(move |segment: &tantivy::SegmentReader| {
                let segment = attributes.get(&segment.segment_id()).cloned();
                move |doc: tantivy::DocId, relevance: tantivy::Score| -> f64 {
                    // Days span ±10^6; being on topic outweighs any of them.
                    let day = segment.as_ref().and_then(|a| a.day(doc));
                    let key = match day {
                        Some(day) if newest => day as f64,
                        Some(day) => -(day as f64),
                        None => -2_000_000.0,
                    };
                    let first = if relevance >= on_topic {
                        ON_TOPIC_DAYS * 2.0
                    } else {
                        0.0
                    };
                    first + key
                }
            });
        let ((total, docs), counts) =
            collect(searcher, query, predicate, ((Count, keyed), self.counter))?;
        // The score is 1 for an on-topic hit (see the hits).
        let flagged = docs
            .into_iter()
            .map(|(key, a)| (if key >= ON_TOPIC_DAYS { 1.0 } else { 0.0 }, a))
            .collect();
        Ok(((total, flagged), counts))
    }

    /// By relevance × (0.5 + value / 100).
    pub(super) fn blended(self, lookup: &Arc<dyn ScoreLookup>) -> Result<Collected> {
        let lookup = lookup.clone();
        let attributes = self.attributes;
        let blended = self
            .top
            .tweak_score(move |segment: &tantivy::SegmentReader| {
                let values = attributes
                    .get(&segment.segment_id())
                    .map(|a| a.values(&*lookup));
                move |doc: tantivy::DocId, relevance: tantivy::Score| -> f32 {
                    let value = values.as_ref().map_or(-1.0, |v| value_of(v, doc));
                    relevance * (0.5 + value.max(0.0) / 100.0)
                }
            });
        collect(
            self.searcher,
            self.query,
            self.predicate,
            ((Count, blended), self.counter),
        )
    }

    /// By value, or by the rank in `industry` (its index), highest first; no hit is scored
    /// unless the search is relaxed (its on-topic hits first). Matches that are unions of
    /// terms (`groups`) are read without a scorer when no facets are counted.
    pub(super) fn by_key(
        self,
        lookup: &Arc<dyn ScoreLookup>,
        industry: Option<usize>,
        groups: Option<&TermGroups>,
        request: &SearchRequest,
    ) -> Result<Collected> {
        let lookup = lookup.clone();
        let attributes = self.attributes;
        let key_for_segment = move |segment: &tantivy::SegmentReader| {
            let segment = attributes.get(&segment.segment_id()).cloned();
            // Values by document, kept per segment and table.
            let values = match industry {
                None => segment.as_ref().map(|a| a.values(&*lookup)),
                Some(_) => None,
            };
            let lookup = lookup.clone();
            move |doc: tantivy::DocId| -> f32 {
                match (industry, &values, &segment) {
                    (None, Some(values), _) => value_of(values, doc),
                    (Some(i), _, Some(a)) => {
                        let ordinal = a.ordinal(doc);
                        if ordinal == NO_ORDINAL {
                            return -1.0;
                        }
                        lookup.rank(ordinal, i).unwrap_or(-1.0) as f32
                    }
                    _ => -1.0,
                }
            }
        };
        let (searcher, query, predicate) = (self.searcher, self.query, self.predicate);
        match (self.on_topic, groups) {
            // A relaxed search: its on-topic hits first, then by the key.
            (Some(on_topic), _) => {
                let keyed = self
                    .top
                    .tweak_score(move |segment: &tantivy::SegmentReader| {
                        let key = key_for_segment(segment);
                        move |doc: tantivy::DocId, relevance: tantivy::Score| -> f32 {
                            let first = if relevance >= on_topic {
                                ON_TOPIC_KEY * 2.0
                            } else {
                                0.0
                            };
                            first + key(doc)
                        }
                    });
                collect(searcher, query, predicate, ((Count, keyed), self.counter))
            }
            // Without facets to count, matches that are term unions need no scorer.
            (None, Some(groups)) if self.counter.is_none() => Ok((
                matches::top_by_key(
                    searcher,
                    groups,
                    predicate,
                    &key_for_segment,
                    request.limit,
                    request.offset,
                )?,
                None,
            )),
            (None, _) => {
                let keyed = self.top.order_by(key_for_segment);
                collect(searcher, query, predicate, ((Count, keyed), self.counter))
            }
        }
    }
}
