//! The `quiver` command line. DuckDB spells its flags with one dash (`-csv`, `-json`,
//! `-header`); those are accepted as well as the two-dash forms clap parses.

use std::ffi::OsString;

use clap::Parser;

use crate::shell::datagen::DatagenArgs;
use crate::shell::output::OutputMode;

/// Quiver's SQL shell: DuckDB-dialect SQL over Parquet, CSV and JSON files and in-memory
/// tables. With no -c or -f it reads SQL from standard input: interactively (with
/// history, in ~/.quiver_history) on a terminal, else as a script.
#[derive(Debug, Parser)]
#[command(name = "quiver", version, about)]
pub struct Args {
    /// A task other than the shell.
    #[command(subcommand)]
    pub subcommand: Option<Command>,

    /// A database file to open. Persistent databases are not supported yet: Quiver runs in
    /// memory and queries files directly, e.g. `FROM 'data.parquet'`.
    #[arg(value_name = "DATABASE")]
    pub database: Option<String>,

    /// Run SQL (statements separated by `;`, or one dot command), print the results and
    /// exit; stops at the first error.
    #[arg(
        short = 'c',
        value_name = "SQL",
        conflicts_with = "file",
        allow_hyphen_values = true
    )]
    pub command: Option<String>,

    /// Run the SQL and dot commands of a file and exit.
    #[arg(short = 'f', value_name = "FILE")]
    pub file: Option<String>,

    /// Worker threads for queries (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// Memory budget for queries, e.g. `4GB`, `512MiB` (recorded in the session settings).
    #[arg(long = "memory-limit", value_name = "SIZE", value_parser = parse_size)]
    pub memory_limit: Option<usize>,

    /// Output as aligned tables with column types (the default).
    #[arg(long = "box", overrides_with_all = MODES)]
    pub box_mode: bool,
    /// Output as comma-separated values.
    #[arg(long, overrides_with_all = MODES)]
    pub csv: bool,
    /// Output as a JSON array of objects.
    #[arg(long, overrides_with_all = MODES)]
    pub json: bool,
    /// Output as one JSON object per line.
    #[arg(long, overrides_with_all = MODES)]
    pub jsonlines: bool,
    /// Output as Markdown tables.
    #[arg(long, overrides_with_all = MODES)]
    pub markdown: bool,
    /// Output one `column = value` line per value.
    #[arg(long, overrides_with_all = MODES)]
    pub line: bool,

    /// Print column names in CSV output (the default).
    #[arg(long, overrides_with = "noheader")]
    pub header: bool,
    /// Leave out column names in CSV output.
    #[arg(long, overrides_with = "header")]
    pub noheader: bool,

    /// Stop a script at its first error.
    #[arg(long)]
    pub bail: bool,
}

/// Tasks of the `quiver` binary besides the shell.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write benchmark data (TPC-H, h2o db-benchmark) to Parquet or CSV files.
    Datagen(DatagenArgs),
    /// Run a batch job described in a TOML file: sources, SQL steps and sinks.
    Run(crate::jobs::cli::RunArgs),
}

/// The output-mode flags, each overriding the others (the last one given wins).
const MODES: [&str; 6] = ["box_mode", "csv", "json", "jsonlines", "markdown", "line"];

/// Long flags that DuckDB writes with a single dash.
const SINGLE_DASH: [&str; 14] = [
    "box",
    "csv",
    "json",
    "jsonlines",
    "markdown",
    "line",
    "header",
    "noheader",
    "bail",
    "version",
    "help",
    "threads",
    "memory-limit",
    "duckbox",
];

impl Args {
    /// Parses the process arguments (exits with a usage message on an error).
    pub fn from_env() -> Self {
        Self::parse_from(normalize(std::env::args_os()))
    }

    /// Parses arguments (the first is the program name).
    pub fn try_from_iter(args: impl IntoIterator<Item = OsString>) -> Result<Self, clap::Error> {
        Self::try_parse_from(normalize(args))
    }

    /// The output mode the flags ask for.
    pub fn mode(&self) -> Option<OutputMode> {
        [
            (self.box_mode, OutputMode::Box),
            (self.csv, OutputMode::Csv),
            (self.json, OutputMode::Json),
            (self.jsonlines, OutputMode::JsonLines),
            (self.markdown, OutputMode::Markdown),
            (self.line, OutputMode::Line),
        ]
        .into_iter()
        .find_map(|(set, mode)| set.then_some(mode))
    }

    /// Whether CSV output has a header line.
    pub fn header(&self) -> bool {
        !self.noheader
    }
}

/// Rewrites DuckDB's single-dash long flags (`-csv`) to clap's form (`--csv`); the value
/// after `-c` or `-f` is left alone.
fn normalize(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut takes_value = false;
    for arg in args {
        if takes_value {
            takes_value = false;
            out.push(arg);
            continue;
        }
        let rewritten = arg.to_str().and_then(|s| {
            let name = s.strip_prefix('-').filter(|rest| !rest.starts_with('-'))?;
            let (flag, value) = match name.split_once('=') {
                Some((flag, value)) => (flag, Some(value)),
                None => (name, None),
            };
            let flag = if flag == "duckbox" { "box" } else { flag };
            SINGLE_DASH.contains(&flag).then(|| match value {
                Some(v) => OsString::from(format!("--{flag}={v}")),
                None => OsString::from(format!("--{flag}")),
            })
        });
        takes_value = matches!(
            arg.to_str(),
            Some("-c" | "-f" | "--threads" | "--memory-limit" | "-threads" | "-memory-limit")
        );
        out.push(rewritten.unwrap_or(arg));
    }
    out
}

