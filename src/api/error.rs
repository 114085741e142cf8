//! The one place that knows HTTP statuses: library errors and request rejections become
//! RFC 9457 problem+json bodies naming the parameter or field at fault. Internal details are
//! logged, never sent.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{Error, ErrorKind};

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    title: &'static str,
    detail: String,
    parameter: Option<String>,
    retry_after: Option<u64>,
}

/// The problem+json body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// The parameter or field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

impl ApiError {
    /// A problem with a status, title and detail.
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            title,
            detail: detail.into(),
            parameter: None,
            retry_after: None,
        }
    }

    /// 400: a parameter is invalid.
    pub fn bad(parameter: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            parameter: Some(parameter.to_string()),
            ..ApiError::new(StatusCode::BAD_REQUEST, "invalid request", detail)
        }
    }

    /// 401: no or a wrong key.
    pub fn unauthorized(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "authentication required", detail)
    }

    /// 403: the key may not do this.
    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not found", detail)
    }

    /// 503 with `Retry-After`.
    pub fn unavailable(detail: impl Into<String>, retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
        }
    }

    /// 507: the server's disk is full (nothing was stored; the request may be sent again
    /// once an operator has made room).
    pub fn storage_full() -> ApiError {
        tracing::error!("the data directory's disk is full");
        ApiError {
            retry_after: Some(60),
            ..ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "insufficient storage",
                "the server's disk is full; nothing was stored: send it again later",
            )
        }
    }

    /// 500, with the cause logged only.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
            "the server failed; the error has been logged",
        )
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The parameter or field at fault, if named.
    pub fn parameter(&self) -> Option<&str> {
        self.parameter.as_deref()
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        match (error.kind(), &error) {
            (ErrorKind::InvalidInput, Error::InvalidParameter { parameter, reason }) => {
                ApiError::bad(parameter, reason.clone())
            }
            (ErrorKind::InvalidInput, Error::MalformedFile { .. }) => ApiError {
                parameter: Some("body".into()),
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unreadable batch",
                    error.to_string(),
                )
            },
            (ErrorKind::InvalidInput, _) => ApiError::bad("request", error.to_string()),
            (ErrorKind::NotFound, _) => ApiError::not_found(error.to_string()),
            (ErrorKind::Forbidden, _) => ApiError::forbidden(error.to_string()),
            (ErrorKind::Unavailable, _) => ApiError::unavailable(error.to_string(), 5),
            (_, Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::StorageFull => {
                ApiError::storage_full()
            }
            (ErrorKind::Config | ErrorKind::Internal, _) => ApiError::internal(error),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: format!(
                "https://patscreen.example/problems/{}",
                self.status.as_u16()
            ),
            title: self.title.to_string(),
            status: self.status.as_u16(),
            detail: self.detail,
            parameter: self.parameter,
        };
        let mut response = (self.status, Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Result of a handler.
pub type ApiResult<T> = std::result::Result<T, ApiError>;
