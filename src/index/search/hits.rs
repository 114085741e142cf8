//! The page's documents as hits: their stored fields (or whole records), highlighted snippets
//! and the score table's columns (value, tier, term left, industries).

use std::collections::BTreeMap;
use std::sync::Arc;

use tantivy::query::Query;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::{Highlight, Hit, ON_TOPIC_KEY, SearchRequest, SortOrder};
use crate::error::Result;
use crate::index::document::{HitFields, from_document, long_texts};
use crate::index::fields::PatentFields;
use crate::index::scores::ScoreLookup;
use crate::index::snippets::FieldSnippets;
use crate::model::Patent;

/// A snippet generator per highlighted field: (field name, generator).
pub(super) type Generators = Vec<(&'static str, FieldSnippets)>;

/// The snippet generators of title, abstract and claims for `query`, when snippets are wanted.
pub(super) fn snippet_generators(
    searcher: &Searcher,
    fields: &PatentFields,
    query: &dyn Query,
    wanted: bool,
) -> Result<Generators> {
    let mut generators = Vec::new();
    if wanted {
        for (name, field, chars) in [
            ("title", fields.title, 200),
            ("abstract", fields.abstract_text, 160),
            ("claims", fields.claims, 160),
        ] {
            generators.push((name, FieldSnippets::new(searcher, query, field, chars)?));
        }
    }
    Ok(generators)
}

/// A collected key and whether its hit is on topic, for a relaxed search in another order than
/// relevance (`relaxed`), whose keys put on-topic hits first: a date sort's key is 1 for an
/// on-topic hit and the hit's score is 0; a value or industry-rank key carries an offset of
/// twice [`ON_TOPIC_KEY`], taken off again. Otherwise the key is the score, unflagged.
pub(super) fn split_on_topic(
    mut score: f32,
    sort: SortOrder,
    relaxed: bool,
) -> (f32, Option<bool>) {
    let on_topic = relaxed.then(|| match sort {
        SortOrder::Newest | SortOrder::Oldest => {
            let on = score > 0.5;
            score = 0.0;
            on
        }
        _ => {
            let on = score >= ON_TOPIC_KEY;
            if on {
                score -= ON_TOPIC_KEY * 2.0;
            }
            on
        }
    });
    (score, on_topic)
}

/// What a hit shows of its document: the shown fields, the record when the request asks for
/// records, and the abstract and claims when they are needed (for snippets or records).
type Stored = (
    HitFields,
    Option<Box<Patent>>,
    (Option<String>, Option<String>),
);

/// Reads a hit's document: the whole record is parsed only when asked for, abstract and claims
/// decompressed only for snippets and records.
fn stored(fields: &PatentFields, doc: &TantivyDocument, request: &SearchRequest) -> Result<Stored> {
    Ok(if request.records {
        let patent = from_document(fields, doc)?;
        let texts = (patent.abstract_text.clone(), patent.claims.clone());
        (
            HitFields::from_patent(&patent),
            Some(Box::new(patent)),
            texts,
        )
    } else if request.snippets {
        (HitFields::of(fields, doc)?, None, long_texts(fields, doc)?)
    } else {
        (HitFields::of(fields, doc)?, None, (None, None))
    })
}

/// The highlighted fragments of the texts that match, by field name.
fn snippets(
    generators: &Generators,
    title: &str,
    abstract_text: Option<&str>,
    claims: Option<&str>,
) -> BTreeMap<String, Highlight> {
    let mut snippets = BTreeMap::new();
    for (name, generator) in generators {
        let text = match *name {
            "title" => Some(title),
            "abstract" => abstract_text,
            _ => claims,
        };
        if let Some(fragment) = text.and_then(|t| generator.fragment(t)) {
            snippets.insert(
                (*name).to_string(),
                Highlight {
                    text: fragment.text,
                    ranges: fragment.ranges,
                },
            );
        }
    }
    snippets
}

/// A hit's columns from the score table.
#[derive(Debug, Default, PartialEq)]
struct ScoreColumns {
    /// Value 0–100.
    value: Option<f64>,
    /// Tier name.
    tier: Option<String>,
    /// Years of term left, to a tenth.
    remaining_years: Option<f64>,
    /// The industries the patent is labelled with.
    industries: Vec<String>,
}

impl ScoreColumns {
    /// The columns of the patent with `ordinal` (all empty without a score table).
    fn of(lookup: Option<&Arc<dyn ScoreLookup>>, ordinal: u64) -> ScoreColumns {
        let Some(l) = lookup else {
            return ScoreColumns::default();
        };
        let labels = l.labels(ordinal);
        ScoreColumns {
            value: l.value(ordinal),
            tier: l
                .tier(ordinal)
                .and_then(|t| l.tier_names().get(t))
                .map(|t| (*t).to_string()),
            remaining_years: l
                .remaining_years(ordinal)
                .map(|y| (y * 10.0).round() / 10.0),
            industries: l
                .industries()
                .iter()
                .take(32)
                .enumerate()
                .filter(|(i, _)| labels & (1 << i) != 0)
                .map(|(_, n)| n.clone())
                .collect(),
        }
    }
}

/// Builds the hits of a page.
pub(super) struct HitBuilder<'a> {
    /// The searcher the page was collected with.
    pub(super) searcher: &'a Searcher,
    /// The index fields.
    pub(super) fields: &'a PatentFields,
    /// The request (records, snippets).
    pub(super) request: &'a SearchRequest,
    /// The snippet generators ([`snippet_generators`]).
    pub(super) generators: &'a Generators,
    /// The score table, when there is one.
    pub(super) lookup: Option<&'a Arc<dyn ScoreLookup>>,
}

