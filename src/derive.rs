//! Stage 3: what the routine and the guideline say about one assessment.
//!
//! Pure functions of the policy, the record and the date. Renderers show what this
//! module decides and never decide anything themselves.

use serde::Serialize;

use crate::model::{
    Anbudssvar, Atgard, AtgardTyp, Bedomning, BekraftelseStatus, BeslutStatus, Certifikat, Datum, Part, Policy,
    StyrandeMetod, Tillampning, UtlosareId, Villkor, namnger_part,
};

#[derive(Debug, Clone, Serialize)]
pub struct Harledning {
    pub rutin: Rutin,
    pub styrande: Option<Styrande>,
    /// Who in the supply chain gives a US link, if anyone.
    pub usa_koppling: Vec<String>,
    /// The same, party by party: the supplier, then each subprocessor in the record's order.
    pub usa: UsaParter,
    /// The parties the DPF measure asks about, each with its check (if any).
    pub dpf: Vec<DpfPart>,
    /// Every measure of the policy, in the policy's order, with its outcome.
    pub atgarder: Vec<AtgardUtfall>,
    pub utlatande: Utlatande,
    /// Where the assessment stands in its lifecycle; `None` where the routine does not
    /// apply or the level forbids a cloud service, so there is nothing to procure.
    pub skede: Option<Skede>,
    /// The procurement documents this assessment gets, in a fixed order.
    pub handlingar: Vec<Handling>,
    /// Dates that need someone's attention, as of the given day.
    pub bevakningar: Vec<Bevakning>,
    /// Where the record places data outside the EU/EEA while its driftform promises
    /// servers inside; empty at level 4, where no cloud service is allowed at all.
    pub platsavvikelser: Vec<Platsavvikelse>,
}

/// A fact of the record that breaks its driftform's promise of servers inside the EU/EEA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Platsavvikelse {
    pub var: PlatsKalla,
    /// The country outside the EU/EEA, as its alpha-2 code.
    pub land: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "typ", content = "id")]
pub enum PlatsKalla {
    /// The supplier is registered there.
    Leverantor,
    /// The restore procedure's answer to this point (a place) names the country.
    Aterstallning(String),
    /// The subprocessor at this index stores data and is registered there.
    Underbitrade(usize),
}

/// Whether each party of the supply chain gives a US link: it says so, or its country is one
/// of the policy's `usa_koppling_lander`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UsaParter {
    pub leverantor: bool,
    pub underbitraden: Vec<bool>,
}

/// A US-linked party that must be looked up in the DPF list, and its check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DpfPart {
    pub part: Part,
    /// Index into the record's DPF checks: the latest that names the party.
    pub kontroll: Option<usize>,
}

/// Something due or stale: a review, a certificate, a DPF check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bevakning {
    pub typ: BevakningTyp,
    /// The date that is due or was checked.
    pub datum: Datum,
    /// Index into the record's certificates, for the certificate kinds.
    pub certifikat: Option<usize>,
    /// Index into the record's DPF checks, for a stale check.
    pub dpf: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BevakningTyp {
    GranskningForsenad,
    GranskningSnart,
    CertifikatUtganget,
    CertifikatGarUt,
    DpfInaktuell,
    /// No decision, and no change for longer than the policy allows.
    BeslutDrojer,
}

impl BevakningTyp {
    /// The stable warning code `check` prints.
    pub fn kod(self) -> &'static str {
        match self {
            BevakningTyp::GranskningForsenad => "review-overdue",
            BevakningTyp::GranskningSnart => "review-due",
            BevakningTyp::CertifikatUtganget => "certificate-expired",
            BevakningTyp::CertifikatGarUt => "certificate-expiring",
            BevakningTyp::DpfInaktuell => "dpf-check-stale",
            BevakningTyp::BeslutDrojer => "undecided-stale",
        }
    }
}

/// A PDF document an assessment can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Handling {
    /// Step 4 of a procurement: the ska-krav appendix.
    Kravbilaga,
    /// Step 4 of a driftform change: the request that the supplier confirm each measure.
    Leverantorsbekraftelse,
    /// The supplier's answers to that request, as recorded in the assessment.
    MottagenBekraftelse,
    /// What the information owner decides on, and the decision.
    Beslutsunderlag,
    /// Level 4: a notice that a cloud service is not allowed, instead of any appendix.
    EjTillaten,
}

impl Handling {
    /// Sent outside the organisation (to bidders or the supplier): holds nothing internal,
    /// so no marked part and no secrecy notice either.
    pub fn gar_ut(self) -> bool {
        matches!(self, Handling::Kravbilaga | Handling::Leverantorsbekraftelse)
    }

    /// The file name inside the assessment's folder.
    pub fn fil(self) -> &'static str {
        match self {
            Handling::Kravbilaga => "kravbilaga.pdf",
            Handling::Leverantorsbekraftelse => "leverantorsbekraftelse.pdf",
            Handling::MottagenBekraftelse => "leverantorsbekraftelse-mottagen.pdf",
            Handling::Beslutsunderlag => "beslutsunderlag.pdf",
            Handling::EjTillaten => "ej-tillaten.pdf",
        }
    }
}

/// Where an assessment stands, from classification to the yearly review. A procurement
/// knows no supplier while its requirements are out for tender; a driftform change always
/// does, and its step 4 is the supplier's confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Skede {
    /// No information set is classified yet: the level and the requirements are unknown.
    Klassning,
    /// Classified, and the ska-krav are known; no supplier yet (the tender is out).
    KravFramtagna,
    /// A procurement with its supplier: the winning bid's answers and evidence come in.
    AnbudUtvarderat,
    /// A driftform change: the supplier confirms each measure.
    Bekraftelse,
    /// Decided (approved or rejected).
    Beslutad,
    /// Approved, and its yearly review is due or overdue.
    Uppfoljning,
}

/// Whether the routine applies, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Rutin {
    pub galler: bool,
    pub skal: String,
}

