//! `molnkoll svar`: reads a bidder's filled svarsbilaga. By default it only says what the
//! answers meet, fail and leave for a person to check; with `skriv` it writes the winning
//! bidder's answers into the record ([`crate::redigera`]), keeping its comments.
//!
//! The sheet is untrusted input: its size is bounded ([`MAX_BYTE`], [`MAX_UPPACKAT`],
//! [`MAX_CELLER`]), cells are read as a stream and only inside the sheet's own area, a
//! formula anywhere is refused, and every requirement's text must be the policy's. All
//! problems are reported in one run, each naming its sheet and cell, and then nothing is
//! written.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use calamine::{DataRef, Reader, Xlsx};

use crate::derive::{self, SvarLage};
use crate::load::LoadError;
use crate::model::{Bedomning, Datum, Policy};
use crate::redigera::{Andring, Dokument, RedigeraFel, Varde};
use crate::svarsbilaga::{
    self as bilaga, BLAD_KRAV, BLAD_UNDERBITRADEN, K_BEVIS, K_ID, K_KRAV, K_SVAR, K_UPPFYLLS, KOLUMNER, MAX_KORT,
    MAX_SVAR, RAD_REFERENS, RAD_RUBRIK, RAD_UB_RUBRIK, Rad, RadTyp, UB_KOLUMNER, UB_RADER,
};

/// Largest file read: a filled sheet is some 20 KB.
pub const MAX_BYTE: u64 = 5 * 1024 * 1024;
/// Largest total the archive's parts may unpack to, by what the archive declares.
pub const MAX_UPPACKAT: u64 = 50 * 1024 * 1024;
/// Most cells read from one sheet; the reader stops there.
pub const MAX_CELLER: usize = 20_000;
/// Rows and columns past these are outside any svarsbilaga.
const MAX_RAD: u32 = 1_000;
const MAX_KOLUMN: u32 = 26;

#[derive(Debug, thiserror::Error)]
pub enum SvarFel {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("policykällan har fel; rätta dem med `molnkoll check` först")]
    Policy,
    #[error("det finns ingen bedömning `{slug}`{forslag}")]
    OkandBedomning { slug: String, forslag: String },
    #[error("bedömningen `{0}` har fel; rätta dem med `molnkoll check` först")]
    BedomningMedFel(String),
    #[error("bedömningen `{0}` har ingen svarsbilaga: den är ingen upphandling med ska-krav")]
    IngenSvarsbilaga(String),
    #[error(
        "bedömningen `{0}` har ingen leverantör: lägg till den antagna anbudsgivaren i `[leverantor]` (`namn`, `land`) innan dess svar skrivs in"
    )]
    UtanLeverantor(String),
    #[error("kan inte läsa {0}: {1}")]
    Las(PathBuf, std::io::Error),
    #[error("{0} är {1} byte; en svarsbilaga får vara högst {max} byte (5 MiB)", max = MAX_BYTE)]
    ForStor(PathBuf, u64),
    #[error("{0} är ingen xlsx-fil: {1}")]
    InteXlsx(PathBuf, String),
    #[error("kan inte skriva {0}: {1}")]
    Skriv(PathBuf, std::io::Error),
    #[error("kan inte redigera {0}: {1}")]
    Redigera(PathBuf, RedigeraFel),
    #[error("svaren skulle göra {0} ogiltig: {1}")]
    Ogiltig(PathBuf, String),
}

/// A problem at one cell of the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cellfel {
    pub blad: String,
    /// `D7`, or empty when the whole sheet is meant.
    pub cell: String,
    pub text: String,
}

impl fmt::Display for Cellfel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.cell.is_empty() {
            write!(f, "blad {}: {}", self.blad, self.text)
        } else {
            write!(f, "blad {}, cell {}: {}", self.blad, self.cell, self.text)
        }
    }
}

/// What the sheet says of one ska-krav.
#[derive(Debug, Clone)]
pub struct KravUtfall {
    pub id: String,
    pub lage: SvarLage,
    pub skal: String,
}

/// What a run found and, with `skriv`, did.
#[derive(Debug, Clone)]
pub struct Resultat {
    /// The record, relative to the project.
    pub fil: String,
    pub utfall: Vec<KravUtfall>,
    pub underbitraden: usize,
    /// Every problem; when there is one, nothing was written.
    pub fel: Vec<Cellfel>,
    /// What was written; `None` without `skriv` or with problems.
    pub andringar: Option<Vec<Andring>>,
}

