//! `GET /v1/search`: the query syntax, filters, facets, highlights, sort options and opaque
//! cursors (no cap on how deep one may page); `total` is always returned.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::error::{ApiError, ApiResult};
use super::extract::{ApiQuery, Auth, comma_list};
use super::{AppState, spawn_cpu, spawn_standard};
use crate::index::{Filters, SearchRequest, SortOrder};
use crate::model::{LegalStatus, PatentType};

/// Query of `GET /v1/search`. List parameters take comma-separated values.
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Query: words, "phrases", AND/OR/NOT, ti: ab: cl: ap: in: ipc: inst: type: status: an:.
    #[serde(default)]
    pub q: String,
    /// Institutions, comma-separated.
    pub institution: Option<String>,
    /// IPC prefixes, comma-separated (H01L, G06F16).
    pub ipc: Option<String>,
    /// Patent types: invention, utility_model, design.
    #[serde(rename = "type")]
    pub patent_type: Option<String>,
    /// Legal statuses: pending, in_force, lapsed, expired, invalidated.
    pub status: Option<String>,
    /// Industries (fit ≥ 0.5), comma-separated.
    pub industry: Option<String>,
    /// Tiers A–D, comma-separated.
    pub tier: Option<String>,
    /// Smallest value (0–100).
    pub min_value: Option<f64>,
    /// Earliest application year.
    pub year_from: Option<u16>,
    /// Latest application year.
    pub year_to: Option<u16>,
    /// relevance (default), newest, oldest, value, industry_rank, blended.
    pub sort: Option<String>,
    /// Hits per page (default 10).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Count facets.
    #[serde(default)]
    pub facets: bool,
    /// Highlighted snippets (default true).
    pub snippets: Option<bool>,
}

/// The opaque cursor: the next offset, bound to the query it came from.
#[derive(Serialize, Deserialize)]
struct Cursor {
    offset: usize,
    signature: String,
}

fn signature(params: &SearchParams) -> String {
    let key = serde_json::json!([
        params.q,
        params.institution,
        params.ipc,
        params.patent_type,
        params.status,
        params.industry,
        params.tier,
        params.min_value,
        params.year_from,
        params.year_to,
        params.sort
    ]);
    blake3::hash(key.to_string().as_bytes()).to_hex()[..16].to_string()
}

