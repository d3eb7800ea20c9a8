//! The svarsbilaga: the answer sheet (xlsx) that goes with the kravbilaga to every bidder,
//! one row per ska-krav with a Ja/Nej list, the restore procedure's points as rows of
//! their own, and a sheet for the subprocessors. `molnkoll svar` reads a filled one back
//! ([`crate::svar`]); both take the rows from [`rader`], so the sheet and its check agree.
//!
//! It goes to every bidder, so it names no supplier and nothing internal: the tender's
//! reference, the policy's version and the requirements' words, nothing else.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Formula, Workbook, Worksheet, XlsxError,
};

use crate::derive::Del;
use crate::model::{AtgardTyp, Datum, Policy};
use crate::{Item, view};

pub(crate) const BLAD_KRAV: &str = "Ska-krav";
pub(crate) const BLAD_UNDERBITRADEN: &str = "Underbiträden";
const BLAD_LANDER: &str = "Landskoder";

/// Rows of the header, 0-based: the tender's reference and the policy's version.
pub(crate) const RAD_REFERENS: u32 = 1;
pub(crate) const RAD_VERSION: u32 = 2;
/// The column headings of the requirements; the rows start below.
pub(crate) const RAD_RUBRIK: u32 = 5;
/// The subprocessors' headings, and the number of rows left for them.
pub(crate) const RAD_UB_RUBRIK: u32 = 3;
pub(crate) const UB_RADER: u32 = 40;

pub(crate) const KOLUMNER: [&str; 6] =
    ["Id", "Krav", "Verifikat", "Uppfylls (Ja/Nej)", "Svar", "Bevis (bilaga i anbudet)"];
pub(crate) const UB_KOLUMNER: [&str; 4] = [
    "Namn",
    "Land (ISO 3166-1 alfa-2, t.ex. SE)",
    "Roll eller uppgift",
    "Amerikansk organisation eller under amerikansk lag (Ja/Nej)",
];
/// Column indexes in the requirements sheet.
pub(crate) const K_ID: u16 = 0;
pub(crate) const K_KRAV: u16 = 1;
pub(crate) const K_UPPFYLLS: u16 = 3;
pub(crate) const K_SVAR: u16 = 4;
pub(crate) const K_BEVIS: u16 = 5;

/// Longest answer a cell takes; Excel itself stops at 32,767 characters.
pub(crate) const MAX_SVAR: u32 = 4000;
pub(crate) const MAX_KORT: u32 = 500;

/// One row of the requirements sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rad {
    /// The measure's stable id, or `<id>.<punkt>` for a point of the restore procedure.
    pub id: String,
    /// The ska-krav text, or the point's name.
    pub krav: String,
    pub verifikat: String,
    pub typ: RadTyp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RadTyp {
    /// A ska-krav: Ja/Nej, an answer and an evidence reference.
    Krav(AtgardTyp),
    /// One of the restore procedure's points: a text answer, kept in `[aterstallning]`.
    Punkt,
}

impl Rad {
    /// The measure a point row belongs to, and the point's key in `[aterstallning]`.
    pub fn punkt(&self) -> Option<(&str, &str)> {
        (self.typ == RadTyp::Punkt).then(|| self.id.split_once('.')).flatten()
    }
}

/// The sheet's contents, as it goes to every bidder.
#[derive(Debug, Clone)]
pub struct Svarsbilaga {
    /// The tender's reference (the record's `tjanst.referens`).
    pub referens: String,
    pub policyversion: String,
    pub rader: Vec<Rad>,
}

/// The policy's version as the sheet's header names it.
pub fn policyversion(policy: &Policy) -> String {
    policy.version.as_ref().map_or_else(|| "ej angiven".to_owned(), |v| format!("{} ({})", v.nummer, v.datum))
}

/// The ska-krav derive found for the record, in the policy's order, each restore
/// procedure's points right after its requirement.
pub fn rader(policy: &Policy, item: &Item) -> Vec<Rad> {
    let mut out = Vec::new();
    for u in &item.harledning.atgarder {
        let (Some(a), Some(Del::Leverantor)) = (policy.atgard(&u.id), u.del(policy)) else { continue };
        out.push(Rad {
            id: a.id.clone(),
            krav: a.skakrav.clone().unwrap_or_default(),
            verifikat: a.bevis.clone().unwrap_or_else(|| "Underlag som visar att kravet uppfylls.".to_owned()),
            typ: RadTyp::Krav(a.typ),
        });
        for p in &a.punkter {
            out.push(Rad {
                id: format!("{}.{}", a.id, p.id),
                krav: format!("{}: {}", a.rubrik, p.namn),
                verifikat: "Besvaras i kolumnen Svar.".to_owned(),
                typ: RadTyp::Punkt,
            });
        }
    }
    out
}

