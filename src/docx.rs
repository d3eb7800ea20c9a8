//! The kravbilaga as DOCX: procurement officers paste requirements into their tender tools
//! (TendSign, e-Avrop, Mercell) from Word. Written from the same view model as the PDF
//! ([`view::KravbilagaVy`]), so the two cannot say different things.
//!
//! docx-rs lays out the document. What it cannot say is added to its parts before they are
//! zipped: the title and language in the core properties, Swedish as the document's
//! language, table header rows that repeat on every page, and fixed ids and zip timestamps
//! so that the same input gives the same bytes.

use std::io::{Cursor, Read, Write};

use docx_rs::{
    AbstractNumbering, Docx, Hyperlink, HyperlinkData, HyperlinkType, IndentLevel, Level, LevelJc, LevelText,
    LineSpacing, NumberFormat, Numbering, NumberingId, PageMargin, Paragraph, Run, Shading, SpecialIndentType, Start,
    Style, StyleType, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

use crate::model::Datum;
use crate::view::{self, KravbilagaVy};

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("kunde inte skriva DOCX: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("kunde inte skriva DOCX: {0}")]
    Io(#[from] std::io::Error),
    /// docx-rs zips with its own version of the zip crate.
    #[error("kunde inte skriva DOCX: {0}")]
    Pack(String),
}

/// One procurement's kravbilaga as DOCX, beside its PDF, dated `datum` as the PDF is.
pub(crate) fn fil(site: &view::Site, item: &crate::Item, datum: Datum) -> Result<Vec<u8>, DocxError> {
    kravbilaga(&view::kravbilaga(site.policy, item, datum), datum)
}

const NUM_PUNKTER: usize = 2;
const NUM_LISTA: usize = 3;
/// A4 with 2 cm margins, in twentieths of a point: the width tables are laid out in.
const SIDA: (u32, u32) = (11906, 16838);
const MARGINAL: i32 = 1134;
const TEXTBREDD: usize = 11906 - 2 * 1134;

/// Links numbered in the order they appear. docx-rs numbers them from a process-wide
/// counter, which would give two builds different bytes.
#[derive(Default)]
struct Lankar(std::cell::Cell<usize>);

impl Lankar {
    /// An external link whose text is the address itself, so a printed copy still says
    /// where the list is.
    fn lank(&self, url: &str) -> Hyperlink {
        self.0.set(self.0.get() + 1);
        let mut h = Hyperlink::new(url, HyperlinkType::External).add_run(Run::new().style("Hyperlink").add_text(url));
        if let HyperlinkData::External { path, .. } = &h.link {
            h.link = HyperlinkData::External { rid: format!("rIdLank{}", self.0.get()), path: path.clone() };
        }
        h
    }
}

/// The document, zipped. `datum` is the document's date, as for the PDF.
pub fn kravbilaga(k: &KravbilagaVy<'_>, datum: Datum) -> Result<Vec<u8>, DocxError> {
    let lankar = Lankar::default();
    let mut doc = Docx::new()
        .page_size(SIDA.0, SIDA.1)
        .page_margin(PageMargin::new().top(MARGINAL).bottom(MARGINAL).left(MARGINAL).right(MARGINAL))
        .default_fonts(docx_rs::RunFonts::new().ascii("Calibri").hi_ansi("Calibri").cs("Calibri"))
        .default_size(22)
        .default_line_spacing(LineSpacing::new().after(100))
        .add_style(rubrik_stil("Title", "Title", 40, 0))
        .add_style(rubrik_stil("Heading1", "heading 1", 30, 320).outline_lvl(0))
        .add_style(rubrik_stil("Heading2", "heading 2", 25, 240).outline_lvl(1))
        .add_style(Style::new("Hyperlink", StyleType::Character).name("Hyperlink").color("0563C1").underline("single"))
        .add_abstract_numbering(lista(NUM_PUNKTER, "decimal", "%1."))
        .add_numbering(Numbering::new(NUM_PUNKTER, NUM_PUNKTER))
        .add_abstract_numbering(lista(NUM_LISTA, "bullet", "•"))
        .add_numbering(Numbering::new(NUM_LISTA, NUM_LISTA))
        .created_at(&format!("{datum}T00:00:00Z"))
        .updated_at(&format!("{datum}T00:00:00Z"));

    doc = doc.add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(&k.titel)));
    let mut fakta = vec![
        ("Tjänst", k.tjanst.to_owned()),
        ("Upphandling", k.referens.to_owned()),
        ("Organisation", k.organisation.to_owned()),
        ("Används av", k.anvands_av.join(", ")),
        ("Driftform", k.driftform.clone()),
        ("Datum", k.datum.clone()),
    ];
    if let Some(v) = &k.policyversion {
        fakta.push(("Policyversion", v.clone()));
    }
    let rader = fakta.iter().map(|(a, b)| vec![celltext(a), celltext(b)]);
    doc = doc.add_table(tabell(&[("Uppgift", 25), ("Värde", 75)], rader));

    doc = doc.add_paragraph(rubrik(1, "Om bilagan"));
    doc = doc.add_paragraph(text(&format!(
        "Bilagan hör till upphandlingen av tjänsten ovan. Kraven nedan är ska-krav: en leverantör som inte uppfyller dem kan inte antas. De följer av den styrande klassningsnivån och {}:s åtgärdstabell (bilaga A). Varje krav har ett stabilt id ur policykällan; hänvisa till det i anbudet. Varje krav säger varför det ställs (motiv), vad anbudsgivaren ska lämna och när (verifikat), och i förekommande fall vad underlaget måste innehålla för att godtas. Begrepp förklaras i bilaga B.",
        k.organisation
    )));
    if let Some(v) = &k.policyversion {
        doc = doc
            .add_paragraph(text(&format!("Kraven följer {}:s policy för molntjänster, version {v}.", k.organisation)));
    }

    doc = doc.add_paragraph(rubrik(1, "Styrande nivå"));
    let mut niva = vec![vec![celltext("Nivå"), celltext(k.niva.as_deref().unwrap_or("–"))]];
    if let Some(s) = &k.satt_av {
        niva.push(vec![celltext("Satt av"), celltext(s)]);
    }
    doc = doc.add_table(tabell(&[("Uppgift", 25), ("Värde", 75)], niva));
    doc = doc.add_paragraph(text(k.niva_regel));
    if !k.per_aspekt.is_empty() {
        let rader = k.per_aspekt.iter().map(|a| vec![celltext(a.namn), celltext(&niva_text(a.niva))]);
        doc = doc.add_table(tabell(&[("Aspekt", 70), ("Högsta nivå", 30)], rader));
    }
    if !k.mangder.is_empty() {
        let del = 50 / k.aspekter.len().max(1);
        let huvud: Vec<(&str, usize)> =
            std::iter::once(("Informationsmängd", 50)).chain(k.aspekter.iter().map(|a| (*a, del))).collect();
        let rader = k.mangder.iter().map(|m| {
            std::iter::once(celltext(m.namn))
                .chain(m.klassning.iter().map(|n| celltext(&niva_text(*n))))
                .collect::<Vec<_>>()
        });
        doc = doc.add_table(tabell(&huvud, rader));
    }

    doc = doc.add_paragraph(rubrik(1, "Ska-krav"));
    if k.krav.is_empty() {
        doc = doc.add_paragraph(text("Den styrande nivån ger inga krav på leverantören."));
    }
    for x in &k.krav {
        doc = doc.add_paragraph(rubrik(2, &format!("Krav {}: {} ({})", x.nummer, x.rubrik, x.id)));
        if let Some(m) = x.motiv {
            doc = doc.add_paragraph(etiketterad("Motiv.", m));
        }
        doc = doc.add_paragraph(etiketterad("Ska-krav.", x.skakrav));
        if !x.punkter.is_empty() {
            doc = doc.add_paragraph(text("Leverantören ska besvara var och en av punkterna:"));
            for p in &x.punkter {
                doc = doc.add_paragraph(text(p).numbering(NumberingId::new(NUM_PUNKTER), IndentLevel::new(0)));
            }
        }
        if !x.godtas.is_empty() {
            doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().bold().add_text("Godtagbara certifieringar:")));
            for c in &x.godtas {
                let mut p = Paragraph::new()
                    .numbering(NumberingId::new(NUM_LISTA), IndentLevel::new(0))
                    .add_run(Run::new().bold().add_text(c.namn))
                    .add_run(Run::new().add_text(format!(" ({}).", c.form)));
                if let Some(g) = c.godtas {
                    p = p.add_run(Run::new().add_text(format!(" {g}")));
                }
                doc = doc.add_paragraph(p);
            }
        }
        if let Some(url) = x.lank {
            doc = doc.add_paragraph(
                Paragraph::new().add_run(Run::new().add_text("Listan: ")).add_hyperlink(lankar.lank(url)),
            );
        }
        let nar = x.tidpunkt.map(|t| format!(" Lämnas {t}.")).unwrap_or_default();
        doc = doc.add_paragraph(etiketterad("Verifikat.", &format!("{}{nar}", x.verifikat)));
        if let Some(a) = x.acceptans {
            doc = doc.add_paragraph(etiketterad("Acceptans.", a));
        }
    }

    doc = doc.add_paragraph(rubrik(1, "Bilaga A: Åtgärdstabell").page_break_before(true));
    doc = doc.add_paragraph(text(k.kumulativ_regel));
    let rader = k.atgardstabell.iter().map(|a| vec![celltext(&a.niva_text), celltext(a.id), atgard_cell(a, &lankar)]);
    doc = doc.add_table(tabell(&[("Nivå", 18), ("Id", 22), ("Åtgärd", 60)], rader));

    doc = doc.add_paragraph(rubrik(1, "Bilaga B: Begreppsförklaring"));
    let rader = k.begrepp.iter().map(|b| {
        let mut p = Paragraph::new();
        if b.lokal {
            p = p.add_run(Run::new().italic().add_text("Lokalt tillägg. "));
        }
        vec![celltext(b.term), vec![p.add_run(Run::new().add_text(b.forklaring))]]
    });
    doc = doc.add_table(tabell(&[("Begrepp", 25), ("Förklaring", 75)], rader));

    let mut raw = Cursor::new(Vec::new());
    doc.build().pack(&mut raw).map_err(|e| DocxError::Pack(e.to_string()))?;
    normalisera(&raw.into_inner(), k, datum)
}