/// Parses a size such as `4GB`, `512MiB`, `1.5 GB` or `1000000` (bytes): decimal units
/// (KB, MB, GB, TB) are powers of 1000 and binary ones (KiB, MiB, GiB, TiB) of 1024, as in
/// DuckDB.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("expected a size such as `4GB` or `512MiB`, found `{text}`"))?;
    let multiplier: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" | "byte" | "bytes" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
            "unknown size unit `{other}` in `{text}`: use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB"
        ))
        }
    };
    let bytes = number * multiplier;
    if !bytes.is_finite() || bytes < 1.0 || bytes > usize::MAX as f64 {
        return Err(format!("`{text}` is not a usable memory limit"));
    }
    Ok(bytes as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_from_iter(
            std::iter::once("quiver")
                .chain(args.iter().copied())
                .map(OsString::from),
        )
    }

    #[test]
    fn single_dash_flags() {
        let a = parse(&["-csv", "-noheader", "-c", "SELECT 1"]).unwrap();
        assert_eq!(a.mode(), Some(OutputMode::Csv));
        assert!(!a.header());
        assert_eq!(a.command.as_deref(), Some("SELECT 1"));
    }

    #[test]
    fn last_mode_wins() {
        assert_eq!(
            parse(&["--csv", "-json"]).unwrap().mode(),
            Some(OutputMode::Json)
        );
        assert_eq!(
            parse(&["-json", "-csv"]).unwrap().mode(),
            Some(OutputMode::Csv)
        );
        assert_eq!(parse(&[]).unwrap().mode(), None);
    }

    #[test]
    fn the_value_of_c_is_not_rewritten() {
        let a = parse(&["-c", "-json"]).unwrap();
        assert_eq!(a.command.as_deref(), Some("-json"));
        assert_eq!(a.mode(), None);
        // SQL may start with a comment.
        let a = parse(&["-c", "-- note\nSELECT 1"]).unwrap();
        assert_eq!(a.command.as_deref(), Some("-- note\nSELECT 1"));
    }

    #[test]
    fn threads_and_memory() {
        let a = parse(&["--threads", "3", "--memory-limit", "4GB"]).unwrap();
        assert_eq!(a.threads, Some(3));
        assert_eq!(a.memory_limit, Some(4_000_000_000));
        assert!(parse(&["--threads", "0"]).is_err());
        assert!(parse(&["--memory-limit", "lots"]).is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512MiB"), Ok(512 * 1024 * 1024));
        assert_eq!(parse_size("1.5 GB"), Ok(1_500_000_000));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("4 parsecs")
            .unwrap_err()
            .contains("unknown size unit"));
        assert!(parse_size("").is_err());
    }

    #[test]
    fn datagen_subcommand() {
        use crate::shell::datagen::{Dataset, Format};
        let a = parse(&[
            "--threads",
            "2",
            "datagen",
            "h2o-groupby",
            "--rows",
            "1e6",
            "--groups",
            "1e1",
            "--out",
            "d",
            "--format",
            "csv",
        ])
        .unwrap();
        assert_eq!(a.threads, Some(2));
        let Some(Command::Datagen(d)) = a.subcommand else {
            panic!("no datagen: {a:?}")
        };
        let Dataset::H2oGroupby {
            rows,
            groups,
            common,
            output,
        } = d.dataset
        else {
            panic!("not h2o-groupby")
        };
        assert_eq!(
            (rows, groups, common.na, common.seed),
            (1_000_000, 10, 0, 108)
        );
        assert_eq!(output.format, Format::Csv);
        let a = parse(&["datagen", "tpch", "--sf", "0.1", "--out", "d"]).unwrap();
        assert!(matches!(
            a.subcommand,
            Some(Command::Datagen(DatagenArgs { dataset: Dataset::Tpch { sf, .. } })) if sf == 0.1
        ));
        assert!(parse(&["datagen", "tpch", "--sf", "-1", "--out", "d"]).is_err());
        assert!(parse(&["datagen", "tpch"]).is_err(), "--out is required");
        assert!(parse(&["datagen", "h2o-join", "--na", "101", "--out", "d"]).is_err());
        // A database file name is still a database file name.
        assert!(parse(&["data.db"]).unwrap().subcommand.is_none());
    }

    #[test]
    fn run_subcommand() {
        let a = parse(&[
            "--threads",
            "2",
            "run",
            "job.toml",
            "-p",
            "day=2024-01-01",
            "--dry-run",
        ])
        .unwrap();
        let Some(Command::Run(run)) = a.subcommand else {
            panic!("expected `run`");
        };
        assert_eq!(a.threads, Some(2));
        assert_eq!(run.job, std::path::PathBuf::from("job.toml"));
        assert_eq!(
            run.params,
            vec![("day".to_string(), "2024-01-01".to_string())]
        );
        assert!(run.dry_run);
        assert!(parse(&["run"]).is_err());
    }

    #[test]
    fn database_argument() {
        assert_eq!(
            parse(&["file.db"]).unwrap().database.as_deref(),
            Some("file.db")
        );
    }
}
