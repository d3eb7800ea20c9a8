//! Stage 4: what `derive` decided, as every renderer shows it.
//!
//! The HTML pages, the PDFs, the exports and the calendar take a [`Site`] and name things
//! through this module only: every label (verdict, status, role, level, aspect), and the
//! view models more than one renderer shows. It decides nothing; a renderer formats what
//! this module hands it, and no renderer imports another.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::Item;
use crate::derive::{
    self, AtgardUtfall, BevakningTyp, Bradska, Del, Handling, Skede, Status, Uppmarksamhet, Utlatande,
};
use crate::model::{
    Atgard, AtgardTyp, Bedomning, BekraftelseStatus, Beslut, BeslutStatus, Certifikat, Datum, DpfKontroll, Driftform,
    KlassningVisning, Policy, TextKalla, Tillampning, Underbitrade,
};
use crate::sidor::Sida;

mod dokument;
mod policy;
mod webbplats;
pub use dokument::*;
pub use policy::*;
pub use webbplats::*;

/// Everything the site shows, derived once: the input of every renderer.
pub struct Site<'a> {
    pub policy: &'a Policy,
    pub items: &'a [Item],
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

/// A recorded decision with Swedish labels, as the assessment page and the beslutsunderlag
/// show it. `md` renders its Markdown fields (HTML for the site, plain-text blocks for the PDFs).
#[derive(Serialize)]
pub struct BeslutVy<'a> {
    pub status: &'static str,
    pub beslutsfattare: String,
    /// For running text: "Godkänd 2026-03-16 av informationsägaren."
    pub beslutsfattare_bestamd: String,
    pub datum: String,
    pub skyddsniva: Option<String>,
    pub delegation: Option<&'a str>,
    pub accepterad_risk: Vec<AccepteradRiskVy<'a>>,
    pub villkor: &'a [String],
    pub motivering: Value,
    pub riskbedomning: Value,
    pub juridiskt: Value,
    pub nasta_granskning: Option<String>,
    pub it_centerchef: Option<StallningstagandeVy>,
    pub eskalering: Option<EskaleringVy>,
}

/// One unmet measure whose risk the decision accepts.
#[derive(Serialize)]
pub struct AccepteradRiskVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub motivering: Value,
}

/// The IT-centerchef's position: its word, and a sentence for running text.
#[derive(Serialize)]
pub struct StallningstagandeVy {
    pub stallning: &'static str,
    pub mening: String,
    pub datum: String,
    pub motivering: Value,
}

/// The matter taken further, and what was decided there.
#[derive(Serialize)]
pub struct EskaleringVy {
    pub till: String,
    pub till_bestamd: String,
    pub datum: String,
    pub beslut: &'static str,
    pub motivering: Value,
}

pub fn beslut<'a>(policy: &'a Policy, x: &'a Beslut, md: &dyn Fn(&str) -> Value) -> BeslutVy<'a> {
    let roll = |id: &str| roll_namn(policy, id);
    BeslutVy {
        status: beslut_namn(x.status),
        beslutsfattare: roll(&x.beslutsfattare),
        beslutsfattare_bestamd: policy.roll_bestamd(&x.beslutsfattare),
        datum: x.datum.to_string(),
        skyddsniva: x.skyddsniva.map(|n| niva_namn(policy, n)),
        delegation: x.delegation.as_deref(),
        accepterad_risk: x
            .accepterad_risk
            .iter()
            .map(|a| AccepteradRiskVy {
                id: &a.atgard,
                rubrik: policy.atgard_rubrik(&a.atgard),
                motivering: md(&a.motivering),
            })
            .collect(),
        villkor: &x.villkor,
        motivering: md(&x.motivering),
        riskbedomning: md(&x.riskbedomning),
        juridiskt: md(&x.juridiskt_ansvar_och_varumarke),
        nasta_granskning: x.nasta_granskning.map(|d| d.to_string()),
        it_centerchef: x.it_centerchef.as_ref().map(|it| StallningstagandeVy {
            stallning: if it.tillstyrker { "Tillstyrker" } else { "Avstyrker" },
            mening: format!(
                "{} {} den {}.",
                versal(&policy.roll_bestamd("it-centerchef")),
                if it.tillstyrker { "tillstyrkte" } else { "avstyrkte" },
                it.datum
            ),
            datum: it.datum.to_string(),
            motivering: md(&it.motivering),
        }),
        eskalering: x.eskalering.as_ref().map(|e| EskaleringVy {
            till: roll(&e.till),
            till_bestamd: policy.roll_bestamd(&e.till),
            datum: e.datum.to_string(),
            beslut: beslut_namn(e.beslut),
            motivering: md(&e.motivering),
        }),
    }
}

