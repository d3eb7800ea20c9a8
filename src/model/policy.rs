//! The policy source: the routine and the guideline as data.
//!
//! Everything the tool knows about levels, measures, driftformer and terms comes
//! from here, so an organisation changes its rules by editing `policy.toml`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Datum;

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Policy {
    pub organisation: Organisation,
    pub regler: Regler,
    #[serde(rename = "driftform")]
    pub driftformer: Vec<Driftform>,
    #[serde(rename = "niva")]
    pub nivaer: Vec<Niva>,
    #[serde(rename = "aspekt")]
    pub aspekter: Vec<Aspekt>,
    #[serde(rename = "atgard")]
    pub atgarder: Vec<Atgard>,
    #[serde(rename = "certifiering")]
    pub certifieringar: Vec<Certifiering>,
    pub begrepp: Vec<Begrepp>,
    #[serde(rename = "dokumenttyp")]
    pub dokumenttyper: Vec<Dokumenttyp>,
    pub metadatafalt: Vec<Metadatafalt>,
    pub dokument: Vec<Dokument>,
    #[serde(rename = "roll")]
    pub roller: Vec<Roll>,
    pub utlosare: Vec<Utlosare>,
    pub steg: Vec<Steg>,
    #[serde(rename = "fraga")]
    pub fragor: Vec<Fraga>,
    #[serde(rename = "checkpunkt")]
    pub checklista: Vec<Checkpunkt>,
    #[serde(rename = "checkstatus")]
    pub checkstatusar: Vec<Checkstatus>,
    pub lamplighet: Lamplighet,
    /// The policy's own version: its number and the date it took effect. Dates the printed
    /// policy and the accessibility statement; without it, the latest "gäller från" does.
    pub version: Option<PolicyVersion>,
    /// What the published pages may show about who changed a record.
    #[serde(default)]
    pub publicering: Publicering,
    /// The accessibility statement's facts (DIGG's model).
    #[serde(default)]
    pub tillganglighet: Tillganglighet,
    /// What the tender's kravbilaga shows.
    #[serde(default)]
    pub kravbilaga: Kravbilaga,
    /// Parts of every assessment that are secret under OSL.
    #[serde(default)]
    pub sekretess: Vec<super::Sekretess>,
}

/// Whose words a text is. Readers compare the intranet with the adopted documents, so a
/// local addition is marked wherever it is shown.
///
/// Default rule, so that a policy written before the field loads unchanged: each list takes
/// the document it comes from in the seeds (driftformer, measures, steps, roles and triggers
/// the routine; questions, checklist, glossary, document types and "när passar" the
/// guideline; levels and aspects, which come from KLASSA, are local). A text that differs
/// from that must say so with `kalla`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TextKalla {
    /// The routine's words.
    Rutin,
    /// The guideline's words.
    Riktlinje,
    /// The organisation's own addition or judgement.
    Lokal,
}

impl TextKalla {
    fn rutin() -> Self {
        TextKalla::Rutin
    }
    fn riktlinje() -> Self {
        TextKalla::Riktlinje
    }
    fn lokal() -> Self {
        TextKalla::Lokal
    }
}

/// A paragraph of policy text with its provenance.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Stycke {
    pub text: String,
    #[serde(default = "TextKalla::riktlinje")]
    pub kalla: TextKalla,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct PolicyVersion {
    /// E.g. "2026.1".
    pub nummer: String,
    /// The date this version took effect.
    pub datum: Datum,
}

/// How git authors appear on the published pages. Records hold roles, not names, and the
/// history must not bring the names back.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Publicering {
    /// `dold` (default): no author is shown. `roll`: an author is shown as the role
    /// `forfattare_roller` maps it to, and as "okänd roll" otherwise.
    #[serde(default)]
    pub forfattare: ForfattareVisning,
    /// Author name or e-mail address → role id.
    #[serde(default)]
    pub forfattare_roller: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ForfattareVisning {
    #[default]
    Dold,
    Roll,
}

