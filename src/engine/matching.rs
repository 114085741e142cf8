//! Matchmaking: enterprise demands (stored), demand → patents with reasons. Patent → demands
//! and similar patents are in `recommend.rs`.
//!
//! Everything rests on the key terms of a text (`key_terms.rs`), picked by TF-IDF over the
//! library, a demand's title weighted above its wordy description. They are searched as weighted
//! words over the text fields (search mode indexes compounds and their sub-words alike); a
//! demand term no patent holds as written (油缸, CNN) is searched through its thesaurus aliases
//! (液压缸, 卷积神经网络), which the reasons name. The technical areas the demand and a patent
//! share (the curated thesaurus's sections of one field, see `Areas`), the demand's industry
//! (when it names one) and a small value prior shape the final order; identical offers (same
//! title and abstract) are listed once. Every reason is checked
//! against the patent record: a matched term really occurs in its title or abstract.
//!
//! Measured on the development set of judged demands (README "Measured" gives the figures;
//! `tests/it/matching.rs` and `scripts/eval_match.py` run it when the set is present).

use chrono::NaiveDate;
use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;

use super::Library;
use super::key_terms::{
    ALIASES_PER_TERM, DocFreqs, KEY_TERMS, KeyTerm, Section, alias_words, demand_sections,
    key_terms_of, key_terms_with,
};
use super::match_cache::RankedWith;
use crate::error::{Error, Result};
use crate::index::{Hit, MAX_LIMIT, ScoreLookup, SearchRequest};
use crate::model::{ApplicationNumber, Demand, LegalStatus, NewDemand, Patent};
use crate::text::{AreaProfile, Areas, Thesaurus, normalize};

/// Why a patent matches a demand (or a demand a patent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MatchReasons {
    /// Key terms the two texts share (each occurs in the patent's title or abstract).
    pub matched_terms: Vec<String>,
    /// The industry they share, if any: the demand's industry when the patent fits it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// The patent's value tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The patent's technology maturity, as submitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maturity: Option<String>,
    /// Key terms of the demand the patent meets through another name (a thesaurus alias in
    /// its title or abstract) rather than as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matched_aliases: Vec<AliasReason>,
    /// Technical areas (fields of the curated thesaurus's sections, such as 涂料、胶粘剂与油墨
    /// or 塑料与聚合物) whose terms both the demand and the patent's title or abstract use, the
    /// most shared first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<String>,
}

/// A demand term a patent meets through one of its other names.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AliasReason {
    /// The demand's key term.
    pub term: String,
    /// The name the patent uses for it.
    pub alias: String,
}

/// A patent matched to a demand.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PatentMatch {
    /// Application number.
    pub application_number: String,
    /// Title.
    pub title: String,
    /// Owning institution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// Combined match score, 0–1 (higher is better): the text match relative to the best of
    /// the candidates, with the value prior, the shared technical areas and the industry fit,
    /// over the most those can give together.
    pub score: f64,
    /// Value 0–100, when scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Legal status, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_status: Option<LegalStatus>,
    /// When it lapsed, expired or was invalidated, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lapse_date: Option<NaiveDate>,
    /// Years of term left (in force or pending patents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_years: Option<f64>,
    /// Set when the patent is lapsed, expired or invalidated: what that means to an enterprise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lapsed: Option<String>,
    /// Industries of the patent.
    pub industries: Vec<String>,
    /// Why it matches.
    pub reasons: MatchReasons,
}

/// What a patent that is no longer in force means to an enterprise, or `None` while it lives.
pub fn lapsed_note(status: Option<LegalStatus>, since: Option<NaiveDate>) -> Option<String> {
    let status = status.filter(|s| !s.is_alive())?;
    let when = since.map(|d| format!("，失效日 {d}")).unwrap_or_default();
    Some(format!(
        "该专利已{}（{}{when}），不再受专利保护：可作技术参考或联系发明人合作，但无专利权可转让或许可",
        status.label_zh(),
        status.as_str()
    ))
}

