//! The adversarial corpus (issue 8, item 1): hostile text in every string field, the
//! `slug` key and the file name, run through the real `molnkoll build`. Each build must
//! either turn the payload into inert text (HTML, search index, PDF text) or stop with a
//! diagnostic that names the file, and then write nothing.

use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::common::{BASE, Edit, Project, paths, pdf_text, project};

/// The base fixture with the optional free-text fields filled in too, so the corpus also
/// reaches them.
fn base() -> String {
    let base = BASE.edit("land = \"SE\"\n", "land = \"SE\"\nmoderbolag = \"Schema Holding AB\"\n").edit(
        "[svar]",
        "[[underbitraden]]\nnamn = \"Drift AB\"\nland = \"SE\"\nuppgift = \"Drift av servrar.\"\n\n[svar]",
    );
    format!("certifieringsredogorelse = \"Certifikatet omfattar driften.\"\n{base}")
}

/// String fields whose value must be an id from the policy or a fixed list. A payload
/// there is rejected; everywhere else it must come out as text. `[]` means every element.
const ID_FIELDS: &[&str] = &[
    "tjanstemodell",
    "leveransmodell",
    "utlosare",
    "tjanst.informationsagare",
    "tjanst.anvands_av[]",
    "leverantor.land",
    "underbitraden[].land",
    "informationsmangd[].klassad_av",
    "certifikat[].standard",
    "beslut.status",
    "beslut.beslutsfattare",
];

/// The diagnostic each of [`ID_FIELDS`] gives for free text, in the same order.
const ID_CODES: &[&str] = &[
    "unknown-value",
    "unknown-value",
    "unknown-value",
    "unknown-role",
    "unknown-organisation",
    "unknown-country",
    "unknown-country",
    "unknown-role",
    "unknown-certification",
    "unknown-value",
    "unknown-role",
];

/// What a payload in the free-text fields must lead to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    /// The build succeeds and the payload is inert text.
    Escaped,
    /// The build fails with this diagnostic code and writes nothing.
    Rejected(&'static str),
}
use Outcome::*;

/// 100,000 characters, ten times the limit in `load::MAX_FIELD_CHARS`.
const LONG: &str = "LONG";
/// Exactly at that limit: still accepted.
const AT_LIMIT: &str = "AT_LIMIT";

/// With the payload in every string field, the id fields reject it first, in the schema walk.
const ALLA: Outcome = Rejected("unknown-value");
/// As the `slug` key or the file name: only a–z, 0–9 and hyphens pass, and no Windows device name.
const SLUG: Outcome = Rejected("invalid-slug");

/// NUL, ESC and other control characters, and bidi overrides, anywhere.
const CONTROL: Outcome = Rejected("control-character");

/// Every payload and what it must do: in every free-text field, in every string field, as
/// the `slug` key. The file name as slug source has its own test below.
const CORPUS: &[(&str, Outcome, Outcome, Outcome)] = &[
    ("<script>alert(1)</script>", Escaped, ALLA, SLUG),
    ("<img src=x onerror=alert(1)>", Escaped, ALLA, SLUG),
    ("javascript:alert(1)", Escaped, ALLA, SLUG),
    ("[x](javascript:alert(1))", Escaped, ALLA, SLUG),
    ("![x](data:text/html;base64,PHNjcmlwdD4=)", Escaped, ALLA, SLUG),
    ("<!-- --><script>alert(1)</script><!-- -->", Escaped, ALLA, SLUG),
    ("--><script>alert(1)</script><!--", Escaped, ALLA, SLUG),
    ("<![CDATA[ ]]><script>alert(1)</script>", Escaped, ALLA, SLUG),
    ("<iframe src=//evil></iframe>", Escaped, ALLA, SLUG),
    ("<a href=\"javascript:alert(1)\">x</a>", Escaped, ALLA, SLUG),
    ("#read(\"/etc/passwd\")", Escaped, ALLA, SLUG),
    ("#panic()", Escaped, ALLA, SLUG),
    ("]", Escaped, ALLA, SLUG),
    ("$x$", Escaped, ALLA, SLUG),
    ("#set page(", Escaped, ALLA, SLUG),
    ("{{ 7*7 }}", Escaped, ALLA, SLUG),
    ("{% raw %}", Escaped, ALLA, SLUG),
    // In many fields at once the file passes 1 MiB and is not even read.
    (LONG, Rejected("file-too-large"), Rejected("file-too-large"), Rejected("field-too-long")),
    (AT_LIMIT, Escaped, ALLA, SLUG),
    ("a\u{0}b", CONTROL, CONTROL, CONTROL),
    ("a\u{1b}[31mb", CONTROL, CONTROL, CONTROL),
    ("abc\u{202e}txt.exe", CONTROL, CONTROL, CONTROL),
    ("../../etc/passwd", Escaped, ALLA, SLUG),
    ("/etc/passwd", Escaped, ALLA, SLUG),
    ("C:\\Windows", Escaped, ALLA, SLUG),
    ("CON", Escaped, ALLA, SLUG),
    ("nul.txt", Escaped, ALLA, SLUG),
    ("con", Escaped, ALLA, SLUG),
    ("aux", Escaped, ALLA, SLUG),
];

