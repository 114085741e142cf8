//! `SearchParams`: a search as a person states it, in the words of `patscreen search` and
//! `GET /v1/search`, turned into a [`SearchRequest`] in one place, so both front ends accept
//! the same values (codes or Chinese labels) and give the same message naming the parameter.

use crate::error::{Error, Result};
use crate::index::{Filters, SearchRequest, SortOrder};
use crate::model::{Institution, LegalStatus, PatentType, Vocabulary};
use crate::scoring::Tier;

/// Hits per page when none is asked for.
pub const DEFAULT_LIMIT: usize = 10;

/// The values of a search as given, before they are checked. List values may hold several
/// comma-separated items (`发明,design`); blank items are skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    /// The query text (words, "phrases", AND/OR/NOT, field prefixes).
    pub q: String,
    /// Institutions.
    pub institution: Vec<String>,
    /// IPC prefixes (H01L, G06F16).
    pub ipc: Vec<String>,
    /// Patent types: codes or Chinese labels.
    pub patent_type: Vec<String>,
    /// Legal statuses: codes or Chinese labels.
    pub status: Vec<String>,
    /// Industries (fit ≥ 0.5).
    pub industry: Vec<String>,
    /// Tiers: A–D, `lapsed`, `unscored`, or their Chinese labels.
    pub tier: Vec<String>,
    /// Smallest value (0–100).
    pub min_value: Option<f64>,
    /// Earliest application year.
    pub year_from: Option<u16>,
    /// Latest application year.
    pub year_to: Option<u16>,
    /// The order: a code or a Chinese label; relevance when absent. `industry_rank` ranks by
    /// the first industry filter, or by value when there is none.
    pub sort: Option<String>,
    /// Hits per page; [`DEFAULT_LIMIT`] when absent.
    pub limit: Option<usize>,
    /// Hits to skip.
    pub offset: usize,
    /// Count facets.
    pub facets: bool,
    /// Highlighted snippets (default true).
    pub snippets: Option<bool>,
    /// Also match the query words' thesaurus aliases (default true).
    pub expand: Option<bool>,
}

impl SearchParams {
    /// Checks every value and builds the request; `max_page` bounds `limit`. An error names
    /// the parameter at fault and, for a closed set of values, lists the accepted ones.
    pub fn to_request(&self, max_page: usize) -> Result<SearchRequest> {
        let limit = check_limit(self.limit.unwrap_or(DEFAULT_LIMIT), max_page)?;
        let sort = match self.sort.as_deref().map(str::trim) {
            None | Some("") => SortOrder::Relevance,
            Some(text) => parse_one("sort", text)?,
        };
        // The industry rank is the rank in the first industry filter; with none, patents are
        // ranked by value, which is what each industry's rank is built on.
        let sort = match sort {
            SortOrder::IndustryRank if items(&self.industry).next().is_none() => SortOrder::Value,
            sort => sort,
        };
        let tiers: Vec<Tier> = parse_all("tier", &self.tier)?;
        let institutions = items(&self.institution)
            .map(|raw| Error::institution("institution", raw).map(Institution::into_string))
            .collect::<Result<_>>()?;
        Ok(SearchRequest {
            query: self.q.clone(),
            filters: Filters {
                institutions,
                ipc: items(&self.ipc).map(str::to_string).collect(),
                patent_types: parse_all::<PatentType>("type", &self.patent_type)?,
                legal_statuses: parse_all::<LegalStatus>("status", &self.status)?,
                year_from: self.year_from,
                year_to: self.year_to,
                industries: items(&self.industry).map(str::to_string).collect(),
                tiers: tiers.iter().map(|t| t.as_str().to_string()).collect(),
                min_value: self.min_value,
                ..Filters::default()
            },
            sort,
            limit,
            offset: self.offset,
            facets: self.facets,
            snippets: self.snippets.unwrap_or(true),
            records: false,
            top_only: false,
            expand: self.expand.unwrap_or(true),
        })
    }
}

