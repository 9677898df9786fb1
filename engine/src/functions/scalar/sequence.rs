//! Sequences: `CREATE SEQUENCE` state and the `nextval` / `currval` functions.
//!
//! A sequence is a counter shared by every query of the SQL context that created it. The
//! state lives in one process-wide table keyed by a numeric id; the SQL layer maps a
//! sequence's name to its id in its own catalog and lowers `nextval('name')` to
//! `__sequence_nextval(id)`, so two contexts can each have a sequence called `seq`.
//! `nextval` is volatile: every row draws a fresh value, under a lock (rows of parallel
//! morsels draw in no particular order, as in DuckDB).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use arrow::array::{AsArray, Int64Array};
use arrow::datatypes::{DataType, Int64Type};

use super::util::volatile;
use crate::error::{Error, Result};
use crate::functions::{ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;

/// The name the SQL layer lowers `nextval('seq')` to.
pub const NEXTVAL: &str = "__sequence_nextval";
/// The name the SQL layer lowers `currval('seq')` to.
pub const CURRVAL: &str = "__sequence_currval";

/// How a sequence counts, from `CREATE SEQUENCE` options.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceOptions {
    /// The first value.
    pub start: i64,
    /// Added for each value (never zero).
    pub increment: i64,
    /// The smallest value.
    pub min: i64,
    /// The largest value.
    pub max: i64,
    /// Whether to wrap around at the end instead of failing.
    pub cycle: bool,
}

impl SequenceOptions {
    /// Options with DuckDB's defaults for any field not given: an ascending sequence runs
    /// from 1 to i64::MAX, a descending one from -1 down to i64::MIN.
    pub fn new(
        start: Option<i64>,
        increment: Option<i64>,
        min: Option<i64>,
        max: Option<i64>,
        cycle: bool,
    ) -> Result<Self> {
        let increment = increment.unwrap_or(1);
        if increment == 0 {
            return Err(Error::Plan("Increment must not be zero".into()));
        }
        let min = min.unwrap_or(if increment > 0 { 1 } else { i64::MIN });
        let max = max.unwrap_or(if increment > 0 { i64::MAX } else { -1 });
        let start = start.unwrap_or(if increment > 0 { min } else { max });
        if min >= max {
            return Err(Error::Plan(format!(
                "MINVALUE ({min}) must be less than MAXVALUE ({max})"
            )));
        }
        if start < min {
            return Err(Error::Plan(format!(
                "START value ({start}) cannot be less than MINVALUE ({min})"
            )));
        }
        if start > max {
            return Err(Error::Plan(format!(
                "START value ({start}) cannot be greater than MAXVALUE ({max})"
            )));
        }
        Ok(Self {
            start,
            increment,
            min,
            max,
            cycle,
        })
    }
}

#[derive(Debug)]
struct SequenceState {
    name: String,
    options: SequenceOptions,
    /// The value the next `nextval` returns, `None` once exhausted without CYCLE.
    next: Option<i64>,
    /// The last value returned by `nextval`.
    current: Option<i64>,
}

impl SequenceState {
    fn next_value(&mut self) -> Result<i64> {
        let o = &self.options;
        let Some(value) = self.next else {
            let (which, bound) = if o.increment > 0 {
                ("maximum", o.max)
            } else {
                ("minimum", o.min)
            };
            return Err(Error::Compute(format!(
                "Sequence Error: nextval: reached {which} value of sequence \"{}\" ({bound})",
                self.name
            )));
        };
        self.next = match value.checked_add(o.increment) {
            Some(n) if n >= o.min && n <= o.max => Some(n),
            _ if o.cycle => Some(if o.increment > 0 { o.min } else { o.max }),
            _ => None,
        };
        self.current = Some(value);
        Ok(value)
    }
}

static SEQUENCES: LazyLock<Mutex<HashMap<u64, SequenceState>>> = LazyLock::new(Default::default);
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A created sequence; dropping the handle removes its state.
#[derive(Debug)]
pub struct Sequence {
    id: u64,
}

