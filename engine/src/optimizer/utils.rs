//! Helpers shared by optimizer rules: plan traversal and column bookkeeping.

use std::sync::Arc;

use crate::error::Result;
use crate::expr::{Column, Expr, Transformed};
use crate::logical::LogicalPlan;
use crate::types::QSchema;

/// Applies `f` to every node bottom-up, rebuilding parents whose inputs changed.
pub fn transform_up(
    plan: Arc<LogicalPlan>,
    f: &mut impl FnMut(Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>>,
) -> Result<Transformed<Arc<LogicalPlan>>> {
    let inputs = plan.inputs();
    let mut changed = false;
    let mut new_inputs = Vec::with_capacity(inputs.len());
    for i in inputs {
        let t = transform_up(i.clone(), f)?;
        changed |= t.changed;
        new_inputs.push(t.data);
    }
    let node = if changed {
        Arc::new(plan.with_new_inputs(new_inputs))
    } else {
        plan
    };
    let mut t = f(node)?;
    t.changed |= changed;
    Ok(t)
}

/// Whether every column `e` references resolves in `schema`.
pub fn resolves_in(e: &Expr, schema: &QSchema) -> bool {
    e.columns()
        .iter()
        .all(|c| matches!(schema.find(c.relation.as_deref(), &c.name), Ok(Some(_))))
}

/// The schema indices `e` references (columns that do not resolve are ignored).
pub fn referenced_indices(e: &Expr, schema: &QSchema, out: &mut [bool]) {
    for c in e.columns() {
        if let Ok(Some(i)) = schema.find(c.relation.as_deref(), &c.name) {
            out[i] = true;
        }
    }
}

/// A column expression naming field `i` of `schema` exactly.
pub fn column_at(schema: &QSchema, i: usize) -> Expr {
    let f = schema.field(i);
    Expr::Column(Column {
        relation: f.qualifier().map(str::to_string),
        name: f.name().to_string(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    //! Fixtures shared by the optimizer rules' tests: small in-memory tables, running a
    //! plan with and without the optimizer, and rows as text.

    use super::*;
    use crate::expr::col;
    use crate::io::MemoryTable;
    use crate::logical::LogicalPlanBuilder;
    use crate::physical::{collect, create_physical_plan};
    use crate::session::Session;
    use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use arrow::util::display::{ArrayFormatter, FormatOptions};

    /// An Int64 column.
    pub(crate) fn ints(v: impl IntoIterator<Item = Option<i64>>) -> ArrayRef {
        Arc::new(Int64Array::from_iter(v))
    }

    /// A Utf8 column.
    pub(crate) fn strs(v: Vec<Option<&str>>) -> ArrayRef {
        Arc::new(StringArray::from(v))
    }

    /// A scan of an in-memory table of `columns`, its columns qualified by `qualifier`.
    pub(crate) fn table(
        name: &str,
        qualifier: Option<&str>,
        columns: Vec<(&str, ArrayRef)>,
    ) -> LogicalPlanBuilder {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let source = MemoryTable::try_new(batch.schema(), vec![batch]).unwrap();
        LogicalPlanBuilder::scan(name, qualifier, Arc::new(source)).unwrap()
    }

    /// `t(a, b, c)`: a = 0..n, b = a % 3 (NULL when a % 5 = 4), c = a * 10.
    pub(crate) fn abc(n: i64) -> LogicalPlanBuilder {
        table(
            "t",
            None,
            vec![
                ("a", ints((0..n).map(Some))),
                (
                    "b",
                    ints((0..n).map(|a| if a % 5 == 4 { None } else { Some(a % 3) })),
                ),
                ("c", ints((0..n).map(|a| Some(a * 10)))),
            ],
        )
    }

    /// `l(k, x)` with 10 rows and `r(k, y)` with 100 rows, qualified `l` and `r`.
    pub(crate) fn lr() -> (LogicalPlanBuilder, Arc<LogicalPlan>) {
        let l = table(
            "l",
            Some("l"),
            vec![
                ("k", ints((0..10).map(Some))),
                ("x", ints((0..10).map(|i| Some(i * 2)))),
            ],
        );
        let r = table(
            "r",
            Some("r"),
            vec![
                (
                    "k",
                    ints((0..100).map(|i| if i % 7 == 6 { None } else { Some(i % 20) })),
                ),
                (
                    "y",
                    strs((0..100).map(|i| Some(["p", "q", "s"][i % 3])).collect()),
                ),
            ],
        );
        (l, r.build())
    }

    /// A qualified column.
    pub(crate) fn q(relation: &str, name: &str) -> Expr {
        Expr::Column(Column::qualified(relation, name))
    }

    /// An unqualified column (re-exported for brevity).
    pub(crate) fn c(name: &str) -> Expr {
        col(name)
    }

    /// Rows as `a|b|c` text, NULL as `NULL`.
    pub(crate) fn rows(batches: &[RecordBatch]) -> Vec<String> {
        let opts = FormatOptions::default().with_null("NULL");
        let mut out = vec![];
        for b in batches {
            let fmts: Vec<ArrayFormatter> = b
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &opts).unwrap())
                .collect();
            for r in 0..b.num_rows() {
                out.push(
                    fmts.iter()
                        .map(|f| f.value(r).to_string())
                        .collect::<Vec<_>>()
                        .join("|"),
                );
            }
        }
        out
    }

    /// Runs `plan` as it is, without the optimizer.
    pub(crate) fn run_unoptimized(plan: &LogicalPlan) -> Vec<String> {
        let s = Session::with_threads(2).unwrap();
        let physical = create_physical_plan(plan).unwrap();
        rows(&collect(&physical, &s.exec_context()).unwrap())
    }

    /// Runs `plan` as given (already rewritten by a rule) and through the whole optimizer;
    /// both must give `original`'s rows (compared sorted unless `ordered`).
    pub(crate) fn assert_same_results(
        original: &Arc<LogicalPlan>,
        rewritten: &Arc<LogicalPlan>,
        ordered: bool,
    ) {
        let s = Session::with_threads(2).unwrap();
        let mut want = run_unoptimized(original);
        let mut got = run_unoptimized(rewritten);
        let mut full = rows(&s.execute(original.clone()).unwrap());
        if !ordered {
            want.sort();
            got.sort();
            full.sort();
        }
        assert_eq!(got, want, "the rewritten plan changed the result");
        assert_eq!(full, want, "the optimized plan changed the result");
        assert_eq!(
            original.schema().to_arrow().fields(),
            rewritten.schema().to_arrow().fields(),
            "the schema changed"
        );
    }

    #[test]
    fn transform_up_reports_changes() {
        let plan = abc(3)
            .filter(c("a").gt(crate::expr::lit(1i64)))
            .unwrap()
            .build();
        let t = transform_up(plan.clone(), &mut |n| Ok(Transformed::no(n))).unwrap();
        assert!(!t.changed);
        assert!(Arc::ptr_eq(&t.data, &plan));
        let t = transform_up(plan, &mut |n| {
            Ok(match n.as_ref() {
                LogicalPlan::Filter(f) => Transformed::yes(f.input.clone()),
                _ => Transformed::no(n),
            })
        })
        .unwrap();
        assert!(t.changed);
        assert_eq!(t.data.display_indent(), "TableScan: t\n");
    }

    #[test]
    fn column_helpers() {
        let plan = abc(3).build();
        let s = plan.schema();
        assert!(resolves_in(&(c("a") + c("c")), s));
        assert!(!resolves_in(&c("zz"), s));
        let mut used = vec![false; 3];
        referenced_indices(&(c("c") + c("zz")), s, &mut used);
        assert_eq!(used, vec![false, false, true]);
        assert_eq!(column_at(s, 1), c("b"));
    }
}
