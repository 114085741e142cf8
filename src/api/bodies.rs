//! The JSON bodies of the API's answers that wrap library types (lists with their totals, a
//! page of search hits with its cursor, a patent with its score card), typed so that the
//! OpenAPI document states each answer's shape and schemathesis checks every answer against it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::engine::{DemandMatch, IndustrySummary, PatentMatch, SimilarPatent};
use crate::index::SearchResults;
use crate::ingest::RowIssue;
use crate::model::{Demand, Patent};
use crate::scoring::ScoreCard;
use crate::store::SubmissionRecord;

/// `GET /v1/search`: a page of hits and the cursor of the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    /// Total, hits, facets and notes.
    #[serde(flatten)]
    pub results: SearchResults,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
    /// Hits before this page.
    pub offset: usize,
}

/// `GET /v1/batches`: the batches a key may see, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchList {
    /// Number of batches.
    pub total: usize,
    /// The batches.
    pub batches: Vec<SubmissionRecord>,
}

/// `GET /v1/batches/{id}`: a batch's status, counts and a page of its row errors.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchState {
    /// Batch id.
    pub id: i64,
    /// The institution it was submitted for.
    pub institution: String,
    /// The file's name.
    pub source_name: String,
    /// jsonl, csv, xlsx or parquet.
    pub format: String,
    /// queued, processing, accepted, rejected or quarantined.
    pub status: String,
    /// Why it was rejected or quarantined.
    pub error: Option<String>,
    /// When it arrived (RFC 3339).
    pub submitted_at: String,
    /// When it ended (RFC 3339).
    pub finished_at: Option<String>,
    /// Row counts, once the file was read.
    pub counts: Option<RowCounts>,
    /// A page of row errors.
    pub errors: IssuePage,
    /// The first 100 warnings.
    pub warnings: Vec<RowIssue>,
    /// Empty fields by name, once the file was read.
    pub gaps: Option<std::collections::BTreeMap<String, usize>>,
    /// Columns the record contract does not know, once the file was read.
    pub unknown_columns: Option<Vec<String>>,
}

/// The row counts of a batch read.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowCounts {
    /// Data rows in the file.
    pub rows_total: usize,
    /// Rows that passed.
    pub rows_accepted: usize,
    /// Rows refused, each with its errors.
    pub rows_rejected: usize,
    /// Withdrawal rows.
    pub withdrawals: usize,
    /// Patents new to the library.
    pub patents_new: usize,
    /// Patents already in it, updated.
    pub patents_updated: usize,
}

/// A page of row issues.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuePage {
    /// Issues in all.
    pub total: usize,
    /// Issues before this page.
    pub offset: usize,
    /// This page.
    pub items: Vec<RowIssue>,
    /// The URL of the next page; `null` on the last.
    pub next: Option<String>,
}

/// `GET /v1/demands`: the stored demands.
#[derive(Debug, Serialize, ToSchema)]
pub struct DemandList {
    /// Number of demands.
    pub total: usize,
    /// The demands.
    pub demands: Vec<Demand>,
}

/// `GET /v1/demands/{id}/matches`: patents for a stored demand.
#[derive(Debug, Serialize, ToSchema)]
pub struct DemandMatches {
    /// The demand.
    pub demand_id: i64,
    /// Patents, best first, with their reasons.
    pub matches: Vec<PatentMatch>,
}

/// `POST /v1/match`: patents for a demand's text.
#[derive(Debug, Serialize, ToSchema)]
pub struct Matches {
    /// Patents, best first, with their reasons.
    pub matches: Vec<PatentMatch>,
}

/// `GET /v1/industries`: the ten industries.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndustryList {
    /// Each industry with its counts and tiers.
    pub industries: Vec<IndustrySummary>,
}

/// `GET /v1/patents/{number}`: a record and its score card.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatentPage {
    /// The record.
    pub patent: Patent,
    /// Its score card; `null` before the library is scored.
    pub score_card: Option<ScoreCard>,
}

/// `GET /v1/patents/{number}/similar`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarList {
    /// The patent.
    pub application_number: String,
    /// Similar patents, most similar first.
    pub similar: Vec<SimilarPatent>,
}

/// `GET /v1/patents/{number}/demands`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatentDemands {
    /// The patent.
    pub application_number: String,
    /// Stored demands it could serve, best first.
    pub demands: Vec<DemandMatch>,
}

/// `GET /readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    pub status: String,
    /// Patents in the index.
    pub patents: u64,
    /// Batches set aside for an operator.
    pub quarantined_batches: Vec<i64>,
}
