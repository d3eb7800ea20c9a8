//! The PDF documents' view models: every document's head, an assessment's documents
//! (beslutsunderlag, the two leverantörsbekräftelse documents, ej tillåten), the
//! kravbilaga's wrapper and the whole-policy document.

use serde::Serialize;
use serde_json::Value;

use super::{
    AtgardVy, BeslutVy, CheckpunktVy, GodtasVy, KravbilagaVy, RiskanalysVy, SekretessVy, UnderbitradeVy,
    VERIFIKAT_STANDARD, atgard, bekraftelse_namn, bekraftelse_ton, beslut, certifieringar, driftform_text, godtas,
    handling_namn, klassade_aspekter, kravbilaga, land_namn, niva_namn, roll_namn, sekretess, status_namn, status_ton,
    styrande_regel, underbitraden, versal,
};
use crate::Item;
use crate::derive::{Del, Handling};
use crate::markdown::{self, Block};
use crate::model::{Datum, Leverantor, Organisation, Policy, Tidpunkt};
use crate::sidor::Sida;

/// A date as text and in parts, for Typst's `datetime`.
#[derive(Serialize)]
pub struct DatumVy {
    pub text: String,
    pub ar: i16,
    pub manad: i8,
    pub dag: i8,
}

impl From<Datum> for DatumVy {
    fn from(d: Datum) -> Self {
        DatumVy { text: d.to_string(), ar: d.0.year(), manad: d.0.month(), dag: d.0.day() }
    }
}

/// What every document's head and footer show.
#[derive(Serialize)]
pub struct DokumentHuvudVy<'a> {
    pub typ: &'static str,
    pub titel: String,
    pub referens: std::borrow::Cow<'a, str>,
    pub datum: DatumVy,
}

/// The kravbilaga as its PDF reads it: the shared [`KravbilagaVy`], with the document's
/// head and the policy's tables for the appendices, and nothing of the record besides.
#[derive(Serialize)]
pub struct KravbilagaDokumentVy<'a> {
    pub dokument: DokumentHuvudVy<'a>,
    pub organisation: &'a Organisation,
    /// The policy's tables ([`super::PolicyTabellerVy`]), serialised once for every document.
    pub policy: &'a Value,
    /// It goes to every bidder, so it carries no secrecy notice.
    pub sekretess: Option<SekretessVy<'a>>,
    pub kravbilaga: KravbilagaVy<'a>,
}

pub fn kravbilaga_dokument<'a>(
    policy: &'a Policy,
    item: &'a Item,
    tables: &'a Value,
    datum: Datum,
) -> KravbilagaDokumentVy<'a> {
    let vy = kravbilaga(policy, item, datum);
    KravbilagaDokumentVy {
        dokument: DokumentHuvudVy {
            typ: handling_namn(Handling::Kravbilaga),
            titel: vy.titel.clone(),
            referens: vy.referens.into(),
            datum: datum.into(),
        },
        organisation: &policy.organisation,
        policy: tables,
        sekretess: None,
        kravbilaga: vy,
    }
}

/// One of an assessment's documents other than the kravbilaga. `md` renders a Markdown
/// field as the PDFs print it ([`markdown::blocks`]).
#[derive(Serialize)]
pub struct DokumentVy<'a> {
    pub dokument: DokumentHuvudVy<'a>,
    pub organisation: &'a Organisation,
    pub tjanst: TjanstVy<'a>,
    pub leverantor: Option<&'a Leverantor>,
    /// "Namn (land)", or that none is chosen yet.
    pub leverantor_text: String,
    pub underbitraden: Vec<UnderbitradeVy<'a>>,
    /// "2 (drift: …, support: …, servrar: …)".
    pub driftform: String,
    pub driftform_id: u32,
    pub driftform_tidigare: Option<u32>,
    pub driftform_tidigare_text: Option<String>,
    pub utlosare: Option<&'a str>,
    pub utlatande: &'static str,
    pub niva: Option<DokumentNivaVy<'a>>,
    pub aspekter: Vec<AspektVy<'a>>,
    pub mangder: Vec<DokumentMangdVy<'a>>,
    /// Requirements on the supplier, numbered in the policy's order.
    pub krav: Vec<KravVy<'a>>,
    /// Measures that apply to the business itself.
    pub verksamhet: Vec<VerksamhetVy<'a>>,
    /// Measures that do not apply, and why.
    pub ej_tillampliga: Vec<EjTillampligVy<'a>>,
    pub forbud: Option<ForbudVy<'a>>,
    pub atgarder: Vec<AtgardVy<'a>>,
    pub riskanalys: Option<RiskanalysVy<'a>>,
    pub fragor: Vec<DokumentFragaVy<'a>>,
    pub beslut: Option<BeslutVy<'a>>,
    pub underlag: UnderlagVy<'a>,
    /// The policy's tables ([`super::PolicyTabellerVy`]), serialised once for every document.
    pub policy: &'a Value,
    /// `None` for a document that goes out ([`Handling::gar_ut`]).
    pub sekretess: Option<SekretessVy<'a>>,
    pub policy_version: Option<PolicyVersionVy<'a>>,
}