/// The governing level and the information set and aspect that set it.
#[derive(Debug, Clone, Serialize)]
pub struct Styrande {
    pub niva: u8,
    /// Index into the record's information sets.
    pub informationsmangd: usize,
    pub informationsmangd_namn: String,
    pub aspekt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AtgardUtfall {
    pub id: String,
    pub niva: u8,
    pub tillamplig: bool,
    /// `None` when not applicable.
    pub status: Option<Status>,
    pub skal: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Uppfylld,
    EjUppfylld,
    Okand,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "typ")]
pub enum Utlatande {
    /// The driftform is outside the routine.
    RutinenGallerEj,
    /// Level 4: no measure can make a cloud service acceptable.
    EjTillaten,
    /// Something required is missing or unmet.
    Blockerad {
        orsaker: Vec<String>,
    },
    RedoForBeslut,
    Beslutad {
        status: BeslutStatus,
    },
}

impl Utlatande {
    /// Decided, and approved (after any escalation).
    pub fn godkand(&self) -> bool {
        *self == Utlatande::Beslutad { status: BeslutStatus::Godkand }
    }
}

impl Harledning {
    /// The measures that apply and are not met: unmet, or not known to be met.
    pub fn ouppfyllda(&self) -> impl Iterator<Item = &AtgardUtfall> {
        self.atgarder.iter().filter(|u| u.ouppfylld())
    }
}

/// Who a measure is for in the procurement documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Del {
    /// Does not apply here.
    EjTillamplig,
    /// Level 4's prohibition: no measure helps.
    Forbud,
    /// A ska-krav the supplier meets or confirms.
    Leverantor,
    /// Done by the business itself.
    Verksamhet,
}

impl AtgardUtfall {
    /// Applies, and is not known to be met.
    pub fn ouppfylld(&self) -> bool {
        self.tillamplig && self.status != Some(Status::Uppfylld)
    }

    /// Which part of the documents the measure belongs to; `None` for a measure the policy
    /// does not know.
    pub fn del(&self, policy: &Policy) -> Option<Del> {
        let a = policy.atgard(&self.id)?;
        Some(if !self.tillamplig {
            Del::EjTillamplig
        } else if a.typ == AtgardTyp::Forbud {
            Del::Forbud
        } else if a.skakrav.is_some() {
            Del::Leverantor
        } else {
            Del::Verksamhet
        })
    }
}

pub fn harled(policy: &Policy, b: &Bedomning, today: Datum) -> Harledning {
    let rutin = rutin(policy, b);
    let styrande = styrande_niva(policy, b);
    let usa = usa_parter(policy, b);
    let usa_koppling = usa_koppling(b, &usa);
    let dpf = dpf_parter(policy, b, &usa);
    let atgarder = policy
        .atgarder
        .iter()
        .map(|a| utfall(policy, b, a, &rutin, styrande.as_ref(), Kedja { usa: &usa_koppling, dpf: &dpf }, today))
        .collect::<Vec<_>>();
    let utlatande = utlatande(policy, b, &rutin, styrande.as_ref(), &atgarder);
    let handlingar = handlingar(b, styrande.as_ref(), &utlatande);
    let bevakningar = bevakningar(policy, b, &utlatande, &atgarder, today);
    let platsavvikelser = if utlatande == Utlatande::EjTillaten { Vec::new() } else { platsavvikelser(policy, b) };
    let skede = skede(b, styrande.as_ref(), &utlatande, &bevakningar);
    Harledning {
        rutin,
        styrande,
        usa_koppling,
        usa,
        dpf,
        atgarder,
        utlatande,
        skede,
        handlingar,
        bevakningar,
        platsavvikelser,
    }
}

/// The lifecycle stage: a decision first, then what the record holds so far.
fn skede(b: &Bedomning, styrande: Option<&Styrande>, utlatande: &Utlatande, bev: &[Bevakning]) -> Option<Skede> {
    if matches!(utlatande, Utlatande::RutinenGallerEj | Utlatande::EjTillaten) {
        return None;
    }
    let granskas =
        bev.iter().any(|v| matches!(v.typ, BevakningTyp::GranskningForsenad | BevakningTyp::GranskningSnart));
    Some(match utlatande {
        Utlatande::Beslutad { .. } if utlatande.godkand() && granskas => Skede::Uppfoljning,
        Utlatande::Beslutad { .. } => Skede::Beslutad,
        _ if styrande.is_none() => Skede::Klassning,
        _ if b.leverantor.is_none() => Skede::KravFramtagna,
        _ if b.utlosare == UtlosareId::Driftformsforandring => Skede::Bekraftelse,
        _ => Skede::AnbudUtvarderat,
    })
}

/// Whether a certificate is still valid on `today`.
pub fn certifikat_giltigt(c: &Certifikat, today: Datum) -> bool {
    c.giltigt_till >= today
}

/// A date something falls due, as the record says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forfall {
    pub typ: ForfallTyp,
    /// The day it falls due.
    pub datum: Datum,
    /// The recorded date it comes from (the DPF check's date for a re-check).
    pub kalla: Datum,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForfallTyp {
    /// An approved assessment's next review.
    Granskning,
    /// The certificate at this index of the record expires.
    Certifikat(usize),
    /// The DPF check at this index of the record must be made again.
    Dpf(usize),
}

