//! The kravbilaga, as its PDF and its DOCX show it.

use serde::Serialize;

use super::{driftform_text, handling_namn, kumulativ_regel, niva_namn, styrande_regel};
use crate::Item;
use crate::derive::{Del, Handling};
use crate::model::{Aspekt, Atgard, AtgardTyp, Bedomning, Datum, KlassningVisning, Policy};

/// The kravbilaga as every format shows it (the PDF and the DOCX). It goes to every bidder,
/// so it holds no supplier, no status, no internal reference and no secrecy notice; how
/// much of the classification it shows is the policy's `[kravbilaga] visa_klassning`.
#[derive(Serialize)]
pub struct KravbilagaVy<'a> {
    pub titel: String,
    pub tjanst: &'a str,
    /// The tender's reference.
    pub referens: &'a str,
    pub organisation: &'a str,
    pub anvands_av: &'a [String],
    pub driftform: String,
    pub datum: String,
    /// "2026.1 (gäller från 2026-01-01)"; `None` when the policy has no version.
    pub policyversion: Option<String>,
    /// The governing level's name ("2 – Betydande"), and the rule that sets it.
    pub niva: Option<String>,
    pub niva_regel: &'static str,
    /// `niva`, `aspekter` or `informationsmangder`.
    pub visa_klassning: &'static str,
    /// With `informationsmangder` only: the set and the aspect that set the level.
    pub satt_av: Option<String>,
    /// With `aspekter` only: the highest level per aspect.
    pub per_aspekt: Vec<AspektNivaVy<'a>>,
    /// With `informationsmangder` only: the aspects' names, then each set's levels.
    pub aspekter: Vec<&'a str>,
    pub mangder: Vec<MangdVy<'a>>,
    pub krav: Vec<SkakravVy<'a>>,
    /// Bilaga A: the action table, highest level first.
    pub atgardstabell: Vec<super::policy::TabellAtgardVy<'a>>,
    pub kumulativ_regel: &'static str,
    /// Bilaga B: the glossary.
    pub begrepp: Vec<BegreppVy<'a>>,
}

#[derive(Serialize)]
pub struct AspektNivaVy<'a> {
    pub namn: &'a str,
    pub niva: Option<u8>,
}

#[derive(Serialize)]
pub struct MangdVy<'a> {
    pub namn: &'a str,
    pub klassning: Vec<Option<u8>>,
}

/// One ska-krav as the tender states it: SKR's motiv, krav and verifikat.
#[derive(Serialize)]
pub struct SkakravVy<'a> {
    pub nummer: usize,
    pub id: &'a str,
    pub rubrik: &'a str,
    pub motiv: Option<&'a str>,
    pub skakrav: &'a str,
    /// Points the bidder answers one by one (the restore procedure's).
    pub punkter: Vec<&'a str>,
    /// The certifications that count, and in what form.
    pub godtas: Vec<GodtasVy<'a>>,
    /// The list the requirement names (the DPF participant list).
    pub lank: Option<&'a str>,
    /// What the bidder submits.
    pub verifikat: &'a str,
    /// When: "med anbudet", "innan avtal tecknas", "under avtalstiden".
    pub tidpunkt: Option<&'static str>,
    pub acceptans: Option<&'a str>,
}

#[derive(Serialize)]
pub struct GodtasVy<'a> {
    pub namn: &'a str,
    pub form: &'static str,
    pub godtas: Option<&'a str>,
}

#[derive(Serialize)]
pub struct BegreppVy<'a> {
    pub term: &'a str,
    pub forklaring: &'a str,
    pub lokal: bool,
}

/// A ska-krav's wording, as the assessment page shows what the record demands.
#[derive(Serialize)]
pub struct SkakravText<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub skakrav: &'a str,
}

/// The ska-krav derive found for the record, in the policy's order.
pub fn skakrav<'a>(policy: &'a Policy, item: &Item) -> Vec<SkakravText<'a>> {
    item.harledning
        .atgarder
        .iter()
        .filter(|u| u.del(policy) == Some(Del::Leverantor))
        .filter_map(|u| policy.atgard(&u.id))
        .map(|a| SkakravText { id: &a.id, rubrik: &a.rubrik, skakrav: a.skakrav.as_deref().unwrap_or_default() })
        .collect()
}

/// A verifikat where the policy gives none.
pub const VERIFIKAT_STANDARD: &str = "Underlag som visar att kravet uppfylls.";

