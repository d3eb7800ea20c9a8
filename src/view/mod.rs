//! Stage 4: what `derive` decided, as every renderer shows it.
//!
//! The HTML pages, the PDFs, the exports and the calendar take a [`Site`] and name things
//! through this module only: every label (verdict, status, role, level, aspect), and the
//! view models more than one renderer shows. It decides nothing; a renderer formats what
//! this module hands it, and no renderer imports another.
//!
//! This file holds the labels and the small view models several pages share; the
//! submodules hold one view each: `bedomning` (an assessment's page), `beslut` (a
//! decision), `register` (the start page and the register), `kravbilaga` (PDF and DOCX),
//! `dokument` (the other PDFs), `policy` (the policy's tables and pages) and `webbplats`
//! (navigation, supplier pages, search index).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::Item;
use crate::derive::{self, AtgardUtfall, BevakningTyp, Handling, Skede, Status, Utlatande};
use crate::model::{
    Atgard, AtgardTyp, Bedomning, BekraftelseStatus, BeslutStatus, Certifikat, Datum, DpfKontroll, Driftform, Policy,
    TextKalla, Tillampning, Underbitrade,
};
use crate::sidor::Sida;

mod bedomning;
mod beslut;
mod dokument;
mod kravbilaga;
mod policy;
mod register;
mod webbplats;
pub use bedomning::*;
pub use beslut::*;
pub use dokument::*;
pub use kravbilaga::*;
pub use policy::*;
pub use register::*;
pub use webbplats::*;

/// Everything the site shows, derived once: the input of every renderer.
pub struct Site<'a> {
    pub policy: &'a Policy,
    pub items: &'a [Arc<Item>],
    pub sidor: &'a [Sida],
    pub today: Datum,
    /// Where the history came from, or why there is none.
    pub historik: &'a crate::historik::Kalla,
    /// Internal, or the open extract with secret parts masked.
    pub profil: crate::sekretess::Profil,
}

/// Every verdict: its id (the register's filter, the CSS class) and its name, in the
/// order the register and the start page list them.
pub const UTLATANDEN: [(&str, &str); 6] = [
    ("godkand", "Beslutad: godkänd"),
    ("redo-for-beslut", "Redo för beslut"),
    ("blockerad", "Inte klar för beslut"),
    ("avslagen", "Beslutad: avslagen"),
    ("ej-tillaten", "Ej tillåten"),
    ("rutinen-galler-ej", "Rutinen gäller inte"),
];

pub fn utlatande_id(u: &Utlatande) -> &'static str {
    match u {
        Utlatande::RutinenGallerEj => "rutinen-galler-ej",
        Utlatande::EjTillaten => "ej-tillaten",
        Utlatande::Blockerad { .. } => "blockerad",
        Utlatande::RedoForBeslut => "redo-for-beslut",
        Utlatande::Beslutad { status: BeslutStatus::Godkand } => "godkand",
        Utlatande::Beslutad { status: BeslutStatus::Avslagen } => "avslagen",
    }
}

pub fn utlatande_namn(u: &Utlatande) -> &'static str {
    let id = utlatande_id(u);
    UTLATANDEN.iter().find(|(i, _)| *i == id).map_or(id, |(_, namn)| namn)
}

/// Every lifecycle stage: its id (a CSS class) and its name, in the order it is passed.
pub const SKEDEN: [(Skede, &str, &str); 6] = [
    (Skede::Klassning, "klassning", "Klassning pågår"),
    (Skede::KravFramtagna, "krav-framtagna", "Krav framtagna"),
    (Skede::AnbudUtvarderat, "anbud-utvarderat", "Anbud utvärderat"),
    (Skede::Bekraftelse, "bekraftelse", "Leverantören bekräftar"),
    (Skede::Beslutad, "beslutad", "Beslutad"),
    (Skede::Uppfoljning, "uppfoljning", "Uppföljning"),
];

/// A stage's id; `None` (nothing to procure: the routine does not apply, or level 4) has none.
pub fn skede_id(s: Option<Skede>) -> Option<&'static str> {
    s.and_then(|s| SKEDEN.iter().find(|x| x.0 == s)).map(|x| x.1)
}

/// A stage in words; "–" where there is none.
pub fn skede_namn(s: Option<Skede>) -> &'static str {
    s.and_then(|s| SKEDEN.iter().find(|x| x.0 == s)).map_or("–", |x| x.2)
}

