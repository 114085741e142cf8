//! Submitting a batch: read and validate, check ownership, archive (fsync), record in the
//! catalog (the acknowledgement), index and commit, mark done. A crash at any step leaves the
//! batch wholly visible after recovery or not at all.

use serde::Serialize;

use super::Library;
use crate::error::{Error, Result};
use crate::index::{CommitState, PatentWriter};
use std::collections::{HashMap, HashSet};

use crate::ingest::{self, BatchReport, FieldSet, Format, PatentChange, RowIssue};
use crate::model::Patent;
use crate::progress::{Progress, Stage};
use crate::schema;
use crate::schema::RecordField;
use crate::scoring::ScoreRow;
use crate::store::Holding;
use crate::store::{BatchRecord, NewBatch};

/// A submission that was not added: why, and the row report when its rows were read (every
/// row at fault, where the error lists the first few).
#[derive(Debug)]
pub(crate) struct NotAdded {
    /// Why.
    pub error: Error,
    /// The rows read and their issues.
    pub report: Option<Box<BatchReport>>,
}

impl From<Error> for NotAdded {
    fn from(error: Error) -> NotAdded {
        NotAdded {
            error,
            report: None,
        }
    }
}

/// A batch file as submitted.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The file name (for reports and errors).
    pub source_name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Its format.
    pub format: Format,
    /// The submitting institution; every patent of the batch belongs to it.
    pub institution: String,
    /// Reject the whole batch if any row is rejected.
    pub all_or_nothing: bool,
    /// Replace whole records (`--replace`, `mode=replace`). Without it a row of a patent
    /// already in the library is a correction: it updates the fields its file carries and
    /// keeps the others (an explicit empty cell clears a field).
    pub replace: bool,
}

/// The result of a submission.
#[derive(Debug, Clone, Serialize)]
pub struct SubmitOutcome {
    /// The batch as recorded.
    pub batch: BatchRecord,
    /// `true` when the same institution had already submitted these exact bytes; nothing
    /// changed and `batch` is the earlier one.
    pub already_submitted: bool,
    /// Seconds spent rescoring the library after the batch.
    pub scoring_seconds: f64,
}

/// How many rejected rows an error message lists.
const LISTED_ERRORS: usize = 5;

fn first_errors(report: &BatchReport) -> String {
    let mut listed: Vec<String> = report
        .errors
        .iter()
        .take(LISTED_ERRORS)
        .map(ToString::to_string)
        .collect();
    if report.errors.len() > LISTED_ERRORS {
        listed.push(format!(
            "… and {} more",
            report.errors.len() - LISTED_ERRORS
        ));
    }
    listed.join("; ")
}

impl Library {
    /// Submits a batch. Rows that fail validation or belong to another institution are
    /// rejected and reported; the rest are added (or, with `all_or_nothing`, nothing is).
    ///
    /// A panic while the batch is processed (a bug, not the file's fault) is caught: the
    /// writer's uncommitted changes are dropped, the library's locks are freed for the next
    /// batch, and the batch fails with an error naming the panic.
    pub fn submit(&self, submission: Submission, progress: &dyn Progress) -> Result<SubmitOutcome> {
        self.submit_queued(submission, None, progress)
            .map_err(|not_added| not_added.error)
    }

