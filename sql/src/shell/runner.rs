//! The shell's state and the input loop shared by every way of feeding it (the prompt,
//! `-c`, `-f`, piped standard input, `.read`): lines arrive one at a time, a line starting
//! with `.` (outside a statement) is a dot command, and SQL runs once its `;` arrives.

use std::io::Write;
use std::time::Instant;

use quiver_engine::Error;

use crate::shell::destination::Destination;
use crate::shell::interrupt::Interrupts;
use crate::shell::output::{self, OutputSettings};
use crate::shell::splitter::{is_blank, split_statements};
use crate::shell::{dot_commands, executor, report};
use crate::{QueryResult, SqlContext};

/// What the shell does after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read on.
    Continue,
    /// Stop with this exit status (`.exit`, or an error in a script that bails).
    Exit(i32),
}

/// How errors end input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ErrorPolicy {
    /// Stop at the first error (`-c`, `-bail`).
    pub bail: bool,
    /// A person is typing: errors never end the shell, and neither does a cancelled query.
    pub interactive: bool,
}

/// The shell: a SQL context, output settings, the results' destination and the SQL typed
/// so far.
pub struct Shell {
    ctx: SqlContext,
    /// How results print (`.mode`, `.headers`, `.maxrows`, `.maxwidth`).
    pub settings: OutputSettings,
    /// Whether each statement's run time is printed (`.timer`).
    pub timer: bool,
    /// Where results go (`.output`, `.once`).
    pub destination: Destination,
    interrupts: Interrupts,
    policy: ErrorPolicy,
    errors: usize,
    pending: String,
    /// How deeply `.read` commands nest right now.
    pub read_depth: usize,
}

impl Shell {
    /// A shell over `ctx`.
    pub fn new(
        ctx: SqlContext,
        settings: OutputSettings,
        interrupts: Interrupts,
        policy: ErrorPolicy,
    ) -> Self {
        Self {
            ctx,
            settings,
            timer: false,
            destination: Destination::new(),
            interrupts,
            policy,
            errors: 0,
            pending: String::new(),
            read_depth: 0,
        }
    }

    /// The SQL context.
    pub fn ctx(&self) -> &SqlContext {
        &self.ctx
    }

    /// How many statements and commands failed so far.
    pub fn errors(&self) -> usize {
        self.errors
    }

    /// Whether a statement has begun and waits for its `;`.
    pub fn has_pending(&self) -> bool {
        !is_blank(&self.pending)
    }

    /// Drops the statement typed so far (Ctrl-C at the prompt).
    pub fn clear_pending(&mut self) {
        self.pending.clear();
    }

    /// Takes one line of input (it may hold several lines, e.g. a statement recalled from
    /// history).
    pub fn feed_line(&mut self, input: &str) -> Flow {
        for line in input.split('\n') {
            if let Flow::Exit(code) = self.feed_one_line(line) {
                return Flow::Exit(code);
            }
        }
        Flow::Continue
    }

    fn feed_one_line(&mut self, line: &str) -> Flow {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !self.has_pending() && line.trim_start().starts_with('.') {
            self.pending.clear();
            return dot_commands::run(self, line.trim());
        }
        self.pending.push_str(line);
        self.pending.push('\n');
        let text = std::mem::take(&mut self.pending);
        let (statements, rest) = split_statements(&text);
        self.pending = if is_blank(rest) {
            String::new()
        } else {
            rest.to_string()
        };
        for statement in statements {
            if let Flow::Exit(code) = self.run_sql(statement) {
                return Flow::Exit(code);
            }
        }
        Flow::Continue
    }

    /// The input ended: runs a last statement that had no `;`.
    pub fn finish_input(&mut self) -> Flow {
        let text = std::mem::take(&mut self.pending);
        if is_blank(&text) {
            return Flow::Continue;
        }
        self.run_sql(text.trim())
    }

    /// Runs a whole script (`-c`, `-f`, piped input, `.read`): every line, then whatever
    /// statement is left without a `;`. SQL typed before it stays pending.
    pub fn run_script(&mut self, text: &str) -> Flow {
        let saved = std::mem::take(&mut self.pending);
        let mut flow = self.feed_line(text);
        if flow == Flow::Continue {
            flow = self.finish_input();
        }
        self.pending = saved;
        flow
    }

    /// Runs one complete statement's text.
    fn run_sql(&mut self, text: &str) -> Flow {
        let flow = self.run_sql_inner(text);
        if let Err(e) = self.destination.statement_done() {
            return self.fail(&e);
        }
        flow
    }

