//! Build side selection: a hash join builds its table on the right input, so the smaller
//! input (by estimate) goes to the right. Inner and full joins swap as they are; a left
//! join becomes a right join of the swapped inputs and the other way round (the hash join
//! emits the build rows no probe matched at the end). The swap is invisible above: a
//! projection restores the original column order. (Semi and anti joins choose their build
//! side in the physical join instead.)

use std::sync::Arc;

use super::utils::{column_at, transform_up};
use super::OptimizerRule;
use crate::error::Result;
use crate::expr::Transformed;
use crate::logical::*;

/// The rule.
pub struct BuildSide;

impl OptimizerRule for BuildSide {
    fn name(&self) -> &'static str {
        "build_side"
    }

    fn rewrite(&self, plan: Arc<LogicalPlan>) -> Result<Transformed<Arc<LogicalPlan>>> {
        transform_up(plan, &mut |node| {
            let LogicalPlan::Join(j) = node.as_ref() else {
                return Ok(Transformed::no(node));
            };
            let swapped_type = match j.join_type {
                JoinType::Inner => JoinType::Inner,
                JoinType::Full => JoinType::Full,
                JoinType::Left => JoinType::Right,
                JoinType::Right => JoinType::Left,
                _ => return Ok(Transformed::no(node)),
            };
            if j.on.is_empty() {
                return Ok(Transformed::no(node));
            }
            let (Some(l), Some(r)) = (j.left.estimated_rows(), j.right.estimated_rows()) else {
                return Ok(Transformed::no(node));
            };
            // Swap only on a clear difference, so the rule cannot flip back and forth.
            if r <= l.saturating_mul(2) {
                return Ok(Transformed::no(node));
            }
            let swapped = LogicalPlanBuilder::from(j.right.clone())
                .join_detailed(
                    j.left.clone(),
                    swapped_type,
                    j.on.iter().map(|(a, b)| (b.clone(), a.clone())).collect(),
                    j.filter.clone(),
                    j.null_equals_null,
                )?
                .build();
            let (nl, nr) = (j.left.schema().len(), j.right.schema().len());
            let s = swapped.schema().clone();
            let exprs = (0..nl)
                .map(|i| column_at(&s, nr + i))
                .chain((0..nr).map(|i| column_at(&s, i)))
                .collect();
            let restored = LogicalPlanBuilder::from(swapped).project(exprs)?.build();
            Ok(Transformed::yes(restored))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimizer::utils::tests::*;

    fn rewrite(plan: &Arc<LogicalPlan>) -> Transformed<Arc<LogicalPlan>> {
        BuildSide.rewrite(plan.clone()).unwrap()
    }

    #[test]
    fn the_smaller_input_goes_to_the_build_side() {
        // l has 10 rows, r 100: r is the bigger one, so it becomes the probe (left) side.
        let (l, r) = lr();
        let plan = l
            .join(r, JoinType::Inner, vec![(q("l", "k"), q("r", "k"))], None)
            .unwrap()
            .build();
        let t = rewrite(&plan);
        assert_eq!(
            t.data.display_indent(),
            "Projection: l.k, l.x, r.k, r.y\n  Join(Inner): on=[r.k = l.k]\n    TableScan: r\n    TableScan: l\n"
        );
        assert_same_results(&plan, &t.data, false);
        // The swapped plan does not swap back.
        let again = rewrite(&t.data);
        assert!(!again.changed, "{}", again.data.display_indent());
    }

    #[test]
    fn a_residual_filter_survives_the_swap() {
        let (l, r) = lr();
        let filter = Some(q("l", "x").lt(q("r", "k") * crate::expr::lit(2i64)));
        let plan = l
            .join(r, JoinType::Inner, vec![(q("l", "k"), q("r", "k"))], filter)
            .unwrap()
            .build();
        let t = rewrite(&plan);
        assert!(t.changed);
        assert!(
            t.data
                .display_indent()
                .contains("Join(Inner): on=[r.k = l.k] filter=l.x < (r.k * 2)\n"),
            "{}",
            t.data.display_indent()
        );
        assert_same_results(&plan, &t.data, false);
    }

    #[test]
    fn outer_joins_swap_into_their_mirror_types() {
        let (l, r) = lr();
        let on = || vec![(q("l", "k"), q("r", "k"))];
        for (t, mirrored) in [
            (JoinType::Left, "Join(Right)"),
            (JoinType::Right, "Join(Left)"),
            (JoinType::Full, "Join(Full)"),
        ] {
            let plan = l.clone().join(r.clone(), t, on(), None).unwrap().build();
            let out = rewrite(&plan);
            assert!(out.changed, "{t:?}");
            assert!(
                out.data.display_indent().contains(mirrored),
                "{}",
                out.data.display_indent()
            );
            assert_same_results(&plan, &out.data, false);
        }
    }

    #[test]
    fn already_small_right_sides_semi_joins_and_cross_joins_stay() {
        let (l, r) = lr();
        let on = || vec![(q("r", "k"), q("l", "k"))];
        let small_right = LogicalPlanBuilder::from(r.clone())
            .join(l.clone().build(), JoinType::Inner, on(), None)
            .unwrap()
            .build();
        assert!(!rewrite(&small_right).changed);
        let on = || vec![(q("l", "k"), q("r", "k"))];
        for t in [JoinType::LeftSemi, JoinType::LeftAnti] {
            let plan = l.clone().join(r.clone(), t, on(), None).unwrap().build();
            let out = rewrite(&plan);
            assert!(!out.changed, "{t:?} joins must keep their sides");
            assert_same_results(&plan, &out.data, false);
        }
        let cross = l.cross_join(r).unwrap().build();
        assert!(!rewrite(&cross).changed);
    }
}