    /// [`Library::submit`] for the queued upload `queued` (its id becomes the batch's id).
    pub(crate) fn submit_queued(
        &self,
        submission: Submission,
        queued: Option<i64>,
        progress: &dyn Progress,
    ) -> std::result::Result<SubmitOutcome, NotAdded> {
        let source_name = submission.source_name.clone();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.submit_unguarded(submission, queued, progress)
        })) {
            Ok(outcome) => outcome,
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into());
                tracing::error!(source_name, panic = message, "processing a batch panicked");
                self.recover_from_panic();
                Err(Error::Corrupt(format!(
                    "processing {source_name} stopped on an internal error ({message}); nothing of it was added"
                ))
                .into())
            }
        }
    }

    fn submit_unguarded(
        &self,
        submission: Submission,
        queued: Option<i64>,
        progress: &dyn Progress,
    ) -> std::result::Result<SubmitOutcome, NotAdded> {
        let institution = Error::institution("institution", &submission.institution)?.into_string();
        let source_hash = blake3::hash(&submission.bytes).to_hex().to_string();
        if let Some(batch) = self.catalog()?.find_by_source(&institution, &source_hash)? {
            return Ok(SubmitOutcome {
                batch,
                already_submitted: true,
                scoring_seconds: 0.0,
            });
        }
        progress.stage(Stage::Reading, None);
        // jieba's dictionary (0.2 s of one core) loads while the file is parsed, which leaves
        // a core idle part of the time, instead of on the first indexing thread to need it.
        let warm = std::thread::spawn(|| {
            crate::text::jieba();
        });
        let today = chrono::Utc::now().date_naive();
        let source_name = submission.source_name.clone();
        let parsed = ingest::read_batch(&source_name, submission.bytes, submission.format, today);
        if warm.join().is_err() {
            return Err(Error::Corrupt("loading jieba's dictionary failed".into()).into());
        }
        let mut parsed = parsed?;

        // Take the writer first: it serialises submissions within this process.
        let mut slot = self.writer_slot()?;
        let writer = self.writer_in(&mut slot)?;
        // Ownership: an institution changes and withdraws only its own patents.
        let holdings = self
            .catalog()?
            .holdings(parsed.patents.iter().map(|p| p.application_number.as_str()))?;
        let Owned {
            mut kept,
            held,
            supplied,
            errors: ownership_errors,
        } = keep_owned(&mut parsed, &holdings, &institution);
        let report = &mut parsed.report;
        report.replaced = submission.replace;
        report.changes =
            self.apply_corrections(&mut kept, &supplied, &holdings, submission.replace)?;
        if !report.changes.is_empty() {
            // Data gaps are those of the patents as they now stand, corrections merged.
            recount_gaps(report, &kept);
        }
        report.errors.extend(ownership_errors);
        report.errors.sort_by_key(|e| e.row);
        report.rows_accepted = kept.len();
        report.rows_rejected = report.rows_total - report.rows_accepted;
        if let Some(refused) = refusal(report, &source_name, submission.all_or_nothing) {
            return Err(refused);
        }

        // The catalog gives a held patent its own ordinal back and new ones the ordinals after
        // the largest in use, in batch order (a batch has no duplicate numbers). Knowing them,
        // the batch is indexed while its archive file is written: the writer's documents stay
        // invisible until the commit, which still comes after the acknowledgement.
        let predicted = predict_ordinals(&kept, &holdings, self.catalog()?.max_ordinal()?);

        progress.stage(Stage::Archiving, Some(kept.len() as u64));
        let metadata = [
            ("patscreen.institution", institution.clone()),
            ("patscreen.source_name", source_name.clone()),
            ("patscreen.source_hash", source_hash.clone()),
        ];
        let archived = std::thread::scope(|scope| {
            let archive = scope.spawn(|| self.archive.write(&kept, &metadata));
            let indexed = index_batch(writer, &kept, &predicted, &held, progress);
            let archived = archive.join().unwrap_or_else(|_| {
                Err(Error::Corrupt("writing the archive file panicked".into()))
            });
            indexed.and(archived)
        });
        let archive_file = rolled_back(writer, archived)?;

        progress.stage(Stage::Recording, None);
        let new_batch = NewBatch {
            institution: &institution,
            source_name: &source_name,
            source_hash: &source_hash,
            archive_file: &archive_file,
            report,
            submission: queued,
        };
        // The patents the library does not hold yet.
        let patents_new = held.iter().filter(|h| !**h).count();
        let accepted = self
            .catalog()
            .and_then(|mut c| c.accept(&new_batch, &kept, patents_new));
        let (batch_id, ordinals) = rolled_back(writer, accepted)?;

        let again = ordinals != predicted;
        progress.stage(Stage::Indexing, again.then_some(kept.len() as u64));
        if again {
            // Not expected (the writer lock serialises submissions): index again with the
            // catalog's ordinals.
            tracing::warn!(
                batch_id,
                "ordinals differ from the predicted ones; indexing again"
            );
            writer.rollback()?;
            let indexed = index_batch(writer, &kept, &ordinals, &held, progress);
            rolled_back(writer, indexed)?;
        }
        progress.stage(Stage::Committing, None);
        writer.commit(&CommitState {
            fingerprint: schema::fingerprint(),
            last_batch: batch_id,
        })?;
        self.index_read()?.reload()?;
        self.catalog()?.mark_indexed(batch_id)?;
        // Scores are derived: a crash from here on is repaired by rescoring on open.
        progress.stage(Stage::Features, None);
        self.write_features(batch_id, &kept, &ordinals)?;
        self.record_aliases(batch_id, &kept)?;
        let rescored = self.rescore(progress)?;
        if !report.changes.is_empty() {
            // How each changed patent's value and tier moved, now that it is rescored.
            if let Some(scores) = self.scores() {
                for change in &mut report.changes {
                    let row = holdings
                        .get(change.application_number.as_str())
                        .and_then(|h| scores.get(h.ordinal));
                    change.value_after = row.and_then(ScoreRow::shown_value);
                    change.tier_after = row.map(|r| r.tier.as_str().to_string());
                }
            }
            self.catalog()?.update_report(batch_id, report)?;
        }
        progress.stage(Stage::Done, None);
        Ok(SubmitOutcome {
            batch: self.catalog()?.batch(batch_id)?,
            already_submitted: false,
            scoring_seconds: rescored.load_seconds + rescored.score_seconds + rescored.save_seconds,
        })
    }
}