impl HitBuilder<'_> {
    /// The hit at `address`, with its score and on-topic flag ([`split_on_topic`]).
    pub(super) fn hit(
        &self,
        address: DocAddress,
        score: f32,
        on_topic: Option<bool>,
    ) -> Result<Hit> {
        let fields = self.fields;
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let (shown, record, (abstract_text, claims)) = stored(fields, &doc, self.request)?;
        let snippets = snippets(
            self.generators,
            shown.title.as_str(),
            abstract_text.as_deref(),
            claims.as_deref(),
        );
        let ordinal = crate::index::document::ordinal(fields, &doc).unwrap_or(u64::MAX);
        let columns = ScoreColumns::of(self.lookup, ordinal);
        Ok(Hit {
            ordinal,
            address: Some(address),
            missing_concepts: Vec::new(),
            on_topic,
            record,
            application_number: shown.application_number.to_string(),
            score,
            patent_type: shown.effective_type(),
            title: shown.title,
            institution: shown.institution,
            applicants: shown.applicants,
            ipc: shown.ipc,
            legal_status: shown.legal_status,
            lapse_date: shown.lapse_date,
            application_date: shown.application_date,
            value: columns.value,
            tier: columns.tier,
            remaining_years: columns.remaining_years,
            industries: columns.industries,
            snippets,
        })
    }
}

/// Under a value, industry-rank or blended sort, a note on the page's unscored hits: value
/// sorts list them after every scored patent, so their order says nothing about value.
pub(super) fn unscored_note(hits: &[Hit], sort: SortOrder) -> Option<String> {
    let unscored = hits
        .iter()
        .filter(|h| h.tier.as_deref() == Some("unscored"))
        .count();
    (unscored > 0
        && matches!(
            sort,
            SortOrder::Value | SortOrder::IndustryRank | SortOrder::Blended
        ))
    .then(|| {
        format!(
            "{unscored} of these {} hits are unscored (未评分 · 数据不足: too few observed signals for a value); value sorts list them after every scored patent, so their order here says nothing about value",
            hits.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_on_topic_leaves_plain_searches_alone() {
        assert_eq!(split_on_topic(3.5, SortOrder::Value, false), (3.5, None));
        assert_eq!(split_on_topic(3.5, SortOrder::Newest, false), (3.5, None));
    }

    #[test]
    fn split_on_topic_reads_the_keys_of_relaxed_searches() {
        assert_eq!(
            split_on_topic(1.0, SortOrder::Oldest, true),
            (0.0, Some(true))
        );
        assert_eq!(
            split_on_topic(0.0, SortOrder::Newest, true),
            (0.0, Some(false))
        );
        let on = ON_TOPIC_KEY * 2.0 + 42.5;
        assert_eq!(
            split_on_topic(on, SortOrder::Value, true),
            (42.5, Some(true))
        );
        assert_eq!(
            split_on_topic(-1.0, SortOrder::IndustryRank, true),
            (-1.0, Some(false))
        );
    }

    #[test]
    fn unscored_note_only_under_value_sorts() {
        let hit = |tier: &str| Hit {
            application_number: "CN202010000001.1".into(),
            score: 0.0,
            title: String::new(),
            institution: None,
            applicants: vec![],
            ipc: vec![],
            patent_type: None,
            legal_status: None,
            lapse_date: None,
            application_date: None,
            value: None,
            tier: Some(tier.to_string()),
            remaining_years: None,
            industries: vec![],
            snippets: BTreeMap::new(),
            missing_concepts: vec![],
            on_topic: None,
            ordinal: 0,
            address: None,
            record: None,
        };
        let hits = [hit("A"), hit("unscored")];
        let note = unscored_note(&hits, SortOrder::Value).unwrap();
        assert!(note.starts_with("1 of these 2 hits are unscored"), "{note}");
        assert_eq!(unscored_note(&hits, SortOrder::Relevance), None);
        assert_eq!(unscored_note(&hits[..1], SortOrder::Blended), None);
    }

    #[test]
    fn score_columns_are_empty_without_scores() {
        assert_eq!(ScoreColumns::of(None, 7), ScoreColumns::default());
    }
}
