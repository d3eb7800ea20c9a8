//! `molnkoll check` as a user meets it: the real binary on fixture projects, with the
//! exact diagnostics pinned by snapshots.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const TODAY: &str = "2026-11-23";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds a project from a fixture folder: its `policy.toml` if it has one, else the
/// shipped policy; every other `.toml` file becomes an assessment, keeping subfolders.
fn project_from_fixture(fixture: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let bedomningar = content.join("bedomningar");
    fs::create_dir_all(&bedomningar).unwrap();
    let own_policy = fixture.join("policy.toml");
    let policy = if own_policy.exists() { own_policy } else { repo().join("content/policy.toml") };
    fs::copy(policy, content.join("policy.toml")).unwrap();
    for entry in walkdir::WalkDir::new(fixture).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(fixture).unwrap();
        if entry.file_type().is_file()
            && rel.extension().is_some_and(|e| e == "toml")
            && rel != Path::new("policy.toml")
        {
            let target = bedomningar.join(rel);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(entry.path(), target).unwrap();
        }
    }
    dir
}

fn check(root: &Path, strict: bool) -> (bool, String) {
    let mut cmd = Command::cargo_bin("molnkoll").unwrap();
    cmd.args(["check", "--today", TODAY, "--root"]).arg(root);
    if strict {
        cmd.arg("--strict");
    }
    let out = cmd.output().unwrap();
    assert!(out.stdout.is_empty(), "check prints diagnostics on stderr only");
    // The summary's time differs between runs.
    (out.status.success(), common::without_time(&String::from_utf8(out.stderr).unwrap()))
}

#[test]
fn every_broken_fixture_fails_with_positioned_diagnostics() {
    let fixtures = repo().join("tests/fixtures/broken");
    let mut cases: Vec<PathBuf> = fs::read_dir(&fixtures).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 12, "fixtures went missing: {cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let project = project_from_fixture(&case);
        let (ok, stderr) = check(project.path(), case.join("strict").exists());
        assert!(!ok, "{name}: check should fail\n{stderr}");
        // Every diagnostic names file:line:column.
        let located = stderr.lines().filter(|l| l.contains("┌─ content/")).count();
        let headed = stderr.lines().filter(|l| l.starts_with("error[") || l.starts_with("warning[")).count();
        assert!(headed > 0 && located == headed, "{name}: every diagnostic needs a location\n{stderr}");
        assert!(
            stderr.lines().filter(|l| l.contains("┌─ content/")).all(|l| {
                let loc = l.rsplit(' ').next().unwrap();
                let parts: Vec<&str> = loc.rsplitn(3, ':').collect();
                parts.len() == 3 && parts[0].parse::<usize>().is_ok() && parts[1].parse::<usize>().is_ok()
            }),
            "{name}: locations must be file:line:column\n{stderr}"
        );
        insta::assert_snapshot!(name, stderr);
    }
}

#[test]
fn shipped_content_passes_check() {
    let (ok, stderr) = check(&repo(), false);
    assert!(ok, "{stderr}");
    assert!(stderr.contains(" 0 fel"), "{stderr}");
}

#[test]
fn strict_turns_the_shipped_warnings_into_a_failure() {
    // The shipped policy keeps the seed's duplicate driftform on purpose.
    let (ok, stderr) = check(&repo(), true);
    assert!(!ok);
    assert!(stderr.contains("warning[duplicate-driftform]"), "{stderr}");
}

#[test]
fn a_missing_project_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("molnkoll").unwrap().args(["check", "--root"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("content/policy.toml"), "{stderr}");
}

#[test]
fn a_bad_today_is_rejected_with_the_accepted_form() {
    let out = Command::cargo_bin("molnkoll").unwrap().args(["check", "--today", "23/11/2026"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("ÅÅÅÅ-MM-DD"));
}

#[test]
fn check_never_writes_into_the_project() {
    let project = project_from_fixture(&repo().join("tests/fixtures/broken/unknown-keys"));
    let before = listing(project.path());
    check(project.path(), false);
    assert_eq!(before, listing(project.path()));
}

fn listing(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_owned(), fs::read(e.path()).unwrap()))
        .collect()
}
