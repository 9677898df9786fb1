//! Atomic output: a file or directory is written under a temporary hidden name in the
//! destination's folder (`.{name}.tmp-{pid}-{random}`), flushed to disk, and only then
//! renamed into place. A failed or interrupted write removes its temporary and leaves any
//! existing destination untouched; readers never see a half-written file.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};
use crate::io::listing::quote_path;

/// A name for a temporary sibling of `dest`: `.{name}.{kind}-{pid}-{random}`.
pub(crate) fn sibling(dest: &Path, kind: &str) -> Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = dest
        .file_name()
        .ok_or_else(|| Error::InvalidData(format!("{} does not name a file", quote_path(dest))))?
        .to_string_lossy()
        .into_owned();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // A cheap mix of time, a counter and the pid; uniqueness is enforced by create_new.
    let random =
        (nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 16;
    let parent = dest.parent().unwrap_or(Path::new(""));
    Ok(parent.join(format!(".{name}.{kind}-{}-{random:x}", std::process::id())))
}

/// Syncs a directory so a rename inside it is durable (best effort: not all platforms allow
/// opening directories).
pub(crate) fn sync_dir(dir: &Path) {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A file being written atomically; dropped without [`commit`](Self::commit), it is removed.
#[derive(Debug)]
pub(crate) struct AtomicFile {
    dest: PathBuf,
    tmp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Creates the temporary file next to `dest`.
    pub(crate) fn create(dest: &Path) -> Result<Self> {
        let mut last = None;
        for _ in 0..8 {
            let tmp = sibling(dest, "tmp")?;
            match File::options().write(true).create_new(true).open(&tmp) {
                Ok(file) => {
                    return Ok(Self {
                        dest: dest.to_path_buf(),
                        tmp,
                        file: Some(file),
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => {
                    return Err(Error::io(
                        format!("creating a temporary file for {}", quote_path(dest)),
                        e,
                    ))
                }
            }
        }
        Err(Error::io(
            format!("creating a temporary file for {}", quote_path(dest)),
            last.unwrap_or_else(|| std::io::Error::other("no free temporary name")),
        ))
    }

    /// The file to write into.
    pub(crate) fn file(&mut self) -> Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| crate::internal_err!("atomic file used after commit"))
    }

    /// Flushes to disk and renames into place, replacing any existing destination.
    pub(crate) fn commit(mut self) -> Result<()> {
        let file = self
            .file
            .take()
            .ok_or_else(|| crate::internal_err!("atomic file committed twice"))?;
        let dest = quote_path(&self.dest);
        file.sync_all()
            .map_err(|e| Error::io(format!("flushing {dest} to disk"), e))?;
        drop(file);
        std::fs::rename(&self.tmp, &self.dest)
            .map_err(|e| Error::io(format!("moving the new {dest} into place"), e))?;
        self.tmp = PathBuf::new();
        sync_dir(self.dest.parent().unwrap_or(Path::new("")));
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            self.file.take();
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A directory being written atomically (partitioned output); removed unless committed.
#[derive(Debug)]
pub(crate) struct AtomicDir {
    dest: PathBuf,
    tmp: PathBuf,
}

impl AtomicDir {
    /// Creates the temporary directory next to `dest`.
    pub(crate) fn create(dest: &Path) -> Result<Self> {
        let tmp = sibling(dest, "tmp")?;
        std::fs::create_dir_all(
            dest.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )
        .map_err(|e| Error::io(format!("creating the folder of {}", quote_path(dest)), e))?;
        std::fs::create_dir(&tmp).map_err(|e| {
            Error::io(
                format!("creating a temporary folder for {}", quote_path(dest)),
                e,
            )
        })?;
        Ok(Self {
            dest: dest.to_path_buf(),
            tmp,
        })
    }

    /// The temporary directory to write into.
    pub(crate) fn path(&self) -> &Path {
        &self.tmp
    }

    /// The final location of a path inside the temporary directory.
    pub(crate) fn final_path(&self, inner: &Path) -> PathBuf {
        match inner.strip_prefix(&self.tmp) {
            Ok(rel) => self.dest.join(rel),
            Err(_) => inner.to_path_buf(),
        }
    }

    /// Renames into place. An existing non-empty destination is replaced only when
    /// `overwrite` is set (it is moved aside first and removed after the swap).
    pub(crate) fn commit(mut self, overwrite: bool) -> Result<()> {
        let dest = quote_path(&self.dest);
        let mut old = None;
        match std::fs::metadata(&self.dest) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(format!("checking {dest}"), e)),
            Ok(meta) => {
                let empty_dir = meta.is_dir()
                    && std::fs::read_dir(&self.dest)
                        .map(|mut d| d.next().is_none())
                        .unwrap_or(false);
                if empty_dir {
                    std::fs::remove_dir(&self.dest)
                        .map_err(|e| Error::io(format!("replacing {dest}"), e))?;
                } else if overwrite {
                    let aside = sibling(&self.dest, "old")?;
                    std::fs::rename(&self.dest, &aside)
                        .map_err(|e| Error::io(format!("moving the old {dest} aside"), e))?;
                    old = Some(aside);
                } else {
                    return Err(Error::io(
                        format!("{dest} already exists and is not an empty directory; set `overwrite` to replace it"),
                        std::io::Error::new(std::io::ErrorKind::AlreadyExists, "destination exists"),
                    ));
                }
            }
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.dest) {
            if let Some(aside) = &old {
                let _ = std::fs::rename(aside, &self.dest);
            }
            return Err(Error::io(format!("moving the new {dest} into place"), e));
        }
        self.tmp = PathBuf::new();
        sync_dir(self.dest.parent().unwrap_or(Path::new("")));
        if let Some(aside) = old {
            let _ = std::fs::remove_dir_all(aside);
        }
        Ok(())
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commit_replaces_and_drop_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.txt");
        std::fs::write(&dest, b"old").unwrap();

        let mut f = AtomicFile::create(&dest).unwrap();
        f.file().unwrap().write_all(b"half").unwrap();
        assert_eq!(entries(dir.path()).len(), 2);
        drop(f);
        assert_eq!(std::fs::read(&dest).unwrap(), b"old");
        assert_eq!(entries(dir.path()), vec!["out.txt"]);

        let mut f = AtomicFile::create(&dest).unwrap();
        f.file().unwrap().write_all(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");
        assert_eq!(entries(dir.path()), vec!["out.txt"]);
    }

    #[test]
    fn directories_need_overwrite_to_replace() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("parts");
        let d = AtomicDir::create(&dest).unwrap();
        std::fs::write(d.path().join("a"), b"1").unwrap();
        d.commit(false).unwrap();
        assert_eq!(entries(&dest), vec!["a"]);

        let d = AtomicDir::create(&dest).unwrap();
        std::fs::write(d.path().join("b"), b"2").unwrap();
        assert!(d.commit(false).is_err());
        assert_eq!(entries(&dest), vec!["a"]);
        assert_eq!(entries(dir.path()), vec!["parts"]);

        let d = AtomicDir::create(&dest).unwrap();
        std::fs::write(d.path().join("b"), b"2").unwrap();
        d.commit(true).unwrap();
        assert_eq!(entries(&dest), vec!["b"]);
        assert_eq!(entries(dir.path()), vec!["parts"]);
    }
}
