//! API keys and the submission queue. Keys are random 256-bit secrets, stored as blake3
//! hashes with a public prefix; roles are admin, submitter (bound to one institution) and
//! reader. Submissions are uploads saved (fsynced) and queued in the catalog, then processed
//! in order by one worker; an interrupted one is queued again on the next open.

use std::fs::File;
use std::path::PathBuf;

use serde::Serialize;

use super::{Library, Submission, SubmitOutcome};
use crate::error::{Error, ErrorKind, IoContext, Result};
use crate::ingest::Format;
use crate::model::Institution;
use crate::progress::Progress;
use crate::store::{Finish, KeyRecord, MAX_ATTEMPTS, SubmissionRecord, sync_dir};

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, for every institution.
    Admin,
    /// Submit and withdraw the patents of its own institution; read.
    Submitter,
    /// Read only.
    Reader,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Submitter => "submitter",
            Role::Reader => "reader",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Admin, Role::Submitter, Role::Reader]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caller {
    /// The key's id.
    pub key_id: i64,
    /// Its prefix (safe to log).
    pub key_prefix: String,
    /// Its role.
    pub role: Role,
    /// The institution of a submitter key.
    pub institution: Option<String>,
}

/// A queued batch and, once processed, its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct BatchStatus {
    /// The submission.
    #[serde(flatten)]
    pub submission: SubmissionRecord,
    /// The accepted batch with its report, once accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<crate::store::BatchRecord>,
    /// The row report of a batch read but not added (no row accepted, or all or nothing
    /// with a row at fault).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_report: Option<crate::ingest::BatchReport>,
}

impl BatchStatus {
    /// The row report: the accepted batch's, or that of a batch read but not added.
    pub fn report(&self) -> Option<&crate::ingest::BatchReport> {
        self.batch
            .as_ref()
            .map(|b| &b.report)
            .or(self.rejected_report.as_ref())
    }
}

const KEY_PREFIX: &str = "psk_";

/// How a processed submission ended, kept until the catalog has recorded it.
#[derive(Debug)]
pub(super) struct PendingFinish {
    id: i64,
    batch_id: Option<i64>,
    finish: Finish,
    error: Option<String>,
    /// The row report of a batch read but not added.
    rejected_report: Option<crate::ingest::BatchReport>,
    upload: PathBuf,
}

/// Longest file name a submission may carry, in characters.
const MAX_SOURCE_NAME_CHARS: usize = 255;

/// An upload received into the queue's folder, with what it is to be processed as.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Where it was received ([`Library::new_upload`]).
    pub path: PathBuf,
    /// The file name given (for reports and errors).
    pub source_name: String,
    /// Its format.
    pub format: Format,
    /// The submitting institution.
    pub institution: String,
    /// Reject the whole batch if any row is rejected.
    pub all_or_nothing: bool,
    /// Replace whole records instead of merging corrections.
    pub replace: bool,
}

