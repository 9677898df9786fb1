//! Ctrl-C in the shell: it cancels the running query (through the session's cancel flag,
//! checked between morsels) and keeps the shell. At the interactive prompt the line editor
//! reads Ctrl-C itself and clears the input; a script with no query running just stops.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Debug, Default)]
struct Flags {
    /// Ctrl-C arrived while a query was running and has not been acted on yet.
    pressed: AtomicBool,
    /// A query is running.
    running: AtomicBool,
    /// Ctrl-C with no query running ends the process (scripts, `-c`).
    exit_when_idle: bool,
}

/// The shell's view of Ctrl-C.
#[derive(Debug, Clone, Default)]
pub struct Interrupts {
    flags: Arc<Flags>,
}

impl Interrupts {
    /// Interrupts for a shell. `exit_when_idle`: Ctrl-C outside a query exits with
    /// status 130 (for scripts; the interactive prompt reads Ctrl-C as a key).
    pub fn new(exit_when_idle: bool) -> Self {
        Self {
            flags: Arc::new(Flags {
                exit_when_idle,
                ..Flags::default()
            }),
        }
    }

    /// Installs the process's Ctrl-C handler. The line editor replaces the SIGINT handler
    /// when it starts, so the interactive shell calls this after creating its editor.
    pub fn install_handler(&self) {
        let flags = self.flags.clone();
        let installed = ctrlc::set_handler(move || {
            if flags.running.load(Ordering::SeqCst) {
                flags.pressed.store(true, Ordering::SeqCst);
            } else if flags.exit_when_idle {
                std::process::exit(130);
            }
        });
        if let Err(e) = installed {
            eprintln!("warning: Ctrl-C will not cancel queries: {e}");
        }
    }

    /// Interrupts that no signal sets (for tests and embedding).
    pub fn detached() -> Self {
        Self::default()
    }

    /// A query starts: earlier presses are forgotten.
    pub fn query_started(&self) {
        self.flags.pressed.store(false, Ordering::SeqCst);
        self.flags.running.store(true, Ordering::SeqCst);
    }

    /// The query ended.
    pub fn query_finished(&self) {
        self.flags.running.store(false, Ordering::SeqCst);
    }

    /// Whether Ctrl-C was pressed during the running query.
    pub fn pressed(&self) -> bool {
        self.flags.pressed.load(Ordering::SeqCst)
    }

    /// Records a press (what the signal handler does; for tests).
    pub fn press(&self) {
        self.flags.pressed.store(true, Ordering::SeqCst);
    }
}
