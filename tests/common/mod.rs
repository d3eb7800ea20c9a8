//! Fixture projects for the tests that run the real binary.

#![allow(dead_code)] // each test crate uses its own part of this

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const TODAY: &str = "2026-11-23";

/// A complete, decided level-2 procurement with an EU-only supply chain.
pub const BASE: &str = include_str!("../fixtures/site/tjanst.toml");

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A project with the shipped policy and the given assessments (file name, text).
pub fn project(records: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("bedomningar")).unwrap();
    fs::create_dir_all(content.join("sidor")).unwrap();
    fs::copy(repo().join("content/policy.toml"), content.join("policy.toml")).unwrap();
    for (name, text) in records {
        fs::write(content.join("bedomningar").join(name), text).unwrap();
    }
    dir
}

/// Runs `molnkoll build` on `root`: whether it succeeded, and what it printed.
pub fn build(root: &Path) -> (bool, String) {
    let out =
        Command::cargo_bin("molnkoll").unwrap().args(["build", "--today", TODAY, "--root"]).arg(root).output().unwrap();
    (out.status.success(), String::from_utf8(out.stderr).unwrap())
}

/// `text` with each summary line's elapsed time (`, 0,45 s`) as `, <tid>`, for exact comparisons.
pub fn without_time(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(", ") {
        let (head, tail) = rest.split_at(at + 2);
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let b = &tail.as_bytes()[digits..];
        if digits > 0 && b.len() >= 5 && b[0] == b',' && b[1..3].iter().all(u8::is_ascii_digit) && &b[3..5] == b" s" {
            out.push_str("<tid>");
            rest = &tail[digits + 5..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Runs git in `dir` with a fixed identity and date, isolated from the user's config; its
/// standard output, trimmed.
pub fn git(dir: &Path, author: &str, date: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_AUTHOR_DATE", format!("{date}T10:00:00+01:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T10:00:00+01:00"))
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The PDF's text, line breaks and hyphenation folded.
pub fn pdf_text(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed (scripts/install-test-deps.sh installs it)");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    let raw = String::from_utf8(out.stdout).unwrap();
    raw.replace("-\n", "").split_whitespace().collect::<Vec<_>>().join(" ")
}
