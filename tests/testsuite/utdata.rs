//! What commands print at each level: the summary line by default, nothing under
//! `--quiet`, phase timings and PDF progress under `--verbose`.

use std::path::Path;

use crate::common::{BASE, Edit, Project, TODAY, molnkoll, paths, project, without_time};

/// Runs `molnkoll build` with `flags` on `root`: exit code, stdout, stderr as printed.
fn build(root: &Path, flags: &[&str]) -> (i32, String, String) {
    let mut args = flags.to_vec();
    args.extend(["build", "--today", TODAY, "--root", root.to_str().unwrap()]);
    let run = molnkoll(root, &args);
    (run.code, run.stdout, run.raw_stderr)
}

/// The output folder's files ending in `ext`.
fn count(dir: &Path, ext: &str) -> usize {
    paths(dir, ext).len()
}

/// A second assessment, so the counts are not all ones.
fn two() -> Project {
    let other = BASE.edit("namn = \"", "namn = \"Andra ");
    project(&[("tjanst.toml", BASE), ("andra.toml", &other)])
}

#[test]
fn build_ends_with_a_summary_of_what_it_wrote() {
    let dir = two();
    let (code, stdout, stderr) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    let out = dir.path().join("output");
    let (pages, pdfs) = (count(&out, ".html"), count(&out, ".pdf"));
    // The folder also holds the marker that lets the next build replace it, and the
    // manifest that lets it reuse what has not changed.
    let files = count(&out, "") - 2;
    assert!(out.join(molnkoll::write::MARKER).is_file());
    assert!(out.join(molnkoll::cache::MANIFEST).is_file());
    assert!(pages > 10 && pdfs >= 3, "{pages} pages, {pdfs} PDFs");
    let summary = without_time(stderr.lines().last().unwrap());
    assert_eq!(
        summary,
        format!(
            "molnkoll build: 2 bedömningar, {pages} sidor, {pdfs} PDF, {files} filer skrivna till {}, 1 varningar, <tid>",
            out.display()
        )
    );
    // The time is real, with a decimal comma.
    let line = stderr.lines().last().unwrap();
    let time = line.rsplit(", ").next().unwrap();
    assert!(time.ends_with(" s") && time.contains(',') && !time.contains('.'), "{line}");
    // Phase timings are for --verbose; a log that is not a terminal gets no progress.
    assert!(!stderr.contains(" ms\n") && !stderr.contains("sätter PDF"), "{stderr}");
}

#[test]
fn quiet_prints_nothing_when_all_goes_well() {
    let dir = two();
    let (code, stdout, stderr) = build(dir.path(), &["--quiet"]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
    assert!(dir.path().join("output/index.html").is_file(), "the build still ran");

    // The shipped policy's one warning (a duplicate driftform) was not printed either; nor is
    // a warning about the record.
    // Expired after the decision: a warning to act on, not a flaw in the decision.
    let expired = BASE.edit("giltigt_till = 2027-06-30", "giltigt_till = 2026-06-01");
    let dir = project(&[("tjanst.toml", &expired)]);
    let (code, _, stderr) = build(dir.path(), &[]);
    assert!(code == 0 && stderr.contains("warning[certificate-expired]"), "{stderr}");
    let (code, stdout, stderr) = build(dir.path(), &["-q"]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
}

#[test]
fn quiet_still_says_why_a_command_fails() {
    let broken = BASE.edit("[tjanst]", "[tjanst]\nokand_nyckel = 1");
    let dir = project(&[("tjanst.toml", &broken)]);
    let (code, _, stderr) = build(dir.path(), &["--quiet"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error["), "{stderr}");
    let last = stderr.lines().last().unwrap();
    assert_eq!(last, format!("molnkoll build: 1 fel; inget skrevs, {} är orörd", dir.path().join("output").display()));
    let check = dir.check(&["-q"]);
    check.code(1).stderr_lacks("molnkoll check:");
    assert!(check.stderr.starts_with("error["), "{}", check.stderr);
}

#[test]
fn verbose_adds_phase_timings_and_pdf_progress() {
    let dir = two();
    let (code, _, stderr) = build(dir.path(), &["--verbose"]);
    assert_eq!(code, 0, "{stderr}");
    for phase in ["läs, validera, härled", "rendera HTML", "sätt PDF", "skriv"] {
        let line = stderr.lines().find(|l| l.starts_with(&format!("  {phase}: "))).expect(&stderr);
        let ms = line.rsplit(": ").next().unwrap().strip_suffix(" ms").expect(line);
        assert!(ms.parse::<u128>().is_ok(), "{line}");
    }
    // Not a terminal: plain lines, about one per tenth, ending with the last document.
    let pdfs = count(&dir.path().join("output"), ".pdf");
    let progress: Vec<&str> = stderr.lines().filter(|l| l.starts_with("  sätter PDF: ")).collect();
    assert!(!progress.is_empty() && progress.len() <= 10, "{stderr}");
    assert!(progress.contains(&format!("  sätter PDF: {pdfs} av {pdfs}").as_str()), "{stderr}");
    assert!(stderr.lines().last().unwrap().starts_with("molnkoll build: 2 bedömningar, "), "{stderr}");
}

#[test]
fn quiet_and_verbose_together_is_a_usage_error() {
    let dir = two();
    for flags in [&["-q", "-v"][..], &["--verbose", "--quiet"]] {
        let (code, _, stderr) = build(dir.path(), flags);
        assert_eq!(code, 2, "{flags:?}");
        assert!(stderr.contains("cannot be used with"), "{stderr}");
    }
    assert!(!dir.path().join("output").exists(), "nothing was built");
}

#[test]
fn every_command_ends_with_its_summary_and_time() {
    let dir = two();
    let run = |args: &[&str]| dir.run(args).ok().summary().to_owned();
    let check = run(&["check", "--today", TODAY]);
    assert_eq!(check, "molnkoll check: 3 filer, 2 bedömningar härledda, 0 fel, 1 varningar, <tid>");
    let export = run(&["export", "--format", "json", "--today", TODAY]);
    assert_eq!(export, "molnkoll export: 2 bedömningar, 1 varningar, <tid>");
    let schema = run(&["schema", "bedomning"]);
    assert_eq!(schema, "molnkoll schema: bedömningens JSON Schema skrivet till standard ut, <tid>");
    let new = run(&["new", "Ny tjänst"]);
    assert_eq!(
        new,
        "molnkoll new: skrev content/bedomningar/ny-tjanst.toml, <tid>. Fyll i den och kör `molnkoll check` efter varje \
         ändring."
    );
}

#[test]
fn without_time_replaces_only_times() {
    assert_eq!(without_time("molnkoll x: 2 fel, 13,07 s. Klart"), "molnkoll x: 2 fel, <tid>. Klart");
    assert_eq!(without_time("a, 1,5 s, 3 s, 12,345 s"), "a, 1,5 s, 3 s, 12,345 s");
}
