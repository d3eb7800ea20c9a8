//! Markdown through the renderer and sanitiser, the HTML checked after every run. The body is in checks.rs.

#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::markdown(data));
