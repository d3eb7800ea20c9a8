//! History from git: a temporary repository with an assessment that is drafted, decided
//! and changed after the decision, and one that stalls without a decision.

use std::fs;
use std::path::Path;

use crate::common::{BASE, Edit, Project, TODAY, git, pdf_text, project};
use molnkoll::model::Datum;

fn commit(dir: &Path, author: &str, date: &str, message: &str) -> String {
    git(dir, author, date, &["add", "-A"]);
    git(dir, author, date, &["commit", "-q", "-m", message]);
    git(dir, author, date, &["rev-parse", "HEAD"])
}

fn draft() -> &'static str {
    &BASE[..BASE.find("[beslut]").unwrap()]
}

/// The history this file tells, as built by [`history_project`].
struct Fixture {
    dir: Project,
    decided: String,
    changed: String,
}

fn history_project() -> Fixture {
    let dir = project(&[("schema.toml", draft()), ("stannat.toml", &draft().edit("Schemaläggning", "Stannat"))]);
    let root = dir.path();
    git(root, "x", "2026-01-15", &["init", "-q", "-b", "main"]);
    commit(root, "Anna Andersson", "2026-01-15", "Två nya bedömningar");
    let bedomning = root.join("content/bedomningar/schema.toml");
    fs::write(&bedomning, BASE).unwrap();
    let decided = commit(root, "Bertil Berg", "2026-02-01", "Beslut: Schemaläggning godkänd");
    // Touches only a page: not part of the assessment's history.
    fs::write(root.join("content/sidor/om.md"), "+++\ntitel = \"Om\"\nordning = 3\n+++\n\nText.\n").unwrap();
    commit(root, "Anna Andersson", "2026-02-20", "Ny sida");
    let changed_text = BASE.edit("klassning = { K = 1, R = 2, T = 2 }", "klassning = { K = 2, R = 2, T = 2 }").edit(
        "[driftform]",
        "[[underbitraden]]\nnamn = \"Drift AB\"\nland = \"SE\"\nuppgift = \"Drift.\"\n\n[driftform]",
    );
    fs::write(&bedomning, changed_text).unwrap();
    let changed = commit(root, "Cecilia Ek", "2026-03-10", "Schemaläggning: ny klassning och ett underbiträde");
    Fixture { dir, decided, changed }
}

fn today(s: &str) -> Datum {
    Datum::parse(s).unwrap()
}

#[test]
fn history_decided_version_and_changes_since_the_decision() {
    let f = history_project();
    let checked = molnkoll::check(f.dir.path(), today(TODAY)).unwrap();
    assert_eq!(checked.errors(), 0, "{}", checked.render());
    let item = checked.items.iter().find(|i| i.slug == "schema").unwrap();
    let h = item.historik.as_ref().expect("the project is a git repository");

    let log: Vec<(String, &str, &str)> =
        h.andringar.iter().map(|a| (a.datum.to_string(), a.forfattare.as_str(), a.meddelande.as_str())).collect();
    assert_eq!(
        log,
        [
            ("2026-03-10".into(), "Cecilia Ek", "Schemaläggning: ny klassning och ett underbiträde"),
            ("2026-02-01".into(), "Bertil Berg", "Beslut: Schemaläggning godkänd"),
            ("2026-01-15".into(), "Anna Andersson", "Två nya bedömningar"),
        ]
    );
    assert_eq!(h.andringar[0].commit, f.changed);
    assert_eq!(h.andringar[0].kort, f.changed[..7]);
    assert!(!h.ej_incheckad);
    assert_eq!(h.beslutad.as_ref().map(|v| v.andring.commit.as_str()), Some(f.decided.as_str()));
    assert_eq!(item.senast_andrad, Some(today("2026-03-10")));

    let diff: Vec<(&str, &str, Option<&str>, Option<&str>)> = item
        .sedan_beslut
        .as_ref()
        .unwrap()
        .iter()
        .map(|s| (s.falt.as_str(), s.etikett.as_str(), s.fore.as_deref(), s.efter.as_deref()))
        .collect();
    assert_eq!(
        diff,
        [
            ("informationsmangd[1].klassning.K", "Informationsmängd 1 › Klassning › K", Some("1"), Some("2")),
            ("underbitraden[1].land", "Underbiträde 1 › Land", None, Some("SE")),
            ("underbitraden[1].namn", "Underbiträde 1 › Namn", None, Some("Drift AB")),
            ("underbitraden[1].uppgift", "Underbiträde 1 › Uppgift", None, Some("Drift.")),
        ]
    );
}