/// Checks the file name a submitter gives a batch: it is shown in reports and listings, so it
/// may not hold control characters (terminal escapes, line breaks) or be longer than 255
/// characters.
pub fn check_source_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("source_name", "must not be empty"));
    }
    if let Some((at, c)) = name.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Err(Error::invalid(
            "source_name",
            format!(
                "holds the control character U+{:04X} at character {}",
                u32::from(c),
                at + 1
            ),
        ));
    }
    let chars = name.chars().count();
    if chars > MAX_SOURCE_NAME_CHARS {
        return Err(Error::invalid(
            "source_name",
            format!("has {chars} characters; at most {MAX_SOURCE_NAME_CHARS} are allowed"),
        ));
    }
    Ok(name.to_string())
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Corrupt(format!("no system randomness: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

impl Library {
    /// Creates a key; returns its record and the secret, which is shown once and never stored.
    pub fn create_key(
        &self,
        role: Role,
        institution: Option<&str>,
        label: &str,
    ) -> Result<(KeyRecord, String)> {
        let institution = institution
            .map(|i| Error::institution("institution", i).map(Institution::into_string))
            .transpose()?;
        match (role, &institution) {
            (Role::Submitter, None) => {
                return Err(Error::invalid(
                    "institution",
                    "a submitter key is bound to one institution",
                ));
            }
            (Role::Admin | Role::Reader, Some(_)) => {
                return Err(Error::invalid(
                    "institution",
                    "only submitter keys are bound to an institution",
                ));
            }
            _ => {}
        }
        let secret = format!("{KEY_PREFIX}{}", random_hex(32)?);
        let prefix: String = secret.chars().take(KEY_PREFIX.len() + 8).collect();
        let hash = blake3::hash(secret.as_bytes()).to_hex().to_string();
        let record = self.catalog()?.insert_key(
            &prefix,
            &hash,
            role.as_str(),
            institution.as_deref(),
            label,
        )?;
        Ok((record, secret))
    }

    /// Lists keys (hashes are not serialised).
    pub fn keys(&self) -> Result<Vec<KeyRecord>> {
        self.catalog()?.keys()
    }

    /// Revokes a key.
    pub fn revoke_key(&self, id: i64) -> Result<()> {
        if self.catalog()?.revoke_key(id)? {
            Ok(())
        } else {
            Err(Error::NotFound {
                what: "active key",
                key: id.to_string(),
            })
        }
    }

    /// Authenticates a secret; `None` for an unknown, wrong or revoked key.
    pub fn authenticate(&self, secret: &str) -> Result<Option<Caller>> {
        let secret = secret.trim();
        if !secret.starts_with(KEY_PREFIX) || secret.len() != KEY_PREFIX.len() + 64 {
            return Ok(None);
        }
        let Some(record) = self
            .catalog()?
            .key_by_prefix(secret.get(..KEY_PREFIX.len() + 8).unwrap_or_default())?
        else {
            return Ok(None);
        };
        let Ok(stored) = blake3::Hash::from_hex(&record.hash) else {
            return Ok(None);
        };
        // blake3::Hash compares in constant time.
        if blake3::hash(secret.as_bytes()) != stored || record.revoked_at.is_some() {
            return Ok(None);
        }
        let Some(role) = Role::parse(&record.role) else {
            return Ok(None);
        };
        Ok(Some(Caller {
            key_id: record.id,
            key_prefix: record.prefix,
            role,
            institution: record.institution,
        }))
    }

    /// Saves an upload durably and queues it; returns the batch (submission) id.
    pub fn enqueue(&self, submission: Submission) -> Result<i64> {
        let path = self.new_upload(submission.format)?;
        std::fs::write(&path, &submission.bytes).at(&path)?;
        self.enqueue_upload(Upload {
            path,
            source_name: submission.source_name,
            format: submission.format,
            institution: submission.institution,
            all_or_nothing: submission.all_or_nothing,
            replace: submission.replace,
        })
    }

    /// The path a new upload is received at, in the queue's folder (a `.part` file, removed
    /// at the next open unless [`Library::enqueue_upload`] queues it).
    pub fn new_upload(&self, format: Format) -> Result<PathBuf> {
        let dir = self.data.incoming();
        std::fs::create_dir_all(&dir).at(&dir)?;
        Ok(dir.join(format!("{}.{}.part", random_hex(12)?, format.as_str())))
    }

    /// Queues an upload received at a [`Library::new_upload`] path: the file is synced and
    /// renamed, then recorded (acknowledged). On an error the file is removed.
    pub fn enqueue_upload(&self, upload: Upload) -> Result<i64> {
        let queued = self.queue_file(&upload);
        if queued.is_err() {
            let _ = std::fs::remove_file(&upload.path);
        }
        queued
    }

    fn queue_file(&self, upload: &Upload) -> Result<i64> {
        let institution = Error::institution("institution", &upload.institution)?.into_string();
        let source_name = check_source_name(&upload.source_name)?;
        let path = &upload.path;
        let file = File::open(path).at(path)?;
        if file.metadata().at(path)?.len() == 0 {
            return Err(Error::invalid("body", "the uploaded file is empty"));
        }
        file.sync_all().at(path)?;
        let dir = self.data.incoming();
        let name = format!("{}.{}", random_hex(12)?, upload.format.as_str());
        std::fs::rename(path, dir.join(&name)).at(path)?;
        sync_dir(&dir)?;
        self.catalog()?.insert_submission(
            &institution,
            &source_name,
            upload.format.as_str(),
            &name,
            upload.all_or_nothing,
            upload.replace,
        )
    }

    /// Processes the oldest queued submission, if any; returns its id and outcome.
    pub fn process_next(
        &self,
        progress: &dyn Progress,
    ) -> Result<Option<(i64, Result<SubmitOutcome>)>> {
        // An ending that could not be recorded (a full disk) is recorded first: its batch
        // must not stay `processing`, and the queue keeps its order.
        self.record_pending_finish()?;
        let Some(record) = self.catalog()?.claim_submission()? else {
            return Ok(None);
        };
        let path = self.data.incoming().join(&record.upload_file);
        let outcome = match (
            std::fs::read(&path).at(&path),
            Format::parse(&record.format),
        ) {
            (Ok(bytes), Some(format)) => self.submit_queued(
                Submission {
                    source_name: record.source_name.clone(),
                    bytes,
                    format,
                    institution: record.institution.clone(),
                    all_or_nothing: record.all_or_nothing,
                    replace: record.replace,
                },
                Some(record.id),
                progress,
            ),
            (Err(e), _) => Err(e.into()),
            (_, None) => {
                Err(Error::invalid("format", format!("unknown format {}", record.format)).into())
            }
        };
        let (outcome, rejected_report) = match outcome {
            Ok(o) => (Ok(o), None),
            Err(not_added) => (Err(not_added.error), not_added.report.map(|r| *r)),
        };
        let (batch_id, finish, error) = match &outcome {
            Ok(o) => (Some(o.batch.id), Finish::Accepted, None),
            Err(e) if e.kind() == ErrorKind::InvalidInput => {
                (None, Finish::Rejected, Some(e.to_string()))
            }
            Err(e) => (
                None,
                Finish::Failed,
                Some(format!("processing failed inside the service: {e}")),
            ),
        };
        let ending = PendingFinish {
            id: record.id,
            batch_id,
            finish,
            error,
            rejected_report,
            upload: path,
        };
        if let Err(e) = self.record_finish(&ending) {
            // Kept and recorded by the next call; the batch's work is done or rolled back.
            if let Ok(mut slot) = self.pending_finish.lock() {
                *slot = Some(ending);
            }
            return Err(e);
        }
        Ok(Some((record.id, outcome)))
    }

    fn record_finish(&self, ending: &PendingFinish) -> Result<()> {
        self.catalog()?.finish_submission(
            ending.id,
            ending.batch_id,
            ending.finish,
            ending.error.as_deref(),
            ending.rejected_report.as_ref(),
        )?;
        let _ = std::fs::remove_file(&ending.upload);
        Ok(())
    }

    fn record_pending_finish(&self) -> Result<()> {
        let mut slot = self
            .pending_finish
            .lock()
            .map_err(|_| Error::Corrupt("the pending-finish slot is poisoned".into()))?;
        if let Some(ending) = slot.as_ref() {
            self.record_finish(ending)?;
            *slot = None;
        }
        Ok(())
    }

    /// Queues again the submissions a crash interrupted (quarantining those interrupted
    /// [`MAX_ATTEMPTS`] times) and removes orphaned uploads; returns how many were requeued.
    pub fn requeue_interrupted(&self) -> Result<usize> {
        let catalog = self.catalog()?;
        let (requeued, quarantined) = catalog.requeue_submissions()?;
        if quarantined > 0 {
            tracing::error!(
                quarantined,
                "uploads whose processing stopped the service {MAX_ATTEMPTS} times were quarantined"
            );
        }
        let keep = catalog.pending_uploads()?;
        let dir = self.data.incoming();
        if dir.exists() {
            for entry in std::fs::read_dir(&dir).at(&dir)? {
                let entry = entry.at(&dir)?;
                let name = entry.file_name().to_string_lossy().to_string();
                if !keep.contains(&name) {
                    std::fs::remove_file(entry.path()).at(entry.path())?;
                }
            }
        }
        Ok(requeued)
    }

    /// The quarantined submissions (see [`Library::requeue_interrupted`]).
    pub fn quarantined(&self) -> Result<Vec<SubmissionRecord>> {
        self.catalog()?.quarantined_submissions()
    }

    /// A batch as the API shows it: its queue status and, once accepted, the batch record.
    pub fn batch_status(&self, id: i64) -> Result<BatchStatus> {
        let catalog = self.catalog()?;
        let submission = catalog.submission(id)?;
        let (batch, rejected_report) = match submission.batch_id {
            Some(b) => (Some(catalog.batch(b)?), None),
            None => (None, catalog.rejected_report(id)?),
        };
        Ok(BatchStatus {
            submission,
            batch,
            rejected_report,
        })
    }

    /// The submissions of an institution (every one when `None`).
    pub fn submissions(&self, institution: Option<&str>) -> Result<Vec<SubmissionRecord>> {
        self.catalog()?.submissions(institution)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for role in [Role::Admin, Role::Submitter, Role::Reader] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(random_hex(4).unwrap().len(), 8);
    }
}
