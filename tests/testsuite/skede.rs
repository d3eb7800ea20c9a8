//! The procurement lifecycle: a record exists before its supplier does (the requirements go
//! out for tender first), and the page and the register say where each one stands.

use crate::common::{BASE, Edit, Project, project};

/// The base fixture while its tender is out: classified, no supplier, no evidence, no
/// decision.
fn utan_leverantor() -> String {
    let cut = |from: &str, to: &str| BASE[BASE.find(from).unwrap()..BASE.find(to).unwrap()].to_owned();
    format!(
        "{}{}{}",
        &BASE[..BASE.find("[leverantor]").unwrap()],
        cut("[driftform]", "[aterstallning]"),
        cut("[svar]", "[beslut]")
    )
}

fn register_rad(p: &Project, page: &str) -> String {
    let html = p.output(page);
    let start = html.find("bedomningar/tjanst/index.html\">Schemaläggning</a>").expect("the row");
    html[start..start + html[start..].find("</tr>").unwrap()].to_owned()
}

#[test]
fn a_procurement_without_a_supplier_passes_check_and_says_what_the_next_stage_needs() {
    let p = project(&[("tjanst.toml", &utan_leverantor())]);
    let run = p.check(&[]);
    run.ok()
        .stderr_has(
            "note[awaiting-supplier]: bedömningen är i skedet Krav framtagna: ska-kraven är kända, ingen leverantör är vald ännu",
        )
        .stderr_has("^^^^^^^^^^^^^ upphandling utan [leverantor]")
        .stderr_has(
            "= nästa skede, Anbud utvärderat: lägg till den antagna anbudsgivaren i `[leverantor]` (`namn`, `land`) och för sedan in dess svarsbilaga med `molnkoll svar <fil.xlsx> --bedomning <slug> --skriv`, som också skriver in underbiträdena",
        );
    // The one warning is the shipped policy's duplicate driftform: a note is neither.
    assert_eq!(run.summary(), "molnkoll check: 2 filer, 1 bedömningar härledda, 0 fel, 1 varningar, <tid>");
}

#[test]
fn without_a_supplier_what_only_a_supplier_can_show_is_unknown_never_unmet() {
    let p = project(&[("tjanst.toml", &utan_leverantor())]);
    p.build().ok();
    let page = p.output("bedomningar/tjanst/index.html");
    assert!(page.contains("<strong>Skede:</strong> Krav framtagna."), "{page}");
    assert!(page.contains("Ingen leverantör är vald ännu: den läggs till när anbuden har utvärderats."), "{page}");
    assert!(!page.contains("USA-koppling i leveranskedjan"), "no chain is known yet");
    // Level 2: restore, certification, and DPF too, since the winner's chain decides it.
    for id in ["MK-2-ATERSTALLNING", "MK-2-CERTIFIERING", "MK-1-DPF"] {
        let row = &page[page.find(&format!("<td><code>{id}</code></td>")).unwrap_or_else(|| panic!("{id}: {page}"))..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains("Okänd") && !row.contains("Ej uppfylld"), "{id}: {row}");
    }
    assert!(page.contains("Ingen leverantör är vald ännu.</li>"), "one reason stands for every unknown ska-krav");
    let out = p.path().join("output/bedomningar/tjanst");
    for file in ["kravbilaga.pdf", "kravbilaga.docx", "svarsbilaga.xlsx"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let rad = register_rad(&p, "register/index.html");
    assert!(rad.contains("<td data-label=\"Leverantör\">Inte vald ännu</td>"), "{rad}");
    assert!(rad.contains("class=\"skede-krav-framtagna\">Krav framtagna</td>"), "{rad}");
    assert!(!p.output("leverantorer/index.html").contains("<td><a href"), "no supplier page for a missing supplier");
    let org = p.output("register/organisation-sjomarks-kommun.html");
    assert!(org.contains("Krav framtagna"), "the organisation's register shows the stage too");
}

#[test]
fn the_stage_follows_the_record_to_the_yearly_review() {
    let beslut = &BASE[BASE.find("[beslut]").unwrap()..];
    let med_leverantor = BASE[..BASE.find("[beslut]").unwrap()].to_owned();
    let fall = [
        (med_leverantor, "anbud-utvarderat\">Anbud utvärderat"),
        (BASE.to_owned(), "beslutad\">Beslutad"),
        (BASE.edit("nasta_granskning = 2027-02-01", "nasta_granskning = 2026-12-20"), "uppfoljning\">Uppföljning"),
        (
            BASE.edit("utlosare = \"upphandling\"", "utlosare = \"driftformsforandring\"")
                .edit("id = 4", "id = 4\ntidigare = 1")
                .replace(beslut, ""),
            "bekraftelse\">Leverantören bekräftar",
        ),
    ];
    for (text, skede) in fall {
        let p = project(&[("tjanst.toml", &text)]);
        p.build().ok();
        let rad = register_rad(&p, "register/index.html");
        assert!(rad.contains(&format!("class=\"skede-{skede}</td>")), "{skede}: {rad}");
    }
}

#[test]
fn an_approval_without_a_supplier_is_an_error() {
    let beslut = &BASE[BASE.find("[beslut]").unwrap()..];
    let p = project(&[("tjanst.toml", &format!("{}{beslut}", utan_leverantor()))]);
    p.check(&[]).fails().stderr_has(
        "error[decision-without-supplier]: tjänsten är godkänd 2026-02-01 utan att någon leverantör är vald",
    );
    // A rejection before any bid was accepted (a cancelled procurement) is not.
    let avslag = beslut.edit("status = \"godkand\"", "status = \"avslagen\"");
    let p = project(&[("tjanst.toml", &format!("{}{avslag}", utan_leverantor()))]);
    p.check(&[]).stderr_lacks("decision-without-supplier");
}

#[test]
fn a_driftform_change_and_a_supplier_s_evidence_need_a_supplier() {
    let andring = utan_leverantor()
        .edit("utlosare = \"upphandling\"", "utlosare = \"driftformsforandring\"")
        .edit("id = 4", "id = 4\ntidigare = 1");
    let p = project(&[("tjanst.toml", &andring)]);
    p.check(&[]).fails().stderr_has("error[missing-supplier]: en förändring av driftform saknar `[leverantor]`");
    let med_underlag = utan_leverantor().edit(
        "[svar]",
        "[[dpf]]\norganisation = \"Molnbolaget Inc.\"\nlistad = true\nkontrollerad = 2026-10-01\n\n[svar]",
    );
    let p = project(&[("tjanst.toml", &med_underlag)]);
    p.check(&[]).fails().stderr_has(
        "error[evidence-without-supplier]: `dpf` är leverantörens underlag, men bedömningen saknar `[leverantor]`",
    );
}