/// Checks `xlsx` against the record `slug`'s svarsbilaga and, with `skriv` and no
/// problems, writes its answers into the record.
pub fn svar(root: &Path, slug: &str, xlsx: &Path, skriv: bool, today: Datum) -> Result<Resultat, SvarFel> {
    let checked = crate::check(root, today)?;
    let Some(policy) = checked.policy.as_ref() else { return Err(SvarFel::Policy) };
    let Some(item) = checked.items.iter().find(|i| i.slug == slug) else {
        if root.join("content/bedomningar").join(format!("{slug}.toml")).exists() {
            return Err(SvarFel::BedomningMedFel(slug.to_owned()));
        }
        let kanda = checked.items.iter().map(|i| i.slug.as_str());
        let forslag =
            crate::diagnostic::did_you_mean(slug, kanda).map(|s| format!("; menade du `{s}`?")).unwrap_or_default();
        return Err(SvarFel::OkandBedomning { slug: slug.to_owned(), forslag });
    };
    if !crate::view::har_svarsbilaga(item) {
        return Err(SvarFel::IngenSvarsbilaga(slug.to_owned()));
    }
    // Any bidder's sheet can be checked before a supplier is chosen; only the winner's
    // answers are written, and they are the chosen supplier's.
    if skriv && item.bedomning.leverantor.is_none() {
        return Err(SvarFel::UtanLeverantor(slug.to_owned()));
    }
    let rader = bilaga::rader(policy, item);
    let bytes = las(xlsx)?;
    let (celler, mut fel) = oppna(xlsx, bytes)?;
    let ark = tolka(&celler, &rader, &item.bedomning.tjanst.referens, &mut fel);
    if !skriv {
        // Any bidder's sheet: an unanswered requirement is a shortfall, not an error.
        fel.retain(|f| f.text != SAKNAR_SVAR);
    }
    let utfall = bedom(&rader, &ark);
    let mut res =
        Resultat { fil: item.file.clone(), utfall, underbitraden: ark.underbitraden.len(), fel, andringar: None };
    if skriv && res.fel.is_empty() {
        res.andringar = Some(skriv_in(&root.join(&item.file), policy, &rader, &ark)?);
    }
    Ok(res)
}

const SAKNAR_SVAR: &str = "svar saknas; välj Ja eller Nej";

