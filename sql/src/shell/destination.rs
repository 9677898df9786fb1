//! Where results go: standard output, or a file chosen with `.output FILE` (every result
//! until `.output` alone) or `.once FILE` (the next statement's result only).

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

use quiver_engine::{Error, Result};

/// An open output file and its name (for messages).
struct OutputFile {
    path: String,
    writer: BufWriter<File>,
}

impl OutputFile {
    fn create(path: &str) -> Result<Self> {
        let file = File::create(path)
            .map_err(|e| Error::io(format!("cannot open `{path}` for output"), e))?;
        Ok(Self {
            path: path.to_string(),
            writer: BufWriter::new(file),
        })
    }

    fn flush(&mut self) -> Result<()> {
        self.writer
            .flush()
            .map_err(|e| Error::io(format!("cannot write to `{}`", self.path), e))
    }
}

/// The current destination of results.
#[derive(Default)]
pub struct Destination {
    /// Set by `.output FILE`.
    output: Option<OutputFile>,
    /// Set by `.once FILE`; takes precedence until the next statement has run.
    once: Option<OutputFile>,
}

impl Destination {
    /// Results to standard output.
    pub fn new() -> Self {
        Self::default()
    }

    /// `.output FILE` (`None` or `stdout`: back to standard output).
    pub fn set_output(&mut self, path: Option<&str>) -> Result<()> {
        if let Some(mut old) = self.output.take() {
            old.flush()?;
        }
        self.output = match path {
            None | Some("stdout") => None,
            Some(path) => Some(OutputFile::create(path)?),
        };
        Ok(())
    }

    /// `.once FILE`: the next statement's result goes to `path`.
    pub fn set_once(&mut self, path: &str) -> Result<()> {
        self.once = Some(OutputFile::create(path)?);
        Ok(())
    }

    /// Whether results reach a terminal (so box tables fit its width).
    pub fn is_terminal(&self) -> bool {
        self.once.is_none() && self.output.is_none() && io::stdout().is_terminal()
    }

    /// Runs `write` against the current destination and flushes it.
    pub fn write<T>(&mut self, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
        if let Some(file) = self.once.as_mut().or(self.output.as_mut()) {
            let value = write(&mut file.writer)?;
            file.flush()?;
            return Ok(value);
        }
        let stdout = io::stdout();
        let mut lock = BufWriter::new(stdout.lock());
        let value = write(&mut lock)?;
        lock.flush()
            .map_err(|e| Error::io("cannot write the result", e))?;
        Ok(value)
    }

    /// Ends a `.once` redirection after its statement.
    pub fn statement_done(&mut self) -> Result<()> {
        match self.once.take() {
            Some(mut file) => file.flush(),
            None => Ok(()),
        }
    }

    /// Flushes an open output file (at exit).
    pub fn close(&mut self) -> Result<()> {
        self.statement_done()?;
        self.set_output(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_text(d: &mut Destination, text: &str) {
        d.write(|w| {
            w.write_all(text.as_bytes())
                .map_err(|e| Error::io("test", e))
        })
        .unwrap();
    }

    #[test]
    fn once_then_output() {
        let dir = std::env::temp_dir().join(format!("quiver-destination-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let once = dir.join("once.txt");
        let all = dir.join("all.txt");
        let mut d = Destination::new();
        d.set_output(Some(all.to_str().unwrap())).unwrap();
        d.set_once(once.to_str().unwrap()).unwrap();
        write_text(&mut d, "first\n");
        d.statement_done().unwrap();
        write_text(&mut d, "second\n");
        d.statement_done().unwrap();
        write_text(&mut d, "third\n");
        d.close().unwrap();
        assert_eq!(std::fs::read_to_string(&once).unwrap(), "first\n");
        assert_eq!(std::fs::read_to_string(&all).unwrap(), "second\nthird\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unwritable_file_is_an_error() {
        let mut d = Destination::new();
        let e = d.set_output(Some("/nonexistent-dir/x.csv")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent-dir/x.csv"), "{e}");
    }
}