/// Candidates re-ranked for a demand (before identical offers are merged).
pub(super) const CANDIDATES: usize = 50;
/// Weight of an alias against its key term (the same as in search, `Boosts::alias`).
const ALIAS_WEIGHT: f32 = 0.5;
/// Weight of the patent's fit to the demand's industry: the score is multiplied by
/// `1 − w + w × fit`.
pub(super) const INDUSTRY_WEIGHT: f64 = 0.3;
/// Weight of the value prior: the score is multiplied by `1 + w × (value / 100 − 0.5)`.
const VALUE_WEIGHT: f64 = 0.1;
/// Weight of the technical areas a demand and a patent share (the cosine of their area
/// profiles, see [`Areas`]), added to the score. Both matchmaking dev rounds (28 demands with a
/// relevant offer), nDCG@10 all / dev / dev2: without it 0.434 / 0.552 / 0.331, with it 0.451 /
/// 0.570 / 0.348. Measured before this code as a re-ranking of the service's matches: 0.1 and
/// 0.3 gave 0.452 and 0.439; with the `general` sections counted too, 0.1 / 0.2 / 0.3 / 0.5
/// gave 0.443 / 0.453 / 0.452 / 0.429.
pub(super) const AREA_WEIGHT: f64 = 0.2;
/// Areas named in a match's reasons.
pub(super) const AREAS_SHOWN: usize = 3;
/// The most a match can score: the best text match of the candidates with the highest value
/// (1.05), plus every area of the demand shared (0.2), at a full industry fit. Scores are
/// reported as a share of it, so 匹配度 stays within 0–1.
const MAX_SCORE: f64 = 1.0 + VALUE_WEIGHT * 0.5 + AREA_WEIGHT;
/// The term search of key terms: each word over the text fields, with its weight, and for a
/// term no patent holds as written its thesaurus aliases at [`ALIAS_WEIGHT`] (an alias
/// holding the term, or held by it, adds nothing and is left out).
pub(super) fn query_of(terms: &[KeyTerm], thesaurus: &Thesaurus) -> Vec<(String, f32)> {
    let mut query: Vec<(String, f32)> = terms.iter().map(|t| (t.text.clone(), t.weight)).collect();
    for (term, alias) in aliases_of(terms, thesaurus) {
        // Only terms no patent holds as written are widened: expanding the others too
        // measured all-dev nDCG@10 0.428 against 0.434 (dev2 0.324 against 0.331).
        if !term.alias_only {
            continue;
        }
        // The alias's words share its weight (卷积神经网络 is 卷积 + 神经网络).
        let words = alias_words(&alias);
        let weight = term.weight * ALIAS_WEIGHT / words.len().max(1) as f32;
        for word in words {
            if !query.iter().any(|(q, _)| *q == word) {
                query.push((word, weight));
            }
        }
    }
    query
}

/// The thesaurus aliases of the key terms, each with its term.
fn aliases_of<'a>(terms: &'a [KeyTerm], thesaurus: &Thesaurus) -> Vec<(&'a KeyTerm, String)> {
    let mut found = Vec::new();
    for term in terms {
        for alias in thesaurus.distinct_aliases(&term.text, ALIASES_PER_TERM) {
            found.push((term, alias.term));
        }
    }
    found
}

/// The aliases of key terms a patent text holds where it does not hold the term itself.
fn alias_reasons(terms: &[KeyTerm], thesaurus: &Thesaurus, text: &str) -> Vec<AliasReason> {
    let text = normalize(text).to_lowercase();
    let mut reasons: Vec<AliasReason> = Vec::new();
    for (term, alias) in aliases_of(terms, thesaurus) {
        if !term.alias_only
            || text.contains(&term.text)
            || !text.contains(&normalize(&alias).to_lowercase())
            || reasons.iter().any(|r| r.term == term.text)
        {
            continue;
        }
        reasons.push(AliasReason {
            term: term.text.clone(),
            alias,
        });
    }
    reasons
}

/// The key terms that occur in a text, in key-term order; a term inside one already listed
/// (保温 after 保温材料) is left out.
pub(super) fn present<'a>(terms: impl IntoIterator<Item = &'a str>, text: &str) -> Vec<String> {
    let text = normalize(text);
    let mut found: Vec<String> = Vec::new();
    for term in terms {
        if text.contains(term) && !found.iter().any(|f| f.contains(term)) {
            found.push(term.to_string());
        }
    }
    found
}

/// Title and abstract of a patent, the text reasons are checked against.
pub(super) fn patent_text(patent: &Patent) -> String {
    format!(
        "{}\n{}",
        patent.title,
        patent.abstract_text.as_deref().unwrap_or_default()
    )
}

/// The key in which identical offers coincide: normalised title and abstract.
pub(super) fn duplicate_key(patent: &Patent) -> (String, String) {
    (
        normalize(patent.title.trim()),
        normalize(patent.abstract_text.as_deref().unwrap_or_default().trim()),
    )
}