fn las(path: &Path) -> Result<Vec<u8>, SvarFel> {
    let f = std::fs::File::open(path).map_err(|e| SvarFel::Las(path.to_owned(), e))?;
    let len = f.metadata().map_err(|e| SvarFel::Las(path.to_owned(), e))?.len();
    if len > MAX_BYTE {
        return Err(SvarFel::ForStor(path.to_owned(), len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(MAX_BYTE + 1).read_to_end(&mut bytes).map_err(|e| SvarFel::Las(path.to_owned(), e))?;
    if bytes.len() as u64 > MAX_BYTE {
        return Err(SvarFel::ForStor(path.to_owned(), bytes.len() as u64));
    }
    Ok(bytes)
}

/// A cell's value as the sheet holds it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Tal(f64),
    Bool(bool),
    Datum,
    Fel,
}

type Celler = BTreeMap<&'static str, BTreeMap<(u32, u32), Cell>>;

/// The two answer sheets' cells inside their area. Formulas and cells outside the area
/// are problems; a file that is not an xlsx archive, or a part that would unpack too
/// large, is an error.
fn oppna(path: &Path, bytes: Vec<u8>) -> Result<(Celler, Vec<Cellfel>), SvarFel> {
    let inte = |why: String| SvarFel::InteXlsx(path.to_owned(), why);
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(inte("den är inte ett zip-arkiv, som en xlsx-fil är".to_owned()));
    }
    let mut reader = Cursor::new(bytes);
    let uppackat = zip_storlek(&mut reader).map_err(inte)?;
    if uppackat > MAX_UPPACKAT {
        return Err(inte(format!("delarna packas upp till {uppackat} byte, mer än gränsen {MAX_UPPACKAT}")));
    }
    let mut book: Xlsx<_> = Xlsx::new(reader).map_err(|e| inte(e.to_string()))?;
    let names = book.sheet_names();
    let mut celler = Celler::new();
    let mut fel = Vec::new();
    for blad in [BLAD_KRAV, BLAD_UNDERBITRADEN] {
        let cells = celler.entry(blad).or_default();
        if !names.iter().any(|n| n == blad) {
            fel.push(Cellfel { blad: blad.to_owned(), cell: String::new(), text: "bladet saknas".to_owned() });
            continue;
        }
        let mut r = book.worksheet_cells_reader(blad).map_err(|e| inte(e.to_string()))?;
        let mut antal = 0;
        while let Some(c) = r.next_cell_with_formula().map_err(|e| inte(e.to_string()))? {
            antal += 1;
            if antal > MAX_CELLER {
                fel.push(Cellfel {
                    blad: blad.to_owned(),
                    cell: String::new(),
                    text: format!("fler än {MAX_CELLER} celler"),
                });
                break;
            }
            let (row, col) = c.pos;
            let value = match c.value {
                DataRef::Empty => None,
                DataRef::String(s) => Some(Cell::Text(s)),
                DataRef::SharedString(s) => Some(Cell::Text(s.to_owned())),
                DataRef::Int(i) => Some(Cell::Tal(i as f64)),
                DataRef::Float(f) => Some(Cell::Tal(f)),
                DataRef::Bool(b) => Some(Cell::Bool(b)),
                DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => Some(Cell::Datum),
                DataRef::Error(_) => Some(Cell::Fel),
            };
            if let Some(formel) = c.formula.filter(|f| !f.is_empty()) {
                let visad: String = formel.chars().take(40).collect();
                fel.push(Cellfel {
                    blad: blad.to_owned(),
                    cell: cellnamn(row, col),
                    text: format!("cellen har en formel (`={visad}`); skriv svaret som text"),
                });
                continue;
            }
            let Some(value) = value else { continue };
            if row >= MAX_RAD || col >= MAX_KOLUMN {
                fel.push(Cellfel {
                    blad: blad.to_owned(),
                    cell: cellnamn(row, col),
                    text: "cellen ligger utanför svarsbilagans område".to_owned(),
                });
                continue;
            }
            cells.insert((row, col), value);
        }
    }
    Ok((celler, fel))
}

/// The total the archive declares its parts unpack to.
fn zip_storlek<R: Read + Seek>(reader: &mut R) -> Result<u64, String> {
    let mut zip = zip::ZipArchive::new(&mut *reader).map_err(|e| e.to_string())?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| e.to_string())?;
        total = total.saturating_add(f.size());
    }
    drop(zip);
    reader.rewind().map_err(|e| e.to_string())?;
    Ok(total)
}

/// `A1` for row 0, column 0.
fn cellnamn(row: u32, col: u32) -> String {
    let mut name = String::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = ((c - 1) % 26) as u8;
        name.insert(0, (b'A' + rem) as char);
        c = (c - 1) / 26;
    }
    format!("{name}{}", row + 1)
}

/// What the sheets say, after the checks.
#[derive(Debug, Default)]
struct Ark {
    /// Ja/Nej per ska-krav id; `None` unanswered.
    ja: BTreeMap<String, Option<bool>>,
    /// Answer and evidence text per row id.
    svar: BTreeMap<String, String>,
    bevis: BTreeMap<String, String>,
    underbitraden: Vec<Underbitrade>,
}

#[derive(Debug)]
struct Underbitrade {
    namn: String,
    land: String,
    roll: String,
    usa: bool,
}

