//! `/v1/demands` and `/v1/match`: enterprise technology demands, stored or not, matched to
//! patents with reasons (matched terms, industry, tier, maturity).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, ApiPath, ApiQuery, Auth};
use super::patents::LimitParams;
use super::{AppState, spawn_standard};
use crate::model::NewDemand;

fn demand_id(raw: &str) -> ApiResult<i64> {
    raw.parse()
        .map_err(|_| ApiError::bad("id", format!("'{raw}' is not a demand id")))
}

/// Stores a demand (any API key).
#[utoipa::path(post, path = "/v1/demands", operation_id = "create_demand", tag = "matchmaking",
    request_body(content = String, description = "{title, description, industry?, region?, contact?}", content_type = "application/json"),
    responses((status = 201, description = "the stored demand", body = crate::model::Demand), (status = 400, description = "a parameter is invalid: the problem names it", body = super::Problem, content_type = "application/problem+json"), (status = 401, description = "no key or session, or a wrong one", body = super::Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(demand): ApiJson<NewDemand>,
) -> ApiResult<impl IntoResponse> {
    auth.any_key()?;
    let library = state.library.clone();
    let stored = tokio::task::spawn_blocking(move || library.create_demand(demand))
        .await
        .map_err(ApiError::internal)??;
    let url = format!("/v1/demands/{}", stored.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, url)], Json(stored)))
}

/// Lists stored demands (any API key; demands carry contacts).
#[utoipa::path(get, path = "/v1/demands", operation_id = "list_demands", tag = "matchmaking", responses((status = 200, description = "demands", body = super::bodies::DemandList), (status = 401, description = "no key or session, or a wrong one", body = super::Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.any_key()?;
    let library = state.library.clone();
    let demands = tokio::task::spawn_blocking(move || library.demands())
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(super::bodies::DemandList {
        total: demands.len(),
        demands,
    }))
}

/// One demand.
#[utoipa::path(get, path = "/v1/demands/{id}", operation_id = "get_demand", tag = "matchmaking", params(("id" = i64, Path, description = "demand id")),
    responses((status = 200, description = "the demand", body = crate::model::Demand), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn demand(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(raw): ApiPath<String>,
) -> ApiResult<impl IntoResponse> {
    auth.any_key()?;
    let id = demand_id(&raw)?;
    let library = state.library.clone();
    let demand = tokio::task::spawn_blocking(move || library.demand(id))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(demand))
}

/// Patents matching a stored demand, with reasons.
#[utoipa::path(get, path = "/v1/demands/{id}/matches", operation_id = "get_demand_matches", tag = "matchmaking", params(("id" = i64, Path, description = "demand id"), LimitParams),
    responses((status = 200, description = "matching patents", body = super::bodies::DemandMatches), (status = 404, description = "not found", body = super::Problem, content_type = "application/problem+json")))]
pub async fn matches(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(params): ApiQuery<LimitParams>,
) -> ApiResult<impl IntoResponse> {
    auth.read(&state)?;
    let id = demand_id(&raw)?;
    let limit = params.get(&state)?;
    let library = state.library.clone();
    let matches = spawn_standard(move || library.matches_for_demand(id, limit)).await??;
    Ok(Json(super::bodies::DemandMatches {
        demand_id: id,
        matches,
    }))
}

/// Patents matching an unsaved demand text.
#[utoipa::path(post, path = "/v1/match", operation_id = "match_demand_text", tag = "matchmaking", params(LimitParams),
    request_body(content = String, description = "{title, description, industry?}", content_type = "application/json"),
    responses((status = 200, description = "matching patents", body = super::bodies::Matches), (status = 400, description = "a parameter is invalid: the problem names it", body = super::Problem, content_type = "application/problem+json")))]
pub async fn match_text(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<LimitParams>,
    ApiJson(demand): ApiJson<NewDemand>,
) -> ApiResult<impl IntoResponse> {
    auth.read(&state)?;
    let limit = params.get(&state)?;
    let library = state.library.clone();
    let matches = spawn_standard(move || library.match_demand_text(&demand, limit)).await??;
    Ok(Json(super::bodies::Matches { matches }))
}
