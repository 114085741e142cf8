//! `GET /v1/search`: the query syntax, filters, facets, highlights, sort options and opaque
//! cursors (no cap on how deep one may page); `total` is always returned.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::error::{ApiError, ApiResult};
use super::extract::{ApiQuery, Auth};
use super::{AppState, spawn_cpu, spawn_standard};
use crate::engine::SearchParams;
use crate::index::{SearchRequest, SortOrder};

/// Query of `GET /v1/search`. List parameters take comma-separated values; types, statuses,
/// tiers and sort orders their codes or Chinese labels.
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Query: words, "phrases", AND/OR/NOT, ti: ab: cl: ap: in: ipc: inst: type: status: an:.
    #[serde(default)]
    pub q: String,
    /// Institutions, comma-separated.
    pub institution: Option<String>,
    /// IPC prefixes, comma-separated (H01L, G06F16).
    pub ipc: Option<String>,
    /// Patent types: invention (发明), utility_model (实用新型), design (外观设计).
    #[serde(rename = "type")]
    pub patent_type: Option<String>,
    /// Legal statuses: pending (审中), in_force (有效), lapsed (失效), expired (期限届满),
    /// invalidated (无效).
    pub status: Option<String>,
    /// Industries (fit ≥ 0.5), comma-separated.
    pub industry: Option<String>,
    /// Tiers A–D, `lapsed` or `unscored` (or their Chinese labels), comma-separated.
    pub tier: Option<String>,
    /// Smallest value (0–100).
    pub min_value: Option<f64>,
    /// Earliest application year.
    pub year_from: Option<u16>,
    /// Latest application year.
    pub year_to: Option<u16>,
    /// relevance (default, 相关度), newest, oldest, value, industry_rank, blended.
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
    /// Also match query words' thesaurus aliases (default true; quoted phrases never are).
    pub expand: Option<bool>,
}

/// Deepest offset a cursor may carry: beyond any library this service holds, and small enough
/// that no page computation can overflow or allocate for it.
const MAX_CURSOR_OFFSET: u64 = 100_000_000;

/// The key that signs cursors: random for each server process, so a cursor from before a
/// restart is refused as not issued here.
#[derive(Clone)]
pub struct CursorKey([u8; 32]);

impl CursorKey {
    /// A fresh random key.
    pub fn random() -> CursorKey {
        let mut key = [0u8; 32];
        if getrandom::fill(&mut key).is_err() {
            // Without system randomness the clock still keeps cursors unguessable enough to
            // be bound to this process; the MAC keeps them bound to their query either way.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            key = *blake3::hash(&nanos.to_le_bytes()).as_bytes();
        }
        CursorKey(key)
    }

    /// The MAC of a page: every parameter that decides the match set and its order, and the
    /// offset.
    fn mac(&self, params: &SearchQuery, offset: u64) -> blake3::Hash {
        let message = serde_json::json!([
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
            params.sort,
            offset
        ]);
        blake3::keyed_hash(&self.0, message.to_string().as_bytes())
    }

    /// The cursor of the page at `offset`: the offset (16 hex digits) and its MAC (64).
    fn encode(&self, params: &SearchQuery, offset: u64) -> String {
        format!("{offset:016x}{}", self.mac(params, offset).to_hex())
    }

    /// The offset a cursor carries, once its MAC proves this process issued it for `params`.
    fn decode(&self, params: &SearchQuery, text: &str) -> ApiResult<u64> {
        let not_ours = || {
            ApiError::bad(
                "cursor",
                "not a cursor this server issued for this query (cursors end when the query changes or the server restarts)",
            )
        };
        if text.len() != 80 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(not_ours());
        }
        let (offset, mac) = text.split_at(16);
        let offset = u64::from_str_radix(offset, 16).map_err(|_| not_ours())?;
        let mac = blake3::Hash::from_hex(mac).map_err(|_| not_ours())?;
        // blake3::Hash compares in constant time.
        if mac != self.mac(params, offset) || offset > MAX_CURSOR_OFFSET {
            return Err(not_ours());
        }
        Ok(offset)
    }
}

/// Builds the library request from the query string: the cursor resolved to an offset, every
/// other value checked by the same conversion as `patscreen search` ([`SearchParams`]).
pub fn request(params: &SearchQuery, max_page: usize, key: &CursorKey) -> ApiResult<SearchRequest> {
    // An empty cursor is the first page, as an empty form field is no filter.
    let offset = match params.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(text) => usize::try_from(key.decode(params, text)?)
            .map_err(|_| ApiError::bad("cursor", "the offset is too large"))?,
        None => 0,
    };
    let list = |value: &Option<String>| value.iter().cloned().collect::<Vec<_>>();
    let search = SearchParams {
        q: params.q.clone(),
        institution: list(&params.institution),
        ipc: list(&params.ipc),
        patent_type: list(&params.patent_type),
        status: list(&params.status),
        industry: list(&params.industry),
        tier: list(&params.tier),
        min_value: params.min_value,
        year_from: params.year_from,
        year_to: params.year_to,
        sort: params.sort.clone(),
        limit: params.limit,
        offset,
        facets: params.facets,
        snippets: params.snippets,
        expand: params.expand,
    };
    Ok(search.to_request(max_page)?)
}

