//! Publication profiles: secret parts (OSL) marked in the policy and in a record. The
//! open extract must contain none of their text, anywhere: every file's bytes, the search
//! index and the PDFs' text. The internal build keeps them and labels them.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{BASE, Edit, Project, Run, TODAY, files, git, pdf_text, project};

/// Unique strings in secret parts; none may reach the open extract.
const RISK: &str = "HEMLIG-RISKBEDOMNING-q7xk";
const SVAR: &str = "HEMLIGT-SVAR-4D-kvzq";
const ANALYS: &str = "HEMLIG-RISKANALYS-REF-xq91";
/// The risk analysis' date, inside a masked section; no other date in the fixture is this one.
const ANALYS_DATUM: &str = "2026-01-17";
const BITRADE: &str = "HEMLIGT-UNDERBITRADE-wq3m";
const UPPGIFT: &str = "HEMLIG-UPPGIFT-DRIFT-pl0z";
const REFERENS: &str = "SML-HEMLIG-REF-77aa";
/// A masked field's value at the decision, and after it: the history diff shows both.
const FORE: &str = "HEMLIG-PLACERING-FORE-aa1x";
const EFTER: &str = "HEMLIG-PLACERING-EFTER-bb2y";

const SENTINELS: [&str; 9] = [RISK, SVAR, ANALYS, ANALYS_DATUM, BITRADE, UPPGIFT, REFERENS, FORE, EFTER];

const POLICY_MARKINGS: &str = r#"
[[sekretess]]
falt = "beslut.riskbedomning"
paragraf = "18 kap. 8 § OSL"

[[sekretess]]
falt = "svar.4d"
paragraf = "31 kap. 16 § OSL"
grund = "Leverantörens affärsvillkor vid avslut."
"#;

/// The base record with a sentinel in every kind of secret part, marked in the record.
fn record(placering: &str) -> String {
    let text = BASE
        .edit("Låg risk.", RISK)
        .edit("Export till CSV.", SVAR)
        .edit("SML-2026-0001\"", &format!("{REFERENS}\""))
        .edit("backup_placering = \"Sverige\"", &format!("backup_placering = \"{placering}\""))
        .edit(
            "[driftform]",
            &format!("[[underbitraden]]\nnamn = \"{BITRADE}\"\nland = \"SE\"\nuppgift = \"{UPPGIFT}\"\n\n[driftform]"),
        );
    format!(
        r#"{text}
[riskanalys]
referens = "{ANALYS}"
datum = {ANALYS_DATUM}
genomford_av = "informationssakerhetssamordnare"

[[sekretess]]
falt = "riskanalys"
paragraf = "18 kap. 8 § OSL"

[[sekretess]]
falt = "underbitraden"
paragraf = "31 kap. 16 § OSL"

[[sekretess]]
falt = "aterstallning.backup_placering"
paragraf = "18 kap. 8 § OSL"

[[sekretess]]
falt = "tjanst.referens"
paragraf = "18 kap. 8 § OSL"
"#
    )
}

/// A git project: the record decided with `FORE`, then edited to `EFTER` after the decision.
fn fixture() -> Project {
    let dir = project(&[("tjanst.toml", &record(FORE))]);
    let root = dir.path();
    let policy = root.join("content/policy.toml");
    fs::write(&policy, fs::read_to_string(&policy).unwrap() + POLICY_MARKINGS).unwrap();
    git(root, "Handläggare", "2026-02-01", &["init", "-q", "-b", "main"]);
    git(root, "Handläggare", "2026-02-01", &["add", "-A"]);
    git(root, "Handläggare", "2026-02-01", &["commit", "-q", "-m", "Beslut"]);
    fs::write(root.join("content/bedomningar/tjanst.toml"), record(EFTER)).unwrap();
    git(root, "Handläggare", "2026-03-10", &["commit", "-q", "-a", "-m", "Ny placering"]);
    dir
}

/// Runs molnkoll in the project with `args` and `--today`.
fn molnkoll(p: &Project, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["--today", TODAY]);
    p.run(&all)
}

fn build(p: &Project, profile: &str) -> PathBuf {
    molnkoll(p, &["build", "--profile", profile]).ok();
    p.path().join("output")
}