pub fn svarsbilaga(policy: &Policy, item: &Item) -> Svarsbilaga {
    Svarsbilaga {
        referens: item.bedomning.tjanst.referens.clone(),
        policyversion: policyversion(policy),
        rader: rader(policy, item),
    }
}

/// One procurement's svarsbilaga, beside its PDFs, dated `datum` as they are.
pub(crate) fn fil(site: &view::Site, item: &Item, datum: Datum) -> Result<Vec<u8>, XlsxError> {
    xlsx(&svarsbilaga(site.policy, item), datum)
}

/// The workbook. `datum` is its creation date, the document's date as for the PDFs, so
/// two builds give the same bytes. The sheets are protected without a password: a lock
/// against mistakes, not against a determined bidder, and the import checks every
/// requirement's text anyway.
pub fn xlsx(s: &Svarsbilaga, datum: Datum) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(datum.0.year() as u16, datum.0.month() as u8, datum.0.day() as u8)?;
    book.set_properties(
        &DocProperties::new().set_title(format!("Svarsbilaga {}", s.referens)).set_creation_datetime(&created),
    );
    let f = Formats::new();
    krav_blad(book.add_worksheet(), s, &f)?;
    ub_blad(book.add_worksheet(), s, &f)?;
    lander_blad(book.add_worksheet())?;
    book.save_to_buffer()
}

struct Formats {
    titel: Format,
    rubrik: Format,
    /// Locked text: the requirements and the header.
    text: Format,
    /// Unlocked, yellow: where the bidder writes.
    svar: Format,
    /// Locked and grey: no answer here.
    tom: Format,
}

impl Formats {
    fn new() -> Formats {
        // A quote prefix keeps a text that starts with `=`, `+`, `-` or `@` text even when
        // someone edits the cell: no requirement can turn into a formula.
        let base = Format::new().set_quote_prefix().set_text_wrap().set_align(FormatAlign::Top);
        let ruta = |f: Format| f.set_border(FormatBorder::Thin).set_border_color(Color::RGB(0x80_80_80));
        Formats {
            titel: Format::new().set_bold().set_font_size(14),
            rubrik: ruta(base.clone().set_bold().set_background_color(Color::RGB(0xD9_E1_F2))),
            text: ruta(base.clone()),
            svar: ruta(base.clone().set_unlocked().set_background_color(Color::RGB(0xFF_F2_CC))),
            tom: ruta(base.set_background_color(Color::RGB(0xEE_EE_EE))),
        }
    }
}

fn ja_nej() -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_list_strings(&["Ja", "Nej"])?
        .set_error_title("Ja eller Nej")?
        .set_error_message("Välj Ja eller Nej i listan.")
}

fn text_langd(max: u32) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_text_length(DataValidationRule::Between(0, max))
        .set_error_title("För lång text")?
        .set_error_message(format!("Högst {max} tecken; hänvisa till en bilaga för längre text."))
}

fn krav_blad(sheet: &mut Worksheet, s: &Svarsbilaga, f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name(BLAD_KRAV)?;
    sheet.write_string_with_format(0, 0, "Svarsbilaga: ska-krav", &f.titel)?;
    let huvud = [
        (RAD_REFERENS, "Upphandling", s.referens.as_str()),
        (RAD_VERSION, "Policyversion", s.policyversion.as_str()),
        (
            RAD_VERSION + 1,
            "Så fyller du i",
            "Svara Ja eller Nej för varje ska-krav, beskriv i Svar hur kravet uppfylls och ange i Bevis vilken bilaga i anbudet som styrker svaret. Besvara var och en av återställningsförfarandets punkter i Svar. Bara de gula cellerna går att ändra; fyll också i bladet Underbiträden.",
        ),
    ];
    for (rad, etikett, varde) in huvud {
        sheet.write_string_with_format(rad, 0, etikett, &f.rubrik)?;
        sheet.merge_range(rad, 1, rad, KOLUMNER.len() as u16 - 1, varde, &f.text)?;
    }
    sheet.set_row_height(RAD_VERSION + 1, 48)?;
    for (c, h) in KOLUMNER.iter().enumerate() {
        sheet.write_string_with_format(RAD_RUBRIK, c as u16, *h, &f.rubrik)?;
    }
    for (i, rad) in s.rader.iter().enumerate() {
        let r = RAD_RUBRIK + 1 + i as u32;
        sheet.write_string_with_format(r, K_ID, &rad.id, &f.text)?;
        sheet.write_string_with_format(r, K_KRAV, &rad.krav, &f.text)?;
        sheet.write_string_with_format(r, 2, &rad.verifikat, &f.text)?;
        match rad.typ {
            RadTyp::Krav(_) => {
                sheet.write_blank(r, K_UPPFYLLS, &f.svar)?;
                sheet.add_data_validation(r, K_UPPFYLLS, r, K_UPPFYLLS, &ja_nej()?)?;
            }
            RadTyp::Punkt => {
                sheet.write_blank(r, K_UPPFYLLS, &f.tom)?;
            }
        }
        sheet.write_blank(r, K_SVAR, &f.svar)?;
        sheet.write_blank(r, K_BEVIS, &f.svar)?;
        let h = if rad.typ == RadTyp::Punkt { 45 } else { 120 };
        sheet.set_row_height(r, h)?;
    }
    if let Some(last) = (!s.rader.is_empty()).then(|| RAD_RUBRIK + s.rader.len() as u32) {
        sheet.add_data_validation(RAD_RUBRIK + 1, K_SVAR, last, K_SVAR, &text_langd(MAX_SVAR)?)?;
        sheet.add_data_validation(RAD_RUBRIK + 1, K_BEVIS, last, K_BEVIS, &text_langd(MAX_KORT)?)?;
    }
    for (c, w) in [22.0, 60.0, 40.0, 12.0, 50.0, 24.0].into_iter().enumerate() {
        sheet.set_column_width(c as u16, w)?;
    }
    sheet.set_freeze_panes(RAD_RUBRIK + 1, 0)?;
    sheet.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(RAD_RUBRIK, RAD_RUBRIK)?;
    sheet.protect();
    Ok(())
}