/// What a stage means, for the assessment page.
pub fn skede_text(s: Skede) -> &'static str {
    match s {
        Skede::Klassning => "Informationen är inte klassad ännu, så nivån och ska-kraven är inte kända.",
        Skede::KravFramtagna => {
            "Ska-kraven är framtagna och kan gå ut i upphandlingen. Ingen leverantör är vald ännu: det som bara en leverantör kan visa (certifiering, DPF-listning, återställningsförfarande) är okänt tills anbuden har utvärderats."
        }
        Skede::AnbudUtvarderat => "Leverantören är vald. Dess svar och underlag bedöms mot ska-kraven inför beslutet.",
        Skede::Bekraftelse => "Leverantören bekräftar att den uppfyller varje åtgärd inför beslutet.",
        Skede::Beslutad => "Informationsägaren har fattat beslut.",
        Skede::Uppfoljning => {
            "Tjänsten är godkänd och dags att granska: riktlinjen kräver granskning minst en gång om året."
        }
    }
}

/// The supplier's name, or what stands in its place before a bid is accepted.
pub fn leverantor_namn(b: &Bedomning) -> &str {
    b.leverantor.as_ref().map_or(INGEN_LEVERANTOR, |l| l.namn.as_str())
}

/// The supplier's place in a table while a procurement's tender is out.
pub const INGEN_LEVERANTOR: &str = "Inte vald ännu";

/// The governing-level rule in words.
pub fn styrande_regel(policy: &Policy) -> &'static str {
    match policy.regler.styrande_niva.metod {
        crate::model::StyrandeMetod::Hogsta => "Den högsta nivån i någon aspekt av någon informationsmängd styr.",
    }
}

pub fn status_id(s: Status) -> &'static str {
    match s {
        Status::Uppfylld => "uppfylld",
        Status::EjUppfylld => "ej-uppfylld",
        Status::Okand => "okand",
    }
}

/// A measure's outcome; `None` is a measure that does not apply.
pub use crate::derive::status_namn;

/// How a measure's outcome is coloured: met, not applicable, or a shortfall.
pub fn status_ton(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Uppfylld) => "ok",
        None => "neutral",
        Some(Status::EjUppfylld | Status::Okand) => "brist",
    }
}

/// How a confirmation is coloured: confirmed, or a shortfall.
pub fn bekraftelse_ton(s: Option<BekraftelseStatus>) -> &'static str {
    match s {
        Some(BekraftelseStatus::Bekraftad) => "ok",
        Some(BekraftelseStatus::Nekad | BekraftelseStatus::Vantar) | None => "brist",
    }
}

/// The svarsbilaga's file name, beside the assessment's PDFs.
pub const SVARSBILAGA: &str = "svarsbilaga.xlsx";

/// Whether an assessment gets a svarsbilaga: a procurement whose ska-krav are known.
pub fn har_svarsbilaga(item: &Item) -> bool {
    item.harledning.handlingar.contains(&Handling::Kravbilaga)
}

/// A bidder's recorded answer, as the page shows it.
#[derive(Serialize)]
pub struct AnbudssvarVy<'a> {
    pub krav: &'a str,
    pub rubrik: &'a str,
    /// Ja or Nej.
    pub svar: &'static str,
    /// Where the answer stands (derive's [`derive::svar_lage`]).
    pub lage: &'static str,
    pub text: Option<&'a str>,
    pub bevis: Option<&'a str>,
    /// Who checked the evidence, and when.
    pub kontrollerad: Option<String>,
}

pub fn anbudssvar<'a>(policy: &'a Policy, s: &'a crate::model::Anbudssvar) -> AnbudssvarVy<'a> {
    AnbudssvarVy {
        krav: &s.krav,
        rubrik: policy.atgard_rubrik(&s.krav),
        svar: if s.uppfylls { "Ja" } else { "Nej" },
        lage: svar_lage_namn(derive::svar_lage(s)),
        text: s.svar.as_deref(),
        bevis: s.bevis.as_deref(),
        kontrollerad: s.kontrollerad_av.as_deref().map(|r| {
            let datum = s.kontrollerad_datum.map(|d| format!(" {d}")).unwrap_or_default();
            format!("Kontrollerat av {}{datum}", roll_namn(policy, r))
        }),
    }
}

