//! Join order for comma-separated FROM lists (`FROM part, supplier, lineitem WHERE ...`).
//!
//! Items are joined in the order written, and the optimizer turns each cross join with an
//! equality filter into a hash join. When an item has no equality with the items before it
//! (TPC-H Q9 lists `part, supplier` before `lineitem`, which connects them), that order
//! forces a cross product. Here the items are put in a connected order instead: starting
//! from the first, the next item is one that an equality in WHERE links to the items
//! already joined (a cross join only when none is): a small dimension table (at most
//! [`SMALL_TABLE`] rows by estimate, such as TPC-H's nation) if one is linked, so that its
//! filters cut the rows early (Q7), else the first linked one written. Without statistics
//! on key columns, bigger tables keep their written order: joining a mid-sized table early
//! on a non-key column can multiply rows (Q5's customer and supplier share only a nation).
//! A projection then restores the written column order, so `SELECT *` is unchanged. Items
//! that may refer to earlier ones (LATERAL subqueries, table functions) keep the written
//! order.

use quiver_engine::expr::{Column, Expr};
use quiver_engine::logical::{builder_column_of, LogicalPlanBuilder};
use quiver_engine::Result;
use sqlparser::ast::{BinaryOperator, Expr as SqlExpr, TableFactor, TableWithJoins};

use super::expr::column_from_idents;
use super::relation::resolves;
use super::subquery::conjuncts;
use super::SqlPlanner;

/// Whether the item stands on its own (does not read columns of earlier items).
fn independent(twj: &TableWithJoins) -> bool {
    match &twj.relation {
        TableFactor::Table { args, .. } => args.is_none(),
        TableFactor::Derived { lateral, .. } => !lateral,
        _ => false,
    }
}

/// A column reference as an engine column, if `e` is one.
fn column(e: &SqlExpr) -> Option<Expr> {
    match e {
        SqlExpr::Identifier(i) => Some(Expr::Column(Column::new(i.value.clone()))),
        SqlExpr::CompoundIdentifier(parts) => Some(column_from_idents(parts)),
        SqlExpr::Nested(inner) => column(inner),
        _ => None,
    }
}

/// Pairs of items linked by an equality between their columns in `selection`.
fn equality_links(selection: &SqlExpr, items: &[LogicalPlanBuilder]) -> Vec<(usize, usize)> {
    let owner = |e: &Expr| {
        let mut found = items
            .iter()
            .enumerate()
            .filter(|(_, p)| resolves(e, p.schema()));
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    };
    conjuncts(selection)
        .into_iter()
        .map(|mut t| {
            while let SqlExpr::Nested(inner) = t {
                t = inner;
            }
            t
        })
        .filter_map(|t| match t {
            SqlExpr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } => {
                let (a, b) = (owner(&column(left)?)?, owner(&column(right)?)?);
                (a != b).then_some((a, b))
            }
            _ => None,
        })
        .collect()
}

/// Items of at most this many rows (by estimate) join as soon as they are linked.
const SMALL_TABLE: usize = 1_000;

/// The items in a connected order (see the module docs); `sizes` are the estimated rows
/// of each item.
fn connected_order(sizes: &[Option<usize>], links: &[(usize, usize)]) -> Vec<usize> {
    let n = sizes.len();
    let mut order = vec![0];
    let mut joined = vec![false; n];
    joined[0] = true;
    while order.len() < n {
        let candidates: Vec<usize> = (0..n)
            .filter(|&i| {
                !joined[i]
                    && links
                        .iter()
                        .any(|&(a, b)| (a == i && joined[b]) || (b == i && joined[a]))
            })
            .collect();
        let small = candidates
            .iter()
            .copied()
            .find(|&i| sizes[i].is_some_and(|r| r <= SMALL_TABLE));
        let linked = small.or(candidates.first().copied());
        let next = linked.unwrap_or_else(|| (0..n).find(|&i| !joined[i]).unwrap_or(0));
        joined[next] = true;
        order.push(next);
    }
    order
}

impl SqlPlanner<'_> {
    /// The FROM clause with its items in a connected join order for `selection`.
    pub(super) fn plan_from_ordered(
        &self,
        from: &[TableWithJoins],
        selection: Option<&SqlExpr>,
    ) -> Result<LogicalPlanBuilder> {
        let Some(selection) = selection else {
            return self.plan_from(from);
        };
        if from.len() < 3 || !from.iter().all(independent) {
            return self.plan_from(from);
        }
        let items = from
            .iter()
            .map(|t| self.plan_table_with_joins(t))
            .collect::<Result<Vec<_>>>()?;
        let sizes: Vec<Option<usize>> = items
            .iter()
            .map(|p| p.clone().build().estimated_rows())
            .collect();
        let order = connected_order(&sizes, &equality_links(selection, &items));
        let as_written = order.iter().enumerate().all(|(k, &i)| k == i);
        let written: Vec<Expr> = items
            .iter()
            .flat_map(|p| p.schema().fields().iter().map(builder_column_of))
            .collect();
        let mut plan = items[order[0]].clone();
        for &i in &order[1..] {
            plan = plan.cross_join(items[i].clone().build())?;
        }
        if as_written {
            Ok(plan)
        } else {
            plan.project(written)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::connected_order;

    #[test]
    fn items_join_in_a_connected_order() {
        // part(0), supplier(1), lineitem(2), partsupp(3), orders(4), nation(5) as in Q9.
        let links = [(1, 2), (3, 2), (3, 2), (0, 2), (2, 4), (1, 5)];
        let sizes = [200_000, 10_000, 6_000_000, 800_000, 1_500_000, 25].map(Some);
        assert_eq!(connected_order(&sizes, &links), vec![0, 2, 1, 5, 3, 4]);
        // Unlinked items come last, in written order.
        assert_eq!(connected_order(&[None; 4], &[(0, 2)]), vec![0, 2, 1, 3]);
        // Q7: supplier(0) joins nation n1(4) before lineitem(1), but a mid-sized table
        // does not jump the written order.
        let links = [(0, 1), (2, 1), (3, 2), (0, 4), (3, 5)];
        let sizes = [10_000, 6_000_000, 1_500_000, 150_000, 25, 25].map(Some);
        assert_eq!(connected_order(&sizes, &links), vec![0, 4, 1, 2, 3, 5]);
    }
}
