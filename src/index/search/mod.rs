//! Searching the index: the request (query, filters, sort, page), hits with highlighted
//! snippets, the exact total and facet counts.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

mod collect;
mod hits;

use super::attributes::Attributes;
use super::document::facet;
use super::facets::{FacetCounter, facet_counts};
use super::fields::PatentFields;
use super::filter::{DocFilter, Filtered, OrdinalCheck};
use super::matches::TermGroups;
use super::query::ipc_prefix_facet;
use super::scores::{ScoreFilter, ScoreLookup, industry_index};
use crate::error::{Error, Result};
use crate::model::{LegalStatus, Patent, PatentType, UnknownValue, Vocabulary};
use collect::Pass;
use hits::{HitBuilder, snippet_generators, split_on_topic, unscored_note};

/// Largest page size.
pub const MAX_LIMIT: usize = 1000;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// BM25 relevance.
    #[default]
    Relevance,
    /// Latest application date first.
    Newest,
    /// Earliest application date first.
    Oldest,
    /// Highest value first (needs scores).
    Value,
    /// Highest industry rank first, for the first industry filter (needs scores).
    IndustryRank,
    /// Relevance weighted by value: `relevance × (0.5 + value / 100)`.
    Blended,
}

impl SortOrder {
    /// Every order, in a stable order.
    pub const ALL: [SortOrder; 6] = [
        SortOrder::Relevance,
        SortOrder::Newest,
        SortOrder::Oldest,
        SortOrder::Value,
        SortOrder::IndustryRank,
        SortOrder::Blended,
    ];
}

impl Vocabulary for SortOrder {
    const KIND: &'static str = "sort order";

    fn values() -> &'static [SortOrder] {
        &SortOrder::ALL
    }

    fn code(self) -> &'static str {
        match self {
            SortOrder::Relevance => "relevance",
            SortOrder::Newest => "newest",
            SortOrder::Oldest => "oldest",
            SortOrder::Value => "value",
            SortOrder::IndustryRank => "industry_rank",
            SortOrder::Blended => "blended",
        }
    }

    fn label_zh(self) -> &'static str {
        match self {
            SortOrder::Relevance => "相关度",
            SortOrder::Newest => "最新申请",
            SortOrder::Oldest => "最早申请",
            SortOrder::Value => "价值分",
            SortOrder::IndustryRank => "产业排名",
            SortOrder::Blended => "综合",
        }
    }
}

impl std::str::FromStr for SortOrder {
    type Err = UnknownValue;

    /// Parses a sort order by its code (`industry_rank`, `industry-rank`) or Chinese label.
    fn from_str(s: &str) -> std::result::Result<SortOrder, UnknownValue> {
        SortOrder::parse_value(s)
    }
}

/// Filters applied on top of the query (all must hold; values within one filter are OR'ed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    /// Owning institutions.
    #[serde(default)]
    pub institutions: Vec<String>,
    /// IPC prefixes (`H01L`, `G06F16`).
    #[serde(default)]
    pub ipc: Vec<String>,
    /// Patent types.
    #[serde(default)]
    pub patent_types: Vec<PatentType>,
    /// Legal statuses.
    #[serde(default)]
    pub legal_statuses: Vec<LegalStatus>,
    /// Earliest application year.
    #[serde(default)]
    pub year_from: Option<u16>,
    /// Latest application year.
    #[serde(default)]
    pub year_to: Option<u16>,
    /// Earliest application date.
    #[serde(default)]
    pub applied_from: Option<NaiveDate>,
    /// Latest application date.
    #[serde(default)]
    pub applied_to: Option<NaiveDate>,
    /// Industries (fit at or above the label threshold); needs scores.
    #[serde(default)]
    pub industries: Vec<String>,
    /// Value tiers (A, B, C, D); needs scores.
    #[serde(default)]
    pub tiers: Vec<String>,
    /// Smallest value (0–100); needs scores.
    #[serde(default)]
    pub min_value: Option<f64>,
}

