//! The façade that composes store and index: open a library (with crash recovery), submit
//! batches, search, look patents up, rebuild the index. Synchronous; used by the CLI, the
//! tests, the benches and (later) the HTTP API.

mod access;
mod key_terms;
mod match_cache;
mod matching;
mod os;
mod recommend;
mod reindex;
mod reports;
mod scores;
mod screening;
mod search_params;
mod shortlist;
mod submit;
mod thesaurus;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, RwLock};

pub use access::{BatchStatus, Caller, Role, Upload, check_source_name};
pub use matching::{MatchReasons, PatentMatch};
pub use os::lower_thread_priority;
pub use recommend::{DemandMatch, SimilarPatent};
pub use reindex::ReindexStats;
pub use reports::{
    BatchDiff, BatchScreening, DemandHit, Expiring, IndustrySummary, InstitutionReport, TierCounts,
};
pub use scores::RescoreStats;
pub use screening::{SCREENING_HEADERS, ScreeningRow, screening_csv, screening_xlsx};
pub use search_params::{DEFAULT_LIMIT, SearchParams, check_limit, parse_all, parse_one};
pub use shortlist::{
    MAX_SHORTLIST_ROWS, SHORTLIST_HEADERS, Shortlist, ShortlistRequest, ShortlistRow,
};
pub use submit::{Submission, SubmitOutcome};

use crate::error::{Error, Result};
use crate::index::{CommitState, PatentIndex, PatentWriter, SearchRequest, SearchResults};
use crate::model::{ApplicationNumber, Patent};
use crate::progress::{Progress, Stage};
use crate::schema;
use crate::scoring::{ScoreTable, Scorer};
use crate::store::{Archive, BatchRecord, Catalog, CatalogStats, DataDir, WriteLock};

/// Whether a library is opened for writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Search only; pending recovery runs if no other process is writing.
    ReadOnly,
    /// Search and write; fails when another process holds the write lock.
    ReadWrite,
}

/// Tuning of the index writer.
#[derive(Debug, Clone, Copy)]
pub struct LibraryOptions {
    /// Indexing threads.
    pub index_threads: usize,
    /// Memory budget shared by the indexing threads, in bytes.
    pub index_memory_bytes: usize,
}

impl Default for LibraryOptions {
    fn default() -> LibraryOptions {
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(8);
        LibraryOptions {
            index_threads: threads,
            index_memory_bytes: threads * 192 * 1024 * 1024,
        }
    }
}

/// An open library.
pub struct Library {
    data: DataDir,
    options: LibraryOptions,
    catalog: Mutex<Catalog>,
    archive: Archive,
    index: RwLock<PatentIndex>,
    writer: Mutex<Option<PatentWriter>>,
    lock: Mutex<Option<WriteLock>>,
    scorer: Scorer,
    scores: RwLock<Option<std::sync::Arc<ScoreTable>>>,
    /// A submission's ending the catalog could not record yet (see `process_next`).
    pending_finish: Mutex<Option<access::PendingFinish>>,
    /// Top matches of stored demands (see `match_cache`).
    match_cache: match_cache::MatchCache,
}

impl Library {
    /// Opens (creating) the library in `root`. With the write lock held, unfinished work
    /// from a crash is completed first: archive files no batch refers to are deleted and
    /// accepted batches the index lacks are replayed from the archive, in order.
    pub fn open(
        root: &Path,
        access: Access,
        options: LibraryOptions,
        progress: &dyn Progress,
    ) -> Result<Library> {
        let data = DataDir::new(root)?;
        let lock = match access {
            Access::ReadWrite => Some(data.lock()?),
            Access::ReadOnly => data.lock().ok(),
        };
        let catalog = Catalog::open(&data.catalog())?;
        let archive = Archive::open(&data.archive())?;
        if lock.is_some() {
            reindex::remove_leftovers(&data)?;
        }
        let index = PatentIndex::open_or_create(&data.index())?;
        let locked = lock.is_some();
        let library = Library {
            data,
            options,
            catalog: Mutex::new(catalog),
            archive,
            index: RwLock::new(index),
            writer: Mutex::new(None),
            lock: Mutex::new(lock),
            scorer: Scorer::embedded()?,
            scores: RwLock::new(None),
            pending_finish: Mutex::new(None),
            match_cache: match_cache::MatchCache::default(),
        };
        if locked {
            library.recover(progress)?;
            library.requeue_interrupted()?;
        }
        library.load_thesaurus()?;
        library.open_scores(progress)?;
        if locked && access == Access::ReadOnly {
            // A reader must not keep other processes from writing.
            library.close()?;
            library.lock_slot()?.take();
        }
        Ok(library)
    }

    /// Completes work a crash interrupted (see [`Library::open`]).
    fn recover(&self, progress: &dyn Progress) -> Result<()> {
        let catalog = self.catalog()?;
        let removed = self
            .archive
            .remove_unreferenced(&catalog.archive_files()?)?;
        for name in removed {
            progress.note(&format!(
                "removed archive file {name} left by an interrupted batch"
            ));
        }
        let last = self
            .index_read()?
            .commit_state()?
            .map_or(0, |s| s.last_batch);
        let pending: Vec<BatchRecord> = catalog
            .batches()?
            .into_iter()
            .filter(|b| b.id > last)
            .collect();
        for done in catalog.unindexed()?.iter().filter(|b| b.id <= last) {
            catalog.mark_indexed(done.id)?;
        }
        if pending.is_empty() {
            return Ok(());
        }
        let mut slot = self.writer_slot()?;
        let writer = self.writer_in(&mut slot)?;
        for batch in &pending {
            progress.note(&format!(
                "replaying batch {} ({}) from the archive",
                batch.id, batch.source_name
            ));
            let patents = self.archive.read(&batch.archive_file, &batch.institution)?;
            let ordinals = catalog.ordinals(&patents)?;
            progress.stage(Stage::Indexing, Some(patents.len() as u64));
            writer.apply(&patents, &ordinals)?;
            progress.advance(patents.len() as u64);
        }
        let last_batch = pending.last().map_or(last, |b| b.id);
        progress.stage(Stage::Committing, None);
        writer.commit(&CommitState {
            fingerprint: schema::fingerprint(),
            last_batch,
        })?;
        self.index_read()?.reload()?;
        for batch in &pending {
            catalog.mark_indexed(batch.id)?;
        }
        Ok(())
    }