/// Reviews (of an approved assessment only), certificate expiries and DPF re-checks, in
/// that order, each only where its measure applies (`atgarder`, derive's outcomes): no
/// certificate is watched where certification is not demanded, no DPF listing without a US
/// link. Pure in the record, so it gives the masked dates for the open extract.
pub fn forfallodagar(policy: &Policy, b: &Bedomning, utlatande: &Utlatande, atgarder: &[AtgardUtfall]) -> Vec<Forfall> {
    let galler =
        |typ: AtgardTyp| atgarder.iter().any(|u| u.tillamplig && policy.atgard(&u.id).is_some_and(|a| a.typ == typ));
    let mut out = Vec::new();
    if utlatande.godkand()
        && let Some(next) = b.beslut.as_ref().and_then(|x| x.nasta_granskning)
    {
        out.push(Forfall { typ: ForfallTyp::Granskning, datum: next, kalla: next });
    }
    for (i, c) in b.certifikat.iter().enumerate().filter(|_| galler(AtgardTyp::Certifiering)) {
        out.push(Forfall { typ: ForfallTyp::Certifikat(i), datum: c.giltigt_till, kalla: c.giltigt_till });
    }
    if galler(AtgardTyp::Dpf) {
        // Only the checks the measure rests on: each US-linked party's latest.
        let mut index: Vec<usize> =
            dpf_parter(policy, b, &usa_parter(policy, b)).iter().filter_map(|p| p.kontroll).collect();
        index.sort_unstable();
        index.dedup();
        for i in index {
            let d = &b.dpf[i];
            let due = d.kontrollerad.plus_months(policy.regler.max_manader_sedan_dpf_kontroll as i32);
            out.push(Forfall { typ: ForfallTyp::Dpf(i), datum: due, kalla: d.kontrollerad });
        }
    }
    out
}

/// Without git history, a document's date comes from the record, never the clock: the decision date once
/// decided (the escalation's, when it went further), otherwise the latest date recorded.
pub fn dokumentdatum(b: &Bedomning) -> Option<Datum> {
    // A masked date (the open extract) would give the secret away as the document's date.
    let known = |d: Datum| (d != Datum::MASKERAD).then_some(d);
    if let Some(beslut) = b.beslut.as_ref().filter(|x| known(x.datum).is_some()) {
        return Some(
            beslut.eskalering.as_ref().and_then(|e| known(e.datum)).map_or(beslut.datum, |e| e.max(beslut.datum)),
        );
    }
    let dates = b
        .informationsmangder
        .iter()
        .map(|m| m.klassad_datum)
        .chain(b.riskanalys.as_ref().map(|r| r.datum))
        .chain(b.dpf.iter().map(|d| d.kontrollerad))
        .chain(b.bekraftelser.iter().filter_map(|c| c.datum));
    dates.filter(|d| known(*d).is_some()).max()
}

/// The policy document's date: the policy's version, or else the latest "gäller från" of
/// the policy and its pages.
pub fn policy_datum(policy: &Policy, sidor: &[crate::sidor::Sida]) -> Option<Datum> {
    if let Some(v) = &policy.version {
        return Some(v.datum);
    }
    policy.dokument.iter().filter_map(|d| d.galler_fran).chain(sidor.iter().filter_map(|s| s.meta.galler_fran)).max()
}

/// The date an assessment's documents carry: the last change in git, else the record's
/// own latest date ([`dokumentdatum`]), else `today`.
pub fn handlingsdatum(b: &Bedomning, senast_andrad: Option<Datum>, today: Datum) -> Datum {
    senast_andrad.or_else(|| dokumentdatum(b)).unwrap_or(today)
}

/// Changed since the last decided version: the decision no longer covers the file as it is.
pub fn andrad_sedan_beslut<T>(sedan_beslut: Option<&[T]>) -> bool {
    sedan_beslut.is_some_and(|d| !d.is_empty())
}

/// Why an assessment needs someone's attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uppmarksamhet<'a> {
    /// Level 4: the service must not be used as a cloud service.
    EjTillaten,
    /// Rejected: the service must not be used.
    Avslagen,
    Blockerad {
        orsaker: &'a [String],
    },
    VantarPaBeslut,
    /// Approved, but these measures are not met.
    Ouppfyllda {
        atgarder: Vec<&'a str>,
    },
    /// This many fields changed since the decision.
    AndradSedanBeslut {
        falt: usize,
    },
    Bevakning(&'a Bevakning),
}

/// How urgent something is, most urgent first: the service must not be used; a date has
/// passed; something is missing or unmet; a decision is due; a date is coming up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bradska {
    Stopp,
    Forsenad,
    Brist,
    Beslut,
    Snart,
}

/// Who must act: the service's information owner, or whoever carries out the routine for
/// the assessment's trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aktor {
    Informationsagare,
    Utforare,
}

impl Uppmarksamhet<'_> {
    pub fn bradska(&self) -> Bradska {
        match self {
            Uppmarksamhet::EjTillaten | Uppmarksamhet::Avslagen => Bradska::Stopp,
            Uppmarksamhet::Bevakning(b) => match b.typ {
                BevakningTyp::GranskningSnart | BevakningTyp::CertifikatGarUt => Bradska::Snart,
                BevakningTyp::GranskningForsenad
                | BevakningTyp::CertifikatUtganget
                | BevakningTyp::DpfInaktuell
                | BevakningTyp::BeslutDrojer => Bradska::Forsenad,
            },
            Uppmarksamhet::Blockerad { .. }
            | Uppmarksamhet::Ouppfyllda { .. }
            | Uppmarksamhet::AndradSedanBeslut { .. } => Bradska::Brist,
            Uppmarksamhet::VantarPaBeslut => Bradska::Beslut,
        }
    }

    /// The date it is about, for the ones that have one.
    pub fn datum(&self) -> Option<Datum> {
        match self {
            Uppmarksamhet::Bevakning(b) => Some(b.datum),
            _ => None,
        }
    }

    /// Decisions and reviews are the information owner's; completing the assessment and
    /// following up with the supplier are the work of whoever carries out the routine.
    pub fn aktor(&self) -> Aktor {
        match self {
            Uppmarksamhet::VantarPaBeslut
            | Uppmarksamhet::Ouppfyllda { .. }
            | Uppmarksamhet::AndradSedanBeslut { .. }
            | Uppmarksamhet::Avslagen => Aktor::Informationsagare,
            Uppmarksamhet::Bevakning(b) => match b.typ {
                BevakningTyp::GranskningForsenad | BevakningTyp::GranskningSnart | BevakningTyp::BeslutDrojer => {
                    Aktor::Informationsagare
                }
                BevakningTyp::CertifikatUtganget | BevakningTyp::CertifikatGarUt | BevakningTyp::DpfInaktuell => {
                    Aktor::Utforare
                }
            },
            Uppmarksamhet::EjTillaten | Uppmarksamhet::Blockerad { .. } => Aktor::Utforare,
        }
    }

    /// Sorts by urgency, then by date (the earliest first; undated last).
    fn nyckel(&self) -> (Bradska, bool, Option<Datum>) {
        (self.bradska(), self.datum().is_none(), self.datum())
    }
}