#[derive(Serialize)]
pub struct TjanstVy<'a> {
    pub namn: &'a str,
    pub referens: &'a str,
    pub beskrivning: &'a str,
    pub anvands_av: &'a [String],
    pub informationsagare: String,
    pub avtal: Option<&'a str>,
    pub avtalspart: Option<&'a str>,
}

/// The governing level and where it comes from.
#[derive(Serialize)]
pub struct DokumentNivaVy<'a> {
    pub namn: String,
    pub mangd: &'a str,
    pub aspekt: &'a str,
    pub regel: &'static str,
}

#[derive(Serialize)]
pub struct AspektVy<'a> {
    pub id: &'a str,
    pub namn: &'a str,
}

/// An information set's levels, one per aspect in [`DokumentVy::aspekter`].
#[derive(Serialize)]
pub struct DokumentMangdVy<'a> {
    pub namn: &'a str,
    pub klassning: Vec<Option<u8>>,
    pub klassad_av: String,
    pub klassad_datum: String,
}

/// A requirement on the supplier with its outcome and the supplier's confirmation.
#[derive(Serialize)]
pub struct KravVy<'a> {
    pub nummer: usize,
    pub id: &'a str,
    pub rubrik: &'a str,
    pub skakrav: Option<&'a str>,
    pub motiv: Option<&'a str>,
    pub acceptans: Option<&'a str>,
    pub lank: Option<&'a str>,
    pub tidpunkt: Option<&'static str>,
    pub godtas: Vec<GodtasVy<'a>>,
    pub bevis: &'a str,
    pub punkter: Vec<&'a str>,
    pub certifieringar: Vec<&'a str>,
    pub status: &'static str,
    pub ton: &'static str,
    pub skal: &'a str,
    pub bekraftelse: KravBekraftelseVy<'a>,
}

/// The supplier's confirmation of a requirement; "–" where nothing is recorded.
#[derive(Serialize)]
pub struct KravBekraftelseVy<'a> {
    pub status: &'static str,
    pub ton: &'static str,
    pub datum: String,
    pub bevis: &'a str,
}

#[derive(Serialize)]
pub struct VerksamhetVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub text: &'a str,
    pub status: &'static str,
    pub ton: &'static str,
    pub skal: &'a str,
}

#[derive(Serialize)]
pub struct EjTillampligVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub skal: &'a str,
}

#[derive(Serialize)]
pub struct ForbudVy<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub skal: &'a str,
}

#[derive(Serialize)]
pub struct DokumentFragaVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub delfragor: Vec<DokumentSvarVy<'a>>,
}

/// A sub-question with the record's answer, `None` when it is blank.
#[derive(Serialize)]
pub struct DokumentSvarVy<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub svar: Option<Value>,
}

/// What the decision basis adds: the checklist, the suitability answers, a central
/// component's exception, each unmet ska-krav with the risk accepted for it, and who signs.
#[derive(Serialize)]
pub struct UnderlagVy<'a> {
    pub checklista: Vec<CheckpunktVy<'a>>,
    pub lamplighet: Vec<LamplighetSvarVy<'a>>,
    pub central_komponent: Option<CentralUndantagVy<'a>>,
    pub ouppfyllda: Vec<OuppfylldVy<'a>>,
    pub eskalerad: bool,
    pub underskrifter: Vec<UnderskriftVy>,
    pub eskalering_regel: Option<&'a str>,
    pub nivaer: Vec<String>,
}

