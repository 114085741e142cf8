//! The one integration-test binary of patscreen, split by feature.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

// The HTTP API in process, the authorisation matrix, and a smoke test over TCP.
mod api;
// Shared helpers: temporary libraries, sample files, the ../shared data when present.
mod common;
// incoPat and PatSnap exports read and score as the full records do.
mod exports;
// The web console and the API reference page in headless Chromium through WebDriver (skipped
// loudly without one).
mod console;
// Crash safety: SIGKILL during `patscreen ingest` at every stage and at random moments.
mod crash;
// Matchmaking: enterprise demands against patents, both ways; similar patents.
mod matching;
// Submitting batches: formats, bad input, updates, withdrawals, ownership, idempotence, reindex.
mod library;
// No input can crash, wedge or exhaust the service: the bad-input corpus, poison batches,
// forged cursors, uploads before authentication, silent connections.
mod reliability;
// Scores through the engine: citations, value and industry search options, shortlists.
mod scores;
// Searching: Chinese phrases and booleans, filters, facets, the CLI's JSON output.
mod search;
// Industry placement on real data from ../shared (skipped when absent).
mod industry;
// Real data from ../shared (skipped when absent): every row accepted, search quality, segmentation.
mod shared;
// One vocabulary for request values across the CLI, the HTTP API and the query text.
mod vocabulary;
