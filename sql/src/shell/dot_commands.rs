//! Dot commands: the shell's own commands (`.help`, `.tables`, `.schema`, `.mode`,
//! `.timer`, `.read`, `.output`, `.once`, `.maxrows`, `.exit`, ...), as in DuckDB's shell.
//! Each takes the whole line; arguments are separated by spaces and may be quoted.

use std::io::Write;

use quiver_engine::Error;

use crate::shell::output::OutputMode;
use crate::shell::runner::{Flow, Shell};
use crate::types::duckdb_type_name;

/// Deepest nesting of `.read` (a file that reads itself stops here).
const MAX_READ_DEPTH: usize = 16;

/// The commands, their arguments and what they do, for `.help`.
const HELP: [(&str, &str); 13] = [
    (".exit [CODE]", "Exit the shell (also .quit, Ctrl-D)"),
    (".headers on|off", "Print column names in CSV output"),
    (".help", "Show this message"),
    (
        ".maxrows N",
        "Show at most N rows in box mode (0: all; default 40)",
    ),
    (
        ".maxwidth N",
        "Fit box tables in N characters (0: the terminal)",
    ),
    (".mode MODE", "box, csv, json, jsonlines, markdown or line"),
    (".once FILE", "Send the next statement's result to FILE"),
    (
        ".open FILE",
        "Not supported: query files with FROM 'file.parquet'",
    ),
    (
        ".output [FILE]",
        "Send results to FILE (no FILE: to the screen)",
    ),
    (".read FILE", "Run the SQL and dot commands in FILE"),
    (
        ".schema [TABLE]",
        "Show the columns of TABLE (or of every table)",
    ),
    (".tables", "List the tables and views"),
    (".timer on|off", "Print each statement's run time"),
];

