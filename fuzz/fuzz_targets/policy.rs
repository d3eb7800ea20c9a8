//! The policy source, judging a shipped assessment. The body is in checks.rs.

#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::policy(data));