/// A search request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Query text in the query syntax; empty or `*` matches everything.
    pub query: String,
    /// Filters.
    #[serde(default)]
    pub filters: Filters,
    /// Order of hits.
    #[serde(default)]
    pub sort: SortOrder,
    /// Page size (at most [`MAX_LIMIT`]).
    pub limit: usize,
    /// Hits to skip.
    #[serde(default)]
    pub offset: usize,
    /// Whether to count facets.
    #[serde(default)]
    pub facets: bool,
    /// Whether to compute highlighted snippets.
    #[serde(default)]
    pub snippets: bool,
    /// Whether hits carry their stored patent records (for callers that rank or explain
    /// hits from their text, saving a lookup per hit).
    #[serde(skip)]
    pub records: bool,
    /// Whether only the top hits are wanted: the total is then not counted (it is the number
    /// of hits returned), which spares relevance-ordered searches a second pass over every
    /// match.
    #[serde(skip)]
    pub top_only: bool,
    /// Whether query words also match their thesaurus aliases (quoted phrases never do).
    #[serde(default = "yes")]
    pub expand: bool,
}

fn yes() -> bool {
    true
}

impl SearchRequest {
    /// A relevance-ordered request for `query` with `limit` hits, snippets on, facets off.
    pub fn new(query: impl Into<String>, limit: usize) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            filters: Filters::default(),
            sort: SortOrder::Relevance,
            limit,
            offset: 0,
            facets: false,
            snippets: true,
            records: false,
            top_only: false,
            expand: true,
        }
    }
}

/// A piece of text with the ranges (byte offsets into `text`) that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Highlight {
    /// The fragment.
    pub text: String,
    /// Matched ranges, merged and ordered.
    pub ranges: Vec<[usize; 2]>,
}

impl Highlight {
    /// Returns the fragment with matches wrapped in `open`/`close` markers.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 16);
        let mut at = 0;
        let part = |range: std::ops::Range<usize>| self.text.get(range).unwrap_or_default();
        for &[from, to] in &self.ranges {
            out.push_str(part(at..from));
            out.push_str(open);
            out.push_str(part(from..to));
            out.push_str(close);
            at = to;
        }
        out.push_str(part(at..self.text.len()));
        out
    }
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Hit {
    /// Application number.
    pub application_number: String,
    /// Relevance score (0 when sorted by date only).
    pub score: f32,
    /// Title.
    pub title: String,
    /// Owning institution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// Applicants.
    pub applicants: Vec<String>,
    /// IPC codes, main first.
    pub ipc: Vec<String>,
    /// Patent type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patent_type: Option<PatentType>,
    /// Legal status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_status: Option<LegalStatus>,
    /// When it lapsed, expired or was invalidated (失效日), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lapse_date: Option<NaiveDate>,
    /// Application date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_date: Option<NaiveDate>,
    /// Value 0–100, when scores exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Tier (`A`–`D`, or `lapsed` / `unscored`), when scores exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Years of term left, to a tenth (in force or pending patents only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_years: Option<f64>,
    /// Industries with a fit at or above the label threshold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub industries: Vec<String>,
    /// Highlighted snippets by field (`title`, `abstract`, `claims`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub snippets: BTreeMap<String, Highlight>,
    /// The query's concepts this hit does not match, when the search was relaxed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_concepts: Vec<String>,
    /// In a relaxed search sorted by value, industry rank or date: whether the hit is on topic
    /// (relevance at least half the best match's), which puts it before the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_topic: Option<bool>,
    /// Dense ordinal (internal key of the score table).
    #[serde(skip)]
    pub ordinal: u64,
    /// Where the hit is in the index (to check which concepts it matches).
    #[serde(skip)]
    pub address: Option<DocAddress>,
    /// The stored record, when the request asked for records.
    #[serde(skip)]
    pub record: Option<Box<Patent>>,
}

/// Facet counts by dimension, largest first.
pub type FacetCounts = BTreeMap<String, Vec<(String, u64)>>;

/// The answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResults {
    /// Number of matching patents (exact).
    pub total: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>, example = json!({"institution": [["清华大学", 12]]}))]
    pub facets: Option<FacetCounts>,
    /// The query's concepts (the clauses every hit must match), as typed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<String>,
    /// Set when no patent matches every concept: the hits are the patents that match the most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relaxed: Option<Relaxation>,
    /// Thesaurus aliases a concept also matched (never for quoted phrases or `expand=false`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expansions: Vec<Expansion>,
    /// Set when a value or industry-rank sort shows unscored hits: what their order means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unscored_note: Option<String>,
    /// Set when the query holds nothing searchable (only stopwords or punctuation): why there
    /// are no hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How a search was relaxed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Relaxation {
    /// Concepts each hit matches, at least.
    pub matched: usize,
    /// Concepts in the query.
    pub of: usize,
    /// What that means, for a person.
    pub note: String,
}