/// The certifications that count for a certification measure, and in what form; none
/// for other measures.
pub fn godtas<'a>(policy: &'a Policy, a: &Atgard) -> Vec<GodtasVy<'a>> {
    if a.typ != AtgardTyp::Certifiering {
        return Vec::new();
    }
    policy
        .certifieringar
        .iter()
        .map(|c| GodtasVy { namn: &c.namn, form: c.form.namn(), godtas: c.godtas.as_deref() })
        .collect()
}

/// The aspects a document's classification table shows: the mandatory ones, and any
/// other that an information set is classified in.
pub fn klassade_aspekter<'a>(policy: &'a Policy, b: &Bedomning) -> Vec<&'a Aspekt> {
    policy
        .aspekter
        .iter()
        .filter(|a| a.obligatorisk || b.informationsmangder.iter().any(|m| m.klassning.contains_key(&a.id)))
        .collect()
}

/// The kravbilaga's content for one procurement, dated `datum`.
pub fn kravbilaga<'a>(policy: &'a Policy, item: &'a Item, datum: Datum) -> KravbilagaVy<'a> {
    let b = &item.bedomning;
    let h = &item.harledning;
    let visa = policy.kravbilaga.visa_klassning;
    let aspekter = klassade_aspekter(policy, b);
    let krav = h
        .atgarder
        .iter()
        .filter(|u| u.del(policy) == Some(Del::Leverantor))
        .filter_map(|u| policy.atgard(&u.id))
        .enumerate()
        .map(|(i, a)| SkakravVy {
            nummer: i + 1,
            id: &a.id,
            rubrik: &a.rubrik,
            motiv: a.motiv.as_deref(),
            skakrav: a.skakrav.as_deref().unwrap_or_default(),
            punkter: a.punkter.iter().map(|p| p.namn.as_str()).collect(),
            godtas: godtas(policy, a),
            lank: a.lank.as_deref(),
            verifikat: a.bevis.as_deref().unwrap_or(VERIFIKAT_STANDARD),
            tidpunkt: a.tidpunkt.map(crate::model::Tidpunkt::text),
            acceptans: a.acceptans.as_deref(),
        })
        .collect();
    let driftform = driftform_text(policy, b.driftform.id);
    let med = |v: KlassningVisning| visa == v;
    KravbilagaVy {
        titel: format!("{}: {}", handling_namn(Handling::Kravbilaga), b.tjanst.namn),
        tjanst: &b.tjanst.namn,
        referens: &b.tjanst.referens,
        organisation: &policy.organisation.namn,
        anvands_av: &b.tjanst.anvands_av,
        driftform,
        datum: datum.to_string(),
        policyversion: policy.version.as_ref().map(|v| format!("{} (gäller från {})", v.nummer, v.datum)),
        niva: h.styrande.as_ref().map(|s| niva_namn(policy, s.niva)),
        niva_regel: styrande_regel(policy),
        visa_klassning: match visa {
            KlassningVisning::Niva => "niva",
            KlassningVisning::Aspekter => "aspekter",
            KlassningVisning::Informationsmangder => "informationsmangder",
        },
        satt_av: h.styrande.as_ref().filter(|_| med(KlassningVisning::Informationsmangder)).map(|s| {
            format!("informationsmängden {}, aspekten {}", s.informationsmangd_namn, policy.aspekt_namn(&s.aspekt))
        }),
        per_aspekt: if med(KlassningVisning::Aspekter) {
            aspekter
                .iter()
                .map(|a| AspektNivaVy {
                    namn: &a.namn,
                    niva: b.informationsmangder.iter().filter_map(|m| m.klassning.get(&a.id).copied()).max(),
                })
                .collect()
        } else {
            Vec::new()
        },
        aspekter: if med(KlassningVisning::Informationsmangder) {
            aspekter.iter().map(|a| a.namn.as_str()).collect()
        } else {
            Vec::new()
        },
        mangder: if med(KlassningVisning::Informationsmangder) {
            b.informationsmangder
                .iter()
                .map(|m| MangdVy {
                    namn: &m.namn,
                    klassning: aspekter.iter().map(|a| m.klassning.get(&a.id).copied()).collect(),
                })
                .collect()
        } else {
            Vec::new()
        },
        krav,
        atgardstabell: super::policy::atgardsrader(policy),
        kumulativ_regel: kumulativ_regel(policy),
        begrepp: super::policy::begrepp(policy),
    }
}

/// The kravbilaga's DOCX file name, beside its PDF.
pub const KRAVBILAGA_DOCX: &str = "kravbilaga.docx";

/// The Word version of a document, where it has one: the kravbilaga's, for the tender tools.
pub fn handling_docx(h: Handling) -> Option<&'static str> {
    (h == Handling::Kravbilaga).then_some(KRAVBILAGA_DOCX)
}