/// A measure as the PDF's action table shows it: heading, the routine's words, its points
/// or certifications, the fallback, the list's address and the condition (a local addition).
fn atgard_cell(a: &view::TabellAtgardVy<'_>, lankar: &Lankar) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut forsta = Paragraph::new();
    if a.lokal {
        forsta = forsta.add_run(Run::new().italic().add_text("Lokalt tillägg. "));
    }
    out.push(forsta.add_run(Run::new().bold().add_text(a.rubrik)));
    out.push(text(a.text));
    for p in a.punkter.iter().chain(&a.certifieringar) {
        out.push(text(p).numbering(NumberingId::new(NUM_LISTA), IndentLevel::new(0)));
    }
    if let Some(alt) = a.alternativ {
        out.push(text(alt));
    }
    if let Some(url) = a.lank {
        out.push(Paragraph::new().add_hyperlink(lankar.lank(url)));
    }
    if let Some(v) = a.villkor {
        out.push(Paragraph::new().add_run(Run::new().italic().add_text(format!("Lokalt tillägg. {v}"))));
    }
    out
}

fn rubrik_stil(id: &str, namn: &str, storlek: usize, fore: u32) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(namn)
        .size(storlek)
        .bold()
        .color("123A63")
        .line_spacing(LineSpacing::new().before(fore).after(120))
}

