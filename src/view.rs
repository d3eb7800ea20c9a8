//! Stage 4: what `derive` decided, as every renderer shows it.
//!
//! The HTML pages, the PDFs, the exports and the calendar take a [`Site`] and name things
//! through this module only: every label (verdict, status, role, level, aspect), and the
//! view models more than one renderer shows. It decides nothing; a renderer formats what
//! this module hands it, and no renderer imports another.

use serde::Serialize;
use serde_json::{Value, json};

use crate::Item;
use crate::derive::{self, AtgardUtfall, BevakningTyp, Handling, Status, Uppmarksamhet, Utlatande};
use crate::model::{
    Atgard, AtgardTyp, BekraftelseStatus, Beslut, BeslutStatus, Certifikat, Datum, Driftform, Policy, TextKalla,
    Tillampning, Underbitrade,
};
use crate::sidor::Sida;

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
    ("blockerad", "Blockerad"),
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

pub fn status_id(s: Status) -> &'static str {
    match s {
        Status::Uppfylld => "uppfylld",
        Status::EjUppfylld => "ej-uppfylld",
        Status::Okand => "okand",
    }
}

/// A measure's outcome; `None` is a measure that does not apply.
pub fn status_namn(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Uppfylld) => "Uppfylld",
        Some(Status::EjUppfylld) => "Ej uppfylld",
        Some(Status::Okand) => "Okänd",
        None => "Ej tillämplig",
    }
}

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
        BevakningTyp::GranskningForsenad => "Granskning försenad",
        BevakningTyp::GranskningSnart => "Granskning snart",
        BevakningTyp::CertifikatUtganget => "Certifikat utgånget",
        BevakningTyp::CertifikatGarUt => "Certifikat går ut",
        BevakningTyp::DpfInaktuell => "DPF-kontroll inaktuell",
        BevakningTyp::BeslutDrojer => "Beslut dröjer",
    }
}

pub fn handling_namn(h: Handling) -> &'static str {
    match h {
        Handling::Kravbilaga => "Kravbilaga",
        Handling::Leverantorsbekraftelse => "Leverantörsbekräftelse",
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
}

pub fn underbitraden(item: &Item) -> Vec<UnderbitradeVy<'_>> {
    let usa = &item.harledning.usa.underbitraden;
    item.bedomning
        .underbitraden
        .iter()
        .zip(usa)
        .map(|(underbitrade, &usa)| UnderbitradeVy { underbitrade, usa })
        .collect()
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

/// The decision with Swedish labels; `md` renders its Markdown fields (HTML for the site,
/// plain-text blocks for the PDFs).
pub fn beslut(policy: &Policy, x: &Beslut, md: &dyn Fn(&str) -> Value) -> Value {
    let roll = |id: &str| roll_namn(policy, id);
    json!({
        "status": beslut_namn(x.status), "beslutsfattare": roll(&x.beslutsfattare), "datum": x.datum.to_string(),
        "motivering": md(&x.motivering), "riskbedomning": md(&x.riskbedomning),
        "juridiskt": md(&x.juridiskt_ansvar_och_varumarke),
        "nasta_granskning": x.nasta_granskning.map(|d| d.to_string()),
        "it_centerchef": x.it_centerchef.as_ref().map(|it| json!({
            "stallning": if it.tillstyrker { "Tillstyrker" } else { "Avstyrker" },
            "datum": it.datum.to_string(), "motivering": md(&it.motivering)})),
        "eskalering": x.eskalering.as_ref().map(|e| json!({
            "till": roll(&e.till), "datum": e.datum.to_string(), "beslut": beslut_namn(e.beslut),
            "motivering": md(&e.motivering)})),
    })
}

/// One row of the start page's list of what needs attention.
#[derive(Serialize)]
pub struct UppmarksamhetVy<'a> {
    pub url: String,
    pub namn: &'a str,
    pub typ: &'static str,
    pub text: String,
}

/// What needs someone's attention, in the order derive lists it.
pub fn uppmarksamhet<'a>(policy: &Policy, items: &'a [Item]) -> Vec<UppmarksamhetVy<'a>> {
    let mut out = Vec::new();
    for i in items {
        let b = &i.bedomning;
        let link = format!("bedomningar/{}/index.html", i.slug);
        let namn = b.tjanst.namn.as_str();
        for u in derive::uppmarksamhet(&i.harledning, i.sedan_beslut.as_deref()) {
            let (typ, text, url) = match u {
                Uppmarksamhet::Blockerad { orsaker } => {
                    (utlatande_namn(&i.harledning.utlatande), orsaker.join(" "), link.clone())
                }
                Uppmarksamhet::VantarPaBeslut => {
                    ("Väntar på beslut", "Alla åtgärder är uppfyllda.".to_owned(), link.clone())
                }
                Uppmarksamhet::Ouppfyllda { atgarder } => (
                    "Ouppfyllda åtgärder",
                    format!("Godkänd, men {} är inte uppfyllda.", atgarder.join(", ")),
                    link.clone(),
                ),
                Uppmarksamhet::AndradSedanBeslut { falt } => (
                    "Ändrad sedan beslut",
                    format!("{falt} fält har ändrats sedan det senaste beslutet; beslutet behöver ses över."),
                    format!("{link}#h-historik"),
                ),
                Uppmarksamhet::Bevakning(bev) => {
                    let cert = bev.certifikat.and_then(|n| b.certifikat.get(n));
                    let cert_namn = |c: &Certifikat| policy.certifiering_namn(&c.standard).to_owned();
                    let text = match (bev.typ, cert) {
                        (BevakningTyp::GranskningForsenad, _) => {
                            format!("Nästa granskning skulle ha skett {}.", bev.datum)
                        }
                        (BevakningTyp::GranskningSnart, _) => format!("Nästa granskning senast {}.", bev.datum),
                        (BevakningTyp::CertifikatUtganget, Some(c)) => {
                            format!("{} från {} gick ut {}.", cert_namn(c), c.utfardare, c.giltigt_till)
                        }
                        (BevakningTyp::CertifikatGarUt, Some(c)) => {
                            format!("{} från {} går ut {}.", cert_namn(c), c.utfardare, c.giltigt_till)
                        }
                        (BevakningTyp::DpfInaktuell, _) => {
                            format!("DPF-listningen kontrollerades senast {}.", bev.datum)
                        }
                        (BevakningTyp::BeslutDrojer, _) => {
                            format!("Inget beslut, och ingen ändring sedan {}.", bev.datum)
                        }
                        _ => continue,
                    };
                    (bevakning_namn(bev.typ), text, link.clone())
                }
            };
            out.push(UppmarksamhetVy { url, namn, typ, text });
        }
    }
    out
}

/// Changed since the last decided version (see [`derive::andrad_sedan_beslut`]).
pub fn andrad_sedan_beslut(item: &Item) -> bool {
    derive::andrad_sedan_beslut(item.sedan_beslut.as_deref())
}

/// The date an assessment's documents carry (see [`derive::handlingsdatum`]).
pub fn handlingsdatum(item: &Item, today: Datum) -> Datum {
    derive::handlingsdatum(&item.bedomning, item.senast_andrad, today)
}