    fn run_sql_inner(&mut self, text: &str) -> Flow {
        let statements = match self.ctx.parse(text) {
            Ok(statements) => statements,
            Err(e) => return self.fail(&e),
        };
        for statement in &statements {
            let start = Instant::now();
            let result = executor::execute(&self.ctx, statement, text, &self.interrupts, true);
            let elapsed = start.elapsed();
            match result {
                Ok(result) => {
                    if result.is_query {
                        if let Err(e) = self.print(&result) {
                            if output::is_broken_pipe(&e) {
                                return Flow::Exit(self.exit_code());
                            }
                            return self.fail(&e);
                        }
                    }
                    if self.timer {
                        let _ = writeln!(
                            std::io::stdout(),
                            "Run Time (s): real {:.3}",
                            elapsed.as_secs_f64()
                        );
                    }
                }
                Err(e) => return self.fail(&e),
            }
        }
        Flow::Continue
    }

    /// Prints a result to the current destination.
    pub fn print(&mut self, result: &QueryResult) -> quiver_engine::Result<()> {
        let width = if self.destination.is_terminal() {
            terminal_width()
        } else {
            None
        };
        let settings = self.settings;
        self.destination
            .write(|out| output::write_result(result, &settings, width, out))
    }

    /// Reports an engine error on standard error; says whether input goes on.
    pub fn fail(&mut self, error: &Error) -> Flow {
        let stop_on_cancel = matches!(error, Error::Cancelled) && !self.policy.interactive;
        self.report(&report::describe(error));
        if stop_on_cancel {
            Flow::Exit(1)
        } else {
            self.after_error()
        }
    }

    /// Reports a shell error (a bad dot command) as `Error: message`.
    pub fn fail_message(&mut self, message: &str) -> Flow {
        self.report(&format!("Error: {message}"));
        self.after_error()
    }

    fn report(&mut self, text: &str) {
        self.errors += 1;
        let _ = writeln!(std::io::stderr(), "{text}");
    }

    fn after_error(&self) -> Flow {
        if self.policy.bail {
            Flow::Exit(1)
        } else {
            Flow::Continue
        }
    }

    /// The exit status for a normal end: 1 after any error in a script, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.errors > 0 && !self.policy.interactive)
    }

    /// Flushes output files before exit.
    pub fn close(&mut self) {
        if let Err(e) = self.destination.close() {
            let _ = writeln!(std::io::stderr(), "{}", report::describe(&e));
        }
    }
}

/// The width of the terminal on standard output, if it is one.
fn terminal_width() -> Option<usize> {
    console::Term::stdout()
        .size_checked()
        .map(|(_, columns)| usize::from(columns))
}

#[cfg(test)]
mod tests {
    use quiver_engine::Session;

    use super::*;

    fn shell(policy: ErrorPolicy) -> Shell {
        let session = Session::with_threads(1).unwrap();
        Shell::new(
            SqlContext::new(session),
            OutputSettings::default(),
            Interrupts::detached(),
            policy,
        )
    }

    #[test]
    fn statements_wait_for_their_semicolon() {
        let mut s = shell(ErrorPolicy::default());
        assert_eq!(s.feed_line("-- a comment"), Flow::Continue);
        assert!(!s.has_pending());
        s.feed_line("SELEC");
        assert!(s.has_pending());
        s.clear_pending();
        assert!(!s.has_pending());
    }

    #[test]
    fn syntax_errors_count_and_bail() {
        let mut s = shell(ErrorPolicy {
            bail: true,
            interactive: false,
        });
        assert_eq!(s.feed_line("SELEC 1;"), Flow::Exit(1));
        assert_eq!(s.errors(), 1);
        assert_eq!(s.exit_code(), 1);
        let mut s = shell(ErrorPolicy::default());
        assert_eq!(s.feed_line("SELEC 1;"), Flow::Continue);
        assert_eq!(s.errors(), 1);
    }

    #[test]
    fn dot_commands_only_between_statements() {
        let mut s = shell(ErrorPolicy::default());
        assert_eq!(s.feed_line(".exit 3"), Flow::Exit(3));
        // Inside a statement, a line starting with `.` is SQL.
        s.feed_line("SELECT 1");
        assert_eq!(s.feed_line(".exit 3"), Flow::Continue);
        assert!(s.has_pending());
    }

    #[test]
    fn unknown_dot_command() {
        let mut s = shell(ErrorPolicy::default());
        assert_eq!(s.feed_line(".frobnicate"), Flow::Continue);
        assert_eq!(s.errors(), 1);
    }
}