/// The role id of an [`Aktor`] for one assessment: the record's information owner, or the
/// first role the policy says carries out the routine for its trigger.
pub fn aktor_roll<'a>(policy: &'a Policy, b: &'a Bedomning, aktor: Aktor) -> &'a str {
    match aktor {
        Aktor::Informationsagare => &b.tjanst.informationsagare,
        Aktor::Utforare => policy
            .utlosare(b.utlosare)
            .and_then(|u| u.utfor.first())
            .map_or(b.tjanst.informationsagare.as_str(), String::as_str),
    }
}

/// What in one assessment needs attention, most urgent first (see [`Bradska`]); within
/// one urgency the earliest date first, and otherwise the order of the checks.
pub fn uppmarksamhet<'a, T>(h: &'a Harledning, sedan_beslut: Option<&[T]>) -> Vec<Uppmarksamhet<'a>> {
    let mut out = Vec::new();
    match &h.utlatande {
        Utlatande::EjTillaten => out.push(Uppmarksamhet::EjTillaten),
        Utlatande::Beslutad { status: BeslutStatus::Avslagen } => out.push(Uppmarksamhet::Avslagen),
        Utlatande::Blockerad { orsaker } => out.push(Uppmarksamhet::Blockerad { orsaker }),
        Utlatande::RedoForBeslut => out.push(Uppmarksamhet::VantarPaBeslut),
        _ => {}
    }
    if h.utlatande.godkand() {
        let atgarder: Vec<&str> = h.ouppfyllda().map(|u| u.id.as_str()).collect();
        if !atgarder.is_empty() {
            out.push(Uppmarksamhet::Ouppfyllda { atgarder });
        }
    }
    if andrad_sedan_beslut(sedan_beslut) {
        out.push(Uppmarksamhet::AndradSedanBeslut { falt: sedan_beslut.map_or(0, <[T]>::len) });
    }
    out.extend(h.bevakningar.iter().map(Uppmarksamhet::Bevakning));
    out.sort_by_key(Uppmarksamhet::nyckel);
    out
}