fn expand(payload: &str) -> String {
    match payload {
        LONG => "x".repeat(100_000),
        AT_LIMIT => "lång text ".repeat(1_000),
        _ => payload.to_owned(),
    }
}

/// Runs `molnkoll build`: exit code and stderr.
fn run(p: &Project) -> (i32, String) {
    let run = p.build();
    (run.code, run.stderr)
}

/// Sets every string in `value` whose path `pick` accepts to `payload`; returns the paths set.
fn substitute(value: &mut toml::Value, path: &str, payload: &str, pick: &dyn Fn(&str) -> bool) -> Vec<String> {
    match value {
        toml::Value::String(s) if pick(path) => {
            *s = payload.to_owned();
            vec![path.to_owned()]
        }
        toml::Value::Table(t) => t
            .iter_mut()
            .flat_map(|(k, v)| {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                substitute(v, &p, payload, pick)
            })
            .collect(),
        toml::Value::Array(a) => {
            a.iter_mut().flat_map(|v| substitute(v, &format!("{path}[]"), payload, pick)).collect()
        }
        _ => Vec::new(),
    }
}

fn is_id(path: &str) -> bool {
    ID_FIELDS.contains(&path)
}

/// The record with `payload` in the fields `pick` accepts, and how many were set.
fn record(payload: &str, pick: &dyn Fn(&str) -> bool) -> (String, usize) {
    let mut v = toml::Value::Table(base().parse::<toml::Table>().unwrap());
    let set = substitute(&mut v, "", payload, pick);
    (toml::to_string(&v).unwrap(), set.len())
}

/// A rejected build: exit 1, the file named, an `error[code]`, and no output/.
fn assert_rejected(root: &Path, file: &str, code: &str, what: &str, (status, stderr): (i32, String)) {
    assert_eq!(status, 1, "{what}: exit code\n{stderr}");
    // Named as the terminal shows it: control characters escaped.
    let named = molnkoll::diagnostic::terminal(&format!("content/bedomningar/{file}")).into_owned();
    assert!(stderr.contains(&named), "{what}: file not named\n{stderr}");
    assert!(stderr.contains(&format!("error[{code}")), "{what}: expected error[{code}\n{stderr}");
    assert!(!root.join("output").exists(), "{what}: output/ was written");
}

fn check(root: &Path, file: &str, expected: Outcome, payload: &str, what: &str, result: (i32, String)) {
    match expected {
        Escaped => {
            assert_eq!(result.0, 0, "{what}:\n{}", result.1);
            assert_escaped(root, payload, what);
        }
        Rejected(code) => assert_rejected(root, file, &format!("{code}]"), what, result),
    }
}

/// A successful build with the payload in every free-text field: everything it wrote is inert.
fn assert_escaped(root: &Path, payload: &str, what: &str) {
    let out = root.join("output");
    let live = regex::Regex::new(
        r#"(?i)<script|<iframe|<[^>]*\son[a-z]+\s*=|(href|src)\s*=\s*["']?\s*(javascript|data):|<!\[CDATA\["#,
    )
    .unwrap();
    let html: Vec<_> = paths(&out, ".html").iter().map(|p| out.join(p)).collect();
    assert!(!html.is_empty());
    let mut seen = false;
    for f in &html {
        let text = fs::read_to_string(f).unwrap();
        if let Some(m) = live.find(&text) {
            // The templates' own scripts are trusted; a script from data would carry the payload.
            let around = &text[m.start()..(m.end() + 40).min(text.len())];
            assert!(
                !around.contains("alert") && !around.contains("evil"),
                "{what}: live markup in {}: {around}",
                f.display()
            );
            assert!(
                !around.to_lowercase().contains("javascript:") && !around.contains("data:text"),
                "{what}: {around}"
            );
        }
        assert!(!text.contains("<!-- -->"), "{what}: raw comment in {}", f.display());
        seen |= text.contains(payload)
            || text.contains(&tera_escape(payload))
            || text.contains(&tera_escape(&payload.replace('*', "\\*")));
    }
    if payload == "{{ 7*7 }}" {
        assert!(seen, "{what}: Tera syntax must appear as text");
        for f in &html {
            assert!(!fs::read_to_string(f).unwrap().contains(">49<"), "{what}: evaluated in {}", f.display());
        }
    }
    if payload == "{% raw %}" {
        assert!(seen, "{what}: Tera syntax must appear as text");
    }
    // The search index is JSON behind a fixed prefix.
    let index = fs::read_to_string(out.join("assets/sokindex.js")).unwrap();
    let json = index.strip_prefix("window.MOLNKOLL_SOKINDEX = ").and_then(|s| s.strip_suffix(";\n")).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{what}: sokindex: {e}"));
    assert!(parsed.is_array());
    // PDFs: Typst markup comes out as the literal text; nothing is read from disk.
    let pdfs: Vec<_> = paths(&out, ".pdf").iter().map(|p| out.join(p)).collect();
    assert!(!pdfs.is_empty());
    let texts: Vec<String> = pdfs.iter().map(|p| pdf_text(p)).collect();
    for (p, t) in pdfs.iter().zip(&texts) {
        assert!(!t.contains("root:"), "{what}: /etc/passwd in {}", p.display());
    }
    if payload.starts_with('#') || payload == "$x$" || payload.starts_with("{{") {
        assert!(texts.iter().any(|t| t.contains(payload)), "{what}: not literal in any PDF");
    }
}