/// Where a bidder's answer stands.
pub fn svar_lage_namn(s: derive::SvarLage) -> &'static str {
    match s {
        derive::SvarLage::Uppfylls => "Uppfylls",
        derive::SvarLage::KontrollKravs => "Bevis ska kontrolleras",
        derive::SvarLage::UppfyllsEj => "Uppfylls inte",
    }
}

pub fn beslut_namn(s: BeslutStatus) -> &'static str {
    match s {
        BeslutStatus::Godkand => "Godkänd",
        BeslutStatus::Avslagen => "Avslagen",
    }
}

/// A supplier's confirmation; none recorded is still waiting.
pub fn bekraftelse_namn(s: Option<BekraftelseStatus>) -> &'static str {
    match s {
        Some(BekraftelseStatus::Bekraftad) => "Bekräftad",
        Some(BekraftelseStatus::Nekad) => "Nekad",
        Some(BekraftelseStatus::Vantar) | None => "Väntar",
    }
}

pub fn bevakning_namn(t: BevakningTyp) -> &'static str {
    match t {
        BevakningTyp::GranskningForsenad => "Granskningen är försenad",
        BevakningTyp::GranskningSnart => "Dags att granska",
        BevakningTyp::CertifikatUtganget => "Certifikatet har gått ut",
        BevakningTyp::CertifikatGarUt => "Certifikatet går snart ut",
        BevakningTyp::DpfInaktuell => "DPF-listningen behöver kontrolleras igen",
        BevakningTyp::BeslutDrojer => "Beslutet dröjer",
    }
}

pub fn handling_namn(h: Handling) -> &'static str {
    match h {
        Handling::Kravbilaga => "Kravbilaga",
        Handling::Leverantorsbekraftelse => "Begäran om leverantörsbekräftelse",
        Handling::MottagenBekraftelse => "Mottagen leverantörsbekräftelse",
        Handling::Beslutsunderlag => "Beslutsunderlag",
        Handling::EjTillaten => "Molntjänst ej tillåten",
    }
}

/// A role's name, or its id when the policy does not know it.
pub fn roll_namn(policy: &Policy, id: &str) -> String {
    policy.roll_namn(id).to_owned()
}

/// A level as "2 – Namn", or the bare number when the policy does not know it.
pub fn niva_namn(policy: &Policy, niva: u8) -> String {
    policy.niva(niva).map_or_else(|| niva.to_string(), |n| format!("{niva} – {}", n.namn))
}

/// When the routine applies to a driftform.
pub fn rutin_galler_namn(d: &Driftform) -> String {
    match d.rutinen_galler {
        Tillampning::Alltid => "Ja".to_owned(),
        Tillampning::Aldrig => "Nämns inte i rutinen och tillämpas inte".to_owned(),
        Tillampning::Villkorat => format!("Om: {}", d.villkor.as_deref().unwrap_or("villkoret är uppfyllt")),
    }
}

/// A driftform in words: "2 (drift: …, support: …, servrar: …)", or its bare number.
pub fn driftform_text(policy: &Policy, id: u32) -> String {
    policy.driftform(id).map_or_else(
        || id.to_string(),
        |d| format!("{} (drift: {}, support: {}, servrar: {})", d.id, d.driftleverantor, d.support, d.serverplacering),
    )
}

/// Whether what [`rutin_galler_namn`] says is the organisation's own reading: the routine is
/// silent on the driftformer it does not name, and "does not apply" is a judgement.
pub fn rutin_galler_lokal(d: &Driftform) -> bool {
    d.kalla == TextKalla::Lokal || d.rutinen_galler == Tillampning::Aldrig
}

/// A driftform with when the routine applies to it.
#[derive(Serialize)]
pub struct DriftformVy<'a> {
    #[serde(flatten)]
    pub driftform: &'a Driftform,
    pub galler: String,
    /// The cell's own label: the routine's silence read as "does not apply".
    pub galler_lokal: bool,
}

impl<'a> From<&'a Driftform> for DriftformVy<'a> {
    fn from(driftform: &'a Driftform) -> Self {
        DriftformVy {
            driftform,
            galler: rutin_galler_namn(driftform),
            galler_lokal: driftform.rutinen_galler == Tillampning::Aldrig,
        }
    }
}

/// A country's Swedish name from its ISO 3166-1 alpha-2 code, or the code itself.
pub fn land_namn(kod: &str) -> &str {
    crate::model::land_namn(kod).unwrap_or(kod)
}

