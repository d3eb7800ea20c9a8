//! The incremental build: what it reuses, what it makes again, and that the result is
//! byte for byte what a build from scratch gives.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::common::{BASE, Edit, Project, TODAY, edit, files, molnkoll, project, repo};

/// Every file under `dir`: its bytes and its inode, which a linked (reused) file keeps.
fn linked(dir: &Path) -> BTreeMap<String, (Vec<u8>, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, (fs::read(e.path()).unwrap(), e.metadata().unwrap().ino()))
        })
        .collect()
}

/// The paths whose file is new since `before`: made again rather than linked.
fn remade<'a>(before: &BTreeMap<String, (Vec<u8>, u64)>, after: &'a BTreeMap<String, (Vec<u8>, u64)>) -> Vec<&'a str> {
    after
        .iter()
        .filter(|(k, (_, ino))| before.get(*k).is_none_or(|(_, old)| old != ino))
        .map(|(k, _)| k.as_str())
        .collect()
}

/// `molnkoll build` on `root`: its summary line.
fn summary(root: &Path) -> String {
    molnkoll(root, &["build", "--today", TODAY]).ok().summary().to_owned()
}

/// Three assessments with three suppliers.
fn three() -> Project {
    let b = BASE.edit("namn = \"", "namn = \"Andra ").edit("SML-2026-0001", "SML-2026-0002");
    let c = BASE.edit("namn = \"", "namn = \"Tredje ").edit("SML-2026-0001", "SML-2026-0003");
    project(&[("a.toml", BASE), ("b.toml", &b), ("c.toml", &c)])
}

fn day() -> molnkoll::model::Datum {
    molnkoll::model::Datum::parse(TODAY).unwrap()
}

/// An incremental build of `root` into `output/`: the pages and PDFs it made again.
fn made(root: &Path) -> Vec<String> {
    let built = molnkoll::build(&molnkoll::Options::new(root, day()), &root.join("output")).unwrap();
    assert!(built.written.is_some(), "{}", built.checked.render());
    built.reused.made
}

/// The output equals a build from scratch into another folder, byte for byte.
fn assert_same_as_clean_build(root: &Path) {
    molnkoll::build(
        &molnkoll::Options { incremental: false, ..molnkoll::Options::new(root, day()) },
        &root.join("ren"),
    )
    .unwrap();
    assert_eq!(files(&root.join("output")), files(&root.join("ren")));
    fs::remove_dir_all(root.join("ren")).unwrap();
}

#[test]
fn one_edited_assessment_remakes_only_what_shows_it_and_equals_a_clean_build() {
    let dir = three();
    let root = dir.path();
    let all = made(root);
    assert!(all.len() > 20, "the first build makes everything: {all:?}");
    let before = linked(&root.join("output"));

    // Nothing changed: nothing is made again, and every file is the same file (linked).
    assert_eq!(made(root), Vec::<String>::new());
    let same = linked(&root.join("output"));
    // Only the bookkeeping is written anew.
    assert_eq!(remade(&before, &same), vec![molnkoll::cache::MANIFEST, molnkoll::write::MARKER]);

    // The diary number shows on the assessment's own page and in each of its PDFs; the
    // certificate's evidence cites it too, and the supplier's page lists certificates.
    let b = root.join("content/bedomningar/b.toml");
    edit(&b, "SML-2026-0002", "SML-2026-0099");
    let b_files: Vec<String> = all.iter().filter(|p| p.starts_with("bedomningar/b/")).cloned().collect();
    assert!(b_files.iter().filter(|p| p.ends_with(".pdf")).count() >= 2, "{b_files:?}");
    let mut expected = b_files.clone();
    expected.push("leverantorer/andra-schema-ab/index.html".to_owned());
    assert_eq!(made(root), expected);
    assert_same_as_clean_build(root);

    // Its name shows in lists too: the register, the start page, its supplier's page.
    edit(&b, "namn = \"Andra Schemaläggning\"", "namn = \"Andra Bokning\"");
    let made = made(root);
    for f in &b_files {
        assert!(made.contains(f), "{f}: {made:?}");
    }
    assert!(made.iter().any(|p| p.starts_with("register/")), "{made:?}");
    for f in &made {
        let lists = f.starts_with("register/") || f.starts_with("leverantorer/") || f == "index.html";
        assert!(f.starts_with("bedomningar/b/") || lists, "{f} was made again, but it does not show b: {made:?}");
    }
    assert_same_as_clean_build(root);

    // The command line says what it reused.
    let summary = summary(root);
    let pages = all.iter().filter(|p| p.ends_with(".html")).count();
    let pdfs = all.iter().filter(|p| p.ends_with(".pdf")).count();
    // The DOCX and the svarsbilaga are found by the assessment too, and made again only with it.
    assert!(all.iter().any(|p| p.ends_with(".docx")) && all.iter().any(|p| p.ends_with(".xlsx")), "{all:?}");
    assert!(summary.contains(&format!("({pages} sidor och {pdfs} PDF oförändrade sedan förra bygget)")), "{summary}");
}

#[test]
fn a_policy_edit_remakes_everything() {
    let dir = three();
    let root = dir.path();
    let all = made(root);
    edit(root.join("content/policy.toml"), "Gemensam IT-organisation", "Gemensam it-organisation");
    assert_eq!(made(root), all);
    assert_same_as_clean_build(root);
}

