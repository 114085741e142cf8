//! `/v1/batches`: submit a batch file (queued, processed in order), its status with row
//! errors page by page, and its screening report.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::bodies::{BatchState, IssuePage, RowCounts};
use super::error::{ApiError, ApiResult};
use super::extract::{ApiPath, ApiQuery, Auth};
use super::upload;
use crate::engine::{Caller, Role, Upload};
use crate::model::Institution;

/// Query of `POST /v1/batches`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SubmitParams {
    /// The institution (admin keys only; a submitter key's own institution is used).
    pub institution: Option<String>,
    /// The file name, for reports (default `upload.<format>`).
    pub source_name: Option<String>,
    /// The format when Content-Type does not say: jsonl, csv, xlsx, parquet.
    pub format: Option<String>,
    /// Reject the whole batch if any row is bad.
    #[serde(default)]
    pub all_or_nothing: bool,
    /// `merge` (default): a row of a patent already in the library updates the columns the
    /// file has and keeps the others (an empty cell clears its field); `replace`: whole records.
    pub mode: Option<String>,
}

/// The answer to an accepted upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct Queued {
    /// Batch id.
    pub id: i64,
    /// `queued`.
    pub status: String,
    /// Where to follow it.
    pub status_url: String,
    /// Its screening report, once accepted.
    pub report_url: String,
}

/// Query of `GET /v1/batches/{id}/report`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// `json` (default): the summary; `csv` or `xlsx`: every patent of the batch with its
    /// value, tier, industries and what the batch changed, as a spreadsheet.
    pub format: Option<String>,
}

/// Query of `GET /v1/batches/{id}/errors`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ErrorsParams {
    /// `csv` (default, UTF-8 with a byte-order mark, as Excel reads it) or `xlsx`.
    pub format: Option<String>,
}

/// Query of `GET /v1/batches/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatusParams {
    /// First row error to return.
    #[serde(default)]
    pub errors_offset: usize,
    /// Row errors per page (at most 1000; default 100).
    pub errors_limit: Option<usize>,
}

fn institution_for(caller: &Caller, asked: Option<&str>) -> ApiResult<String> {
    // An empty field (a form's, or `?institution=`) names no institution: a submitter's own
    // is used; an admin key must name one.
    if caller.role == Role::Admin
        && let Some(blank) = asked.filter(|i| i.trim().is_empty())
    {
        crate::Error::institution("institution", blank)?;
    }
    let asked = asked
        .filter(|i| !i.trim().is_empty())
        .map(|i| crate::Error::institution("institution", i).map(Institution::into_string))
        .transpose()?;
    match (caller.role, asked.as_deref(), &caller.institution) {
        (Role::Admin, Some(i), _) => Ok(i.to_string()),
        (Role::Admin, None, _) => Err(ApiError::bad(
            "institution",
            "an admin key must name the institution",
        )),
        (Role::Submitter, None, Some(own)) => Ok(own.clone()),
        (Role::Submitter, Some(i), Some(own)) if i == own => Ok(own.clone()),
        (Role::Submitter, Some(i), _) => Err(ApiError::forbidden(format!(
            "this key cannot submit for {i}"
        ))),
        _ => Err(ApiError::forbidden("this key cannot submit batches")),
    }
}