/// The patents of a batch its institution may submit, with what the rest of the
/// submission needs to know of them.
struct Owned {
    /// The patents kept, in batch order, each given the submitting institution.
    kept: Vec<Patent>,
    /// Whether each kept patent may already be in the index (its old version is replaced).
    held: Vec<bool>,
    /// The fields each kept patent's row carried.
    supplied: Vec<FieldSet>,
    /// The rows refused: another institution's patents, withdrawals of unknown patents.
    errors: Vec<RowIssue>,
}

/// Why `institution` may not submit `patent`, if it may not: the library holds it for another
/// institution, or it withdraws a patent the library does not hold.
fn ownership_problem(
    patent: &Patent,
    holding: Option<&Holding>,
    institution: &str,
) -> Option<String> {
    match holding {
        Some(h) if h.institution != institution => Some(format!(
            "{} belongs to {}; an institution may change or withdraw only its own patents",
            patent.application_number, h.institution
        )),
        None if patent.withdrawn => Some(format!(
            "{} is not in the library, so it cannot be withdrawn",
            patent.application_number
        )),
        _ => None,
    }
}

/// Ownership: an institution changes and withdraws only its own patents. Drains the parsed
/// patents into those kept and the rows refused (a refused withdrawal is no longer counted
/// as one in the report).
fn keep_owned(
    parsed: &mut ingest::ParsedBatch,
    holdings: &HashMap<String, Holding>,
    institution: &str,
) -> Owned {
    let mut owned = Owned {
        kept: Vec::with_capacity(parsed.patents.len()),
        held: Vec::with_capacity(parsed.patents.len()),
        supplied: Vec::with_capacity(parsed.patents.len()),
        errors: Vec::new(),
    };
    let rows_and_fields = parsed.rows.drain(..).zip(parsed.supplied.drain(..));
    for (patent, (row, fields)) in parsed.patents.drain(..).zip(rows_and_fields) {
        let holding = holdings.get(patent.application_number.as_str());
        if let Some(reason) = ownership_problem(&patent, holding, institution) {
            owned.errors.push(RowIssue {
                row,
                field: Some("application_number".into()),
                column: None,
                reason,
            });
            if patent.withdrawn {
                parsed.report.withdrawals -= 1;
            }
            continue;
        }
        owned.held.push(holding.is_some());
        owned.supplied.push(fields);
        let mut patent = patent;
        patent.institution = Some(institution.to_string());
        owned.kept.push(patent);
    }
    owned
}

/// Counts the report's data gaps again over the patents as they now stand (withdrawals left out).
fn recount_gaps(report: &mut BatchReport, kept: &[Patent]) {
    report.gaps.clear();
    for patent in kept.iter().filter(|p| !p.withdrawn) {
        for field in ingest::gaps(patent) {
            *report.gaps.entry(field.as_str().to_string()).or_default() += 1;
        }
    }
}

/// The refusal of a batch whose report accepts no row, or rejects some under all or nothing;
/// `None` when the batch goes ahead.
fn refusal(report: &BatchReport, source_name: &str, all_or_nothing: bool) -> Option<NotAdded> {
    let error = if report.rows_accepted == 0 {
        Error::malformed(
            source_name,
            format!("no row was accepted: {}", first_errors(report)),
        )
    } else if all_or_nothing && !report.errors.is_empty() {
        Error::malformed(
            source_name,
            format!(
                "{} rows rejected, so nothing was added (all or nothing): {}",
                report.rows_rejected,
                first_errors(report)
            ),
        )
    } else {
        return None;
    };
    Some(NotAdded {
        error,
        report: Some(Box::new(report.clone())),
    })
}