/// The first letter in upper case, for a role's definite form at the start of a sentence.
pub fn versal(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// How urgent a service's most urgent matter is, in words (not by colour alone).
pub fn bradska_namn(b: Bradska) -> &'static str {
    match b {
        Bradska::Stopp => "Får inte användas",
        Bradska::Forsenad => "Försenat",
        Bradska::Brist => "Behöver åtgärdas",
        Bradska::Beslut => "Väntar på beslut",
        Bradska::Snart => "Inom kort",
    }
}

/// "åtgärden A är inte uppfylld" or "åtgärderna A och B är inte uppfyllda".
fn ej_uppfyllda(namn: &[String]) -> String {
    match namn {
        [en] => format!("åtgärden {en} är inte uppfylld"),
        [forsta @ .., sista] => format!("åtgärderna {} och {sista} är inte uppfyllda", forsta.join(", ")),
        [] => String::new(),
    }
}

/// One service on the start page's list of what needs doing, with all its matters.
#[derive(Serialize)]
pub struct UppmarksamhetVy<'a> {
    pub url: String,
    pub namn: &'a str,
    pub slug: &'a str,
    /// Its most urgent matter's urgency, as an id (a CSS class) and in words.
    pub bradska: Bradska,
    pub bradska_namn: &'static str,
    pub arenden: Vec<ArendeVy>,
}

/// One matter: what it is, who must act (the role in definite form), and a sentence that
/// says both.
#[derive(Serialize)]
pub struct ArendeVy {
    pub typ: &'static str,
    pub vem: String,
    pub text: String,
    pub url: String,
}

/// What needs doing, one entry per service, the most urgent first (derive's order).
pub fn uppmarksamhet<'a>(policy: &Policy, items: &'a [Item]) -> Vec<UppmarksamhetVy<'a>> {
    let mut services: Vec<(&Item, Vec<Uppmarksamhet<'_>>)> = items
        .iter()
        .map(|i| (i, derive::uppmarksamhet(&i.harledning, i.sedan_beslut.as_deref())))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    derive::ordna_uppmarksamhet(&mut services, |(i, l)| (l.as_slice(), i.bedomning.tjanst.namn.as_str()));
    services.iter().map(|(i, list)| tjanst_uppmarksamhet(policy, i, list)).collect()
}

