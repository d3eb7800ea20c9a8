//! `molnkoll export`: the register as CSV, JSON and xlsx, read back by independent readers
//! (the csv format by hand, JSON by serde, xlsx by Python's openpyxl, which
//! `scripts/install-test-deps.sh` installs).

use std::fs;
use std::process::Command as Process;

use crate::common::{BASE, Edit, Project, Run, TODAY, project};

fn export(p: &Project, args: &[&str]) -> Run {
    let mut all = vec!["export", "--today", TODAY];
    all.extend(args);
    p.run(&all)
}

fn two_records() -> Project {
    let us = BASE.edit("Schemaläggning", "Åtkomstloggar").edit("land = \"SE\"", "land = \"US\"");
    let us = &us[..us.find("[beslut]").unwrap()];
    project(&[("tjanst.toml", BASE), ("atkomst.toml", us)])
}

#[test]
fn csv_has_a_bom_a_header_and_one_row_per_assessment() {
    let p = two_records();
    let out = export(&p, &["--format", "csv"]);
    out.ok().stderr_has("molnkoll export: 2 bedömningar");
    let text = out.stdout.strip_prefix('\u{feff}').expect("UTF-8 BOM for Excel");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("Tjänst,Referens,Leverantör,Land,Driftform,Anledning,Styrande nivå"), "{text}");
    // Sorted by service name (Å after S).
    assert!(lines[1].starts_with(
            "Schemaläggning,SML-2026-0001,Schema AB,SE,4,Upphandling av IT-system,2,Betydande,Beslutad: godkänd,\"MK-2-ATERSTALLNING, MK-2-CERTIFIERING\",,,2026-02-01,2027-02-01,"
        ), "{text}");
    assert!(lines[2].starts_with("Åtkomstloggar,"), "{text}");
    // The US record has no DPF check recorded: the measure is unknown, so it is blocked.
    assert!(lines[2].contains(",Inte klar för beslut,\"MK-2-ATERSTALLNING, MK-2-CERTIFIERING\",,MK-1-DPF,"), "{text}");
}

#[test]
fn json_rows_carry_the_derived_level_measures_and_dates() {
    let p = two_records();
    let out = export(&p, &["--format", "json"]);
    out.ok();
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let first = &rows[0];
    assert_eq!(first["Tjänst"], "Schemaläggning");
    assert_eq!(first["Styrande nivå"], 2);
    assert_eq!(first["Uppfyllda åtgärder"], "MK-2-ATERSTALLNING, MK-2-CERTIFIERING");
    assert_eq!(first["Beslutsdatum"], "2026-02-01");
    assert_eq!(first["Nästa granskning"], "2027-02-01");
    assert_eq!(rows.as_array().unwrap().len(), 2);
}

#[test]
fn xlsx_opens_in_openpyxl_with_header_filter_and_rows_and_is_reproducible() {
    let p = two_records();
    let file = p.path().join("register.xlsx");
    export(&p, &["--format", "xlsx", "--out", file.to_str().unwrap()]).ok();
    let first = fs::read(&file).unwrap();
    let script = r#"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
print(ws.title)
print(ws.auto_filter.ref)
print(ws.freeze_panes)
for row in ws.iter_rows(values_only=True):
    print("|".join("" if v is None else str(v) for v in row))
print(round(ws.column_dimensions["A"].width))
"#;
    let read = Process::new("python3").args(["-c", script]).arg(&file).output().expect("python3 with openpyxl");
    let text = String::from_utf8_lossy(&read.stdout);
    assert!(read.status.success(), "{text}{}", String::from_utf8_lossy(&read.stderr));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Register");
    assert_eq!(lines[1], "A1:R3", "a filter over the header and both rows (18 columns)");
    assert_eq!(lines[2], "A2", "the header row is frozen");
    assert!(lines[3].starts_with("Tjänst|Referens|Leverantör"), "{text}");
    assert!(
        lines[4].starts_with("Schemaläggning|SML-2026-0001|Schema AB|SE|4|Upphandling av IT-system|2|Betydande"),
        "{text}"
    );
    assert!(lines[5].starts_with("Åtkomstloggar|"), "{text}");
    let width: u32 = lines[6].parse().unwrap();
    assert!((16..=18).contains(&width), "column A fits 'Schemaläggning' plus margin: {text}");
    // The same content and day give the same bytes.
    export(&p, &["--format", "xlsx", "--out", file.to_str().unwrap()]).ok();
    assert_eq!(fs::read(&file).unwrap(), first);
}

#[test]
fn content_errors_stop_the_export_and_write_nothing() {
    let p = project(&[("tjanst.toml", &BASE.edit("[driftform]\nid = 4", "[driftform]\nid = 9"))]);
    let file = p.path().join("register.csv");
    export(&p, &["--format", "csv", "--out", file.to_str().unwrap()])
        .code(1)
        .stderr_has("unknown-driftform")
        .stderr_has("ingen export skrevs");
    assert!(!file.exists());
}
