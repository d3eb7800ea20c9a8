//! `molnkoll export`: the register as a spreadsheet for managers, one row per assessment
//! with what derive decided. CSV (UTF-8 with BOM, so Excel reads å, ä and ö), JSON, or
//! xlsx with a header row, filters and column widths.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use serde::Serialize;

use crate::derive::Status;
use crate::model::{Datum, Policy};
use crate::{Item, view};

/// One row of the register. Field names are the column headings.
#[derive(Debug, Clone, Serialize)]
pub struct Rad {
    #[serde(rename = "Tjänst")]
    pub tjanst: String,
    #[serde(rename = "Referens")]
    pub referens: String,
    #[serde(rename = "Leverantör")]
    pub leverantor: String,
    #[serde(rename = "Land")]
    pub land: String,
    #[serde(rename = "Driftform")]
    pub driftform: u32,
    #[serde(rename = "Anledning")]
    pub utlosare: String,
    #[serde(rename = "Styrande nivå")]
    pub niva: Option<u8>,
    #[serde(rename = "Nivåns namn")]
    pub niva_namn: String,
    #[serde(rename = "Utlåtande")]
    pub utlatande: String,
    #[serde(rename = "Uppfyllda åtgärder")]
    pub uppfyllda: String,
    #[serde(rename = "Ej uppfyllda åtgärder")]
    pub ej_uppfyllda: String,
    #[serde(rename = "Okända åtgärder")]
    pub okanda: String,
    #[serde(rename = "Beslutsdatum")]
    pub beslutsdatum: String,
    #[serde(rename = "Nästa granskning")]
    pub nasta_granskning: String,
    #[serde(rename = "Informationsägare")]
    pub informationsagare: String,
    #[serde(rename = "Används av")]
    pub anvands_av: String,
    /// The parties with a US link, as derive found them; empty when none.
    #[serde(rename = "USA-koppling")]
    pub usa_koppling: String,
    #[serde(rename = "Fil")]
    pub fil: String,
}

pub const RUBRIKER: [&str; 18] = [
    "Tjänst",
    "Referens",
    "Leverantör",
    "Land",
    "Driftform",
    "Anledning",
    "Styrande nivå",
    "Nivåns namn",
    "Utlåtande",
    "Uppfyllda åtgärder",
    "Ej uppfyllda åtgärder",
    "Okända åtgärder",
    "Beslutsdatum",
    "Nästa granskning",
    "Informationsägare",
    "Används av",
    "USA-koppling",
    "Fil",
];