fn tjanst_uppmarksamhet<'a>(policy: &Policy, i: &'a Item, list: &[Uppmarksamhet<'_>]) -> UppmarksamhetVy<'a> {
    let b = &i.bedomning;
    let link = format!("bedomningar/{}/index.html", i.slug);
    let mut arenden = Vec::new();
    for u in list {
        let vem = policy.roll_bestamd(derive::aktor_roll(policy, b, u.aktor()));
        let v = versal(&vem);
        let (typ, text, url) = match u {
            Uppmarksamhet::EjTillaten => {
                let niva = i.harledning.styrande.as_ref().map_or(String::new(), |s| format!(" på nivå {}", s.niva));
                (
                    "Molntjänst är inte tillåten",
                    format!("{v} behöver välja en lösning som inte är en molntjänst: informationen är klassad{niva}."),
                    link.clone(),
                )
            }
            Uppmarksamhet::Avslagen => (
                "Avslagen",
                format!("{v} behöver se till att tjänsten inte används: beslutet blev att avslå den."),
                link.clone(),
            ),
            Uppmarksamhet::Blockerad { orsaker } => (
                utlatande_namn(&i.harledning.utlatande),
                format!("{v} behöver komplettera bedömningen. {}", orsaker.join(" ")),
                link.clone(),
            ),
            Uppmarksamhet::VantarPaBeslut => {
                ("Redo för beslut", format!("{v} behöver fatta beslut. Alla åtgärder är uppfyllda."), link.clone())
            }
            Uppmarksamhet::Ouppfyllda { atgarder } => {
                let namn: Vec<String> =
                    atgarder.iter().map(|id| format!("{} ({id})", policy.atgard_rubrik(id))).collect();
                (
                    "Godkänd, men åtgärder saknas",
                    format!("{v} behöver följa upp: tjänsten är godkänd, men {}.", ej_uppfyllda(&namn)),
                    link.clone(),
                )
            }
            Uppmarksamhet::AndradSedanBeslut { falt } => (
                "Ändrad efter beslutet",
                format!("{v} behöver se över beslutet: {falt} fält har ändrats sedan det fattades."),
                format!("{link}#h-historik"),
            ),
            Uppmarksamhet::Bevakning(bev) => {
                let cert = bev.certifikat.and_then(|n| b.certifikat.get(n));
                let cert_namn = |c: &Certifikat| policy.certifiering_namn(&c.standard).to_owned();
                let text = match (bev.typ, cert) {
                    (BevakningTyp::GranskningForsenad, _) => {
                        format!("{v} behöver granska bedömningen. Den skulle ha granskats senast {}.", bev.datum)
                    }
                    (BevakningTyp::GranskningSnart, _) => {
                        format!("{v} behöver granska bedömningen senast {}.", bev.datum)
                    }
                    (BevakningTyp::CertifikatUtganget, Some(c)) => format!(
                        "{v} behöver begära ett giltigt certifikat av leverantören: {} från {} gick ut {}.",
                        cert_namn(c),
                        c.utfardare,
                        c.giltigt_till
                    ),
                    (BevakningTyp::CertifikatGarUt, Some(c)) => format!(
                        "{v} behöver begära det förnyade certifikatet av leverantören: {} från {} går ut {}.",
                        cert_namn(c),
                        c.utfardare,
                        c.giltigt_till
                    ),
                    (BevakningTyp::DpfInaktuell, _) => format!(
                        "{v} behöver kontrollera igen att {} finns med i Data Privacy Framework. Den senaste kontrollen gjordes {}.",
                        bev.dpf.and_then(|i| b.dpf.get(i)).map_or("leverantören", |d| d.organisation.as_str()),
                        bev.datum
                    ),
                    (BevakningTyp::BeslutDrojer, _) => format!(
                        "{v} behöver fatta beslut: bedömningen saknar beslut och har inte ändrats sedan {}.",
                        bev.datum
                    ),
                    _ => continue,
                };
                (bevakning_namn(bev.typ), text, link.clone())
            }
        };
        arenden.push(ArendeVy { typ, vem, text, url });
    }
    let bradska = list.first().map_or(Bradska::Snart, Uppmarksamhet::bradska);
    UppmarksamhetVy {
        url: link,
        namn: &b.tjanst.namn,
        slug: &i.slug,
        bradska,
        bradska_namn: bradska_namn(bradska),
        arenden,
    }
}

/// Changed since the last decided version (see [`derive::andrad_sedan_beslut`]).
pub fn andrad_sedan_beslut(item: &Item) -> bool {
    derive::andrad_sedan_beslut(item.sedan_beslut.as_deref())
}

/// The date an assessment's documents carry (see [`derive::handlingsdatum`]).
pub fn handlingsdatum(item: &Item, today: Datum) -> Datum {
    derive::handlingsdatum(&item.bedomning, item.senast_andrad, today)
}

/// One row of the register: an assessment as the register tables list it.
#[derive(Serialize, Clone)]
pub struct RegisterRad<'a> {
    pub slug: &'a str,
    pub namn: &'a str,
    /// `None` while a procurement's tender is out.
    pub leverantor: Option<&'a str>,
    pub leverantor_slug: Option<String>,
    pub ingen_leverantor: &'static str,
    pub skede: Option<&'static str>,
    pub skede_namn: &'static str,
    /// The municipalities and companies that use the service.
    pub anvands_av: &'a [String],
    pub driftform: u32,
    pub niva: Option<u8>,
    pub niva_namn: Option<String>,
    pub utlatande: &'static str,
    pub utlatande_namn: &'static str,
    pub beslutsdatum: Option<String>,
    pub nasta_granskning: Option<String>,
    /// The next review's date has passed (derive's watch, not a date compared here).
    pub granskning_forsenad: bool,
    pub senast_andrad: Option<String>,
    pub andrad_sedan_beslut: bool,
}

pub fn register_rad<'a>(policy: &Policy, item: &'a Item, leverantor_slug: Option<String>) -> RegisterRad<'a> {
    let b = &item.bedomning;
    let h = &item.harledning;
    RegisterRad {
        slug: &item.slug,
        namn: &b.tjanst.namn,
        leverantor: b.leverantor.as_ref().map(|l| l.namn.as_str()),
        leverantor_slug,
        ingen_leverantor: INGEN_LEVERANTOR,
        skede: skede_id(h.skede),
        skede_namn: skede_namn(h.skede),
        anvands_av: &b.tjanst.anvands_av,
        driftform: b.driftform.id,
        niva: h.styrande.as_ref().map(|s| s.niva),
        niva_namn: h.styrande.as_ref().map(|s| niva_namn(policy, s.niva)),
        utlatande: utlatande_id(&h.utlatande),
        utlatande_namn: utlatande_namn(&h.utlatande),
        beslutsdatum: b.beslut.as_ref().map(|x| x.datum.to_string()),
        nasta_granskning: b.beslut.as_ref().and_then(|x| x.nasta_granskning).map(|d| d.to_string()),
        granskning_forsenad: h.bevakningar.iter().any(|v| v.typ == BevakningTyp::GranskningForsenad),
        senast_andrad: item.senast_andrad.map(|d| d.to_string()),
        andrad_sedan_beslut: andrad_sedan_beslut(item),
    }
}

/// A municipality or company of the organisation, with its register page.
#[derive(Serialize, Clone)]
pub struct OrganisationVy<'a> {
    pub namn: &'a str,
    /// The register page's file name inside `register/`.
    pub url: String,
    /// How many assessments list it in `anvands_av`.
    pub antal: usize,
}

