//! The kravbilaga goes to every bidder in a public tender, as PDF and as DOCX. Every
//! shipped procurement is built and both documents are read as a bidder's tools read them:
//! the PDF by pdftotext and qpdf, the DOCX by unzipping it and by LibreOffice, which
//! converts it to PDF (`scripts/install-test-deps.sh` installs LibreOffice Writer).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use molnkoll::derive::Handling;
use molnkoll::model::Datum;

use crate::common::{Project, TODAY, paths, pdf_text, read, repo, tool};

/// A project with the shipped policy and every shipped assessment, built.
fn shipped(policy_edit: Option<(&str, &str)>) -> Project {
    let p = Project::new();
    for rel in paths(&repo().join("content/bedomningar"), ".toml") {
        p.write(&format!("content/bedomningar/{rel}"), &read(repo().join("content/bedomningar").join(&rel)));
    }
    if let Some((needle, replacement)) = policy_edit {
        p.edit("content/policy.toml", needle, replacement);
    }
    p.build().ok();
    p
}

/// The PDF's text without its running header and footer, which would otherwise split a
/// requirement that runs over a page break.
fn pdf_brodtext(pdf: &Path) -> String {
    let sida = regex::Regex::new(r"Sida \d+ av \d+").unwrap();
    let raw = tool("pdftotext", &["-enc", "UTF-8", "-layout"], pdf);
    let lines: Vec<&str> =
        raw.lines().filter(|l| !sida.is_match(l) && !l.trim_start().starts_with("SML-IT · Kravbilaga")).collect();
    lines.join("\n").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One part of a DOCX (a zip) as text.
fn docx_part(docx: &Path, part: &str) -> String {
    let file = fs::File::open(docx).unwrap_or_else(|e| panic!("{}: {e}", docx.display()));
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap_or_else(|e| panic!("{part} in {}: {e}", docx.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The words of `word/document.xml`: each paragraph's runs joined, markup and entities gone.
fn docx_text(docx: &Path) -> String {
    let xml = docx_part(docx, "word/document.xml");
    let xml = xml.replace("</w:p>", " \n");
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    let text = tags.replace_all(&xml, "");
    let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whitespace and hyphens dropped, so that text broken over lines or hyphenated by the
/// typesetter still matches.
fn fold(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}')).collect()
}

fn has(haystack: &str, needle: &str) -> bool {
    fold(haystack).contains(&fold(needle))
}

/// Each procurement with a kravbilaga: its slug, what must not reach the bidders, and the
/// ska-krav derive found, each as (id, motiv, kravtext, verifikat).
struct Upphandling {
    slug: String,
    interna: Vec<String>,
    mangder: Vec<String>,
    krav: Vec<[String; 4]>,
}

fn upphandlingar(root: &Path) -> Vec<Upphandling> {
    let today = Datum::parse(TODAY).unwrap();
    let checked = molnkoll::check(root, today).unwrap();
    let policy = checked.policy.as_ref().unwrap();
    let mut out = Vec::new();
    for item in checked.items.iter().filter(|i| i.harledning.handlingar.contains(&Handling::Kravbilaga)) {
        let b = &item.bedomning;
        let mut interna: Vec<String> = b.leverantor.iter().map(|l| l.namn.clone()).collect();
        interna.extend(b.leverantor.iter().filter_map(|l| l.moderbolag.clone()));
        interna.extend(b.riskanalys.iter().map(|r| r.referens.clone()));
        let krav = item
            .harledning
            .atgarder
            .iter()
            .filter(|u| u.del(policy) == Some(molnkoll::derive::Del::Leverantor))
            .map(|u| {
                let a = policy.atgard(&u.id).unwrap();
                [
                    a.id.clone(),
                    a.motiv.clone().expect("a ska-krav has a motiv"),
                    a.skakrav.clone().unwrap(),
                    a.bevis.clone().expect("a ska-krav has a verifikat"),
                ]
            })
            .collect();
        out.push(Upphandling {
            slug: item.slug.clone(),
            interna,
            mangder: b.informationsmangder.iter().map(|m| m.namn.clone()).collect(),
            krav,
        });
    }
    out
}

fn dokument(p: &Project, slug: &str) -> (PathBuf, PathBuf) {
    let dir = p.path().join("output/bedomningar").join(slug);
    (dir.join("kravbilaga.pdf"), dir.join("kravbilaga.docx"))
}

#[test]
fn no_shipped_kravbilaga_names_a_supplier_or_anything_internal_and_each_carries_every_ska_krav() {
    let p = shipped(None);
    let list = upphandlingar(p.path());
    assert!(list.len() >= 5, "the shipped records hold procurements");
    assert!(list.iter().any(|u| u.interna.is_empty()), "one shipped procurement has no supplier yet");
    for u in &list {
        let (pdf, docx) = dokument(&p, &u.slug);
        for (format, t) in [("PDF", pdf_brodtext(&pdf)), ("DOCX", docx_text(&docx))] {
            let ctx = format!("{} ({format}): {t}", u.slug);
            for namn in &u.interna {
                assert!(!t.contains(namn.as_str()), "{namn} in {ctx}");
            }
            for namn in &u.mangder {
                assert!(!t.contains(namn.as_str()), "the information set {namn} in {ctx}");
            }
            for word in ["sekretess", "Sekretess", "OSL", "Status:", "Riskanalys SML"] {
                assert!(!t.contains(word), "{word} in {ctx}");
            }
            if u.krav.is_empty() {
                assert!(t.contains("Den styrande nivån ger inga krav på leverantören."), "{ctx}");
            }
            for [id, motiv, krav, verifikat] in &u.krav {
                assert!(has(&t, &format!("({id})")), "{id} in {ctx}");
                for (what, text) in [("motiv", motiv), ("kravtext", krav), ("verifikat", verifikat)] {
                    assert!(has(&t, text), "{id}'s {what} in {ctx}");
                }
            }
            assert!(has(&t, "Kraven följer SML-IT:s policy för molntjänster, version 2026.1"), "{ctx}");
        }
    }
}

#[test]
fn the_classification_shows_by_name_only_when_the_policy_asks() {
    let p = shipped(Some(("visa_klassning = \"niva\"", "visa_klassning = \"informationsmangder\"")));
    let list = upphandlingar(p.path());
    for u in &list {
        let (pdf, docx) = dokument(&p, &u.slug);
        for (format, t) in [("PDF", pdf_brodtext(&pdf)), ("DOCX", docx_text(&docx))] {
            for namn in &u.mangder {
                assert!(has(&t, namn), "{namn} missing from {} ({format})", u.slug);
            }
            assert!(t.contains("Satt av"), "{} ({format})", u.slug);
        }
    }
}

/// The supplier-less procurement states the DPF requirement to every bidder, with the list
/// as a link in both formats.
#[test]
fn the_dpf_address_is_a_link_in_the_pdf_and_the_docx() {
    const URL: &str = "https://www.dataprivacyframework.gov/s/participant-search";
    let p = shipped(None);
    for u in upphandlingar(p.path()).iter().filter(|u| u.krav.iter().any(|k| k[0] == "MK-1-DPF")) {
        let (pdf, docx) = dokument(&p, &u.slug);
        let json = tool("qpdf", &["--json"], &pdf);
        assert!(json.contains("\"/URI\"") && json.contains(URL), "{}: no link annotation to {URL}", u.slug);
        let rels = docx_part(&docx, "word/_rels/document.xml.rels");
        assert!(
            rels.contains(r#"Id="rIdLank1""#)
                && rels.contains(&format!(r#"Target="{URL}""#))
                && rels.contains(r#"TargetMode="External""#),
            "{}: {rels}",
            u.slug
        );
        let xml = docx_part(&docx, "word/document.xml");
        assert!(xml.contains(r#"<w:hyperlink r:id="rIdLank1""#), "{}", u.slug);
    }
    let (_, docx) = dokument(&p, "lokalbokning-idrott-och-foreningsliv");
    assert!(docx_text(&docx).contains("(MK-1-DPF)"), "the supplier-less record's kravbilaga demands DPF");
}

#[test]
fn the_docx_has_headings_header_rows_a_language_and_a_title() {
    let p = shipped(None);
    let (_, docx) = dokument(&p, "lokalbokning-idrott-och-foreningsliv");
    let xml = docx_part(&docx, "word/document.xml");
    assert!(xml.contains(r#"<w:pStyle w:val="Heading1" />"#) && xml.contains(r#"<w:pStyle w:val="Heading2" />"#));
    let tables = xml.matches("<w:tbl>").count();
    assert!(tables >= 4, "{tables} tables");
    assert_eq!(xml.matches("<w:tblHeader />").count(), tables, "each table's first row is its header row");
    let styles = docx_part(&docx, "word/styles.xml");
    assert!(styles.contains(r#"<w:lang w:val="sv-SE""#), "{styles}");
    assert!(styles.contains(r#"w:styleId="Heading1""#) && styles.contains(r#"<w:name w:val="heading 1" />"#));
    let core = docx_part(&docx, "docProps/core.xml");
    assert!(core.contains("<dc:title>Kravbilaga: Lokalbokning för idrott och föreningsliv</dc:title>"), "{core}");
    assert!(core.contains("<dc:language>sv-SE</dc:language>"), "{core}");
}

#[test]
fn two_builds_give_the_same_docx_bytes() {
    let p = shipped(None);
    let again = p.path().join("igen");
    p.run(&["build", "--today", TODAY, "--no-cache", "--out", again.to_str().unwrap()]).ok();
    let docx = paths(&p.path().join("output"), ".docx");
    assert!(docx.len() >= 5, "{docx:?}");
    for rel in docx {
        let a = fs::read(p.path().join("output").join(&rel)).unwrap();
        let b = fs::read(again.join(&rel)).unwrap();
        assert!(a == b, "{rel} differs between two builds");
    }
}

/// LibreOffice, as a procurement officer's word processor would, opens every DOCX and
/// converts it to PDF without error; the PDF holds every ska-krav's id and text.
#[test]
fn libreoffice_converts_every_docx_and_keeps_every_ska_krav() {
    let p = shipped(None);
    let out = p.path().join("lo");
    fs::create_dir_all(&out).unwrap();
    for u in upphandlingar(p.path()) {
        let (_, docx) = dokument(&p, &u.slug);
        let run = std::process::Command::new("soffice")
            .arg(format!("-env:UserInstallation=file://{}", p.path().join("lo-profil").display()))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&out)
            .arg(&docx)
            .output()
            .unwrap_or_else(|e| panic!("soffice is needed (scripts/install-test-deps.sh installs it): {e}"));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{}: soffice failed: {stderr}", u.slug);
        assert!(!stderr.contains("Error"), "{}: {stderr}", u.slug);
        let pdf = out.join("kravbilaga.pdf");
        let t = pdf_text(&pdf);
        for [id, _, krav, _] in &u.krav {
            assert!(has(&t, &format!("({id})")), "{id} in {}: {t}", u.slug);
            assert!(has(&t, krav), "{id}'s kravtext in {}: {t}", u.slug);
        }
        assert!(has(&t, "Bilaga B: Begreppsförklaring"), "{}", u.slug);
        fs::remove_file(&pdf).unwrap();
    }
}

/// A service name is data in the DOCX as on the site: markup in it is escaped text in
/// `word/document.xml` and in the title, never an element of its own.
#[test]
fn markup_in_a_record_is_text_in_the_docx() {
    let p = Project::new();
    let namn = "Boka <w:p/></w:t> & \"x\" ]]>";
    let record = read(repo().join("content/bedomningar/lokalbokning-idrott-och-foreningsliv.toml"));
    let record = crate::common::Edit::edit(
        record.as_str(),
        "namn = \"Lokalbokning för idrott och föreningsliv\"",
        &format!("namn = {namn:?}"),
    );
    p.write("content/bedomningar/lokalbokning-idrott-och-foreningsliv.toml", &record);
    p.build().ok();
    let (_, docx) = dokument(&p, "lokalbokning-idrott-och-foreningsliv");
    let xml = docx_part(&docx, "word/document.xml");
    assert!(!xml.contains("<w:p/></w:t>"), "the name's markup became XML");
    assert!(xml.contains("Boka &lt;w:p/&gt;&lt;/w:t&gt; &amp; "), "the name is escaped text");
    assert!(docx_text(&docx).contains(namn), "and reads as written");
    let core = docx_part(&docx, "docProps/core.xml");
    assert!(!core.contains("<w:p/>") && core.contains("&lt;w:p/&gt;"), "{core}");
}
