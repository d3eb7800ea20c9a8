//! The procurement PDFs: the real binary builds fixture projects, then the tests read the
//! PDFs the way a person or an archive would: text by pdftotext, structure by qpdf,
//! metadata by pdfinfo. `scripts/install-test-deps.sh` installs poppler-utils and qpdf.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use common::{BASE, build, project, repo};

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Process::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (scripts/install-test-deps.sh installs it): {e}"));
    assert!(out.status.success(), "{name} {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The PDF's text with line breaks and hyphenation folded, so phrases can be searched.
fn text(pdf: &Path) -> String {
    let raw = tool("pdftotext", &["-enc", "UTF-8", "-layout"], pdf);
    raw.replace("-\n", "").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pdfs(root: &Path) -> Vec<String> {
    let out = root.join("output");
    let mut list: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .map(|e| e.path().strip_prefix(&out).unwrap().to_string_lossy().into_owned())
        .collect();
    list.sort();
    list
}

/// The base fixture with a US supplier: level 2, procurement, not yet decided.
fn us_level_2() -> String {
    BASE.replace("land = \"SE\"", "land = \"US\"")
        .replace(
            "[aterstallning]",
            "[dpf]\nlistad = true\nramverk = [\"EU-U.S. DPF\"]\nkontrollerad = 2026-10-01\n\n[aterstallning]",
        )
        .replace("[beslut]", "[ignorerat]")
        .split("[ignorerat]")
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn a_level_2_us_procurement_lists_exactly_dpf_restore_and_certification() {
    let p = project(&[("tjanst.toml", &us_level_2())]);
    let (ok, stderr) = build(p.path());
    assert!(ok, "{stderr}");
    assert_eq!(
        pdfs(p.path()),
        ["bedomningar/tjanst/beslutsunderlag.pdf", "bedomningar/tjanst/kravbilaga.pdf", "policy.pdf"]
    );
    let t = text(&p.path().join("output/bedomningar/tjanst/kravbilaga.pdf"));
    // Exactly three numbered ska-krav, in the policy's order, each with its stable id.
    let krav: Vec<&str> = t
        .match_indices("Krav ")
        .filter(|(i, _)| t[i + 5..].starts_with(char::is_numeric))
        .map(|(i, _)| &t[i..i + 7])
        .collect();
    assert_eq!(krav, ["Krav 1:", "Krav 2:", "Krav 3:"], "{t}");
    assert!(t.contains("Krav 1: Återställningsförfarande (MK-2-ATERSTALLNING)"), "{t}");
    assert!(t.contains("Krav 2: Certifiering av oberoende part (MK-2-CERTIFIERING)"), "{t}");
    assert!(t.contains("Krav 3: Listad i EU–US Data Privacy Framework (MK-1-DPF)"), "{t}");
    for punkt in
        ["Återställningstid", "Placering av backup (land/jurisdiktion)", "Versionshantering", "Kvarhållandeprincip"]
    {
        assert!(t.contains(punkt), "{punkt}");
    }
    // What the supplier must submit, the level and why, and both appendices.
    assert!(t.contains("Leverantören ska lämna: Kopia av giltigt certifikat"), "{t}");
    assert!(t.contains("2 – Betydande"), "{t}");
    assert!(t.contains("informationsmängden Scheman, aspekten Riktighet"), "{t}");
    assert!(t.contains("Bilaga A: Åtgärdstabell") && t.contains("Bilaga B: Begreppsförklaring"), "{t}");
    // Measures above the level are not requirements; they are listed as not applying.
    assert!(!t.contains("Krav 4"), "{t}");
    let ska = &t[t.find("Ska-krav").unwrap()..t.find("Åtgärder som inte gäller").unwrap()];
    assert!(!ska.contains("MK-3-RISKANALYS") && !ska.contains("MK-4-FORBUD"), "{ska}");
}

#[test]
fn an_eu_only_kravbilaga_omits_dpf_and_says_why() {
    let p = project(&[("tjanst.toml", BASE)]);
    assert!(build(p.path()).0);
    let t = text(&p.path().join("output/bedomningar/tjanst/kravbilaga.pdf"));
    let ska = &t[t.find("Ska-krav").unwrap()..t.find("Åtgärder som inte gäller").unwrap()];
    assert!(!ska.contains("MK-1-DPF"), "{ska}");
    assert!(ska.contains("MK-2-ATERSTALLNING") && ska.contains("MK-2-CERTIFIERING"), "{ska}");
    let ej = &t[t.find("Åtgärder som inte gäller").unwrap()..t.find("Bilaga A").unwrap()];
    assert!(ej.contains("Listad i EU–US Data Privacy Framework (MK-1-DPF)"), "{ej}");
    assert!(ej.contains("Gäller bara vid USA-koppling"), "{ej}");
}

#[test]
fn level_4_yields_only_the_notice() {
    let level4 = BASE.replace("klassning = { K = 1, R = 2, T = 2 }", "klassning = { K = 4, R = 2, T = 2 }");
    let level4 = level4.split("[beslut]").next().unwrap();
    let p = project(&[("tjanst.toml", level4)]);
    let (ok, stderr) = build(p.path());
    assert!(ok, "{stderr}");
    assert_eq!(pdfs(p.path()), ["bedomningar/tjanst/ej-tillaten.pdf", "policy.pdf"]);
    let t = text(&p.path().join("output/bedomningar/tjanst/ej-tillaten.pdf"));
    assert!(t.contains("Molntjänst är ej tillåten för Schemaläggning."), "{t}");
    assert!(t.contains("4 – Synnerligen allvarlig") && t.contains("aspekten Konfidentialitet"), "{t}");
    assert!(!t.contains("Ska-krav"), "{t}");
    let pages = tool("pdfinfo", &[], &p.path().join("output/bedomningar/tjanst/ej-tillaten.pdf"));
    assert!(pages.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "one page: {pages}");
}

#[test]
fn a_driftform_change_yields_a_supplier_confirmation_with_recorded_status() {
    let change = us_level_2().replace("utlosare = \"upphandling\"", "utlosare = \"driftformsforandring\"")
        + "\n[[bekraftelse]]\natgard = \"MK-1-DPF\"\nstatus = \"bekraftad\"\ndatum = 2026-10-02\nbevis = \"Dnr 77\"\n";
    let change = change.replace("[driftform]\nid = 4", "[driftform]\nid = 4\ntidigare = 1");
    let p = project(&[("tjanst.toml", &change)]);
    let (ok, stderr) = build(p.path());
    assert!(ok, "{stderr}");
    assert!(pdfs(p.path()).contains(&"bedomningar/tjanst/leverantorsbekraftelse.pdf".to_owned()));
    assert!(!pdfs(p.path()).contains(&"bedomningar/tjanst/kravbilaga.pdf".to_owned()));
    let t = text(&p.path().join("output/bedomningar/tjanst/leverantorsbekraftelse.pdf"));
    assert!(t.contains("3. Listad i EU–US Data Privacy Framework (MK-1-DPF)"), "{t}");
    assert!(t.contains("Registrerad status Bekräftad") && t.contains("Dnr 77"), "{t}");
    assert!(t.contains("Registrerad status Väntar"), "{t}");
    assert!(t.contains("Underskrift, för Schema AB"), "{t}");
}

#[test]
fn the_decision_basis_carries_questions_risk_positions_and_decision() {
    let escalated = BASE.replace("tillstyrker = true", "tillstyrker = false")
        + "\n[beslut.eskalering]\ntill = \"kommundirektor\"\ndatum = 2026-02-10\nbeslut = \"godkand\"\nmotivering = \"Verksamhetens behov väger tyngre.\"\n";
    let p = project(&[("tjanst.toml", &escalated)]);
    let (ok, stderr) = build(p.path());
    assert!(ok, "{stderr}");
    let t = text(&p.path().join("output/bedomningar/tjanst/beslutsunderlag.pdf"));
    for s in [
        "Styrande nivå: 2 – Betydande",
        "Certifiering av oberoende part (MK-2-CERTIFIERING) Uppfylld",
        "4d.",
        "Export till CSV.",
        "Låg risk.",
        "Begränsad påverkan.",
        "Avstyrker",
        "Verksamhetens behov väger tyngre.",
        "Nästa granskning 2027-02-01",
    ] {
        assert!(t.contains(s), "missing {s:?} in {t}");
    }
}

#[test]
fn typst_markup_in_the_data_comes_out_as_literal_text() {
    let payload = r##"#panic("boom") ] $x^2$ #read("/etc/passwd") <etikett> @ref *fet*"##;
    let hostile = BASE
        .replace("namn = \"Schemaläggning\"", &format!("namn = {:?}", format!("Schemaläggning {payload}")))
        .replace("4d = \"Export till CSV.\"", &format!("4d = {:?}", payload))
        .replace("motivering = \"Risken är acceptabel.\"", &format!("motivering = {:?}", payload));
    let p = project(&[("tjanst.toml", &hostile)]);
    let (ok, stderr) = build(p.path());
    assert!(ok, "{stderr}");
    for pdf in ["kravbilaga.pdf", "beslutsunderlag.pdf"] {
        let t = text(&p.path().join("output/bedomningar/tjanst").join(pdf));
        assert!(t.contains(r#"#panic("boom") ] $x^2$ #read("/etc/passwd")"#), "{pdf}: {t}");
        assert!(!t.contains("root:x:0:0"), "{pdf} read a real file");
    }
}

#[test]
fn every_pdf_passes_qpdf_and_claims_pdf_a_2_and_pdf_ua_1_tagged() {
    let p =
        project(&[("tjanst.toml", BASE), ("us.toml", &us_level_2().replace("Schemaläggning", "Amerikansk tjänst"))]);
    assert!(build(p.path()).0);
    let list = pdfs(p.path());
    assert_eq!(list.len(), 5, "{list:?}");
    for rel in list {
        let pdf = p.path().join("output").join(&rel);
        let check = tool("qpdf", &["--check"], &pdf);
        assert!(check.contains("No syntax or stream encoding errors found"), "{rel}: {check}");
        let info = tool("pdfinfo", &[], &pdf);
        assert!(info.contains("Tagged:          yes"), "{rel}: {info}");
        assert!(info.lines().any(|l| l.starts_with("Title:") && l.len() > 20), "{rel} has a title: {info}");
        let xmp = tool("pdfinfo", &["-meta"], &pdf);
        assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{rel}: {xmp}");
        assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{rel}: {xmp}");
    }
}

#[test]
fn a_broken_template_is_reported_with_file_line_and_column_and_nothing_is_written() {
    let p = project(&[("tjanst.toml", BASE)]);
    assert!(build(p.path()).0);
    let before = fs::read(p.path().join("output/bedomningar/tjanst/kravbilaga.pdf")).unwrap();
    let own = p.path().join("templates/pdf");
    fs::create_dir_all(&own).unwrap();
    let template =
        include_str!("../templates/pdf/kravbilaga.typ").replace("== Ska-krav", "== Ska-krav\n#data.finns_inte");
    fs::write(own.join("kravbilaga.typ"), template).unwrap();
    let (ok, stderr) = build(p.path());
    assert!(!ok);
    assert!(stderr.contains("error[typst-template]"), "{stderr}");
    assert!(stderr.contains("templates/pdf/kravbilaga.typ:"), "{stderr}");
    assert!(stderr.contains("finns_inte"), "{stderr}");
    assert!(stderr.contains("inget skrevs"), "{stderr}");
    assert_eq!(fs::read(p.path().join("output/bedomningar/tjanst/kravbilaga.pdf")).unwrap(), before);
}

#[test]
fn the_policy_pdf_holds_the_routine_table_driftformer_and_glossary() {
    let p = project(&[("tjanst.toml", BASE)]);
    fs::create_dir_all(p.path().join("content/sidor")).unwrap();
    fs::copy(repo().join("content/sidor/rutin.md"), p.path().join("content/sidor/rutin.md")).unwrap();
    assert!(build(p.path()).0);
    let t = text(&p.path().join("output/policy.pdf"));
    for s in [
        "Rutin för informationssäkerhetsbedömning av molntjänst",
        "Bakgrund och syfte",
        "Driftform",
        "Molntjänst är ej tillåten",
        "Tabellen är kumulativ",
        "SSAE 18 SOC 2",
        "Begreppsförklaring",
        "Partnermoln",
    ] {
        assert!(t.contains(s), "missing {s:?}");
    }
}

#[test]
fn the_assessment_page_links_its_pdfs() {
    let p = project(&[("tjanst.toml", BASE)]);
    assert!(build(p.path()).0);
    let html = fs::read_to_string(p.path().join("output/bedomningar/tjanst/index.html")).unwrap();
    assert!(html.contains("<a href=\"kravbilaga.pdf\">Kravbilaga</a>"), "{html}");
    assert!(html.contains("<a href=\"beslutsunderlag.pdf\">Beslutsunderlag</a>"), "{html}");
}

#[test]
fn a_template_cannot_read_files_outside_its_virtual_folder() {
    let p = project(&[("tjanst.toml", BASE)]);
    let own = p.path().join("templates/pdf");
    fs::create_dir_all(&own).unwrap();
    fs::write(p.path().join("hemlig.txt"), "HEMLIGT").unwrap();
    for path in ["/etc/hostname", "../hemlig.txt", "/hemlig.txt"] {
        fs::write(own.join("policy.typ"), format!("#read({path:?})\n")).unwrap();
        let (ok, stderr) = build(p.path());
        assert!(!ok, "{path} was readable");
        assert!(stderr.contains("error[typst-template]") && stderr.contains("templates/pdf/policy.typ:1:"), "{stderr}");
        assert!(!stderr.contains("HEMLIGT"), "{stderr}");
    }
}