/// Whether a search goes to the standard pool: faceted, sorted and phrase searches have a
/// larger latency budget than relevance-ordered ones (see [`spawn_standard`]).
fn is_standard(request: &SearchRequest) -> bool {
    request.facets || request.sort != SortOrder::Relevance || request.query.contains('"')
}

/// Searches the library.
#[utoipa::path(get, path = "/v1/search", operation_id = "search", tag = "search", params(SearchQuery),
    responses((status = 200, description = "total, hits (with value, tier, industries, snippets), facets, next_cursor", body = super::bodies::SearchPage), (status = 400, description = "a parameter is invalid: the problem names it", body = super::Problem, content_type = "application/problem+json")))]
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<SearchQuery>,
) -> ApiResult<impl IntoResponse> {
    auth.read(&state)?;
    let request = request(&params, state.config.max_page, &state.cursor_key)?;
    let library = state.library.clone();
    let offset = request.offset;
    let results = if is_standard(&request) {
        spawn_standard(move || library.search(&request)).await??
    } else {
        spawn_cpu(move || library.search(&request)).await??
    };
    let next = offset + results.hits.len();
    let next_cursor = (next < results.total && !results.hits.is_empty())
        .then(|| state.cursor_key.encode(&params, next as u64));
    Ok(Json(super::bodies::SearchPage {
        results,
        next_cursor,
        offset,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_signed_over_query_and_offset() {
        let key = CursorKey::random();
        let params = SearchQuery {
            q: "电池".into(),
            ..SearchQuery::default()
        };
        let token = key.encode(&params, 30);
        let with = |cursor: String, q: &str| SearchQuery {
            cursor: Some(cursor),
            q: q.into(),
            ..SearchQuery::default()
        };
        assert_eq!(
            request(&with(token.clone(), "电池"), 200, &key)
                .unwrap()
                .offset,
            30
        );
        // Another query, another process's key, or a forged offset are all refused.
        assert!(request(&with(token.clone(), "芯片"), 200, &key).is_err());
        assert!(request(&with(token.clone(), "电池"), 200, &CursorKey::random()).is_err());
        let forged = format!("{:016x}{}", 1u64 << 40, token.get(16..).unwrap());
        assert!(request(&with(forged, "电池"), 200, &key).is_err());
        let far = key.encode(&params, MAX_CURSOR_OFFSET + 1);
        assert!(request(&with(far, "电池"), 200, &key).is_err());
        // An empty cursor is the first page.
        assert_eq!(
            request(&with(String::new(), "电池"), 200, &key)
                .unwrap()
                .offset,
            0
        );
        for garbage in ["zz", "中文", &"f".repeat(80), token.get(..79).unwrap()] {
            let status = request(&with(garbage.to_string(), "电池"), 200, &key)
                .err()
                .map(|e| e.status());
            assert_eq!(
                status,
                Some(axum::http::StatusCode::BAD_REQUEST),
                "{garbage}"
            );
        }
    }

    #[test]
    fn faceted_sorted_and_phrase_searches_are_standard_work() {
        let key = CursorKey::random();
        let plain = |q: &str| SearchQuery {
            q: q.into(),
            ..SearchQuery::default()
        };
        assert!(!is_standard(
            &request(&plain("电池 回收"), 200, &key).unwrap()
        ));
        let filtered = SearchQuery {
            status: Some("in_force".into()),
            ..plain("电池")
        };
        assert!(!is_standard(&request(&filtered, 200, &key).unwrap()));
        assert!(is_standard(
            &request(&plain("\"锂电池\""), 200, &key).unwrap()
        ));
        let faceted = SearchQuery {
            facets: true,
            ..plain("电池")
        };
        assert!(is_standard(&request(&faceted, 200, &key).unwrap()));
        let sorted = SearchQuery {
            sort: Some("value".into()),
            ..plain("电池")
        };
        assert!(is_standard(&request(&sorted, 200, &key).unwrap()));
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any cursor text, and any offset put before a real cursor's MAC, is refused unless
        /// this key signed exactly that offset for this query.
        #[test]
        fn cursors_are_never_forged(text in "\\PC{0,90}|[0-9a-f]{80}", offset in any::<u64>()) {
            let key = CursorKey::random();
            let params = SearchQuery { q: "电池".into(), ..SearchQuery::default() };
            prop_assert!(key.decode(&params, &text).is_err());
            let genuine = key.encode(&params, 7);
            let forged = format!("{offset:016x}{}", genuine.get(16..).unwrap_or_default());
            prop_assert_eq!(key.decode(&params, &forged).is_ok(), offset == 7);
        }
    }
}
