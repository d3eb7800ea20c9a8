//! The pages every kravbilaga shares, Bilaga A (the åtgärdstabell) and B (the glossary).
//!
//! They were half of a kravbilaga's typesetting, and they are the same in every one. So
//! `bilagor.typ` typesets them once, without a header or footer, and a kravbilaga leaves
//! that many empty pages (`bilagesidor()` in `molnkoll.typ`), each marked with
//! `<molnkoll-bilagesida>`. The shared pages are laid onto those: the reader sees the
//! kravbilaga's own header and page numbers around the same layout as before, and the
//! PDF is made from the whole document, tags and outline included.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use typst::diag::Warned;
use typst::foundations::{Bytes, Label, Selector, Value as TypstValue};
use typst::introspection::{Introspector, Location, Tag};
use typst::layout::{Frame, FrameItem};
use typst::pdf::ArtifactElem;
use typst::syntax::Span;
use typst::utils::PicoStr;
use typst_layout::{Page, PagedDocument};

use super::world::{DocWorld, Engine, file_id};
use super::{TemplateError, Templates, convert};
use crate::cache::Key;

/// The template that typesets the shared pages.
pub(super) const MALL: &str = "bilagor.typ";

/// What a template reads to know how many pages to leave: `{"sidor": N}`.
pub(super) const ANTAL: &str = "/bilagor.json";

/// The templates whose documents carry the shared pages.
pub(super) const ANVANDS_AV: &[&str] = &["kravbilaga.typ"];

const MARKERING: &str = "molnkoll-bilagesida";

/// The shared pages, and what a document needs to take them in.
pub(super) struct Bilagor {
    sidor: Vec<Page>,
    /// `{"sidor": N}`, served as [`ANTAL`].
    pub(super) antal: Bytes,
    /// Every element the pages hold: a document that holds one of them too cannot take them.
    platser: HashSet<Location>,
}

pub(super) type Delade = Arc<Result<Bilagor, Vec<TemplateError>>>;

/// The last shared pages made, by their key.
static SENAST: Mutex<Option<(Key, Delade)>> = Mutex::new(None);

/// Drops the kept pages, so that the next document typesets them again (for benchmarks).
pub(super) fn glom() {
    *SENAST.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
}

/// The shared pages for these templates and this policy, typeset on first use and kept
/// for the process: `serve` then typesets them once, not on every rebuild.
pub(super) fn delade(engine: &Engine, templates: &Templates, policy: &serde_json::Value) -> Delade {
    #[derive(serde::Serialize)]
    struct Data<'a> {
        policy: &'a serde_json::Value,
    }
    let data = serde_json::to_vec(&Data { policy }).expect("the policy's tables serialise");
    let key = crate::keys::bilagor(templates.fingerprint(), &data);
    // Held while typesetting: every other document that needs the pages waits for them.
    let mut senast = SENAST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((k, d)) = senast.as_ref()
        && *k == key
    {
        return Arc::clone(d);
    }
    let delade = Arc::new(typesetta(engine, templates, data));
    *senast = Some((key, Arc::clone(&delade)));
    delade
}

fn typesetta(engine: &Engine, templates: &Templates, data: Vec<u8>) -> Result<Bilagor, Vec<TemplateError>> {
    let world = DocWorld::new(engine, &templates.sources, file_id(&format!("/{MALL}")), Bytes::new(data), None);
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|e| convert(&world, templates, &e))?;
    let sidor = document.pages().to_vec();
    let mut platser = HashSet::new();
    for sida in &sidor {
        taggar(&sida.frame, &mut platser);
    }
    let antal =
        Bytes::new(serde_json::to_vec(&serde_json::json!({ "sidor": sidor.len() })).expect("a count serialises"));
    Ok(Bilagor { sidor, antal, platser })
}

/// Every element's location in a frame and its subframes.
fn taggar(frame: &Frame, ut: &mut HashSet<Location>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => taggar(&g.frame, ut),
            FrameItem::Tag(Tag::Start(elem, _)) => {
                ut.extend(elem.location());
            }
            _ => {}
        }
    }
}

