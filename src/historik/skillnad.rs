//! Field-by-field differences between two versions of an assessment, in Swedish labels.
//!
//! Both versions are flattened to (path, value) pairs: tables by key, arrays of tables by
//! position, arrays of values as one list. Comparing the pairs gives what was added,
//! removed and changed, independent of formatting, comments and key order. Labels and
//! texts are made only for the fields that differ: a build compares every assessment that
//! changed since its decision.

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
    let (a, b) = (parse(fore), parse(efter));
    let (a, b) = (falt(&a), falt(&b));
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    // Both lists are sorted by path: walk them side by side.
    while i < a.len() || j < b.len() {
        let (x, y) = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.stig == y.stig => (Some(x), Some(y)),
            (Some(x), Some(y)) if x.stig < y.stig => (Some(x), None),
            (Some(x), None) => (Some(x), None),
            (_, y) => (None, y),
        };
        i += usize::from(x.is_some());
        j += usize::from(y.is_some());
        // Equal values give equal texts; the text decides for the rest (CRLF, 1 and "1").
        if let (Some(x), Some(y)) = (x, y)
            && (x.varde == y.varde || text(x.varde) == text(y.varde))
        {
            continue;
        }
        let forst = x.or(y).expect("one side has the field");
        out.push(Skillnad {
            falt: forst.stig.clone(),
            etikett: forst.etikett(),
            fore: x.map(|v| text(v.varde)),
            efter: y.map(|v| text(v.varde)),
        });
    }
    out
}

fn parse(text: &str) -> Value {
    Value::Table(toml::from_str::<toml::Table>(text).unwrap_or_default())
}

/// A field: its dotted path, the keys and positions that lead to it, and its value. The
/// label is made from the steps only for a field that differs.
struct Falt<'a> {
    stig: String,
    steg: Vec<Steg<'a>>,
    varde: &'a Value,
}

#[derive(Clone, Copy)]
enum Steg<'a> {
    Nyckel(&'a str),
    /// A table's place in an array of tables, from 1.
    Plats(usize),
}

impl Falt<'_> {
    /// `informationsmangd[2].klassning.K` → `Informationsmängd 2 › Klassning › K`.
    fn etikett(&self) -> String {
        let mut out = String::new();
        for steg in &self.steg {
            match steg {
                Steg::Nyckel(key) => {
                    if !out.is_empty() {
                        out.push_str(" › ");
                    }
                    out.push_str(etikett(key));
                }
                Steg::Plats(i) => out.push_str(&format!(" {i}")),
            }
        }
        out
    }
}

/// Every field of a version, sorted by path: tables by key, arrays of tables by position,
/// arrays of values as one field.
fn falt(value: &Value) -> Vec<Falt<'_>> {
    fn walk<'a>(value: &'a Value, stig: &mut String, steg: &mut Vec<Steg<'a>>, out: &mut Vec<Falt<'a>>) {
        let langd = stig.len();
        match value {
            Value::Table(t) => {
                for (key, v) in t {
                    if !stig.is_empty() {
                        stig.push('.');
                    }
                    stig.push_str(key);
                    steg.push(Steg::Nyckel(key));
                    walk(v, stig, steg, out);
                    steg.pop();
                    stig.truncate(langd);
                }
            }
            Value::Array(items) if items.iter().any(Value::is_table) => {
                for (i, v) in items.iter().enumerate() {
                    stig.push_str(&format!("[{}]", i + 1));
                    steg.push(Steg::Plats(i + 1));
                    walk(v, stig, steg, out);
                    steg.pop();
                    stig.truncate(langd);
                }
            }
            _ => out.push(Falt { stig: stig.clone(), steg: steg.clone(), varde: value }),
        }
    }
    let mut out = Vec::new();
    walk(value, &mut String::new(), &mut Vec::new(), &mut out);
    // A key may repeat a path another spells with dots; the last one counts, as in a map.
    out.sort_by(|x, y| x.stig.cmp(&y.stig));
    out.dedup_by(|later, earlier| {
        let same = later.stig == earlier.stig;
        if same {
            std::mem::swap(later, earlier);
        }
        same
    });
    out
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
fn etikett(key: &str) -> &str {
    match key {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields are compared by their text: a CRLF checkout's line breaks and a number
    /// written as a string are the same field, however the values differ.
    #[test]
    fn values_that_read_the_same_are_not_changes() {
        let a = "[tjanst]\nbeskrivning = \"rad 1\\r\\nrad 2\"\nantal = 1\nlista = [\"a\", 2]\n";
        let b = "[tjanst]\nbeskrivning = \"rad 1\\nrad 2\"\nantal = \"1\"\nlista = [\"a\", \"2\"]\n";
        assert_eq!(skillnader(a, b), vec![]);
        let c = b.replace("rad 2", "rad 3");
        let d = skillnader(a, &c);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].falt.as_str(), d[0].etikett.as_str()), ("tjanst.beskrivning", "Tjänst › Beskrivning"));
        assert_eq!((d[0].fore.as_deref(), d[0].efter.as_deref()), (Some("rad 1\nrad 2"), Some("rad 1\nrad 3")));
    }

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
