//! The assessment record (bedömning): one TOML file per assessed cloud service.
//!
//! Roles, never personal names: KLASSA advises it, and a record is a public document.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Datum;
use super::policy::UtlosareId;

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Bedomning {
    /// Overrides the file name as the assessment's slug.
    pub slug: Option<String>,
    pub tjanst: Tjanst,
    /// The supplier: absent while a procurement's requirements are out for tender, added
    /// once the winning bid is known.
    pub leverantor: Option<Leverantor>,
    #[serde(default)]
    pub underbitraden: Vec<Underbitrade>,
    /// A term id from the glossary with kategori `tjanstemodell` (saas, paas, iaas).
    pub tjanstemodell: String,
    /// A term id from the glossary with kategori `leveransmodell`.
    pub leveransmodell: String,
    pub driftform: DriftformVal,
    pub utlosare: UtlosareId,
    #[serde(default)]
    pub central_komponent: Option<CentralKomponentVal>,
    #[serde(default, rename = "informationsmangd")]
    pub informationsmangder: Vec<Informationsmangd>,
    /// The supplier's answers on the restore procedure, keyed by the policy's points.
    #[serde(default)]
    pub aterstallning: BTreeMap<String, String>,
    #[serde(default)]
    pub certifikat: Vec<Certifikat>,
    /// The supplier's explanation when it has no certification (Markdown).
    pub certifieringsredogorelse: Option<String>,
    /// Who judged the explanation, and when: until someone has, it does not meet the measure.
    pub redogorelse_bedomning: Option<RedogorelseBedomning>,
    /// One DPF check per US-linked party of the chain (`[[dpf]]`), each naming its party.
    #[serde(default)]
    pub dpf: Vec<DpfKontroll>,
    pub riskanalys: Option<Riskanalys>,
    /// Answers to the basic questions, keyed by sub-question id (`1a`, `2b`, …), Markdown.
    #[serde(default)]
    pub svar: BTreeMap<String, String>,
    /// How each condition for a fitting cloud service holds, keyed by condition id, Markdown.
    #[serde(default)]
    pub lamplighet: BTreeMap<String, String>,
    /// Checklist status per checklist item id.
    #[serde(default)]
    pub checklista: BTreeMap<String, String>,
    /// The supplier's confirmation per measure, for a driftform change.
    #[serde(default, rename = "bekraftelse")]
    pub bekraftelser: Vec<Bekraftelse>,
    /// The winning bidder's answers from the svarsbilaga, one per ska-krav; written by
    /// `molnkoll svar --skriv`.
    #[serde(default)]
    pub anbudssvar: Vec<Anbudssvar>,
    pub beslut: Option<Beslut>,
    /// Parts of this record that are secret under OSL, in addition to the policy's.
    #[serde(default)]
    pub sekretess: Vec<Sekretess>,
}