/// The ordinals the catalog will give the kept patents: a held patent its own, new ones those
/// after `max_ordinal`, in batch order.
fn predict_ordinals(
    kept: &[Patent],
    holdings: &HashMap<String, Holding>,
    max_ordinal: u64,
) -> Vec<u64> {
    let mut next = max_ordinal;
    kept.iter()
        .map(|p| match holdings.get(p.application_number.as_str()) {
            Some(h) => h.ordinal,
            None => {
                next += 1;
                next
            }
        })
        .collect()
}

impl Library {
    /// Turns the rows of patents the library holds into corrections (unless `replace`): each
    /// takes the current version and updates the fields its row carried. Returns what changed
    /// for each held patent, with its value and tier before the batch.
    fn apply_corrections(
        &self,
        kept: &mut [Patent],
        supplied: &[FieldSet],
        holdings: &HashMap<String, Holding>,
        replace: bool,
    ) -> Result<Vec<PatentChange>> {
        let wanted: Vec<&str> = kept
            .iter()
            .filter(|p| !p.withdrawn && holdings.contains_key(p.application_number.as_str()))
            .map(|p| p.application_number.as_str())
            .collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let versions = self.catalog()?.current_versions(wanted.iter().copied())?;
        // Each archive file holding a current version is read once.
        let mut files: HashMap<(&str, &str), HashSet<&str>> = HashMap::new();
        for (number, (file, institution)) in &versions {
            files
                .entry((file.as_str(), institution.as_str()))
                .or_default()
                .insert(number.as_str());
        }
        let mut previous: HashMap<String, Patent> = HashMap::new();
        for ((file, institution), numbers) in files {
            for patent in self.archive.read(file, institution)? {
                if numbers.contains(patent.application_number.as_str()) {
                    previous.insert(patent.application_number.to_string(), patent);
                }
            }
        }
        let scores = self.scores();
        let mut changes = Vec::new();
        for (patent, fields) in kept.iter_mut().zip(supplied) {
            let number = patent.application_number.as_str();
            let Some(old) = previous.get(number) else {
                // A held, live patent whose current version cannot be read would lose every
                // field its row lacks: refuse rather than replace it silently.
                if !replace
                    && !patent.withdrawn
                    && holdings.get(number).is_some_and(|h| !h.withdrawn)
                {
                    return Err(Error::Corrupt(format!(
                        "the current version of {number} is not in the archive, so a correction cannot be merged into it; run `patscreen reindex` or submit with --replace"
                    )));
                }
                continue;
            };
            if !replace {
                let institution = patent.institution.take();
                *patent = ingest::merge(old, patent, *fields);
                patent.institution = institution;
            }
            let changed: Vec<RecordField> = ingest::changed_fields(old, patent)
                .into_iter()
                .filter(|f| *f != RecordField::Institution)
                .collect();
            if changed.is_empty() {
                continue;
            }
            let cleared = changed
                .iter()
                .filter(|f| {
                    ingest::cell_text(old, **f, "；").is_some()
                        && ingest::cell_text(patent, **f, "；").is_none()
                })
                .map(|f| f.as_str().to_string())
                .collect();
            let before = scores.as_ref().and_then(|s| {
                holdings
                    .get(patent.application_number.as_str())
                    .and_then(|h| s.get(h.ordinal))
            });
            changes.push(PatentChange {
                application_number: patent.application_number.to_string(),
                fields: changed.iter().map(|f| f.as_str().to_string()).collect(),
                cleared,
                value_before: before.and_then(ScoreRow::shown_value),
                tier_before: before.map(|r| r.tier.as_str().to_string()),
                ..PatentChange::default()
            });
        }
        Ok(changes)
    }
}

