//! Scores in the engine: per-batch scoring features, rescoring the whole library after every
//! batch (in parallel), the score table persisted and swapped atomically, score cards.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::Library;
use super::os::{lower_thread_priority, release_free_heap};
use crate::error::{Error, Result};
use crate::index::ScoreLookup;
use crate::model::{ApplicationNumber, Patent};
use crate::progress::{Progress, Stage};
use crate::scoring::{
    PatentFeatures, ScoreCard, ScoreTable, features_from_table, features_to_table,
};
use crate::store::{BatchRecord, ColumnTable};

/// What a rescoring did.
#[derive(Debug, Clone, Serialize)]
pub struct RescoreStats {
    /// Patents scored.
    pub patents: usize,
    /// Seconds spent loading features.
    pub load_seconds: f64,
    /// Seconds spent scoring.
    pub score_seconds: f64,
    /// Seconds spent writing the table.
    pub save_seconds: f64,
    /// Patents per tier (A, B, C, D), then lapsed and unscored.
    pub tiers: [usize; 6],
    /// Patents labelled per industry.
    pub industries: Vec<(String, usize)>,
    /// Table revision.
    pub revision: u64,
}

impl Library {
    /// The current score table, if any has been computed.
    pub fn scores(&self) -> Option<Arc<ScoreTable>> {
        self.scores.read().ok().and_then(|s| s.clone())
    }

    /// The scores as the index reads them.
    pub(super) fn score_lookup(&self) -> Option<Arc<dyn ScoreLookup>> {
        self.scores().map(|s| s as Arc<dyn ScoreLookup>)
    }

    /// Writes the features of a batch's patents.
    pub(super) fn write_features(
        &self,
        batch_id: i64,
        patents: &[Patent],
        ordinals: &[u64],
    ) -> Result<Vec<PatentFeatures>> {
        let features = self.scorer.features(patents, ordinals);
        let table = features_to_table(&features, self.scorer.industries_version());
        table.write_atomic(&self.data.batch_features(batch_id))?;
        Ok(features)
    }

    /// Loads the features of every patent in the library (extracting them from the archive
    /// for batches whose features are missing or were made under other rules). The catalog
    /// is locked only to read what is current, so reads elsewhere are not held up.
    fn load_features(&self, progress: &dyn Progress) -> Result<(Vec<PatentFeatures>, i64)> {
        let (current, batches) = {
            let catalog = self.catalog()?;
            (catalog.current()?, catalog.batches()?)
        };
        let last_batch = batches.last().map_or(0, |b| b.id);
        let mut wanted: HashMap<i64, usize> = HashMap::new();
        for batch in current.iter().flatten() {
            *wanted.entry(*batch).or_default() += 1;
        }
        // Batches are read in parallel (Parquet decoding is single-threaded per file).
        let per_batch: Vec<Vec<PatentFeatures>> = batches
            .par_iter()
            .filter(|batch| wanted.contains_key(&batch.id))
            .map(|batch| -> Result<Vec<PatentFeatures>> {
                let mut features = self.batch_features(batch, progress)?;
                features.retain(|f| {
                    current.get(f.ordinal as usize).copied().flatten() == Some(batch.id)
                });
                Ok(features)
            })
            .collect::<Result<_>>()?;
        let mut all = Vec::with_capacity(current.iter().flatten().count());
        for features in per_batch {
            all.extend(features);
        }
        Ok((all, last_batch))
    }

    fn batch_features(
        &self,
        batch: &BatchRecord,
        progress: &dyn Progress,
    ) -> Result<Vec<PatentFeatures>> {
        let path = self.data.batch_features(batch.id);
        if path.exists()
            && let Some(features) =
                features_from_table(ColumnTable::read(&path)?, self.scorer.industries_version())?
        {
            return Ok(features);
        }
        progress.note(&format!(
            "extracting scoring features of batch {} from the archive",
            batch.id
        ));
        let patents = self.archive.read(&batch.archive_file, &batch.institution)?;
        let ordinals = self.catalog()?.ordinals(&patents)?;
        self.write_features(batch.id, &patents, &ordinals)
    }