/// The first thing a page shows besides its header, footer and other artifacts, by where its
/// template made it. A page left for a shared page holds only its mark there: anything else
/// would be printed over.
fn annat_innehall(frame: &Frame, artefakter: &mut Vec<Location>) -> Option<Span> {
    frame.items().find_map(|(_, item)| match item {
        FrameItem::Group(g) => annat_innehall(&g.frame, artefakter),
        FrameItem::Tag(Tag::Start(elem, _)) => {
            if elem.is::<ArtifactElem>() {
                artefakter.extend(elem.location());
            }
            None
        }
        FrameItem::Tag(Tag::End(l, ..)) => {
            artefakter.retain(|a| a != l);
            None
        }
        _ if !artefakter.is_empty() => None,
        FrameItem::Text(text) => Some(text.glyphs.first().map_or_else(Span::detached, |g| g.span.0)),
        FrameItem::Shape(_, span) | FrameItem::Image(_, _, span) => Some(*span),
        FrameItem::Link(..) => Some(Span::detached()),
    })
}

/// Puts a shared page's items right after the mark on the empty page: the mark is that
/// page's body, so they come after its header and before its footer, as a page's own body does.
fn lagg_pa(sida: &mut Frame, mark: Location, bilaga: &Frame) -> bool {
    let Some(efter) = sida.items().position(|(_, item)| matches!(item, FrameItem::Tag(Tag::End(l, ..)) if *l == mark))
    else {
        return false;
    };
    for (i, (pos, item)) in bilaga.items().enumerate() {
        sida.insert(efter + 1 + i, *pos, item.clone());
    }
    true
}

/// Lays the shared pages onto the pages `document` marked for them; a document with no
/// marks (a project's own template that prints the appendices itself) is left as it is. An
/// error is placed where the template made what is in the way, when that is known.
pub(super) fn lagg_in(document: PagedDocument, bilagor: &Bilagor) -> Result<PagedDocument, (Span, String)> {
    let label = Label::new(PicoStr::intern(MARKERING)).expect("a valid label");
    let introspector = document.introspector();
    let marks = introspector.query(&Selector::Label(label));
    if marks.is_empty() {
        return Ok(document);
    }
    if marks.len() != bilagor.sidor.len() {
        return Err((
            Span::detached(),
            format!(
                "mallen lämnar {} sidor åt bilagorna, men {MALL} gav {}: använd bilagesidor() en gång",
                marks.len(),
                bilagor.sidor.len()
            ),
        ));
    }
    let mut pages = document.pages().to_vec();
    let mut egna = HashSet::new();
    for page in &pages {
        taggar(&page.frame, &mut egna);
    }
    if !egna.is_disjoint(&bilagor.platser) {
        return Err((
            Span::detached(),
            format!("{MALL} och dokumentet har element på samma plats; bilagorna kan inte läggas in"),
        ));
    }
    for (i, mark) in marks.iter().enumerate() {
        // The mark holds its page's place among the shared pages: `metadata(i)`.
        let plats = mark.get_by_name("value").ok().and_then(|v| match v {
            TypstValue::Int(n) => usize::try_from(n).ok(),
            _ => None,
        });
        let location = mark.location();
        let sida = location.and_then(|l| introspector.page(l)).map(|n| n.get() - 1);
        let bilaga = plats.and_then(|p| bilagor.sidor.get(p));
        if let Some(span) = sida.and_then(|s| annat_innehall(&pages[s].frame, &mut Vec::new())) {
            return Err((
                span,
                format!(
                    "sidan som lämnats åt bilagesida {} har annat innehåll, och bilagan skulle hamna ovanpå \
                     det: anropa bilagesidor() sist i mallen",
                    i + 1
                ),
            ));
        }
        let lagd = match (location, sida, bilaga) {
            (Some(l), Some(s), Some(b)) => lagg_pa(&mut pages[s].frame, l, &b.frame),
            _ => false,
        };
        if !lagd {
            return Err((
                Span::detached(),
                format!("bilagesida {} kan inte läggas in: märket står inte ensamt på sin sida", i + 1),
            ));
        }
    }
    let mut document = document;
    let info = document.info_mut().clone();
    Ok(PagedDocument::new(pages.into_iter().collect(), info))
}