/// Adds `kept` to the writer with their ordinals (`held`: whether an earlier version may be in
/// the index and is replaced), in chunks that report progress.
fn index_batch(
    writer: &mut PatentWriter,
    kept: &[Patent],
    ordinals: &[u64],
    held: &[bool],
    progress: &dyn Progress,
) -> Result<()> {
    let items: Vec<(&Patent, u64, bool)> = kept
        .iter()
        .zip(ordinals.iter().copied())
        .zip(held.iter().copied())
        .map(|((patent, ordinal), held)| (patent, ordinal, held))
        .collect();
    for chunk in items.chunks(4096) {
        for replace in [true, false] {
            let part: Vec<(&Patent, u64)> = chunk
                .iter()
                .filter(|item| item.2 == replace)
                .map(|&(patent, ordinal, _)| (patent, ordinal))
                .collect();
            writer.write(&part, replace)?;
        }
        progress.advance(chunk.len() as u64);
    }
    Ok(())
}

/// Drops the writer's uncommitted changes when `result` is an error, so that no half-applied
/// batch rides along with the next commit.
fn rolled_back<T>(writer: &mut PatentWriter, result: Result<T>) -> Result<T> {
    if result.is_err() {
        writer.rollback()?;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApplicationNumber;

    fn patent(number: &str) -> Patent {
        Patent::new(ApplicationNumber::parse(number).unwrap(), "一种压力传感器")
    }

    fn holding(institution: &str, ordinal: u64) -> Holding {
        Holding {
            institution: institution.into(),
            withdrawn: false,
            ordinal,
        }
    }

    #[test]
    fn ownership_problem_refuses_others_patents_and_unknown_withdrawals() {
        let p = patent("CN202110123456.7");
        let ours = holding("北京大学", 3);
        let theirs = holding("清华大学", 4);
        assert_eq!(ownership_problem(&p, Some(&ours), "北京大学"), None);
        assert_eq!(ownership_problem(&p, None, "北京大学"), None);
        let refused = ownership_problem(&p, Some(&theirs), "北京大学").unwrap();
        assert!(refused.contains("belongs to 清华大学"), "{refused}");
        let mut withdrawal = p.clone();
        withdrawal.withdrawn = true;
        assert_eq!(
            ownership_problem(&withdrawal, Some(&ours), "北京大学"),
            None
        );
        let unknown = ownership_problem(&withdrawal, None, "北京大学").unwrap();
        assert!(unknown.contains("cannot be withdrawn"), "{unknown}");
    }

    #[test]
    fn predicted_ordinals_reuse_held_ones_and_follow_the_largest_for_new_ones() {
        let kept = [
            patent("CN202110123456.7"),
            patent("CN201710700531.5"),
            patent("CN201510702350.7"),
        ];
        let holdings = HashMap::from([("CN201710700531.5".to_string(), holding("北京大学", 2))]);
        assert_eq!(predict_ordinals(&kept, &holdings, 9), [10, 2, 11]);
        assert!(predict_ordinals(&[], &holdings, 9).is_empty());
    }

    #[test]
    fn refusal_when_no_row_is_accepted_or_any_is_rejected_under_all_or_nothing() {
        let issue = RowIssue {
            row: 2,
            field: Some("application_number".into()),
            column: None,
            reason: "bad".into(),
        };
        let mut report = BatchReport {
            rows_total: 2,
            rows_accepted: 1,
            rows_rejected: 1,
            errors: vec![issue],
            ..BatchReport::default()
        };
        assert!(refusal(&report, "a.csv", false).is_none());
        let all_or_nothing = refusal(&report, "a.csv", true).unwrap();
        assert!(all_or_nothing.error.to_string().contains("all or nothing"));
        assert_eq!(all_or_nothing.report.as_deref(), Some(&report));
        report.rows_accepted = 0;
        let none = refusal(&report, "a.csv", false).unwrap();
        assert!(none.error.to_string().contains("no row was accepted"));
        report.errors.clear();
        report.rows_accepted = 2;
        assert!(refusal(&report, "a.csv", true).is_none());
    }

    #[test]
    fn gaps_are_recounted_without_withdrawals() {
        let mut report = BatchReport::default();
        report.gaps.insert("stale".into(), 7);
        let mut withdrawn = patent("CN201710700531.5");
        withdrawn.withdrawn = true;
        recount_gaps(&mut report, &[patent("CN202110123456.7"), withdrawn]);
        assert!(!report.gaps.contains_key("stale"));
        assert!(!report.gaps.is_empty());
        assert!(report.gaps.values().all(|&n| n == 1));
    }
}