/// Tera's HTML escaping, to find a payload in the pages.
fn tera_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2F;")
}

#[test]
fn every_payload_in_every_field_is_inert_or_rejected() {
    let mut report = Vec::new();
    for &(payload, expected, alla, slug) in CORPUS {
        let payload = expand(payload);
        let chars = payload.chars().count();
        let label = if chars > 60 {
            format!("{}… ({chars} tecken)", payload.chars().take(10).collect::<String>())
        } else {
            format!("{payload:?}")
        };

        // 1. Every string field at once: the id fields make this a rejection.
        let (text, n) = record(&payload, &|_| true);
        assert!(n >= 30, "the walk reached only {n} fields");
        let p = project(&[("tjanst.toml", &text)]);
        let result = run(&p);
        check(p.path(), "tjanst.toml", alla, &payload, &format!("{label} i alla fält"), result);

        // 2. Every free-text field.
        let (text, n) = record(&payload, &|path| !is_id(path));
        assert!(n >= 20, "only {n} free-text fields");
        let p = project(&[("tjanst.toml", &text)]);
        let start = Instant::now();
        let result = run(&p);
        let took = start.elapsed();
        check(p.path(), "tjanst.toml", expected, &payload, &format!("{label} i fritext"), result);

        // 3. The `slug` key: only a–z, 0–9 and hyphens pass.
        let with_slug = format!("slug = {}\n{}", toml::Value::String(payload.clone()), base());
        let p = project(&[("tjanst.toml", &with_slug)]);
        check(p.path(), "tjanst.toml", slug, &payload, &format!("{label} som slug"), run(&p));

        report.push(format!("{label}: fritext {expected:?} ({took:.1?})"));
    }
    eprintln!("{}", report.join("\n"));
}

/// The file name is the other slug source. Names Linux cannot hold (a `/`, NUL, too long)
/// are left out: they cannot reach molnkoll.
#[test]
fn hostile_file_names_are_rejected_as_slugs() {
    for &(payload, ..) in CORPUS {
        if payload.contains('/') || payload.contains('\0') || payload == LONG || payload == AT_LIMIT {
            continue;
        }
        let name = format!("{payload}.toml");
        let p = project(&[(name.as_str(), base().as_str())]);
        assert_rejected(p.path(), &name, "invalid-slug]", &format!("filnamnet {name:?}"), run(&p));
    }
}

#[test]
fn invalid_utf8_in_a_file_is_rejected() {
    let mut bytes = base().into_bytes();
    let at = String::from_utf8_lossy(&bytes).find("Schemaläggning för").unwrap();
    bytes.splice(at..at, [0xff, 0xfe, 0xc3]);
    let p = project(&[]);
    fs::write(p.path().join("content/bedomningar/tjanst.toml"), bytes).unwrap();
    assert_rejected(p.path(), "tjanst.toml", "invalid-utf8]", "ogiltig UTF-8", run(&p));
}

/// Each id field on its own: free text there is rejected with a diagnostic at that field.
#[test]
fn free_text_in_an_id_field_is_rejected() {
    let payload = "<script>alert(1)</script>";
    for (field, code) in ID_FIELDS.iter().zip(ID_CODES) {
        let (text, n) = record(payload, &|path| path == *field);
        assert!(n >= 1, "{field} is not in the record");
        let p = project(&[("tjanst.toml", &text)]);
        let result = run(&p);
        assert_rejected(p.path(), "tjanst.toml", &format!("{code}]"), field, result);
    }
}
