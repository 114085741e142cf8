//! The submission queue in the catalog: uploads queued, claimed by the batch worker, finished,
//! requeued after a crash or quarantined, and listed per institution.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Catalog, next_id, now};
use crate::error::{Error, Result};
use crate::ingest::BatchReport;

/// Processing attempts after which an upload that never finished is quarantined on open.
pub const MAX_ATTEMPTS: i64 = 2;

/// How a queued submission's processing ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Accepted as a batch.
    Accepted,
    /// Refused for what the file holds (the submitter must act).
    Rejected,
    /// Processing failed inside the service (a fault, not the file's).
    Failed,
}

/// A queued or processed submission (the API's batch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubmissionRecord {
    /// Id (the batch id the API hands out).
    pub id: i64,
    /// Submitting institution.
    pub institution: String,
    /// File name as submitted.
    pub source_name: String,
    /// Format.
    pub format: String,
    /// The saved upload.
    #[serde(skip_serializing)]
    pub upload_file: String,
    /// All or nothing.
    pub all_or_nothing: bool,
    /// Replace whole records instead of merging corrections.
    pub replace: bool,
    /// queued, processing, accepted, rejected, failed or quarantined.
    pub status: String,
    /// Times processing started.
    pub attempts: i64,
    /// The catalog batch, once accepted.
    pub batch_id: Option<i64>,
    /// Why it was rejected.
    pub error: Option<String>,
    /// When it was queued.
    pub submitted_at: String,
    /// When processing ended.
    pub finished_at: Option<String>,
}

impl Catalog {
    /// Queues a submission (its upload already written and fsynced); returns its id.
    pub fn insert_submission(
        &self,
        institution: &str,
        source_name: &str,
        format: &str,
        upload_file: &str,
        all_or_nothing: bool,
        replace: bool,
    ) -> Result<i64> {
        let id = next_id(&self.conn)?;
        self.conn.execute(
            "INSERT INTO submissions(id, institution, source_name, format, upload_file, all_or_nothing, status, submitted_at, replace_records)
             VALUES (?7, ?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?8)",
            params![institution, source_name, format, upload_file, all_or_nothing, now(), id, replace],
        )?;
        Ok(id)
    }

    /// Takes the oldest queued submission and marks it processing.
    pub fn claim_submission(&self) -> Result<Option<SubmissionRecord>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM submissions WHERE status = 'queued' ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        // Counted before processing starts, durably: a crash during it still counts.
        self.conn.execute(
            "UPDATE submissions SET status = 'processing', attempts = attempts + 1 WHERE id = ?1",
            [id],
        )?;
        self.submission(id).map(Some)
    }

    /// Records how a submission ended.
    pub fn finish_submission(
        &self,
        id: i64,
        batch_id: Option<i64>,
        finish: Finish,
        error: Option<&str>,
        rejected_report: Option<&BatchReport>,
    ) -> Result<()> {
        let status = match finish {
            Finish::Accepted => "accepted",
            Finish::Rejected => "rejected",
            Finish::Failed => "failed",
        };
        let report = rejected_report.map(serde_json::to_string).transpose()?;
        self.conn.execute(
            "UPDATE submissions SET status = ?2, batch_id = ?3, error = ?4, finished_at = ?5, rejected_report = ?6 WHERE id = ?1",
            params![id, status, batch_id, error, now(), report],
        )?;
        Ok(())
    }

    /// The row report of a submission read but not added, when it has one.
    pub fn rejected_report(&self, id: i64) -> Result<Option<BatchReport>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT rejected_report FROM submissions WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        text.map(|t| {
            serde_json::from_str(&t)
                .map_err(|e| Error::Corrupt(format!("the report of batch {id} is unreadable: {e}")))
        })
        .transpose()
    }

    /// Puts submissions a crash interrupted back in the queue, and quarantines those whose
    /// processing has already been interrupted [`MAX_ATTEMPTS`] times; returns how many of
    /// each.
    pub fn requeue_submissions(&self) -> Result<(usize, usize)> {
        let quarantined = self.conn.execute(
            "UPDATE submissions SET status = 'quarantined', finished_at = ?2,
                 error = 'processing this upload stopped the service ' || attempts || ' times (a crash, an abort or running out of memory), so it is set aside; the file is kept for inspection: send it to the maintainers, or submit a corrected file'
             WHERE status = 'processing' AND attempts >= ?1",
            params![MAX_ATTEMPTS, now()],
        )?;
        let requeued = self.conn.execute(
            "UPDATE submissions SET status = 'queued' WHERE status = 'processing'",
            [],
        )?;
        Ok((requeued, quarantined))
    }

    /// Returns the quarantined submissions, oldest first.
    pub fn quarantined_submissions(&self) -> Result<Vec<SubmissionRecord>> {
        self.submissions_where("status = 'quarantined'", params![])
    }

    /// Returns one submission.
    pub fn submission(&self, id: i64) -> Result<SubmissionRecord> {
        self.submissions_where("id = ?1", params![id])?
            .pop()
            .ok_or_else(|| Error::NotFound {
                what: "batch",
                key: id.to_string(),
            })
    }

    /// Returns the submissions of an institution (all when `None`), oldest first.
    pub fn submissions(&self, institution: Option<&str>) -> Result<Vec<SubmissionRecord>> {
        match institution {
            Some(i) => self.submissions_where("institution = ?1", params![i]),
            None => self.submissions_where("1 = 1", params![]),
        }
    }

    /// Returns the upload files still referenced by a queued, processing or quarantined
    /// submission (a quarantined file is kept for inspection).
    pub fn pending_uploads(&self) -> Result<HashSet<String>> {
        let mut statement = self.conn.prepare(
            "SELECT upload_file FROM submissions WHERE status IN ('queued', 'processing', 'quarantined')",
        )?;
        let names = statement.query_map([], |r| r.get::<_, String>(0))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    }

    fn submissions_where(
        &self,
        condition: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<SubmissionRecord>> {
        let sql = format!(
            "SELECT id, institution, source_name, format, upload_file, all_or_nothing, status, batch_id, error, submitted_at, finished_at, attempts, replace_records
             FROM submissions WHERE {condition} ORDER BY id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(values, |r| {
            Ok(SubmissionRecord {
                id: r.get(0)?,
                institution: r.get(1)?,
                source_name: r.get(2)?,
                format: r.get(3)?,
                upload_file: r.get(4)?,
                all_or_nothing: r.get::<_, i64>(5)? != 0,
                status: r.get(6)?,
                batch_id: r.get(7)?,
                error: r.get(8)?,
                submitted_at: r.get(9)?,
                finished_at: r.get(10)?,
                attempts: r.get(11)?,
                replace: r.get::<_, i64>(12)? != 0,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
