//! The SQLite catalog: institutions, batches with their status and report, and the patent
//! registry (owner, current batch, withdrawal flag and the dense ordinal of each application
//! number). One file, WAL, `synchronous = FULL`: a batch recorded here is acknowledged. API
//! keys (`keys.rs`), the submission queue (`submissions.rs`), and demands with the mined
//! aliases (`demands.rs`) are kept in the same file.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ingest::BatchReport;
use crate::model::Patent;

mod demands;
mod keys;
mod submissions;

pub use demands::MinedAliasRecord;
pub use keys::KeyRecord;
pub use submissions::{Finish, MAX_ATTEMPTS, SubmissionRecord};

const MIGRATIONS: &[&str] = &[
    r"
CREATE TABLE institutions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
CREATE TABLE batches (
    id            INTEGER PRIMARY KEY,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    source_name   TEXT NOT NULL,
    source_hash   TEXT NOT NULL,
    format        TEXT NOT NULL,
    archive_file  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('accepted', 'indexed')),
    rows_total    INTEGER NOT NULL,
    rows_accepted INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    patents_new   INTEGER NOT NULL,
    patents_updated INTEGER NOT NULL,
    withdrawals   INTEGER NOT NULL,
    report        TEXT NOT NULL,
    submitted_at  TEXT NOT NULL,
    indexed_at    TEXT,
    UNIQUE (institution_id, source_hash)
);
CREATE TABLE patents (
    ordinal            INTEGER PRIMARY KEY,
    application_number TEXT NOT NULL UNIQUE,
    institution_id     INTEGER NOT NULL REFERENCES institutions(id),
    batch_id           INTEGER NOT NULL REFERENCES batches(id),
    withdrawn          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX patents_by_batch ON patents(batch_id);
",
    r"
CREATE TABLE demands (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    industry    TEXT,
    region      TEXT,
    contact     TEXT,
    created_at  TEXT NOT NULL
);
CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    prefix      TEXT NOT NULL UNIQUE,
    hash        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'submitter', 'reader')),
    institution TEXT,
    label       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE submissions (
    id            INTEGER PRIMARY KEY,
    institution   TEXT NOT NULL,
    source_name   TEXT NOT NULL,
    format        TEXT NOT NULL,
    upload_file   TEXT NOT NULL,
    all_or_nothing INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'accepted', 'rejected')),
    batch_id      INTEGER REFERENCES batches(id),
    error         TEXT,
    submitted_at  TEXT NOT NULL,
    finished_at   TEXT
);
",
    // Processing attempts are counted, so an upload that took the process down (an abort, the
    // OOM killer) is quarantined instead of being queued again forever; a batch whose
    // processing failed inside the service is `failed`, not `rejected`.
    r"
CREATE TABLE submissions_v3 (
    id            INTEGER PRIMARY KEY,
    institution   TEXT NOT NULL,
    source_name   TEXT NOT NULL,
    format        TEXT NOT NULL,
    upload_file   TEXT NOT NULL,
    all_or_nothing INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'accepted', 'rejected', 'failed', 'quarantined')),
    batch_id      INTEGER REFERENCES batches(id),
    error         TEXT,
    submitted_at  TEXT NOT NULL,
    finished_at   TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO submissions_v3(id, institution, source_name, format, upload_file, all_or_nothing, status, batch_id, error, submitted_at, finished_at)
    SELECT id, institution, source_name, format, upload_file, all_or_nothing, status, batch_id, error, submitted_at, finished_at FROM submissions;
DROP TABLE submissions;
ALTER TABLE submissions_v3 RENAME TO submissions;
",
    // Aliases mined from each batch's text (`全称（缩写）` …): derived data, rebuilt by reindex.
    r"
CREATE TABLE mined_aliases (
    batch_id  INTEGER NOT NULL,
    full      TEXT NOT NULL,
    short     TEXT NOT NULL,
    patents   INTEGER NOT NULL,
    examples  TEXT NOT NULL,
    PRIMARY KEY (batch_id, full, short)
);
",
    // A queued upload that replaces whole records instead of merging corrections.
    r"
ALTER TABLE submissions ADD COLUMN replace_records INTEGER NOT NULL DEFAULT 0;
",
    // The row report of a submission that was read but not added (no row accepted, or all or
    // nothing with a bad row), so that its submitter sees every row at fault.
    r"
ALTER TABLE submissions ADD COLUMN rejected_report TEXT;
",
];