/// The condition of a measure that applies only with a US link.
pub const USA_VILLKOR: &str = "Gäller bara när leverantören eller ett underbiträde är en amerikansk organisation eller omfattas av amerikansk lag.";

/// The certifications a certification measure accepts; none for other measures.
pub fn certifieringar<'a>(policy: &'a Policy, a: &Atgard) -> Vec<&'a str> {
    if a.typ == AtgardTyp::Certifiering {
        policy.certifieringar.iter().map(|c| c.namn.as_str()).collect()
    } else {
        Vec::new()
    }
}

/// One measure's outcome, as the page and the decision basis list it.
#[derive(Serialize)]
pub struct AtgardVy<'a> {
    pub id: &'a str,
    pub niva: u8,
    pub rubrik: &'a str,
    pub tillamplig: bool,
    /// The outcome's id (a CSS class); `None` when the measure does not apply.
    pub status: Option<&'static str>,
    pub status_namn: &'static str,
    pub ton: &'static str,
    pub skal: &'a str,
}

pub fn atgard<'a>(policy: &'a Policy, u: &'a AtgardUtfall) -> AtgardVy<'a> {
    AtgardVy {
        id: &u.id,
        niva: u.niva,
        rubrik: policy.atgard_rubrik(&u.id),
        tillamplig: u.tillamplig,
        status: u.status.map(status_id),
        status_namn: status_namn(u.status),
        ton: status_ton(u.status),
        skal: &u.skal,
    }
}

/// A subprocessor with whether it gives a US link, as derive decided.
#[derive(Serialize)]
pub struct UnderbitradeVy<'a> {
    #[serde(flatten)]
    pub underbitrade: &'a Underbitrade,
    /// Its own flag, or a country in the policy's `usa_koppling_lander`.
    pub usa: bool,
    pub land_namn: &'a str,
}

pub fn underbitraden(item: &Item) -> Vec<UnderbitradeVy<'_>> {
    let usa = &item.harledning.usa.underbitraden;
    item.bedomning
        .underbitraden
        .iter()
        .zip(usa)
        .map(|(underbitrade, &usa)| UnderbitradeVy { underbitrade, usa, land_namn: land_namn(&underbitrade.land) })
        .collect()
}

/// One row of the DPF checks: a US-linked party with its check, or a check of a party
/// without a US link.
#[derive(Serialize)]
pub struct DpfVy<'a> {
    /// "Moderbolaget Microsoft Corporation (USA)".
    pub part: String,
    /// "Listad", "Inte listad", "Inte kontrollerad" or, for a party without a US link,
    /// the listing and that it is not asked for.
    pub resultat: String,
    pub ramverk: Option<String>,
    pub kontrollerad: Option<String>,
    pub bevis: Option<&'a str>,
}

pub fn dpf(item: &Item) -> Vec<DpfVy<'_>> {
    let b = &item.bedomning;
    fn rad(part: String, d: Option<&DpfKontroll>, utan_usa: bool) -> DpfVy<'_> {
        let resultat = match d {
            None => "Inte kontrollerad".to_owned(),
            Some(d) => {
                let listad = if d.listad { "Listad" } else { "Inte listad" };
                let som = d.som();
                let utan = if utan_usa { " (ingen USA-koppling; krävs inte)" } else { "" };
                format!("{listad}{som}{utan}")
            }
        };
        DpfVy {
            part,
            resultat,
            ramverk: d.filter(|d| !d.ramverk.is_empty()).map(|d| d.ramverk.join(", ")),
            kontrollerad: d.map(|d| d.kontrollerad.to_string()),
            bevis: d.and_then(|d| d.bevis.as_deref()),
        }
    }
    let mut out: Vec<DpfVy<'_>> = item
        .harledning
        .dpf
        .iter()
        .map(|p| {
            let part = format!("{} {}", p.part.roll(), b.part_namn(p.part));
            rad(versal(&part), p.kontroll.and_then(|i| b.dpf.get(i)), false)
        })
        .collect();
    let anvanda: Vec<usize> = item.harledning.dpf.iter().filter_map(|p| p.kontroll).collect();
    for (_, d) in b.dpf.iter().enumerate().filter(|(i, _)| !anvanda.contains(i)) {
        // A party that also has a later check is shown once, with that one.
        let aldre =
            item.harledning.dpf.iter().any(|p| crate::model::namnger_part(&d.organisation, b.part_namn(p.part)));
        if !aldre {
            out.push(rad(d.organisation.clone(), Some(d), true));
        }
    }
    out
}