/// The order of the start page's list: the service with the most urgent matter first, each
/// service's list as [`uppmarksamhet`] gives it; ties by name, so the order is stable.
pub fn ordna_uppmarksamhet<T>(services: &mut [T], key: impl Fn(&T) -> (&[Uppmarksamhet<'_>], &str)) {
    services.sort_by(|a, b| {
        let (la, na) = key(a);
        let (lb, nb) = key(b);
        let first = |l: &[Uppmarksamhet<'_>]| l.first().map(Uppmarksamhet::nyckel);
        // `None` (nothing to do) sorts last.
        (first(la).is_none(), first(la), na).cmp(&(first(lb).is_none(), first(lb), nb))
    });
}

/// Reviews of approved assessments, certificates, and DPF checks, against the policy's
/// look-ahead windows. A rejected or disallowed service has nothing to review.
fn bevakningar(
    policy: &Policy,
    b: &Bedomning,
    utlatande: &Utlatande,
    atgarder: &[AtgardUtfall],
    today: Datum,
) -> Vec<Bevakning> {
    let regler = &policy.regler;
    let mut out = Vec::new();
    for f in forfallodagar(policy, b, utlatande, atgarder) {
        let (typ, certifikat, dpf) = match f.typ {
            ForfallTyp::Granskning if f.datum < today => (BevakningTyp::GranskningForsenad, None, None),
            ForfallTyp::Granskning if f.datum <= today.plus_days(regler.bevaka_granskning_dagar as i32) => {
                (BevakningTyp::GranskningSnart, None, None)
            }
            ForfallTyp::Certifikat(i) if !certifikat_giltigt(&b.certifikat[i], today) => {
                (BevakningTyp::CertifikatUtganget, Some(i), None)
            }
            ForfallTyp::Certifikat(i) if f.datum <= today.plus_days(regler.bevaka_certifikat_dagar as i32) => {
                (BevakningTyp::CertifikatGarUt, Some(i), None)
            }
            ForfallTyp::Dpf(i) if f.datum < today => (BevakningTyp::DpfInaktuell, None, Some(i)),
            _ => continue,
        };
        out.push(Bevakning { typ, datum: f.kalla, certifikat, dpf });
    }
    out
}

/// An assessment still in the works (blocked or ready for a decision) that has not changed
/// since `senast_andrad`, the last commit's date, for longer than the policy allows.
pub fn beslut_drojer(policy: &Policy, h: &Harledning, senast_andrad: Datum, today: Datum) -> Option<Bevakning> {
    let pagar = matches!(h.utlatande, Utlatande::Blockerad { .. } | Utlatande::RedoForBeslut);
    let stale = senast_andrad.plus_months(policy.regler.max_manader_utan_beslut as i32) < today;
    (pagar && stale).then_some(Bevakning {
        typ: BevakningTyp::BeslutDrojer,
        datum: senast_andrad,
        certifikat: None,
        dpf: None,
    })
}

/// Whether the kommundirektör signs the decision too: the matter was lifted to it, or the
/// IT-centerchef advised against and it may have to be.
pub fn kommundirektoren_skriver_under(beslut: &crate::model::Beslut) -> bool {
    beslut.eskalering.is_some() || beslut.it_centerchef.as_ref().is_some_and(|it| !it.tillstyrker)
}

/// Level 4 gets only the notice. Otherwise step 4's document for the trigger, once the
/// level (and so the measures) is known, and the decision basis once a decision is due.
fn handlingar(b: &Bedomning, styrande: Option<&Styrande>, utlatande: &Utlatande) -> Vec<Handling> {
    match utlatande {
        Utlatande::RutinenGallerEj => return Vec::new(),
        Utlatande::EjTillaten => return vec![Handling::EjTillaten],
        _ => {}
    }
    let mut out = Vec::new();
    if styrande.is_some() {
        out.push(match b.utlosare {
            UtlosareId::Upphandling => Handling::Kravbilaga,
            UtlosareId::Driftformsforandring => Handling::Leverantorsbekraftelse,
        });
        // Once the supplier has answered, the answers are a document of their own: the
        // request stays as it was sent.
        if b.utlosare == UtlosareId::Driftformsforandring && !b.bekraftelser.is_empty() {
            out.push(Handling::MottagenBekraftelse);
        }
    }
    if matches!(utlatande, Utlatande::Beslutad { .. } | Utlatande::RedoForBeslut) {
        out.push(Handling::Beslutsunderlag);
    }
    out
}

fn rutin(policy: &Policy, b: &Bedomning) -> Rutin {
    let id = b.driftform.id;
    let Some(df) = policy.driftform(id) else {
        return Rutin { galler: false, skal: format!("Driftform {id} finns inte i policyn.") };
    };
    match df.rutinen_galler {
        Tillampning::Alltid => Rutin { galler: true, skal: format!("Rutinen gäller alltid för driftform {id}.") },
        Tillampning::Aldrig => Rutin { galler: false, skal: format!("Rutinen gäller inte för driftform {id}.") },
        Tillampning::Villkorat => {
            let villkor = df.villkor.as_deref().unwrap_or("villkoret i policyn");
            match b.driftform.villkor_uppfyllt {
                Some(true) => Rutin {
                    galler: true,
                    skal: format!("Rutinen gäller för driftform {id} eftersom villkoret är uppfyllt: {villkor}"),
                },
                Some(false) => Rutin {
                    galler: false,
                    skal: format!(
                        "Rutinen gäller inte för driftform {id} eftersom villkoret inte är uppfyllt: {villkor}"
                    ),
                },
                None => Rutin {
                    galler: true,
                    skal: format!(
                        "Driftform {id} omfattas av rutinen om villkoret är uppfyllt, och det är inte angivet; rutinen tillämpas tills vidare. Villkor: {villkor}"
                    ),
                },
            }
        }
    }
}

/// The governing level: the policy's method over the counted aspects of every set.
/// Ties go to the first set and the first aspect in the policy's order, so the answer
/// is stable.
fn styrande_niva(policy: &Policy, b: &Bedomning) -> Option<Styrande> {
    let regel = &policy.regler.styrande_niva;
    match regel.metod {
        StyrandeMetod::Hogsta => {
            let mut best: Option<Styrande> = None;
            for (i, mangd) in b.informationsmangder.iter().enumerate() {
                for aspekt in policy.aspekter.iter().filter(|a| regel.aspekter.contains(&a.id)) {
                    let Some(&niva) = mangd.klassning.get(&aspekt.id) else { continue };
                    // A level outside the policy is a `check` error; it must not set the level.
                    if policy.niva(niva).is_none() {
                        continue;
                    }
                    if best.as_ref().is_none_or(|s| niva > s.niva) {
                        best = Some(Styrande {
                            niva,
                            informationsmangd: i,
                            informationsmangd_namn: mangd.namn.clone(),
                            aspekt: aspekt.id.clone(),
                        });
                    }
                }
            }
            best
        }
    }
}

fn usa_parter(policy: &Policy, b: &Bedomning) -> UsaParter {
    let us =
        |land: &str, flag: bool| flag || policy.regler.usa_koppling_lander.iter().any(|l| l.eq_ignore_ascii_case(land));
    UsaParter {
        leverantor: b.leverantor.as_ref().is_some_and(|l| us(&l.land, l.usa_koppling)),
        underbitraden: b.underbitraden.iter().map(|u| us(&u.land, u.usa_koppling)).collect(),
    }
}

/// The parties to look up in the DPF list: the supplier when it has a US link, except
/// that a supplier linked only through its parent (registered outside the US countries)
/// is looked up as the parent, since only US organisations can be listed; and each
/// US-linked subprocessor. Each with the latest check that names it.
fn dpf_parter(policy: &Policy, b: &Bedomning, usa: &UsaParter) -> Vec<DpfPart> {
    let lev = b.leverantor.as_ref();
    let usa_land =
        lev.is_some_and(|l| policy.regler.usa_koppling_lander.iter().any(|u| u.eq_ignore_ascii_case(&l.land)));
    let moderbolag = lev.and_then(|l| l.moderbolag.as_deref()).is_some_and(|m| !m.trim().is_empty());
    let mut parter = Vec::new();
    if usa.leverantor {
        parter.push(if moderbolag && !usa_land { Part::Moderbolag } else { Part::Leverantor });
    }
    parter.extend(usa.underbitraden.iter().enumerate().filter(|(_, us)| **us).map(|(i, _)| Part::Underbitrade(i)));
    parter
        .into_iter()
        .map(|part| {
            let namn = b.part_namn(part);
            let kontroll = b
                .dpf
                .iter()
                .enumerate()
                .filter(|(_, d)| namnger_part(&d.organisation, namn))
                .max_by_key(|(_, d)| d.kontrollerad)
                .map(|(i, _)| i);
            DpfPart { part, kontroll }
        })
        .collect()
}

/// Against a driftform that promises servers inside the EU/EEA: the supplier's country,
/// each country a place answer of the restore procedure names, and each data-storing
/// subprocessor's country, where outside the policy's `eu_ees_lander`.
fn platsavvikelser(policy: &Policy, b: &Bedomning) -> Vec<Platsavvikelse> {
    let lander = &policy.regler.eu_ees_lander;
    if lander.is_empty() || !policy.driftform(b.driftform.id).is_some_and(|d| d.inom_eu_ees) {
        return Vec::new();
    }
    // An empty or unknown code is `check`'s error of its own, not a place.
    let utanfor =
        |land: &str| crate::model::land_namn(land).is_some() && !lander.iter().any(|l| l.eq_ignore_ascii_case(land));
    let mut out = Vec::new();
    if let Some(l) = b.leverantor.as_ref().filter(|l| utanfor(&l.land)) {
        out.push(Platsavvikelse { var: PlatsKalla::Leverantor, land: l.land.to_uppercase() });
    }
    for punkt in policy.atgarder.iter().flat_map(|a| &a.punkter).filter(|p| p.placering) {
        let Some(text) = b.aterstallning.get(&punkt.id) else { continue };
        for kod in namngivna_lander(text).into_iter().filter(|k| utanfor(k)) {
            out.push(Platsavvikelse { var: PlatsKalla::Aterstallning(punkt.id.clone()), land: kod.to_owned() });
        }
    }
    for (i, u) in b.underbitraden.iter().enumerate().filter(|(_, u)| u.lagrar_data) {
        if utanfor(&u.land) {
            out.push(Platsavvikelse { var: PlatsKalla::Underbitrade(i), land: u.land.to_uppercase() });
        }
    }
    out
}

/// The countries a text names by their Swedish name, as whole words, in the order of the
/// shared country table.
fn namngivna_lander(text: &str) -> Vec<&'static str> {
    crate::model::LANDER
        .iter()
        .filter(|(_, namn)| {
            text.match_indices(namn).any(|(at, m)| {
                let fore = text[..at].chars().next_back();
                let efter = text[at + m.len()..].chars().next();
                !fore.is_some_and(char::is_alphanumeric) && !efter.is_some_and(char::is_alphanumeric)
            })
        })
        .map(|(kod, _)| *kod)
        .collect()
}

/// The parties with a US link, named for the reasons that quote them.
fn usa_koppling(b: &Bedomning, usa: &UsaParter) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(l) = b.leverantor.as_ref().filter(|_| usa.leverantor) {
        out.push(format!("leverantören {}", l.namn));
    }
    for (u, us) in b.underbitraden.iter().zip(&usa.underbitraden) {
        if *us {
            out.push(format!("underbiträdet {}", u.namn));
        }
    }
    out
}

/// What derive found in the supply chain, for the measures that depend on it.
#[derive(Clone, Copy)]
struct Kedja<'a> {
    /// The parties with a US link, named.
    usa: &'a [String],
    dpf: &'a [DpfPart],
}