/// The organisation's municipalities, then its companies, each with its register page
/// (`organisation-<slug>.html`; two names that fold to one slug get `-2`, `-3`, …).
pub fn organisationer<'a>(policy: &'a Policy, items: &[Item]) -> Vec<OrganisationVy<'a>> {
    let org = &policy.organisation;
    let names: Vec<&String> = org.kommuner.iter().chain(&org.bolag).collect();
    let slugs = crate::slug::unika(names.iter().map(|n| n.as_str()), "organisation");
    names
        .into_iter()
        .zip(slugs)
        .map(|(namn, slug)| OrganisationVy {
            namn,
            url: format!("organisation-{slug}.html"),
            antal: items.iter().filter(|i| i.bedomning.tjanst.anvands_av.contains(namn)).count(),
        })
        .collect()
}

/// A link to one view of the register.
#[derive(Serialize, Clone)]
pub struct LankVy {
    pub url: String,
    pub namn: String,
}

/// The register's views: sort orders, filters by verdict, by driftform, by organisation.
#[derive(Serialize)]
pub struct RegisterLankar {
    pub sort: Vec<LankVy>,
    pub filters: Vec<LankVy>,
    pub driftformer: Vec<LankVy>,
    pub organisationer: Vec<LankVy>,
}

pub fn register_lankar(policy: &Policy, organisationer: &[OrganisationVy<'_>]) -> RegisterLankar {
    let lank = |url: &str, namn: &str| LankVy { url: url.to_owned(), namn: namn.to_owned() };
    RegisterLankar {
        sort: vec![
            lank("index.html", "Tjänst (A–Ö)"),
            lank("niva.html", "Nivå, högst först"),
            lank("granskning.html", "Nästa granskning"),
        ],
        filters: UTLATANDEN.iter().map(|(id, namn)| lank(&format!("{id}.html"), namn)).collect(),
        driftformer: policy
            .driftformer
            .iter()
            .map(|d| lank(&format!("driftform-{}.html", d.id), &format!("Driftform {}", d.id)))
            .collect(),
        organisationer: organisationer.iter().map(|o| lank(&o.url, o.namn)).collect(),
    }
}

/// One pre-rendered page of the register.
#[derive(Serialize)]
pub struct RegisterSida<'a> {
    pub views: &'a RegisterLankar,
    /// The page's path, to mark its own link.
    pub current: String,
    pub heading: String,
    pub rows: Vec<RegisterRad<'a>>,
}

/// The register's pages: every sort order and filter, so it works without JavaScript.
pub fn register_sidor<'a>(
    policy: &Policy,
    links: &'a RegisterLankar,
    organisationer: &[OrganisationVy<'_>],
    rows: &[RegisterRad<'a>],
) -> Vec<RegisterSida<'a>> {
    let sida = |path: String, heading: String, rows: Vec<RegisterRad<'a>>| RegisterSida {
        views: links,
        current: path,
        heading,
        rows,
    };
    let mut by_name = rows.to_vec();
    by_name.sort_by(|a, b| a.namn.cmp(b.namn));
    let mut by_level = by_name.clone();
    by_level.sort_by_key(|r| std::cmp::Reverse(r.niva));
    let mut by_review = by_name.clone();
    by_review.sort_by(|a, b| {
        (a.nasta_granskning.is_none(), &a.nasta_granskning).cmp(&(b.nasta_granskning.is_none(), &b.nasta_granskning))
    });
    let filter = |keep: &dyn Fn(&RegisterRad<'_>) -> bool| by_name.iter().filter(|r| keep(r)).cloned().collect();
    let mut out = Vec::new();
    for (id, label) in UTLATANDEN {
        out.push(sida(format!("register/{id}.html"), format!("Register: {label}"), filter(&|r| r.utlatande == id)));
    }
    for d in &policy.driftformer {
        out.push(sida(
            format!("register/driftform-{}.html", d.id),
            format!("Register: driftform {}", d.id),
            filter(&|r| r.driftform == d.id),
        ));
    }
    for o in organisationer {
        out.push(sida(
            format!("register/{}", o.url),
            format!("Register: tjänster som {} använder", o.namn),
            filter(&|r| r.anvands_av.iter().any(|a| a == o.namn)),
        ));
    }
    out.insert(0, sida("register/granskning.html".into(), "Register sorterat på nästa granskning".into(), by_review));
    out.insert(0, sida("register/niva.html".into(), "Register sorterat på nivå, högst först".into(), by_level));
    out.insert(0, sida("register/index.html".into(), "Register över bedömningar".into(), by_name));
    out
}

/// A count, for the start page's tables.
#[derive(Serialize)]
pub struct AntalVy<'a> {
    /// The register page it links to, inside `register/`, if any.
    pub url: Option<String>,
    pub id: String,
    pub namn: Cow<'a, str>,
    pub antal: usize,
}

/// One bar of the start page's chart, laid out here so the SVG template only draws.
#[derive(Serialize)]
pub struct StapelVy {
    pub y: usize,
    pub w: usize,
    pub antal: usize,
    pub namn: &'static str,
    pub id: &'static str,
}