/// Reads the answers, checking each cell against the rows the record gives.
fn tolka(celler: &Celler, rader: &[Rad], referens: &str, fel: &mut Vec<Cellfel>) -> Ark {
    let mut ark = Ark::default();
    let tom = BTreeMap::new();
    let krav = celler.get(BLAD_KRAV).unwrap_or(&tom);
    let mut problem = |blad: &str, row: u32, col: u16, text: String| {
        fel.push(Cellfel { blad: blad.to_owned(), cell: cellnamn(row, u32::from(col)), text });
    };
    let text = |cells: &BTreeMap<(u32, u32), Cell>, row: u32, col: u16| cells.get(&(row, u32::from(col))).cloned();

    if !celler.get(BLAD_KRAV).is_none_or(BTreeMap::is_empty) {
        match text(krav, RAD_REFERENS, 1) {
            Some(Cell::Text(s)) if s.trim() == referens => {}
            other => problem(
                BLAD_KRAV,
                RAD_REFERENS,
                1,
                format!("bilagan hör till upphandling {}, inte till {referens}", visa(other.as_ref())),
            ),
        }
    }
    let by_id: BTreeMap<&str, &Rad> = rader.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut sedda: BTreeMap<String, u32> = BTreeMap::new();
    let last_row = krav.keys().map(|(r, _)| *r).max().unwrap_or(0);
    for row in RAD_RUBRIK + 1..=last_row {
        let id = match text(krav, row, K_ID) {
            None => {
                if (0..KOLUMNER.len() as u16).any(|c| text(krav, row, c).is_some()) {
                    problem(BLAD_KRAV, row, K_ID, "raden saknar krav-id".to_owned());
                }
                continue;
            }
            Some(Cell::Text(s)) => s.trim().to_owned(),
            Some(other) => {
                problem(BLAD_KRAV, row, K_ID, format!("krav-id ska vara text, inte {}", typnamn(&other)));
                continue;
            }
        };
        let Some(rad) = by_id.get(id.as_str()) else {
            let kanda: Vec<&str> = rader.iter().map(|r| r.id.as_str()).collect();
            problem(BLAD_KRAV, row, K_ID, format!("okänt krav-id `{id}`; bilagan har {}", kanda.join(", ")));
            continue;
        };
        if let Some(first) = sedda.insert(id.clone(), row) {
            problem(BLAD_KRAV, row, K_ID, format!("krav-id `{id}` finns redan på rad {}", first + 1));
            continue;
        }
        match text(krav, row, K_KRAV) {
            Some(Cell::Text(s)) if s == rad.krav => {}
            _ => problem(
                BLAD_KRAV,
                row,
                K_KRAV,
                format!("kravtexten för {id} är ändrad; den ska vara policyns ordalydelse"),
            ),
        }
        if rad.typ != RadTyp::Punkt {
            let ja = match text(krav, row, K_UPPFYLLS) {
                None => {
                    problem(BLAD_KRAV, row, K_UPPFYLLS, SAKNAR_SVAR.to_owned());
                    None
                }
                Some(Cell::Text(s)) if s.trim().eq_ignore_ascii_case("ja") => Some(true),
                Some(Cell::Text(s)) if s.trim().eq_ignore_ascii_case("nej") => Some(false),
                Some(Cell::Text(s)) if s.trim().is_empty() => {
                    problem(BLAD_KRAV, row, K_UPPFYLLS, SAKNAR_SVAR.to_owned());
                    None
                }
                Some(Cell::Text(s)) => {
                    problem(BLAD_KRAV, row, K_UPPFYLLS, format!("`{}` är varken Ja eller Nej", kort(&s)));
                    None
                }
                Some(other) => {
                    problem(BLAD_KRAV, row, K_UPPFYLLS, format!("cellen har {}; välj Ja eller Nej", typnamn(&other)));
                    None
                }
            };
            ark.ja.insert(id.clone(), ja);
        } else if let Some(c) = text(krav, row, K_UPPFYLLS) {
            problem(
                BLAD_KRAV,
                row,
                K_UPPFYLLS,
                format!("en punkt besvaras i Svar, inte med Ja eller Nej ({})", visa(Some(&c))),
            );
        }
        for (col, max, into) in [(K_SVAR, MAX_SVAR, &mut ark.svar), (K_BEVIS, MAX_KORT, &mut ark.bevis)] {
            match text(krav, row, col) {
                None => {}
                Some(Cell::Text(s)) if s.chars().count() > max as usize => {
                    problem(BLAD_KRAV, row, col, format!("texten har {} tecken; högst {max}", s.chars().count()));
                }
                Some(Cell::Text(s)) if s.trim().is_empty() => {}
                Some(Cell::Text(s)) => {
                    into.insert(id.clone(), s.trim().to_owned());
                }
                // A number typed as an answer ("4" hours) is still an answer.
                Some(Cell::Tal(t)) => {
                    into.insert(id.clone(), tal(t));
                }
                Some(other) => {
                    problem(BLAD_KRAV, row, col, format!("cellen har {}; skriv svaret som text", typnamn(&other)))
                }
            }
        }
        if rad.typ == RadTyp::Punkt && !ark.svar.contains_key(&id) {
            problem(BLAD_KRAV, row, K_SVAR, SAKNAR_SVAR_PUNKT.to_owned());
        }
    }
    if !krav.is_empty() {
        for rad in rader.iter().filter(|r| !sedda.contains_key(&r.id)) {
            fel.push(Cellfel {
                blad: BLAD_KRAV.to_owned(),
                cell: String::new(),
                text: format!("kravet {} saknas; bladet ska ha en rad för varje ska-krav", rad.id),
            });
        }
    }
    ark.underbitraden = underbitraden(celler.get(BLAD_UNDERBITRADEN).unwrap_or(&tom), fel);
    ark
}