#[test]
fn a_pdf_template_edit_retypesets_the_documents_but_keeps_the_pages() {
    let dir = three();
    let root = dir.path();
    let all = made(root);
    fs::create_dir_all(root.join("templates/pdf")).unwrap();
    let builtin = fs::read_to_string(repo().join("templates/pdf/kravbilaga.typ")).unwrap();
    fs::write(root.join("templates/pdf/kravbilaga.typ"), format!("{builtin}\n// egen version\n")).unwrap();
    let pdfs: Vec<String> = all.iter().filter(|p| p.ends_with(".pdf")).cloned().collect();
    assert_eq!(made(root), pdfs);
    // A comment changes no bytes: the PDFs were typeset again, and came out the same.
    assert_same_as_clean_build(root);
}

#[test]
fn a_damaged_output_or_cache_gives_a_correct_site() {
    let dir = three();
    let root = dir.path();
    made(root);
    let out = root.join("output");
    let clean = files(&out);

    // A page edited by hand in the output, and a PDF truncated: both are made again.
    let page = out.join("bedomningar/a/index.html");
    edit(&page, "Schemaläggning", "Ändrad för hand");
    let pdf = fs::read_dir(out.join("bedomningar/a"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    fs::write(&pdf, b"%PDF-1.7").unwrap();
    let rel = |p: &Path| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
    let mut expected = vec![rel(&page), rel(&pdf)];
    expected.sort();
    assert_eq!(made(root), expected);
    assert_eq!(files(&out), clean);

    // A broken manifest means a full build, not an error.
    fs::write(out.join(molnkoll::cache::MANIFEST), b"{ inte json").unwrap();
    let summary = summary(root);
    assert!(!summary.contains("oförändrade"), "{summary}");
    assert_eq!(files(&out), clean);
}

/// An edit to make, and what it edits.
type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);

/// `serve` renders from its last render and memo. After every kind of edit, that render
/// must give exactly the files a render from nothing gives, while still reusing what the
/// edit left alone.
#[test]
fn serve_renders_from_its_memo_exactly_what_a_fresh_render_gives() {
    use molnkoll::cache::Cache;

    let dir = three();
    let root = dir.path();
    let render = |cache: &Cache| {
        let r = molnkoll::render(&molnkoll::Options::new(root, day()), cache, None).unwrap();
        assert!(r.files.is_some(), "{}", r.checked.render());
        r
    };
    let files = |r: &molnkoll::Rendered| -> BTreeMap<String, Vec<u8>> {
        r.files.iter().flatten().map(|f| (f.path.clone(), f.bytes.to_vec())).collect()
    };
    let mut cache = Cache::with_memo();
    let b = root.join("content/bedomningar/b.toml");
    let steps: Vec<Step> = vec![
        ("nothing", Box::new(|| {})),
        ("a diary number", Box::new(|| edit(&b, "SML-2026-0002", "SML-2026-0099"))),
        (
            "a certificate's expiry, in the calendar",
            Box::new(|| edit(&b, "giltigt_till = 2027-06-30", "giltigt_till = 2026-12-31")),
        ),
        (
            "a service name, in the register",
            Box::new(|| edit(&b, "namn = \"Andra Schemaläggning\"", "namn = \"Andra Bokning\"")),
        ),
        (
            "a new file before the others",
            Box::new(|| {
                let a0 = BASE.edit("namn = \"", "namn = \"Första ").edit("SML-2026-0001", "SML-2026-0100");
                fs::write(root.join("content/bedomningar/0.toml"), a0).unwrap();
            }),
        ),
        (
            "the page template",
            Box::new(|| {
                let builtin = fs::read_to_string(repo().join("templates/sok.html")).unwrap();
                fs::create_dir_all(root.join("templates")).unwrap();
                fs::write(root.join("templates/sok.html"), format!("{builtin}\n<!-- egen -->\n")).unwrap();
            }),
        ),
        (
            "a PDF template",
            Box::new(|| {
                let builtin = fs::read_to_string(repo().join("templates/pdf/kravbilaga.typ")).unwrap();
                fs::create_dir_all(root.join("templates/pdf")).unwrap();
                // Before the pages left for the appendices: nothing may follow them.
                let own = builtin.replace("#bilagesidor()", "#text[Egen]\n#bilagesidor()");
                fs::write(root.join("templates/pdf/kravbilaga.typ"), own).unwrap();
            }),
        ),
        (
            "the policy",
            Box::new(|| edit(root.join("content/policy.toml"), "Gemensam IT-organisation", "Gemensam it-organisation")),
        ),
        ("a removed file", Box::new(|| fs::remove_file(root.join("content/bedomningar/0.toml")).unwrap())),
    ];
    for (i, (what, step)) in steps.iter().enumerate() {
        step();
        let r = render(&cache);
        assert_eq!(files(&r), files(&render(&Cache::empty())), "after editing {what}");
        if i > 0 && !what.contains("policy") && !what.contains("template") {
            assert!(r.reused.pages > 0 && r.reused.pdfs > 0, "{what}: the memo was used");
        }
        cache = Cache::from_memory(r.files.unwrap(), cache.take_memo());
    }
}