/// The start page's counts.
#[derive(Serialize)]
pub struct Statistik<'a> {
    pub total: usize,
    pub verdicts: Vec<AntalVy<'a>>,
    pub levels: Vec<AntalVy<'a>>,
    pub driftformer: Vec<AntalVy<'a>>,
    pub organisationer: Vec<AntalVy<'a>>,
    pub chart: Vec<StapelVy>,
}

pub fn statistik<'a>(policy: &'a Policy, items: &[Item], organisationer: &[OrganisationVy<'a>]) -> Statistik<'a> {
    const WIDTH: usize = 300;
    let per_utlatande: Vec<(&'static str, &'static str, usize)> = UTLATANDEN
        .iter()
        .map(|&(id, namn)| (id, namn, items.iter().filter(|i| utlatande_id(&i.harledning.utlatande) == id).count()))
        .collect();
    let max = per_utlatande.iter().map(|v| v.2).max().unwrap_or(0).max(1);
    Statistik {
        total: items.len(),
        verdicts: per_utlatande
            .iter()
            .map(|&(id, namn, antal)| AntalVy {
                url: Some(format!("{id}.html")),
                id: id.to_owned(),
                namn: namn.into(),
                antal,
            })
            .collect(),
        levels: policy
            .nivaer
            .iter()
            .map(|n| AntalVy {
                url: None,
                id: n.varde.to_string(),
                namn: niva_namn(policy, n.varde).into(),
                antal: items
                    .iter()
                    .filter(|i| i.harledning.styrande.as_ref().is_some_and(|s| s.niva == n.varde))
                    .count(),
            })
            .collect(),
        driftformer: policy
            .driftformer
            .iter()
            .map(|d| AntalVy {
                url: Some(format!("driftform-{}.html", d.id)),
                id: d.id.to_string(),
                namn: format!("Driftform {}", d.id).into(),
                antal: items.iter().filter(|i| i.bedomning.driftform.id == d.id).count(),
            })
            .collect(),
        organisationer: organisationer
            .iter()
            .map(|o| AntalVy { url: Some(o.url.clone()), id: o.url.clone(), namn: o.namn.into(), antal: o.antal })
            .collect(),
        chart: per_utlatande
            .iter()
            .enumerate()
            .map(|(i, &(id, namn, antal))| StapelVy { y: i * 34, w: antal * WIDTH / max, antal, namn, id })
            .collect(),
    }
}

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
    pub atgardstabell: Vec<AtgardRadVy<'a>>,
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

/// One row of the action table, with everything the policy says of the measure: its
/// points, the certifications, the fallback, the list's address and its condition.
#[derive(Serialize)]
pub struct AtgardRadVy<'a> {
    pub niva: String,
    pub id: &'a str,
    pub rubrik: &'a str,
    pub text: &'a str,
    pub punkter: Vec<&'a str>,
    pub certifieringar: Vec<&'a str>,
    pub alternativ: Option<&'a str>,
    pub lank: Option<&'a str>,
    pub villkor: Option<&'static str>,
    pub lokal: bool,
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

/// The kravbilaga's content for one procurement, dated `datum`.
pub fn kravbilaga<'a>(policy: &'a Policy, item: &'a Item, datum: Datum) -> KravbilagaVy<'a> {
    let b = &item.bedomning;
    let h = &item.harledning;
    let visa = policy.kravbilaga.visa_klassning;
    let aspekter: Vec<_> = policy
        .aspekter
        .iter()
        .filter(|a| a.obligatorisk || b.informationsmangder.iter().any(|m| m.klassning.contains_key(&a.id)))
        .collect();
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
            godtas: if a.typ == AtgardTyp::Certifiering {
                policy
                    .certifieringar
                    .iter()
                    .map(|c| GodtasVy { namn: &c.namn, form: c.form.namn(), godtas: c.godtas.as_deref() })
                    .collect()
            } else {
                Vec::new()
            },
            lank: a.lank.as_deref(),
            verifikat: a.bevis.as_deref().unwrap_or(VERIFIKAT_STANDARD),
            tidpunkt: a.tidpunkt.map(crate::model::Tidpunkt::text),
            acceptans: a.acceptans.as_deref(),
        })
        .collect();
    let driftform = policy.driftform(b.driftform.id).map_or_else(
        || b.driftform.id.to_string(),
        |d| format!("{} (drift: {}, support: {}, servrar: {})", d.id, d.driftleverantor, d.support, d.serverplacering),
    );
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
        atgardstabell: policy
            .atgarder
            .iter()
            .rev()
            .map(|a| AtgardRadVy {
                niva: niva_namn(policy, a.niva),
                id: &a.id,
                rubrik: &a.rubrik,
                text: &a.text,
                punkter: a.punkter.iter().map(|p| p.namn.as_str()).collect(),
                certifieringar: certifieringar(policy, a),
                alternativ: a.alternativ.as_deref(),
                lank: a.lank.as_deref(),
                villkor: a.galler_endast_vid.map(|_| USA_VILLKOR),
                lokal: a.kalla == TextKalla::Lokal,
            })
            .collect(),
        kumulativ_regel: kumulativ_regel(policy),
        begrepp: policy
            .begrepp
            .iter()
            .map(|t| BegreppVy { term: &t.term, forklaring: &t.forklaring, lokal: t.kalla == TextKalla::Lokal })
            .collect(),
    }
}