/// Queues a batch: the body is the file; Content-Type names its format.
///
/// The key, the parameters and a free upload slot are checked before any of the body is read;
/// the body then streams to a file in the queue's folder within the size limit, and must keep
/// coming (see [`super::ApiConfig::body_idle_timeout`]).
#[utoipa::path(post, path = "/v1/batches", operation_id = "submit_batch", tag = "batches", params(SubmitParams),
    request_body(content = Vec<u8>, description = "the batch file (JSONL, CSV, XLSX or Parquet) as the body, its format from Content-Type, ?format= or (application/octet-stream) the file name; or a multipart/form-data form with the file as part 'file' and institution, source_name, format, all_or_nothing and mode as fields", content_type = "text/csv"),
    responses((status = 202, description = "queued: follow status_url until it is accepted or rejected", body = Queued), (status = 400, description = "a parameter is invalid: the problem names it", body = super::Problem, content_type = "application/problem+json"), (status = 401, description = "no key or session, or a wrong one", body = super::Problem, content_type = "application/problem+json"), (status = 403, description = "the key may not do this", body = super::Problem, content_type = "application/problem+json"), (status = 408, description = "the upload stalled", body = super::Problem, content_type = "application/problem+json"), (status = 413, description = "the upload is larger than the limit", body = super::Problem, content_type = "application/problem+json"), (status = 503, description = "busy or not ready: ask again after Retry-After", body = super::Problem, content_type = "application/problem+json"), (status = 507, description = "the server's disk is full; nothing was stored", body = super::Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<SubmitParams>,
    body: Body,
) -> ApiResult<impl IntoResponse> {
    let caller = auth.any_key()?.clone();
    if caller.role == Role::Reader {
        return Err(ApiError::forbidden("a reader key cannot submit batches"));
    }
    // What the query says is checked before any of the body is read; a form's fields are
    // checked the same way once it has arrived.
    let kind = upload::body_kind(
        &headers,
        params.format.as_deref(),
        params.source_name.as_deref(),
    )?;
    let form = matches!(kind, upload::BodyKind::Form(_));
    if params.institution.is_some() || !form {
        institution_for(&caller, params.institution.as_deref())?;
    }
    params.mode.as_deref().map(replace_mode).transpose()?;
    if let Some(name) = &params.source_name {
        crate::engine::check_source_name(name)?;
    }
    let limit = state.config.max_body_bytes as u64;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(upload::too_large(limit));
    }
    let Ok(_permit) = state.uploads.clone().try_acquire_owned() else {
        return Err(ApiError::unavailable(
            format!(
                "{} uploads are being received; send this one again in a moment",
                state.config.max_concurrent_uploads
            ),
            5,
        ));
    };
    let limits = upload::Limits {
        bytes: limit,
        idle: state.config.body_idle_timeout,
    };
    let received =
        upload::receive(&state.library, kind, body, params.format.as_deref(), limits).await?;
    let path = received.path.clone();
    let queued = queue(&state, &caller, &params, received).await;
    if queued.is_err() {
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(path)).await;
    }
    let id = queued?;
    state.worker.notify();
    let status_url = format!("/v1/batches/{id}");
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, status_url.clone())],
        Json(Queued {
            id,
            status: "queued".into(),
            report_url: format!("{status_url}/report"),
            status_url,
        }),
    ))
}

/// `merge` or `replace` (true).
fn replace_mode(mode: &str) -> ApiResult<bool> {
    match mode {
        "merge" => Ok(false),
        "replace" => Ok(true),
        other => Err(ApiError::bad(
            "mode",
            format!("'{other}' is not merge or replace"),
        )),
    }
}

/// Queues a received upload with its settings: the query's, else the form's fields.
async fn queue(
    state: &AppState,
    caller: &Caller,
    params: &SubmitParams,
    received: upload::Received,
) -> ApiResult<i64> {
    // A form's fields are checked even where the query's value is the one used.
    if let Some(name) = received.field("source_name") {
        crate::engine::check_source_name(name)?;
    }
    if let Some(mode) = received.field("mode") {
        replace_mode(mode)?;
    }
    if let Some(name) = received
        .field("institution")
        .filter(|i| !i.trim().is_empty())
    {
        crate::Error::institution("institution", name)?;
    }
    let institution = institution_for(
        caller,
        params
            .institution
            .as_deref()
            .filter(|i| !i.trim().is_empty())
            .or(received.field("institution")),
    )?;
    let replace = params
        .mode
        .as_deref()
        .or(received.field("mode"))
        .map(replace_mode)
        .transpose()?
        .unwrap_or(false);
    // The form's field is checked even when the query already asks for it.
    let form_all_or_nothing = match received.field("all_or_nothing") {
        None | Some("false" | "0" | "off" | "") => false,
        Some("true" | "1" | "on") => true,
        Some(other) => {
            return Err(ApiError::bad(
                "all_or_nothing",
                format!("'{other}' is not true or false"),
            ));
        }
    };
    let all_or_nothing = params.all_or_nothing || form_all_or_nothing;
    let named = params
        .source_name
        .as_deref()
        .or(received.field("source_name"))
        .or(received.file_name.as_deref());
    let source_name = match named {
        Some(name) => crate::engine::check_source_name(name)?,
        None => format!("upload.{}", received.format.as_str()),
    };
    let submission = Upload {
        path: received.path,
        source_name,
        format: received.format,
        institution,
        all_or_nothing,
        replace,
    };
    let library = state.library.clone();
    Ok(
        tokio::task::spawn_blocking(move || library.enqueue_upload(submission))
            .await
            .map_err(ApiError::internal)??,
    )
}