    /// Rescores the whole library and swaps the new table in (on disk and in memory).
    pub fn rescore(&self, progress: &dyn Progress) -> Result<RescoreStats> {
        progress.stage(Stage::Scoring, None);
        let started = Instant::now();
        let (features, last_batch) = self.load_features(progress)?;
        let load_seconds = started.elapsed().as_secs_f64();
        let revision = self.scores().map_or(0, |s| s.meta.revision) + 1;
        let started = Instant::now();
        let table = self.scorer.score(
            &features,
            chrono::Utc::now().date_naive(),
            last_batch,
            revision,
            true,
        );
        let score_seconds = started.elapsed().as_secs_f64();
        let started = Instant::now();
        table.save(&self.data.scores())?;
        let save_seconds = started.elapsed().as_secs_f64();
        let mut tiers = [0usize; 6];
        for row in table.rows() {
            tiers[crate::scoring::Tier::STATES
                .iter()
                .position(|t| *t == row.tier)
                .unwrap_or(3)] += 1;
        }
        let threshold = self.scorer.label_threshold();
        let industries = table
            .industries
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (
                    name.clone(),
                    table
                        .rows()
                        .iter()
                        .filter(|r| f64::from(r.fits[i]) >= threshold)
                        .count(),
                )
            })
            .collect();
        let stats = RescoreStats {
            patents: table.rows().len(),
            load_seconds,
            score_seconds,
            save_seconds,
            tiers,
            industries,
            revision,
        };
        let mut slot = self
            .scores
            .write()
            .map_err(|_| Error::Corrupt("the score lock is poisoned".into()))?;
        let table = Arc::new(table);
        let old = slot.replace(table.clone());
        drop(slot);
        // The features and the old table (tens of millions of small allocations at 10^6
        // patents) are freed in the background once the new table serves, after its rankings
        // are warm, and the heap is trimmed then. Freeing them any earlier, even at the lowest
        // priority, contends for the allocator's locks with the table's writing (measured: the
        // write step 1.2 → 3.1–3.8 s), so they stay allocated until here.
        in_background(move || {
            warm(&table);
            drop(features);
            drop(old);
            release_free_heap();
        });
        Ok(stats)
    }

    /// Loads the persisted score table, rescoring when it is missing or stale (needs the
    /// write lock; without it a stale table is used as it is).
    pub(super) fn open_scores(&self, progress: &dyn Progress) -> Result<()> {
        let path = self.data.scores();
        let loaded = if path.exists() {
            ScoreTable::load(&path).ok()
        } else {
            None
        };
        let last_batch = self.catalog()?.batches()?.last().map_or(0, |b| b.id);
        let fresh = loaded.as_ref().is_some_and(|t| {
            t.meta.last_batch == last_batch
                && t.meta.model_version == self.scorer.model().version
                && t.meta.industries_version == self.scorer.industries_version()
        });
        if let Some(table) = loaded {
            let mut slot = self
                .scores
                .write()
                .map_err(|_| Error::Corrupt("the score lock is poisoned".into()))?;
            *slot = Some(Arc::new(table));
            drop(slot);
            release_free_heap();
        }
        if !fresh && last_batch > 0 && self.lock_slot()?.is_some() {
            self.rescore(progress)?;
        }
        Ok(())
    }

    /// Readies a library for serving: reads the index segments' in-memory attributes now and
    /// puts the loaded score table's industry rankings in order on a background thread, so
    /// that neither the first search nor the first shortlist of an industry pays for them (the
    /// server calls this before it listens; a rescoring warms its new table itself).
    pub fn warm(&self) -> Result<()> {
        self.index_read()?.warm()?;
        if let Some(table) = self.scores() {
            in_background(move || warm(&table));
        }
        Ok(())
    }

    /// The score card of a patent.
    pub fn card(&self, number: &ApplicationNumber) -> Result<ScoreCard> {
        let patent = self.patent(number)?;
        let scores = self
            .scores()
            .ok_or_else(|| Error::invalid("scores", "not computed yet: run `patscreen score`"))?;
        let ordinal = self
            .index_read()?
            .ordinal(number)?
            .ok_or_else(|| Error::NotFound {
                what: "patent",
                key: number.to_string(),
            })?;
        let row = scores.get(ordinal).ok_or_else(|| Error::NotFound {
            what: "score",
            key: number.to_string(),
        })?;
        Ok(self.scorer.card(&patent, row, &scores.meta))
    }
}

/// Runs `work` (warming caches of a new table, dropping large values) on a thread of its own
/// at the lowest priority. When no thread can be started, what `work` held is dropped here.
fn in_background(work: impl FnOnce() + Send + 'static) {
    let started = std::thread::Builder::new()
        .name("patscreen-background".into())
        .spawn(move || {
            lower_thread_priority(19);
            work();
        });
    if let Err(e) = started {
        tracing::warn!(error = %e, "no background thread: large values are freed in place");
    }
}

/// Puts every industry's ranking in order ahead of the first shortlist, and counts the
/// table for the industries page and institution reports.
fn warm(table: &ScoreTable) {
    for industry in 0..table.industries.len() {
        table.ranked(industry);
    }
    table.summary();
}