    /// Waits for background index merges and releases the writer. Call before exiting.
    pub fn close(&self) -> Result<()> {
        if let Some(writer) = self.writer_slot()?.take() {
            writer.finish()?;
        }
        Ok(())
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.index_read()?
            .search(request, self.score_lookup().as_ref())
    }

    /// Returns a patent as indexed (its description lives in the archive only).
    pub fn patent(&self, number: &ApplicationNumber) -> Result<Patent> {
        self.index_read()?
            .get(number)?
            .ok_or_else(|| Error::NotFound {
                what: "patent",
                key: number.to_string(),
            })
    }

    /// The application number of the patent a user names by any of its numbers: the
    /// application number (with or without its check digit, `CN`, `ZL` or bare) or the number
    /// of its A or B publication (`CN110165321B`). Not in the library: `NotFound`; neither
    /// kind of number: `InvalidInput` naming `parameter`.
    pub fn resolve(&self, parameter: &str, raw: &str) -> Result<ApplicationNumber> {
        let parsed = ApplicationNumber::parse(raw);
        let index = self.index_read()?;
        if let Ok(number) = &parsed
            && index.ordinal(number)?.is_some()
        {
            return Ok(number.clone());
        }
        let stem = crate::model::publication_stem(raw);
        if let Some(stem) = &stem
            && let Some(number) = index.find_publication(stem)?
        {
            return Ok(number);
        }
        match (parsed, stem) {
            (Ok(number), _) => Err(Error::NotFound {
                what: "patent",
                key: number.to_string(),
            }),
            (Err(_), Some(stem)) => Err(Error::NotFound {
                what: "patent with publication",
                key: stem,
            }),
            (Err(e), None) => Err(Error::invalid(
                parameter,
                format!("{e}, nor a publication number such as CN110165321B"),
            )),
        }
    }

    /// Returns every batch in acceptance order.
    pub fn batches(&self) -> Result<Vec<BatchRecord>> {
        self.catalog()?.batches()
    }

    /// Returns library-wide counts from the catalog.
    pub fn stats(&self) -> Result<CatalogStats> {
        self.catalog()?.stats()
    }

    /// Returns the number of patents in the index.
    pub fn indexed_patents(&self) -> Result<u64> {
        Ok(self.index_read()?.num_docs())
    }

    /// Returns the data directory.
    pub fn root(&self) -> &Path {
        self.data.root()
    }

    /// Frees the locks a panic poisoned and drops the index writer's uncommitted changes, so
    /// that the next batch starts from the last commit.
    fn recover_from_panic(&self) {
        self.catalog.clear_poison();
        self.index.clear_poison();
        self.lock.clear_poison();
        self.scores.clear_poison();
        self.writer.clear_poison();
        if let Ok(mut slot) = self.writer.lock()
            && let Some(writer) = slot.as_mut()
            && writer.rollback().is_err()
        {
            // A writer that cannot roll back is dropped (with what it held); the next batch
            // opens a new one.
            *slot = None;
        }
    }

    fn catalog(&self) -> Result<MutexGuard<'_, Catalog>> {
        self.catalog
            .lock()
            .map_err(|_| Error::Corrupt("the catalog lock is poisoned".into()))
    }

    fn index_read(&self) -> Result<std::sync::RwLockReadGuard<'_, PatentIndex>> {
        self.index
            .read()
            .map_err(|_| Error::Corrupt("the index lock is poisoned".into()))
    }

    fn lock_slot(&self) -> Result<MutexGuard<'_, Option<WriteLock>>> {
        self.lock
            .lock()
            .map_err(|_| Error::Corrupt("the write-lock slot is poisoned".into()))
    }

    fn writer_slot(&self) -> Result<MutexGuard<'_, Option<PatentWriter>>> {
        self.writer
            .lock()
            .map_err(|_| Error::Corrupt("the writer lock is poisoned".into()))
    }

    fn writer_in<'a>(
        &self,
        slot: &'a mut MutexGuard<'_, Option<PatentWriter>>,
    ) -> Result<&'a mut PatentWriter> {
        if self.lock_slot()?.is_none() {
            return Err(Error::Busy(self.data.root().to_path_buf()));
        }
        if slot.is_none() {
            let writer = self
                .index_read()?
                .writer(self.options.index_threads, self.options.index_memory_bytes)?;
            **slot = Some(writer);
        }
        slot.as_mut()
            .ok_or_else(|| Error::Corrupt("index writer missing".into()))
    }
}

impl Drop for Library {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.writer.lock()
            && let Some(writer) = slot.take()
            && let Err(e) = writer.finish()
        {
            tracing::warn!(error = %e, "index merges did not finish cleanly");
        }
    }
}
