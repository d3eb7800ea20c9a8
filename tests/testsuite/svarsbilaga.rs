//! The svarsbilaga: built for every procurement, read back by openpyxl (protection,
//! validation, quote prefixes), filled by script, and imported by `molnkoll svar`.

use std::fs;
use std::process::Command as Process;

use crate::common::{BASE, Edit, Project, TODAY, project, read};

const SHEET: &str = "output/bedomningar/tjanst/svarsbilaga.xlsx";
const RECORD: &str = "content/bedomningar/tjanst.toml";

/// BASE with no restore description, no certificate and no decision: the answers decide.
fn undecided() -> String {
    let text = BASE
        .edit("[aterstallning]\naterstallningstid = \"4 timmar\"\nbackup_placering = \"Sverige\"\nversionshantering = \"30 dagars versioner\"\nkvarhallandeprincip = \"90 dagar efter avslut\"\n\n", "")
        .edit("[[certifikat]]\nstandard = \"iso27001\"\nutfardare = \"Certifieringsorgan AB\"\ngiltigt_till = 2027-06-30\nomfattar_tjansten = true\nbevis = \"SML-2026-0001-3\"\n\n", "")
        .edit("referens = \"SML-2026-0001\"", "referens = \"SML-2026-0001\" # diarienummer");
    format!("# Upphandling av schemaläggning.\n{}", &text[..text.find("[beslut]").unwrap()])
}

/// Runs `script` with openpyxl; `sys.argv[1]` is the built sheet, `sys.argv[2]` the output.
fn python(p: &Project, script: &str, out: &str) -> String {
    let run = Process::new("python3")
        .args(["-c", &format!("import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\n{script}")])
        .arg(p.path().join(SHEET))
        .arg(p.path().join(out))
        .output()
        .expect("python3 with openpyxl (scripts/install-test-deps.sh)");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8(run.stdout).unwrap()
}

/// Fills every answer: Ja with text and evidence, each restore point, one subprocessor.
const FILL: &str = "
ws = wb['Ska-krav']
for r in range(7, ws.max_row + 1):
    id = ws.cell(r, 1).value
    if '.' in id:
        ws.cell(r, 5).value = 'Svar om ' + id.split('.')[1]
    else:
        ws.cell(r, 4).value = 'Ja'
        ws.cell(r, 5).value = 'Vi uppfyller kravet.'
        ws.cell(r, 6).value = 'Bilaga 4'
u = wb['Underbiträden']
u['A5'] = 'Driftpartner AB'; u['B5'] = 'SE'; u['C5'] = 'Drift av servrar'; u['D5'] = 'Nej'
";

fn svar(p: &Project, file: &str, flags: &[&str]) -> crate::common::Run {
    let mut args = vec!["svar", file, "--bedomning", "tjanst", "--today", TODAY];
    args.extend(flags);
    p.run(&args)
}

#[test]
fn round_trip_fills_imports_and_keeps_the_records_comments() {
    let p = project(&[("tjanst.toml", &undecided())]);
    p.build().ok();
    python(&p, &format!("{FILL}\nwb.save(sys.argv[2])"), "ifylld.xlsx");
    let before = read(p.path().join(RECORD));

    // Checking writes nothing and sorts the requirements.
    let check = svar(&p, "ifylld.xlsx", &[]);
    check.ok().stderr_has("molnkoll svar: 2 ska-krav, 1 underbiträden kontrollerade; inget skrevs");
    assert_eq!(
        check.stdout,
        "MK-2-ATERSTALLNING  Uppfylls: Svarat Ja och beskrivit alla punkter.\n\
         MK-2-CERTIFIERING  Bevis ska kontrolleras: Svarat Ja; kontrollera beviset (Bilaga 4).\n"
    );
    assert_eq!(read(p.path().join(RECORD)), before);

    svar(&p, "ifylld.xlsx", &["--skriv"])
        .ok()
        .stderr_has("  aterstallning.aterstallningstid: (ny) -> \"Svar om aterstallningstid\"")
        .stderr_has("molnkoll svar: 15 ändringar skrivna till content/bedomningar/tjanst.toml");
    let after = read(p.path().join(RECORD));
    // Only the answered fields are new: the file as it was, comments included, then them.
    let added = after.strip_prefix(before.as_str()).expect("the record's own text is kept as it was");
    assert_eq!(
        added,
        "[[anbudssvar]]\nkrav = \"MK-2-ATERSTALLNING\"\nuppfylls = true\nsvar = \"Vi uppfyller kravet.\"\nbevis = \"Bilaga 4\"\n\n\
         [[anbudssvar]]\nkrav = \"MK-2-CERTIFIERING\"\nuppfylls = true\nsvar = \"Vi uppfyller kravet.\"\nbevis = \"Bilaga 4\"\n\n\
         [aterstallning]\naterstallningstid = \"Svar om aterstallningstid\"\nbackup_placering = \"Svar om backup_placering\"\n\
         versionshantering = \"Svar om versionshantering\"\nkvarhallandeprincip = \"Svar om kvarhallandeprincip\"\n\n\
         [[underbitraden]]\nnamn = \"Driftpartner AB\"\nland = \"SE\"\nuppgift = \"Drift av servrar\"\n\n"
    );

    // check evaluates the measures from the answers: the restore description is met, the
    // certificate waits for someone to check the evidence.
    let json = p.run(&["export", "--format", "json", "--today", TODAY]);
    json.ok()
        .stdout_has("\"Uppfyllda åtgärder\": \"MK-2-ATERSTALLNING\"")
        .stdout_has("\"Okända åtgärder\": \"MK-2-CERTIFIERING\"");
    p.build().ok();
    let page = p.output("bedomningar/tjanst/index.html");
    assert!(page.contains("Anbudsgivarens svar"), "{page}");
    assert!(page.contains("Bevis ska kontrolleras"), "{page}");
    assert!(page.contains("Svarat Ja") || page.contains("beviset (Bilaga 4) är inte kontrollerat"), "{page}");
    assert!(page.contains("<a href=\"svarsbilaga.xlsx\">svarsbilagan</a>"), "{page}");

    // Once someone has checked the evidence, the requirement is met.
    p.edit(RECORD, "krav = \"MK-2-CERTIFIERING\"\nuppfylls = true\n", "krav = \"MK-2-CERTIFIERING\"\nuppfylls = true\nkontrollerad_av = \"informationssakerhetssamordnare\"\nkontrollerad_datum = 2026-11-20\n");
    p.run(&["export", "--format", "json", "--today", TODAY])
        .ok()
        .stdout_has("\"Uppfyllda åtgärder\": \"MK-2-ATERSTALLNING, MK-2-CERTIFIERING\"");
}

