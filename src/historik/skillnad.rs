//! Field-by-field differences between two versions of an assessment, in Swedish labels.
//!
//! Both versions are flattened to (path, text) pairs: tables by key, arrays of tables by
//! position, arrays of values as one list. Comparing the pairs gives what was added,
//! removed and changed, independent of formatting, comments and key order.

use serde::Serialize;
use toml::Value;

/// One field that differs. `fore` is the decided version, `efter` the file now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skillnad {
    /// The dotted path in the file, e.g. `informationsmangd[2].klassning.K`.
    pub falt: String,
    /// The same path in words, e.g. `Informationsmängd 2 › Klassning › K`.
    pub etikett: String,
    pub fore: Option<String>,
    pub efter: Option<String>,
}

/// The differences from `fore` to `efter`, in the order of the fields' paths. A version
/// that does not parse is compared as if it were empty, so every field shows.
pub fn skillnader(fore: &str, efter: &str) -> Vec<Skillnad> {
    let (a, b) = (flatten(fore), flatten(efter));
    let mut out = Vec::new();
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (x, y) = (a.get(key), b.get(key));
        if x.map(|v| &v.1) != y.map(|v| &v.1) {
            let etikett = x.or(y).map(|v| v.0.clone()).unwrap_or_default();
            out.push(Skillnad {
                falt: key.clone(),
                etikett,
                fore: x.map(|v| v.1.clone()),
                efter: y.map(|v| v.1.clone()),
            });
        }
    }
    out
}

/// Path → (label, value as text).
type Flat = std::collections::BTreeMap<String, (String, String)>;

fn flatten(text: &str) -> Flat {
    let mut out = Flat::new();
    if let Ok(table) = toml::from_str::<toml::Table>(text) {
        walk(&Value::Table(table), "", "", &mut out);
    }
    out
}

fn walk(value: &Value, path: &str, label: &str, out: &mut Flat) {
    match value {
        Value::Table(t) => {
            for (key, v) in t {
                let p = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                let l = if label.is_empty() { etikett(key) } else { format!("{label} › {}", etikett(key)) };
                walk(v, &p, &l, out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_table) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{path}[{}]", i + 1), &format!("{label} {}", i + 1), out);
            }
        }
        _ => {
            out.insert(path.to_owned(), (label.to_owned(), text(value)));
        }
    }
}

fn text(value: &Value) -> String {
    match value {
        // Git for Windows checks files out with CRLF (`core.autocrlf=true`) and in with LF:
        // the same text either way.
        Value::String(s) => s.replace("\r\n", "\n"),
        Value::Boolean(true) => "ja".to_owned(),
        Value::Boolean(false) => "nej".to_owned(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// A dotted path's Swedish label: `beslut.riskbedomning` → `Beslut › Riskbedömning`.
pub(crate) fn etikett_for(falt: &str) -> String {
    falt.split('.').map(etikett).collect::<Vec<_>>().join(" › ")
}

/// A key's Swedish label. Keys the record does not define (answer ids, aspects, checklist
/// items) are shown as written.
fn etikett(key: &str) -> String {
    let s = match key {
        "slug" => "Kortnamn i adressen",
        "tjanst" => "Tjänst",
        "namn" => "Namn",
        "beskrivning" => "Beskrivning",
        "referens" => "Referens",
        "anvands_av" => "Används av",
        "informationsagare" => "Informationsägare",
        "leverantor" => "Leverantör",
        "land" => "Land",
        "usa_koppling" => "Koppling till USA",
        "moderbolag" => "Moderbolag",
        "underbitraden" => "Underbiträde",
        "uppgift" => "Uppgift",
        "tjanstemodell" => "Tjänstemodell",
        "leveransmodell" => "Leveransmodell",
        "driftform" => "Driftform",
        "id" => "Id",
        "villkor_uppfyllt" => "Villkoret uppfyllt",
        "tidigare" => "Tidigare driftform",
        "utlosare" => "Utlösare",
        "central_komponent" => "Central komponent",
        "komponent" => "Komponent",
        "undantag" => "Undantag",
        "informationsmangd" => "Informationsmängd",
        "klassning" => "Klassning",
        "klassad_av" => "Klassad av",
        "klassad_datum" => "Klassad datum",
        "aterstallning" => "Återställning",
        "certifikat" => "Certifikat",
        "standard" => "Standard",
        "utfardare" => "Utfärdare",
        "giltigt_till" => "Giltigt till",
        "omfattar_tjansten" => "Omfattar tjänsten",
        "bevis" => "Bevis",
        "certifieringsredogorelse" => "Redogörelse i stället för certifiering",
        "redogorelse_bedomning" => "Bedömning av redogörelsen",
        "bedomd_av" => "Bedömd av",
        "godtagen" => "Godtagen",
        "skyddsniva" => "Skyddsnivå",
        "delegation" => "Delegation",
        "accepterad_risk" => "Accepterad risk",
        "villkor" => "Villkor",
        "avtal" => "Avtal",
        "part" => "Avtalspart",
        "lagrar_data" => "Lagrar data",
        "backup_land" => "Backupens land",
        "dpf" => "DPF-kontroll",
        "listad" => "Listad",
        "ramverk" => "Ramverk",
        "kontrollerad" => "Kontrollerad",
        "organisation" => "Organisation",
        "riskanalys" => "Riskanalys",
        "datum" => "Datum",
        "genomford_av" => "Genomförd av",
        "svar" => "Svar på fråga",
        "lamplighet" => "Lämplighet",
        "checklista" => "Checklista",
        "bekraftelse" => "Leverantörens bekräftelse",
        "atgard" => "Åtgärd",
        "status" => "Status",
        "beslut" => "Beslut",
        "beslutsfattare" => "Beslutsfattare",
        "motivering" => "Motivering",
        "riskbedomning" => "Riskbedömning",
        "juridiskt_ansvar_och_varumarke" => "Juridiskt ansvar och varumärke",
        "nasta_granskning" => "Nästa granskning",
        "it_centerchef" => "IT-centerchefens ställningstagande",
        "tillstyrker" => "Tillstyrker",
        "eskalering" => "Eskalering",
        "till" => "Till",
        "sekretess" => "Sekretess",
        "falt" => "Fält",
        "paragraf" => "Paragraf",
        "grund" => "Grund",
        other => other,
    };
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_and_key_order_are_not_changes() {
        let a = "[tjanst]\nnamn = \"A\"\nreferens = \"KS 1\"\n";
        let b = "# en kommentar\n[tjanst]\nreferens = 'KS 1'\n\nnamn = \"A\"\n";
        assert_eq!(skillnader(a, b), vec![]);
    }

    #[test]
    fn changes_additions_and_removals_carry_swedish_labels() {
        let a = "[[informationsmangd]]\nnamn = \"X\"\nklassning = { K = 2 }\n[dpf]\nlistad = true\n";
        let b = "[[informationsmangd]]\nnamn = \"X\"\nklassning = { K = 3 }\n[beslut]\nstatus = \"godkand\"\n";
        let d = skillnader(a, b);
        let seen: Vec<(&str, &str, Option<&str>, Option<&str>)> =
            d.iter().map(|s| (s.falt.as_str(), s.etikett.as_str(), s.fore.as_deref(), s.efter.as_deref())).collect();
        assert_eq!(
            seen,
            vec![
                ("beslut.status", "Beslut › Status", None, Some("godkand")),
                ("dpf.listad", "DPF-kontroll › Listad", Some("ja"), None),
                ("informationsmangd[1].klassning.K", "Informationsmängd 1 › Klassning › K", Some("2"), Some("3")),
            ]
        );
    }
}