fn encode(cursor: &Cursor) -> String {
    serde_json::to_vec(cursor)
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode(text: &str) -> Option<Cursor> {
    if !text.len().is_multiple_of(2) || text.len() > 512 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect();
    serde_json::from_slice(&bytes?).ok()
}

/// Builds the library request from the parameters.
pub fn request(params: &SearchParams, max_page: usize) -> ApiResult<SearchRequest> {
    let limit = params.limit.unwrap_or(10);
    if limit == 0 || limit > max_page {
        return Err(ApiError::bad(
            "limit",
            format!("must be between 1 and {max_page}"),
        ));
    }
    let offset = match &params.cursor {
        Some(text) => {
            let cursor = decode(text)
                .ok_or_else(|| ApiError::bad("cursor", "not a cursor this server issued"))?;
            if cursor.signature != signature(params) {
                return Err(ApiError::bad(
                    "cursor",
                    "the cursor belongs to another query",
                ));
            }
            cursor.offset
        }
        None => 0,
    };
    let sort = match params.sort.as_deref().unwrap_or("relevance") {
        "relevance" => SortOrder::Relevance,
        "newest" => SortOrder::Newest,
        "oldest" => SortOrder::Oldest,
        "value" => SortOrder::Value,
        "industry_rank" | "industry-rank" => SortOrder::IndustryRank,
        "blended" => SortOrder::Blended,
        other => {
            return Err(ApiError::bad(
                "sort",
                format!(
                    "'{other}' is not relevance, newest, oldest, value, industry_rank or blended"
                ),
            ));
        }
    };
    let patent_types = comma_list(&params.patent_type)
        .iter()
        .map(|t| {
            PatentType::ALL
                .into_iter()
                .find(|p| p.as_str() == t)
                .ok_or_else(|| {
                    ApiError::bad(
                        "type",
                        format!("'{t}' is not invention, utility_model or design"),
                    )
                })
        })
        .collect::<ApiResult<_>>()?;
    let legal_statuses = comma_list(&params.status)
        .iter()
        .map(|s| {
            LegalStatus::ALL
                .into_iter()
                .find(|l| l.as_str() == s)
                .ok_or_else(|| {
                    ApiError::bad(
                        "status",
                        format!("'{s}' is not pending, in_force, lapsed, expired or invalidated"),
                    )
                })
        })
        .collect::<ApiResult<_>>()?;
    Ok(SearchRequest {
        query: params.q.clone(),
        filters: Filters {
            institutions: comma_list(&params.institution),
            ipc: comma_list(&params.ipc),
            patent_types,
            legal_statuses,
            year_from: params.year_from,
            year_to: params.year_to,
            industries: comma_list(&params.industry),
            tiers: comma_list(&params.tier),
            min_value: params.min_value,
            ..Filters::default()
        },
        sort,
        limit,
        offset,
        facets: params.facets,
        snippets: params.snippets.unwrap_or(true),
        records: false,
        top_only: false,
    })
}

/// Whether a search goes to the standard pool: faceted, sorted and phrase searches have a
/// larger latency budget than relevance-ordered ones (see [`spawn_standard`]).
fn is_standard(request: &SearchRequest) -> bool {
    request.facets || request.sort != SortOrder::Relevance || request.query.contains('"')
}

/// Searches the library.
#[utoipa::path(get, path = "/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, description = "total, hits (with value, tier, industries, snippets), facets, next_cursor"), (status = 400, body = super::Problem)))]
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> ApiResult<impl IntoResponse> {
    auth.read(&state)?;
    let request = request(&params, state.config.max_page)?;
    let library = state.library.clone();
    let offset = request.offset;
    let results = if is_standard(&request) {
        spawn_standard(move || library.search(&request)).await??
    } else {
        spawn_cpu(move || library.search(&request)).await??
    };
    let next = offset + results.hits.len();
    let next_cursor = (next < results.total && !results.hits.is_empty()).then(|| {
        encode(&Cursor {
            offset: next,
            signature: signature(&params),
        })
    });
    let mut body = serde_json::to_value(&results).map_err(ApiError::internal)?;
    if let Some(map) = body.as_object_mut() {
        map.insert("next_cursor".into(), serde_json::json!(next_cursor));
        map.insert("offset".into(), serde_json::json!(offset));
    }
    Ok(Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_query() {
        let params = SearchParams {
            q: "电池".into(),
            ..SearchParams::default()
        };
        let token = encode(&Cursor {
            offset: 30,
            signature: signature(&params),
        });
        let with = SearchParams {
            cursor: Some(token.clone()),
            ..SearchParams {
                q: "电池".into(),
                ..SearchParams::default()
            }
        };
        assert_eq!(request(&with, 200).unwrap().offset, 30);
        let other = SearchParams {
            cursor: Some(token),
            q: "芯片".into(),
            ..SearchParams::default()
        };
        assert!(request(&other, 200).is_err());
        assert!(decode("zz").is_none());
    }

    #[test]
    fn faceted_sorted_and_phrase_searches_are_standard_work() {
        let plain = |q: &str| SearchParams {
            q: q.into(),
            ..SearchParams::default()
        };
        assert!(!is_standard(&request(&plain("电池 回收"), 200).unwrap()));
        let filtered = SearchParams {
            status: Some("in_force".into()),
            ..plain("电池")
        };
        assert!(!is_standard(&request(&filtered, 200).unwrap()));
        assert!(is_standard(&request(&plain("\"锂电池\""), 200).unwrap()));
        let faceted = SearchParams {
            facets: true,
            ..plain("电池")
        };
        assert!(is_standard(&request(&faceted, 200).unwrap()));
        let sorted = SearchParams {
            sort: Some("value".into()),
            ..plain("电池")
        };
        assert!(is_standard(&request(&sorted, 200).unwrap()));
    }
}
