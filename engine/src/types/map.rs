//! The MAP type's Arrow layout, in one place so that every producer of maps agrees on it.
//!
//! A DuckDB `MAP(K, V)` is an Arrow `Map` whose entries are a non-nullable struct
//! `entries { key: K NOT NULL, value: V }`, unordered. Arrow compares `DataType`s
//! structurally (field names and nullability included), so functions build their results
//! and cast their map arguments with [`map_type`] and read key and value types back with
//! [`map_key_value`].

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Fields};

/// The fields of a map's entries struct: a non-nullable `key` and a nullable `value`.
pub fn map_entry_fields(key: DataType, value: DataType) -> Fields {
    Fields::from(vec![
        Field::new("key", key, false),
        Field::new("value", value, true),
    ])
}

/// The (non-nullable) entries field of `MAP(key, value)`.
pub fn map_entries_field(key: DataType, value: DataType) -> FieldRef {
    Arc::new(Field::new(
        "entries",
        DataType::Struct(map_entry_fields(key, value)),
        false,
    ))
}

/// The Arrow type of `MAP(key, value)`.
pub fn map_type(key: DataType, value: DataType) -> DataType {
    DataType::Map(map_entries_field(key, value), false)
}

/// The key and value types of a map type (any Arrow map layout), or `None` for other types.
pub fn map_key_value(t: &DataType) -> Option<(&DataType, &DataType)> {
    match t {
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => Some((kv[0].data_type(), kv[1].data_type())),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_value_types_round_trip() {
        let t = map_type(DataType::Int32, DataType::Utf8);
        assert_eq!(map_key_value(&t), Some((&DataType::Int32, &DataType::Utf8)));
        assert_eq!(map_key_value(&DataType::Int32), None);
    }
}
