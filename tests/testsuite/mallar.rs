//! A broken template, Tera or Typst, is an error in the content like any other: a located
//! diagnostic naming the project's own template file, line and column, and exit status 1,
//! with nothing written.

use std::fs;
use std::path::Path;

use crate::common::{BASE, TODAY, molnkoll, project, without_time};

/// Runs `molnkoll build` on `root`: the exit status and the standard error, times masked
/// and the temporary folder shown as `<root>`.
fn build(root: &Path) -> (i32, String) {
    let root_arg = root.display().to_string();
    let run = molnkoll(root, &["build", "--today", TODAY, "--root", &root_arg]);
    (run.code, without_time(&run.raw_stderr.replace(&root_arg, "<root>")))
}

/// The standard error from the first error on: what the broken template causes, after
/// any warnings about the shipped policy.
fn errors(stderr: &str) -> &str {
    let at = stderr.find("error[").unwrap_or_else(|| panic!("no error in: {stderr}"));
    assert!(stderr[..at].is_empty() || stderr.starts_with("warning["), "{stderr}");
    &stderr[at..]
}

/// Writes the project's own version of a template.
fn own_template(root: &Path, name: &str, text: &str) {
    let path = root.join("templates").join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn a_broken_tera_template_is_a_located_diagnostic() {
    let p = project(&[("tjanst.toml", BASE)]);
    own_template(
        p.path(),
        "bedomning.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n{% endblock %}\n",
    );
    let (code, stderr) = build(p.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(errors(&stderr), TERA_EXPECTED);
    assert!(!p.path().join("output").exists());
}

#[test]
fn a_broken_typst_template_is_a_located_diagnostic() {
    let p = project(&[("tjanst.toml", BASE)]);
    own_template(p.path(), "pdf/policy.typ", "= Policy\n#finns_inte\n");
    let (code, stderr) = build(p.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(errors(&stderr), TYPST_EXPECTED);
    assert!(!p.path().join("output").exists());
}

#[test]
fn every_broken_tera_template_is_reported_in_one_run() {
    let p = project(&[("tjanst.toml", BASE)]);
    own_template(p.path(), "bedomning.html", "{% if %}\n");
    own_template(p.path(), "sok.html", "ok\n{{ }}\n");
    let (code, stderr) = build(p.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("templates/bedomning.html:1:"), "{stderr}");
    assert!(stderr.contains("templates/sok.html:2:"), "{stderr}");
    assert!(stderr.ends_with("molnkoll build: 2 fel; inget skrevs, <root>/output är orörd\n"), "{stderr}");
}

#[test]
fn a_tera_error_while_rendering_names_the_template() {
    let p = project(&[("tjanst.toml", BASE)]);
    own_template(p.path(), "leverantorer.html", "{{ finns_inte.namn }}\n");
    let (code, stderr) = build(p.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        errors(&stderr),
        "error[tera-template]: Variable `finns_inte.namn` not found in context while rendering 'leverantorer.html'
  ┌─ templates/leverantorer.html:1:1
  │
1 │ {{ finns_inte.namn }}
  │ ^ i den här mallen

molnkoll build: 1 fel; inget skrevs, <root>/output är orörd
"
    );
}

/// The same shape as [`TYPST_EXPECTED`]: code, message, file:line:column, the line, a caret.
const TERA_EXPECTED: &str = "\
error[tera-template]: expected a value that can be negated
  ┌─ templates/bedomning.html:3:7
  │
3 │ {% if %}
  │       ^ här

molnkoll build: 1 fel; inget skrevs, <root>/output är orörd
";

const TYPST_EXPECTED: &str = "\
error[typst-template]: unknown variable: finns_inte
  ┌─ templates/pdf/policy.typ:2:2
  │
2 │ #finns_inte
  │  ^^^^^^^^^^ här

molnkoll build: 1 fel; inget skrevs, <root>/output är orörd
";
