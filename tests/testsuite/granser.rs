//! The documented limits: file size, field length, control and bidi characters.

use crate::common::{BASE, Edit, project};

#[test]
fn oversized_files_long_fields_and_control_characters_are_rejected_with_their_codes() {
    let long = BASE.edit("Schemaläggning för hemtjänsten.", &"å".repeat(molnkoll::load::MAX_FIELD_CHARS + 1));
    let exact = BASE.edit("Schemaläggning för hemtjänsten.", &"å".repeat(molnkoll::load::MAX_FIELD_CHARS));
    let bidi = BASE.edit("Schemaläggning för hemtjänsten.", "abc\\u202Edef");
    let nul = BASE.edit("Schemaläggning för hemtjänsten.", "abc\\u0000def");
    let big = format!("{BASE}\n#{}\n", "x".repeat(molnkoll::load::MAX_FILE_BYTES as usize));
    let dir = project(&[
        ("lang.toml", &long),
        ("exakt.toml", &exact),
        ("bidi.toml", &bidi),
        ("noll.toml", &nul),
        ("stor.toml", &big),
    ]);
    let run = dir.build();
    let stderr = &run.code(1).stderr;
    assert!(!dir.path().join("output").exists(), "nothing is written");
    for expected in [
        "error[field-too-long]: `tjanst.beskrivning` har 10001 tecken; högst 10000 tillåts",
        "error[control-character]: `tjanst.beskrivning` innehåller styrtecknet U+202E",
        "error[control-character]: `tjanst.beskrivning` innehåller styrtecknet U+0000",
        "error[file-too-large]: filen är 1049",
        "content/bedomningar/stor.toml",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    // Exactly at the limit is fine, and every problem was reported in the one run.
    assert!(!stderr.contains("exakt.toml"), "{}", &stderr[..2000.min(stderr.len())]);
    assert_eq!(
        stderr.matches("error[").count(),
        4,
        "{}",
        stderr.lines().filter(|l| l.starts_with("error")).collect::<Vec<_>>().join("\n")
    );
}
