//! Progress reporting for long work (ingestion, reindexing), as a trait so that the library
//! stays free of terminal code: the CLI draws bars, tests and the server record or ignore.

/// The stages a batch goes through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Reading and validating the file.
    Reading,
    /// Writing the archive file (fsynced).
    Archiving,
    /// Recording the batch in the catalog: the acknowledgement.
    Recording,
    /// Adding documents to the index.
    Indexing,
    /// Committing the index.
    Committing,
    /// Merging a rebuilt index into one segment.
    Merging,
    /// Extracting the batch's scoring features (claims, industries) and saving them.
    Features,
    /// Rescoring the library.
    Scoring,
    /// Marking the batch done.
    Done,
}

impl Stage {
    /// Returns the stage's name as the CLI prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Archiving => "archiving",
            Stage::Recording => "recording",
            Stage::Indexing => "indexing",
            Stage::Committing => "committing",
            Stage::Merging => "merging",
            Stage::Features => "features",
            Stage::Scoring => "scoring",
            Stage::Done => "done",
        }
    }
}

/// Receives progress of long operations. All methods have empty defaults.
pub trait Progress: Sync {
    /// A new stage begins; `total` is the amount of work in it, if known.
    fn stage(&self, _stage: Stage, _total: Option<u64>) {}
    /// `done` more units of the current stage are finished.
    fn advance(&self, _done: u64) {}
    /// A one-line note for the operator.
    fn note(&self, _message: &str) {}
}

/// Ignores all progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