/// DIGG's model for an accessibility statement: status, how and when it was assessed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Tillganglighet {
    #[serde(default)]
    pub status: Forenlighet,
    /// Why the status is what it is.
    #[serde(default)]
    pub motivering: String,
    /// Known shortcomings, each in one sentence.
    #[serde(default)]
    pub brister: Vec<String>,
    /// When the site was last assessed; without it, the policy's version date.
    pub bedomd: Option<Datum>,
}

/// DIGG's three compliance statuses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Forenlighet {
    HeltForenlig,
    #[default]
    DelvisForenlig,
    InteForenlig,
}

impl Forenlighet {
    pub fn namn(self) -> &'static str {
        match self {
            Forenlighet::HeltForenlig => "helt förenlig",
            Forenlighet::DelvisForenlig => "delvis förenlig",
            Forenlighet::InteForenlig => "inte förenlig",
        }
    }
}

/// The organisation that owns the assessments.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Organisation {
    pub namn: String,
    pub beskrivning: String,
    /// The municipalities the organisation serves.
    pub kommuner: Vec<String>,
    /// The municipal companies it serves.
    #[serde(default)]
    pub bolag: Vec<String>,
    pub kontakt: Kontakt,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Kontakt {
    pub funktion: String,
    pub epost: String,
    pub telefon: String,
    pub postadress: String,
}

/// The derivation rules DOMAIN.md names, as data.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Regler {
    pub styrande_niva: StyrandeNivaRegel,
    /// A level demands its own measures and those of every level below it.
    pub kumulativ_atgardstabell: bool,
    /// Countries whose organisations count as a US link for the DPF measure.
    pub usa_koppling_lander: Vec<String>,
    /// The EU/EEA countries (ISO 3166-1 alpha-2), for the driftformer that promise servers
    /// inside the EU/EEA. Empty: no location is checked.
    #[serde(default)]
    pub eu_ees_lander: Vec<String>,
    /// The longest time from a decision to the next review.
    pub max_manader_till_granskning: u32,
    /// How far ahead a coming review is flagged.
    #[serde(default = "default_granskning_bevakning")]
    pub bevaka_granskning_dagar: u32,
    /// How far ahead an expiring certificate is flagged.
    #[serde(default = "default_certifikat_bevakning")]
    pub bevaka_certifikat_dagar: u32,
    /// A DPF check older than this is stale: listings lapse at the annual recertification.
    #[serde(default = "default_dpf_manader")]
    pub max_manader_sedan_dpf_kontroll: u32,
    /// An assessment without a decision whose last change is older than this has stalled.
    #[serde(default = "default_utan_beslut_manader")]
    pub max_manader_utan_beslut: u32,
}

fn default_granskning_bevakning() -> u32 {
    60
}

fn default_certifikat_bevakning() -> u32 {
    90
}

fn default_dpf_manader() -> u32 {
    12
}

