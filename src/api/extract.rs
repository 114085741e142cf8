//! Extractors: the caller's API key (`Authorization: Bearer …`), and query strings and JSON
//! bodies whose rejections become problem+json naming the parameter.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;
use crate::engine::{Caller, Role};

/// The authenticated caller, if a key was given.
pub struct Auth(pub Option<Caller>);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Auth, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return session(parts, state);
        };
        let text = value
            .to_str()
            .map_err(|_| ApiError::unauthorized("the Authorization header is not text"))?;
        let Some(secret) = text
            .strip_prefix("Bearer ")
            .or_else(|| text.strip_prefix("bearer "))
        else {
            return Err(ApiError::unauthorized(
                "use `Authorization: Bearer <api key>`",
            ));
        };
        match state.library.authenticate(secret)? {
            Some(caller) => Ok(Auth(Some(caller))),
            None => Err(ApiError::unauthorized("unknown or revoked API key")),
        }
    }
}

/// The caller of a console session cookie. A write must carry the session's CSRF token in
/// `X-CSRF-Token`; a cookie of an ended session counts as no key at all.
fn session(parts: &Parts, state: &AppState) -> Result<Auth, ApiError> {
    let Some(token) = super::session::cookie_token(&parts.headers) else {
        return Ok(Auth(None));
    };
    let Some(found) = state.sessions.find(&token) else {
        return Ok(Auth(None));
    };
    if !parts.method.is_safe() {
        let sent = parts
            .headers
            .get(super::session::CSRF_HEADER)
            .and_then(|v| v.to_str().ok());
        if sent != Some(found.csrf.as_str()) {
            return Err(ApiError::forbidden(
                "a signed-in write needs the session's X-CSRF-Token header",
            ));
        }
    }
    Ok(Auth(Some(found.caller)))
}

impl Auth {
    /// Allows a read: anyone when reads are public, else any key.
    pub fn read(&self, state: &AppState) -> Result<(), ApiError> {
        if self.0.is_some() || state.config.public_reads {
            Ok(())
        } else {
            Err(ApiError::unauthorized(
                "this server needs an API key for reads",
            ))
        }
    }

    /// Allows a write by any key holder (never anonymous).
    pub fn any_key(&self) -> Result<&Caller, ApiError> {
        self.0
            .as_ref()
            .ok_or_else(|| ApiError::unauthorized("writes need an API key"))
    }

    /// Allows changing the patents of `institution`: its own submitter key or an admin key.
    pub fn writer_for(&self, institution: &str) -> Result<&Caller, ApiError> {
        let caller = self.any_key()?;
        match caller.role {
            Role::Admin => Ok(caller),
            Role::Submitter if caller.institution.as_deref() == Some(institution) => Ok(caller),
            Role::Submitter => Err(ApiError::forbidden(format!(
                "this key submits for {}, not for {institution}",
                caller.institution.as_deref().unwrap_or("no institution")
            ))),
            Role::Reader => Err(ApiError::forbidden(
                "a reader key cannot change the library",
            )),
        }
    }
}

/// A query string; a bad one is a 400 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ApiQuery<T>, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        check_utf8(query)?;
        let deserializer = serde_urlencoded_deserializer(query);
        match serde_path_to_error::deserialize::<_, T>(deserializer) {
            Ok(value) => Ok(ApiQuery(value)),
            Err(e) => {
                let path = e.path().to_string();
                let parameter = if path == "." || path == "?" {
                    "query string".to_string()
                } else {
                    path
                };
                Err(ApiError::bad(&parameter, e.into_inner().to_string()))
            }
        }
    }
}

/// Refuses a query string whose names or values are not UTF-8 once percent-decoded
/// (`institution=%FF`), naming the parameter, instead of decoding them lossily.
fn check_utf8(query: &str) -> Result<(), ApiError> {
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(&text.replace('+', " "))
            .decode_utf8()
            .is_ok()
    };
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !decode(name) {
            return Err(ApiError::bad(
                "query string",
                "a parameter name is not UTF-8 once percent-decoded",
            ));
        }
        if !decode(value) {
            let name = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
            return Err(ApiError::bad(
                &name,
                "the value is not UTF-8 once percent-decoded (encode text as UTF-8 before percent-encoding it)",
            ));
        }
    }
    Ok(())
}

fn serde_urlencoded_deserializer(query: &str) -> serde_urlencoded::Deserializer<'_> {
    serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()))
}

/// A JSON body; a bad one is a 400 naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<ApiJson<T>, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::bad(
                "Content-Type",
                "send the body as application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError::bad("body", e.to_string()))?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(value) => Ok(ApiJson(value)),
            Err(e) => {
                let path = e.path().to_string();
                let parameter = if path == "." || path == "?" {
                    "body".to_string()
                } else {
                    path
                };
                Err(ApiError::bad(&parameter, e.into_inner().to_string()))
            }
        }
    }
}

/// A path parameter; an undecodable one is a 400.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiPath<T>, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(ApiError::bad("path", rejection.body_text())),
        }
    }
}

/// Splits a comma-separated parameter value (ASCII or full-width commas) into its trimmed,
/// non-empty items.
pub fn comma_list(value: &Option<String>) -> Vec<String> {
    value
        .as_deref()
        .map(|v| {
            v.split([',', '，'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