/// The batch id of a path.
fn batch_id(id: &str) -> ApiResult<i64> {
    id.parse()
        .map_err(|_| ApiError::bad("id", format!("'{id}' is not a batch id")))
}

fn visible(caller: &Caller, institution: &str) -> ApiResult<()> {
    match caller.role {
        Role::Admin | Role::Reader => Ok(()),
        Role::Submitter if caller.institution.as_deref() == Some(institution) => Ok(()),
        Role::Submitter => Err(ApiError::forbidden(
            "this batch belongs to another institution",
        )),
    }
}

/// Lists batches: a submitter sees its own, admin and reader keys all.
#[utoipa::path(get, path = "/v1/batches", operation_id = "list_batches", tag = "batches", responses((status = 200, description = "batches, oldest first", body = super::bodies::BatchList), (status = 401, description = "no key or session, or a wrong one", body = super::Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    let caller = auth.any_key()?;
    let own = match caller.role {
        Role::Submitter => caller.institution.clone(),
        _ => None,
    };
    let library = state.library.clone();
    let list = tokio::task::spawn_blocking(move || library.submissions(own.as_deref()))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(super::bodies::BatchList {
        total: list.len(),
        batches: list,
    }))
}

/// Largest `errors_offset`: beyond the rows of any file the service takes.
pub const MAX_ERRORS_OFFSET: usize = 1_000_000_000;