/// Whether the action table is cumulative, in words.
pub fn kumulativ_regel(policy: &Policy) -> &'static str {
    if policy.regler.kumulativ_atgardstabell {
        "Tabellen är kumulativ: en nivå kräver sina egna åtgärder och alla åtgärder på lägre nivåer."
    } else {
        "Tabellen är inte kumulativ: en nivå kräver bara sina egna åtgärder."
    }
}

/// The kravbilaga's DOCX file name, beside its PDF.
pub const KRAVBILAGA_DOCX: &str = "kravbilaga.docx";

/// The Word version of a document, where it has one: the kravbilaga's, for the tender tools.
pub fn handling_docx(h: Handling) -> Option<&'static str> {
    (h == Handling::Kravbilaga).then_some(KRAVBILAGA_DOCX)
}

// ---------------------------------------------------------------------------------------
// The assessment's page

/// One aspect of an information set, with whether it set the governing level.
#[derive(Serialize)]
pub struct KlassningVy<'a> {
    pub aspekt: &'a str,
    pub id: &'a str,
    pub niva: Option<u8>,
    pub niva_namn: Option<String>,
    pub styrande: bool,
}

#[derive(Serialize)]
pub struct KlassadMangdVy<'a> {
    pub namn: &'a str,
    pub beskrivning: &'a str,
    pub klassning: Vec<KlassningVy<'a>>,
    pub klassad_av: String,
    pub klassad_datum: String,
}

/// A question, condition or point from the policy with the record's answer (rendered).
#[derive(Serialize)]
pub struct SvarVy<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    /// The point's name (restore procedure) or the question's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    pub svar: Option<String>,
}

#[derive(Serialize)]
pub struct FragaVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub delfragor: Vec<SvarVy<'a>>,
}

#[derive(Serialize)]
pub struct CheckpunktVy<'a> {
    pub namn: &'a str,
    pub status: Option<&'a str>,
    pub klar: bool,
}

#[derive(Serialize)]
pub struct BekraftelseVy<'a> {
    pub atgard: &'a str,
    pub rubrik: Option<&'a str>,
    pub status: &'static str,
    pub datum: Option<String>,
    pub bevis: Option<&'a str>,
}

#[derive(Serialize)]
pub struct TermVy<'a> {
    pub id: &'a str,
    pub term: &'a str,
}

#[derive(Serialize)]
pub struct CentralKomponentVy<'a> {
    pub namn: Option<&'a str>,
    pub undantag: String,
}

#[derive(Serialize)]
pub struct StyrandeVy<'a> {
    pub niva: u8,
    pub niva_namn: String,
    pub mangd: &'a str,
    pub aspekt: &'a str,
}

#[derive(Serialize)]
pub struct RiskanalysVy<'a> {
    pub referens: &'a str,
    pub datum: String,
    pub genomford_av: String,
}

#[derive(Serialize)]
pub struct HandlingVy {
    pub fil: &'static str,
    pub namn: &'static str,
    pub docx: Option<&'static str>,
}

#[derive(Serialize)]
pub struct SkedeVy {
    pub id: Option<&'static str>,
    pub namn: &'static str,
    pub text: &'static str,
}

/// One saved version of the file.
#[derive(Serialize)]
pub struct AndringVy<'a> {
    pub kort: &'a str,
    pub commit: &'a str,
    pub datum: String,
    /// The role the policy maps the author to; `None` unless the policy shows roles.
    pub forfattare: Option<String>,
    pub meddelande: &'a str,
    pub beslutad: bool,
}

#[derive(Serialize)]
pub struct BeslutadVersionVy<'a> {
    pub kort: &'a str,
    pub datum: String,
}

/// The file's history on the page: its versions, the decided one, and what changed since.
#[derive(Serialize)]
#[serde(untagged)]
pub enum HistorikVy<'a> {
    Saknas {
        finns: bool,
        orsak: &'a str,
    },
    Finns {
        finns: bool,
        visa_forfattare: bool,
        senast_andrad: Option<String>,
        ej_incheckad: bool,
        andringar: Vec<AndringVy<'a>>,
        beslutad: Option<BeslutadVersionVy<'a>>,
        sedan_beslut: Option<&'a [crate::historik::Skillnad]>,
        andrad_sedan_beslut: bool,
    },
}