/// Status of a batch in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Archived and recorded (acknowledged); the index may not have it yet.
    Accepted,
    /// Applied to the index.
    Indexed,
}

/// A batch as the catalog records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRecord {
    /// Batch id (increasing in acceptance order).
    pub id: i64,
    /// Submitting institution.
    pub institution: String,
    /// File name as submitted.
    pub source_name: String,
    /// blake3 of the submitted bytes (idempotence key with the institution).
    pub source_hash: String,
    /// Format read.
    pub format: String,
    /// Archive file name.
    pub archive_file: String,
    /// Status.
    pub status: BatchStatus,
    /// Patents new to the library.
    pub patents_new: usize,
    /// Patents that replaced an earlier version.
    pub patents_updated: usize,
    /// When it was accepted (RFC 3339).
    pub submitted_at: String,
    /// When it was applied to the index.
    pub indexed_at: Option<String>,
    /// The row report.
    pub report: BatchReport,
}

/// What a new batch records.
#[derive(Debug, Clone)]
pub struct NewBatch<'a> {
    /// Submitting institution.
    pub institution: &'a str,
    /// File name as submitted.
    pub source_name: &'a str,
    /// blake3 of the submitted bytes.
    pub source_hash: &'a str,
    /// Archive file name.
    pub archive_file: &'a str,
    /// The report.
    pub report: &'a BatchReport,
    /// The queued submission (an HTTP upload) this batch comes from; its id becomes the
    /// batch's id. `None` (the CLI) records a finished submission for it, so a batch has one id
    /// in the CLI, the API and the catalog.
    pub submission: Option<i64>,
}

/// Who holds an application number in the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    /// The owning institution.
    pub institution: String,
    /// Whether its current version is a withdrawal.
    pub withdrawn: bool,
    /// The dense ordinal.
    pub ordinal: u64,
}

/// Library-wide counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CatalogStats {
    /// Patents currently in the library (not withdrawn).
    pub patents: u64,
    /// Withdrawn patents.
    pub withdrawn: u64,
    /// Institutions.
    pub institutions: u64,
    /// Batches.
    pub batches: u64,
}

/// The catalog connection.
pub struct Catalog {
    conn: Connection,
}

