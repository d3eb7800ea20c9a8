//! The JSON each Typst template reads as `/data.json`: derived data with Swedish labels.
//!
//! Like the HTML view models, this decides nothing; it lays out what `derive` decided.
//! Every string stays a JSON string, so Typst shows it as text and never evaluates it.

use serde_json::{Value, json};

use crate::Item;
use crate::derive::{Del, Handling};
use crate::markdown;
use crate::model::{Datum, Policy};
use crate::sidor::Sida;
use crate::view::{self, niva_namn, roll_namn as roll, status_namn};

fn datum(d: Datum) -> Value {
    json!({"text": d.to_string(), "ar": d.0.year(), "manad": d.0.month(), "dag": d.0.day()})
}

/// The policy tables every document may append ([`view::policy_tabeller`]), serialised
/// once for all the documents that carry them.
pub fn policy_tables(policy: &Policy) -> Value {
    serde_json::to_value(view::policy_tabeller(policy)).expect("the policy tables serialise")
}

fn organisation(policy: &Policy) -> Value {
    json!(policy.organisation)
}

fn governing_rule(policy: &Policy) -> &'static str {
    view::styrande_regel(policy)
}

/// The kravbilaga's data: its shared view model ([`view::kravbilaga`]) and the policy's
/// tables for the appendices, and nothing of the record besides. It goes to every bidder.
fn kravbilaga(policy: &Policy, item: &Item, tables: &Value, datum_: Datum) -> Value {
    let vy = view::kravbilaga(policy, item, datum_);
    json!({
        "dokument": {"typ": view::handling_namn(Handling::Kravbilaga), "titel": vy.titel, "referens": vy.referens, "datum": datum(datum_)},
        "organisation": organisation(policy),
        "policy": tables,
        "sekretess": Value::Null,
        "kravbilaga": vy,
    })
}

