//! The interactive shell: a line editor with history (`~/.quiver_history`), DuckDB's
//! prompts (`D ` for a new statement, `· ` while one continues), Ctrl-C to clear the input
//! (or cancel a running query) and Ctrl-D to leave.

use std::path::PathBuf;

use rustyline::config::Config;
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

use crate::shell::interrupt::Interrupts;
use crate::shell::runner::{Flow, Shell};

/// The prompt for a new statement.
const PROMPT: &str = "D ";
/// The prompt while a statement continues.
const CONTINUATION: &str = "· ";
/// History entries kept.
const HISTORY_SIZE: usize = 10_000;

/// `~/.quiver_history`, when there is a home directory.
fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| PathBuf::from(home).join(".quiver_history"))
}

/// Runs the interactive loop until `.exit` or Ctrl-D; returns the exit status.
pub fn run(shell: &mut Shell, interrupts: &Interrupts) -> i32 {
    let config = Config::builder()
        .max_history_size(HISTORY_SIZE)
        .map(|b| b.auto_add_history(false).build())
        .unwrap_or_default();
    let mut editor = match DefaultEditor::with_config(config) {
        Ok(editor) => editor,
        Err(e) => {
            eprintln!("Error: cannot start the line editor: {e}");
            return 1;
        }
    };
    // After the editor: it takes over SIGINT when it starts.
    interrupts.install_handler();
    let history = history_path();
    if let Some(path) = &history {
        // A missing history file is normal on the first run.
        let _ = editor.load_history(path);
    }
    println!("quiver {}", env!("CARGO_PKG_VERSION"));
    println!("Enter \".help\" for usage hints. Data lives in memory; query files directly, e.g. FROM 'data.parquet'.");

    // The lines of the statement being typed, for one history entry per statement.
    let mut entry = String::new();
    let code = loop {
        let prompt = if shell.has_pending() {
            CONTINUATION
        } else {
            PROMPT
        };
        match editor.readline(prompt) {
            Ok(line) => {
                if !entry.is_empty() {
                    entry.push('\n');
                }
                entry.push_str(&line);
                let flow = shell.feed_line(&line);
                if !shell.has_pending() {
                    let text = std::mem::take(&mut entry);
                    if !text.trim().is_empty() {
                        let _ = editor.add_history_entry(text.trim_end());
                        if let Some(path) = &history {
                            let _ = editor.append_history(path);
                        }
                    }
                }
                if let Flow::Exit(code) = flow {
                    break code;
                }
            }
            Err(ReadlineError::Interrupted) => {
                shell.clear_pending();
                entry.clear();
            }
            Err(ReadlineError::Eof) => break 0,
            Err(e) => {
                eprintln!("Error: cannot read input: {e}");
                break 1;
            }
        }
    };
    code
}
