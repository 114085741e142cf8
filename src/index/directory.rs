//! The index directory: tantivy's memory-mapped directory, except that document stores are
//! read with positioned reads (what Elasticsearch's default `hybridfs` store does for Lucene's
//! stored fields).
//!
//! Term dictionaries, postings, positions, field norms and fast fields are read over and over
//! and stay mapped. The document store is most of the index (the claims), and it is only read a
//! block at a time for the hits shown; mapped, every block read leaves the pages around it
//! resident in the server, so a day of random fetches at 10^6 patents maps most of the store.
//! Read with `pread`, the same pages live in the kernel's page cache, shared and reclaimable,
//! and only the blocks tantivy caches count against the server. Large reads (a merge copies a
//! segment's whole store) still go through the memory map rather than into the heap.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// The extension of tantivy's document store files.
const STORE_EXTENSION: &str = "store";

/// Reads longer than this are served from the memory map (a document block is ~16 KiB).
const LARGEST_POSITIONED_READ: usize = 8 << 20;

/// A memory-mapped directory whose document stores are read with positioned reads.
#[derive(Debug, Clone)]
pub(super) struct HybridDirectory {
    mmap: MmapDirectory,
    root: PathBuf,
}

impl HybridDirectory {
    /// Opens the directory at `root` (which must exist).
    pub(super) fn open(root: &Path) -> tantivy::Result<HybridDirectory> {
        let mmap = MmapDirectory::open(root)?;
        // Like the memory-mapped directory, so a later change of directory does not matter.
        let root = root.canonicalize().map_err(|e| {
            tantivy::TantivyError::from(OpenReadError::wrap_io_error(e, root.into()))
        })?;
        Ok(HybridDirectory { mmap, root })
    }

    fn read_positioned(path: &Path) -> bool {
        cfg!(unix) && path.extension().is_some_and(|e| e == STORE_EXTENSION)
    }
}

impl Directory for HybridDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if !Self::read_positioned(path) {
            return self.mmap.get_file_handle(path);
        }
        let file = File::open(self.root.join(path)).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, path.to_path_buf()),
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?
            .len();
        let len = usize::try_from(len).map_err(|_| {
            OpenReadError::wrap_io_error(
                io::Error::new(io::ErrorKind::InvalidData, "file too large"),
                path.to_path_buf(),
            )
        })?;
        Ok(Arc::new(PositionedFile {
            file,
            len,
            path: path.to_path_buf(),
            mmap: self.mmap.clone(),
        }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mmap.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mmap.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mmap.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mmap.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mmap.acquire_lock(lock)
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(callback)
    }
}

/// An open file read with `pread`; every read returns its own bytes. Reads longer than
/// [`LARGEST_POSITIONED_READ`] are served from the memory map of the same file.
#[derive(Debug)]
struct PositionedFile {
    file: File,
    len: usize,
    path: PathBuf,
    mmap: MmapDirectory,
}

impl HasLen for PositionedFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for PositionedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.is_empty() {
            return Ok(OwnedBytes::empty());
        }
        if range.end > self.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("read of {range:?} past the end of a {}-byte file", self.len),
            ));
        }
        if range.len() > LARGEST_POSITIONED_READ {
            let mapped = self
                .mmap
                .get_file_handle(&self.path)
                .map_err(|e| io::Error::other(e.to_string()))?;
            return mapped.read_bytes(range);
        }
        let mut buffer = vec![0; range.len()];
        read_exact_at(&self.file, &mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(not(unix))]
fn read_exact_at(_file: &File, _buffer: &mut [u8], _offset: u64) -> io::Result<()> {
    // `read_positioned` sends every file to the memory map off unix.
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "positioned reads need unix",
    ))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use tantivy::directory::TerminatingWrite;

    use super::*;

    #[test]
    fn stores_are_read_positioned_and_other_files_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let directory = HybridDirectory::open(dir.path()).unwrap();
        for name in ["a.store", "a.idx"] {
            let mut w = directory.open_write(Path::new(name)).unwrap();
            w.write_all(b"0123456789").unwrap();
            w.terminate().unwrap();
        }
        let store = directory.get_file_handle(Path::new("a.store")).unwrap();
        assert!(format!("{store:?}").contains("PositionedFile"));
        assert_eq!(store.read_bytes(2..5).unwrap().as_slice(), b"234");
        assert!(store.read_bytes(3..3).unwrap().as_slice().is_empty());
        let past = store.read_bytes(8..12).unwrap_err();
        assert!(past.to_string().contains("past the end"), "{past}");
        let idx = directory.get_file_handle(Path::new("a.idx")).unwrap();
        assert!(!format!("{idx:?}").contains("PositionedFile"));
        assert_eq!(idx.read_bytes(0..3).unwrap().as_slice(), b"012");
        // A read past the positioned-read limit comes from the map, with the same bytes.
        let large: Vec<u8> = (0..LARGEST_POSITIONED_READ + 10)
            .map(|i| (i % 251) as u8)
            .collect();
        let mut w = directory.open_write(Path::new("big.store")).unwrap();
        w.write_all(&large).unwrap();
        w.terminate().unwrap();
        let big = directory.get_file_handle(Path::new("big.store")).unwrap();
        assert_eq!(
            big.read_bytes(0..large.len()).unwrap().as_slice(),
            &large[..]
        );
        assert_eq!(big.read_bytes(5..9).unwrap().as_slice(), &large[5..9]);
        let missing = directory.get_file_handle(Path::new("b.store"));
        assert!(matches!(
            missing,
            Err(OpenReadError::FileDoesNotExist(p)) if p == Path::new("b.store")
        ));
    }
}