#[test]
fn a_stalled_assessment_without_a_decision_is_warned_about_after_six_months() {
    let f = history_project();
    let codes = |day: &str| -> Vec<(String, &'static str)> {
        let c = molnkoll::check(f.dir.path(), today(day)).unwrap();
        let mut v: Vec<_> = c
            .diagnostics
            .iter()
            .filter(|d| d.code == "undecided-stale")
            .map(|d| (c.sources.name(d.file).to_owned(), d.code))
            .collect();
        v.sort();
        v
    };
    // Last changed 2026-01-15: stale once six months have passed, not before.
    assert_eq!(codes("2026-07-15"), []);
    assert_eq!(codes("2026-07-16"), [("content/bedomningar/stannat.toml".to_owned(), "undecided-stale")]);
    // The decided one never stalls, however old its last change.
    assert_eq!(codes("2028-01-01"), [("content/bedomningar/stannat.toml".to_owned(), "undecided-stale")]);

    // `--strict` makes the warning fail `check`, so an organisation's CI can stop on it.
    f.dir
        .check(&["--strict"])
        .code(1)
        .stderr_has("warning[undecided-stale]: bedömningen saknar beslut och ändrades senast 2026-01-15")
        .stderr_has("oförändrad i mer än 6 månader");
}

#[test]
fn uncommitted_work_is_dated_today_and_counts_as_a_change_since_the_decision() {
    let f = history_project();
    f.dir.edit("content/bedomningar/schema.toml", "Personalens arbetsscheman.", "Scheman och frånvaro.");
    let checked = molnkoll::check(f.dir.path(), today(TODAY)).unwrap();
    let item = checked.items.iter().find(|i| i.slug == "schema").unwrap();
    assert!(item.historik.as_ref().unwrap().ej_incheckad);
    assert_eq!(item.senast_andrad, Some(today(TODAY)));
    let diff = item.sedan_beslut.as_ref().unwrap();
    assert!(
        diff.iter().any(
            |s| s.falt == "informationsmangd[1].beskrivning" && s.efter.as_deref() == Some("Scheman och frånvaro.")
        ),
        "{diff:?}"
    );
}

#[test]
fn the_site_shows_history_and_the_change_view_and_the_pdf_carries_the_last_change_date() {
    let f = history_project();
    f.dir.build().ok();
    let out = f.dir.path().join("output");
    let page = f.dir.output("bedomningar/schema/index.html");
    assert!(page.contains("<strong>Ändrad efter beslutet.</strong>"), "{page}");
    assert!(
        page.contains(&format!("sparad i git den 2026-02-01 (version <code>{}</code>)", &f.decided[..7])),
        "{page}"
    );
    assert!(page.contains("<th scope=\"row\">Informationsmängd 1 › Klassning › K <code class=\"muted\">informationsmangd[1].klassning.K</code></th><td>1</td><td>2</td>"), "{page}");
    // The policy hides git authors by default: the row has no author cell, the page no name.
    assert!(page.contains("<td>2026-03-10</td><td>Schemaläggning: ny klassning och ett underbiträde</td>"), "{page}");
    assert!(!page.contains("Cecilia Ek"), "{page}");
    assert!(page.contains("Beslut: Schemaläggning godkänd <strong>(beslutad version)</strong>"));
    assert!(page.contains("<dt>Senast ändrad</dt><dd>2026-03-10</dd>"), "{page}");

    let index = f.dir.output("index.html");
    assert!(index.contains("Ändrad efter beslutet"), "{index}");
    assert!(index.contains("behöver se över beslutet: 4 fält har ändrats sedan det fattades."), "{index}");
    assert!(index.contains("Beslutet dröjer"), "{index}");
    let register = f.dir.output("register/index.html");
    assert!(register.contains("ändrad efter beslutet</span>"), "{register}");

    // The stalled one never had a decision: no change view, and it says so.
    let stannat = f.dir.output("bedomningar/stannat/index.html");
    assert!(stannat.contains("Inget beslut är sparat i git ännu."), "{stannat}");
    assert!(!stannat.contains("Ändrad efter beslutet."));

    let text = pdf_text(&out.join("bedomningar/schema/beslutsunderlag.pdf"));
    // The document date is the last commit's, not the decision's (2026-02-01).
    assert!(text.contains("2026-03-10"), "{text}");
}