const SAKNAR_SVAR_PUNKT: &str = "svar saknas; beskriv punkten";

fn underbitraden(cells: &BTreeMap<(u32, u32), Cell>, fel: &mut Vec<Cellfel>) -> Vec<Underbitrade> {
    let koder = bilaga::landskoder();
    let mut out = Vec::new();
    let mut problem = |row: u32, col: u32, text: String| {
        fel.push(Cellfel { blad: BLAD_UNDERBITRADEN.to_owned(), cell: cellnamn(row, col), text });
    };
    let last_row = cells.keys().map(|(r, _)| *r).max().unwrap_or(0);
    for row in RAD_UB_RUBRIK + 1..=last_row.min(RAD_UB_RUBRIK + UB_RADER + 100) {
        let rad: Vec<Option<&Cell>> = (0..UB_KOLUMNER.len() as u32).map(|c| cells.get(&(row, c))).collect();
        if rad.iter().all(|c| c.is_none_or(|c| matches!(c, Cell::Text(s) if s.trim().is_empty()))) {
            continue;
        }
        let mut texts = Vec::new();
        for (col, cell) in rad.iter().enumerate() {
            let col = col as u32;
            let t = match cell {
                Some(Cell::Text(s)) if !s.trim().is_empty() => s.trim().to_owned(),
                None | Some(Cell::Text(_)) => {
                    problem(row, col, format!("`{}` saknas", UB_KOLUMNER[col as usize]));
                    String::new()
                }
                Some(other) => {
                    problem(row, col, format!("cellen har {}; skriv text", typnamn(other)));
                    String::new()
                }
            };
            texts.push(t);
        }
        let land = texts[1].clone();
        if !land.is_empty() && !koder.contains(&land.as_str()) {
            problem(
                row,
                1,
                format!(
                    "`{}` är ingen landskod enligt ISO 3166-1 alfa-2; skriv till exempel SE, IE eller US",
                    kort(&land)
                ),
            );
        }
        let usa = match texts[3].to_lowercase().as_str() {
            "ja" => true,
            "nej" | "" => false,
            _ => {
                problem(row, 3, format!("`{}` är varken Ja eller Nej", kort(&texts[3])));
                false
            }
        };
        for (col, t) in texts.iter().enumerate().take(3) {
            if t.chars().count() > MAX_KORT as usize {
                problem(row, col as u32, format!("texten har {} tecken; högst {MAX_KORT}", t.chars().count()));
            }
        }
        out.push(Underbitrade { namn: texts[0].clone(), land, roll: texts[2].clone(), usa });
    }
    out
}

fn typnamn(c: &Cell) -> &'static str {
    match c {
        Cell::Text(_) => "text",
        Cell::Tal(_) => "ett tal",
        Cell::Bool(_) => "ett sanningsvärde (SANT/FALSKT)",
        Cell::Datum => "ett datum",
        Cell::Fel => "ett felvärde",
    }
}

fn visa(c: Option<&Cell>) -> String {
    match c {
        None => "(tom)".to_owned(),
        Some(Cell::Text(s)) => format!("`{}`", kort(s)),
        Some(Cell::Tal(t)) => tal(*t),
        Some(other) => typnamn(other).to_owned(),
    }
}

fn tal(t: f64) -> String {
    if t.fract() == 0.0 && t.abs() < 1e15 { format!("{}", t as i64) } else { t.to_string() }
}