#[derive(Serialize)]
pub struct LamplighetSvarVy<'a> {
    pub text: &'a str,
    pub svar: Option<Value>,
}

#[derive(Serialize)]
pub struct CentralUndantagVy<'a> {
    pub namn: &'a str,
    pub undantag: Value,
    pub regel: &'a str,
}

#[derive(Serialize)]
pub struct OuppfylldVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub status: &'static str,
    pub ton: &'static str,
    pub skal: &'a str,
    /// The decision's reason for accepting the risk, if it does.
    pub accepterad: Option<Value>,
}

/// A signature line: the role in definite form, and what it signs for.
#[derive(Serialize)]
pub struct UnderskriftVy {
    pub roll: String,
    pub vad: &'static str,
}

#[derive(Serialize)]
pub struct PolicyVersionVy<'a> {
    pub nummer: &'a str,
    pub datum: String,
}

/// The data for one of an assessment's documents other than the kravbilaga, dated `datum`
/// (see [`crate::derive::handlingsdatum`]). `tables` is the policy's tables, serialised.
pub fn dokument<'a>(
    policy: &'a Policy,
    item: &'a Item,
    handling: Handling,
    tables: &'a Value,
    datum: Datum,
    profil: crate::sekretess::Profil,
    md: &dyn Fn(&str) -> Value,
) -> DokumentVy<'a> {
    let b = &item.bedomning;
    let h = &item.harledning;
    let aspekter = klassade_aspekter(policy, b);
    // Requirements on the supplier, numbered in the policy's order; the rest apply to the
    // business itself, or do not apply, and say why.
    let mut krav = Vec::new();
    let mut verksamhet = Vec::new();
    let mut ej_tillampliga = Vec::new();
    let mut forbud = None;
    for u in &h.atgarder {
        let (Some(a), Some(del)) = (policy.atgard(&u.id), u.del(policy)) else { continue };
        match del {
            Del::EjTillamplig => ej_tillampliga.push(EjTillampligVy { id: &a.id, rubrik: &a.rubrik, skal: &u.skal }),
            Del::Forbud => forbud = Some(ForbudVy { id: &a.id, text: &a.text, skal: &u.skal }),
            Del::Leverantor => {
                let c = b.bekraftelser.iter().find(|c| c.atgard == a.id);
                krav.push(KravVy {
                    nummer: krav.len() + 1,
                    id: &a.id,
                    rubrik: &a.rubrik,
                    skakrav: a.skakrav.as_deref(),
                    motiv: a.motiv.as_deref(),
                    acceptans: a.acceptans.as_deref(),
                    lank: a.lank.as_deref(),
                    tidpunkt: a.tidpunkt.map(Tidpunkt::text),
                    godtas: godtas(policy, a),
                    bevis: a.bevis.as_deref().unwrap_or(VERIFIKAT_STANDARD),
                    punkter: a.punkter.iter().map(|p| p.namn.as_str()).collect(),
                    certifieringar: certifieringar(policy, a),
                    status: status_namn(u.status),
                    ton: status_ton(u.status),
                    skal: &u.skal,
                    bekraftelse: KravBekraftelseVy {
                        status: bekraftelse_namn(c.map(|c| c.status)),
                        ton: bekraftelse_ton(c.map(|c| c.status)),
                        datum: c.and_then(|c| c.datum).map_or("–".to_owned(), |d| d.to_string()),
                        bevis: c.and_then(|c| c.bevis.as_deref()).unwrap_or("–"),
                    },
                });
            }
            Del::Verksamhet => verksamhet.push(VerksamhetVy {
                id: &a.id,
                rubrik: &a.rubrik,
                text: &a.text,
                status: status_namn(u.status),
                ton: status_ton(u.status),
                skal: &u.skal,
            }),
        }
    }
    let svar = |s: Option<&String>| s.filter(|s| !s.trim().is_empty()).map(|s| md(s));
    DokumentVy {
        dokument: DokumentHuvudVy {
            typ: handling_namn(handling),
            titel: format!("{}: {}", handling_namn(handling), b.tjanst.namn),
            referens: b.tjanst.referens.as_str().into(),
            datum: datum.into(),
        },
        organisation: &policy.organisation,
        tjanst: TjanstVy {
            namn: &b.tjanst.namn,
            referens: &b.tjanst.referens,
            beskrivning: &b.tjanst.beskrivning,
            anvands_av: &b.tjanst.anvands_av,
            informationsagare: roll_namn(policy, &b.tjanst.informationsagare),
            avtal: b.tjanst.avtal.as_deref(),
            avtalspart: b.tjanst.avtalspart.as_deref(),
        },
        leverantor: b.leverantor.as_ref(),
        leverantor_text: b
            .leverantor
            .as_ref()
            .map_or_else(|| super::INGEN_LEVERANTOR.to_owned(), |l| format!("{} ({})", l.namn, land_namn(&l.land))),
        underbitraden: underbitraden(item),
        driftform: driftform_text(policy, b.driftform.id),
        driftform_id: b.driftform.id,
        driftform_tidigare: b.driftform.tidigare,
        driftform_tidigare_text: b.driftform.tidigare.map(|id| driftform_text(policy, id)),
        utlosare: policy.utlosare(b.utlosare).map(|u| u.namn.as_str()),
        utlatande: super::utlatande_namn(&h.utlatande),
        niva: h.styrande.as_ref().map(|s| DokumentNivaVy {
            namn: niva_namn(policy, s.niva),
            mangd: &s.informationsmangd_namn,
            aspekt: policy.aspekt_namn(&s.aspekt),
            regel: styrande_regel(policy),
        }),
        aspekter: aspekter.iter().map(|a| AspektVy { id: &a.id, namn: &a.namn }).collect(),
        mangder: b
            .informationsmangder
            .iter()
            .map(|m| DokumentMangdVy {
                namn: &m.namn,
                klassning: aspekter.iter().map(|a| m.klassning.get(&a.id).copied()).collect(),
                klassad_av: roll_namn(policy, &m.klassad_av),
                klassad_datum: m.klassad_datum.to_string(),
            })
            .collect(),
        krav,
        verksamhet,
        ej_tillampliga,
        forbud,
        atgarder: h.atgarder.iter().map(|u| atgard(policy, u)).collect(),
        riskanalys: b.riskanalys.as_ref().map(|r| RiskanalysVy {
            referens: &r.referens,
            datum: r.datum.to_string(),
            genomford_av: roll_namn(policy, &r.genomford_av),
        }),
        fragor: policy
            .fragor
            .iter()
            .map(|f| DokumentFragaVy {
                id: &f.id,
                rubrik: &f.rubrik,
                delfragor: f
                    .delfraga
                    .iter()
                    .map(|d| DokumentSvarVy { id: &d.id, text: &d.text, svar: svar(b.svar.get(&d.id)) })
                    .collect(),
            })
            .collect(),
        beslut: b.beslut.as_ref().map(|x| beslut(policy, x, md)),
        underlag: underlag(policy, item, md),
        policy: tables,
        sekretess: (!handling.gar_ut()).then(|| sekretess(item, profil)),
        policy_version: policy
            .version
            .as_ref()
            .map(|v| PolicyVersionVy { nummer: &v.nummer, datum: v.datum.to_string() }),
    }
}