/// The data for one of an assessment's documents, dated `datum_` (see [`crate::derive::handlingsdatum`]).
/// `tables` is [`policy_tables`], built once.
pub fn bedomning(
    policy: &Policy,
    item: &Item,
    handling: Handling,
    tables: &Value,
    datum_: Datum,
    profil: crate::Profil,
) -> Value {
    if handling == Handling::Kravbilaga {
        return kravbilaga(policy, item, tables, datum_);
    }
    let b = &item.bedomning;
    let h = &item.harledning;
    let titel = format!("{}: {}", view::handling_namn(handling), b.tjanst.namn);
    let aspekter: Vec<_> = policy
        .aspekter
        .iter()
        .filter(|a| a.obligatorisk || b.informationsmangder.iter().any(|m| m.klassning.contains_key(&a.id)))
        .collect();
    let mangder: Vec<Value> = b
        .informationsmangder
        .iter()
        .map(|m| {
            json!({
                "namn": m.namn,
                "klassning": aspekter.iter().map(|a| m.klassning.get(&a.id)).collect::<Vec<_>>(),
                "klassad_av": roll(policy, &m.klassad_av), "klassad_datum": m.klassad_datum.to_string(),
            })
        })
        .collect();
    let niva = h.styrande.as_ref().map(|s| {
        json!({
            "namn": niva_namn(policy, s.niva), "mangd": s.informationsmangd_namn,
            "aspekt": policy.aspekt_namn(&s.aspekt),
            "regel": governing_rule(policy),
        })
    });
    // Requirements on the supplier, numbered in the policy's order; the rest apply to the
    // business itself, or do not apply, and say why.
    let mut krav = Vec::new();
    let mut verksamhet = Vec::new();
    let mut ej = Vec::new();
    let mut forbud = Value::Null;
    for u in &h.atgarder {
        let (Some(a), Some(del)) = (policy.atgard(&u.id), u.del(policy)) else { continue };
        match del {
            Del::EjTillamplig => {
                ej.push(json!({"id": a.id, "rubrik": a.rubrik, "skal": u.skal}));
            }
            Del::Forbud => {
                forbud = json!({"id": a.id, "text": a.text, "skal": u.skal});
            }
            Del::Leverantor => {
                let bekraftelse = b.bekraftelser.iter().find(|c| c.atgard == a.id);
                krav.push(json!({
                    "nummer": krav.len() + 1, "id": a.id, "rubrik": a.rubrik, "skakrav": a.skakrav,
                    "motiv": a.motiv, "acceptans": a.acceptans, "lank": a.lank,
                    "tidpunkt": a.tidpunkt.map(crate::model::Tidpunkt::text),
                    "godtas": if a.typ == crate::model::AtgardTyp::Certifiering {
                        policy.certifieringar.iter().map(|c| json!({"namn": c.namn, "form": c.form.namn(), "godtas": c.godtas})).collect::<Vec<_>>()
                    } else { Vec::new() },
                    "bevis": a.bevis.as_deref().unwrap_or("Underlag som visar att kravet uppfylls."),
                    "punkter": a.punkter.iter().map(|p| p.namn.as_str()).collect::<Vec<_>>(),
                    "certifieringar": view::certifieringar(policy, a),
                    "status": status_namn(u.status), "ton": view::status_ton(u.status), "skal": u.skal,
                    "bekraftelse": {
                        "status": view::bekraftelse_namn(bekraftelse.map(|c| c.status)),
                        "ton": view::bekraftelse_ton(bekraftelse.map(|c| c.status)),
                        "datum": bekraftelse.and_then(|c| c.datum).map_or("–".to_owned(), |d| d.to_string()),
                        "bevis": bekraftelse.and_then(|c| c.bevis.clone()).unwrap_or_else(|| "–".to_owned()),
                    },
                }));
            }
            Del::Verksamhet => {
                verksamhet.push(json!({"id": a.id, "rubrik": a.rubrik, "text": a.text, "status": status_namn(u.status), "ton": view::status_ton(u.status), "skal": u.skal}));
            }
        }
    }
    let atgarder: Vec<_> = h.atgarder.iter().map(|u| view::atgard(policy, u)).collect();
    let md = |s: &str| json!(markdown::blocks(s));
    let fragor: Vec<Value> = policy
        .fragor
        .iter()
        .map(|f| {
            json!({"id": f.id, "rubrik": f.rubrik, "delfragor": f.delfraga.iter().map(|d| json!({
                "id": d.id, "text": d.text, "svar": b.svar.get(&d.id).filter(|s| !s.trim().is_empty()).map(|s| md(s)),
            })).collect::<Vec<_>>()})
        })
        .collect();
    let beslut = b.beslut.as_ref().map(|x| view::beslut(policy, x, &md));
    // What the decision basis adds: the checklist, the suitability answers, a central
    // component's exception, and each unmet ska-krav with the risk accepted for it.
    let checklista: Vec<Value> = policy
        .checklista
        .iter()
        .map(|c| {
            let status = b.checklista.get(&c.id);
            json!({"namn": c.namn, "status": status.map(|s| policy.checkstatus(s).map_or(s.as_str(), |x| x.namn.as_str())),
                "klar": status.and_then(|s| policy.checkstatus(s)).is_some_and(|x| x.klar)})
        })
        .collect();
    let lamplighet: Vec<Value> = policy
        .lamplighet
        .villkor
        .iter()
        .map(|v| json!({"text": v.text, "svar": b.lamplighet.get(&v.id).filter(|s| !s.trim().is_empty()).map(|s| md(s))}))
        .collect();
    let central = b.central_komponent.as_ref().map(|c| {
        let namn = policy
            .lamplighet
            .centrala_komponenter
            .iter()
            .find(|k| k.id == c.komponent)
            .map_or(c.komponent.as_str(), |k| k.namn.as_str());
        json!({"namn": namn, "undantag": md(&c.undantag), "regel": policy.lamplighet.centrala_komponenter_text})
    });
    let ouppfyllda: Vec<Value> = h
        .ouppfyllda()
        .filter(|u| u.del(policy) == Some(Del::Leverantor))
        .map(|u| {
            let accepterad = b.beslut.as_ref().and_then(|x| x.accepterad_risk.iter().find(|a| a.atgard == u.id));
            json!({"id": u.id, "rubrik": policy.atgard_rubrik(&u.id), "status": status_namn(u.status), "ton": view::status_ton(u.status),
                "skal": u.skal, "accepterad": accepterad.map(|a| md(&a.motivering))})
        })
        .collect();
    let eskalerad = b.beslut.as_ref().is_some_and(crate::derive::kommundirektoren_skriver_under);
    // Who signs, in the policy's words: the owner decides, the IT-centerchef takes a
    // position, and the kommundirektör decides a matter lifted to it.
    let underskrifter: Vec<Value> =
        [("informationsagare", "beslutar som riskägare"), ("it-centerchef", "tar ställning")]
            .into_iter()
            .chain(eskalerad.then_some(("kommundirektor", "beslutar när ärendet har lyfts")))
            .map(|(roll, vad)| json!({"roll": view::versal(&policy.roll_bestamd(roll)), "vad": vad}))
            .collect();
    let underlag = json!({
        "checklista": checklista, "lamplighet": lamplighet, "central_komponent": central, "ouppfyllda": ouppfyllda,
        "eskalerad": eskalerad,
        "underskrifter": underskrifter,
        "eskalering_regel": policy.roller.iter().find(|r| r.id == "kommundirektor").map(|r| r.beskrivning.as_str()),
        "nivaer": policy.nivaer.iter().map(|n| niva_namn(policy, n.varde)).collect::<Vec<_>>(),
    });
    let driftform_text = |id: u32| {
        policy.driftform(id).map_or_else(
            || id.to_string(),
            |d| {
                format!(
                    "{} (drift: {}, support: {}, servrar: {})",
                    d.id, d.driftleverantor, d.support, d.serverplacering
                )
            },
        )
    };
    let driftform = driftform_text(b.driftform.id);
    json!({
        "dokument": {"typ": view::handling_namn(handling), "titel": titel, "referens": b.tjanst.referens, "datum": datum(datum_)},
        "organisation": organisation(policy),
        "tjanst": {
            "namn": b.tjanst.namn, "referens": b.tjanst.referens, "beskrivning": b.tjanst.beskrivning,
            "anvands_av": b.tjanst.anvands_av, "informationsagare": roll(policy, &b.tjanst.informationsagare),
            "avtal": b.tjanst.avtal, "avtalspart": b.tjanst.avtalspart,
        },
        "leverantor": b.leverantor,
        // "Namn (land)", or that none is chosen yet.
        "leverantor_text": b.leverantor.as_ref().map_or_else(|| view::INGEN_LEVERANTOR.to_owned(), |l| format!("{} ({})", l.namn, view::land_namn(&l.land))),
        "underbitraden": view::underbitraden(item),
        "driftform": driftform,
        "driftform_id": b.driftform.id,
        "driftform_tidigare": b.driftform.tidigare,
        "driftform_tidigare_text": b.driftform.tidigare.map(driftform_text),
        "utlosare": policy.utlosare(b.utlosare).map(|u| u.namn.as_str()),
        "utlatande": view::utlatande_namn(&h.utlatande),
        "niva": niva,
        "aspekter": aspekter.iter().map(|a| json!({"id": a.id, "namn": a.namn})).collect::<Vec<_>>(),
        "mangder": mangder,
        "krav": krav,
        "verksamhet": verksamhet,
        "ej_tillampliga": ej,
        "forbud": forbud,
        "atgarder": atgarder,
        "riskanalys": b.riskanalys.as_ref().map(|r| json!({"referens": r.referens, "datum": r.datum.to_string(), "genomford_av": roll(policy, &r.genomford_av)})),
        "fragor": fragor,
        "beslut": beslut,
        "underlag": underlag,
        "policy": tables,
        "sekretess": if handling.gar_ut() { None } else { Some(view::sekretess(item, profil)) },
        "policy_version": policy.version.as_ref().map(|v| json!({"nummer": v.nummer, "datum": v.datum.to_string()})),
    })
}

