//! SQL-like text for expressions, used for output names and EXPLAIN.

use std::fmt;

use super::*;

fn list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{e}")?;
    }
    Ok(())
}

impl fmt::Display for SortExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if self.descending {
            f.write_str(" DESC")?;
        }
        if self.nulls_first {
            f.write_str(" NULLS FIRST")?;
        }
        Ok(())
    }
}

impl fmt::Display for FrameBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameBound::UnboundedPreceding => f.write_str("UNBOUNDED PRECEDING"),
            FrameBound::Preceding(n) => write!(f, "{n} PRECEDING"),
            FrameBound::CurrentRow => f.write_str("CURRENT ROW"),
            FrameBound::Following(n) => write!(f, "{n} FOLLOWING"),
            FrameBound::UnboundedFollowing => f.write_str("UNBOUNDED FOLLOWING"),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Column(c) => f.write_str(&c.flat_name()),
            Expr::Literal(v) => write!(f, "{v}"),
            Expr::Alias(e, name) => write!(f, "{e} AS {name}"),
            Expr::BinaryOp { left, op, right } => {
                let wrap = |e: &Expr| matches!(e, Expr::BinaryOp { .. });
                if wrap(left) {
                    write!(f, "({left})")?;
                } else {
                    write!(f, "{left}")?;
                }
                write!(f, " {} ", op.symbol())?;
                if wrap(right) {
                    write!(f, "({right})")
                } else {
                    write!(f, "{right}")
                }
            }
            Expr::Not(e) => write!(f, "NOT {e}"),
            Expr::Negative(e) => write!(f, "-{e}"),
            Expr::IsNull(e) => write!(f, "{e} IS NULL"),
            Expr::IsNotNull(e) => write!(f, "{e} IS NOT NULL"),
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let not = if *negated { "NOT " } else { "" };
                write!(f, "{expr} {not}BETWEEN {low} AND {high}")
            }
            Expr::InList {
                expr,
                list: items,
                negated,
            } => {
                let not = if *negated { "NOT " } else { "" };
                write!(f, "{expr} {not}IN (")?;
                list(f, items)?;
                f.write_str(")")
            }
            Expr::Like {
                expr,
                pattern,
                negated,
                case_insensitive,
                escape,
            } => {
                let not = if *negated { "NOT " } else { "" };
                let op = if *case_insensitive { "ILIKE" } else { "LIKE" };
                write!(f, "{expr} {not}{op} {pattern}")?;
                if let Some(c) = escape {
                    write!(f, " ESCAPE '{c}'")?;
                }
                Ok(())
            }
            Expr::Case {
                operand,
                when_then,
                otherwise,
            } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (w, t) in when_then {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(o) = otherwise {
                    write!(f, " ELSE {o}")?;
                }
                f.write_str(" END")
            }
            Expr::Cast { expr, to, try_cast } => {
                let name = if *try_cast { "TRY_CAST" } else { "CAST" };
                write!(f, "{name}({expr} AS {to})")
            }
            Expr::Function { name, args } => {
                write!(f, "{name}(")?;
                list(f, args)?;
                f.write_str(")")
            }
            Expr::Aggregate(a) => {
                if a.func == "count_star" {
                    f.write_str("count_star()")?;
                } else {
                    write!(f, "{}(", a.func)?;
                    if a.distinct {
                        f.write_str("DISTINCT ")?;
                    }
                    list(f, &a.args)?;
                    if !a.order_by.is_empty() {
                        f.write_str(" ORDER BY ")?;
                        for (i, s) in a.order_by.iter().enumerate() {
                            if i > 0 {
                                f.write_str(", ")?;
                            }
                            write!(f, "{s}")?;
                        }
                    }
                    f.write_str(")")?;
                }
                if let Some(filter) = &a.filter {
                    write!(f, " FILTER (WHERE {filter})")?;
                }
                Ok(())
            }
            Expr::Window(w) => {
                write!(f, "{}(", w.func)?;
                if w.distinct {
                    f.write_str("DISTINCT ")?;
                }
                list(f, &w.args)?;
                f.write_str(")")?;
                if w.ignore_nulls {
                    f.write_str(" IGNORE NULLS")?;
                }
                f.write_str(" OVER (")?;
                let mut sep = "";
                if !w.partition_by.is_empty() {
                    f.write_str("PARTITION BY ")?;
                    list(f, &w.partition_by)?;
                    sep = " ";
                }
                if !w.order_by.is_empty() {
                    write!(f, "{sep}ORDER BY ")?;
                    for (i, s) in w.order_by.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{s}")?;
                    }
                    sep = " ";
                }
                if let Some(fr) = &w.frame {
                    let units = match fr.units {
                        FrameUnits::Rows => "ROWS",
                        FrameUnits::Range => "RANGE",
                    };
                    write!(f, "{sep}{units} BETWEEN {} AND {}", fr.start, fr.end)?;
                }
                f.write_str(")")
            }
            Expr::Wildcard { qualifier } => match qualifier {
                Some(q) => write!(f, "{q}.*"),
                None => f.write_str("*"),
            },
        }
    }
}
