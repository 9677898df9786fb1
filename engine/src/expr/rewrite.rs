//! Walking and rewriting expression trees.
//!
//! [`Expr::visit`] walks a tree top-down with early exit; [`Expr::transform_up`] rebuilds it
//! bottom-up, reporting whether anything changed so optimizer rules can reach a fixed point.

use super::*;

/// How a visit continues after a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeNodeRecursion {
    /// Visit the children, then go on.
    Continue,
    /// Do not visit this node's children, but go on with its siblings.
    Skip,
    /// Stop the whole visit.
    Stop,
}

/// A rewritten value and whether the rewrite changed anything.
#[derive(Debug, Clone)]
pub struct Transformed<T> {
    /// The (possibly new) value.
    pub data: T,
    /// Whether it changed.
    pub changed: bool,
}

impl<T> Transformed<T> {
    /// A changed value.
    pub fn yes(data: T) -> Self {
        Self {
            data,
            changed: true,
        }
    }
    /// An unchanged value.
    pub fn no(data: T) -> Self {
        Self {
            data,
            changed: false,
        }
    }
}

impl Expr {
    /// The direct children, in order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Column(_) | Expr::Literal(_) | Expr::Wildcard { .. } => vec![],
            Expr::Alias(e, _)
            | Expr::Not(e)
            | Expr::Negative(e)
            | Expr::IsNull(e)
            | Expr::IsNotNull(e) => {
                vec![e]
            }
            Expr::Cast { expr, .. } => vec![expr],
            Expr::BinaryOp { left, right, .. } => vec![left, right],
            Expr::Between {
                expr, low, high, ..
            } => vec![expr, low, high],
            Expr::InList { expr, list, .. } => {
                std::iter::once(&**expr).chain(list.iter()).collect()
            }
            Expr::Like { expr, pattern, .. } => vec![expr, pattern],
            Expr::Case {
                operand,
                when_then,
                otherwise,
            } => {
                let mut v: Vec<&Expr> = operand.iter().map(|b| &**b).collect();
                for (w, t) in when_then {
                    v.push(w);
                    v.push(t);
                }
                v.extend(otherwise.iter().map(|b| &**b));
                v
            }
            Expr::Function { args, .. } => args.iter().collect(),
            Expr::Aggregate(a) => {
                let mut v: Vec<&Expr> = a.args.iter().collect();
                v.extend(a.filter.iter().map(|b| &**b));
                v.extend(a.order_by.iter().map(|s| &s.expr));
                v
            }
            Expr::Window(w) => {
                let mut v: Vec<&Expr> = w.args.iter().collect();
                v.extend(w.partition_by.iter());
                v.extend(w.order_by.iter().map(|s| &s.expr));
                v
            }
        }
    }

    /// Visits the tree top-down. Returns `false` if the visit was stopped.
    pub fn visit(&self, f: &mut impl FnMut(&Expr) -> TreeNodeRecursion) -> bool {
        match f(self) {
            TreeNodeRecursion::Stop => return false,
            TreeNodeRecursion::Skip => return true,
            TreeNodeRecursion::Continue => {}
        }
        for c in self.children() {
            if !c.visit(f) {
                return false;
            }
        }
        true
    }

    /// Rewrites every child with `f`, rebuilding this node.
    pub fn map_children<E>(
        self,
        f: &mut impl FnMut(Expr) -> Result<Transformed<Expr>, E>,
    ) -> Result<Transformed<Expr>, E> {
        let mut changed = false;
        let mut go = |e: Expr| -> Result<Expr, E> {
            let t = f(e)?;
            changed |= t.changed;
            Ok(t.data)
        };
        let go_box = |e: Box<Expr>,
                      go: &mut dyn FnMut(Expr) -> Result<Expr, E>|
         -> Result<Box<Expr>, E> { Ok(Box::new(go(*e)?)) };
        let new = match self {
            e @ (Expr::Column(_) | Expr::Literal(_) | Expr::Wildcard { .. }) => e,
            Expr::Alias(e, n) => Expr::Alias(go_box(e, &mut go)?, n),
            Expr::Not(e) => Expr::Not(go_box(e, &mut go)?),
            Expr::Negative(e) => Expr::Negative(go_box(e, &mut go)?),
            Expr::IsNull(e) => Expr::IsNull(go_box(e, &mut go)?),
            Expr::IsNotNull(e) => Expr::IsNotNull(go_box(e, &mut go)?),
            Expr::Cast { expr, to, try_cast } => Expr::Cast {
                expr: go_box(expr, &mut go)?,
                to,
                try_cast,
            },
            Expr::BinaryOp { left, op, right } => Expr::BinaryOp {
                left: go_box(left, &mut go)?,
                op,
                right: go_box(right, &mut go)?,
            },
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => Expr::Between {
                expr: go_box(expr, &mut go)?,
                negated,
                low: go_box(low, &mut go)?,
                high: go_box(high, &mut go)?,
            },
            Expr::InList {
                expr,
                list,
                negated,
            } => Expr::InList {
                expr: go_box(expr, &mut go)?,
                list: list.into_iter().map(&mut go).collect::<Result<_, E>>()?,
                negated,
            },
            Expr::Like {
                expr,
                pattern,
                negated,
                case_insensitive,
                escape,
            } => Expr::Like {
                expr: go_box(expr, &mut go)?,
                pattern: go_box(pattern, &mut go)?,
                negated,
                case_insensitive,
                escape,
            },
            Expr::Case {
                operand,
                when_then,
                otherwise,
            } => Expr::Case {
                operand: operand.map(|o| go_box(o, &mut go)).transpose()?,
                when_then: when_then
                    .into_iter()
                    .map(|(w, t)| Ok((go(w)?, go(t)?)))
                    .collect::<Result<_, E>>()?,
                otherwise: otherwise.map(|o| go_box(o, &mut go)).transpose()?,
            },
            Expr::Function { name, args } => Expr::Function {
                name,
                args: args.into_iter().map(&mut go).collect::<Result<_, E>>()?,
            },
            Expr::Aggregate(a) => Expr::Aggregate(AggregateCall {
                func: a.func,
                args: a.args.into_iter().map(&mut go).collect::<Result<_, E>>()?,
                distinct: a.distinct,
                filter: a.filter.map(|f| go_box(f, &mut go)).transpose()?,
                order_by: a
                    .order_by
                    .into_iter()
                    .map(|s| {
                        Ok(SortExpr {
                            expr: go(s.expr)?,
                            ..s
                        })
                    })
                    .collect::<Result<_, E>>()?,
            }),
            Expr::Window(w) => {
                let w = *w;
                Expr::Window(Box::new(WindowCall {
                    args: w.args.into_iter().map(&mut go).collect::<Result<_, E>>()?,
                    partition_by: w
                        .partition_by
                        .into_iter()
                        .map(&mut go)
                        .collect::<Result<_, E>>()?,
                    order_by: w
                        .order_by
                        .into_iter()
                        .map(|s| {
                            Ok(SortExpr {
                                expr: go(s.expr)?,
                                ..s
                            })
                        })
                        .collect::<Result<_, E>>()?,
                    ..w
                }))
            }
        };
        Ok(Transformed { data: new, changed })
    }

    /// Rewrites the tree bottom-up: children first, then `f` on the rebuilt node.
    pub fn transform_up<E>(
        self,
        f: &mut impl FnMut(Expr) -> Result<Transformed<Expr>, E>,
    ) -> Result<Transformed<Expr>, E> {
        let children = self.map_children(&mut |c| c.transform_up(f))?;
        let mut t = f(children.data)?;
        t.changed |= children.changed;
        Ok(t)
    }

    /// Rewrites the tree top-down: `f` on this node first, then on its (new) children.
    pub fn transform_down<E>(
        self,
        f: &mut impl FnMut(Expr) -> Result<Transformed<Expr>, E>,
    ) -> Result<Transformed<Expr>, E> {
        let t = f(self)?;
        let mut c = t.data.map_children(&mut |c| c.transform_down(f))?;
        c.changed |= t.changed;
        Ok(c)
    }

    /// Replaces every sub-expression equal to a key with its value (used to point
    /// expressions above an aggregation at the aggregation's output columns).
    pub fn replace_exprs(self, replacements: &[(Expr, Expr)]) -> Expr {
        let r: Result<Transformed<Expr>, std::convert::Infallible> =
            self.transform_down(&mut |e| {
                for (from, to) in replacements {
                    if &e == from {
                        return Ok(Transformed::yes(to.clone()));
                    }
                }
                Ok(Transformed::no(e))
            });
        match r {
            Ok(t) => t.data,
            Err(never) => match never {},
        }
    }
}
