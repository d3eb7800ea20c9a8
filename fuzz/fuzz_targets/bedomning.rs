//! An assessment file: load, validate and derive, as `molnkoll check` does. The body is in checks.rs.

#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::bedomning(data));
