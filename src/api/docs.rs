//! The interactive API reference at `/v1/docs`: a vendored Swagger UI (`src/api/docs/`, see its
//! README for the version and where it came from) over `/v1/openapi.json`, embedded in the
//! binary. The page, its script and its stylesheet all come from this server, and a strict
//! Content-Security-Policy keeps the browser from loading anything from anywhere else. These
//! routes are public, like the document, and are not part of the API contract, so the document
//! does not list them.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The vendored Swagger UI's version, also in its assets' paths (so they can be cached for
/// good: another version is another path).
macro_rules! swagger_ui_version {
    () => {
        "5.35.0"
    };
}

/// The reference page.
pub const PAGE_PATH: &str = "/v1/docs";
/// Swagger UI's script.
pub const BUNDLE_PATH: &str = concat!(
    "/v1/docs/swagger-ui/",
    swagger_ui_version!(),
    "/swagger-ui-bundle.js"
);
/// Swagger UI's stylesheet.
pub const STYLE_PATH: &str = concat!(
    "/v1/docs/swagger-ui/",
    swagger_ui_version!(),
    "/swagger-ui.css"
);
/// The script that starts Swagger UI on the page.
pub const INIT_PATH: &str = "/v1/docs/init.js";

const PAGE: &str = include_str!("docs/index.html");
const INIT: &str = include_str!("docs/init.js");
const BUNDLE: &str = include_str!("docs/swagger-ui-bundle.js");
const STYLE: &str = include_str!("docs/swagger-ui.css");

/// The reference page's Content-Security-Policy: scripts, styles and requests from this server
/// only, images from it or inline (the stylesheet's icons are `data:` URLs), no inline script.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A year: the vendored assets never change under their versioned path.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The routes of the reference page and its assets.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(PAGE_PATH, get(page))
        .route(INIT_PATH, get(init))
        .route(BUNDLE_PATH, get(bundle))
        .route(STYLE_PATH, get(style))
}

fn with_headers(body: &'static str, content_type: &'static str, cache: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// `/v1/docs`: the page.
pub async fn page() -> Response {
    with_headers(PAGE, "text/html; charset=utf-8", "no-cache")
}

/// `/v1/docs/init.js`: starts Swagger UI on `/v1/openapi.json`.
pub async fn init() -> Response {
    with_headers(INIT, "text/javascript; charset=utf-8", "no-cache")
}

/// Swagger UI's script.
pub async fn bundle() -> Response {
    with_headers(BUNDLE, "text/javascript; charset=utf-8", IMMUTABLE)
}

/// Swagger UI's stylesheet.
pub async fn style() -> Response {
    with_headers(STYLE, "text/css; charset=utf-8", IMMUTABLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_the_versioned_assets_and_no_inline_script() {
        let version = swagger_ui_version!();
        for path in [BUNDLE_PATH, STYLE_PATH] {
            assert!(path.contains(&format!("/swagger-ui/{version}/")));
            assert!(PAGE.contains(&format!("\"{path}\"")), "{path}");
        }
        assert!(PAGE.contains(&format!("<script src=\"{INIT_PATH}\"")));
        assert!(PAGE.contains(r#"<html lang="zh-CN">"#));
        assert!(!PAGE.contains("<script>") && !PAGE.contains("style="));
        assert!(!PAGE.contains("http:") && !PAGE.contains("https:"));
        let readme = include_str!("docs/README.md");
        assert!(readme.starts_with(&format!("# Swagger UI {version} ")));
    }

    #[test]
    fn swagger_ui_reads_this_servers_document_and_calls_no_validator() {
        assert!(INIT.contains(r#"url: "/v1/openapi.json""#));
        assert!(INIT.contains("validatorUrl: null"));
        assert!(!INIT.contains("http:") && !INIT.contains("https:"));
        // The bundle's default validator is the one turned off.
        assert!(BUNDLE.contains(r#"validatorUrl:"https://validator.swagger.io/validator""#));
    }
}