/// Names stay out of publication: an author is shown only as the role the policy maps it
/// to, and not at all unless the policy asks for roles.
pub fn historik<'a>(site: &Site<'a>, item: &'a Item) -> HistorikVy<'a> {
    let Some(fil) = &item.historik else {
        let orsak = match site.historik {
            crate::historik::Kalla::Saknas { orsak } => orsak.as_str(),
            crate::historik::Kalla::Git { .. } => "filen saknas i git-förrådet",
        };
        return HistorikVy::Saknas { finns: false, orsak };
    };
    let policy = site.policy;
    let beslutad = fil.beslutad.as_ref().map(|v| &v.andring);
    let publicering = &policy.publicering;
    let visa_forfattare = publicering.forfattare == crate::model::ForfattareVisning::Roll;
    let forfattare = |namn: &str| {
        visa_forfattare.then(|| {
            publicering.forfattare_roller.get(namn).map_or_else(|| "okänd roll".to_owned(), |r| roll_namn(policy, r))
        })
    };
    HistorikVy::Finns {
        finns: true,
        visa_forfattare,
        senast_andrad: item.senast_andrad.map(|d| d.to_string()),
        ej_incheckad: fil.ej_incheckad,
        andringar: fil
            .andringar
            .iter()
            .map(|a| AndringVy {
                kort: &a.kort,
                commit: &a.commit,
                datum: a.datum.to_string(),
                forfattare: forfattare(&a.forfattare),
                meddelande: &a.meddelande,
                beslutad: beslutad.is_some_and(|b| b.commit == a.commit),
            })
            .collect(),
        beslutad: beslutad.map(|a| BeslutadVersionVy { kort: &a.kort, datum: a.datum.to_string() }),
        sedan_beslut: item.sedan_beslut.as_deref(),
        andrad_sedan_beslut: andrad_sedan_beslut(item),
    }
}

/// Everything an assessment's page shows. `md` renders a Markdown field to HTML (with the
/// site's glossary links), `leverantor_slug` is the supplier's page.
#[derive(Serialize)]
pub struct BedomningVy<'a> {
    pub slug: &'a str,
    pub fil: &'a str,
    pub tjanst: &'a crate::model::Tjanst,
    pub informationsagare: String,
    pub leverantor_land: Option<&'a str>,
    pub leverantor: Option<&'a crate::model::Leverantor>,
    pub leverantor_slug: Option<String>,
    pub skede: Option<SkedeVy>,
    pub underbitraden: Vec<UnderbitradeVy<'a>>,
    pub tjanstemodell: Option<TermVy<'a>>,
    pub leveransmodell: Option<TermVy<'a>>,
    pub driftform: Option<&'a Driftform>,
    pub driftform_tidigare: Option<u32>,
    pub utlosare: Option<&'a str>,
    pub central_komponent: Option<CentralKomponentVy<'a>>,
    pub rutin: &'a derive::Rutin,
    pub styrande: Option<StyrandeVy<'a>>,
    pub usa_koppling: &'a [String],
    pub mangder: Vec<KlassadMangdVy<'a>>,
    pub atgarder: Vec<AtgardVy<'a>>,
    pub aterstallning: Vec<SvarVy<'a>>,
    pub certifikat: Vec<CertifikatVy<'a>>,
    pub redogorelse: Option<String>,
    pub dpf: Vec<DpfVy<'a>>,
    pub riskanalys: Option<RiskanalysVy<'a>>,
    pub fragor: Vec<FragaVy<'a>>,
    pub lamplighet: Vec<SvarVy<'a>>,
    pub checklista: Vec<CheckpunktVy<'a>>,
    pub bekraftelser: Vec<BekraftelseVy<'a>>,
    pub skakrav: Vec<SkakravText<'a>>,
    pub anbudssvar: Vec<AnbudssvarVy<'a>>,
    pub svarsbilaga: Option<&'static str>,
    pub beslut: Option<BeslutVy<'a>>,
    pub utlatande: &'static str,
    pub utlatande_namn: &'static str,
    pub orsaker: &'a [String],
    pub handlingar: Vec<HandlingVy>,
    pub historik: HistorikVy<'a>,
    pub sekretess: SekretessVy<'a>,
}

