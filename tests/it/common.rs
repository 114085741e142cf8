//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use patscreen::engine::{Access, Library, LibraryOptions, Submission};
use patscreen::generate::{Generator, GeneratorConfig};
use patscreen::ingest::{self, Format};
use patscreen::model::Patent;
use patscreen::progress::Silent;

/// A library in a fresh temporary directory.
pub fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let library = open(dir.path());
    (dir, library)
}

/// Opens a library read-write with a small writer.
pub fn open(path: &Path) -> Library {
    Library::open(path, Access::ReadWrite, small(), &Silent).unwrap()
}

/// Writer settings small enough for tests.
pub fn small() -> LibraryOptions {
    LibraryOptions {
        index_threads: 1,
        index_memory_bytes: 40 * 1024 * 1024,
    }
}

/// `count` generated patents for `institution`, numbered from `first_serial`.
pub fn patents(seed: u64, count: u64, institution: &str, first_serial: u32) -> Vec<Patent> {
    Generator::new(GeneratorConfig {
        seed,
        count,
        with_claims: true,
        institution: Some(institution.to_string()),
        first_serial,
    })
    .collect()
}

/// A submission of `patents` as JSONL.
pub fn jsonl(name: &str, institution: &str, patents: &[Patent]) -> Submission {
    Submission {
        source_name: name.to_string(),
        bytes: ingest::write_jsonl(Vec::new(), patents).unwrap(),
        format: Format::Jsonl,
        institution: institution.to_string(),
        all_or_nothing: false,
        replace: false,
    }
}

/// The repository's `data-samples/` directory.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples")
}

/// `../shared` when it is present (CI and developer machines), else `None`.
pub fn shared() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if path.join("data/batches/ccf_patents.jsonl").exists() {
        Some(path)
    } else {
        eprintln!("../shared is not present: skipping");
        None
    }
}

/// Runs the `patscreen` binary.
pub fn cli(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patscreen"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--quiet")
        .args(args)
        .output()
        .unwrap()
}

/// The application numbers of the indexed patents matching `query` (up to 1000).
pub fn found(library: &Library, query: &str) -> Vec<String> {
    let mut request = patscreen::index::SearchRequest::new(query, 1000);
    request.snippets = false;
    let results = library.search(&request).unwrap();
    results
        .hits
        .into_iter()
        .map(|h| h.application_number)
        .collect()
}

/// An HTTP reply read whole.
pub struct Reply {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text, for messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether this is an RFC 9457 problem with the reply's status.
    pub fn is_problem(&self) -> bool {
        self.headers
            .get(axum::http::header::CONTENT_TYPE)
            .is_some_and(|v| v == "application/problem+json")
            && self.json()["status"].as_u64() == Some(u64::from(self.status.as_u16()))
    }
}

/// Sends a request through the router in process (`oneshot`) and reads the reply whole.
pub async fn respond(
    state: &patscreen::api::AppState,
    request: axum::http::Request<axum::body::Body>,
) -> Reply {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = patscreen::api::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}
