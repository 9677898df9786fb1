//! EXPLAIN text: one stable line per plan node, children indented below their parent.

use std::fmt::{self, Write};

use super::*;

fn join_exprs(exprs: &[Expr]) -> String {
    exprs
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl LogicalPlan {
    /// This node alone, on one line.
    pub fn display_node(&self) -> String {
        match self {
            LogicalPlan::TableScan(s) => {
                let mut out = format!("TableScan: {}", s.table_name);
                if let Some(p) = &s.projection {
                    let names: Vec<String> = p
                        .iter()
                        .map(|i| s.source.schema().field(*i).name().clone())
                        .collect();
                    let _ = write!(out, " projection=[{}]", names.join(", "));
                }
                if !s.filters.is_empty() {
                    let _ = write!(out, " filters=[{}]", join_exprs(&s.filters));
                }
                if let Some(f) = s.fetch {
                    let _ = write!(out, " fetch={f}");
                }
                out
            }
            LogicalPlan::Projection(p) => format!("Projection: {}", join_exprs(&p.exprs)),
            LogicalPlan::Filter(f) => format!("Filter: {}", f.predicate),
            LogicalPlan::Aggregate(a) => format!(
                "Aggregate: groupBy=[{}], aggr=[{}]",
                join_exprs(&a.group_by),
                join_exprs(&a.aggregates)
            ),
            LogicalPlan::Window(w) => format!("Window: {}", join_exprs(&w.window_exprs)),
            LogicalPlan::Join(j) => {
                let mut out = format!("Join({:?}):", j.join_type);
                if !j.on.is_empty() {
                    let on: Vec<String> = j.on.iter().map(|(l, r)| format!("{l} = {r}")).collect();
                    let _ = write!(out, " on=[{}]", on.join(", "));
                }
                if let Some(f) = &j.filter {
                    let _ = write!(out, " filter={f}");
                }
                out
            }
            LogicalPlan::Sort(s) => {
                let keys: Vec<String> = s.exprs.iter().map(|e| e.to_string()).collect();
                match s.fetch {
                    Some(f) => format!("Sort: {} fetch={f}", keys.join(", ")),
                    None => format!("Sort: {}", keys.join(", ")),
                }
            }
            LogicalPlan::Limit(l) => match l.fetch {
                Some(f) => format!("Limit: skip={} fetch={f}", l.skip),
                None => format!("Limit: skip={}", l.skip),
            },
            LogicalPlan::Distinct(_) => "Distinct".to_string(),
            LogicalPlan::Union(_) => "Union".to_string(),
            LogicalPlan::SubqueryAlias(a) => format!("SubqueryAlias: {}", a.alias),
            LogicalPlan::Values(v) => format!("Values: {} rows", v.rows.len()),
            LogicalPlan::Unnest(u) => format!(
                "Unnest: {}",
                u.input.schema().field(u.column).qualified_name()
            ),
            LogicalPlan::EmptyRelation(e) => {
                if e.produce_one_row {
                    "EmptyRelation: one row".to_string()
                } else {
                    "EmptyRelation".to_string()
                }
            }
        }
    }

    /// The whole tree, indented.
    pub fn display_indent(&self) -> String {
        let mut out = String::new();
        self.write_indent(&mut out, 0)
            .expect("writing to a String cannot fail");
        out
    }

    fn write_indent(&self, out: &mut String, depth: usize) -> fmt::Result {
        writeln!(out, "{}{}", "  ".repeat(depth), self.display_node())?;
        for i in self.inputs() {
            i.write_indent(out, depth + 1)?;
        }
        Ok(())
    }
}

impl fmt::Display for LogicalPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_indent())
    }
}