pub fn bedomning<'a>(
    site: &Site<'a>,
    item: &'a Item,
    md: &dyn Fn(&str) -> String,
    leverantor_slug: Option<String>,
) -> BedomningVy<'a> {
    let policy = site.policy;
    let b = &item.bedomning;
    let h = &item.harledning;
    let styrande = h.styrande.as_ref();
    let mangder = b
        .informationsmangder
        .iter()
        .enumerate()
        .map(|(i, m)| KlassadMangdVy {
            namn: &m.namn,
            beskrivning: &m.beskrivning,
            klassning: policy
                .aspekter
                .iter()
                .map(|a| {
                    let niva = m.klassning.get(&a.id).copied();
                    KlassningVy {
                        aspekt: &a.namn,
                        id: &a.id,
                        niva,
                        niva_namn: niva.map(|n| niva_namn(policy, n)),
                        styrande: styrande.is_some_and(|s| s.informationsmangd == i && s.aspekt == a.id),
                    }
                })
                .collect(),
            klassad_av: policy.roll_bestamd(&m.klassad_av),
            klassad_datum: m.klassad_datum.to_string(),
        })
        .collect();
    let svar = |text: Option<&String>| text.map(|s| md(s));
    let term = |id: &str| policy.begrepp.iter().find(|t| t.id == id).map(|t| TermVy { id: &t.id, term: &t.term });
    BedomningVy {
        slug: &item.slug,
        fil: &item.file,
        tjanst: &b.tjanst,
        informationsagare: roll_namn(policy, &b.tjanst.informationsagare),
        leverantor_land: b.leverantor.as_ref().map(|l| land_namn(&l.land)),
        leverantor: b.leverantor.as_ref(),
        leverantor_slug,
        skede: h.skede.map(|s| SkedeVy { id: skede_id(Some(s)), namn: skede_namn(Some(s)), text: skede_text(s) }),
        underbitraden: underbitraden(item),
        tjanstemodell: term(&b.tjanstemodell),
        leveransmodell: term(&b.leveransmodell),
        driftform: policy.driftform(b.driftform.id),
        driftform_tidigare: b.driftform.tidigare,
        utlosare: policy.utlosare(b.utlosare).map(|u| u.namn.as_str()),
        central_komponent: b.central_komponent.as_ref().map(|c| CentralKomponentVy {
            namn: policy.lamplighet.centrala_komponenter.iter().find(|k| k.id == c.komponent).map(|k| k.namn.as_str()),
            undantag: md(&c.undantag),
        }),
        rutin: &h.rutin,
        styrande: styrande.map(|s| StyrandeVy {
            niva: s.niva,
            niva_namn: niva_namn(policy, s.niva),
            mangd: &s.informationsmangd_namn,
            aspekt: policy.aspekt_namn(&s.aspekt),
        }),
        usa_koppling: &h.usa_koppling,
        mangder,
        atgarder: h.atgarder.iter().map(|u| atgard(policy, u)).collect(),
        aterstallning: policy
            .atgarder
            .iter()
            .flat_map(|a| a.punkter.iter())
            .map(|p| SvarVy { id: None, namn: Some(&p.namn), text: None, svar: b.aterstallning.get(&p.id).cloned() })
            .collect(),
        certifikat: b.certifikat.iter().map(|c| certifikat(policy, c, site.today)).collect(),
        redogorelse: b.certifieringsredogorelse.as_deref().map(md),
        dpf: dpf(item),
        riskanalys: b.riskanalys.as_ref().map(|r| RiskanalysVy {
            referens: &r.referens,
            datum: r.datum.to_string(),
            genomford_av: policy.roll_bestamd(&r.genomford_av),
        }),
        fragor: policy
            .fragor
            .iter()
            .map(|f| FragaVy {
                id: &f.id,
                rubrik: &f.rubrik,
                delfragor: f
                    .delfraga
                    .iter()
                    .map(|d| SvarVy { id: Some(&d.id), namn: None, text: Some(&d.text), svar: svar(b.svar.get(&d.id)) })
                    .collect(),
            })
            .collect(),
        lamplighet: policy
            .lamplighet
            .villkor
            .iter()
            .map(|v| SvarVy { id: None, namn: None, text: Some(&v.text), svar: svar(b.lamplighet.get(&v.id)) })
            .collect(),
        checklista: policy
            .checklista
            .iter()
            .map(|c| {
                let status = b.checklista.get(&c.id).and_then(|s| policy.checkstatus(s));
                CheckpunktVy {
                    namn: &c.namn,
                    status: status.map(|s| s.namn.as_str()),
                    klar: status.is_some_and(|s| s.klar),
                }
            })
            .collect(),
        bekraftelser: b
            .bekraftelser
            .iter()
            .map(|c| BekraftelseVy {
                atgard: &c.atgard,
                rubrik: policy.atgard(&c.atgard).map(|a| a.rubrik.as_str()),
                status: bekraftelse_namn(Some(c.status)),
                datum: c.datum.map(|d| d.to_string()),
                bevis: c.bevis.as_deref(),
            })
            .collect(),
        skakrav: skakrav(policy, item),
        anbudssvar: b.anbudssvar.iter().map(|s| anbudssvar(policy, s)).collect(),
        svarsbilaga: har_svarsbilaga(item).then_some(SVARSBILAGA),
        beslut: b.beslut.as_ref().map(|x| beslut(policy, x, &|s: &str| Value::String(md(s)))),
        utlatande: utlatande_id(&h.utlatande),
        utlatande_namn: utlatande_namn(&h.utlatande),
        orsaker: match &h.utlatande {
            Utlatande::Blockerad { orsaker } => orsaker,
            _ => &[],
        },
        handlingar: h
            .handlingar
            .iter()
            .map(|&x| HandlingVy { fil: x.fil(), namn: handling_namn(x), docx: handling_docx(x) })
            .collect(),
        historik: historik(site, item),
        sekretess: sekretess(item, site.profil),
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