/// Runs the dot command on `line` (which starts with `.`).
pub fn run(shell: &mut Shell, line: &str) -> Flow {
    let words = match split_words(line) {
        Ok(words) => words,
        Err(message) => return shell.fail_message(&message),
    };
    let Some((command, args)) = words.split_first() else {
        return Flow::Continue;
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match command.as_str() {
        ".exit" | ".quit" => return exit(shell, &args),
        ".help" => help(&args),
        ".tables" => tables(shell, &args),
        ".schema" => schema(shell, &args),
        ".mode" => mode(shell, &args),
        ".timer" => on_off(&args, ".timer").map(|on| shell.timer = on),
        ".headers" | ".header" => on_off(&args, ".headers").map(|on| shell.settings.header = on),
        ".maxrows" => count(&args, ".maxrows").map(|n| shell.settings.box_options.max_rows = n),
        ".maxwidth" => count(&args, ".maxwidth")
            .map(|n| shell.settings.box_options.max_width = (n > 0).then_some(n)),
        ".output" => match args.as_slice() {
            [] => shell.destination.set_output(None).map_err(Outcome::Engine),
            [path] => shell
                .destination
                .set_output(Some(path))
                .map_err(Outcome::Engine),
            _ => Err(usage(".output [FILE]")),
        },
        ".once" => match args.as_slice() {
            [path] => shell.destination.set_once(path).map_err(Outcome::Engine),
            _ => Err(usage(".once FILE")),
        },
        ".read" => match args.as_slice() {
            [path] => return read(shell, path),
            _ => Err(usage(".read FILE")),
        },
        ".open" => Err(Outcome::Message(crate::shell::persistent_database_message(
            args.first().copied().unwrap_or(""),
        ))),
        other => Err(Outcome::Message(format!(
            "unknown command `{other}`: enter \".help\" for the list of commands"
        ))),
    };
    match outcome {
        Ok(()) => Flow::Continue,
        Err(Outcome::Message(message)) => shell.fail_message(&message),
        Err(Outcome::Engine(e)) => shell.fail(&e),
    }
}

/// Why a command failed: a usage problem or an engine error.
enum Outcome {
    Message(String),
    Engine(Error),
}

fn usage(form: &str) -> Outcome {
    Outcome::Message(format!("usage: {form}"))
}

fn exit(shell: &mut Shell, args: &[&str]) -> Flow {
    match args {
        [] => Flow::Exit(0),
        [code] => match code.parse::<i32>() {
            Ok(code) => Flow::Exit(code),
            Err(_) => shell.fail_message(&format!(
                "expected an exit status (a number), found `{code}`"
            )),
        },
        _ => shell.fail_message("usage: .exit [CODE]"),
    }
}

fn help(args: &[&str]) -> std::result::Result<(), Outcome> {
    if !args.is_empty() {
        return Err(usage(".help"));
    }
    let width = HELP.iter().map(|(form, _)| form.len()).max().unwrap_or(0);
    let mut text: String = HELP
        .iter()
        .map(|(form, what)| format!("{form:width$}  {what}\n"))
        .collect();
    text.push_str(
        "\nStatements end with `;` and may span lines; Ctrl-C cancels a running query.\n",
    );
    let _ = write!(std::io::stdout(), "{text}");
    Ok(())
}

/// Writes text to the results' destination.
fn emit(shell: &mut Shell, text: &str) -> std::result::Result<(), Outcome> {
    shell
        .destination
        .write(|out| {
            out.write_all(text.as_bytes())
                .map_err(|e| Error::io("cannot write the output", e))
        })
        .map_err(Outcome::Engine)
}

/// Table and view names, sorted.
fn relation_names(shell: &Shell) -> Vec<(String, bool)> {
    let mut names: Vec<(String, bool)> = shell
        .ctx()
        .session()
        .catalog()
        .names()
        .into_iter()
        .map(|n| (n, false))
        .collect();
    let views = shell
        .ctx()
        .views()
        .read()
        .unwrap_or_else(|e| e.into_inner());
    names.extend(views.keys().map(|n| (n.clone(), true)));
    names.sort();
    names.dedup_by(|a, b| a.0 == b.0);
    names
}

fn tables(shell: &mut Shell, args: &[&str]) -> std::result::Result<(), Outcome> {
    if !args.is_empty() {
        return Err(usage(".tables"));
    }
    let names: Vec<String> = relation_names(shell).into_iter().map(|(n, _)| n).collect();
    if names.is_empty() {
        return Ok(());
    }
    let text = columns_layout(&names, 80);
    emit(shell, &text)
}

/// Names laid out in columns (down, then across) to fit `width` characters.
fn columns_layout(names: &[String], width: usize) -> String {
    let cell = names.iter().map(|n| n.chars().count()).max().unwrap_or(0) + 2;
    let columns = (width / cell).max(1);
    let rows = names.len().div_ceil(columns);
    let mut text = String::new();
    for r in 0..rows {
        let line: String = (0..columns)
            .filter_map(|c| names.get(c * rows + r))
            .map(|n| format!("{n:cell$}"))
            .collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// An identifier as SQL text, quoted unless it is a plain lower-case name.
fn quote_identifier(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn schema(shell: &mut Shell, args: &[&str]) -> std::result::Result<(), Outcome> {
    let names: Vec<(String, bool)> = match args {
        [] => relation_names(shell),
        [name] => {
            let lower = name.to_lowercase();
            let is_view = shell
                .ctx()
                .views()
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .contains_key(&lower);
            vec![(lower, is_view)]
        }
        _ => return Err(usage(".schema [TABLE]")),
    };
    let mut text = String::new();
    for (name, is_view) in names {
        if is_view {
            let views = shell
                .ctx()
                .views()
                .read()
                .unwrap_or_else(|e| e.into_inner());
            if let Some(sql) = views.get(&name) {
                text.push_str(&format!(
                    "CREATE VIEW {} AS {};\n",
                    quote_identifier(&name),
                    sql.trim_end_matches(';')
                ));
            }
            continue;
        }
        let table = shell
            .ctx()
            .session()
            .catalog()
            .get(&name)
            .map_err(Outcome::Engine)?;
        let columns: Vec<String> = table
            .schema()
            .fields()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    quote_identifier(f.name()),
                    duckdb_type_name(f.data_type())
                )
            })
            .collect();
        text.push_str(&format!(
            "CREATE TABLE {}({});\n",
            quote_identifier(&name),
            columns.join(", ")
        ));
    }
    emit(shell, &text)
}

fn mode(shell: &mut Shell, args: &[&str]) -> std::result::Result<(), Outcome> {
    match args {
        [] => {
            let _ = writeln!(
                std::io::stdout(),
                "current output mode: {}",
                shell.settings.mode
            );
            Ok(())
        }
        [name] => match OutputMode::parse(name) {
            Some(mode) => {
                shell.settings.mode = mode;
                Ok(())
            }
            None => {
                let names: Vec<&str> = OutputMode::ALL.iter().map(|(m, _)| m.name()).collect();
                Err(Outcome::Message(format!(
                    "unknown output mode `{name}`: expected one of {}",
                    names.join(", ")
                )))
            }
        },
        _ => Err(usage(".mode MODE")),
    }
}

fn on_off(args: &[&str], command: &str) -> std::result::Result<bool, Outcome> {
    match args {
        [value] => match value.to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" | "1" => Ok(true),
            "off" | "false" | "no" | "0" => Ok(false),
            _ => Err(Outcome::Message(format!(
                "{command} expects `on` or `off`, found `{value}`"
            ))),
        },
        _ => Err(usage(&format!("{command} on|off"))),
    }
}