/// A bidder's text as an error quotes it: short, on one line.
fn kort(s: &str) -> String {
    let one: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).take(60).collect();
    if s.chars().count() > 60 { format!("{one}…") } else { one }
}

/// Each ska-krav as the sheet answers it; derive decides.
fn bedom(rader: &[Rad], ark: &Ark) -> Vec<KravUtfall> {
    rader
        .iter()
        .filter_map(|r| match r.typ {
            RadTyp::Krav(typ) => Some((r, typ)),
            RadTyp::Punkt => None,
        })
        .map(|(r, typ)| {
            let saknas: Vec<String> = rader
                .iter()
                .filter(|p| p.punkt().is_some_and(|(a, _)| a == r.id) && !ark.svar.contains_key(&p.id))
                .map(|p| p.krav.split_once(": ").map_or(p.krav.clone(), |(_, n)| n.to_owned()))
                .collect();
            let ja = ark.ja.get(&r.id).copied().flatten();
            let (lage, skal) = derive::svar_i_bilaga(typ, ja, &saknas, ark.bevis.get(&r.id).map(String::as_str));
            KravUtfall { id: r.id.clone(), lage, skal }
        })
        .collect()
}

/// Writes the answers into the record at `path`: one `[[anbudssvar]]` per ska-krav, the
/// restore procedure's points in `[aterstallning]`, and each subprocessor not already
/// named in `[[underbitraden]]`. The new text must still load as a record.
fn skriv_in(path: &Path, _policy: &Policy, rader: &[Rad], ark: &Ark) -> Result<Vec<Andring>, SvarFel> {
    let text = std::fs::read_to_string(path).map_err(|e| SvarFel::Las(path.to_owned(), e))?;
    let red = |e| SvarFel::Redigera(path.to_owned(), e);
    let mut doc = Dokument::parse(&text).map_err(red)?;
    let mut andringar = Vec::new();
    for rad in rader {
        match rad.punkt() {
            Some((_, key)) => {
                if let Some(s) = ark.svar.get(&rad.id) {
                    andringar
                        .extend(doc.satt(&crate::path!["aterstallning", key], &Varde::Text(s.clone())).map_err(red)?);
                }
            }
            None => {
                let mut falt = vec![("uppfylls", Varde::Bool(ark.ja.get(&rad.id).copied().flatten() == Some(true)))];
                if let Some(s) = ark.svar.get(&rad.id) {
                    falt.push(("svar", Varde::Text(s.clone())));
                }
                if let Some(s) = ark.bevis.get(&rad.id) {
                    falt.push(("bevis", Varde::Text(s.clone())));
                }
                andringar.extend(doc.satt_post(&crate::path!["anbudssvar"], "krav", &rad.id, &falt).map_err(red)?);
            }
        }
    }
    let kanda: Vec<String> =
        doc.texter_i_lista(&crate::path!["underbitraden"], "namn").iter().map(|n| n.to_lowercase()).collect();
    for u in ark.underbitraden.iter().filter(|u| !kanda.contains(&u.namn.to_lowercase())) {
        let mut falt = vec![("namn", Varde::Text(u.namn.clone())), ("land", Varde::Text(u.land.clone()))];
        if u.usa {
            falt.push(("usa_koppling", Varde::Bool(true)));
        }
        falt.push(("uppgift", Varde::Text(u.roll.clone())));
        andringar.extend(doc.lagg_till(&crate::path!["underbitraden"], &falt).map_err(red)?.1);
    }
    let ny = doc.to_string();
    if let Err(e) = toml::from_str::<Bedomning>(&ny) {
        return Err(SvarFel::Ogiltig(path.to_owned(), e.message().to_owned()));
    }
    if !andringar.is_empty() {
        crate::redigera::skriv_atomiskt(path, ny.as_bytes()).map_err(|e| SvarFel::Skriv(path.to_owned(), e))?;
    }
    Ok(andringar)
}

#[cfg(test)]
mod tests {
    use super::cellnamn;

    #[test]
    fn cell_names() {
        assert_eq!(cellnamn(0, 0), "A1");
        assert_eq!(cellnamn(6, 3), "D7");
        assert_eq!(cellnamn(9, 25), "Z10");
        assert_eq!(cellnamn(0, 26), "AA1");
    }
}