fn underlag<'a>(policy: &'a Policy, item: &'a Item, md: &dyn Fn(&str) -> Value) -> UnderlagVy<'a> {
    let b = &item.bedomning;
    let h = &item.harledning;
    let svar = |s: Option<&String>| s.filter(|s| !s.trim().is_empty()).map(|s| md(s));
    let eskalerad = b.beslut.as_ref().is_some_and(crate::derive::kommundirektoren_skriver_under);
    UnderlagVy {
        checklista: policy
            .checklista
            .iter()
            .map(|c| {
                let status = b.checklista.get(&c.id);
                CheckpunktVy {
                    namn: &c.namn,
                    // An unknown status is shown as written; validate has reported it.
                    status: status.map(|s| policy.checkstatus(s).map_or(s.as_str(), |x| x.namn.as_str())),
                    klar: status.and_then(|s| policy.checkstatus(s)).is_some_and(|x| x.klar),
                }
            })
            .collect(),
        lamplighet: policy
            .lamplighet
            .villkor
            .iter()
            .map(|v| LamplighetSvarVy { text: &v.text, svar: svar(b.lamplighet.get(&v.id)) })
            .collect(),
        central_komponent: b.central_komponent.as_ref().map(|c| CentralUndantagVy {
            namn: policy
                .lamplighet
                .centrala_komponenter
                .iter()
                .find(|k| k.id == c.komponent)
                .map_or(c.komponent.as_str(), |k| k.namn.as_str()),
            undantag: md(&c.undantag),
            regel: &policy.lamplighet.centrala_komponenter_text,
        }),
        ouppfyllda: h
            .ouppfyllda()
            .filter(|u| u.del(policy) == Some(Del::Leverantor))
            .map(|u| OuppfylldVy {
                id: &u.id,
                rubrik: policy.atgard_rubrik(&u.id),
                status: status_namn(u.status),
                ton: status_ton(u.status),
                skal: &u.skal,
                accepterad: b
                    .beslut
                    .as_ref()
                    .and_then(|x| x.accepterad_risk.iter().find(|a| a.atgard == u.id))
                    .map(|a| md(&a.motivering)),
            })
            .collect(),
        eskalerad,
        // Who signs, in the policy's words: the owner decides, the IT-centerchef takes a
        // position, and the kommundirektör decides a matter lifted to it.
        underskrifter: [("informationsagare", "beslutar som riskägare"), ("it-centerchef", "tar ställning")]
            .into_iter()
            .chain(eskalerad.then_some(("kommundirektor", "beslutar när ärendet har lyfts")))
            .map(|(roll, vad)| UnderskriftVy { roll: versal(&policy.roll_bestamd(roll)), vad })
            .collect(),
        eskalering_regel: policy.roller.iter().find(|r| r.id == "kommundirektor").map(|r| r.beskrivning.as_str()),
        nivaer: policy.nivaer.iter().map(|n| niva_namn(policy, n.varde)).collect(),
    }
}