/// The aliases one concept was also matched by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Expansion {
    /// The concept as typed.
    pub concept: String,
    /// The other names it also matched (curated or mined from the library).
    pub also_matched: Vec<String>,
}

pub(super) fn check_limit(request: &SearchRequest) -> Result<()> {
    if request.limit == 0 || request.limit > MAX_LIMIT {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    Ok(())
}

/// Adds the request's selective filters (institutions, IPC prefixes) to a text query; status,
/// type, year and date filters are checked per hit while collecting (see `filter.rs`).
pub fn with_filters(
    fields: &PatentFields,
    request: &SearchRequest,
    text_query: Box<dyn Query>,
) -> Result<Box<dyn Query>> {
    Ok(with_filter_groups(
        text_query,
        filter_groups(fields, request)?,
    ))
}

/// The facet terms of the institution and IPC filters: a patent passes with one of each group.
pub(super) fn filter_groups(fields: &PatentFields, request: &SearchRequest) -> Result<TermGroups> {
    let f = &request.filters;
    let mut groups = Vec::new();
    if !f.institutions.is_empty() {
        let mut terms = Vec::new();
        for name in &f.institutions {
            let name = Error::institution("institution", name)?;
            terms.push(Term::from_facet(
                fields.institution,
                &facet([name.as_str()]),
            ));
        }
        groups.push(terms);
    }
    if !f.ipc.is_empty() {
        let mut terms = Vec::new();
        for prefix in &f.ipc {
            terms.push(Term::from_facet(
                fields.ipc_facet,
                &ipc_prefix_facet(prefix, "ipc")?,
            ));
        }
        groups.push(terms);
    }
    Ok(groups)
}

/// `text_query` with each filter group as a required, unscored clause.
pub(super) fn with_filter_groups(text_query: Box<dyn Query>, groups: TermGroups) -> Box<dyn Query> {
    if groups.is_empty() {
        return text_query;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
    for group in groups {
        let any: Vec<(Occur, Box<dyn Query>)> = group
            .into_iter()
            .map(|term| -> (Occur, Box<dyn Query>) {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                )
            })
            .collect();
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Half the offset a value or industry-rank key gets when its hit is on topic (keys are -1 to
/// 100).
const ON_TOPIC_KEY: f32 = 5_000.0;

/// Half the offset a date key gets when its hit is on topic (days span ±10^6).
const ON_TOPIC_DAYS: f64 = 5_000_000.0;

/// Runs a search with a text query built by the caller (for example from weighted terms);
/// the request supplies filters, sort, page, facets and snippets (`request.query` is unused).
pub fn search_with_query(
    searcher: &Searcher,
    attributes: Attributes,
    fields: &PatentFields,
    request: &SearchRequest,
    text_query: Box<dyn Query>,
    scores: Option<&Arc<dyn ScoreLookup>>,
) -> Result<SearchResults> {
    check_limit(request)?;
    let query = with_filters(fields, request, text_query)?;
    run(
        searcher,
        attributes,
        fields,
        request,
        (query, None),
        scores,
        None,
    )
}

pub(super) fn run(
    searcher: &Searcher,
    attributes: Attributes,
    fields: &PatentFields,
    request: &SearchRequest,
    (query, groups): (Box<dyn Query>, Option<TermGroups>),
    scores: Option<&Arc<dyn ScoreLookup>>,
    on_topic: Option<f32>,
) -> Result<SearchResults> {
    // No page starts past the last document: the collectors size their heaps by offset + limit.
    let bounded;
    let request = if request.offset > searcher.num_docs() as usize {
        bounded = SearchRequest {
            offset: searcher.num_docs() as usize,
            ..request.clone()
        };
        &bounded
    } else {
        request
    };
    let (doc_filter, lookup) = filter_for(request, &attributes, scores)?;
    let pass = Pass {
        searcher,
        query: &*query,
        predicate: &doc_filter,
        top: TopDocs::with_limit(request.limit).and_offset(request.offset),
        depth: request.limit.saturating_add(request.offset),
        // Facets are counted in the same pass over the matches as the page of hits.
        counter: request
            .facets
            .then(|| FacetCounter::new(&doc_filter, lookup.as_ref())),
        attributes,
        on_topic,
    };
    let ((total, addresses), counts) = match (request.sort, &lookup) {
        (SortOrder::Relevance, _) => pass.by_relevance(request.top_only, request.offset)?,
        (SortOrder::Newest | SortOrder::Oldest, _) => {
            pass.by_day(request.sort == SortOrder::Newest)?
        }
        (SortOrder::Blended, Some(lookup)) => pass.blended(lookup)?,
        (sort, Some(lookup)) => {
            // Value and industry rank need no relevance, so no hit is scored.
            let industry = match sort {
                SortOrder::IndustryRank => Some(match request.filters.industries.first() {
                    Some(name) => industry_index(lookup.as_ref(), name)?,
                    None => {
                        return Err(Error::invalid(
                            "sort",
                            "industry_rank needs an industry filter",
                        ));
                    }
                }),
                _ => None,
            };
            pass.by_key(lookup, industry, groups.as_ref(), request)?
        }
        (_, None) => {
            return Err(Error::invalid(
                "sort",
                "needs scores: run `patscreen score` first",
            ));
        }
    };
    let generators = snippet_generators(searcher, fields, &*query, request.snippets)?;
    let builder = HitBuilder {
        searcher,
        fields,
        request,
        generators: &generators,
        lookup: lookup.as_ref(),
    };
    let mut hits = Vec::with_capacity(addresses.len());
    for (key, address) in addresses {
        let (score, on_topic) = split_on_topic(key, request.sort, on_topic.is_some());
        hits.push(builder.hit(address, score, on_topic)?);
    }
    let facets = counts.map(|c| facet_counts(c, lookup.as_ref()));
    let unscored_note = unscored_note(&hits, request.sort);
    Ok(SearchResults {
        total,
        hits,
        facets,
        concepts: Vec::new(),
        relaxed: None,
        expansions: Vec::new(),
        unscored_note,
        note: None,
    })
}

/// The per-hit filter of a request (status, type, year and date filters; tier, industry and
/// value filters when a score table is given) and the score lookup its sort and filters use.
pub(super) fn filter_for(
    request: &SearchRequest,
    attributes: &Attributes,
    scores: Option<&Arc<dyn ScoreLookup>>,
) -> Result<(DocFilter, Option<Arc<dyn ScoreLookup>>)> {
    let f = &request.filters;
    // Status, type, year and date filters first: their errors come before those of scores.
    let mut doc_filter = DocFilter::new(f, attributes.clone(), None)?;
    let needs_scores = !f.industries.is_empty()
        || !f.tiers.is_empty()
        || f.min_value.is_some()
        || matches!(
            request.sort,
            SortOrder::Value | SortOrder::IndustryRank | SortOrder::Blended
        );
    let lookup = match scores {
        Some(lookup) => Some(lookup.clone()),
        None if needs_scores => {
            return Err(Error::invalid(
                "sort",
                "value, tier and industry options need scores: run `patscreen score` first",
            ));
        }
        None => None,
    };
    // Patents are filtered on their scores only when a score filter is set, and the collectors
    // run bare when no filter is, without reading any column per hit.
    if let Some(l) = &lookup {
        let score_filter = ScoreFilter::new(l.clone(), &f.tiers, &f.industries, f.min_value)?;
        if score_filter.is_active() {
            let check: OrdinalCheck = Arc::new(move |ordinal| score_filter.accepts(ordinal));
            doc_filter.check_ordinals(check);
        }
    }
    Ok((doc_filter, lookup))
}

/// The value of `doc` in a segment's values by document (-1 without one).
fn value_of(values: &[f32], doc: tantivy::DocId) -> f32 {
    values.get(doc as usize).copied().unwrap_or(-1.0)
}

/// Runs `collector` over the hits of `query` that `filter` accepts.
pub(super) fn collect<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    filter: &DocFilter,
    collector: C,
) -> Result<C::Fruit> {
    Ok(if filter.is_active() {
        searcher.search(query, &Filtered { filter, collector })?
    } else {
        searcher.search(query, &collector)?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipc_filters_parse_prefixes() {
        assert_eq!(
            ipc_prefix_facet("H01L", "ipc").unwrap(),
            facet(["H", "H01", "H01L"])
        );
        assert_eq!(
            ipc_prefix_facet("h01l21", "ipc").unwrap(),
            facet(["H", "H01", "H01L", "H01L21/00"])
        );
        let message = ipc_prefix_facet("X1", "ipc").unwrap_err().to_string();
        assert!(message.starts_with("invalid ipc: 'X1'"), "{message}");
    }
}