/// The search for `depth` matchmaking candidates: relevance only, with their records, no
/// snippets and no total.
pub(super) fn candidates(depth: usize) -> SearchRequest {
    let mut request = SearchRequest::new("", depth);
    request.snippets = false;
    request.records = true;
    request.top_only = true;
    request
}

pub(super) fn check_limit(limit: usize) -> Result<()> {
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    Ok(())
}

fn parse_number(number: &str) -> Result<ApplicationNumber> {
    ApplicationNumber::parse(number)
        .map_err(|e| Error::Corrupt(format!("indexed application number '{number}': {e}")))
}

pub(super) fn tier_of(lookup: &dyn ScoreLookup, ordinal: u64) -> Option<String> {
    lookup
        .tier(ordinal)
        .and_then(|t| lookup.tier_names().get(t))
        .map(|t| (*t).to_string())
}

impl Library {
    /// The patent record of a candidate hit: the one the search carried, else looked up.
    pub(super) fn record_of(&self, hit: &mut Hit) -> Result<Patent> {
        match hit.record.take() {
            Some(record) => Ok(*record),
            None => self.patent(&parse_number(&hit.application_number)?),
        }
    }

    /// Stores a demand (fields validated; errors name the field).
    pub fn create_demand(&self, demand: NewDemand) -> Result<Demand> {
        self.validate_demand(&demand)?;
        self.catalog()?.create_demand(&demand)
    }

    /// Checks a demand's fields and that its industry, if any, is one of the ten.
    fn validate_demand(&self, demand: &NewDemand) -> Result<()> {
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
        Ok(())
    }

    /// Returns one demand.
    pub fn demand(&self, id: i64) -> Result<Demand> {
        self.catalog()?.demand(id)
    }

    /// Returns every demand.
    pub fn demands(&self) -> Result<Vec<Demand>> {
        self.catalog()?.demands()
    }

    /// Picks the key terms of a text, best first: jieba terms weighted by TF × IDF over the
    /// library, with numbers, stopwords, function words and demand boilerplate dropped and
    /// the sub-words of a compound weighted lower.
    pub fn key_terms(&self, text: &str, limit: usize) -> Result<Vec<(String, f32)>> {
        let index = self.index_read()?;
        let mut freqs = DocFreqs::new(&index);
        let sections = [Section { text, weight: 1.0 }];
        Ok(key_terms_of(&sections, &mut freqs, limit)?
            .into_iter()
            .map(|t| (t.text, t.weight))
            .collect())
    }

    /// Ranks patents for a demand text (saved or not).
    pub fn match_demand_text(&self, demand: &NewDemand, limit: usize) -> Result<Vec<PatentMatch>> {
        self.validate_demand(demand)?;
        check_limit(limit)?;
        let scores = self.score_lookup();
        let (terms, hits, thesaurus) = {
            let index = self.index_read()?;
            let mut freqs = DocFreqs::new(&index);
            let thesaurus = index.thesaurus();
            let terms = key_terms_with(
                &demand_sections(demand),
                &mut freqs,
                KEY_TERMS,
                Some(&thesaurus),
            )?;
            if terms.is_empty() {
                return Ok(Vec::new());
            }
            let request = candidates(limit.clamp(CANDIDATES, MAX_LIMIT));
            let hits = index
                .search_terms(&query_of(&terms, &thesaurus), &request, scores.as_ref())?
                .hits;
            (terms, hits, thesaurus)
        };
        let industry = match (&demand.industry, scores.as_ref()) {
            (Some(named), Some(lookup)) => lookup
                .industries()
                .iter()
                .position(|n| n == named.trim())
                .map(|i| (i, lookup.industries()[i].clone())),
            _ => None,
        };
        let demand_text = demand.text();
        self.rank_matches(
            hits,
            (&terms, &thesaurus, &demand_text),
            industry,
            scores.as_ref(),
            limit,
        )
    }

