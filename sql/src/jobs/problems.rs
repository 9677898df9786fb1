//! What is wrong with a job file, all at once: every check adds a [`Problem`] (a message
//! and the line it concerns) instead of stopping, and the job is refused with one
//! [`JobError`] that lists them in file order, compiler style (`job.toml:12: ...`).

use std::fmt;
use std::path::{Path, PathBuf};

/// One thing wrong with a job file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The 1-based line it concerns, when known.
    pub line: Option<usize>,
    /// What is wrong, and what would fix it.
    pub message: String,
}

/// Problems found so far, with the text they point into (for byte offset -> line).
#[derive(Debug, Default)]
pub struct Problems {
    line_starts: Vec<usize>,
    items: Vec<Problem>,
}

impl Problems {
    /// Problems for a job file's `text`.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            line_starts,
            items: vec![],
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// Adds a problem at a byte offset of the text.
    pub fn at(&mut self, offset: usize, message: impl Into<String>) {
        let line = self.line_of(offset);
        self.items.push(Problem {
            line: Some(line),
            message: message.into(),
        });
    }

    /// Adds a problem at a line (or none).
    pub fn at_line(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.items.push(Problem {
            line,
            message: message.into(),
        });
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems so far.
    pub fn items(&self) -> &[Problem] {
        &self.items
    }

    /// `Ok(())` when nothing is wrong, else the error listing every problem.
    pub fn into_result(self, file: &Path) -> Result<(), JobError> {
        if self.items.is_empty() {
            Ok(())
        } else {
            Err(JobError::new(file, self.items))
        }
    }
}

/// A job that cannot run as written: every problem found, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    /// The job file.
    pub file: PathBuf,
    /// The problems, sorted by line (problems without a line first).
    pub problems: Vec<Problem>,
}

impl JobError {
    /// An error for `problems` in `file`.
    pub fn new(file: &Path, mut problems: Vec<Problem>) -> Self {
        problems.sort_by_key(|p| p.line.unwrap_or(0));
        problems.dedup();
        Self {
            file: file.to_path_buf(),
            problems,
        }
    }

    /// A single problem without a line (an unreadable file, a bad `--param`).
    pub fn single(file: &Path, message: impl Into<String>) -> Self {
        Self::new(
            file,
            vec![Problem {
                line: None,
                message: message.into(),
            }],
        )
    }

    /// The one-line summary: `job.toml has 3 problems` or the single problem itself.
    pub fn summary(&self) -> String {
        match self.problems.as_slice() {
            [one] => self.located(one),
            many => format!("{} has {} problems", self.file.display(), many.len()),
        }
    }

    fn located(&self, p: &Problem) -> String {
        match p.line {
            Some(line) => format!("{}:{line}: {}", self.file.display(), p.message),
            None => format!("{}: {}", self.file.display(), p.message),
        }
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [one] = self.problems.as_slice() {
            return write!(f, "{}", self.located(one));
        }
        write!(f, "{}:", self.summary())?;
        for p in &self.problems {
            write!(f, "\n  {}", self.located(p))?;
        }
        Ok(())
    }
}

impl std::error::Error for JobError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_listing() {
        let text = "[job]\nname = 1\n\n[[steps]]\n";
        let mut p = Problems::new(text);
        assert_eq!(p.line_of(0), 1);
        assert_eq!(p.line_of(6), 2);
        assert_eq!(p.line_of(text.len() - 1), 4);
        p.at(text.find("[[steps]]").unwrap(), "step without a name");
        p.at(7, "`name` must be a string");
        let e = p.into_result(Path::new("j.toml")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "j.toml has 2 problems:\n  j.toml:2: `name` must be a string\n  j.toml:4: step without a name"
        );
        let one = JobError::single(Path::new("j.toml"), "cannot read it");
        assert_eq!(one.to_string(), "j.toml: cannot read it");
        assert_eq!(one.summary(), one.to_string());
    }
}
