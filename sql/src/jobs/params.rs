//! Job parameters: declared with defaults under `[job.params]`, overridden with
//! `--param key=value`, and written `${key}` in paths, SQL and the report path. The text is
//! substituted as is (a date goes into SQL as `DATE '${since}'`); `$${` stands for a
//! literal `${`, and any other `$` is left alone (`$1` stays a SQL parameter).

use quiver_engine::error::{did_you_mean, list_names};

use crate::jobs::problems::Problems;
use crate::jobs::spec::{Located, ParamSpec};

/// Resolved parameter values, in declaration order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: Vec<(String, String)>,
}

impl Params {
    /// The values of `declared` parameters with `overrides` (`--param`) applied; an
    /// override of an undeclared parameter or a required one left out is a problem.
    pub fn resolve(
        declared: &[ParamSpec],
        overrides: &[(String, String)],
        problems: &mut Problems,
    ) -> Self {
        let names: Vec<&str> = declared.iter().map(|p| p.name.as_str()).collect();
        for (key, _) in overrides {
            if !names.contains(&key.as_str()) {
                let known = if names.is_empty() {
                    "the job declares no parameters (add them under [job.params])".to_string()
                } else {
                    format!("declared: {}", list_names(names.iter().copied()))
                };
                problems.at_line(
                    None,
                    format!(
                        "--param {key}: no such parameter; {known}{}",
                        did_you_mean(key, names.iter().copied())
                    ),
                );
            }
        }
        let mut values = vec![];
        for p in declared {
            let given = overrides.iter().rev().find(|(k, _)| *k == p.name);
            match (given, &p.default) {
                (Some((_, v)), _) => values.push((p.name.clone(), v.clone())),
                (None, Some(d)) => values.push((p.name.clone(), d.clone())),
                (None, None) => problems.at_line(
                    Some(p.line),
                    format!(
                        "parameter `{}` has no default: pass --param {}=...",
                        p.name, p.name
                    ),
                ),
            }
        }
        Self { values }
    }

    /// Parameters from name/value pairs (for tests and embedding).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Self {
            values: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// The values, in declaration order.
    pub fn values(&self) -> &[(String, String)] {
        &self.values
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `text` with every `${name}` replaced; the error names each unknown or unterminated
    /// placeholder.
    pub fn substitute(&self, text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut unknown: Vec<String> = vec![];
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            if let Some(after) = tail.strip_prefix("$${") {
                out.push_str("${");
                rest = after;
            } else if let Some(after) = tail.strip_prefix("${") {
                let Some(end) = after.find('}') else {
                    return Err(format!(
                        "`${{` without a closing `}}` in \"{}\" (write `$${{` for a literal `${{`)",
                        ellipsis(tail)
                    ));
                };
                let name = after[..end].trim();
                match self.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        if !unknown.iter().any(|u| u == name) {
                            unknown.push(name.to_string());
                        }
                    }
                }
                rest = &after[end + 1..];
            } else {
                out.push('$');
                rest = &tail[1..];
            }
        }
        out.push_str(rest);
        if unknown.is_empty() {
            return Ok(out);
        }
        let names: Vec<&str> = self.values.iter().map(|(k, _)| k.as_str()).collect();
        let which: Vec<String> = unknown
            .iter()
            .map(|u| format!("`${{{u}}}`{}", did_you_mean(u, names.iter().copied())))
            .collect();
        Err(format!(
            "unknown parameter {} (declare it under [job.params])",
            which.join(", ")
        ))
    }

    /// Substitutes into a located value, reporting a problem at its line as `what`.
    pub fn fill(&self, value: &mut Located, what: &str, problems: &mut Problems) -> bool {
        match self.substitute(&value.text) {
            Ok(text) => {
                value.text = text;
                true
            }
            Err(e) => {
                problems.at_line(Some(value.line), format!("{what}: {e}"));
                false
            }
        }
    }
}

fn ellipsis(text: &str) -> String {
    match text.char_indices().nth(24) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

/// Parses `key=value` (from `--param`).
pub fn parse_assignment(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected `key=value`, found `{text}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution() {
        let p = Params::from_pairs(&[("since", "1995-01-01"), ("out", "/tmp/o")]);
        assert_eq!(
            p.substitute("x >= DATE '${since}' AND $1 = 'a$b' -- ${ out }")
                .unwrap(),
            "x >= DATE '1995-01-01' AND $1 = 'a$b' -- /tmp/o"
        );
        assert_eq!(p.substitute("$${since}").unwrap(), "${since}");
        let e = p.substitute("${sinse} ${nope} ${sinse}").unwrap_err();
        assert_eq!(
            e,
            "unknown parameter `${sinse}`; did you mean `since`?, `${nope}` (declare it under [job.params])"
        );
        assert!(p.substitute("${since").unwrap_err().contains("closing"));
    }

    #[test]
    fn overrides_and_required_parameters() {
        let declared = vec![
            ParamSpec {
                name: "since".into(),
                default: Some("1995-01-01".into()),
                description: None,
                line: 3,
            },
            ParamSpec {
                name: "until".into(),
                default: None,
                description: None,
                line: 4,
            },
        ];
        let mut problems = Problems::new("");
        let p = Params::resolve(
            &declared,
            &[
                ("until".into(), "1996-01-01".into()),
                ("since".into(), "1994".into()),
            ],
            &mut problems,
        );
        assert!(problems.is_empty());
        assert_eq!(p.get("since"), Some("1994"));
        assert_eq!(p.get("until"), Some("1996-01-01"));

        let mut problems = Problems::new("");
        Params::resolve(&declared, &[("snice".into(), "x".into())], &mut problems);
        let text: Vec<&str> = problems
            .items()
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            text,
            [
                "--param snice: no such parameter; declared: `since`, `until`; did you mean `since`?",
                "parameter `until` has no default: pass --param until=...",
            ]
        );
        assert_eq!(
            parse_assignment("a=b=c"),
            Ok(("a".to_string(), "b=c".to_string()))
        );
        assert!(parse_assignment("=x").is_err());
    }
}
