//! # patscreen
//!
//! The service behind a joint high-value patent library of Beijing universities: batches of
//! patents in, a durable Chinese full-text index out, scored and served.
//!
//! Modules depend in one direction: a module uses only the modules to its left in the diagram
//! (tests aside); `error` and `progress` are usable everywhere. The command line, `cli`, belongs
//! to the binary (`src/main.rs`) and uses only the library's public API:
//!
//! ```text
//! model → schema → text → ingest → generate → store → index → scoring → engine → api
//! ```
//!
//! | module | owns |
//! |---|---|
//! | [`model`] | `Patent`, `ApplicationNumber`, `IpcCode`: plain data, parsed once |
//! | [`schema`] | the record contract of `schema/` (the only reader of that folder) |
//! | [`text`] | normalisation, jieba (its only user), the `zh` tokenizer, claim parsing |
//! | [`ingest`] | file formats: JSONL, CSV, XLSX, Parquet in; validated patents and a row report out |
//! | [`generate`] | the seeded synthetic corpus generator |
//! | [`store`] | durable state: the Parquet batch archive and the SQLite catalog |
//! | [`index`] | the tantivy index: schema, writer, queries, facets, snippets |
//! | [`scoring`] | the value model, industry fit, tiers, CNIPA checklist, score cards (reads `scoring/`) |
//! | [`engine`] | the façade composing store, index and scoring: submit, search, reindex, rescore, shortlists, matching |
//! | [`api`] | the HTTP service: axum router, auth, problem+json, OpenAPI, metrics, the batch worker |

pub mod api;
pub mod engine;
pub mod error;
pub mod generate;
pub mod index;
pub mod ingest;
pub mod model;
pub mod progress;
pub mod schema;
pub mod scoring;
pub mod store;
pub mod text;

pub use error::{Error, ErrorKind, Result};
