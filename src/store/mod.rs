//! Durable state under one data directory: the Parquet batch archive (the source of truth for
//! patent content), the SQLite catalog and the write lock that keeps one writer at a time.

mod archive;
mod catalog;
mod columns;

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

pub use archive::{Archive, sync_dir};
pub use catalog::{
    BatchRecord, BatchStatus, Catalog, CatalogStats, Finish, Holding, KeyRecord, MAX_ATTEMPTS,
    MinedAliasRecord, NewBatch, SubmissionRecord,
};
pub use columns::{ColumnData, ColumnSource, ColumnTable, write_columns_atomic};

use crate::error::{Error, IoContext, Result};

/// The layout of a data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// Uses `root` as the data directory, creating it if needed.
    pub fn new(root: &Path) -> Result<DataDir> {
        std::fs::create_dir_all(root).at(root)?;
        Ok(DataDir {
            root: root.to_path_buf(),
        })
    }

    /// The data directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The catalog file.
    pub fn catalog(&self) -> PathBuf {
        self.root.join("catalog.sqlite")
    }

    /// The archive directory.
    pub fn archive(&self) -> PathBuf {
        self.root.join("archive")
    }

    /// The live index directory.
    pub fn index(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The per-batch scoring features.
    pub fn features(&self) -> PathBuf {
        self.root.join("features")
    }

    /// The features file of a batch.
    pub fn batch_features(&self, batch_id: i64) -> PathBuf {
        self.features().join(format!("batch-{batch_id:08}.parquet"))
    }

    /// Uploads waiting in the queue.
    pub fn incoming(&self) -> PathBuf {
        self.root.join("incoming")
    }

    /// The current score table.
    pub fn scores(&self) -> PathBuf {
        self.root.join("scores.parquet")
    }

    /// Where `reindex` builds the replacement index.
    pub fn index_rebuild(&self) -> PathBuf {
        self.root.join("index.rebuild")
    }

    /// Where the previous index is parked during the swap.
    pub fn index_previous(&self) -> PathBuf {
        self.root.join("index.previous")
    }

    /// Takes the library's write lock, or fails with [`Error::Busy`] when another process
    /// holds it. The lock is released when the returned value is dropped (or the process dies).
    pub fn lock(&self) -> Result<WriteLock> {
        let path = self.root.join("write.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .at(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(WriteLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::Busy(self.root.clone())),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::io(path, e)),
        }
    }
}

/// Holds the library's write lock while alive.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_writer_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path()).unwrap();
        let lock = data.lock().unwrap();
        assert!(matches!(data.lock(), Err(Error::Busy(_))));
        drop(lock);
        assert!(data.lock().is_ok());
    }
}