#[test]
fn import_keeps_a_comment_on_a_value_it_replaces() {
    let text =
        undecided().edit("[svar]", "[aterstallning]\naterstallningstid = \"okänd\" # fylls i efter anbudet\n\n[svar]");
    let p = project(&[("tjanst.toml", &text)]);
    p.build().ok();
    python(&p, &format!("{FILL}\nwb.save(sys.argv[2])"), "ifylld.xlsx");
    svar(&p, "ifylld.xlsx", &["--skriv"])
        .ok()
        .stderr_has("aterstallning.aterstallningstid: \"okänd\" -> \"Svar om aterstallningstid\"");
    let after = read(p.path().join(RECORD));
    assert!(after.contains("aterstallningstid = \"Svar om aterstallningstid\" # fylls i efter anbudet\n"), "{after}");
}

#[test]
fn the_sheet_is_protected_validated_neutral_and_deterministic() {
    // A requirement that a spreadsheet would take for a formula.
    let p = project(&[("tjanst.toml", BASE)]);
    p.edit(
        "content/policy.toml",
        "skakrav = \"Leverantören ska beskriva",
        "skakrav = \"=HYPERLINK(\\\"x\\\")Leverantören ska beskriva",
    );
    p.build().ok();
    let first = fs::read(p.path().join(SHEET)).unwrap();
    let out = python(&p, "
ws = wb['Ska-krav']
print(ws.protection.sheet, wb['Underbiträden'].protection.sheet, wb['Landskoder'].sheet_state)
print(ws['B2'].value, ws['B3'].value)
print(ws['B7'].data_type, ws['B7'].quotePrefix, ws['B7'].protection.locked, ws['D7'].protection.locked, ws['E7'].protection.locked)
for dv in ws.data_validations.dataValidation + wb['Underbiträden'].data_validations.dataValidation:
    print(dv.type, dv.formula1, dv.formula2, dv.sqref)
text = ' '.join(str(c.value) for s in wb.worksheets for row in s.iter_rows() for c in row if c.value is not None)
print('Schema AB' in text, 'Schemaläggning' in text)
", "-");
    assert_eq!(
        out,
        "True True hidden\nSML-2026-0001 2026.1 (2026-03-02)\ns True True False False\n\
         list \"Ja,Nej\" None D12\nlist \"Ja,Nej\" None D7\ntextLength 0 4000 E7:E12\ntextLength 0 500 F7:F12\n\
         textLength 0 500 A5:A44\nlist Landskoder!$A$1:$A$250 None B5:B44\ntextLength 0 500 C5:C44\nlist \"Ja,Nej\" None D5:D44\n\
         False False\n"
    );
    // Byte-identical from a second build from scratch.
    p.run(&["build", "--today", TODAY, "--no-cache", "--out", "output2"]).ok();
    assert_eq!(fs::read(p.path().join("output2/bedomningar/tjanst/svarsbilaga.xlsx")).unwrap(), first);
}

/// A hostile sheet: the exact errors, exit 1 or 2, and the record untouched.
#[track_caller]
fn refused(p: &Project, file: &str, flags: &[&str], code: i32, expected: &str) {
    let before = read(p.path().join(RECORD));
    let run = svar(p, file, flags);
    run.code(code);
    assert_eq!(run.stderr, expected, "{}", run.stderr);
    assert_eq!(read(p.path().join(RECORD)), before, "nothing is written");
}

#[test]
fn hostile_sheets_are_refused_naming_sheet_and_cell() {
    let p = project(&[("tjanst.toml", &undecided())]);
    p.build().ok();
    let bad = |name: &str, edit: &str| python(p_ref(&p), &format!("{FILL}\n{edit}\nwb.save(sys.argv[2])"), name);
    fn p_ref(p: &Project) -> &Project {
        p
    }
    bad("okant.xlsx", "wb['Ska-krav']['A12'] = 'MK-9-OKAND'");
    refused(
        &p,
        "okant.xlsx",
        &["--skriv"],
        1,
        "fel: okant.xlsx: blad Ska-krav, cell A12: okänt krav-id `MK-9-OKAND`; bilagan har MK-2-ATERSTALLNING, MK-2-ATERSTALLNING.aterstallningstid, MK-2-ATERSTALLNING.backup_placering, MK-2-ATERSTALLNING.versionshantering, MK-2-ATERSTALLNING.kvarhallandeprincip, MK-2-CERTIFIERING\nfel: okant.xlsx: blad Ska-krav: kravet MK-2-CERTIFIERING saknas; bladet ska ha en rad för varje ska-krav\nmolnkoll svar: 2 fel i svarsbilagan; inget skrevs\n",
    );
    bad("andrad.xlsx", "wb['Ska-krav']['B12'] = wb['Ska-krav']['B12'].value + ' Om möjligt.'");
    refused(
        &p,
        "andrad.xlsx",
        &[],
        1,
        "fel: andrad.xlsx: blad Ska-krav, cell B12: kravtexten för MK-2-CERTIFIERING är ändrad; den ska vara policyns ordalydelse\nmolnkoll svar: 1 fel i svarsbilagan; inget skrevs\n",
    );
    bad("saknas.xlsx", "wb['Ska-krav']['D12'] = None\nwb['Ska-krav']['E9'] = None");
    refused(
        &p,
        "saknas.xlsx",
        &["--skriv"],
        1,
        "fel: saknas.xlsx: blad Ska-krav, cell E9: svar saknas; beskriv punkten\nfel: saknas.xlsx: blad Ska-krav, cell D12: svar saknas; välj Ja eller Nej\nmolnkoll svar: 2 fel i svarsbilagan; inget skrevs\n",
    );
    bad("typ.xlsx", "wb['Ska-krav']['D7'] = 1\nwb['Underbiträden']['B5'] = 'Sverige'");
    refused(
        &p,
        "typ.xlsx",
        &[],
        1,
        "fel: typ.xlsx: blad Ska-krav, cell D7: cellen har ett tal; välj Ja eller Nej\nfel: typ.xlsx: blad Underbiträden, cell B5: `Sverige` är ingen landskod enligt ISO 3166-1 alfa-2; skriv till exempel SE, IE eller US\nmolnkoll svar: 2 fel i svarsbilagan; inget skrevs\n",
    );
    bad("formel.xlsx", "wb['Ska-krav']['E7'] = '=HYPERLINK(\"http://x\",\"klicka\")'");
    refused(
        &p,
        "formel.xlsx",
        &["--skriv"],
        1,
        "fel: formel.xlsx: blad Ska-krav, cell E7: cellen har en formel (`=HYPERLINK(\"http://x\",\"klicka\")`); skriv svaret som text\nmolnkoll svar: 1 fel i svarsbilagan; inget skrevs\n",
    );

    p.write("inte.xlsx", "Id;Krav\nMK-2-CERTIFIERING;Ja\n");
    refused(
        &p,
        "inte.xlsx",
        &["--skriv"],
        2,
        "fel: inte.xlsx är ingen xlsx-fil: den är inte ett zip-arkiv, som en xlsx-fil är\n",
    );
    fs::write(p.path().join("stor.xlsx"), vec![b'P'; 5 * 1024 * 1024 + 1]).unwrap();
    refused(
        &p,
        "stor.xlsx",
        &["--skriv"],
        2,
        "fel: stor.xlsx är 5242881 byte; en svarsbilaga får vara högst 5242880 byte (5 MiB)\n",
    );
}

#[test]
fn checking_any_bidders_sheet_counts_a_missing_answer_as_unmet() {
    let p = project(&[("tjanst.toml", &undecided())]);
    p.build().ok();
    python(
        &p,
        &format!("{FILL}\nwb['Ska-krav']['D12'] = None\nwb['Ska-krav']['D7'] = 'Nej'\nwb.save(sys.argv[2])"),
        "anbud.xlsx",
    );
    let run = svar(&p, "anbud.xlsx", &["--kontrollera"]);
    run.ok();
    assert_eq!(
        run.stdout,
        "MK-2-ATERSTALLNING  Uppfylls inte: Svarat Nej.\nMK-2-CERTIFIERING  Uppfylls inte: Inget svar.\n"
    );
}