/// The next id for a submission and its batch: after every id either table has used, so an
/// upload's batch can take its submission's id.
fn next_id(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT max(coalesce((SELECT max(id) FROM submissions), 0), coalesce((SELECT max(id) FROM batches), 0)) + 1",
        [],
        |r| r.get(0),
    )?)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Catalog {
    /// Opens (creating and migrating) the catalog at `path`.
    pub fn open(path: &Path) -> Result<Catalog> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let version = usize::try_from(version).unwrap_or(0);
        if version > MIGRATIONS.len() {
            return Err(Error::Config(format!(
                "the catalog at {} has schema version {version}; this binary knows {}",
                path.display(),
                MIGRATIONS.len()
            )));
        }
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(migration)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(Catalog { conn })
    }

    /// Returns the batch an institution already submitted with these exact bytes.
    pub fn find_by_source(
        &self,
        institution: &str,
        source_hash: &str,
    ) -> Result<Option<BatchRecord>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT b.id FROM batches b JOIN institutions i ON i.id = b.institution_id
                 WHERE i.name = ?1 AND b.source_hash = ?2",
                params![institution, source_hash],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|id| self.batch(id)).transpose()
    }

    /// Returns who holds each of `numbers` (numbers not in the library are absent).
    pub fn holdings<'a>(
        &self,
        numbers: impl IntoIterator<Item = &'a str>,
    ) -> Result<HashMap<String, Holding>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT i.name, p.withdrawn, p.ordinal FROM patents p JOIN institutions i ON i.id = p.institution_id
             WHERE p.application_number = ?1",
        )?;
        let mut out = HashMap::new();
        for number in numbers {
            let holding = statement
                .query_row([number], |r| {
                    Ok(Holding {
                        institution: r.get(0)?,
                        withdrawn: r.get::<_, i64>(1)? != 0,
                        ordinal: r.get::<_, i64>(2)? as u64,
                    })
                })
                .optional()?;
            if let Some(holding) = holding {
                out.insert(number.to_string(), holding);
            }
        }
        Ok(out)
    }

    /// Records an accepted batch and its patents in one transaction (the acknowledgement).
    /// Returns the batch id and the ordinal of every patent, in order.
    pub fn accept(
        &mut self,
        batch: &NewBatch<'_>,
        patents: &[Patent],
        patents_new: usize,
    ) -> Result<(i64, Vec<u64>)> {
        let tx = self.conn.transaction()?;
        let submitted_at = now();
        tx.execute(
            "INSERT INTO institutions(name, created_at) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING",
            params![batch.institution, submitted_at],
        )?;
        let institution_id: i64 = tx.query_row(
            "SELECT id FROM institutions WHERE name = ?1",
            [batch.institution],
            |r| r.get(0),
        )?;
        let report = batch.report;
        let updated = patents.len() - report.withdrawals - patents_new;
        // A queued upload's id is its batch's id, unless a batch of a library from before
        // ids were shared took that number.
        let taken = |id: i64| -> Result<bool> {
            Ok(tx
                .query_row("SELECT 1 FROM batches WHERE id = ?1", [id], |_| Ok(()))
                .optional()?
                .is_some())
        };
        let (batch_id, own_submission) = match batch.submission {
            Some(id) if !taken(id)? => (id, None),
            _ => {
                let id = next_id(&tx)?;
                tx.execute(
                    "INSERT INTO submissions(id, institution, source_name, format, upload_file, all_or_nothing, status, submitted_at, finished_at)
                     VALUES (?1, ?2, ?3, ?4, '', 0, 'accepted', ?5, ?5)",
                    params![id, batch.institution, batch.source_name, report.format, submitted_at],
                )?;
                (id, batch.submission.is_none().then_some(id))
            }
        };
        tx.execute(
            "INSERT INTO batches(id, institution_id, source_name, source_hash, format, archive_file, status,
                 rows_total, rows_accepted, rows_rejected, patents_new, patents_updated, withdrawals, report, submitted_at)
             VALUES (?14, ?1, ?2, ?3, ?4, ?5, 'accepted', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                institution_id,
                batch.source_name,
                batch.source_hash,
                report.format,
                batch.archive_file,
                report.rows_total as i64,
                report.rows_accepted as i64,
                report.rows_rejected as i64,
                patents_new as i64,
                updated as i64,
                report.withdrawals as i64,
                serde_json::to_string(report)?,
                submitted_at,
                batch_id,
            ],
        )?;
        if let Some(id) = own_submission {
            tx.execute("UPDATE submissions SET batch_id = ?1 WHERE id = ?1", [id])?;
        }
        let mut ordinals = Vec::with_capacity(patents.len());
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO patents(application_number, institution_id, batch_id, withdrawn) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(application_number) DO UPDATE SET batch_id = excluded.batch_id, withdrawn = excluded.withdrawn
                 RETURNING ordinal",
            )?;
            for patent in patents {
                let ordinal: i64 = upsert.query_row(
                    params![
                        patent.application_number.as_str(),
                        institution_id,
                        batch_id,
                        patent.withdrawn
                    ],
                    |r| r.get(0),
                )?;
                ordinals.push(ordinal as u64);
            }
        }
        tx.commit()?;
        Ok((batch_id, ordinals))
    }

    /// For each of `numbers` in the library, the archive file holding its current version and
    /// the institution that submitted it.
    pub fn current_versions<'a>(
        &self,
        numbers: impl IntoIterator<Item = &'a str>,
    ) -> Result<HashMap<String, (String, String)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT b.archive_file, i.name FROM patents p
             JOIN batches b ON b.id = p.batch_id JOIN institutions i ON i.id = b.institution_id
             WHERE p.application_number = ?1 AND p.withdrawn = 0",
        )?;
        let mut out = HashMap::new();
        for number in numbers {
            if let Some(found) = statement
                .query_row([number], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
            {
                out.insert(number.to_string(), found);
            }
        }
        Ok(out)
    }

    /// Replaces the stored report of a batch (its changes, once rescored).
    pub fn update_report(&self, batch_id: i64, report: &BatchReport) -> Result<()> {
        self.conn.execute(
            "UPDATE batches SET report = ?2 WHERE id = ?1",
            params![batch_id, serde_json::to_string(report)?],
        )?;
        Ok(())
    }

    /// Returns the largest ordinal in use (0 for an empty library): the next new patent
    /// gets the one after it.
    pub fn max_ordinal(&self) -> Result<u64> {
        let max: i64 =
            self.conn
                .query_row("SELECT COALESCE(MAX(ordinal), 0) FROM patents", [], |r| {
                    r.get(0)
                })?;
        Ok(u64::try_from(max).unwrap_or(0))
    }

    /// Marks a batch as applied to the index.
    pub fn mark_indexed(&self, batch_id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE batches SET status = 'indexed', indexed_at = ?2 WHERE id = ?1 AND status = 'accepted'",
            params![batch_id, now()],
        )?;
        Ok(())
    }

    /// Returns one batch.
    pub fn batch(&self, id: i64) -> Result<BatchRecord> {
        self.batches_where("b.id = ?1", params![id])?
            .pop()
            .ok_or_else(|| Error::NotFound {
                what: "batch",
                key: id.to_string(),
            })
    }

    /// Returns every batch in acceptance order.
    pub fn batches(&self) -> Result<Vec<BatchRecord>> {
        self.batches_where("1 = 1", params![])
    }

    /// Returns the accepted batches not yet marked indexed, in order.
    pub fn unindexed(&self) -> Result<Vec<BatchRecord>> {
        self.batches_where("b.status = 'accepted'", params![])
    }

    fn batches_where(
        &self,
        condition: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<BatchRecord>> {
        let sql = format!(
            "SELECT b.id, i.name, b.source_name, b.source_hash, b.format, b.archive_file, b.status,
                    b.patents_new, b.patents_updated, b.submitted_at, b.indexed_at, b.report
             FROM batches b JOIN institutions i ON i.id = b.institution_id WHERE {condition} ORDER BY b.id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(values, |r| {
            let status: String = r.get(6)?;
            let report: String = r.get(11)?;
            Ok((
                BatchRecord {
                    id: r.get(0)?,
                    institution: r.get(1)?,
                    source_name: r.get(2)?,
                    source_hash: r.get(3)?,
                    format: r.get(4)?,
                    archive_file: r.get(5)?,
                    status: if status == "indexed" {
                        BatchStatus::Indexed
                    } else {
                        BatchStatus::Accepted
                    },
                    patents_new: r.get::<_, i64>(7)? as usize,
                    patents_updated: r.get::<_, i64>(8)? as usize,
                    submitted_at: r.get(9)?,
                    indexed_at: r.get(10)?,
                    report: BatchReport::default(),
                },
                report,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut record, report) = row?;
            record.report = serde_json::from_str(&report)?;
            out.push(record);
        }
        Ok(out)
    }

    /// Returns the archive file names of all batches.
    pub fn archive_files(&self) -> Result<HashSet<String>> {
        let mut statement = self.conn.prepare("SELECT archive_file FROM batches")?;
        let names = statement.query_map([], |r| r.get::<_, String>(0))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    }

    /// Returns library-wide counts.
    pub fn stats(&self) -> Result<CatalogStats> {
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(CatalogStats {
            patents: count("SELECT COUNT(*) FROM patents WHERE withdrawn = 0")?,
            withdrawn: count("SELECT COUNT(*) FROM patents WHERE withdrawn = 1")?,
            institutions: count("SELECT COUNT(*) FROM institutions")?,
            batches: count("SELECT COUNT(*) FROM batches")?,
        })
    }

    /// Returns, indexed by ordinal, the batch holding the current version of every patent in
    /// the library (`None` for withdrawn patents and unused ordinals). Ordinals are dense, so
    /// this is a plain vector rather than a map.
    pub fn current(&self) -> Result<Vec<Option<i64>>> {
        let mut statement = self
            .conn
            .prepare("SELECT ordinal, batch_id FROM patents WHERE withdrawn = 0")?;
        let mut rows = statement.query([])?;
        let mut current: Vec<Option<i64>> = Vec::new();
        while let Some(row) = rows.next()? {
            let ordinal = usize::try_from(row.get::<_, i64>(0)?)
                .map_err(|_| Error::Corrupt("catalog holds a negative ordinal".into()))?;
            if ordinal >= current.len() {
                current.resize(ordinal + 1, None);
            }
            current[ordinal] = Some(row.get(1)?);
        }
        Ok(current)
    }

    /// Returns the application numbers and ordinals whose current version is in `batch_id`.
    pub fn patents_of_batch(&self, batch_id: i64) -> Result<Vec<(String, u64, bool)>> {
        let mut statement = self.conn.prepare(
            "SELECT application_number, ordinal, withdrawn FROM patents WHERE batch_id = ?1 ORDER BY ordinal",
        )?;
        let rows = statement.query_map([batch_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, i64>(2)? != 0,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Returns the application numbers of an institution's patents in the library.
    pub fn patents_of_institution(&self, institution: &str) -> Result<Vec<(String, u64)>> {
        let mut statement = self.conn.prepare(
            "SELECT p.application_number, p.ordinal FROM patents p JOIN institutions i ON i.id = p.institution_id
             WHERE i.name = ?1 AND p.withdrawn = 0 ORDER BY p.ordinal",
        )?;
        let rows = statement.query_map([institution], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Returns the names of the institutions.
    pub fn institutions(&self) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare("SELECT name FROM institutions ORDER BY name")?;
        let rows = statement.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Returns the ordinal of every listed application number (for replaying a batch).
    pub fn ordinals(&self, patents: &[Patent]) -> Result<Vec<u64>> {
        let holdings = self.holdings(patents.iter().map(|p| p.application_number.as_str()))?;
        patents
            .iter()
            .map(|p| {
                holdings
                    .get(p.application_number.as_str())
                    .map(|h| h.ordinal)
                    .ok_or_else(|| {
                        Error::Corrupt(format!(
                            "{} is archived but not in the catalog",
                            p.application_number
                        ))
                    })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApplicationNumber;

    fn patents(numbers: &[&str]) -> Vec<Patent> {
        numbers
            .iter()
            .map(|n| Patent::new(ApplicationNumber::parse(n).unwrap(), "x"))
            .collect()
    }

    #[test]
    fn accept_assigns_stable_ordinals_and_tracks_holdings() {
        let dir = tempfile::tempdir().unwrap();
        let mut catalog = Catalog::open(&dir.path().join("catalog.sqlite")).unwrap();
        let report = BatchReport {
            format: "csv".into(),
            ..BatchReport::default()
        };
        assert_eq!(catalog.max_ordinal().unwrap(), 0);
        let first = patents(&["CN202110123456.7", "CN201919000000.1"]);
        let new = NewBatch {
            institution: "清华大学",
            source_name: "a.csv",
            source_hash: "h1",
            archive_file: "f1.parquet",
            report: &report,
            submission: None,
        };
        let (id1, ordinals1) = catalog.accept(&new, &first, 2).unwrap();
        // New patents take the ordinals after the largest in use, in batch order (what a
        // submission predicts to index while its archive is written).
        assert_eq!(ordinals1, [1, 2]);
        assert_eq!(catalog.max_ordinal().unwrap(), 2);
        let second = vec![Patent::withdrawal(
            ApplicationNumber::parse("CN201919000000.1").unwrap(),
        )];
        let mut report2 = report.clone();
        report2.withdrawals = 1;
        let new2 = NewBatch {
            source_hash: "h2",
            archive_file: "f2.parquet",
            report: &report2,
            ..new.clone()
        };
        let (id2, ordinals2) = catalog.accept(&new2, &second, 0).unwrap();
        assert!(id2 > id1);
        // One id per batch: a CLI batch is a finished submission of the same id, and a queued
        // upload (numbered after every batch) gives its batch its own id.
        assert_eq!(catalog.submission(id1).unwrap().batch_id, Some(id1));
        let queued = catalog
            .insert_submission("清华大学", "b.csv", "csv", "u.csv", false, false)
            .unwrap();
        assert!(queued > id2);
        let upload = NewBatch {
            source_hash: "h3",
            submission: Some(queued),
            ..new.clone()
        };
        assert_eq!(catalog.accept(&upload, &[], 0).unwrap().0, queued);
        let cli = NewBatch {
            source_hash: "h4",
            ..new.clone()
        };
        assert_eq!(catalog.accept(&cli, &[], 0).unwrap().0, queued + 1);
        assert_eq!(ordinals2[0], ordinals1[1]);
        let holdings = catalog
            .holdings(["CN201919000000.1", "CN201919000001.6"])
            .unwrap();
        assert_eq!(holdings.len(), 1);
        assert!(holdings["CN201919000000.1"].withdrawn);
        assert_eq!(
            catalog.stats().unwrap(),
            CatalogStats {
                patents: 1,
                withdrawn: 1,
                institutions: 1,
                batches: 4
            }
        );
        assert_eq!(
            catalog
                .find_by_source("清华大学", "h1")
                .unwrap()
                .unwrap()
                .id,
            id1
        );
        assert!(catalog.find_by_source("北京大学", "h1").unwrap().is_none());
        assert_eq!(catalog.unindexed().unwrap().len(), 4);
        catalog.mark_indexed(id1).unwrap();
        assert_eq!(catalog.unindexed().unwrap()[0].id, id2);
        assert_eq!(catalog.ordinals(&first).unwrap(), ordinals1);
    }
}