#[test]
fn content_outside_git_builds_and_says_there_is_no_history() {
    let dir = project(&[("schema.toml", BASE)]);
    let checked = molnkoll::check(dir.path(), today(TODAY)).unwrap();
    assert!(matches!(&checked.historik, molnkoll::historik::Kalla::Saknas { orsak } if orsak.contains("git-förråd")));
    assert!(checked.items[0].historik.is_none());
    dir.build().ok();
    let page = dir.output("bedomningar/schema/index.html");
    assert!(page.contains("Ingen historik är tillgänglig: innehållet ligger inte i ett git-förråd."), "{page}");
}

#[test]
fn a_shallow_clone_has_history_from_its_boundary() {
    let f = history_project();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", f.dir.path().display());
    git(clone.path(), "x", TODAY, &["clone", "-q", "--depth", "1", &url, "k"]);
    let root = clone.path().join("k");
    let checked = molnkoll::check(&root, today(TODAY)).unwrap();
    assert!(matches!(checked.historik, molnkoll::historik::Kalla::Git { .. }), "{:?}", checked.historik);
    let item = checked.items.iter().find(|i| i.slug == "schema").unwrap();
    let h = item.historik.as_ref().unwrap();
    // Only the last commit is there; it is where the file's history begins.
    assert_eq!(h.andringar.len(), 1);
    assert_eq!(h.andringar[0].commit, f.changed);
    assert!(!h.ej_incheckad);
}

/// A build from scratch into `ren/` equals `output/`, byte for byte: every page, every PDF,
/// and the history memory itself.
#[track_caller]
fn assert_same_as_fresh(root: &Path) {
    let opts = molnkoll::Options { incremental: false, ..molnkoll::Options::new(root, today(TODAY)) };
    molnkoll::build(&opts, &root.join("ren")).unwrap();
    let (kept, fresh) = (crate::common::files(&root.join("output")), crate::common::files(&root.join("ren")));
    assert_eq!(kept.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>());
    for (path, bytes) in &kept {
        assert!(bytes == &fresh[path], "{path} differs from a fresh read of the history");
    }
    fs::remove_dir_all(root.join("ren")).unwrap();
}

