//! The staff web console: one HTML shell, a dependency-free module script and a stylesheet,
//! embedded in the binary and served at `/` and at every console page's address (the script
//! renders the page from the JSON API). A strict Content-Security-Policy says that nothing
//! loads from outside this server and no inline script or style runs.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("console/index.html");
const SCRIPT: &str = include_str!("console/app.js");
const STYLE: &str = include_str!("console/app.css");

/// The console's Content-Security-Policy.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The addresses the console answers with its page (the script reads the rest of the path).
pub const PAGES: [&str; 11] = [
    "/",
    "/sign-in",
    "/search",
    "/industries",
    "/industries/{name}",
    "/patents/{number}",
    "/batches",
    "/batches/{id}",
    "/demands",
    "/demands/{id}",
    "/institutions/{name}",
];

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

/// A console page: the HTML shell.
pub async fn page() -> Response {
    with_headers(INDEX, "text/html; charset=utf-8", "no-cache")
}

/// `/console/app.js`.
pub async fn script() -> Response {
    with_headers(SCRIPT, "text/javascript; charset=utf-8", "no-cache")
}

/// `/console/app.css`.
pub async fn style() -> Response {
    with_headers(STYLE, "text/css; charset=utf-8", "no-cache")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_loads_only_its_own_files() {
        // No inline script or style (the CSP would block them), nothing from another host.
        assert!(!INDEX.contains("<script>") && !INDEX.contains("style="));
        for text in [INDEX, SCRIPT, STYLE] {
            assert!(!text.contains("http://") && !text.contains("https://"));
        }
        assert!(INDEX.contains(r#"<script type="module" src="/console/app.js">"#));
        assert!(INDEX.contains(r#"lang="zh-CN""#));
        // The script never writes markup from data.
        assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("eval("));
    }
}