impl Sequence {
    /// Creates a sequence's state.
    pub fn create(name: &str, options: SequenceOptions) -> Arc<Self> {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let state = SequenceState {
            name: name.to_string(),
            next: Some(options.start),
            options,
            current: None,
        };
        lock().insert(id, state);
        Arc::new(Self { id })
    }

    /// The id `__sequence_nextval` / `__sequence_currval` take.
    pub fn id(&self) -> i64 {
        self.id as i64
    }
}

impl Drop for Sequence {
    fn drop(&mut self) {
        lock().remove(&self.id);
    }
}

fn lock() -> std::sync::MutexGuard<'static, HashMap<u64, SequenceState>> {
    // A panic while holding the lock cannot leave a state half-updated, so a poisoned
    // lock is still usable.
    SEQUENCES.lock().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(volatile(NEXTVAL, &[], sig_sequence, invoke_nextval));
    r.add_scalar(volatile(CURRVAL, &[], sig_sequence, invoke_currval));
}

fn sig_sequence(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    if args.len() != 1 {
        return Err(Error::Plan(
            "a sequence function takes the sequence's name".into(),
        ));
    }
    Ok(Signature {
        args: vec![DataType::Int64],
        ret: DataType::Int64,
    })
}

fn sequence_ids(args: &[ColumnarValue], rows: usize) -> Result<Int64Array> {
    let ids = args[0].to_array(rows)?;
    Ok(ids.as_primitive::<Int64Type>().clone())
}

fn invoke_nextval(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let ids = sequence_ids(args, rows)?;
    let mut sequences = lock();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids.iter() {
        let value = match id {
            None => None,
            Some(id) => Some(state(&mut sequences, id)?.next_value()?),
        };
        out.push(value);
    }
    Ok(ColumnarValue::Array(Arc::new(Int64Array::from(out))))
}

fn invoke_currval(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let ids = sequence_ids(args, rows)?;
    let mut sequences = lock();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids.iter() {
        let value = match id {
            None => None,
            Some(id) => Some(state(&mut sequences, id)?.current.ok_or_else(|| {
                Error::Compute(
                    "Sequence Error: currval: sequence is not yet defined in this session".into(),
                )
            })?),
        };
        out.push(value);
    }
    Ok(ColumnarValue::Array(Arc::new(Int64Array::from(out))))
}

fn state(sequences: &mut HashMap<u64, SequenceState>, id: i64) -> Result<&mut SequenceState> {
    sequences
        .get_mut(&(id as u64))
        .ok_or_else(|| Error::TableNotFound("the sequence was dropped".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(seq: &Sequence, n: usize) -> Result<Vec<i64>> {
        let out = invoke_nextval(&[ColumnarValue::Scalar(ScalarValue::from(seq.id()))], n)?
            .into_array(n)?;
        Ok(out.as_primitive::<Int64Type>().values().to_vec())
    }

    #[test]
    fn counts_up_and_stops_at_the_maximum() {
        let opts = SequenceOptions::new(None, None, None, Some(3), false).unwrap();
        let seq = Sequence::create("s", opts);
        assert_eq!(draw(&seq, 2).unwrap(), vec![1, 2]);
        assert_eq!(draw(&seq, 1).unwrap(), vec![3]);
        let err = draw(&seq, 1).unwrap_err().to_string();
        assert!(
            err.contains("reached maximum value of sequence \"s\" (3)"),
            "{err}"
        );
    }

    #[test]
    fn cycles_and_counts_down() {
        let opts = SequenceOptions::new(None, None, None, Some(2), true).unwrap();
        let seq = Sequence::create("c", opts);
        assert_eq!(draw(&seq, 5).unwrap(), vec![1, 2, 1, 2, 1]);
        let down = Sequence::create(
            "d",
            SequenceOptions::new(None, Some(-1), None, None, false).unwrap(),
        );
        assert_eq!(draw(&down, 2).unwrap(), vec![-1, -2]);
    }

    #[test]
    fn rejects_bad_options() {
        assert!(SequenceOptions::new(Some(0), None, None, None, false).is_err());
        assert!(SequenceOptions::new(None, Some(0), None, None, false).is_err());
        assert!(SequenceOptions::new(None, None, Some(5), Some(3), false).is_err());
    }
}