fn utfall(
    policy: &Policy,
    b: &Bedomning,
    atgard: &Atgard,
    rutin: &Rutin,
    styrande: Option<&Styrande>,
    kedja: Kedja<'_>,
    today: Datum,
) -> AtgardUtfall {
    let ej =
        |skal: String| AtgardUtfall { id: atgard.id.clone(), niva: atgard.niva, tillamplig: false, status: None, skal };
    if !rutin.galler {
        return ej("Rutinen gäller inte för den här driftformen.".to_owned());
    }
    let Some(styrande) = styrande else {
        return ej("Ingen information är klassad ännu.".to_owned());
    };
    let covered =
        if policy.regler.kumulativ_atgardstabell { atgard.niva <= styrande.niva } else { atgard.niva == styrande.niva };
    if !covered {
        let regel = if policy.regler.kumulativ_atgardstabell { "eller lägre " } else { "" };
        return ej(format!(
            "Krävs på nivå {}; den styrande nivån är {} och kräver bara åtgärder på sin {regel}nivå.",
            atgard.niva, styrande.niva
        ));
    }
    // Level 4 is a hard stop: where a prohibition covers the level, no other measure is asked
    // for, so that nothing suggests a measure could open the way.
    if atgard.typ != AtgardTyp::Forbud && forbud_galler(policy, styrande.niva) {
        return ej(format!("Molntjänst är ej tillåten på nivå {}; ingen annan åtgärd efterfrågas.", styrande.niva));
    }
    // Without a supplier nothing the bidders answer is known yet: each ska-krav goes out in
    // the tender as it is (the DPF one too, since the winner's chain decides whether it
    // bites), and none of them is unmet.
    if b.leverantor.is_none() && atgard.skakrav.is_some() {
        let skal = if atgard.galler_endast_vid == Some(Villkor::UsaKoppling) {
            "Ingen leverantör är vald ännu. Kravet ställs till alla anbudsgivare; om det gäller avgörs av den antagna leverantörens kedja av underbiträden."
        } else {
            "Ingen leverantör är vald ännu. Kravet ställs till alla anbudsgivare och bedöms när anbuden har utvärderats."
        };
        return AtgardUtfall {
            id: atgard.id.clone(),
            niva: atgard.niva,
            tillamplig: true,
            status: Some(Status::Okand),
            skal: skal.to_owned(),
        };
    }
    if atgard.galler_endast_vid == Some(Villkor::UsaKoppling) && kedja.usa.is_empty() {
        return ej("Gäller bara vid USA-koppling; varken leverantören eller något underbiträde är en amerikansk organisation eller omfattas av amerikansk lag.".to_owned());
    }
    let (mut status, mut skal) = evidens(policy, b, atgard, kedja, today);
    // For a driftform change the supplier's confirmation is the evidence step 4 asks for;
    // contrary evidence still wins.
    if b.utlosare == UtlosareId::Driftformsforandring && atgard.skakrav.is_some() {
        match b.bekraftelser.iter().find(|c| c.atgard == atgard.id) {
            Some(c) if c.status == BekraftelseStatus::Nekad => {
                status = Status::EjUppfylld;
                skal = "Leverantören har inte bekräftat att åtgärden uppfylls.".to_owned();
            }
            Some(c) if c.status == BekraftelseStatus::Bekraftad => {
                if status != Status::EjUppfylld {
                    status = Status::Uppfylld;
                    let datum = c.datum.map(|d| format!(" {d}")).unwrap_or_default();
                    skal = format!("Bekräftad av leverantören{datum}. {skal}");
                }
            }
            _ => {
                if status != Status::EjUppfylld {
                    status = Status::Okand;
                    skal = format!("Väntar på leverantörens bekräftelse. {skal}");
                }
            }
        }
    }
    if atgard.skakrav.is_some()
        && let Some(svar) = b.anbudssvar.iter().find(|s| s.krav == atgard.id)
    {
        (status, skal) = med_anbudssvar(policy, svar, status, skal);
    }
    AtgardUtfall { id: atgard.id.clone(), niva: atgard.niva, tillamplig: true, status: Some(status), skal }
}

