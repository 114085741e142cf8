//! Rebuilding the index from the archive alone: a fresh index is built beside the live one
//! from every batch in acceptance order, then swapped in. A crash during the rebuild leaves
//! the live index untouched; leftovers are removed on the next open.

use std::fs;
use std::time::Instant;

use serde::Serialize;

use super::Library;
use crate::error::{IoContext, Result};
use crate::index::{CommitState, PatentIndex};
use crate::progress::{Progress, Stage};
use crate::schema;
use crate::store::{DataDir, sync_dir};

/// What a rebuild did.
#[derive(Debug, Clone, Serialize)]
pub struct ReindexStats {
    /// Batches replayed.
    pub batches: usize,
    /// Archive rows applied (patents and withdrawals).
    pub rows: usize,
    /// Patents in the new index.
    pub patents: u64,
    /// Seconds taken.
    pub seconds: f64,
}

/// Removes a half-built or parked index left by an interrupted rebuild.
pub(super) fn remove_leftovers(data: &DataDir) -> Result<()> {
    let live = data.index();
    let previous = data.index_previous();
    if !live.exists() && previous.exists() {
        // Crashed between parking the old index and moving the new one in: the rebuilt one
        // is complete (it was committed before the swap began).
        let rebuilt = data.index_rebuild();
        if rebuilt.exists() {
            fs::rename(&rebuilt, &live).at(&live)?;
        } else {
            fs::rename(&previous, &live).at(&live)?;
        }
    }
    for leftover in [data.index_rebuild(), data.index_previous()] {
        if leftover.exists() {
            fs::remove_dir_all(&leftover).at(&leftover)?;
        }
    }
    sync_dir(data.root())
}

impl Library {
    /// Rebuilds the index from the archive and swaps it in. Needs the write lock.
    pub fn reindex(&self, progress: &dyn Progress) -> Result<ReindexStats> {
        let started = Instant::now();
        // The live writer must go before its directory is replaced.
        self.close()?;
        let mut slot = self.writer_slot()?;
        if self.lock_slot()?.is_none() {
            return Err(crate::Error::Busy(self.data.root().to_path_buf()));
        }
        let mut catalog = self.catalog()?;
        let rebuild_dir = self.data.index_rebuild();
        if rebuild_dir.exists() {
            fs::remove_dir_all(&rebuild_dir).at(&rebuild_dir)?;
        }
        let rebuilt = PatentIndex::open_or_create(&rebuild_dir)?;
        let mut writer = rebuilt
            .writer_without_merges(self.options.index_threads, self.options.index_memory_bytes)?;
        let batches = catalog.batches()?;
        let mut rows = 0;
        let mut mined = Vec::with_capacity(batches.len());
        for batch in &batches {
            progress.note(&format!(
                "batch {} ({}, {})",
                batch.id, batch.institution, batch.source_name
            ));
            let patents = self.archive.read(&batch.archive_file, &batch.institution)?;
            let ordinals = catalog.ordinals(&patents)?;
            progress.stage(Stage::Indexing, Some(patents.len() as u64));
            writer.apply(&patents, &ordinals)?;
            progress.advance(patents.len() as u64);
            rows += patents.len();
            // Mined aliases are derived from the archive too.
            mined.push((batch.id, super::thesaurus::mine(&patents)));
        }
        progress.stage(Stage::Committing, None);
        writer.commit(&CommitState {
            fingerprint: schema::fingerprint(),
            last_batch: batches.last().map_or(0, |b| b.id),
        })?;
        // The rebuilt index is not live yet: merge it into one segment, the layout queries
        // are fastest on (10^6 patents: 24 s).
        progress.stage(Stage::Merging, None);
        writer.merge_all()?;
        writer.finish()?;
        drop(rebuilt);

        // Swap: park the live index, move the rebuilt one in, drop the parked one.
        let live = self.data.index();
        let previous = self.data.index_previous();
        let mut index = self
            .index
            .write()
            .map_err(|_| crate::Error::Corrupt("the index lock is poisoned".into()))?;
        if live.exists() {
            fs::rename(&live, &previous).at(&previous)?;
        }
        fs::rename(&rebuild_dir, &live).at(&live)?;
        sync_dir(self.data.root())?;
        *index = PatentIndex::open_or_create(&live)?;
        catalog.clear_mined_aliases()?;
        for (batch_id, aliases) in &mined {
            catalog.put_mined_aliases(*batch_id, aliases)?;
        }
        index.set_thesaurus(std::sync::Arc::new(super::thesaurus::thesaurus(&catalog)?));
        if previous.exists() {
            fs::remove_dir_all(&previous).at(&previous)?;
        }
        for batch in catalog.unindexed()? {
            catalog.mark_indexed(batch.id)?;
        }
        *slot = None;
        Ok(ReindexStats {
            batches: batches.len(),
            rows,
            patents: index.num_docs(),
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Opens the library for a rebuild even when its index was built under other analysis
    /// rules (which [`Library::open`] refuses), rebuilds the index and returns the library.
    pub fn open_and_reindex(
        root: &std::path::Path,
        options: super::LibraryOptions,
        progress: &dyn Progress,
    ) -> Result<(Library, ReindexStats)> {
        let started = Instant::now();
        let data = DataDir::new(root)?;
        let stale = {
            let _lock = data.lock()?;
            remove_leftovers(&data)?;
            let live = data.index();
            match PatentIndex::open_or_create(&live) {
                Err(crate::Error::Config(message)) => {
                    // A stale index cannot be opened at all: drop it; opening the library then
                    // replays every batch from the archive into a fresh one.
                    progress.note(&message);
                    fs::remove_dir_all(&live).at(&live)?;
                    true
                }
                other => {
                    other?;
                    false
                }
            }
        };
        let library = Library::open(root, super::Access::ReadWrite, options, progress)?;
        if !stale {
            let stats = library.reindex(progress)?;
            return Ok((library, stats));
        }
        let batches = library.batches()?;
        let stats = ReindexStats {
            batches: batches.len(),
            rows: batches.iter().map(|b| b.report.rows_accepted).sum(),
            patents: library.indexed_patents()?,
            seconds: started.elapsed().as_secs_f64(),
        };
        Ok((library, stats))
    }
}
