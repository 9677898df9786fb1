//! Staged outputs, for work that writes several outputs and wants all of them or none: each
//! output is first written (with the atomic writers) under a hidden name beside its
//! destination (`.{name}.stage-{pid}-{random}`, so the final rename stays inside one
//! folder and one file system), and moved into place by [`StagedOutput::commit`] only once
//! everything was written. A staged output dropped without commit is removed, so a failed
//! or cancelled job leaves the previous outputs as they were.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::io::atomic::{sibling, sync_dir};
use crate::io::listing::quote_path;

/// An output written beside its destination, waiting to be moved into place.
#[derive(Debug)]
pub struct StagedOutput {
    dest: PathBuf,
    staged: PathBuf,
}

impl StagedOutput {
    /// Picks a hidden staging path beside `dest` (creating `dest`'s folder if needed);
    /// nothing is written yet.
    pub fn new(dest: impl AsRef<Path>) -> Result<Self> {
        let dest = dest.as_ref().to_path_buf();
        if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                Error::io(format!("creating the folder of {}", quote_path(&dest)), e)
            })?;
        }
        let staged = sibling(&dest, "stage")?;
        Ok(Self { dest, staged })
    }

    /// Where to write the output (a file, or a folder of partitions).
    pub fn path(&self) -> &Path {
        &self.staged
    }

    /// Where the output goes on commit.
    pub fn destination(&self) -> &Path {
        &self.dest
    }

    /// The bytes written so far (all files, for a folder).
    pub fn size(&self) -> u64 {
        tree_size(&self.staged)
    }

    /// Moves the staged output into place, replacing whatever is at the destination (a file
    /// is replaced by one rename; a folder, or a file replaced by a folder, is moved aside
    /// first and removed after the swap, and put back if the swap fails).
    pub fn commit(mut self) -> Result<()> {
        let dest = quote_path(&self.dest);
        if std::fs::symlink_metadata(&self.staged).is_err() {
            return Err(Error::Internal(format!(
                "nothing was written for {dest} before its commit"
            )));
        }
        let staged_is_dir = self.staged.is_dir();
        let mut aside = None;
        match std::fs::symlink_metadata(&self.dest) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(format!("checking {dest}"), e)),
            Ok(meta) if meta.is_dir() || staged_is_dir => {
                let old = sibling(&self.dest, "old")?;
                std::fs::rename(&self.dest, &old)
                    .map_err(|e| Error::io(format!("moving the old {dest} aside"), e))?;
                aside = Some(old);
            }
            Ok(_) => {}
        }
        if let Err(e) = std::fs::rename(&self.staged, &self.dest) {
            if let Some(old) = &aside {
                let _ = std::fs::rename(old, &self.dest);
            }
            return Err(Error::io(format!("moving the new {dest} into place"), e));
        }
        self.staged = PathBuf::new();
        sync_dir(self.dest.parent().unwrap_or(Path::new("")));
        if let Some(old) = aside {
            remove_tree(&old);
        }
        Ok(())
    }
}

impl Drop for StagedOutput {
    fn drop(&mut self) {
        if !self.staged.as_os_str().is_empty() {
            remove_tree(&self.staged);
        }
    }
}

fn remove_tree(path: &Path) {
    if path.is_dir() {
        let _ = std::fs::remove_dir_all(path);
    } else {
        let _ = std::fs::remove_file(path);
    }
}

/// The size of a file, or of every file under a folder.
fn tree_size(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| tree_size(&e.path()))
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn files_commit_or_vanish() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("sub/out.csv");
        let staged = StagedOutput::new(&dest).unwrap();
        std::fs::write(staged.path(), "a\n1\n").unwrap();
        assert_eq!(staged.size(), 4);
        assert!(!dest.exists());
        staged.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "a\n1\n");

        let staged = StagedOutput::new(&dest).unwrap();
        std::fs::write(staged.path(), "a\n2\n").unwrap();
        drop(staged);
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "a\n1\n");
        assert_eq!(names(&dir.path().join("sub")), vec!["out.csv"]);
    }

    #[test]
    fn folders_replace_folders_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("parts");
        std::fs::write(&dest, "a file in the way").unwrap();
        let staged = StagedOutput::new(&dest).unwrap();
        std::fs::create_dir_all(staged.path().join("k=1")).unwrap();
        std::fs::write(staged.path().join("k=1/data_0.csv"), "v\n1\n").unwrap();
        staged.commit().unwrap();
        assert_eq!(names(&dest), vec!["k=1"]);

        let staged = StagedOutput::new(&dest).unwrap();
        std::fs::create_dir_all(staged.path().join("k=2")).unwrap();
        staged.commit().unwrap();
        assert_eq!(names(&dest), vec!["k=2"]);
        assert_eq!(names(dir.path()), vec!["parts"]);

        let staged = StagedOutput::new(&dest).unwrap();
        assert!(staged.commit().is_err());
        assert_eq!(names(&dest), vec!["k=2"]);
    }
}