/// Where a bidder's answer to a ska-krav stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SvarLage {
    /// Answered Ja, and the evidence has been checked.
    Uppfylls,
    /// Answered Ja; a person still has to check the evidence.
    KontrollKravs,
    /// Answered Nej.
    UppfyllsEj,
}

/// A recorded answer's state: a Ja counts once someone has checked its evidence.
pub fn svar_lage(s: &Anbudssvar) -> SvarLage {
    match (s.uppfylls, &s.kontrollerad_av) {
        (false, _) => SvarLage::UppfyllsEj,
        (true, Some(_)) => SvarLage::Uppfylls,
        (true, None) => SvarLage::KontrollKravs,
    }
}

/// What a bidder's svarsbilaga says of one ska-krav, before anything is recorded: `ja` is
/// its Ja/Nej (`None` unanswered), `saknas` the restore procedure's points left blank.
/// A restore description is in the sheet itself; any other Ja rests on evidence that a
/// person has to check.
pub fn svar_i_bilaga(typ: AtgardTyp, ja: Option<bool>, saknas: &[String], bevis: Option<&str>) -> (SvarLage, String) {
    match ja {
        None => (SvarLage::UppfyllsEj, "Inget svar.".to_owned()),
        Some(false) => (SvarLage::UppfyllsEj, "Svarat Nej.".to_owned()),
        Some(true) if typ == AtgardTyp::Aterstallning && !saknas.is_empty() => {
            (SvarLage::UppfyllsEj, format!("Svarat Ja, men utan svar på: {}.", saknas.join(", ")))
        }
        Some(true) if typ == AtgardTyp::Aterstallning => {
            (SvarLage::Uppfylls, "Svarat Ja och beskrivit alla punkter.".to_owned())
        }
        Some(true) => match bevis {
            Some(b) => (SvarLage::KontrollKravs, format!("Svarat Ja; kontrollera beviset ({b}).")),
            None => (
                SvarLage::KontrollKravs,
                "Svarat Ja utan att hänvisa till en bilaga; kontrollera verifikatet.".to_owned(),
            ),
        },
    }
}

/// The bidder's answer on top of the recorded evidence: a Nej is unmet; a Ja meets a
/// measure the evidence leaves open only once its evidence is checked; the recorded
/// evidence, met or contrary, otherwise stands.
fn med_anbudssvar(policy: &Policy, s: &Anbudssvar, status: Status, skal: String) -> (Status, String) {
    let bevis = s.bevis.as_deref().map(|b| format!(" ({b})")).unwrap_or_default();
    match (svar_lage(s), status) {
        (SvarLage::UppfyllsEj, _) => (Status::EjUppfylld, "Anbudsgivaren har svarat Nej i svarsbilagan.".to_owned()),
        (_, Status::Uppfylld | Status::EjUppfylld) => (status, format!("Anbudsgivaren har svarat Ja. {skal}")),
        (SvarLage::KontrollKravs, Status::Okand) => {
            (Status::Okand, format!("Anbudsgivaren har svarat Ja; beviset{bevis} är inte kontrollerat."))
        }
        (SvarLage::Uppfylls, Status::Okand) => {
            let av = s.kontrollerad_av.as_deref().map(|r| policy.roll_namn(r)).unwrap_or_default();
            let datum = s.kontrollerad_datum.map(|d| format!(" {d}")).unwrap_or_default();
            (Status::Uppfylld, format!("Anbudsgivaren har svarat Ja; beviset{bevis} är kontrollerat av {av}{datum}."))
        }
    }
}

/// Whether a prohibition of the policy covers `niva` (level 4 in the shipped table).
fn forbud_galler(policy: &Policy, niva: u8) -> bool {
    policy.atgarder.iter().any(|a| {
        a.typ == AtgardTyp::Forbud
            && if policy.regler.kumulativ_atgardstabell { a.niva <= niva } else { a.niva == niva }
    })
}

