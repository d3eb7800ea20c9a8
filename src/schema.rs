//! JSON Schemas for editors: the assessment record with the policy's allowed values as
//! enums, and the policy source itself. Generated from the Rust types, so they cannot
//! drift from what `check` accepts.

use serde_json::{Value, json};

use crate::model::{Bedomning, BegreppKategori, Policy};

/// Every object rejects keys it does not know, as `check` does.
fn close_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

fn ids<'a>(values: impl IntoIterator<Item = &'a str>) -> Value {
    json!(values.into_iter().collect::<Vec<_>>())
}

/// Sets `keyword` to `value` on the property `prop` of the definition `def`.
fn constrain(schema: &mut Value, def: &str, prop: &str, keyword: &str, value: Value) {
    let target = if def.is_empty() { Some(&mut *schema) } else { schema.pointer_mut(&format!("/$defs/{def}")) };
    if let Some(p) = target.and_then(|d| d.pointer_mut(&format!("/properties/{prop}"))) {
        p.as_object_mut().expect("a property schema is an object").insert(keyword.into(), value);
    }
}

/// The assessment record, with the levels, aspects, driftformer, certifications, roles,
/// organisations, terms, questions and checklist of `policy`, and the ISO country codes,
/// as the allowed values.
pub fn bedomning(policy: &Policy) -> Value {
    let mut s = schemars::schema_for!(Bedomning).to_value();
    let roller = ids(policy.roller.iter().map(|r| r.id.as_str()));
    let niva = json!({"type": "integer", "enum": policy.nivaer.iter().map(|n| n.varde).collect::<Vec<_>>()});
    let aspekter = ids(policy.aspekter.iter().map(|a| a.id.as_str()));
    let modell = |k| ids(policy.begrepp_i_kategori(k).map(|b| b.id.as_str()));
    constrain(&mut s, "", "tjanstemodell", "enum", modell(BegreppKategori::Tjanstemodell));
    constrain(&mut s, "", "leveransmodell", "enum", modell(BegreppKategori::Leveransmodell));
    constrain(&mut s, "Tjanst", "informationsagare", "enum", roller.clone());
    let org = &policy.organisation;
    let organisationer = ids(std::iter::once(&org.namn).chain(&org.kommuner).chain(&org.bolag).map(String::as_str));
    constrain(&mut s, "Tjanst", "anvands_av", "items", json!({"type": "string", "enum": organisationer}));
    // ISO 3166-1 alpha-2, or empty in a draft, as `check` takes them.
    let mut lander: Vec<&str> = celes::Country::get_countries().iter().map(|c| c.alpha2).collect();
    lander.sort_unstable();
    lander.dedup();
    lander.insert(0, "");
    constrain(&mut s, "Leverantor", "land", "enum", json!(lander));
    constrain(&mut s, "Underbitrade", "land", "enum", json!(lander));
    constrain(&mut s, "DriftformVal", "id", "enum", json!(policy.driftformer.iter().map(|d| d.id).collect::<Vec<_>>()));
    constrain(&mut s, "Informationsmangd", "klassning", "propertyNames", json!({"enum": aspekter}));
    constrain(&mut s, "Informationsmangd", "klassning", "additionalProperties", niva);
    constrain(&mut s, "Informationsmangd", "klassad_av", "enum", roller.clone());
    constrain(&mut s, "Certifikat", "standard", "enum", ids(policy.certifieringar.iter().map(|c| c.id.as_str())));
    constrain(&mut s, "Riskanalys", "genomford_av", "enum", roller.clone());
    constrain(&mut s, "Beslut", "beslutsfattare", "enum", roller.clone());
    constrain(&mut s, "Eskalering", "till", "enum", roller);
    let atgarder = ids(policy.atgarder.iter().filter(|a| a.skakrav.is_some()).map(|a| a.id.as_str()));
    constrain(&mut s, "Bekraftelse", "atgard", "enum", atgarder);
    let komponenter = ids(policy.lamplighet.centrala_komponenter.iter().map(|k| k.id.as_str()));
    constrain(&mut s, "CentralKomponentVal", "komponent", "enum", komponenter);
    let keys = |values: Value| json!({"enum": values});
    constrain(&mut s, "", "svar", "propertyNames", keys(ids(policy.delfragor().map(|d| d.id.as_str()))));
    constrain(&mut s, "", "checklista", "propertyNames", keys(ids(policy.checklista.iter().map(|c| c.id.as_str()))));
    let statusar = ids(policy.checkstatusar.iter().map(|c| c.id.as_str()));
    constrain(&mut s, "", "checklista", "additionalProperties", json!({"type": "string", "enum": statusar}));
    let punkter = ids(policy.atgarder.iter().flat_map(|a| a.punkter.iter().map(|p| p.id.as_str())));
    constrain(&mut s, "", "aterstallning", "propertyNames", keys(punkter));
    constrain(
        &mut s,
        "",
        "lamplighet",
        "propertyNames",
        keys(ids(policy.lamplighet.villkor.iter().map(|v| v.id.as_str()))),
    );
    // TOML has no null: an absent supplier (a tender still out) is the key left out, so the
    // schema states the table itself and an editor's error names the field inside it.
    if let Some(lev) = s.pointer_mut("/properties/leverantor").and_then(Value::as_object_mut) {
        lev.remove("anyOf");
        lev.remove("type");
        lev.insert("$ref".into(), json!("#/$defs/Leverantor"));
    }
    close_objects(&mut s);
    s
}

/// The policy source.
pub fn policy() -> Value {
    let mut s = schemars::schema_for!(Policy).to_value();
    close_objects(&mut s);
    s
}