/// A part of an assessment that is secret under OSL (offentlighets- och sekretesslagen).
/// The open extract (`--profile oppen`) replaces it with a notice citing `paragraf`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Sekretess {
    /// A path into the assessment record: dotted keys (`beslut.riskbedomning`), a map
    /// entry (`svar.3b`), or a whole section (`riskanalys`, `underbitraden`). A path
    /// through a list (`certifikat.bevis`) covers that field in every entry.
    pub falt: String,
    /// The OSL paragraph, e.g. `18 kap. 8 § OSL`.
    pub paragraf: String,
    /// Why, in a few words; shown next to the label and the notice.
    pub grund: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Tjanst {
    pub namn: String,
    pub beskrivning: String,
    /// The diary or case number.
    pub referens: String,
    /// The organisations that will use the service: each the policy's `organisation.namn`,
    /// one of its `kommuner` or one of its `bolag`.
    pub anvands_av: Vec<String>,
    /// Role that owns the information and the risk: a role id, never a person's name.
    pub informationsagare: String,
    /// The contract's reference (its number or name), printed on the supplier's confirmation.
    pub avtal: Option<String>,
    /// The organisation that holds the contract and signs for the customer: the policy's
    /// `organisation.namn`, one of its `kommuner` or one of its `bolag`.
    pub avtalspart: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Leverantor {
    pub namn: String,
    /// ISO 3166-1 alpha-2 country code of the contracting company, in capitals (`SE`, `US`).
    pub land: String,
    /// Under US law although registered elsewhere (e.g. a US parent company).
    #[serde(default)]
    pub usa_koppling: bool,
    pub moderbolag: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Underbitrade {
    pub namn: String,
    /// ISO 3166-1 alpha-2 country code, in capitals (`SE`, `US`).
    pub land: String,
    #[serde(default)]
    pub usa_koppling: bool,
    /// What the subprocessor does for the service.
    pub uppgift: String,
    /// It stores the service's data (not only support or access): its country is then
    /// where data is kept.
    #[serde(default)]
    pub lagrar_data: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct DriftformVal {
    /// Id of a driftform in the policy.
    pub id: u32,
    /// For a conditional driftform: whether its condition holds.
    pub villkor_uppfyllt: Option<bool>,
    /// The driftform before a change, for the driftform-change trigger.
    pub tidigare: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct CentralKomponentVal {
    /// Id of a central component in the policy.
    pub komponent: String,
    /// The stated exception that allows it outside local operation.
    pub undantag: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Informationsmangd {
    pub namn: String,
    pub beskrivning: String,
    /// Level per aspect id (K, R, T, and optionally S).
    pub klassning: BTreeMap<String, u8>,
    /// Role that classified the information: a role id, never a person's name.
    pub klassad_av: String,
    pub klassad_datum: Datum,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Certifikat {
    /// Id of a certification in the policy.
    pub standard: String,
    pub utfardare: String,
    pub giltigt_till: Datum,
    /// Whether the certificate's scope covers this service.
    pub omfattar_tjansten: bool,
    /// Reference to the evidence (document, diary number).
    pub bevis: String,
}

/// The judgement of a supplier's explanation in place of a certificate.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct RedogorelseBedomning {
    /// Role that judged it: a role id, never a person's name.
    pub bedomd_av: String,
    pub datum: Datum,
    /// Whether the explanation shows that the security requirements are met.
    pub godtagen: bool,
    /// Why, in a few words (Markdown).
    pub motivering: Option<String>,
}

/// The DPF check of one party of the supply chain.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct DpfKontroll {
    /// The party the check covers: the supplier's, the parent company's or a
    /// subprocessor's name, as the record writes it.
    pub organisation: String,
    /// The name found in the list, when it is not the party's own (an EU subsidiary is
    /// listed through its US parent).
    pub listad_som: Option<String>,
    pub listad: bool,
    /// The frameworks the listing covers, e.g. "EU-U.S. DPF".
    #[serde(default)]
    pub ramverk: Vec<String>,
    pub kontrollerad: Datum,
    pub bevis: Option<String>,
}

impl DpfKontroll {
    /// " som <namn i listan>" when the listed name is not the party's own, else nothing.
    pub fn som(&self) -> String {
        self.listad_som.as_deref().filter(|s| !s.trim().is_empty()).map(|s| format!(" som {s}")).unwrap_or_default()
    }
}

/// A party of the supply chain, as a DPF check names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "roll", content = "index")]
pub enum Part {
    Leverantor,
    Moderbolag,
    /// The subprocessor at this index of the record.
    Underbitrade(usize),
}

impl Part {
    /// The party's role in running text, definite form.
    pub fn roll(self) -> &'static str {
        match self {
            Part::Leverantor => "leverantören",
            Part::Moderbolag => "moderbolaget",
            Part::Underbitrade(_) => "underbiträdet",
        }
    }
}

impl Bedomning {
    /// Every party of the supply chain with its name: the supplier, its parent company,
    /// then each subprocessor in the record's order.
    pub fn parter(&self) -> Vec<(Part, &str)> {
        let mut out = Vec::new();
        if let Some(l) = &self.leverantor {
            out.push((Part::Leverantor, l.namn.as_str()));
            if let Some(m) = &l.moderbolag {
                out.push((Part::Moderbolag, m.as_str()));
            }
        }
        out.extend(self.underbitraden.iter().enumerate().map(|(i, u)| (Part::Underbitrade(i), u.namn.as_str())));
        out
    }

    /// The name of a party of this record.
    pub fn part_namn(&self, part: Part) -> &str {
        match part {
            Part::Leverantor => self.leverantor.as_ref().map_or("", |l| l.namn.as_str()),
            Part::Moderbolag => self.leverantor.as_ref().and_then(|l| l.moderbolag.as_deref()).unwrap_or_default(),
            Part::Underbitrade(i) => self.underbitraden.get(i).map_or("", |u| u.namn.as_str()),
        }
    }
}

/// Whether a DPF check's `organisation` names the party called `namn`: the same words,
/// whatever the case and spacing, with or without a closing note in parentheses
/// ("Microsoft Corporation (USA)").
pub fn namnger_part(organisation: &str, namn: &str) -> bool {
    fn kort(s: &str) -> String {
        let s = s.trim();
        let s = match s.strip_suffix(')').and_then(|r| r.rfind(" (").map(|i| &r[..i])) {
            Some(utan) if !utan.trim().is_empty() => utan,
            _ => s,
        };
        s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
    }
    !organisation.trim().is_empty() && kort(organisation) == kort(namn)
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Riskanalys {
    pub referens: String,
    pub datum: Datum,
    /// Role that carried out the analysis.
    pub genomford_av: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Bekraftelse {
    /// Id of a measure in the policy.
    pub atgard: String,
    pub status: BekraftelseStatus,
    pub datum: Option<Datum>,
    pub bevis: Option<String>,
}

/// A bidder's answer to one ska-krav, as the svarsbilaga gave it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Anbudssvar {
    /// Id of a measure in the policy that is a ska-krav.
    pub krav: String,
    /// The bidder's Ja (`true`) or Nej (`false`).
    pub uppfylls: bool,
    /// How the bidder says it meets the requirement, in its own words.
    pub svar: Option<String>,
    /// Where in the tender the evidence is (an attachment's name or number).
    pub bevis: Option<String>,
    /// Role that checked the evidence; until someone has, a Ja alone does not meet the
    /// requirement.
    pub kontrollerad_av: Option<String>,
    /// When the evidence was checked.
    pub kontrollerad_datum: Option<Datum>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BekraftelseStatus {
    Bekraftad,
    Vantar,
    Nekad,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Beslut {
    /// The information owner's decision.
    pub status: BeslutStatus,
    /// Role that decided: the information owner, who is also the risk owner.
    pub beslutsfattare: String,
    pub datum: Datum,
    /// The protection level the information owner decides: a level of the policy.
    pub skyddsniva: Option<u8>,
    /// The delegation the decision rests on, e.g. a point in a delegeringsordning.
    pub delegation: Option<String>,
    /// Why the owner decides so, Markdown.
    pub motivering: String,
    /// The residual risk the owner accepts: each unmet measure, and why.
    #[serde(default)]
    pub accepterad_risk: Vec<AccepteradRisk>,
    /// Conditions the approval holds under, one per entry.
    #[serde(default)]
    pub villkor: Vec<String>,
    /// The risk assessment in the decision basis, Markdown.
    pub riskbedomning: String,
    /// How the decision can affect legal responsibility and reputation, Markdown.
    pub juridiskt_ansvar_och_varumarke: String,
    pub nasta_granskning: Option<Datum>,
    pub it_centerchef: Option<Stallningstagande>,
    pub eskalering: Option<Eskalering>,
}

impl Beslut {
    /// The decision that stands: the escalation's, when the matter went further.
    pub fn slutligt(&self) -> BeslutStatus {
        self.eskalering.as_ref().map_or(self.status, |e| e.beslut)
    }
}

/// An unmet measure the information owner accepts as residual risk.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct AccepteradRisk {
    /// Id of a measure in the policy.
    pub atgard: String,
    /// Why the risk is acceptable (Markdown).
    pub motivering: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BeslutStatus {
    Godkand,
    Avslagen,
}

/// The IT-centerchef's position, which the guideline requires in every decision.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Stallningstagande {
    pub tillstyrker: bool,
    pub datum: Datum,
    pub motivering: String,
}

/// When the business does not accept the IT-centerchef's position.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Eskalering {
    /// Role the matter went to (the kommundirektör).
    pub till: String,
    pub datum: Datum,
    pub beslut: BeslutStatus,
    pub motivering: String,
}
