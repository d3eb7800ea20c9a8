//! `molnkoll check` as a user meets it: the real binary on fixture projects, with the
//! exact diagnostics pinned by snapshots.

use std::fs;
use std::path::PathBuf;

use crate::common::{Project, Run, files, project, repo};

fn check(p: &Project, strict: bool) -> Run {
    let run = p.check(if strict { &["--strict"] } else { &[] });
    assert!(run.stdout.is_empty(), "check prints diagnostics on stderr only");
    run
}

#[test]
fn every_broken_fixture_fails_with_positioned_diagnostics() {
    let fixtures = repo().join("tests/fixtures/broken");
    let mut cases: Vec<PathBuf> = fs::read_dir(&fixtures).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 12, "fixtures went missing: {cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let run = check(&Project::from_fixture(&case), case.join("strict").exists());
        // The summary's time differs between runs; `run.stderr` has it as `<tid>`.
        let stderr = &run.stderr;
        assert!(run.code != 0, "{name}: check should fail\n{stderr}");
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
    let root = repo();
    let run = crate::common::molnkoll(&root, &["check", "--today", crate::common::TODAY]);
    run.ok().stderr_has(" 0 fel");
    assert!(run.stdout.is_empty());
}

#[test]
fn strict_turns_the_shipped_warnings_into_a_failure() {
    // The shipped policy keeps the seed's duplicate driftform on purpose.
    let run = crate::common::molnkoll(&repo(), &["check", "--strict", "--today", crate::common::TODAY]);
    run.code(1).stderr_has("warning[duplicate-driftform]");
}

#[test]
fn a_missing_project_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::molnkoll(dir.path(), &["check", "--root", "."]).code(2).stderr_has("content/policy.toml");
}

#[test]
fn a_bad_today_is_rejected_with_the_accepted_form() {
    project(&[]).run(&["check", "--today", "23/11/2026"]).code(2).stderr_has("ÅÅÅÅ-MM-DD");
}

#[test]
fn check_never_writes_into_the_project() {
    let p = Project::from_fixture(&repo().join("tests/fixtures/broken/unknown-keys"));
    let before = files(p.path());
    check(&p, false).code(1);
    assert_eq!(before, files(p.path()));
}
