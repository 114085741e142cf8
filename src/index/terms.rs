//! Term-level access for matchmaking and similar patents: document frequencies (for IDF),
//! searches over weighted analysed terms instead of query text, and phrase matches on the
//! character-bigram field (independent of how jieba cut a compound).

use std::sync::Arc;

use tantivy::Term;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::{PatentIndex, ScoreLookup, SearchRequest, SearchResults, search};
use crate::error::{Error, Result};

impl PatentIndex {
    /// The number of patents whose title, abstract or claims contain an analysed term
    /// (the largest of the three field frequencies, a cheap stand-in for the union).
    pub fn doc_freq(&self, term: &str) -> Result<u64> {
        let searcher = self.reader.searcher();
        let mut best = 0;
        for field in [
            self.fields.title,
            self.fields.abstract_text,
            self.fields.claims,
        ] {
            best = best.max(searcher.doc_freq(&Term::from_field_text(field, term))?);
        }
        Ok(best)
    }

    /// The number of patents whose text contains `text` as an exact character sequence
    /// (a phrase over the bigram field; `0` when the text has no bigram).
    pub fn bigram_doc_freq(&self, text: &str) -> Result<u64> {
        let searcher = self.reader.searcher();
        Ok(match super::query::bigram_phrase(&self.fields, text) {
            Some(query) => searcher.search(&*query, &Count)? as u64,
            None => 0,
        })
    }

    /// Searches for weighted analysed terms (any of them), each over title, abstract, claims
    /// and promotion text with the usual field boosts; `request` supplies filters, sort, page,
    /// facets and snippets.
    pub fn search_terms(
        &self,
        terms: &[(String, f32)],
        request: &SearchRequest,
        scores: Option<&Arc<dyn ScoreLookup>>,
    ) -> Result<SearchResults> {
        let weighted: Vec<(String, f32, f32)> = terms
            .iter()
            .map(|(text, weight)| (text.clone(), *weight, 0.0))
            .collect();
        self.search_weighted(&weighted, request, scores)
    }

    /// Searches for weighted terms (any of them). Each `(term, word weight, bigram weight)`
    /// matches as an analysed word over title, abstract, claims and promotion text with the
    /// usual field boosts, times the word weight, and as an exact character sequence on the
    /// bigram field, times the bigram weight (a weight of 0 leaves that part out). `request`
    /// supplies filters, sort, page, facets and snippets (`request.query` is unused).
    pub fn search_weighted(
        &self,
        terms: &[(String, f32, f32)],
        request: &SearchRequest,
        scores: Option<&Arc<dyn ScoreLookup>>,
    ) -> Result<SearchResults> {
        let f = &self.fields;
        let b = &self.boosts;
        let targets = [
            (f.title, b.title),
            (f.abstract_text, b.abstract_text),
            (f.claims, b.claims),
            (f.promotion, b.promotion),
        ];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (text, weight, bigram_weight) in terms {
            if text.is_empty() {
                continue;
            }
            if *weight > 0.0 {
                for (field, boost) in targets {
                    let query = TermQuery::new(
                        Term::from_field_text(field, text),
                        IndexRecordOption::WithFreqs,
                    );
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(query), weight * boost)),
                    ));
                }
            }
            if *bigram_weight > 0.0
                && let Some(query) = super::query::bigram_phrase(f, text)
            {
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(query, bigram_weight * b.bigrams)),
                ));
            }
        }
        if clauses.is_empty() {
            return Err(Error::invalid("text", "no searchable terms"));
        }
        search::search_with_query(
            &self.reader.searcher(),
            f,
            request,
            Box::new(BooleanQuery::new(clauses)),
            scores,
        )
    }
}
