//! Random UUIDs: `gen_random_uuid()` / `uuid()` / `uuidv4()` (version 4, 122 random
//! bits) and `uuidv7()` (version 7: the Unix time in milliseconds, then random bits), a
//! new one for every row, in the canonical lower-case text form DuckDB prints. Quiver has
//! no UUID type, so they are VARCHARs (which sort as DuckDB's UUIDs do).

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

use super::util::{build_utf8, check_arity, volatile};
use crate::error::Result;
use crate::functions::{ColumnarValue, FunctionRegistry, Signature};
use crate::types::ScalarValue;
use arrow::datatypes::DataType;

pub(super) fn register(r: &mut FunctionRegistry) {
    r.add_scalar(volatile(
        "gen_random_uuid",
        &["uuid", "uuidv4"],
        sig_uuid,
        invoke_uuid_v4,
    ));
    r.add_scalar(volatile("uuidv7", &[], sig_uuid, invoke_uuid_v7));
}

fn sig_uuid(args: &[DataType], _: &[Option<ScalarValue>]) -> Result<Signature> {
    check_arity("gen_random_uuid", args, 0, 0)?;
    Ok(Signature::keep(args, DataType::Utf8))
}

/// A SplitMix64 stream seeded per call from the process's random hasher keys, the clock
/// and a call counter (the same source as `random()`).
struct Stream(u64);

impl Stream {
    fn new() -> Self {
        static CALLS: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Stream(
            std::collections::hash_map::RandomState::new()
                .hash_one((nanos, CALLS.fetch_add(1, Ordering::Relaxed))),
        )
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The text form `xxxxxxxx-xxxx-Vxxx-Nxxx-xxxxxxxxxxxx` of 16 bytes.
fn write_uuid(bytes: [u8; 16], out: &mut String) {
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{b:02x}"));
    }
}

/// Sets the version nibble and the RFC 4122 variant bits.
fn stamp(mut bytes: [u8; 16], version: u8) -> [u8; 16] {
    bytes[6] = (bytes[6] & 0x0f) | (version << 4);
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    bytes
}

fn random_bytes(s: &mut Stream) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&s.next().to_le_bytes());
    b[8..].copy_from_slice(&s.next().to_le_bytes());
    b
}

fn invoke_uuid_v4(_: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let mut s = Stream::new();
    let out = build_utf8("gen_random_uuid", num_rows, |_, buf| {
        write_uuid(stamp(random_bytes(&mut s), 4), buf);
        Ok(true)
    })?;
    Ok(ColumnarValue::Array(out))
}

fn invoke_uuid_v7(_: &[ColumnarValue], num_rows: usize) -> Result<ColumnarValue> {
    let mut s = Stream::new();
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let out = build_utf8("uuidv7", num_rows, |_, buf| {
        let mut b = random_bytes(&mut s);
        b[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
        write_uuid(stamp(b, 7), buf);
        Ok(true)
    })?;
    Ok(ColumnarValue::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;

    #[test]
    fn uuids_have_version_and_variant() {
        let out = invoke_uuid_v4(&[], 50).unwrap().to_array(50).unwrap();
        let s = out.as_string::<i32>();
        let all: std::collections::HashSet<&str> = s.iter().flatten().collect();
        assert_eq!(all.len(), 50);
        for u in &all {
            assert_eq!(u.len(), 36);
            assert_eq!(&u[14..15], "4");
            assert!("89ab".contains(&u[19..20]), "{u}");
        }
        let v7 = invoke_uuid_v7(&[], 1).unwrap().to_array(1).unwrap();
        assert_eq!(&v7.as_string::<i32>().value(0)[14..15], "7");
    }
}
