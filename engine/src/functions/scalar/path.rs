//! `path_join(base, parts...)`: joins file paths or URLs and normalises the result as
//! DuckDB does: repeated `/` collapse, `.` drops out, `..` removes the component before it
//! (and stops at the root of an absolute path or at a URL's authority, `s3://bucket`), an
//! empty relative path is `.`. Only the first argument may be absolute or carry a scheme
//! (`s3://`, `file:`); a later one that does is an error. Any NULL gives NULL.

use arrow::datatypes::DataType;

use super::util::{build_utf8, cast_all, check_arity, string_target, Shape, Strs};
use crate::error::{Error, Result};
use crate::functions::{ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(super::util::def(
        "path_join",
        &[],
        sig_path_join,
        invoke_path_join,
    ));
}

fn sig_path_join(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("path_join", args, 1, usize::MAX)?;
    let cast = cast_all("path_join", args, "(VARCHAR, ...)", |_, t| string_target(t))?;
    Ok(Signature {
        args: cast,
        ret: DataType::Utf8,
    })
}

/// Where a path is rooted.
#[derive(Debug, PartialEq)]
enum Root {
    /// Relative: `..` may climb above the start.
    None,
    /// `/...`, after an optional `scheme:` prefix (`file:/usr`).
    Slash(String),
    /// `scheme://authority`, `..` stops at the authority.
    Url(String),
}

/// The length of a leading `scheme:` (letters, digits, `+`, `-`, `.`; first a letter).
fn scheme_len(p: &str) -> Option<usize> {
    let colon = p.find(':')?;
    let scheme = &p[..colon];
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    (first_ok && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))).then_some(colon)
}

/// Splits a path into its root and the rest.
fn root_of(p: &str) -> (Root, &str) {
    if let Some(n) = scheme_len(p) {
        let after = &p[n + 1..];
        if let Some(rest) = after.strip_prefix("//") {
            let end = rest.find('/').unwrap_or(rest.len());
            let url = format!("{}//{}", &p[..=n], &rest[..end]);
            return (Root::Url(url), &rest[end..]);
        }
        if after.starts_with('/') {
            return (Root::Slash(p[..=n].to_string()), after);
        }
    }
    if p.starts_with('/') {
        return (Root::Slash(String::new()), p);
    }
    (Root::None, p)
}

/// Applies the components of `rest` to the stack `parts`.
fn push_components<'a>(parts: &mut Vec<&'a str>, rest: &'a str, rooted: bool) {
    for c in rest.split('/') {
        match c {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            c => parts.push(c),
        }
    }
}

fn join(paths: &[&str]) -> Result<String> {
    let (root, rest) = root_of(paths[0]);
    let rooted = root != Root::None;
    let mut parts: Vec<&str> = Vec::new();
    push_components(&mut parts, rest, rooted);
    for p in &paths[1..] {
        if root_of(p).0 != Root::None {
            return Err(Error::InvalidData(format!(
                "path_join: incompatible paths: cannot append `{p}` to `{}`",
                paths[0]
            )));
        }
        push_components(&mut parts, p, rooted);
    }
    let body = parts.join("/");
    Ok(match root {
        Root::None if body.is_empty() => ".".to_string(),
        Root::None => body,
        Root::Slash(prefix) | Root::Url(prefix) => format!("{prefix}/{body}"),
    })
}

fn invoke_path_join(args: &[ColumnarValue], _: usize) -> Result<ColumnarValue> {
    let shape = Shape::of(args);
    let cols = args
        .iter()
        .map(|a| Strs::new(a, "path_join"))
        .collect::<Result<Vec<_>>>()?;
    let out = build_utf8("path_join", shape.len, |i, buf| {
        let Some(paths) = cols.iter().map(|c| c.get(i)).collect::<Option<Vec<&str>>>() else {
            return Ok(false);
        };
        buf.push_str(&join(&paths)?);
        Ok(true)
    })?;
    shape.wrap(out)
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn joins_like_duckdb() {
        let j = |p: &[&str]| join(p).unwrap();
        assert_eq!(j(&["dir//subdir/", "./file"]), "dir/subdir/file");
        assert_eq!(j(&["dir/subdir", "../sibling"]), "dir/sibling");
        assert_eq!(j(&["dir/..", "../.."]), "../..");
        assert_eq!(j(&["/usr/local", "../.."]), "/");
        assert_eq!(j(&["/", "usr/local"]), "/usr/local");
        assert_eq!(j(&["file:/usr/local", "../bin"]), "file:/usr/bin");
        assert_eq!(j(&["s3://foo", "bar/baz"]), "s3://foo/bar/baz");
        assert_eq!(j(&["s3://foo", "../.."]), "s3://foo/");
        assert_eq!(j(&["", ""]), ".");
        assert!(join(&["dir", "/abs/path"]).is_err());
        assert!(join(&["s3://foo", "az://foo"]).is_err());
    }
}