fn ub_blad(sheet: &mut Worksheet, s: &Svarsbilaga, f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name(BLAD_UNDERBITRADEN)?;
    sheet.write_string_with_format(0, 0, "Svarsbilaga: underbiträden", &f.titel)?;
    sheet.write_string_with_format(1, 0, "Upphandling", &f.rubrik)?;
    sheet.write_string_with_format(1, 1, &s.referens, &f.text)?;
    sheet.merge_range(
        2,
        0,
        2,
        UB_KOLUMNER.len() as u16 - 1,
        "Ange varje underbiträde som behandlar kommunens information i tjänsten, en rad per underbiträde: namn, landet där företaget är registrerat, vad det gör, och om det är en amerikansk organisation eller omfattas av amerikansk lag.",
        &f.text,
    )?;
    sheet.set_row_height(2, 45)?;
    for (c, h) in UB_KOLUMNER.iter().enumerate() {
        sheet.write_string_with_format(RAD_UB_RUBRIK, c as u16, *h, &f.rubrik)?;
    }
    let (forsta, sista) = (RAD_UB_RUBRIK + 1, RAD_UB_RUBRIK + UB_RADER);
    for r in forsta..=sista {
        for c in 0..UB_KOLUMNER.len() as u16 {
            sheet.write_blank(r, c, &f.svar)?;
        }
    }
    let antal = landskoder().len();
    let land = DataValidation::new()
        .allow_list_formula(Formula::new(format!("={BLAD_LANDER}!$A$1:$A${antal}")))
        .set_error_title("Landskod")?
        .set_error_message(
            "Ange landets kod enligt ISO 3166-1 alfa-2 med två versaler, till exempel SE, IE eller US.",
        )?;
    sheet.add_data_validation(forsta, 0, sista, 0, &text_langd(MAX_KORT)?)?;
    sheet.add_data_validation(forsta, 1, sista, 1, &land)?;
    sheet.add_data_validation(forsta, 2, sista, 2, &text_langd(MAX_KORT)?)?;
    sheet.add_data_validation(forsta, 3, sista, 3, &ja_nej()?)?;
    for (c, w) in [40.0, 18.0, 50.0, 24.0].into_iter().enumerate() {
        sheet.set_column_width(c as u16, w)?;
    }
    sheet.set_row_height(RAD_UB_RUBRIK, 45)?;
    sheet.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    sheet.protect();
    Ok(())
}

/// The country codes the subprocessors' list offers, hidden.
fn lander_blad(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name(BLAD_LANDER)?;
    for (r, kod) in landskoder().iter().enumerate() {
        sheet.write_string(r as u32, 0, *kod)?;
    }
    sheet.set_hidden(true);
    sheet.protect();
    Ok(())
}

/// ISO 3166-1 alpha-2, sorted: what the list offers and what the import accepts.
pub(crate) fn landskoder() -> Vec<&'static str> {
    let mut koder: Vec<&str> = celes::Country::get_countries().iter().map(|c| c.alpha2).collect();
    koder.sort_unstable();
    koder.dedup();
    koder
}
