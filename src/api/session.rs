//! Console sessions: an API key exchanged once for an HttpOnly, SameSite=Strict session cookie
//! with an expiry, so the web console never holds the key in a URL, the page or script; a CSRF
//! token bound to the session guards every request that writes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, Auth};
use crate::engine::{Caller, Role};

/// The session cookie's name.
pub const COOKIE: &str = "patscreen_session";
/// The header a cookie-authenticated write must carry the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lasts.
const LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);
/// Most sessions kept at once; signing in beyond this drops the oldest.
const MAX_SESSIONS: usize = 10_000;

struct Session {
    caller: Caller,
    csrf: String,
    expires: Instant,
    expires_at: SystemTime,
}

/// The live sessions, by the hash of their token (a token is never kept).
#[derive(Default)]
pub struct Sessions {
    live: Mutex<HashMap<[u8; 32], Session>>,
}

/// A session as a request found it.
pub struct Found {
    /// Who signed in.
    pub caller: Caller,
    /// Its CSRF token.
    pub csrf: String,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = *blake3::hash(&nanos.to_le_bytes()).as_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_of(token: &str) -> [u8; 32] {
    *blake3::hash(token.as_bytes()).as_bytes()
}

impl Sessions {
    /// Opens a session for `caller`; returns its token and CSRF token.
    fn open(&self, caller: Caller) -> (String, String, SystemTime) {
        let token = random_token();
        let csrf = random_token();
        let expires_at = SystemTime::now() + LIFETIME;
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        live.retain(|_, s| s.expires > now);
        if live.len() >= MAX_SESSIONS
            && let Some(oldest) = live.iter().min_by_key(|(_, s)| s.expires).map(|(k, _)| *k)
        {
            live.remove(&oldest);
        }
        live.insert(
            key_of(&token),
            Session {
                caller,
                csrf: csrf.clone(),
                expires: now + LIFETIME,
                expires_at,
            },
        );
        (token, csrf, expires_at)
    }

    /// The live session a token names.
    pub fn find(&self, token: &str) -> Option<Found> {
        let live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        let session = live.get(&key_of(token))?;
        (session.expires > Instant::now()).then(|| Found {
            caller: session.caller.clone(),
            csrf: session.csrf.clone(),
        })
    }

    fn close(&self, token: &str) {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.remove(&key_of(token));
    }

    fn expires_at(&self, token: &str) -> Option<SystemTime> {
        let live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.get(&key_of(token)).map(|s| s.expires_at)
    }
}

/// The session token a request's `Cookie` header carries, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE && !value.is_empty()).then(|| value.to_string())
        })
}

/// `POST /v1/session`: the key to sign in with.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The API key.
    pub key: String,
}

/// Who is signed in, and the token writes must carry in `X-CSRF-Token`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// `admin`, `submitter` or `reader`.
    pub role: Role,
    /// The institution of a submitter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// The key's prefix (never the key).
    pub key_prefix: String,
    /// Send it as `X-CSRF-Token` with every request that writes.
    pub csrf_token: String,
    /// When the session ends (RFC 3339).
    pub expires_at: String,
}

fn rfc3339(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn info(caller: &Caller, csrf: String, expires_at: SystemTime) -> SessionInfo {
    SessionInfo {
        role: caller.role,
        institution: caller.institution.clone(),
        key_prefix: caller.key_prefix.clone(),
        csrf_token: csrf,
        expires_at: rfc3339(expires_at),
    }
}

fn set_cookie(value: &str, max_age: u64) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
    ))
    .map_err(|_| ApiError::internal("a session cookie could not be written"))
}

/// Signs in with an API key: 201 with the session and its cookie; a wrong key is a 401.
#[utoipa::path(post, path = "/v1/session", operation_id = "sign_in", tag = "session", request_body(content = String, description = "`{\"key\": \"psk_…\"}`", content_type = "application/json"),
    responses((status = 201, description = "signed in: role, institution, csrf_token, expires_at; sets the HttpOnly session cookie", body = SessionInfo), (status = 401, description = "no key or session, or a wrong one", body = super::Problem, content_type = "application/problem+json")))]
pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let library = state.library.clone();
    let key = body.key;
    let caller = super::spawn_cpu(move || library.authenticate(&key))
        .await??
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked API key"))?;
    let (token, csrf, expires_at) = state.sessions.open(caller.clone());
    let mut response = (StatusCode::CREATED, Json(info(&caller, csrf, expires_at))).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&token, LIFETIME.as_secs())?);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /v1/session`: who is signed in (401 without a live session).
#[utoipa::path(get, path = "/v1/session", operation_id = "get_session", tag = "session", responses((status = 200, description = "the session: role, institution, csrf_token, expires_at", body = SessionInfo), (status = 401, description = "no key or session, or a wrong one", body = super::Problem, content_type = "application/problem+json")))]
pub async fn current(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = cookie_token(&headers).ok_or_else(|| ApiError::unauthorized("not signed in"))?;
    let found = state
        .sessions
        .find(&token)
        .ok_or_else(|| ApiError::unauthorized("the session has ended; sign in again"))?;
    let expires_at = state
        .sessions
        .expires_at(&token)
        .unwrap_or_else(SystemTime::now);
    let mut response = Json(info(&found.caller, found.csrf, expires_at)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `DELETE /v1/session`: signs out (the CSRF token is required like for any write).
#[utoipa::path(delete, path = "/v1/session", operation_id = "sign_out", tag = "session", responses((status = 204, description = "signed out; the cookie is cleared"), (status = 401, description = "no key or session, or a wrong one", body = super::Problem, content_type = "application/problem+json"), (status = 403, description = "the key may not do this", body = super::Problem, content_type = "application/problem+json")))]
pub async fn sign_out(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    auth.any_key()?;
    if let Some(token) = cookie_token(&headers) {
        state.sessions.close(&token);
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie("", 0)?);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller() -> Caller {
        Caller {
            key_id: 1,
            key_prefix: "psk_abcd".into(),
            role: Role::Reader,
            institution: None,
        }
    }

    #[test]
    fn tokens_are_found_until_closed_and_never_kept() {
        let sessions = Sessions::default();
        let (token, csrf, _) = sessions.open(caller());
        assert_eq!(token.len(), 64);
        assert_ne!(token, csrf);
        let found = sessions.find(&token).unwrap();
        assert_eq!((found.caller, found.csrf), (caller(), csrf));
        assert!(sessions.find("0".repeat(64).as_str()).is_none());
        let live = sessions.live.lock().unwrap();
        assert!(
            live.keys()
                .all(|k| *k != *token.as_bytes().first_chunk::<32>().unwrap())
        );
        drop(live);
        sessions.close(&token);
        assert!(sessions.find(&token).is_none());
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; patscreen_session=abc123; lang=zh"),
        );
        assert_eq!(cookie_token(&headers).as_deref(), Some("abc123"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("patscreen_session="),
        );
        assert_eq!(cookie_token(&headers), None);
    }
}