/// The whole-policy document: the content pages' text, then the policy's tables.
#[derive(Serialize)]
pub struct PolicyDokumentVy<'a> {
    pub dokument: DokumentHuvudVy<'a>,
    /// "2026.1, 2026-01-01", or the document's date when the policy has no version.
    pub version: String,
    pub organisation: &'a Organisation,
    pub sidor: Vec<PolicySidaVy<'a>>,
    /// The policy's tables ([`super::PolicyTabellerVy`]), serialised once for every document.
    pub policy: &'a Value,
    /// The policy marks nothing secret; the profile only says which extract this is.
    pub sekretess: SekretessVy<'a>,
}

#[derive(Serialize)]
pub struct PolicySidaVy<'a> {
    pub titel: &'a str,
    pub metadata: Vec<MetadataVy>,
    pub block: Vec<Block>,
}

/// A content page's metadata field, where the page gives it.
#[derive(Serialize)]
pub struct MetadataVy {
    pub namn: &'static str,
    pub varde: String,
}

pub fn policy_dokument<'a>(
    policy: &'a Policy,
    sidor: &'a [Sida],
    tables: &'a Value,
    datum: Datum,
    profil: crate::sekretess::Profil,
) -> PolicyDokumentVy<'a> {
    let metadata = |s: &Sida| {
        let m = &s.meta;
        [
            ("Fastställd av", m.faststalld_av.clone()),
            ("Gäller från", m.galler_fran.map(|d| d.to_string())),
            ("Gäller för", m.galler_for.clone()),
            ("Dokumentansvarig", m.dokumentansvarig.clone()),
        ]
        .into_iter()
        .filter_map(|(namn, varde)| varde.map(|varde| MetadataVy { namn, varde }))
        .collect()
    };
    let version = policy.version.as_ref().map_or_else(|| datum.to_string(), |v| format!("{}, {}", v.nummer, v.datum));
    PolicyDokumentVy {
        dokument: DokumentHuvudVy {
            typ: "Rutin och riktlinje med lokala tillägg",
            titel: "Molntjänster: rutin och riktlinje".to_owned(),
            referens: format!("Version {version}").into(),
            datum: datum.into(),
        },
        version,
        organisation: &policy.organisation,
        sidor: sidor
            .iter()
            .map(|s| PolicySidaVy {
                titel: &s.meta.titel,
                metadata: metadata(s),
                block: markdown::print_blocks(&s.markdown),
            })
            .collect(),
        policy: tables,
        sekretess: SekretessVy { oppen: profil.oppen(), markeringar: Vec::new(), avsnitt: None },
    }
}