/// Every string in the search index.
fn search_strings(out: &Path) -> String {
    let js = fs::read_to_string(out.join("assets/sokindex.js")).unwrap();
    let json = js.trim().strip_prefix("window.MOLNKOLL_SOKINDEX = ").unwrap().strip_suffix(';').unwrap();
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    fn walk(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut text = String::new();
    walk(&value, &mut text);
    text
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn open_extract_contains_no_masked_text_in_any_file_the_search_index_or_the_pdfs() {
    let dir = fixture();
    // An internal build first: the open one must not reuse any of its pages or PDFs.
    build(&dir, "intern");
    let out = build(&dir, "oppen");
    let all = files(&out);
    assert!(all.keys().any(|f| f.ends_with(".pdf")), "the build has PDFs");
    for (f, bytes) in all {
        for s in SENTINELS {
            assert!(!contains(&bytes, s), "{s} in {f}");
        }
        if f.ends_with(".pdf") {
            let text = pdf_text(&out.join(&f));
            for s in SENTINELS {
                assert!(!text.contains(s), "{s} in the text of {f}");
            }
        }
        if f.ends_with(".html") {
            let page = String::from_utf8(bytes).unwrap();
            assert!(page.contains("<strong>Öppet utdrag.</strong>"), "{f} does not say it is an open extract");
        }
    }
    let index = search_strings(&out);
    for s in SENTINELS {
        assert!(!index.contains(s), "{s} in the search index");
    }

    // Where the secret parts were, the notice cites each one's paragraph.
    let page = fs::read_to_string(out.join("bedomningar/tjanst/index.html")).unwrap();
    let eight = "Uppgiften omfattas av sekretess enligt 18 kap. 8 § OSL.";
    let sixteen = "Uppgiften omfattas av sekretess enligt 31 kap. 16 § OSL.";
    assert!(page.contains(&format!("<h3>Riskbedömning</h3><p>{eight}</p>")), "{page}");
    assert!(page.contains(sixteen), "{page}");
    assert!(page.contains(&format!("<dt>Referens</dt><dd>{eight}</dd>")), "{page}");
    assert!(page.contains(&format!("<td>{sixteen}</td>")), "the subprocessor's row: {page}");
    // The history still says the field changed, without either value.
    assert!(page.contains("aterstallning.backup_placering"), "{page}");
    assert!(page.contains(&format!("<td>{eight}</td><td>{eight}</td>")), "{page}");
    let pdf = pdf_text(&out.join("bedomningar/tjanst/beslutsunderlag.pdf"));
    assert!(pdf.contains("Öppet utdrag."), "{pdf}");
    assert!(pdf.contains(eight) && pdf.contains(sixteen), "{pdf}");
}

#[test]
fn open_export_contains_no_masked_text() {
    let dir = fixture();
    for format in ["csv", "json"] {
        let run = molnkoll(&dir, &["export", "--format", format, "--profile", "oppen"]);
        run.ok().stdout_has("Uppgiften omfattas av sekretess enligt 18 kap. 8 § OSL.");
        for s in SENTINELS {
            assert!(!run.stdout.contains(s), "{s} in the {format} export");
        }
    }
    let internal = molnkoll(&dir, &["export", "--format", "json"]);
    internal.ok().stdout_has(REFERENS);
}

#[test]
fn internal_build_keeps_secret_parts_and_labels_them() {
    let dir = fixture();
    let out = build(&dir, "intern");
    let page = fs::read_to_string(out.join("bedomningar/tjanst/index.html")).unwrap();
    for s in SENTINELS {
        assert!(page.contains(s), "{s} is missing from the internal page");
    }
    assert!(page.contains("Bedömningen innehåller uppgifter som omfattas av sekretess."), "{page}");
    assert!(
        page.contains(r#"<span class="sekretess-etikett">Sekretess · 18 kap. 8 § OSL</span> Riskanalys"#),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<span class="sekretess-etikett">Sekretess · 31 kap. 16 § OSL</span> Svar på fråga › 4d (Leverantörens affärsvillkor vid avslut.)"#
        ),
        "{page}"
    );
    assert!(!page.contains("Öppet utdrag"), "{page}");
    let pdf = pdf_text(&out.join("bedomningar/tjanst/beslutsunderlag.pdf"));
    assert!(pdf.contains("Handlingen innehåller uppgifter som omfattas av sekretess."), "{pdf}");
    assert!(pdf.contains("Sekretess · 18 kap. 8 § OSL Beslut › Riskbedömning"), "{pdf}");
    assert!(pdf.contains(RISK) && pdf.contains(ANALYS), "{pdf}");
}

#[test]
fn open_build_refuses_when_masked_text_also_stands_in_an_unmasked_field() {
    let dir = fixture();
    dir.edit("content/bedomningar/tjanst.toml", "Risken är acceptabel.", &format!("Se {RISK}."));
    molnkoll(&dir, &["build", "--profile", "oppen"])
        .code(1)
        .stderr_has("error[secret-leak]")
        .stderr_has("`beslut.riskbedomning` i bedömningen `tjanst`")
        // The policy's marking is cited.
        .stderr_has("content/policy.toml");
    assert!(!dir.path().join("output").exists(), "nothing is written");
    // The internal build has nothing to hide.
    build(&dir, "intern");
}

#[test]
fn check_reports_unknown_paths_and_empty_paragraphs_where_they_are() {
    let marked = format!(
        "{BASE}\n[[sekretess]]\nfalt = \"beslut.riskbedomnig\"\nparagraf = \"18 kap. 8 § OSL\"\n\n[[sekretess]]\nfalt = \"svar.4d\"\nparagraf = \" \"\n\n[[sekretess]]\nfalt = \"riskanalys.datum.ar\"\nparagraf = \"18 kap. 8 § OSL\"\n"
    );
    let dir = project(&[("tjanst.toml", &marked)]);
    let run = molnkoll(&dir, &["check"]);
    let stderr = &run.code(1).stderr;
    let line = BASE.lines().count() + 3;
    assert!(
        stderr
            .contains("error[unknown-field]: `sekretess[1].falt`: `beslut.riskbedomnig` är inget fält i en bedömning"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("content/bedomningar/tjanst.toml:{line}:8")), "{stderr}");
    assert!(stderr.contains("menade du `beslut.riskbedomning`?"), "{stderr}");
    assert!(stderr.contains("tillåtet i `beslut`: ") && stderr.contains("`riskbedomning`"), "{stderr}");
    assert!(stderr.contains("error[empty-paragraph]: `sekretess[2].paragraf` är tom"), "{stderr}");
    assert!(stderr.contains("`riskanalys.datum` är ett värde och har inga fält"), "{stderr}");

    // The policy's markings are checked the same way.
    let dir = project(&[("tjanst.toml", BASE)]);
    let policy = dir.path().join("content/policy.toml");
    let text = fs::read_to_string(&policy).unwrap()
        + "\n[[sekretess]]\nfalt = \"riskanalyss\"\nparagraf = \"18 kap. 8 § OSL\"\n";
    fs::write(&policy, text).unwrap();
    let stderr = molnkoll(&dir, &["check"]).stderr;
    assert!(stderr.contains("`riskanalyss` är inget fält i en bedömning"), "{stderr}");
    assert!(stderr.contains("menade du `riskanalys`?"), "{stderr}");
}
