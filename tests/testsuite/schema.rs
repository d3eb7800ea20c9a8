//! `molnkoll schema`: the JSON Schemas editors use, checked by an independent validator
//! (Python's tomllib and jsonschema; `scripts/install-test-deps.sh` installs jsonschema).

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use crate::common::{BASE, Edit, molnkoll, project, repo};

fn schema(which: &str) -> tempfile::NamedTempFile {
    let run = molnkoll(&repo(), &["schema", which]);
    let file = tempfile::NamedTempFile::new().unwrap();
    fs::write(file.path(), &run.ok().stdout).unwrap();
    file
}

fn validate(schema: &Path, files: &[&Path]) -> (bool, String) {
    let out = Process::new("python3")
        .arg(repo().join("tests/schema/validate.py"))
        .arg(schema)
        .args(files)
        .output()
        .expect("python3 runs the validator");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn every_shipped_toml_file_is_valid_against_its_schema() {
    let bedomning = schema("bedomning");
    let records: Vec<_> = fs::read_dir(repo().join("content/bedomningar"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    assert!(records.len() >= 8);
    let paths: Vec<&Path> = records.iter().map(|p| p.as_path()).collect();
    let (ok, text) = validate(bedomning.path(), &paths);
    assert!(ok, "{text}");
    assert!(text.contains(&format!("{} files, 0 errors", records.len())), "{text}");
    let (ok, text) = validate(schema("policy").path(), &[&repo().join("content/policy.toml")]);
    assert!(ok, "{text}");
}

#[test]
fn the_schema_rejects_what_check_rejects_with_the_policys_values() {
    let bad = BASE
        .edit("klassning = { K = 1, R = 2, T = 2 }", "klassning = { K = 7, R = 2, X = 2 }")
        .edit("[driftform]\nid = 4", "[driftform]\nid = 9")
        .edit("standard = \"iso27001\"", "standard = \"iso9001\"")
        .edit("beskrivning = \"Schemaläggning för hemtjänsten.\"", "beskrivning = \"x\"\nbeskrivnig = \"typo\"")
        .edit("1a = \"Ja.\"", "9z = \"Ja.\"")
        .edit("land = \"SE\"", "land = \"Sverige\"")
        .edit("anvands_av = [\"Sjömarks kommun\"]", "anvands_av = [\"Sjömark kommun\"]");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(&file, bad).unwrap();
    let (ok, text) = validate(schema("bedomning").path(), &[&file]);
    assert!(!ok, "{text}");
    for expected in [
        "informationsmangd.0.klassning.K: 7 is not one of [0, 1, 2, 3, 4]",
        "'X' is not one of ['K', 'R', 'T', 'S']",
        "driftform.id: 9 is not one of [1, 2, 3, 4, 5, 6]",
        "certifikat.0.standard: 'iso9001' is not one of",
        "'beskrivnig' was unexpected",
        "'9z' is not one of",
        "leverantor.land: 'Sverige' is not one of",
        "tjanst.anvands_av.0: 'Sjömark kommun' is not one of",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
}

#[test]
fn a_draft_from_new_is_valid_against_the_editor_schema() {
    let dir = project(&[]);
    dir.run(&["new", "Min nya tjänst"]).ok();
    let draft = dir.path().join("content/bedomningar/min-nya-tjanst.toml");
    let (ok, text) = validate(schema("bedomning").path(), &[&draft]);
    assert!(ok && text.contains("1 files, 0 errors"), "{text}");
}