/// Judges a measure from the recorded evidence alone.
fn evidens(policy: &Policy, b: &Bedomning, atgard: &Atgard, kedja: Kedja<'_>, today: Datum) -> (Status, String) {
    let Kedja { usa, dpf } = kedja;
    match atgard.typ {
        AtgardTyp::Forbud => (
            Status::EjUppfylld,
            format!("{} Ingen åtgärd kan göra en molntjänst godtagbar på nivå {}.", atgard.text, atgard.niva),
        ),
        AtgardTyp::Riskanalys => match &b.riskanalys {
            Some(r) => (
                Status::Uppfylld,
                format!("Riskanalys {} av {}, {}.", r.referens, policy.roll_namn(&r.genomford_av), r.datum),
            ),
            None => (Status::EjUppfylld, "Ingen riskanalys är registrerad.".to_owned()),
        },
        AtgardTyp::Aterstallning => {
            let saknas: Vec<&str> = atgard
                .punkter
                .iter()
                .filter(|p| b.aterstallning.get(&p.id).is_none_or(|s| s.trim().is_empty()))
                .map(|p| p.namn.as_str())
                .collect();
            if saknas.is_empty() {
                (Status::Uppfylld, "Leverantören har beskrivit alla punkter i återställningsförfarandet.".to_owned())
            } else if saknas.len() == atgard.punkter.len() {
                (Status::Okand, "Leverantören har inte beskrivit sitt återställningsförfarande.".to_owned())
            } else {
                (Status::EjUppfylld, format!("Beskrivningen saknar: {}.", saknas.join(", ")))
            }
        }
        AtgardTyp::Certifiering => {
            let godkanda = b.certifikat.iter().filter(|c| policy.certifiering(&c.standard).is_some());
            let mut brister = Vec::new();
            for c in godkanda {
                let namn = policy.certifiering_namn(&c.standard);
                if !certifikat_giltigt(c, today) {
                    brister.push(format!("{namn} gick ut {}", c.giltigt_till));
                } else if !c.omfattar_tjansten {
                    brister.push(format!("{namn} omfattar inte tjänsten"));
                } else {
                    return (
                        Status::Uppfylld,
                        format!("{namn} utfärdat av {}, giltigt till {}.", c.utfardare, c.giltigt_till),
                    );
                }
            }
            if b.certifieringsredogorelse.as_deref().is_some_and(|s| !s.trim().is_empty()) {
                let prefix = if brister.is_empty() {
                    String::new()
                } else {
                    format!("Inget giltigt certifikat ({}). ", brister.join("; "))
                };
                let redogjort = "Leverantören har i stället redogjort för hur informationssäkerhetskraven uppfylls";
                // The routine asks the supplier to explain; the explanation meets the measure
                // only once someone has judged it.
                match &b.redogorelse_bedomning {
                    Some(x) if x.godtagen => (
                        Status::Uppfylld,
                        format!(
                            "{prefix}{redogjort}. Redogörelsen godtogs {} (bedömd av: {}).",
                            x.datum,
                            policy.roll_namn(&x.bedomd_av)
                        ),
                    ),
                    Some(x) => (
                        Status::EjUppfylld,
                        format!(
                            "{prefix}{redogjort}, men redogörelsen godtogs inte {} (bedömd av: {}).",
                            x.datum,
                            policy.roll_namn(&x.bedomd_av)
                        ),
                    ),
                    None => (Status::Okand, format!("{prefix}{redogjort}, men ingen har ännu bedömt redogörelsen.")),
                }
            } else if brister.is_empty() {
                (Status::Okand, "Varken certifikat eller redogörelse är registrerade.".to_owned())
            } else {
                (Status::EjUppfylld, format!("Inget giltigt certifikat: {}.", brister.join("; ")))
            }
        }
        AtgardTyp::Dpf => {
            // Each US-linked party on its own: one not listed leaves the measure unmet, one
            // not checked leaves it open.
            // A name that ends in a full stop ("Inc.") ends the sentence too.
            let genom = usa.join(" och ");
            let punkt = if genom.ends_with('.') { "" } else { "." };
            let mut text = format!("USA-koppling genom {genom}{punkt}");
            let mut status = Status::Uppfylld;
            for p in dpf {
                let vem = versal(&format!("{} {}", p.part.roll(), b.part_namn(p.part)));
                match p.kontroll.and_then(|i| b.dpf.get(i)) {
                    None => {
                        text.push_str(&format!(" {vem}: inte kontrollerad i Data Privacy Framework."));
                        if status == Status::Uppfylld {
                            status = Status::Okand;
                        }
                    }
                    Some(d) if d.listad => {
                        let som = d.som();
                        let ramverk =
                            if d.ramverk.is_empty() { String::new() } else { format!(" ({})", d.ramverk.join(", ")) };
                        text.push_str(&format!(" {vem}: listad{som}{ramverk}, kontrollerad {}.", d.kontrollerad));
                    }
                    Some(d) => {
                        text.push_str(&format!(" {vem}: inte listad vid kontrollen {}.", d.kontrollerad));
                        status = Status::EjUppfylld;
                    }
                }
            }
            (status, text)
        }
    }
}

fn utlatande(
    policy: &Policy,
    b: &Bedomning,
    rutin: &Rutin,
    styrande: Option<&Styrande>,
    atgarder: &[AtgardUtfall],
) -> Utlatande {
    if !rutin.galler {
        return Utlatande::RutinenGallerEj;
    }
    if atgarder.iter().any(|u| u.del(policy) == Some(Del::Forbud)) {
        return Utlatande::EjTillaten;
    }
    if let Some(beslut) = &b.beslut {
        return Utlatande::Beslutad { status: beslut.slutligt() };
    }
    let mut orsaker = Vec::new();
    if styrande.is_none() {
        orsaker.push("Ingen informationsmängd är klassad.".to_owned());
    }
    if b.leverantor.is_none() {
        orsaker.push("Ingen leverantör är vald ännu.".to_owned());
    }
    // Without a supplier the one reason above stands for every ska-krav still unknown.
    let vantar = |u: &AtgardUtfall| b.leverantor.is_none() && u.status == Some(Status::Okand);
    for u in atgarder.iter().filter(|u| u.ouppfylld() && !vantar(u)) {
        orsaker.push(format!("{} ({}): {}", policy.atgard_rubrik(&u.id), u.id, u.skal));
    }
    for d in policy.delfragor() {
        if b.svar.get(&d.id).is_none_or(|s| s.trim().is_empty()) {
            orsaker.push(format!("Fråga {} är inte besvarad.", d.id));
        }
    }
    if orsaker.is_empty() { Utlatande::RedoForBeslut } else { Utlatande::Blockerad { orsaker } }
}

/// The text with its first letter in capitals.
fn versal(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// A measure's outcome in words. Here, below `bedom` and `view`, because both say it.
pub fn status_namn(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Uppfylld) => "Uppfylld",
        Some(Status::EjUppfylld) => "Ej uppfylld",
        Some(Status::Okand) => "Okänd",
        None => "Ej tillämplig",
    }
}