fn default_utan_beslut_manader() -> u32 {
    6
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct StyrandeNivaRegel {
    pub metod: StyrandeMetod,
    /// Aspects that count towards the governing level (ids from `[[aspekt]]`).
    pub aspekter: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StyrandeMetod {
    /// The highest level of any counted aspect of any information set.
    Hogsta,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Driftform {
    #[serde(default = "TextKalla::rutin")]
    pub kalla: TextKalla,
    pub id: u32,
    pub driftleverantor: String,
    pub support: String,
    pub serverplacering: String,
    /// The servers are inside the EU/EEA (`regler.eu_ees_lander`): a supplier, a backup
    /// location or a subprocessor storing data outside them contradicts the choice.
    #[serde(default)]
    pub inom_eu_ees: bool,
    pub rutinen_galler: Tillampning,
    /// For `villkorat`: the condition under which the routine applies.
    pub villkor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Tillampning {
    Alltid,
    Villkorat,
    Aldrig,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Niva {
    #[serde(default = "TextKalla::lokal")]
    pub kalla: TextKalla,
    pub varde: u8,
    pub namn: String,
    pub beskrivning: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Aspekt {
    #[serde(default = "TextKalla::lokal")]
    pub kalla: TextKalla,
    pub id: String,
    pub namn: String,
    pub beskrivning: String,
    /// Every information set must be classified on a required aspect.
    pub obligatorisk: bool,
}

/// One row of the åtgärdstabell.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Atgard {
    #[serde(default = "TextKalla::rutin")]
    pub kalla: TextKalla,
    /// Stable id, used as the ska-krav number's anchor in every document.
    pub id: String,
    pub niva: u8,
    /// How the tool judges the measure from the recorded evidence.
    pub typ: AtgardTyp,
    pub rubrik: String,
    /// The policy's own wording.
    pub text: String,
    /// Items the supplier must cover (restore procedure's points).
    #[serde(default)]
    pub punkter: Vec<Punkt>,
    /// What happens when the main way is missing (certification: an explanation).
    pub alternativ: Option<String>,
    /// Reference named by the policy (the DPF participant list).
    pub lank: Option<String>,
    /// The tender wording; absent when the measure is not a requirement on the supplier.
    pub skakrav: Option<String>,
    /// Whose words the ska-krav are: the tender wording states conditions (valid, in scope,
    /// for the whole contract) that the routine leaves unsaid, so by default it is local.
    #[serde(default = "TextKalla::lokal")]
    pub skakrav_kalla: TextKalla,
    /// Why the requirement is there, for the bidder (SKR's "motiv"). Required with `skakrav`.
    pub motiv: Option<String>,
    /// Whose words the motiv is; by default local, as the routine gives no reasons.
    #[serde(default = "TextKalla::lokal")]
    pub motiv_kalla: TextKalla,
    /// The verifikat: what the bidder submits as evidence.
    pub bevis: Option<String>,
    /// When the evidence is submitted. Required with `skakrav`.
    pub tidpunkt: Option<Tidpunkt>,
    /// What the evidence must hold to pass, where the policy says. Part of the ska-krav
    /// wording, so `skakrav_kalla` is its provenance too.
    pub acceptans: Option<String>,
    /// Role responsible for carrying the measure out.
    pub ansvarig: String,
    /// The measure applies only when this condition holds.
    pub galler_endast_vid: Option<Villkor>,
}

/// When a bidder submits a requirement's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Tidpunkt {
    /// With the tender.
    Anbud,
    /// Before the contract is signed.
    ForeAvtal,
    /// During the contract.
    Avtalstid,
}

impl Tidpunkt {
    /// The moment in words, to follow "Lämnas".
    pub fn text(self) -> &'static str {
        match self {
            Tidpunkt::Anbud => "med anbudet",
            Tidpunkt::ForeAvtal => "innan avtal tecknas",
            Tidpunkt::Avtalstid => "under avtalstiden",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AtgardTyp {
    /// A cloud service is not allowed at all.
    Forbud,
    Riskanalys,
    Aterstallning,
    Certifiering,
    Dpf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Villkor {
    /// The supplier or a subprocessor is a US organisation or under US law.
    UsaKoppling,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Punkt {
    pub id: String,
    pub namn: String,
    /// The answer names a place (country, jurisdiction): checked against a driftform
    /// inside the EU/EEA.
    #[serde(default)]
    pub placering: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Certifiering {
    #[serde(default = "TextKalla::rutin")]
    pub kalla: TextKalla,
    pub id: String,
    pub namn: String,
    pub beskrivning: String,
    /// A certificate, or an independent party's audit report.
    #[serde(default)]
    pub form: CertifieringForm,
    /// What counts, in the tender's words: which level or report type, what the scope must
    /// cover and when it must be valid. Local wording: the routine names only the standards.
    pub godtas: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CertifieringForm {
    /// A certificate from a certification body.
    #[default]
    Certifikat,
    /// An audit report from an independent auditor (SOC 2 Type II, CSA STAR level 2).
    Granskningsrapport,
}

impl CertifieringForm {
    pub fn namn(self) -> &'static str {
        match self {
            CertifieringForm::Certifikat => "certifikat",
            CertifieringForm::Granskningsrapport => "granskningsrapport",
        }
    }
}

/// What the tender's kravbilaga shows. It goes to every bidder, so it shows the least by
/// default.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Kravbilaga {
    #[serde(default)]
    pub visa_klassning: KlassningVisning,
}

/// How much of the classification a kravbilaga shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KlassningVisning {
    /// Only the governing level.
    #[default]
    Niva,
    /// The highest level per aspect, without the information sets' names.
    Aspekter,
    /// Every information set by name, with its levels.
    Informationsmangder,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Begrepp {
    #[serde(default = "TextKalla::riktlinje")]
    pub kalla: TextKalla,
    /// Stable anchor on the glossary page.
    pub id: String,
    pub term: String,
    pub forklaring: String,
    pub kategori: BegreppKategori,
    /// Other spellings that link to the same term.
    #[serde(default)]
    pub synonymer: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BegreppKategori {
    Allmant,
    /// SaaS, PaaS, IaaS: allowed values of an assessment's `tjanstemodell`.
    Tjanstemodell,
    /// Private, public, community, hybrid: allowed values of `leveransmodell`.
    Leveransmodell,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Dokumenttyp {
    #[serde(default = "TextKalla::riktlinje")]
    pub kalla: TextKalla,
    pub id: String,
    pub namn: String,
    pub beskrivning: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Metadatafalt {
    pub id: String,
    pub namn: String,
}

/// A governing document the policy reproduces.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Dokument {
    pub id: String,
    pub titel: String,
    /// Id from `[[dokumenttyp]]`.
    pub typ: String,
    pub faststalld_av: Option<String>,
    pub galler_fran: Option<Datum>,
    pub galler_for: Option<String>,
    pub dokumentansvarig: Option<String>,
    /// Target groups, as the routine lists them.
    #[serde(default)]
    pub malgrupper: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Roll {
    #[serde(default = "TextKalla::rutin")]
    pub kalla: TextKalla,
    pub id: String,
    pub namn: String,
    /// The name in definite form for running text ("informationsägaren"); without it, a
    /// one-word name gets the common ending.
    #[serde(default)]
    pub bestamd: Option<String>,
    pub beskrivning: String,
}

/// What starts the routine: procurement or a change of driftform.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Utlosare {
    #[serde(default = "TextKalla::rutin")]
    pub kalla: TextKalla,
    pub id: UtlosareId,
    pub namn: String,
    pub initierar: Vec<String>,
    pub utfor: Vec<String>,
    pub stod: Vec<String>,
    /// The routine's Ansvar bullets for this trigger.
    pub ansvar: Vec<String>,
    /// Step 4 for this trigger.
    pub effekt: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum UtlosareId {
    Upphandling,
    Driftformsforandring,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Steg {
    #[serde(default = "TextKalla::rutin")]
    pub kalla: TextKalla,
    pub nummer: u8,
    pub namn: String,
    pub beskrivning: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Fraga {
    #[serde(default = "TextKalla::riktlinje")]
    pub kalla: TextKalla,
    pub id: String,
    pub rubrik: String,
    pub delfraga: Vec<Delfraga>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Delfraga {
    /// Key in an assessment's `[svar]` table, e.g. `2b`.
    pub id: String,
    pub text: String,
    pub exempel: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Checkpunkt {
    #[serde(default = "TextKalla::riktlinje")]
    pub kalla: TextKalla,
    pub id: String,
    pub namn: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Checkstatus {
    pub id: String,
    pub namn: String,
    /// Whether the item counts as done.
    pub klar: bool,
}

/// When a cloud service fits, and what must stay local.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Lamplighet {
    pub villkor: Vec<LamplighetVillkor>,
    pub centrala_komponenter: Vec<CentralKomponent>,
    pub centrala_komponenter_text: String,
    /// Paragraphs after the list of central components: the guideline's on law and DIGG's
    /// trust frameworks, and the organisation's own additions.
    #[serde(default)]
    pub stycken: Vec<Stycke>,
    /// When a cloud service can be a good alternative (the guideline's two cases).
    #[serde(default)]
    pub fordelar: Vec<Stycke>,
    /// The lead-in to `villkor`: they are where a cloud service fits best, not absolute rules.
    #[serde(default = "default_villkor_inledning")]
    pub villkor_inledning: String,
}

fn default_villkor_inledning() -> String {
    "Molntjänst passar bäst under följande förhållanden:".to_owned()
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct LamplighetVillkor {
    #[serde(default = "TextKalla::riktlinje")]
    pub kalla: TextKalla,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct CentralKomponent {
    #[serde(default = "TextKalla::riktlinje")]
    pub kalla: TextKalla,
    pub id: String,
    pub namn: String,
}

impl Policy {
    pub fn niva(&self, varde: u8) -> Option<&Niva> {
        self.nivaer.iter().find(|n| n.varde == varde)
    }

    pub fn driftform(&self, id: u32) -> Option<&Driftform> {
        self.driftformer.iter().find(|d| d.id == id)
    }

    pub fn atgard(&self, id: &str) -> Option<&Atgard> {
        self.atgarder.iter().find(|a| a.id == id)
    }

    pub fn aspekt(&self, id: &str) -> Option<&Aspekt> {
        self.aspekter.iter().find(|a| a.id == id)
    }

    pub fn roll(&self, id: &str) -> Option<&Roll> {
        self.roller.iter().find(|r| r.id == id)
    }

    pub fn certifiering(&self, id: &str) -> Option<&Certifiering> {
        self.certifieringar.iter().find(|c| c.id == id)
    }

    /// A role's name, or its id when the policy does not know it.
    pub fn roll_namn<'a>(&'a self, id: &'a str) -> &'a str {
        self.roll(id).map_or(id, |r| r.namn.as_str())
    }

    /// A role's name in definite form for running text: the policy's `bestamd`, or else the
    /// name with a lower-case first letter (unless it is an abbreviation such as "IT-") and
    /// the common ending ("-en", "-n" after an "e").
    pub fn roll_bestamd(&self, id: &str) -> String {
        let Some(r) = self.roll(id) else { return id.to_owned() };
        if let Some(b) = &r.bestamd {
            return b.clone();
        }
        let namn = r.namn.as_str();
        let mut chars = namn.chars();
        let lower = match (chars.next(), chars.next()) {
            (Some(a), Some(b)) if !b.is_uppercase() => a.to_lowercase().chain(namn[a.len_utf8()..].chars()).collect(),
            _ => namn.to_owned(),
        };
        if lower.contains(' ') || lower.ends_with("en") || lower.ends_with("et") {
            lower
        } else if lower.ends_with('e') {
            format!("{lower}n")
        } else {
            format!("{lower}en")
        }
    }

    /// A certification's name, or its id when the policy does not know it.
    pub fn certifiering_namn<'a>(&'a self, id: &'a str) -> &'a str {
        self.certifiering(id).map_or(id, |c| c.namn.as_str())
    }

    /// An aspect's name, or its id when the policy does not know it.
    pub fn aspekt_namn<'a>(&'a self, id: &'a str) -> &'a str {
        self.aspekt(id).map_or(id, |a| a.namn.as_str())
    }

    /// A measure's heading, or its id when the policy does not know it.
    pub fn atgard_rubrik<'a>(&'a self, id: &'a str) -> &'a str {
        self.atgard(id).map_or(id, |a| a.rubrik.as_str())
    }

    pub fn checkstatus(&self, id: &str) -> Option<&Checkstatus> {
        self.checkstatusar.iter().find(|c| c.id == id)
    }

    pub fn utlosare(&self, id: UtlosareId) -> Option<&Utlosare> {
        self.utlosare.iter().find(|u| u.id == id)
    }

    pub fn begrepp_i_kategori(&self, kategori: BegreppKategori) -> impl Iterator<Item = &Begrepp> {
        self.begrepp.iter().filter(move |b| b.kategori == kategori)
    }

    pub fn delfragor(&self) -> impl Iterator<Item = &Delfraga> {
        self.fragor.iter().flat_map(|f| f.delfraga.iter())
    }
}
