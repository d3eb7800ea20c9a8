//! The view stage: what `derive` decides reaches every output the same way. A country the
//! policy adds to `usa_koppling_lander` gives a US link on the page, in the PDFs and in
//! the exports alike, not only where a template once knew "US".

use crate::common::{BASE, Edit, Project, TODAY, pdf_text, project};

/// A decided level-2 procurement whose supplier and one subprocessor are British.
fn british_record() -> String {
    let record = BASE.edit("land = \"SE\"", "land = \"GB\"");
    format!(
        "{record}\n[[underbitraden]]\nnamn = \"Drift Ltd\"\nland = \"GB\"\nuppgift = \"Drift av servrarna.\"\n\n[[beslut.accepterad_risk]]\natgard = \"MK-1-DPF\"\nmotivering = \"Accepteras till granskningen.\"\n"
    )
}

/// A project with that record, and a policy that lists `lander` as giving a US link.
fn project_with(lander: &str) -> Project {
    let p = project(&[("brittisk.toml", &british_record())]);
    p.edit("content/policy.toml", "usa_koppling_lander = [\"US\"]", &format!("usa_koppling_lander = {lander}"));
    p
}

fn export(p: &Project, format: &str) -> String {
    p.run(&["export", "--today", TODAY, "--format", format]).ok().stdout.clone()
}

fn page(p: &Project) -> String {
    p.output("bedomningar/brittisk/index.html")
}

#[test]
fn a_country_added_to_the_policy_gives_a_us_link_everywhere() {
    let p = project_with("[\"US\", \"GB\"]");
    p.build().ok();

    // The page: the subprocessor's row and the supply chain's sentence.
    let html = page(&p);
    assert!(
        html.contains("<td>Drift Ltd</td><td>Storbritannien</td><td>Drift av servrarna.</td><td>Ja</td>"),
        "{html}"
    );
    assert!(html.contains("USA-koppling i leveranskedjan: leverantören Schema AB, underbiträdet Drift Ltd."), "{html}");

    // The PDFs: the DPF requirement goes to the supplier, and the decision basis says why.
    let dir = p.path().join("output/bedomningar/brittisk");
    let krav = pdf_text(&dir.join("kravbilaga.pdf"));
    assert!(
        krav.contains("Krav 3: ") && krav.contains("(MK-1-DPF)") && krav.contains("listad som aktiv deltagare"),
        "{krav}"
    );
    // The table cell hyphenates; join the split words again.
    let underlag = pdf_text(&dir.join("beslutsunderlag.pdf")).replace("\u{ad} ", "");
    assert!(underlag.contains("USA-koppling genom leverantören Schema AB och underbiträdet Drift Ltd."), "{underlag}");

    // The exports, CSV and JSON alike.
    let csv = export(&p, "csv");
    assert!(csv.lines().next().unwrap().contains(",USA-koppling,"), "{csv}");
    assert!(csv.contains("\"leverantören Schema AB, underbiträdet Drift Ltd\""), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&export(&p, "json")).unwrap();
    assert_eq!(json[0]["USA-koppling"], "leverantören Schema AB, underbiträdet Drift Ltd", "{json}");
}

#[test]
fn without_the_country_in_the_policy_there_is_no_us_link() {
    let p = project_with("[\"US\"]");
    p.build().ok();
    let html = page(&p);
    assert!(
        html.contains("<td>Drift Ltd</td><td>Storbritannien</td><td>Drift av servrarna.</td><td>Nej</td>"),
        "{html}"
    );
    assert!(html.contains("USA-koppling i leveranskedjan: ingen."), "{html}");
    let krav = pdf_text(&p.path().join("output/bedomningar/brittisk/kravbilaga.pdf"));
    assert!(krav.contains("Krav 2: ") && !krav.contains("Krav 3: "), "two ska-krav without a US link: {krav}");
    assert!(!krav.contains("ska vara listad som aktiv deltagare"), "{krav}");
    let json: serde_json::Value = serde_json::from_str(&export(&p, "json")).unwrap();
    assert_eq!(json[0]["USA-koppling"], "", "{json}");
}