fn count(args: &[&str], command: &str) -> std::result::Result<usize, Outcome> {
    match args {
        [value] => value
            .parse::<usize>()
            .map_err(|_| Outcome::Message(format!("{command} expects a number, found `{value}`"))),
        _ => Err(usage(&format!("{command} N"))),
    }
}

fn read(shell: &mut Shell, path: &str) -> Flow {
    if shell.read_depth >= MAX_READ_DEPTH {
        return shell.fail_message(&format!(
            ".read nests more than {MAX_READ_DEPTH} files deep (does `{path}` read itself?)"
        ));
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return shell.fail(&Error::io(format!("cannot read `{path}`"), e)),
    };
    shell.read_depth += 1;
    let flow = shell.run_script(&text);
    shell.read_depth -= 1;
    flow
}

/// Splits a command line into words at spaces; `'...'` and `"..."` quote a word.
fn split_words(line: &str) -> std::result::Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '\'' || c == '"' {
                let mut closed = false;
                for q in chars.by_ref() {
                    if q == c {
                        closed = true;
                        break;
                    }
                    word.push(q);
                }
                if !closed {
                    return Err(format!("unterminated {c} quote in `{line}`"));
                }
            } else {
                word.push(c);
            }
        }
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use quiver_engine::Session;

    use super::*;
    use crate::shell::interrupt::Interrupts;
    use crate::shell::output::OutputSettings;
    use crate::shell::runner::ErrorPolicy;
    use crate::SqlContext;

    fn shell() -> Shell {
        let session = Session::with_threads(1).unwrap();
        Shell::new(
            SqlContext::new(session),
            OutputSettings::default(),
            Interrupts::detached(),
            ErrorPolicy::default(),
        )
    }

    #[test]
    fn words_and_quotes() {
        assert_eq!(
            split_words(".output 'my file.csv'").unwrap(),
            vec![".output", "my file.csv"]
        );
        assert_eq!(split_words("  .mode   csv ").unwrap(), vec![".mode", "csv"]);
        assert!(split_words(".read 'open").is_err());
    }

    #[test]
    fn settings_commands() {
        let mut s = shell();
        assert_eq!(run(&mut s, ".mode csv"), Flow::Continue);
        assert_eq!(s.settings.mode, OutputMode::Csv);
        run(&mut s, ".timer on");
        assert!(s.timer);
        run(&mut s, ".maxrows 10");
        assert_eq!(s.settings.box_options.max_rows, 10);
        run(&mut s, ".headers off");
        assert!(!s.settings.header);
        assert_eq!(s.errors(), 0);
        run(&mut s, ".mode nonsense");
        run(&mut s, ".timer maybe");
        run(&mut s, ".maxrows many");
        assert_eq!(s.errors(), 3);
        assert_eq!(s.settings.mode, OutputMode::Csv);
    }

    #[test]
    fn exit_codes() {
        let mut s = shell();
        assert_eq!(run(&mut s, ".exit"), Flow::Exit(0));
        assert_eq!(run(&mut s, ".quit"), Flow::Exit(0));
        assert_eq!(run(&mut s, ".exit 2"), Flow::Exit(2));
        assert_eq!(run(&mut s, ".exit two"), Flow::Continue);
    }

    #[test]
    fn read_missing_file() {
        let mut s = shell();
        assert_eq!(run(&mut s, ".read /nonexistent/script.sql"), Flow::Continue);
        assert_eq!(s.errors(), 1);
    }

    #[test]
    fn layout_in_columns() {
        let names: Vec<String> = ["a", "bb", "ccc"].iter().map(|s| s.to_string()).collect();
        assert_eq!(columns_layout(&names, 80), "a    bb   ccc\n");
        assert_eq!(columns_layout(&names, 6), "a\nbb\nccc\n");
    }

    #[test]
    fn identifiers() {
        assert_eq!(quote_identifier("lineitem"), "lineitem");
        assert_eq!(quote_identifier("My Col"), "\"My Col\"");
    }
}
