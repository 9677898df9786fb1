//! The function library: scalar, aggregate and window functions, looked up by name.
//!
//! Each family lives in its own file and registers its definitions into one process-wide
//! [`FunctionRegistry`]. A definition is plain data plus function pointers: a `signature`
//! that checks argument types (and says which types to cast them to) and computes the
//! return type, and an implementation that works on whole Arrow arrays.

pub mod aggregate;
pub mod scalar;
pub mod window;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;

use crate::error::{did_you_mean, Error, Result};
use crate::types::ScalarValue;

pub use aggregate::{AggregateArgs, AggregateFunctionDef, GroupsAccumulator};
pub use scalar::ScalarFunctionDef;
pub use window::WindowFunctionDef;

/// A function's input: a whole column, or one value standing for every row.
#[derive(Debug, Clone)]
pub enum ColumnarValue {
    /// One value per row.
    Array(ArrayRef),
    /// One value for all rows.
    Scalar(ScalarValue),
}

impl ColumnarValue {
    /// The value's type.
    pub fn data_type(&self) -> DataType {
        match self {
            ColumnarValue::Array(a) => a.data_type().clone(),
            ColumnarValue::Scalar(s) => s.data_type().clone(),
        }
    }

    /// As an array of `num_rows` values (a scalar is repeated).
    pub fn into_array(self, num_rows: usize) -> Result<ArrayRef> {
        match self {
            ColumnarValue::Array(a) => Ok(a),
            ColumnarValue::Scalar(s) => s.to_array(num_rows),
        }
    }

    /// As an array of `num_rows` values, borrowing.
    pub fn to_array(&self, num_rows: usize) -> Result<ArrayRef> {
        self.clone().into_array(num_rows)
    }

    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&ScalarValue> {
        match self {
            ColumnarValue::Scalar(s) => Some(s),
            ColumnarValue::Array(_) => None,
        }
    }
}

/// What a signature check decides: the types to cast the arguments to, and the result type.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// One target type per argument (equal to the input type when no cast is needed).
    pub args: Vec<DataType>,
    /// The return type.
    pub ret: DataType,
}

impl Signature {
    /// Arguments kept as they are.
    pub fn keep(args: &[DataType], ret: DataType) -> Self {
        Self {
            args: args.to_vec(),
            ret,
        }
    }
}

/// Checks argument types: given the argument types and the values of literal arguments
/// (`None` for non-literals), returns the cast targets and return type, or an error that
/// names the function and says what it accepts.
pub type SignatureFn = fn(&[DataType], &[Option<ScalarValue>]) -> Result<Signature>;

/// The process-wide function library.
#[derive(Default)]
pub struct FunctionRegistry {
    scalars: HashMap<String, Arc<ScalarFunctionDef>>,
    aggregates: HashMap<String, Arc<AggregateFunctionDef>>,
    windows: HashMap<String, Arc<WindowFunctionDef>>,
}

impl FunctionRegistry {
    fn build() -> Self {
        let mut r = Self::default();
        scalar::register_all(&mut r);
        aggregate::register_all(&mut r);
        window::register_all(&mut r);
        r
    }

    /// Adds a scalar function under its name and aliases.
    pub fn add_scalar(&mut self, def: ScalarFunctionDef) {
        let def = Arc::new(def);
        for n in std::iter::once(def.name).chain(def.aliases.iter().copied()) {
            self.scalars.insert(n.to_string(), def.clone());
        }
    }

    /// Adds an aggregate function under its name and aliases.
    pub fn add_aggregate(&mut self, def: AggregateFunctionDef) {
        let def = Arc::new(def);
        for n in std::iter::once(def.name).chain(def.aliases.iter().copied()) {
            self.aggregates.insert(n.to_string(), def.clone());
        }
    }

    /// Adds a window function under its name and aliases.
    pub fn add_window(&mut self, def: WindowFunctionDef) {
        let def = Arc::new(def);
        for n in std::iter::once(def.name).chain(def.aliases.iter().copied()) {
            self.windows.insert(n.to_string(), def.clone());
        }
    }

    /// A scalar function by name (case-insensitive), with a "did you mean" error.
    pub fn scalar(&self, name: &str) -> Result<&Arc<ScalarFunctionDef>> {
        let lower = name.to_lowercase();
        self.scalars.get(&lower).ok_or_else(|| {
            let hint = did_you_mean(&lower, self.all_names());
            let kind = if self.aggregates.contains_key(&lower) {
                format!("; `{lower}` is an aggregate function and cannot be used here")
            } else {
                hint
            };
            Error::FunctionNotFound(format!("scalar function `{name}` does not exist{kind}"))
        })
    }

    /// An aggregate function by name (case-insensitive).
    pub fn aggregate(&self, name: &str) -> Result<&Arc<AggregateFunctionDef>> {
        let lower = name.to_lowercase();
        self.aggregates.get(&lower).ok_or_else(|| {
            let hint = did_you_mean(&lower, self.aggregates.keys().map(String::as_str));
            Error::FunctionNotFound(format!("aggregate function `{name}` does not exist{hint}"))
        })
    }

    /// A window function by name (case-insensitive).
    pub fn window(&self, name: &str) -> Option<&Arc<WindowFunctionDef>> {
        self.windows.get(&name.to_lowercase())
    }

    /// Whether `name` is an aggregate function.
    pub fn is_aggregate(&self, name: &str) -> bool {
        self.aggregates.contains_key(&name.to_lowercase())
    }

    /// Every function name, for suggestions and `duckdb_functions()`-like listings.
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        self.scalars
            .keys()
            .chain(self.aggregates.keys())
            .chain(self.windows.keys())
            .map(String::as_str)
    }
}

static REGISTRY: LazyLock<FunctionRegistry> = LazyLock::new(FunctionRegistry::build);

/// The function library.
pub fn registry() -> &'static FunctionRegistry {
    &REGISTRY
}

/// Whether a scalar function gives a different value on each call (`random()`), so it
/// must not be constant-folded.
pub fn is_volatile(name: &str) -> bool {
    registry().scalars.get(name).is_some_and(|d| d.volatile)
}

/// Whether `name` is a ranking or navigation window function (not an aggregate).
pub fn is_window_function(name: &str) -> bool {
    registry().windows.contains_key(&name.to_lowercase())
}

/// A standard "wrong arguments" error for signatures.
pub fn signature_error(name: &str, expected: &str, got: &[DataType]) -> Error {
    let got: Vec<String> = got.iter().map(|t| t.to_string()).collect();
    Error::Schema(format!(
        "function `{name}` expects {expected}, but was called with ({}); add a CAST to the expected type",
        got.join(", ")
    ))
}
