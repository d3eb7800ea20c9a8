//! The site's own lists: the content pages' links, the supplier pages and the search index.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::{CertifikatVy, certifikat, land_namn, leverantor_namn, utlatande_namn};
use crate::Item;
use crate::model::{Datum, Policy};
use crate::sidor::Sida;

/// A content page in the site's navigation.
#[derive(Serialize)]
pub struct SidLankVy<'a> {
    pub slug: &'a str,
    pub titel: &'a str,
}

pub fn sidlankar(sidor: &[Sida]) -> Vec<SidLankVy<'_>> {
    sidor.iter().map(|s| SidLankVy { slug: &s.slug, titel: &s.meta.titel }).collect()
}

/// A supplier and the assessments that name it. Not itself shown: the supplier pages,
/// their list and the search index are made from it.
pub struct Leverantor<'a> {
    pub namn: &'a str,
    /// The country's name, as the first assessment that names the supplier gives it.
    pub land: &'a str,
    pub items: Vec<&'a Item>,
}

/// Every supplier, in name order, with its assessments in the register's order.
pub fn leverantorer(items: &[Arc<Item>]) -> Vec<Leverantor<'_>> {
    let mut grupper: BTreeMap<&str, Leverantor<'_>> = BTreeMap::new();
    for item in items {
        if let Some(l) = &item.bedomning.leverantor {
            grupper
                .entry(&l.namn)
                .or_insert_with(|| Leverantor { namn: &l.namn, land: land_namn(&l.land), items: Vec::new() })
                .items
                .push(item);
        }
    }
    grupper.into_values().collect()
}

/// A supplier in the list of suppliers; `url` is its page, inside `leverantorer/`.
#[derive(Serialize)]
pub struct LeverantorRadVy<'a> {
    pub namn: &'a str,
    pub url: String,
    pub land: &'a str,
    pub antal: usize,
}

pub fn leverantor_rad<'a>(l: &Leverantor<'a>, slug: &str) -> LeverantorRadVy<'a> {
    LeverantorRadVy { namn: l.namn, url: format!("{slug}/index.html"), land: l.land, antal: l.items.len() }
}

/// A certificate on a supplier's page, with the service it was shown for.
#[derive(Serialize)]
pub struct LeverantorCertifikatVy<'a> {
    #[serde(flatten)]
    pub certifikat: CertifikatVy<'a>,
    pub tjanst: &'a str,
}

pub fn leverantor_certifikat<'a>(
    policy: &'a Policy,
    l: &Leverantor<'a>,
    today: Datum,
) -> Vec<LeverantorCertifikatVy<'a>> {
    l.items
        .iter()
        .flat_map(|i| i.bedomning.certifikat.iter().map(move |c| (i, c)))
        .map(|(i, c)| LeverantorCertifikatVy {
            certifikat: certifikat(policy, c, today),
            tjanst: &i.bedomning.tjanst.namn,
        })
        .collect()
}

/// One entry of the search index. The keys are short since the index ships to every
/// browser, and in alphabetical order, as the index is serialised from this struct.
#[derive(Serialize)]
pub struct SokPost {
    /// What kind of page: "Bedömning", "Leverantör", "Policy", "Begrepp", …
    pub k: &'static str,
    /// The title shown as the hit.
    pub t: String,
    /// The page, from the site's root.
    pub u: String,
    /// The text searched.
    pub x: String,
}

fn post(u: impl Into<String>, k: &'static str, t: impl Into<String>, x: impl Into<String>) -> SokPost {
    SokPost { k, t: t.into(), u: u.into(), x: x.into() }
}

/// An assessment's entry: its description, reference, supplier, verdict and answers.
pub fn sok_bedomning(item: &Item) -> SokPost {
    let b = &item.bedomning;
    let text = format!(
        "{} {} {} {} {}",
        b.tjanst.beskrivning,
        b.tjanst.referens,
        leverantor_namn(b),
        utlatande_namn(&item.harledning.utlatande),
        b.svar.values().cloned().collect::<Vec<_>>().join(" ")
    );
    post(format!("bedomningar/{}/index.html", item.slug), "Bedömning", &b.tjanst.namn, text)
}

/// A supplier page's entry (`url`), found by the services it delivers.
pub fn sok_leverantor(l: &Leverantor<'_>, url: &str) -> SokPost {
    let tjanster: Vec<&str> = l.items.iter().map(|i| i.bedomning.tjanst.namn.as_str()).collect();
    post(url, "Leverantör", l.namn, tjanster.join(" "))
}

/// A content page's entry.
pub fn sok_sida(sida: &Sida) -> SokPost {
    post(format!("sidor/{}.html", sida.slug), "Sida", &sida.meta.titel, &sida.markdown)
}

/// The policy pages' entries, and one per term and per document type.
pub fn sok_policy(policy: &Policy) -> Vec<SokPost> {
    let mut out = vec![
        post(
            "atgardstabell.html",
            "Policy",
            "Åtgärdstabell",
            policy.atgarder.iter().map(|a| format!("{} {}", a.rubrik, a.text)).collect::<Vec<_>>().join(" "),
        ),
        post("driftformer.html", "Policy", "Driftformer", "driftform driftsleverantör support serverplacering"),
        post(
            "begrepp.html",
            "Policy",
            "Begreppsförklaring",
            policy.begrepp.iter().map(|b| b.term.as_str()).collect::<Vec<_>>().join(" "),
        ),
    ];
    for b in &policy.begrepp {
        out.push(post(
            format!("begrepp.html#{}", b.id),
            "Begrepp",
            &b.term,
            format!("{} {}", b.forklaring, b.synonymer.join(" ")),
        ));
    }
    for t in &policy.dokumenttyper {
        out.push(post(format!("begrepp.html#dokumenttyp-{}", t.id), "Dokumenttyp", &t.namn, &t.beskrivning));
    }
    out.push(post(
        "roller.html",
        "Policy",
        "Roller och ansvar",
        policy.roller.iter().map(|r| format!("{} {}", r.namn, r.beskrivning)).collect::<Vec<_>>().join(" "),
    ));
    out.push(post(
        "steg.html",
        "Policy",
        "Rutinens fyra steg",
        policy.steg.iter().map(|s| format!("{} {}", s.namn, s.beskrivning.join(" "))).collect::<Vec<_>>().join(" "),
    ));
    out.push(post(
        "fragor.html",
        "Policy",
        "Frågor och checklista",
        policy.delfragor().map(|d| d.text.as_str()).collect::<Vec<_>>().join(" "),
    ));
    out
}
