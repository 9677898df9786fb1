//! Aggregate functions and their grouped accumulators.
//!
//! The hash aggregate operator gives each group a dense id (`u32`) and calls an accumulator
//! with a batch of values and the group id of each row, so one typed loop updates a whole
//! batch. Each worker thread keeps its own accumulators; at the end they are merged with
//! [`GroupsAccumulator::merge`] (the other accumulator's group `g` becomes this one's group
//! `group_map[g]`). Merging preserves input order: `self` holds rows from before `other`.
//!
//! The library, one family per file (result types follow DuckDB, see each file):
//!
//! | file | functions |
//! |---|---|
//! | `count.rs` | `count_star`, `count`, `count_if` (`countif`) |
//! | `sum.rs`, `avg.rs` | `sum`, `avg` (`mean`) |
//! | `float_sums.rs` | `fsum` (`sumkahan`, `kahan_sum`), `weighted_avg` (`wavg`) |
//! | `fold.rs` | `product`, `bit_and`, `bit_or`, `bit_xor` |
//! | `min_max.rs` | `min`, `max` |
//! | `first_last.rs` | `first` (`arbitrary`), `last`, `any_value`, `arg_min` (`argmin`, `min_by`), `arg_max` (`argmax`, `max_by`), `arg_min_null`, `arg_max_null` |
//! | `top_n.rs` | the `n` forms `min(x, n)`, `max(x, n)`, `arg_min(arg, val, n)`, `arg_max(arg, val, n)` |
//! | `quantile.rs`, `mode.rs`, `mad.rs` | `median`, `quantile_cont`, `quantile_disc` (`quantile`), `mode`, `mad` |
//! | `variance.rs` | `var_samp` (`variance`), `var_pop`, `stddev_samp` (`stddev`), `stddev_pop`, `sem` |
//! | `moments.rs` | `skewness`, `kurtosis`, `kurtosis_pop` |
//! | `covariance.rs`, `regression.rs` | `covar_pop`, `covar_samp`, `corr`, `regr_count`, `regr_avgx`, `regr_avgy`, `regr_slope`, `regr_intercept`, `regr_r2`, `regr_sxx`, `regr_syy`, `regr_sxy` |
//! | `histogram.rs` | `histogram`, `histogram_exact` (and the scalar `is_histogram_other_bin`) |
//! | `frequency.rs` | `entropy`, `approx_top_k` |
//! | `approx_count.rs` | `approx_count_distinct` |
//! | `string_agg.rs`, `list.rs` | `string_agg` (`group_concat`, `listagg`), `list` (`array_agg`) |
//! | `boolean.rs` | `bool_and`, `bool_or` |
//! | `distinct.rs` | [`distinct_accumulator`], the DISTINCT wrapper for any of them |
//!
//! `value_counts.rs` (per-group counts of distinct values) and `collect.rs` (rows
//! collected per group) are shared states.
//!
//! Order-sensitive aggregates (`first`, `last`, `any_value`, `arg_min`, `arg_max`, `list`,
//! `string_agg`, `mode`, the `n` forms, `sum` of floats) honour an ORDER BY through the
//! extra key argument described on [`AggregateArgs::ordered`]; the others ignore it.

mod approx_count;
mod avg;
mod boolean;
mod collect;
mod count;
mod covariance;
mod distinct;
mod first_last;
mod float_sums;
mod fold;
mod frequency;
mod histogram;
mod list;
mod mad;
mod min_max;
mod mode;
mod moments;
mod quantile;
mod regression;
mod string_agg;
mod sum;
mod top_n;
mod util;
mod value_counts;
mod variance;

use std::any::Any;

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;

pub use distinct::distinct_accumulator;

use super::{FunctionRegistry, SignatureFn};
use crate::error::Result;
use crate::types::ScalarValue;

/// What an accumulator is created with.
#[derive(Debug, Clone)]
pub struct AggregateArgs {
    /// The argument types (after the signature's casts).
    pub arg_types: Vec<DataType>,
    /// Literal argument values (`None` for column arguments), e.g. the 0.9 of
    /// `quantile_cont(x, 0.9)` or the separator of `string_agg(x, ', ')`.
    pub literal_args: Vec<Option<ScalarValue>>,
    /// The return type decided by the signature.
    pub return_type: DataType,
    /// Whether an ORDER BY was given: then the operator appends one extra argument, a
    /// `Binary` array of row-encoded sort keys that compare bytewise in the wanted order.
    pub ordered: bool,
}

/// Per-group aggregate state for many groups at once.
pub trait GroupsAccumulator: Send + Any {
    /// Adds rows: `values` are the argument arrays (all of one batch's length), `groups` the
    /// group id of each row; ids are below `num_groups`, and new ids may appear in any call.
    fn update(&mut self, values: &[ArrayRef], groups: &[u32], num_groups: usize) -> Result<()>;

