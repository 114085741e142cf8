//! `/v1/industries`: the ten industries with counts and tiers, ranked shortlists as JSON,
//! CSV (UTF-8 with BOM, for Excel) or Parquet with their row counts; institution reports.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, ApiResult};
use super::extract::{ApiPath, ApiQuery, Auth, comma_list};
use super::{AppState, spawn_cpu, spawn_heavy, spawn_standard};
use crate::engine::ShortlistRequest;

/// Longest shortlist page served from the quick pool.
const QUICK_SHORTLIST: usize = 100;

/// The ten industries with counts and tier distribution.
#[utoipa::path(get, path = "/v1/industries", operation_id = "list_industries", tag = "industries", responses((status = 200, description = "the ten industries", body = super::bodies::IndustryList)))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.read(&state)?;
    let library = state.library.clone();
    let industries = spawn_cpu(move || library.industries()).await??;
    Ok(Json(super::bodies::IndustryList { industries }))
}

/// Query of a shortlist.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ShortlistParams {
    /// Institutions, comma-separated.
    pub institution: Option<String>,
    /// Tiers A–D (or `lapsed`, with `include_lapsed`), comma-separated.
    pub tier: Option<String>,
    /// Smallest value.
    pub min_value: Option<f64>,
    /// At most this many rows (default: all of them).
    pub limit: Option<usize>,
    /// Include lapsed, expired and invalidated patents.
    #[serde(default)]
    pub include_lapsed: bool,
    /// json (default), csv, xlsx or parquet.
    pub format: Option<String>,
}

fn counted(mut response: Response, rows: usize, total: usize) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-row-count", HeaderValue::from(rows));
    headers.insert("x-total-count", HeaderValue::from(total));
    response
}

/// The industry's patents ranked by value × fit, never silently truncated (row and total
/// counts in the body or in `X-Row-Count` / `X-Total-Count`).
#[utoipa::path(get, path = "/v1/industries/{name}/shortlist", operation_id = "get_shortlist", tag = "industries", params(("name" = String, Path, description = "one of the ten industries"), ShortlistParams),
    responses((status = 200, description = "JSON, CSV with BOM, XLSX or Parquet", content((crate::engine::Shortlist = "application/json"), ("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.apache.parquet"))), (status = 400, description = "a parameter is invalid: the problem names it", body = super::Problem, content_type = "application/problem+json")))]
pub async fn shortlist(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
    ApiQuery(params): ApiQuery<ShortlistParams>,
) -> ApiResult<Response> {
    auth.read(&state)?;
    let format = params.format.clone().unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "csv" | "xlsx" | "parquet") {
        return Err(ApiError::bad(
            "format",
            format!("'{format}' is not json, csv, xlsx or parquet"),
        ));
    }
    let request = ShortlistRequest {
        industry: name,
        institutions: comma_list(&params.institution),
        tiers: comma_list(&params.tier),
        min_value: params.min_value,
        limit: params.limit,
        include_unavailable: params.include_lapsed,
    };
    let library = state.library.clone();
    // A page of a shortlist is quick (the industry's ranking is kept with the scores; 2.5 ms at
    // 10^6 patents); a whole list builds every row and goes to the heavy pool.
    let quick = request.limit.is_some_and(|l| l <= QUICK_SHORTLIST);
    // A whole list is built in memory and held until the client has read it: at most
    // `max_concurrent_exports` are in flight, so slow or many readers cannot exhaust memory.
    let permit = if quick {
        None
    } else {
        Some(state.exports.clone().try_acquire_owned().map_err(|_| {
            ApiError::unavailable(
                format!(
                    "{} whole lists are being exported; ask again in a moment, or page with `limit`",
                    state.config.max_concurrent_exports
                ),
                5,
            )
        })?)
    };
    let list = if quick {
        spawn_standard(move || library.shortlist(&request)).await??
    } else {
        spawn_heavy(move || library.shortlist(&request)).await??
    };
    let (rows, total) = (list.rows.len(), list.total);
    match format.as_str() {
        "csv" => {
            let bytes = spawn_heavy(move || list.write_csv(Vec::new())).await??;
            let body = held(bytes, permit);
            let response = (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"shortlist.csv\"",
                    ),
                ],
                body,
            )
                .into_response();
            Ok(counted(response, rows, total))
        }
        "xlsx" => {
            let bytes = spawn_heavy(move || list.write_xlsx()).await??;
            let response = (
                [
                    (header::CONTENT_TYPE, super::XLSX_MEDIA_TYPE),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"shortlist.xlsx\"",
                    ),
                ],
                held(bytes, permit),
            )
                .into_response();
            Ok(counted(response, rows, total))
        }
        "parquet" => {
            let bytes = spawn_heavy(move || -> crate::Result<Vec<u8>> {
                let dir = tempfile_dir()?;
                let path = dir.join("shortlist.parquet");
                list.write_parquet(&path)?;
                let bytes = std::fs::read(&path).map_err(|e| crate::Error::io(&path, e))?;
                let _ = std::fs::remove_dir_all(&dir);
                Ok(bytes)
            })
            .await??;
            let response = (
                [
                    (header::CONTENT_TYPE, "application/vnd.apache.parquet"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"shortlist.parquet\"",
                    ),
                ],
                held(bytes, permit),
            )
                .into_response();
            Ok(counted(response, rows, total))
        }
        _ if permit.is_none() => Ok(counted(Json(list).into_response(), rows, total)),
        _ => {
            let bytes = spawn_heavy(move || serde_json::to_vec(&list)).await?;
            let bytes = bytes.map_err(ApiError::internal)?;
            let response = (
                [(header::CONTENT_TYPE, "application/json")],
                held(bytes, permit),
            )
                .into_response();
            Ok(counted(response, rows, total))
        }
    }
}

/// A body of `bytes` in 64 KiB pieces that keeps `permit` until it is sent or dropped.
fn held(bytes: Vec<u8>, permit: Option<tokio::sync::OwnedSemaphorePermit>) -> Body {
    let chunks: Vec<Vec<u8>> = bytes.chunks(64 * 1024).map(<[u8]>::to_vec).collect();
    let stream = futures_util::stream::iter(chunks).map(move |chunk| {
        let _held = &permit;
        Ok::<_, std::io::Error>(chunk)
    });
    Body::from_stream(stream)
}

fn tempfile_dir() -> crate::Result<std::path::PathBuf> {
    let mut name = [0u8; 8];
    getrandom::fill(&mut name)
        .map_err(|e| crate::Error::Corrupt(format!("no system randomness: {e}")))?;
    let dir = std::env::temp_dir().join(format!(
        "patscreen-{}",
        name.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| crate::Error::io(&dir, e))?;
    Ok(dir)
}

/// An institution's report: patents, tiers, industries, batches, demands matched.
#[utoipa::path(get, path = "/v1/institutions/{name}/report", operation_id = "get_institution_report", tag = "industries", params(("name" = String, Path, description = "institution")),
    responses((status = 200, description = "the report", body = crate::engine::InstitutionReport), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn institution(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<impl IntoResponse> {
    auth.read(&state)?;
    let library = state.library.clone();
    let mut report = spawn_heavy(move || library.institution_report(&name)).await??;
    if auth.0.is_none() {
        // Demands are read with a key only (`GET /v1/demands`): an anonymous reader of a
        // public library sees how many demands matched, not what they ask for.
        for demand in &mut report.demands_matched {
            demand.title = None;
        }
    }
    Ok(Json(report))
}