fn rubrik(niva: u8, s: &str) -> Paragraph {
    let stil = if niva == 1 { "Heading1" } else { "Heading2" };
    Paragraph::new().style(stil).keep_next(true).add_run(Run::new().add_text(s))
}

fn text(s: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(s))
}

fn celltext(s: &str) -> Vec<Paragraph> {
    vec![text(s)]
}

/// "**Motiv.** text", as the PDF writes it.
fn etiketterad(etikett: &str, s: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().bold().add_text(etikett)).add_run(Run::new().add_text(format!(" {s}")))
}

fn niva_text(n: Option<u8>) -> String {
    n.map_or_else(|| "–".to_owned(), |n| n.to_string())
}

fn lista(id: usize, format: &str, text: &str) -> AbstractNumbering {
    AbstractNumbering::new(id).add_level(
        Level::new(0, Start::new(1), NumberFormat::new(format), LevelText::new(text), LevelJc::new("left")).indent(
            Some(720),
            Some(SpecialIndentType::Hanging(360)),
            None,
            None,
        ),
    )
}

/// A table whose first row is its header (marked as such in [`normalisera`]); each column
/// with its share of the text width, in per cent.
fn tabell(huvud: &[(&str, usize)], rader: impl IntoIterator<Item = Vec<Vec<Paragraph>>>) -> Table {
    let bredd = |procent: usize| TEXTBREDD * procent / 100;
    let cell = |stycken: Vec<Paragraph>, procent: usize| {
        stycken.into_iter().fold(TableCell::new().width(bredd(procent), WidthType::Dxa), TableCell::add_paragraph)
    };
    let rubrikrad = TableRow::new(
        huvud
            .iter()
            .map(|(h, procent)| {
                cell(vec![Paragraph::new().add_run(Run::new().bold().add_text(*h))], *procent)
                    .shading(Shading::new().fill("E8EEF5"))
            })
            .collect(),
    )
    .cant_split();
    let mut rows = vec![rubrikrad];
    for r in rader {
        rows.push(TableRow::new(r.into_iter().zip(huvud).map(|(c, (_, procent))| cell(c, *procent)).collect()));
    }
    Table::new(rows)
        .set_grid(huvud.iter().map(|(_, procent)| bredd(*procent)).collect())
        .width(TEXTBREDD, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// docx-rs's package made fixed and complete: every part stored with the same timestamp,
/// paragraph ids counted from 1 in each document, the header rows marked, Swedish as the
/// language of every run, and the title and language in the core properties.
fn normalisera(raw: &[u8], k: &KravbilagaVy<'_>, datum: Datum) -> Result<Vec<u8>, DocxError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(raw))?;
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i)?;
        if f.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)?;
        parts.push((f.name()?.into_owned(), bytes));
    }
    for (name, bytes) in &mut parts {
        let text = || String::from_utf8_lossy(bytes).into_owned();
        match name.as_str() {
            "word/document.xml" => *bytes = dokument_xml(&text()).into_bytes(),
            "word/styles.xml" => *bytes = sprak(&text()).into_bytes(),
            "docProps/core.xml" => *bytes = core_xml(k, datum).into_bytes(),
            "word/_rels/document.xml.rels" => *bytes = relationer(&text()).into_bytes(),
            _ => {}
        }
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in parts {
        out.start_file(name, options)?;
        out.write_all(&bytes)?;
    }
    Ok(out.finish()?.into_inner())
}

