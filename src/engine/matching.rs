//! Matchmaking and recommendation: enterprise demands (stored), demand → patents with reasons,
//! patent → demands, and similar patents. Key terms are picked from the text by TF-IDF over
//! the library (jieba terms, stopwords and demand boilerplate dropped) and searched as
//! weighted terms; industry fit and value shape the final order.

use std::collections::HashMap;

use serde::Serialize;

use super::Library;
use crate::error::{Error, Result};
use crate::index::{Hit, SearchRequest};
use crate::model::{ApplicationNumber, Demand, NewDemand};
use crate::text::{Analyzer, SegmentMode};

/// Why a patent matches a demand (or a demand a patent).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MatchReasons {
    /// Key terms the two texts share.
    pub matched_terms: Vec<String>,
    /// The industry they share, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// The patent's value tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The patent's technology maturity, as submitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maturity: Option<String>,
}

/// A patent matched to a demand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatentMatch {
    /// Application number.
    pub application_number: String,
    /// Title.
    pub title: String,
    /// Owning institution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// Combined match score (higher is better).
    pub score: f64,
    /// Value 0–100, when scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Industries of the patent.
    pub industries: Vec<String>,
    /// Why it matches.
    pub reasons: MatchReasons,
}

/// A demand matched to a patent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandMatch {
    /// The demand.
    pub demand: Demand,
    /// Match score.
    pub score: f64,
    /// Why it matches.
    pub reasons: MatchReasons,
}

/// A patent similar to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarPatent {
    /// Application number.
    pub application_number: String,
    /// Title.
    pub title: String,
    /// Owning institution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// Similarity score.
    pub score: f64,
    /// Key terms shared.
    pub shared_terms: Vec<String>,
    /// IPC subclasses shared.
    pub shared_ipc: Vec<String>,
}

/// Most key terms taken from a text.
const KEY_TERMS: usize = 24;

impl Library {
    /// Stores a demand (fields validated; errors name the field).
    pub fn create_demand(&self, demand: NewDemand) -> Result<Demand> {
        demand
            .validate()
            .map_err(|(field, reason)| Error::invalid(field, reason))?;
        if let Some(industry) = &demand.industry
            && !self
                .scorer
                .industry_names()
                .iter()
                .any(|n| n == industry.trim())
        {
            return Err(Error::invalid(
                "industry",
                format!(
                    "'{industry}' is not one of the ten industries ({})",
                    self.scorer.industry_names().join("、")
                ),
            ));
        }
        self.catalog()?.create_demand(&demand)
    }

    /// Returns one demand.
    pub fn demand(&self, id: i64) -> Result<Demand> {
        self.catalog()?.demand(id)
    }

    /// Returns every demand.
    pub fn demands(&self) -> Result<Vec<Demand>> {
        self.catalog()?.demands()
    }

    /// Picks the key terms of a text: jieba terms weighted by TF × IDF over the library.
    pub fn key_terms(&self, text: &str, limit: usize) -> Result<Vec<(String, f32)>> {
        let index = self.index_read()?;
        let n = index.num_docs().max(1) as f64;
        let mut tf: HashMap<String, u32> = HashMap::new();
        for term in Analyzer::default().terms(text, SegmentMode::Search) {
            if term.text.chars().count() >= 2 {
                *tf.entry(term.text).or_default() += 1;
            }
        }
        let mut weighted = Vec::with_capacity(tf.len());
        for (term, count) in tf {
            let df = index.doc_freq(&term)? as f64;
            if df == 0.0 {
                continue;
            }
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            weighted.push((term, (f64::from(count).sqrt() * idf) as f32));
        }
        weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        weighted.truncate(limit);
        Ok(weighted)
    }

