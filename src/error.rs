//! The crate's one error type, grouped by who must act, and its transport-neutral kind.
//!
//! Every fallible function in the library returns [`Result`]. The HTTP layer (a later module)
//! maps [`ErrorKind`] to a status code in one place; nothing here knows about HTTP.

use std::path::PathBuf;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Who has to act on an error: the transport-neutral classification of [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller sent something malformed (a file, a query, a parameter).
    InvalidInput,
    /// The thing asked for does not exist.
    NotFound,
    /// The caller may not do this (for example change another institution's patent).
    Forbidden,
    /// The library is busy (another writer holds it) or not ready yet.
    Unavailable,
    /// Configuration or on-disk state does not fit this binary (schema version, config file).
    Config,
    /// A fault inside the service or one of its stores.
    Internal,
}

/// The one error type of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A submitted file cannot be read at all: it is rejected whole and nothing changes.
    #[error("{source_name}: {reason}")]
    MalformedFile {
        /// The file (or stream) name as given by the submitter.
        source_name: String,
        /// What is wrong, naming the row and field where one is known.
        reason: String,
    },
    /// A request parameter or query is invalid.
    #[error("invalid {parameter}: {reason}")]
    InvalidParameter {
        /// The parameter at fault (for example `query`, `--institution`, `limit`).
        parameter: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The named item does not exist.
    #[error("{what} not found: {key}")]
    NotFound {
        /// What kind of item was looked up (`patent`, `batch`, `institution`).
        what: &'static str,
        /// The key that was looked up.
        key: String,
    },
    /// The caller may not perform this change.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Another process holds the library's write lock.
    #[error("the library at {0} is busy: another process is writing to it")]
    Busy(PathBuf),
    /// Configuration or stored state does not fit this binary.
    #[error("configuration: {0}")]
    Config(String),
    /// The library's stored state is inconsistent in a way it cannot repair by itself.
    #[error("corrupt library state: {0}")]
    Corrupt(String),
    /// File-system failure, with the path involved.
    #[error("i/o error on {path}: {source}")]
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The tantivy index failed.
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The SQLite catalog failed.
    #[error("catalog: {0}")]
    Catalog(#[from] rusqlite::Error),
    /// Parquet encoding or decoding failed outside of a submitted file.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Arrow conversion failed outside of a submitted file.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// JSON encoding or decoding of stored state failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// Returns the transport-neutral kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::MalformedFile { .. } | Error::InvalidParameter { .. } => ErrorKind::InvalidInput,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Forbidden(_) => ErrorKind::Forbidden,
            Error::Busy(_) => ErrorKind::Unavailable,
            Error::Config(_) => ErrorKind::Config,
            Error::Corrupt(_)
            | Error::Io { .. }
            | Error::Index(_)
            | Error::Catalog(_)
            | Error::Parquet(_)
            | Error::Arrow(_)
            | Error::Json(_) => ErrorKind::Internal,
        }
    }

    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Builds an [`Error::MalformedFile`].
    pub fn malformed(source_name: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::MalformedFile {
            source_name: source_name.into(),
            reason: reason.into(),
        }
    }

    /// Parses an institution name given as `parameter`, or names what is wrong with it.
    pub fn institution(parameter: &str, raw: &str) -> Result<crate::model::Institution> {
        crate::model::Institution::parse(raw).map_err(|e| Error::invalid(parameter, e.to_string()))
    }

    /// Builds an [`Error::InvalidParameter`].
    pub fn invalid(parameter: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidParameter {
            parameter: parameter.into(),
            reason: reason.into(),
        }
    }
}

/// Attaches a path to `std::io::Result`s.
pub trait IoContext<T> {
    /// Converts an I/O error into [`Error::Io`] naming `path`.
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| Error::io(path, source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_who_must_act() {
        assert_eq!(
            Error::malformed("a.csv", "row 3, field title: empty").kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            Error::NotFound {
                what: "patent",
                key: "CN1".into()
            }
            .kind(),
            ErrorKind::NotFound
        );
        assert_eq!(Error::Busy("/x".into()).kind(), ErrorKind::Unavailable);
        let message = Error::malformed("a.csv", "row 3, field title: empty").to_string();
        assert_eq!(message, "a.csv: row 3, field title: empty");
    }
}
