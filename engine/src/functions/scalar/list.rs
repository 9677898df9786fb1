//! List construction: `[a, b, c]` / `list_value(a, b, c)`.

use std::sync::Arc;

use arrow::array::{new_empty_array, Array, ArrayRef, ListArray};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field};

use crate::error::{Error, Result};
use crate::functions::{ColumnarValue, FunctionRegistry, Signature};
use crate::types::{union_type, ScalarValue};

use super::ScalarFunctionDef;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(ScalarFunctionDef {
        name: "list_value",
        aliases: &["list_pack", "array_value"],
        signature: list_value_signature,
        invoke: list_value,
        volatile: false,
    });
}

fn element_type(args: &[DataType]) -> Result<DataType> {
    let mut t = DataType::Null;
    for a in args {
        t = union_type(&t, a).ok_or_else(|| {
            Error::Schema(format!("list elements must have one type, but {t} and {a} do not mix; CAST them to one type"))
        })?;
    }
    Ok(if t == DataType::Null {
        DataType::Int32
    } else {
        t
    })
}

fn list_value_signature(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    let t = element_type(args)?;
    Ok(Signature {
        args: vec![t.clone(); args.len()],
        ret: DataType::List(Arc::new(Field::new_list_field(t, true))),
    })
}

fn list_value(args: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let all_scalar = args.iter().all(|a| a.as_scalar().is_some());
    let rows = if all_scalar { 1 } else { num_rows };
    let types: Vec<DataType> = args.iter().map(ColumnarValue::data_type).collect();
    let t = element_type(&types)?;
    let k = args.len();
    let arrays: Vec<ArrayRef> = args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<Result<_>>()?;
    let values = if k == 0 {
        new_empty_array(&t)
    } else {
        let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
        let indices: Vec<(usize, usize)> = (0..rows)
            .flat_map(|i| (0..k).map(move |j| (j, i)))
            .collect();
        arrow::compute::interleave(&refs, &indices)?
    };
    let offsets = OffsetBuffer::from_lengths(std::iter::repeat_n(k, rows));
    let list = ListArray::try_new(
        Arc::new(Field::new_list_field(t, true)),
        offsets,
        values,
        None,
    )?;
    let list: ArrayRef = Arc::new(list);
    Ok(if all_scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(list)?)
    } else {
        ColumnarValue::Array(list)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{AsArray, Int32Array};
    use arrow::datatypes::Int32Type;

    #[test]
    fn builds_lists_row_by_row() {
        let a = ColumnarValue::Array(Arc::new(Int32Array::from(vec![1, 2])));
        let b = ColumnarValue::Scalar(ScalarValue::from(9i32));
        let out = list_value(&[a, b], 2).unwrap().into_array(2).unwrap();
        let l = out.as_list::<i32>();
        assert_eq!(
            l.value(0).as_primitive::<Int32Type>().values().to_vec(),
            vec![1, 9]
        );
        assert_eq!(
            l.value(1).as_primitive::<Int32Type>().values().to_vec(),
            vec![2, 9]
        );
        let empty = list_value(&[], 1).unwrap().into_array(1).unwrap();
        assert_eq!(empty.as_list::<i32>().value(0).len(), 0);
    }
}
