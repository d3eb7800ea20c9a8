//! The JSON each Typst template reads as `/data.json`: the documents' view models from
//! [`crate::view`], serialised. Nothing is decided or labelled here.
//!
//! Every string stays a JSON string, so Typst shows it as text and never evaluates it.

use serde_json::Value;

use crate::Item;
use crate::derive::Handling;
use crate::markdown;
use crate::model::{Datum, Policy};
use crate::sidor::Sida;
use crate::view;

/// The policy tables every document may append ([`view::policy_tabeller`]), serialised
/// once for all the documents that carry them.
pub fn policy_tables(policy: &Policy) -> Value {
    serde_json::to_value(view::policy_tabeller(policy)).expect("the policy tables serialise")
}

/// A document's data as `/data.json`, with or without the policy's tables (`policy`).
pub fn json(value: &Value, tabeller: bool) -> Vec<u8> {
    struct Utan<'a>(&'a serde_json::Map<String, Value>);
    impl serde::Serialize for Utan<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().filter(|(k, _)| k.as_str() != "policy"))
        }
    }
    match value {
        Value::Object(map) if !tabeller => serde_json::to_vec(&Utan(map)),
        _ => serde_json::to_vec(value),
    }
    .expect("document data serialises")
}

/// A Markdown field as the PDFs print it: plain-text blocks, never markup.
fn md(s: &str) -> Value {
    serde_json::to_value(markdown::blocks(s)).expect("Markdown blocks serialise")
}

/// The data for one of an assessment's documents, dated `datum` (see [`crate::derive::handlingsdatum`]):
/// the kravbilaga's ([`view::kravbilaga_dokument`]) or another's ([`view::dokument`]).
/// `tables` is [`policy_tables`], built once.
pub fn bedomning(
    policy: &Policy,
    item: &Item,
    handling: Handling,
    tables: &Value,
    datum: Datum,
    profil: crate::Profil,
) -> Value {
    let data = if handling == Handling::Kravbilaga {
        serde_json::to_value(view::kravbilaga_dokument(policy, item, tables, datum))
    } else {
        serde_json::to_value(view::dokument(policy, item, handling, tables, datum, profil, &md))
    };
    data.expect("document data serialises")
}

/// The whole-policy document ([`view::policy_dokument`]).
pub fn policy_document(policy: &Policy, sidor: &[Sida], tables: &Value, datum: Datum, profil: crate::Profil) -> Value {
    serde_json::to_value(view::policy_dokument(policy, sidor, tables, datum, profil)).expect("document data serialises")
}