/// A batch's status, counts and row errors (paged).
#[utoipa::path(get, path = "/v1/batches/{id}", operation_id = "get_batch", tag = "batches", params(("id" = i64, Path, description = "batch id"), StatusParams),
    responses((status = 200, description = "status, counts, errors", body = super::bodies::BatchState), (status = 403, description = "the key may not do this", body = super::Problem, content_type = "application/problem+json"), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn status(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<StatusParams>,
) -> ApiResult<impl IntoResponse> {
    let caller = auth.any_key()?.clone();
    let id = batch_id(&id)?;
    let limit = params.errors_limit.unwrap_or(100);
    if limit == 0 || limit > 1000 {
        return Err(ApiError::bad("errors_limit", "must be between 1 and 1000"));
    }
    if params.errors_offset > MAX_ERRORS_OFFSET {
        return Err(ApiError::bad(
            "errors_offset",
            format!("must be at most {MAX_ERRORS_OFFSET}"),
        ));
    }
    let library = state.library.clone();
    let status = tokio::task::spawn_blocking(move || library.batch_status(id))
        .await
        .map_err(ApiError::internal)??;
    visible(&caller, &status.submission.institution)?;
    let (errors, warnings, total_errors, counts) = match status.report() {
        Some(r) => {
            let page: Vec<_> = r
                .errors
                .iter()
                .skip(params.errors_offset)
                .take(limit)
                .cloned()
                .collect();
            let warnings: Vec<_> = r.warnings.iter().take(100).cloned().collect();
            // A batch read but not added added nothing: its accepted rows are those that
            // would have been.
            let (new, updated) = status
                .batch
                .as_ref()
                .map_or((0, 0), |b| (b.patents_new, b.patents_updated));
            (
                page,
                warnings,
                r.errors.len(),
                Some(RowCounts {
                    rows_total: r.rows_total,
                    rows_accepted: r.rows_accepted,
                    rows_rejected: r.rows_rejected,
                    withdrawals: r.withdrawals,
                    patents_new: new,
                    patents_updated: updated,
                }),
            )
        }
        None => (Vec::new(), Vec::new(), 0, None),
    };
    let next = (params.errors_offset + errors.len() < total_errors).then(|| {
        format!(
            "/v1/batches/{id}?errors_offset={}&errors_limit={limit}",
            params.errors_offset + errors.len()
        )
    });
    let gaps = status.report().map(|r| r.gaps.clone());
    let unknown_columns = status.report().map(|r| r.unknown_columns.clone());
    let submission = status.submission;
    Ok(Json(BatchState {
        id: submission.id,
        institution: submission.institution,
        source_name: submission.source_name,
        format: submission.format,
        status: submission.status,
        error: submission.error,
        submitted_at: submission.submitted_at,
        finished_at: submission.finished_at,
        counts,
        errors: IssuePage {
            total: total_errors,
            offset: params.errors_offset,
            items: errors,
            next,
        },
        warnings,
        gaps,
        unknown_columns,
    }))
}

/// The screening report of an accepted batch: tiers, industries, duplicates, data gaps,
/// expiring patents and the difference from the institution's previous batch.
#[utoipa::path(get, path = "/v1/batches/{id}/report", operation_id = "get_batch_report", tag = "batches", params(("id" = i64, Path, description = "batch id"), ReportParams),
    responses((status = 200, description = "the screening report: JSON, or every patent of the batch as CSV or XLSX", content((crate::engine::BatchScreening = "application/json"), ("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, description = "a parameter is invalid: the problem names it", body = super::Problem, content_type = "application/problem+json"), (status = 403, description = "the key may not do this", body = super::Problem, content_type = "application/problem+json"), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn report(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<ReportParams>,
) -> ApiResult<axum::response::Response> {
    let caller = auth.any_key()?.clone();
    let id = batch_id(&id)?;
    let format = params.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "xlsx") {
        return Err(ApiError::bad(
            "format",
            format!("'{format}' is not json, csv or xlsx"),
        ));
    }
    let library = state.library.clone();
    let status = tokio::task::spawn_blocking({
        let library = library.clone();
        move || library.batch_status(id)
    })
    .await
    .map_err(ApiError::internal)??;
    visible(&caller, &status.submission.institution)?;
    if format == "json" {
        let report = super::spawn_heavy(move || library.batch_screening(id)).await??;
        return Ok(Json(report).into_response());
    }
    let xlsx = format == "xlsx";
    let (bytes, rows) = super::spawn_heavy(move || -> crate::Result<(Vec<u8>, usize)> {
        let rows = library.screening_rows(id)?;
        let bytes = if xlsx {
            crate::engine::screening_xlsx(&rows)?
        } else {
            crate::engine::screening_csv(&rows)?
        };
        Ok((bytes, rows.len()))
    })
    .await??;
    Ok(spreadsheet(bytes, xlsx, &format!("batch-{id}"), rows))
}

/// A CSV or XLSX download named `stem`, with its data-row count in `X-Row-Count`.
fn spreadsheet(bytes: Vec<u8>, xlsx: bool, stem: &str, rows: usize) -> axum::response::Response {
    let (media_type, name) = if xlsx {
        (super::XLSX_MEDIA_TYPE, format!("{stem}.xlsx"))
    } else {
        ("text/csv; charset=utf-8", format!("{stem}.csv"))
    };
    (
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (
                header::HeaderName::from_static("x-row-count"),
                rows.to_string(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Every row error and warning of a batch as a spreadsheet (the row report to fix a file
/// by): of an accepted batch, or of one read but not added. A file that could not be read
/// at all has one line, without a row, saying why.
#[utoipa::path(get, path = "/v1/batches/{id}/errors", operation_id = "get_batch_errors", tag = "batches", params(("id" = i64, Path, description = "batch id"), ErrorsParams),
    responses((status = 200, description = "the row report as CSV or XLSX (row, kind, field, column, reason)", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "a parameter is invalid: the problem names it", body = super::Problem, content_type = "application/problem+json"), (status = 403, description = "the key may not do this", body = super::Problem, content_type = "application/problem+json"), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn errors(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<ErrorsParams>,
) -> ApiResult<axum::response::Response> {
    let caller = auth.any_key()?.clone();
    let id = batch_id(&id)?;
    let xlsx = match params.format.as_deref().unwrap_or("csv") {
        "csv" => false,
        "xlsx" => true,
        other => {
            return Err(ApiError::bad(
                "format",
                format!("'{other}' is not csv or xlsx"),
            ));
        }
    };
    let library = state.library.clone();
    let status = tokio::task::spawn_blocking(move || library.batch_status(id))
        .await
        .map_err(ApiError::internal)??;
    visible(&caller, &status.submission.institution)?;
    let rows = match (status.report(), &status.submission.error) {
        (Some(report), _) => report.issue_rows(),
        (None, Some(error)) => vec![vec![
            String::new(),
            "错误（整个文件未接收）".into(),
            String::new(),
            String::new(),
            error.clone(),
        ]],
        (None, None) => {
            return Err(ApiError::not_found(format!(
                "batch {id} is {}: its row report exists once it is read",
                status.submission.status
            )));
        }
    };
    let count = rows.len();
    let bytes = super::spawn_heavy(move || {
        if xlsx {
            crate::ingest::write_table_xlsx("行报告", &crate::ingest::ISSUE_HEADERS, &rows)
        } else {
            crate::ingest::write_table_csv(Vec::new(), &crate::ingest::ISSUE_HEADERS, &rows, true)
        }
    })
    .await??;
    Ok(spreadsheet(bytes, xlsx, &format!("batch-{id}-rows"), count))
}