/// The one check of a page size: at least 1, at most `max_page` (`usize::MAX`: no bound).
pub fn check_limit(limit: usize, max_page: usize) -> Result<usize> {
    match (limit, max_page) {
        (0, usize::MAX) => Err(Error::invalid("limit", "must be at least 1")),
        (l, max) if l == 0 || l > max => Err(Error::invalid(
            "limit",
            format!("must be between 1 and {max}"),
        )),
        (l, _) => Ok(l),
    }
}

/// The non-blank items of a list parameter, each value split at commas (`,` or `，`).
fn items(values: &[String]) -> impl Iterator<Item = &str> {
    values
        .iter()
        .flat_map(|v| v.split([',', '，']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// One value of a vocabulary, the error naming `parameter`.
pub fn parse_one<V: Vocabulary>(parameter: &str, text: &str) -> Result<V> {
    V::parse_value(text).map_err(|e| Error::invalid(parameter, e.to_string()))
}

/// Every item of a list parameter, parsed; the first unknown one is the error.
pub fn parse_all<V: Vocabulary>(parameter: &str, values: &[String]) -> Result<Vec<V>> {
    items(values).map(|v| parse_one(parameter, v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn fault(result: Result<SearchRequest>) -> (String, String) {
        match result {
            Err(Error::InvalidParameter { parameter, reason }) => (parameter, reason),
            other => panic!("expected an invalid parameter, got {other:?}"),
        }
    }

    #[test]
    fn codes_labels_and_comma_lists_become_one_request() {
        let params = SearchParams {
            q: "电池".into(),
            patent_type: vec!["发明,UTILITY-MODEL".into()],
            status: vec!["有效".into(), "pending".into()],
            tier: vec!["a".into(), "未评分".into()],
            sort: Some("industry-rank".into()),
            institution: vec!["清华大学，北京大学".into()],
            ..SearchParams::default()
        };
        let request = params.to_request(200).unwrap();
        assert_eq!(
            request.filters.patent_types,
            vec![PatentType::Invention, PatentType::UtilityModel]
        );
        assert_eq!(
            request.filters.legal_statuses,
            vec![LegalStatus::InForce, LegalStatus::Pending]
        );
        assert_eq!(request.filters.tiers, vec!["A", "unscored"]);
        assert_eq!(request.filters.institutions, vec!["清华大学", "北京大学"]);
        assert_eq!(
            request.sort,
            SortOrder::Value,
            "no industry filter: by value"
        );
        assert_eq!(request.limit, DEFAULT_LIMIT);
        let ranked = SearchParams {
            industry: vec!["集成电路".into()],
            ..params
        };
        assert_eq!(
            ranked.to_request(200).unwrap().sort,
            SortOrder::IndustryRank
        );
    }

    #[test]
    fn an_unknown_value_names_its_parameter_and_the_accepted_values() {
        let (parameter, reason) = fault(
            SearchParams {
                status: vec!["alive".into()],
                ..SearchParams::default()
            }
            .to_request(200),
        );
        assert_eq!(parameter, "status");
        assert!(
            reason.contains("'alive'") && reason.contains("in_force (有效)"),
            "{reason}"
        );
        let (parameter, reason) = fault(
            SearchParams {
                sort: Some("best".into()),
                ..SearchParams::default()
            }
            .to_request(200),
        );
        assert_eq!(parameter, "sort");
        assert!(reason.contains("industry_rank"), "{reason}");
    }

    #[test]
    fn the_limit_is_checked_once_against_the_page_bound() {
        let with = |limit| SearchParams {
            limit: Some(limit),
            ..SearchParams::default()
        };
        assert_eq!(fault(with(0).to_request(200)).0, "limit");
        assert_eq!(
            fault(with(201).to_request(200)).1,
            "must be between 1 and 200"
        );
        assert_eq!(with(5000).to_request(usize::MAX).unwrap().limit, 5000);
        assert_eq!(
            fault(with(0).to_request(usize::MAX)).1,
            "must be at least 1"
        );
    }
}