    /// Folds another accumulator of the same kind into this one: `other`'s group `g` is
    /// this one's group `group_map[g]`; `num_groups` is this accumulator's new group count.
    fn merge(
        &mut self,
        other: Box<dyn GroupsAccumulator>,
        group_map: &[u32],
        num_groups: usize,
    ) -> Result<()>;

    /// The final value of every group, `num_groups` of them, in group id order.
    fn finish(&mut self, num_groups: usize) -> Result<ArrayRef>;

    /// Approximate memory held, in bytes.
    fn size(&self) -> usize;

    /// For downcasting in `merge`.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

/// An aggregate function's definition.
pub struct AggregateFunctionDef {
    /// The canonical name, lower case.
    pub name: &'static str,
    /// Other names it answers to.
    pub aliases: &'static [&'static str],
    /// Argument checking, casts and the return type.
    pub signature: SignatureFn,
    /// Creates an empty accumulator.
    pub create: fn(&AggregateArgs) -> Result<Box<dyn GroupsAccumulator>>,
}

impl std::fmt::Debug for AggregateFunctionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AggregateFunctionDef")
            .field("name", &self.name)
            .finish()
    }
}

pub(super) fn register_all(r: &mut FunctionRegistry) {
    count::register(r);
    sum::register(r);
    avg::register(r);
    min_max::register(r);
    first_last::register(r);
    quantile::register(r);
    mode::register(r);
    variance::register(r);
    covariance::register(r);
    string_agg::register(r);
    list::register(r);
    boolean::register(r);
    regression::register(r);
    histogram::register(r);
    frequency::register(r);
    approx_count::register(r);
    fold::register(r);
    moments::register(r);
    float_sums::register(r);
    mad::register(r);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, AsArray, Decimal128Array, Int32Array, Int64Array, RecordBatch, StringArray,
    };
    use arrow::datatypes::{DataType, Field, Schema};

    use crate::expr::builders::aggregate;
    use crate::prelude::*;
    use crate::types::ScalarValue;

    /// 8 batches of 20,000 rows: `k = i % 7`, `x = i % 1000` (NULL when `i % 11 == 0`),
    /// `d = (i % 500) / 100` as DECIMAL(15, 2), `s = "s{i % 13}"`.
    fn data() -> DataFrame {
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Int64, false),
            Field::new("x", DataType::Int32, true),
            Field::new("d", DataType::Decimal128(15, 2), false),
            Field::new("s", DataType::Utf8, false),
        ]));
        let batches = (0..8i64)
            .map(|b| {
                let ids: Vec<i64> = (b * 20_000..(b + 1) * 20_000).collect();
                let cols: Vec<ArrayRef> = vec![
                    Arc::new(Int64Array::from_iter_values(ids.iter().map(|i| i % 7))),
                    Arc::new(Int32Array::from_iter(
                        ids.iter()
                            .map(|i| (i % 11 != 0).then_some((i % 1000) as i32)),
                    )),
                    Arc::new(
                        Decimal128Array::from_iter_values(ids.iter().map(|i| (i % 500) as i128))
                            .with_precision_and_scale(15, 2)
                            .unwrap(),
                    ),
                    Arc::new(StringArray::from_iter_values(
                        ids.iter().map(|i| format!("s{}", i % 13)),
                    )),
                ];
                RecordBatch::try_new(schema.clone(), cols).unwrap()
            })
            .collect();
        DataFrame::try_new(schema, batches).unwrap()
    }

    #[test]
    fn group_by_end_to_end() {
        let df = data()
            .lazy()
            .group_by([col("k")])
            .agg([
                len(),
                col("x").count().alias("cnt"),
                col("x").sum().alias("sum_x"),
                col("d").sum().alias("sum_d"),
                col("x").mean().alias("avg_x"),
                col("s").min().alias("min_s"),
                col("s").max().alias("max_s"),
                col("x").median().alias("med"),
                col("s").count_distinct().alias("nd"),
                aggregate("quantile_disc", vec![col("x"), lit(0.25)]).alias("q"),
                col("x").std().alias("sd"),
            ])
            .sort(["k"], SortOptions::default())
            .collect()
            .unwrap();
        let schema = df.schema();
        let types: Vec<&DataType> = schema.fields().iter().map(|f| f.data_type()).collect();
        assert_eq!(
            types,
            vec![
                &DataType::Int64,
                &DataType::Int64,
                &DataType::Int64,
                &DataType::Int64,
                &DataType::Decimal128(38, 2),
                &DataType::Float64,
                &DataType::Utf8,
                &DataType::Utf8,
                &DataType::Float64,
                &DataType::Int64,
                &DataType::Int32,
                &DataType::Float64,
            ]
        );
        // Expected values from DuckDB over the same data (groups k = 0 and k = 6).
        let batch = df.to_batch().unwrap();
        let cell = |c: usize, r: usize| {
            ScalarValue::from_array_at(batch.column(c).as_ref(), r).to_display_string()
        };
        let want = [
            [
                "0",
                "22858",
                "20780",
                "10382340",
                "57030.71",
                "499.6313763233879",
                "s0",
                "s9",
                "500.0",
                "13",
                "250",
            ],
            [
                "6",
                "22857",
                "20779",
                "10377193",
                "57027.14",
                "499.4077193320179",
                "s0",
                "s9",
                "499.0",
                "13",
                "249",
            ],
        ];
        for (row, want) in [0, 6].into_iter().zip(want) {
            let got: Vec<String> = (0..want.len()).map(|c| cell(c, row)).collect();
            assert_eq!(got, want);
        }
        let sd = batch
            .column(11)
            .as_primitive::<arrow::datatypes::Float64Type>()
            .value(0);
        assert!((sd - 288.687898841826).abs() < 1e-9, "{sd}");
    }

    /// Every aggregate, over every input type its signature accepts, finishes with exactly
    /// the declared return type (the engine builds batches from declared schemas).
    #[test]
    fn finish_types_equal_signature_types() {
        use crate::functions::{registry, AggregateArgs};
        let sample: ArrayRef = Arc::new(Int32Array::from(vec![Some(3), None, Some(1), Some(2)]));
        let types = [
            DataType::Int8,
            DataType::Int32,
            DataType::Int64,
            DataType::UInt64,
            DataType::Float32,
            DataType::Float64,
            DataType::Decimal128(15, 2),
            DataType::Decimal128(38, 4),
            DataType::Utf8,
            DataType::LargeUtf8,
            DataType::Utf8View,
            DataType::Boolean,
            DataType::Date32,
            DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some("UTC".into())),
            DataType::Null,
        ];
        let names = [
            "count",
            "count_if",
            "sum",
            "avg",
            "min",
            "max",
            "first",
            "last",
            "any_value",
            "arg_min",
            "arg_max",
            "median",
            "quantile_cont",
            "quantile_disc",
            "mode",
            "var_samp",
            "var_pop",
            "stddev_samp",
            "stddev_pop",
            "corr",
            "covar_pop",
            "covar_samp",
            "string_agg",
            "list",
            "bool_and",
            "bool_or",
        ];
        let mut checked = 0;
        for name in names {
            let def = registry().aggregate(name).unwrap();
            for t in &types {
                let (arg_types, lits): (Vec<DataType>, Vec<Option<ScalarValue>>) = match name {
                    "quantile_cont" | "quantile_disc" => (
                        vec![t.clone(), DataType::Float64],
                        vec![
                            None,
                            Some(
                                ScalarValue::try_from_array(Arc::new(
                                    arrow::array::Float64Array::from(vec![0.5]),
                                ))
                                .unwrap(),
                            ),
                        ],
                    ),
                    "string_agg" => (
                        vec![t.clone(), DataType::Utf8],
                        vec![None, Some(ScalarValue::utf8(", "))],
                    ),
                    "arg_min" | "arg_max" | "corr" | "covar_pop" | "covar_samp" => {
                        (vec![t.clone(), DataType::Int32], vec![None, None])
                    }
                    _ => (vec![t.clone()], vec![None]),
                };
                let Ok(sig) = (def.signature)(&arg_types, &lits) else {
                    continue;
                };
                // Signatures are idempotent: checking the cast types gives the same answer.
                assert_eq!(
                    (def.signature)(&sig.args, &lits).unwrap(),
                    sig,
                    "{name}({t})"
                );
                for distinct in [false, true] {
                    let args = AggregateArgs {
                        arg_types: sig.args.clone(),
                        literal_args: lits.clone(),
                        return_type: sig.ret.clone(),
                        ordered: false,
                    };
                    let mut acc = (def.create)(&args).unwrap();
                    if distinct {
                        acc = super::distinct_accumulator(acc, &args.arg_types).unwrap();
                    }
                    let values: Vec<ArrayRef> = sig
                        .args
                        .iter()
                        .enumerate()
                        .map(|(i, a)| match lits[i].as_ref() {
                            Some(l) => l.cast_to(a).unwrap().to_array(4).unwrap(),
                            None if *a == DataType::Null => arrow::array::new_null_array(a, 4),
                            None => arrow::compute::cast(&sample, a).unwrap(),
                        })
                        .collect();
                    acc.update(&values, &[0, 0, 1, 0], 2).unwrap();
                    let out = acc.finish(3).unwrap();
                    assert_eq!(out.data_type(), &sig.ret, "{name}({t}) distinct={distinct}");
                    assert_eq!(out.len(), 3, "{name}({t})");
                    assert!(
                        out.logical_nulls().is_some_and(|n| n.is_null(2)) || name == "count",
                        "{name}({t}) of an empty group"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "{checked}");
    }
}