/// A certificate with its certification's name and whether it is still valid.
#[derive(Serialize)]
pub struct CertifikatVy<'a> {
    pub namn: &'a str,
    pub utfardare: &'a str,
    pub giltigt_till: String,
    pub giltigt: bool,
    pub omfattar: bool,
    pub bevis: &'a str,
}

pub fn certifikat<'a>(policy: &'a Policy, c: &'a Certifikat, today: Datum) -> CertifikatVy<'a> {
    CertifikatVy {
        namn: policy.certifiering_namn(&c.standard),
        utfardare: &c.utfardare,
        giltigt_till: c.giltigt_till.to_string(),
        giltigt: derive::certifikat_giltigt(c, today),
        omfattar: c.omfattar_tjansten,
        bevis: &c.bevis,
    }
}

/// The first letter in upper case, for a role's definite form at the start of a sentence.
pub fn versal(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// Changed since the last decided version (see [`derive::andrad_sedan_beslut`]).
pub fn andrad_sedan_beslut(item: &Item) -> bool {
    derive::andrad_sedan_beslut(item.sedan_beslut.as_deref())
}

/// The date an assessment's documents carry (see [`derive::handlingsdatum`]).
pub fn handlingsdatum(item: &Item, today: Datum) -> Datum {
    derive::handlingsdatum(&item.bedomning, item.senast_andrad, today)
}

/// Whether the action table is cumulative, in words.
pub fn kumulativ_regel(policy: &Policy) -> &'static str {
    if policy.regler.kumulativ_atgardstabell {
        "Tabellen är kumulativ: en nivå kräver sina egna åtgärder och alla åtgärder på lägre nivåer."
    } else {
        "Tabellen är inte kumulativ: en nivå kräver bara sina egna åtgärder."
    }
}

// ---------------------------------------------------------------------------------------
// Secrecy

/// The sections of an assessment's page, as [`avsnitt`] names them.
const AVSNITT: [&str; 7] = ["tjanst", "leverantor", "klassning", "evidens", "fragor", "checklista", "beslut"];

/// The page section a part of the record is shown in.
fn avsnitt(falt: &str) -> &'static str {
    match falt.split('.').next().unwrap_or("") {
        "leverantor" | "underbitraden" => "leverantor",
        "informationsmangd" => "klassning",
        "aterstallning" | "certifikat" | "certifieringsredogorelse" | "dpf" | "riskanalys" | "bekraftelse" => "evidens",
        "svar" | "lamplighet" => "fragor",
        "checklista" => "checklista",
        "beslut" => "beslut",
        _ => "tjanst",
    }
}

/// One part of the record marked secret, with its labels.
#[derive(Serialize, Clone)]
pub struct MarkeringVy<'a> {
    pub falt: &'a str,
    pub etikett: String,
    pub paragraf: &'a str,
    pub rubrik: String,
    pub notis: String,
    pub avsnitt: &'static str,
    pub grund: Option<&'a str>,
}

/// What the HTML and PDF templates show about a document's secret parts: one entry per
/// marking, and (for an assessment) the same entries by page section.
#[derive(Serialize)]
pub struct SekretessVy<'a> {
    pub oppen: bool,
    pub markeringar: Vec<MarkeringVy<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avsnitt: Option<BTreeMap<&'static str, Vec<MarkeringVy<'a>>>>,
}

/// An assessment's secret parts.
pub fn sekretess(item: &Item, profil: crate::sekretess::Profil) -> SekretessVy<'_> {
    let markeringar: Vec<MarkeringVy<'_>> = item
        .sekretess
        .iter()
        .map(|m| MarkeringVy {
            falt: &m.falt,
            etikett: m.etikett(),
            paragraf: &m.paragraf,
            rubrik: m.rubrik(),
            notis: m.notis(),
            avsnitt: avsnitt(&m.falt),
            grund: m.grund.as_deref(),
        })
        .collect();
    let mut per_avsnitt: BTreeMap<&'static str, Vec<MarkeringVy<'_>>> =
        AVSNITT.iter().map(|a| (*a, Vec::new())).collect();
    for m in &markeringar {
        per_avsnitt.entry(m.avsnitt).or_default().push(m.clone());
    }
    SekretessVy { oppen: profil.oppen(), markeringar, avsnitt: Some(per_avsnitt) }
}