/// The whole-policy document: the content pages' text, then the policy's tables.
pub fn policy_document(policy: &Policy, sidor: &[Sida], tables: &Value, datum_: Datum, profil: crate::Profil) -> Value {
    let meta = |s: &Sida| {
        let m = &s.meta;
        [
            ("Fastställd av", m.faststalld_av.clone()),
            ("Gäller från", m.galler_fran.map(|d| d.to_string())),
            ("Gäller för", m.galler_for.clone()),
            ("Dokumentansvarig", m.dokumentansvarig.clone()),
        ]
        .into_iter()
        .filter_map(|(namn, varde)| varde.map(|v| json!({"namn": namn, "varde": v})))
        .collect::<Vec<_>>()
    };
    let version = policy.version.as_ref().map_or_else(|| datum_.to_string(), |v| format!("{}, {}", v.nummer, v.datum));
    json!({
        "dokument": {
            "typ": "Rutin och riktlinje med lokala tillägg",
            "titel": "Molntjänster: rutin och riktlinje",
            "referens": format!("Version {version}"), "datum": datum(datum_),
        },
        "version": version,
        "organisation": organisation(policy),
        "sidor": sidor.iter().map(|s| json!({"titel": s.meta.titel, "metadata": meta(s), "block": markdown::print_blocks(&s.markdown)})).collect::<Vec<_>>(),
        "policy": tables,
        "sekretess": {"oppen": profil.oppen(), "markeringar": []},
    })
}