/// The rows, sorted by service name then file, so every export is stable.
pub fn rader(policy: &Policy, items: &[Arc<Item>]) -> Vec<Rad> {
    let mut rows: Vec<Rad> = items
        .iter()
        .map(|i| {
            let b = &i.bedomning;
            let h = &i.harledning;
            let ids = |s: Status| {
                h.atgarder.iter().filter(|u| u.status == Some(s)).map(|u| u.id.as_str()).collect::<Vec<_>>().join(", ")
            };
            let niva = h.styrande.as_ref().map(|s| s.niva);
            Rad {
                tjanst: b.tjanst.namn.clone(),
                referens: b.tjanst.referens.clone(),
                // Empty while a procurement's tender is out.
                leverantor: b.leverantor.as_ref().map_or_else(String::new, |l| l.namn.clone()),
                land: b.leverantor.as_ref().map_or_else(String::new, |l| l.land.clone()),
                driftform: b.driftform.id,
                utlosare: policy.utlosare(b.utlosare).map_or_else(String::new, |u| u.namn.clone()),
                niva,
                niva_namn: niva.and_then(|n| policy.niva(n)).map_or_else(String::new, |n| n.namn.clone()),
                utlatande: view::utlatande_namn(&h.utlatande).to_owned(),
                uppfyllda: ids(Status::Uppfylld),
                ej_uppfyllda: ids(Status::EjUppfylld),
                okanda: ids(Status::Okand),
                beslutsdatum: b.beslut.as_ref().map_or_else(String::new, |x| x.datum.to_string()),
                nasta_granskning: b
                    .beslut
                    .as_ref()
                    .and_then(|x| x.nasta_granskning)
                    .map_or_else(String::new, |d| d.to_string()),
                informationsagare: view::roll_namn(policy, &b.tjanst.informationsagare),
                anvands_av: b.tjanst.anvands_av.join(", "),
                usa_koppling: h.usa_koppling.join(", "),
                fil: i.file.clone(),
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.tjanst, &a.fil).cmp(&(&b.tjanst, &b.fil)));
    rows
}

/// [`rader`] for a publication profile: the open profile masks secret parts first, and
/// returns the errors instead if masked text still stands in a row.
pub fn rader_for(
    policy: &Policy,
    items: &mut [Arc<Item>],
    profil: crate::Profil,
    today: Datum,
) -> Result<Vec<Rad>, Vec<crate::diagnostic::Diagnostic>> {
    let hemliga = crate::maskering::tillampa(policy, items, profil, today);
    let rows = rader(policy, items);
    let text = crate::maskering::json_text(&serde_json::to_value(&rows).unwrap_or_default());
    let harledda = crate::maskering::harledda_texter(items);
    let texts = harledda.into_iter().chain([("exporten".to_owned(), text)]);
    let lackor = crate::maskering::sok(&hemliga, texts);
    if lackor.is_empty() { Ok(rows) } else { Err(lackor) }
}

/// Refuses an `--out` inside the project's `content/` or `templates/`: an export must never
/// replace the policy, an assessment or a template. Links are resolved first.
pub fn check_out(root: &Path, out: &Path) -> Result<(), String> {
    let resolve = |p: &Path| -> Option<PathBuf> {
        if let Ok(full) = std::fs::canonicalize(p) {
            return Some(full);
        }
        // Not there yet: its folder, and the name.
        let parent = p.parent().filter(|x| !x.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Some(std::fs::canonicalize(parent).ok()?.join(p.file_name()?))
    };
    let Some(target) = resolve(out) else { return Ok(()) };
    for dir in ["content", "templates"] {
        if let Ok(inputs) = std::fs::canonicalize(root.join(dir))
            && target.starts_with(&inputs)
        {
            return Err(format!(
                "{} ligger i projektets {dir}/, där molnkoll läser sina indata; skriv exporten någon annanstans",
                out.display()
            ));
        }
    }
    Ok(())
}

/// UTF-8 with a byte-order mark: without it Excel guesses a legacy code page. A text
/// cell that a spreadsheet would read as a formula gets a leading `'` ([`cell`]).
pub fn csv(rows: &[Rad]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        w.write_record(RUBRIKER).expect("writing to memory cannot fail");
        for r in rows {
            let cells = serde_json::to_value(r).expect("rows serialise");
            let record = RUBRIKER.iter().map(|h| match &cells[h] {
                serde_json::Value::String(s) => cell(s),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            });
            w.write_record(record).expect("writing to memory cannot fail");
        }
        w.flush().expect("writing to memory cannot fail");
    }
    out
}

/// A text cell as a spreadsheet may read it: one starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return would be taken for a formula (`=cmd|' /C calc'!A0`), so it gets
/// a leading `'` (OWASP's rule). Numbers are written as numbers and never reach this.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

pub fn json(rows: &[Rad]) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(rows).expect("rows serialise");
    out.push(b'\n');
    out
}

/// A workbook with a bold, frozen header row, filters on every column and widths that fit
/// the text. `today` is the document's creation date, so the same day gives the same bytes.
pub fn xlsx(rows: &[Rad], today: Datum) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(today.0.year() as u16, today.0.month() as u8, today.0.day() as u8)?;
    book.set_properties(&DocProperties::new().set_title("Register över bedömningar").set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    sheet.set_name("Register")?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = RUBRIKER.iter().map(|h| h.chars().count()).collect();
    for (c, h) in RUBRIKER.iter().enumerate() {
        sheet.write_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let cells = serde_json::to_value(row).expect("rows serialise");
        for (c, h) in RUBRIKER.iter().enumerate() {
            let (row_n, col) = (r as u32 + 1, c as u16);
            match &cells[h] {
                serde_json::Value::Number(n) => {
                    sheet.write_number(row_n, col, n.as_f64().unwrap_or_default())?;
                    widths[c] = widths[c].max(n.to_string().len());
                }
                serde_json::Value::String(s) if !s.is_empty() => {
                    sheet.write_string(row_n, col, s)?;
                    widths[c] = widths[c].max(s.chars().count());
                }
                _ => {}
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).min(60) as f64 + 2.0)?;
    }
    sheet.autofilter(0, 0, rows.len() as u32, RUBRIKER.len() as u16 - 1)?;
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
