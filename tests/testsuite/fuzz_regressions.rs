//! Every input a fuzz target (fuzz/, scripts/fuzz.sh) crashed on, run through the same
//! target body, so a fixed crash stays fixed. The inputs are in tests/fuzz-regressions/,
//! named after their target: `bedomning-…`, `policy-…` or `markdown-…`.

#[path = "../../fuzz/fuzz_targets/checks.rs"]
mod checks;

use std::fs;
use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&format!("{target}-")))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

fn replay(target: &str, body: fn(&[u8])) -> usize {
    let cases = inputs(target);
    for (name, bytes) in &cases {
        eprintln!("{name}");
        body(bytes);
    }
    cases.len()
}

#[test]
fn assessment_inputs_that_crashed_the_fuzzer() {
    assert!(replay("bedomning", checks::bedomning) >= 2);
}

#[test]
fn policy_inputs_that_crashed_the_fuzzer() {
    assert!(replay("policy", checks::policy) >= 1);
}

#[test]
fn markdown_inputs_that_crashed_the_fuzzer() {
    assert!(replay("markdown", checks::markdown) >= 2);
}