#[test]
fn history_kept_by_the_build_equals_history_read_fresh_and_is_never_stale() {
    let f = history_project();
    let root = f.dir.path();
    f.dir.build().ok();
    assert!(root.join("output").join(molnkoll::cache::HISTORIK).is_file(), "the build keeps what it read");
    assert_same_as_fresh(root);

    // A new commit: the next build reads it, and takes the older ones from the memory.
    f.dir.edit("content/bedomningar/stannat.toml", "namn = \"Stannat\"", "namn = \"Stannat igen\"");
    commit(root, "Doris Dahl", "2026-04-01", "Stannat: nytt namn");
    f.dir.build().ok();
    let page = || f.dir.output("bedomningar/stannat/index.html");
    assert!(page().contains("<td>2026-04-01</td><td>Stannat: nytt namn</td>"), "{}", page());
    assert_same_as_fresh(root);

    // An amend replaces the commit (keeping its author date): its old message must go.
    git(root, "Doris Dahl", "2026-04-02", &["commit", "-q", "--amend", "-m", "Stannat: omdöpt"]);
    f.dir.build().ok();
    assert!(page().contains("<td>2026-04-01</td><td>Stannat: omdöpt</td>"), "{}", page());
    assert!(!page().contains("nytt namn"), "{}", page());
    assert_same_as_fresh(root);

    // A decision taken again: the decided version is the new commit, though the file's
    // older versions (and which of them was decided) are in the memory.
    f.dir.edit("content/bedomningar/schema.toml", "datum = 2026-02-01", "datum = 2026-03-20");
    let omprovad = commit(root, "Bertil Berg", "2026-03-20", "Beslut: Schemaläggning omprövad");
    f.dir.build().ok();
    let schema = || f.dir.output("bedomningar/schema/index.html");
    assert!(schema().contains(&format!("(version <code>{}</code>)", &omprovad[..7])), "{}", schema());
    assert_same_as_fresh(root);

    // A reset to an older commit: HEAD is now an ancestor of what was read.
    git(root, "x", TODAY, &["reset", "-q", "--hard", &f.decided]);
    f.dir.build().ok();
    assert!(!schema().contains("ny klassning"), "{}", schema());
    assert!(schema().contains(&format!("(version <code>{}</code>)", &f.decided[..7])), "{}", schema());
    assert!(!page().contains("omdöpt"), "{}", page());
    assert_same_as_fresh(root);

    // A memory that is not ours (garbled, or another version's) only costs a full walk.
    fs::write(root.join("output").join(molnkoll::cache::HISTORIK), b"{\"version\": \"0\"").unwrap();
    f.dir.build().ok();
    assert_same_as_fresh(root);

    // A rebase onto a commit made elsewhere: the decision taken after it gets a new id, and
    // the pages must name the new one, never the old. (This repository holds the output
    // folder too, so the last build's changes are stashed meanwhile.)
    f.dir.edit("content/bedomningar/schema.toml", "datum = 2026-02-01", "datum = 2026-04-10");
    let omprovad = commit(root, "Bertil Berg", "2026-04-10", "Beslut: Schemaläggning omprövad igen");
    f.dir.build().ok();
    assert!(schema().contains(&format!("(version <code>{}</code>)", &omprovad[..7])), "{}", schema());
    git(root, "x", TODAY, &["stash", "-q"]);
    git(root, "x", TODAY, &["checkout", "-q", "-b", "sidospar", &f.decided]);
    fs::create_dir_all(root.join("content/sidor")).unwrap();
    fs::write(root.join("content/sidor/rattelse.md"), "+++\ntitel = \"Rättelse\"\nordning = 4\n+++\n\nText.\n")
        .unwrap();
    git(root, "Erik Ek", "2026-04-05", &["add", "content"]);
    git(root, "Erik Ek", "2026-04-05", &["commit", "-q", "-m", "Ny sida: rättelse"]);
    git(root, "x", TODAY, &["checkout", "-q", "main"]);
    git(root, "Bertil Berg", "2026-04-11", &["rebase", "-q", "sidospar"]);
    git(root, "x", TODAY, &["stash", "pop", "-q"]);
    let ombaserad = git(root, "x", TODAY, &["rev-parse", "HEAD"]);
    assert_ne!(ombaserad, omprovad, "the rebase rewrote the commit");
    f.dir.build().ok();
    assert!(schema().contains(&format!("(version <code>{}</code>)", &ombaserad[..7])), "{}", schema());
    assert!(!schema().contains(&omprovad[..7]), "{}", schema());
    assert_same_as_fresh(root);
}
