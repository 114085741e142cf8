//! The batch archive: every accepted batch written once as a zstd Parquet file named by its
//! content hash, fsynced (file and directory) before the batch is acknowledged. It is the
//! source of truth for patent content; the index is rebuilt from it.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};
use crate::ingest::{self, Format};
use crate::model::Patent;

/// Suffix of files being written; they are deleted on open if a crash left them.
const PARTIAL: &str = ".partial";

/// The archive directory.
#[derive(Debug, Clone)]
pub struct Archive {
    dir: PathBuf,
}

impl Archive {
    /// Opens (creating) the archive directory.
    pub fn open(dir: &Path) -> Result<Archive> {
        fs::create_dir_all(dir).at(dir)?;
        Ok(Archive {
            dir: dir.to_path_buf(),
        })
    }

    /// Returns the path of an archive file.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes `patents` durably and returns the file name (`<blake3>.parquet`). Writing the
    /// same content twice yields the same name and leaves one file.
    pub fn write(&self, patents: &[Patent], metadata: &[(&str, String)]) -> Result<String> {
        let bytes = ingest::write_parquet(Vec::new(), patents, metadata)?;
        let name = format!("{}.parquet", blake3::hash(&bytes).to_hex());
        let path = self.path(&name);
        if path.exists() {
            return Ok(name);
        }
        let partial = self.path(&format!("{name}{PARTIAL}"));
        {
            let mut file = File::create(&partial).at(&partial)?;
            file.write_all(&bytes).at(&partial)?;
            file.sync_all().at(&partial)?;
        }
        fs::rename(&partial, &path).at(&path)?;
        sync_dir(&self.dir)?;
        Ok(name)
    }

    /// Reads an archive file back. Every row must validate: a row the current rules reject
    /// means the archive and the binary disagree, which is an error, never a silent drop.
    pub fn read(&self, name: &str, institution: &str) -> Result<Vec<Patent>> {
        let path = self.path(name);
        let bytes = fs::read(&path).at(&path)?;
        let today = chrono::Utc::now().date_naive();
        let batch = ingest::read_batch(name, bytes, Format::Parquet, today)
            .map_err(|e| Error::Corrupt(format!("archive file {name}: {e}")))?;
        if let Some(issue) = batch.report.errors.first() {
            return Err(Error::Corrupt(format!("archive file {name}: {issue}")));
        }
        let mut patents = batch.patents;
        for patent in &mut patents {
            patent.institution = Some(institution.to_string());
        }
        Ok(patents)
    }

    /// Deletes partial files and archive files no accepted batch refers to (left by a crash
    /// between writing the file and recording the batch). Returns the names deleted.
    pub fn remove_unreferenced(&self, referenced: &HashSet<String>) -> Result<Vec<String>> {
        let mut removed = Vec::new();
        for entry in fs::read_dir(&self.dir).at(&self.dir)? {
            let entry = entry.at(&self.dir)?;
            let name = entry.file_name().to_string_lossy().to_string();
            let orphan = name.ends_with(PARTIAL)
                || (name.ends_with(".parquet") && !referenced.contains(&name));
            if orphan {
                fs::remove_file(entry.path()).at(entry.path())?;
                removed.push(name);
            }
        }
        if !removed.is_empty() {
            sync_dir(&self.dir)?;
        }
        Ok(removed)
    }
}

/// Makes a rename or delete in `dir` durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        File::open(dir).and_then(|d| d.sync_all()).at(dir)?;
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApplicationNumber;

    #[test]
    fn write_is_content_addressed_and_orphans_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::open(dir.path()).unwrap();
        let patents = vec![Patent::new(
            ApplicationNumber::parse("CN202110123456.7").unwrap(),
            "甲",
        )];
        let name = archive.write(&patents, &[]).unwrap();
        assert_eq!(archive.write(&patents, &[]).unwrap(), name);
        let back = archive.read(&name, "清华大学").unwrap();
        assert_eq!(back[0].institution.as_deref(), Some("清华大学"));
        assert_eq!(back[0].title, "甲");
        fs::write(dir.path().join("x.parquet.partial"), b"half").unwrap();
        let other = archive
            .write(
                &[Patent::withdrawal(
                    ApplicationNumber::parse("CN201919000000.1").unwrap(),
                )],
                &[],
            )
            .unwrap();
        let referenced = HashSet::from([name.clone()]);
        let mut removed = archive.remove_unreferenced(&referenced).unwrap();
        removed.sort();
        assert_eq!(removed, [other, "x.parquet.partial".to_string()]);
        assert!(archive.path(&name).exists());
    }
}