/// Paragraph ids in order of appearance, and each header row (the only rows docx-rs is
/// told not to split) marked to repeat on every page.
fn dokument_xml(xml: &str) -> String {
    let re = regex::Regex::new(r#"w14:paraId="[0-9A-Fa-f]+""#).expect("a valid pattern");
    let mut n = 0u32;
    let xml = re.replace_all(xml, |_: &regex::Captures<'_>| {
        n += 1;
        format!(r#"w14:paraId="{n:08X}""#)
    });
    let re = regex::Regex::new(r"<w:cantSplit\s*/>").expect("a valid pattern");
    re.replace_all(&xml, "<w:cantSplit /><w:tblHeader />").into_owned()
}

/// The relationships sorted by id: docx-rs keeps the links in a hash set, in no fixed order.
fn relationer(xml: &str) -> String {
    let re = regex::Regex::new(r"<Relationship [^>]*/>").expect("a valid pattern");
    let mut alla: Vec<&str> = re.find_iter(xml).map(|m| m.as_str()).collect();
    let (Some(forsta), Some(sista)) = (re.find(xml), re.find_iter(xml).last()) else { return xml.to_owned() };
    alla.sort_unstable();
    format!("{}{}{}", &xml[..forsta.start()], alla.concat(), &xml[sista.end()..])
}

/// Swedish as the default language of every run: spell checking and screen readers. Last in
/// the default run properties, where the schema puts `w:lang`.
fn sprak(xml: &str) -> String {
    const LANG: &str = r#"<w:lang w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="ar-SA" />"#;
    let re = regex::Regex::new(r"</w:rPr>\s*</w:rPrDefault>").expect("a valid pattern");
    if re.is_match(xml) {
        return re.replace(xml, format!("{LANG}</w:rPr></w:rPrDefault>")).into_owned();
    }
    let re = regex::Regex::new(r"<w:rPrDefault>\s*<w:rPr\s*/>").expect("a valid pattern");
    re.replace(xml, format!("<w:rPrDefault><w:rPr>{LANG}</w:rPr>")).into_owned()
}

fn core_xml(k: &KravbilagaVy<'_>, datum: Datum) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><dc:language>sv-SE</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{datum}T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{datum}T00:00:00Z</dcterms:modified></cp:coreProperties>"#,
        esc(&k.titel),
        esc(&format!("Ska-krav i upphandlingen {}", k.referens)),
        esc(k.organisation),
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