    /// Combines relevance with industry fit, value and shared technical areas, lists identical
    /// offers once and fills the reasons from the patent records.
    fn rank_matches(
        &self,
        hits: Vec<Hit>,
        (terms, thesaurus, demand_text): (&[KeyTerm], &Thesaurus, &str),
        industry: Option<(usize, String)>,
        scores: Option<&Arc<dyn ScoreLookup>>,
        limit: usize,
    ) -> Result<Vec<PatentMatch>> {
        let top = hits.first().map_or(1.0, |h| f64::from(h.score)).max(1e-9);
        // The text match with the value prior, and the industry's factor.
        let mut scored: Vec<(f64, f64, Hit, Patent)> = Vec::with_capacity(hits.len());
        let mut seen = HashSet::new();
        for mut hit in hits {
            let patent = self.record_of(&mut hit)?;
            if !seen.insert(duplicate_key(&patent)) {
                continue;
            }
            let mut text = f64::from(hit.score) / top;
            if let Some(value) = hit.value {
                text *= 1.0 + VALUE_WEIGHT * (value.clamp(0.0, 100.0) / 100.0 - 0.5);
            }
            let factor = match (&industry, scores) {
                (Some((i, _)), Some(lookup)) => {
                    let fit = lookup.fit(hit.ordinal, *i).clamp(0.0, 1.0);
                    1.0 - INDUSTRY_WEIGHT + INDUSTRY_WEIGHT * fit
                }
                _ => 1.0,
            };
            scored.push((text, factor, hit, patent));
        }
        // Shared areas add to the text match, so a match the words alone rank low can still
        // rise; the demand's industry then weighs the whole. A match that stays below the
        // `limit`-th best even with the most the areas can add is not profiled.
        let mut without_areas: Vec<f64> = scored.iter().map(|(t, f, ..)| t * f).collect();
        without_areas.sort_by(|a, b| b.total_cmp(a));
        let floor = without_areas
            .get(limit.saturating_sub(1))
            .copied()
            .unwrap_or(f64::NEG_INFINITY);
        let areas = thesaurus.areas();
        let demand_areas = areas.profile(demand_text);
        let mut ranked: Vec<(f64, Hit, Patent, AreaProfile)> = Vec::with_capacity(scored.len());
        for (text, factor, hit, patent) in scored {
            let patent_areas = if (text + AREA_WEIGHT) * factor >= floor {
                areas.profile(&patent_text(&patent))
            } else {
                AreaProfile::default()
            };
            let shared = f64::from(Areas::similarity(&demand_areas, &patent_areas));
            let score = (text + AREA_WEIGHT * shared) * factor;
            ranked.push((score, hit, patent, patent_areas));
        }
        ranked.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| a.1.application_number.cmp(&b.1.application_number))
        });
        ranked.truncate(limit);
        Ok(ranked
            .into_iter()
            .map(|(score, hit, patent, patent_areas)| {
                let text = patent_text(&patent);
                PatentMatch {
                    reasons: MatchReasons {
                        matched_terms: present(terms.iter().map(|t| t.text.as_str()), &text),
                        industry: industry
                            .as_ref()
                            .filter(|(_, name)| hit.industries.contains(name))
                            .map(|(_, name)| name.clone()),
                        tier: hit.tier.clone(),
                        maturity: patent.maturity.clone(),
                        matched_aliases: alias_reasons(terms, thesaurus, &text),
                        areas: areas.shared(&demand_areas, &patent_areas, AREAS_SHOWN),
                    },
                    application_number: hit.application_number,
                    title: hit.title,
                    institution: hit.institution,
                    score: (score / MAX_SCORE).min(1.0),
                    value: hit.value,
                    legal_status: hit.legal_status,
                    lapse_date: hit.lapse_date,
                    remaining_years: hit.remaining_years,
                    lapsed: lapsed_note(hit.legal_status, hit.lapse_date),
                    industries: hit.industries,
                }
            })
            .collect())
    }

    /// Ranks patents for a stored demand.
    pub fn matches_for_demand(&self, id: i64, limit: usize) -> Result<Vec<PatentMatch>> {
        Ok(self.kept_matches(id, limit)?.as_ref().clone())
    }

    /// The matches of a stored demand, ranked once per index, score table and thesaurus.
    /// What they were ranked with is read before ranking: a batch landing meanwhile leaves
    /// the list under the older key, which no later request asks for.
    pub(super) fn kept_matches(&self, id: i64, limit: usize) -> Result<Arc<Vec<PatentMatch>>> {
        let with = {
            let index = self.index_read()?;
            RankedWith {
                index: index.version(),
                scores: self.score_lookup().map(|s| s.id()),
                thesaurus: index.thesaurus(),
            }
        };
        if let Some(kept) = self.match_cache.get(&with, id, limit) {
            return Ok(kept);
        }
        let demand = self.demand(id)?;
        let matches = Arc::new(self.match_demand_text(&demand.fields, limit)?);
        self.match_cache.put(with, id, limit, matches.clone());
        Ok(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_terms_are_substrings_and_not_repeated_inside_longer_ones() {
        let found = present(
            ["保温材料", "保温", "蓝宝石", "led"],
            "一种LED用耐高温保温材料",
        );
        assert_eq!(found, ["保温材料", "led"]);
    }
}
