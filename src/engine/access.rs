//! API keys and the submission queue. Keys are random 256-bit secrets, stored as blake3
//! hashes with a public prefix; roles are admin, submitter (bound to one institution) and
//! reader. Submissions are uploads saved (fsynced) and queued in the catalog, then processed
//! in order by one worker; an interrupted one is queued again on the next open.

use std::fs::File;
use std::io::Write;

use serde::Serialize;

use super::{Library, Submission, SubmitOutcome};
use crate::error::{Error, ErrorKind, IoContext, Result};
use crate::ingest::Format;
use crate::progress::Progress;
use crate::store::{KeyRecord, SubmissionRecord, sync_dir};
use crate::text::normalize_name;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
}

const KEY_PREFIX: &str = "psk_";

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
        let institution = institution.map(normalize_name).filter(|i| !i.is_empty());
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
        let prefix = secret[..KEY_PREFIX.len() + 8].to_string();
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
            .key_by_prefix(&secret[..KEY_PREFIX.len() + 8])?
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
        let institution = normalize_name(&submission.institution);
        if institution.is_empty() {
            return Err(Error::invalid("institution", "must not be empty"));
        }
        if submission.bytes.is_empty() {
            return Err(Error::invalid("body", "the uploaded file is empty"));
        }
        let dir = self.data.incoming();
        std::fs::create_dir_all(&dir).at(&dir)?;
        let name = format!("{}.{}", random_hex(12)?, submission.format.as_str());
        let path = dir.join(&name);
        {
            let mut file = File::create(&path).at(&path)?;
            file.write_all(&submission.bytes).at(&path)?;
            file.sync_all().at(&path)?;
        }
        sync_dir(&dir)?;
        self.catalog()?.insert_submission(
            &institution,
            &submission.source_name,
            submission.format.as_str(),
            &name,
            submission.all_or_nothing,
        )
    }

    /// Processes the oldest queued submission, if any; returns its id and outcome.
    pub fn process_next(
        &self,
        progress: &dyn Progress,
    ) -> Result<Option<(i64, Result<SubmitOutcome>)>> {
        let Some(record) = self.catalog()?.claim_submission()? else {
            return Ok(None);
        };
        let path = self.data.incoming().join(&record.upload_file);
        let outcome = match (
            std::fs::read(&path).at(&path),
            Format::parse(&record.format),
        ) {
            (Ok(bytes), Some(format)) => self.submit(
                Submission {
                    source_name: record.source_name.clone(),
                    bytes,
                    format,
                    institution: record.institution.clone(),
                    all_or_nothing: record.all_or_nothing,
                },
                progress,
            ),
            (Err(e), _) => Err(e),
            (_, None) => Err(Error::invalid(
                "format",
                format!("unknown format {}", record.format),
            )),
        };
        let (batch_id, error) = match &outcome {
            Ok(o) => (Some(o.batch.id), None),
            Err(e) if e.kind() == ErrorKind::InvalidInput => (None, Some(e.to_string())),
            Err(e) => (None, Some(format!("internal error: {e}"))),
        };
        self.catalog()?
            .finish_submission(record.id, batch_id, error.as_deref())?;
        let _ = std::fs::remove_file(&path);
        Ok(Some((record.id, outcome)))
    }

    /// Queues again the submissions a crash interrupted and removes orphaned uploads.
    pub fn requeue_interrupted(&self) -> Result<usize> {
        let catalog = self.catalog()?;
        let requeued = catalog.requeue_submissions()?;
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

    /// A batch as the API shows it: its queue status and, once accepted, the batch record.
    pub fn batch_status(&self, id: i64) -> Result<BatchStatus> {
        let catalog = self.catalog()?;
        let submission = catalog.submission(id)?;
        let batch = match submission.batch_id {
            Some(b) => Some(catalog.batch(b)?),
            None => None,
        };
        Ok(BatchStatus { submission, batch })
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