    /// Ranks patents for a demand text (saved or not).
    pub fn match_demand_text(&self, demand: &NewDemand, limit: usize) -> Result<Vec<PatentMatch>> {
        demand
            .validate()
            .map_err(|(field, reason)| Error::invalid(field, reason))?;
        let terms = self.key_terms(&demand.text(), KEY_TERMS)?;
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut request = SearchRequest::new("", limit);
        request.snippets = false;
        let results =
            self.index_read()?
                .search_terms(&terms, &request, self.score_lookup().as_ref())?;
        Ok(results
            .hits
            .into_iter()
            .map(|hit| self.patent_match(hit, &terms))
            .collect())
    }

    /// Ranks patents for a stored demand.
    pub fn matches_for_demand(&self, id: i64, limit: usize) -> Result<Vec<PatentMatch>> {
        let demand = self.demand(id)?;
        self.match_demand_text(&demand.fields, limit)
    }

    fn patent_match(&self, hit: Hit, terms: &[(String, f32)]) -> PatentMatch {
        let text = hit.title.clone();
        let matched_terms = terms
            .iter()
            .filter(|(t, _)| text.contains(t.as_str()))
            .map(|(t, _)| t.clone())
            .collect();
        PatentMatch {
            application_number: hit.application_number,
            title: hit.title,
            institution: hit.institution,
            score: f64::from(hit.score),
            value: hit.value,
            industries: hit.industries.clone(),
            reasons: MatchReasons {
                matched_terms,
                industry: hit.industries.first().cloned(),
                tier: hit.tier,
                maturity: None,
            },
        }
    }

    /// Ranks stored demands for a patent.
    pub fn demands_for_patent(
        &self,
        number: &ApplicationNumber,
        limit: usize,
    ) -> Result<Vec<DemandMatch>> {
        let patent = self.patent(number)?;
        let text = format!(
            "{}\n{}",
            patent.title,
            patent.abstract_text.unwrap_or_default()
        );
        let terms = self.key_terms(&text, KEY_TERMS)?;
        let mut matches: Vec<DemandMatch> = self
            .demands()?
            .into_iter()
            .filter_map(|demand| {
                let demand_text = demand.fields.text();
                let shared: Vec<(String, f32)> = terms
                    .iter()
                    .filter(|(t, _)| demand_text.contains(t.as_str()))
                    .cloned()
                    .collect();
                (!shared.is_empty()).then(|| DemandMatch {
                    score: f64::from(shared.iter().map(|(_, w)| w).sum::<f32>()),
                    reasons: MatchReasons {
                        matched_terms: shared.into_iter().map(|(t, _)| t).collect(),
                        ..MatchReasons::default()
                    },
                    demand,
                })
            })
            .collect();
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.demand.id.cmp(&b.demand.id))
        });
        matches.truncate(limit);
        Ok(matches)
    }

    /// Patents similar to one: shared key terms, with shared IPC as a further reason.
    pub fn similar(&self, number: &ApplicationNumber, limit: usize) -> Result<Vec<SimilarPatent>> {
        let patent = self.patent(number)?;
        let text = format!(
            "{}\n{}",
            patent.title,
            patent.abstract_text.clone().unwrap_or_default()
        );
        let terms = self.key_terms(&text, KEY_TERMS)?;
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut request = SearchRequest::new("", (limit + 1).min(crate::index::MAX_LIMIT));
        request.snippets = false;
        let results =
            self.index_read()?
                .search_terms(&terms, &request, self.score_lookup().as_ref())?;
        let own: Vec<&str> = patent.ipc.iter().map(|c| c.subclass()).collect();
        Ok(results
            .hits
            .into_iter()
            .filter(|h| h.application_number != number.as_str())
            .take(limit)
            .map(|hit| SimilarPatent {
                shared_terms: terms
                    .iter()
                    .filter(|(t, _)| hit.title.contains(t.as_str()))
                    .map(|(t, _)| t.clone())
                    .collect(),
                shared_ipc: hit
                    .ipc
                    .iter()
                    .map(|c| c[..4.min(c.len())].to_string())
                    .filter(|s| own.contains(&s.as_str()))
                    .collect(),
                application_number: hit.application_number,
                title: hit.title,
                institution: hit.institution,
                score: f64::from(hit.score),
            })
            .collect())
    }
}
