//! The start page (what needs doing, the counts) and the register's pages.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use super::{
    INGEN_LEVERANTOR, UTLATANDEN, andrad_sedan_beslut, bevakning_namn, niva_namn, skede_id, skede_namn, utlatande_id,
    utlatande_namn, versal,
};
use crate::Item;
use crate::derive::{self, BevakningTyp, Bradska, Uppmarksamhet};
use crate::model::{Certifikat, Policy};

/// How urgent a service's most urgent matter is, in words (not by colour alone).
pub fn bradska_namn(b: Bradska) -> &'static str {
    match b {
        Bradska::Stopp => "Får inte användas",
        Bradska::Forsenad => "Försenat",
        Bradska::Brist => "Behöver åtgärdas",
        Bradska::Beslut => "Väntar på beslut",
        Bradska::Snart => "Inom kort",
    }
}

/// "åtgärden A är inte uppfylld" or "åtgärderna A och B är inte uppfyllda".
fn ej_uppfyllda(namn: &[String]) -> String {
    match namn {
        [en] => format!("åtgärden {en} är inte uppfylld"),
        [forsta @ .., sista] => format!("åtgärderna {} och {sista} är inte uppfyllda", forsta.join(", ")),
        [] => String::new(),
    }
}

/// One service on the start page's list of what needs doing, with all its matters.
#[derive(Serialize)]
pub struct UppmarksamhetVy<'a> {
    pub url: String,
    pub namn: &'a str,
    pub slug: &'a str,
    /// Its most urgent matter's urgency, as an id (a CSS class) and in words.
    pub bradska: Bradska,
    pub bradska_namn: &'static str,
    pub arenden: Vec<ArendeVy>,
}

/// One matter: what it is, who must act (the role in definite form), and a sentence that
/// says both.
#[derive(Serialize)]
pub struct ArendeVy {
    pub typ: &'static str,
    pub vem: String,
    pub text: String,
    pub url: String,
}

/// What needs doing, one entry per service, the most urgent first (derive's order).
pub fn uppmarksamhet<'a>(policy: &Policy, items: &'a [Arc<Item>]) -> Vec<UppmarksamhetVy<'a>> {
    let mut services: Vec<(&Item, Vec<Uppmarksamhet<'_>>)> = items
        .iter()
        .map(|i| (&**i, derive::uppmarksamhet(&i.harledning, i.sedan_beslut.as_deref())))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    derive::ordna_uppmarksamhet(&mut services, |(i, l)| (l.as_slice(), i.bedomning.tjanst.namn.as_str()));
    services.iter().map(|(i, list)| tjanst_uppmarksamhet(policy, i, list)).collect()
}

fn tjanst_uppmarksamhet<'a>(policy: &Policy, i: &'a Item, list: &[Uppmarksamhet<'_>]) -> UppmarksamhetVy<'a> {
    let b = &i.bedomning;
    let link = format!("bedomningar/{}/index.html", i.slug);
    let mut arenden = Vec::new();
    for u in list {
        let vem = policy.roll_bestamd(derive::aktor_roll(policy, b, u.aktor()));
        let v = versal(&vem);
        let (typ, text, url) = match u {
            Uppmarksamhet::EjTillaten => {
                let niva = i.harledning.styrande.as_ref().map_or(String::new(), |s| format!(" på nivå {}", s.niva));
                (
                    "Molntjänst är inte tillåten",
                    format!("{v} behöver välja en lösning som inte är en molntjänst: informationen är klassad{niva}."),
                    link.clone(),
                )
            }
            Uppmarksamhet::Avslagen => (
                "Avslagen",
                format!("{v} behöver se till att tjänsten inte används: beslutet blev att avslå den."),
                link.clone(),
            ),
            Uppmarksamhet::Blockerad { orsaker } => (
                utlatande_namn(&i.harledning.utlatande),
                format!("{v} behöver komplettera bedömningen. {}", orsaker.join(" ")),
                link.clone(),
            ),
            Uppmarksamhet::VantarPaBeslut => {
                ("Redo för beslut", format!("{v} behöver fatta beslut. Alla åtgärder är uppfyllda."), link.clone())
            }
            Uppmarksamhet::Ouppfyllda { atgarder } => {
                let namn: Vec<String> =
                    atgarder.iter().map(|id| format!("{} ({id})", policy.atgard_rubrik(id))).collect();
                (
                    "Godkänd, men åtgärder saknas",
                    format!("{v} behöver följa upp: tjänsten är godkänd, men {}.", ej_uppfyllda(&namn)),
                    link.clone(),
                )
            }
            Uppmarksamhet::AndradSedanBeslut { falt } => (
                "Ändrad efter beslutet",
                format!("{v} behöver se över beslutet: {falt} fält har ändrats sedan det fattades."),
                format!("{link}#h-historik"),
            ),
            Uppmarksamhet::Bevakning(bev) => {
                let cert = bev.certifikat.and_then(|n| b.certifikat.get(n));
                let cert_namn = |c: &Certifikat| policy.certifiering_namn(&c.standard).to_owned();
                let text = match (bev.typ, cert) {
                    (BevakningTyp::GranskningForsenad, _) => {
                        format!("{v} behöver granska bedömningen. Den skulle ha granskats senast {}.", bev.datum)
                    }
                    (BevakningTyp::GranskningSnart, _) => {
                        format!("{v} behöver granska bedömningen senast {}.", bev.datum)
                    }
                    (BevakningTyp::CertifikatUtganget, Some(c)) => format!(
                        "{v} behöver begära ett giltigt certifikat av leverantören: {} från {} gick ut {}.",
                        cert_namn(c),
                        c.utfardare,
                        c.giltigt_till
                    ),
                    (BevakningTyp::CertifikatGarUt, Some(c)) => format!(
                        "{v} behöver begära det förnyade certifikatet av leverantören: {} från {} går ut {}.",
                        cert_namn(c),
                        c.utfardare,
                        c.giltigt_till
                    ),
                    (BevakningTyp::DpfInaktuell, _) => format!(
                        "{v} behöver kontrollera igen att {} finns med i Data Privacy Framework. Den senaste kontrollen gjordes {}.",
                        bev.dpf.and_then(|i| b.dpf.get(i)).map_or("leverantören", |d| d.organisation.as_str()),
                        bev.datum
                    ),
                    (BevakningTyp::BeslutDrojer, _) => format!(
                        "{v} behöver fatta beslut: bedömningen saknar beslut och har inte ändrats sedan {}.",
                        bev.datum
                    ),
                    _ => continue,
                };
                (bevakning_namn(bev.typ), text, link.clone())
            }
        };
        arenden.push(ArendeVy { typ, vem, text, url });
    }
    let bradska = list.first().map_or(Bradska::Snart, Uppmarksamhet::bradska);
    UppmarksamhetVy {
        url: link,
        namn: &b.tjanst.namn,
        slug: &i.slug,
        bradska,
        bradska_namn: bradska_namn(bradska),
        arenden,
    }
}

/// One row of the register: an assessment as the register tables list it.
#[derive(Serialize, Clone)]
pub struct RegisterRad<'a> {
    pub slug: &'a str,
    pub namn: &'a str,
    /// `None` while a procurement's tender is out.
    pub leverantor: Option<&'a str>,
    pub leverantor_slug: Option<String>,
    pub ingen_leverantor: &'static str,
    pub skede: Option<&'static str>,
    pub skede_namn: &'static str,
    /// The municipalities and companies that use the service.
    pub anvands_av: &'a [String],
    pub driftform: u32,
    pub niva: Option<u8>,
    pub niva_namn: Option<String>,
    pub utlatande: &'static str,
    pub utlatande_namn: &'static str,
    pub beslutsdatum: Option<String>,
    pub nasta_granskning: Option<String>,
    /// The next review's date has passed (derive's watch, not a date compared here).
    pub granskning_forsenad: bool,
    pub senast_andrad: Option<String>,
    pub andrad_sedan_beslut: bool,
}

pub fn register_rad<'a>(policy: &Policy, item: &'a Item, leverantor_slug: Option<String>) -> RegisterRad<'a> {
    let b = &item.bedomning;
    let h = &item.harledning;
    RegisterRad {
        slug: &item.slug,
        namn: &b.tjanst.namn,
        leverantor: b.leverantor.as_ref().map(|l| l.namn.as_str()),
        leverantor_slug,
        ingen_leverantor: INGEN_LEVERANTOR,
        skede: skede_id(h.skede),
        skede_namn: skede_namn(h.skede),
        anvands_av: &b.tjanst.anvands_av,
        driftform: b.driftform.id,
        niva: h.styrande.as_ref().map(|s| s.niva),
        niva_namn: h.styrande.as_ref().map(|s| niva_namn(policy, s.niva)),
        utlatande: utlatande_id(&h.utlatande),
        utlatande_namn: utlatande_namn(&h.utlatande),
        beslutsdatum: b.beslut.as_ref().map(|x| x.datum.to_string()),
        nasta_granskning: b.beslut.as_ref().and_then(|x| x.nasta_granskning).map(|d| d.to_string()),
        granskning_forsenad: h.bevakningar.iter().any(|v| v.typ == BevakningTyp::GranskningForsenad),
        senast_andrad: item.senast_andrad.map(|d| d.to_string()),
        andrad_sedan_beslut: andrad_sedan_beslut(item),
    }
}

/// A municipality or company of the organisation, with its register page.
#[derive(Serialize, Clone)]
pub struct OrganisationVy<'a> {
    pub namn: &'a str,
    /// The register page's file name inside `register/`.
    pub url: String,
    /// How many assessments list it in `anvands_av`.
    pub antal: usize,
}

/// The organisation's municipalities, then its companies, each with its register page
/// (`organisation-<slug>.html`; two names that fold to one slug get `-2`, `-3`, …).
pub fn organisationer<'a>(policy: &'a Policy, items: &[Arc<Item>]) -> Vec<OrganisationVy<'a>> {
    let org = &policy.organisation;
    let names: Vec<&String> = org.kommuner.iter().chain(&org.bolag).collect();
    let slugs = crate::slug::unika(names.iter().map(|n| n.as_str()), "organisation");
    names
        .into_iter()
        .zip(slugs)
        .map(|(namn, slug)| OrganisationVy {
            namn,
            url: format!("organisation-{slug}.html"),
            antal: items.iter().filter(|i| i.bedomning.tjanst.anvands_av.contains(namn)).count(),
        })
        .collect()
}

/// A link to one view of the register.
#[derive(Serialize, Clone)]
pub struct LankVy {
    pub url: String,
    pub namn: String,
}

/// The register's views: sort orders, filters by verdict, by driftform, by organisation.
#[derive(Serialize)]
pub struct RegisterLankar {
    pub sort: Vec<LankVy>,
    pub filters: Vec<LankVy>,
    pub driftformer: Vec<LankVy>,
    pub organisationer: Vec<LankVy>,
}

pub fn register_lankar(policy: &Policy, organisationer: &[OrganisationVy<'_>]) -> RegisterLankar {
    let lank = |url: &str, namn: &str| LankVy { url: url.to_owned(), namn: namn.to_owned() };
    RegisterLankar {
        sort: vec![
            lank("index.html", "Tjänst (A–Ö)"),
            lank("niva.html", "Nivå, högst först"),
            lank("granskning.html", "Nästa granskning"),
        ],
        filters: UTLATANDEN.iter().map(|(id, namn)| lank(&format!("{id}.html"), namn)).collect(),
        driftformer: policy
            .driftformer
            .iter()
            .map(|d| lank(&format!("driftform-{}.html", d.id), &format!("Driftform {}", d.id)))
            .collect(),
        organisationer: organisationer.iter().map(|o| lank(&o.url, o.namn)).collect(),
    }
}

/// One pre-rendered page of the register.
#[derive(Serialize)]
pub struct RegisterSida<'a> {
    pub views: &'a RegisterLankar,
    /// The page's path, to mark its own link.
    pub current: String,
    pub heading: String,
    pub rows: Vec<RegisterRad<'a>>,
}

/// The register's pages: every sort order and filter, so it works without JavaScript.
pub fn register_sidor<'a>(
    policy: &Policy,
    links: &'a RegisterLankar,
    organisationer: &[OrganisationVy<'_>],
    rows: &[RegisterRad<'a>],
) -> Vec<RegisterSida<'a>> {
    let sida = |path: String, heading: String, rows: Vec<RegisterRad<'a>>| RegisterSida {
        views: links,
        current: path,
        heading,
        rows,
    };
    let mut by_name = rows.to_vec();
    by_name.sort_by(|a, b| a.namn.cmp(b.namn));
    let mut by_level = by_name.clone();
    by_level.sort_by_key(|r| std::cmp::Reverse(r.niva));
    let mut by_review = by_name.clone();
    by_review.sort_by(|a, b| {
        (a.nasta_granskning.is_none(), &a.nasta_granskning).cmp(&(b.nasta_granskning.is_none(), &b.nasta_granskning))
    });
    let filter = |keep: &dyn Fn(&RegisterRad<'_>) -> bool| by_name.iter().filter(|r| keep(r)).cloned().collect();
    let mut out = Vec::new();
    for (id, label) in UTLATANDEN {
        out.push(sida(format!("register/{id}.html"), format!("Register: {label}"), filter(&|r| r.utlatande == id)));
    }
    for d in &policy.driftformer {
        out.push(sida(
            format!("register/driftform-{}.html", d.id),
            format!("Register: driftform {}", d.id),
            filter(&|r| r.driftform == d.id),
        ));
    }
    for o in organisationer {
        out.push(sida(
            format!("register/{}", o.url),
            format!("Register: tjänster som {} använder", o.namn),
            filter(&|r| r.anvands_av.iter().any(|a| a == o.namn)),
        ));
    }
    out.insert(0, sida("register/granskning.html".into(), "Register sorterat på nästa granskning".into(), by_review));
    out.insert(0, sida("register/niva.html".into(), "Register sorterat på nivå, högst först".into(), by_level));
    out.insert(0, sida("register/index.html".into(), "Register över bedömningar".into(), by_name));
    out
}

/// A count, for the start page's tables.
#[derive(Serialize)]
pub struct AntalVy<'a> {
    /// The register page it links to, inside `register/`, if any.
    pub url: Option<String>,
    pub id: String,
    pub namn: Cow<'a, str>,
    pub antal: usize,
}

/// One bar of the start page's chart, laid out here so the SVG template only draws.
#[derive(Serialize)]
pub struct StapelVy {
    pub y: usize,
    pub w: usize,
    pub antal: usize,
    pub namn: &'static str,
    pub id: &'static str,
}

/// The start page's counts.
#[derive(Serialize)]
pub struct Statistik<'a> {
    pub total: usize,
    pub verdicts: Vec<AntalVy<'a>>,
    pub levels: Vec<AntalVy<'a>>,
    pub driftformer: Vec<AntalVy<'a>>,
    pub organisationer: Vec<AntalVy<'a>>,
    pub chart: Vec<StapelVy>,
}

pub fn statistik<'a>(policy: &'a Policy, items: &[Arc<Item>], organisationer: &[OrganisationVy<'a>]) -> Statistik<'a> {
    const WIDTH: usize = 300;
    let per_utlatande: Vec<(&'static str, &'static str, usize)> = UTLATANDEN
        .iter()
        .map(|&(id, namn)| (id, namn, items.iter().filter(|i| utlatande_id(&i.harledning.utlatande) == id).count()))
        .collect();
    let max = per_utlatande.iter().map(|v| v.2).max().unwrap_or(0).max(1);
    Statistik {
        total: items.len(),
        verdicts: per_utlatande
            .iter()
            .map(|&(id, namn, antal)| AntalVy {
                url: Some(format!("{id}.html")),
                id: id.to_owned(),
                namn: namn.into(),
                antal,
            })
            .collect(),
        levels: policy
            .nivaer
            .iter()
            .map(|n| AntalVy {
                url: None,
                id: n.varde.to_string(),
                namn: niva_namn(policy, n.varde).into(),
                antal: items
                    .iter()
                    .filter(|i| i.harledning.styrande.as_ref().is_some_and(|s| s.niva == n.varde))
                    .count(),
            })
            .collect(),
        driftformer: policy
            .driftformer
            .iter()
            .map(|d| AntalVy {
                url: Some(format!("driftform-{}.html", d.id)),
                id: d.id.to_string(),
                namn: format!("Driftform {}", d.id).into(),
                antal: items.iter().filter(|i| i.bedomning.driftform.id == d.id).count(),
            })
            .collect(),
        organisationer: organisationer
            .iter()
            .map(|o| AntalVy { url: Some(o.url.clone()), id: o.url.clone(), namn: o.namn.into(), antal: o.antal })
            .collect(),
        chart: per_utlatande
            .iter()
            .enumerate()
            .map(|(i, &(id, namn, antal))| StapelVy { y: i * 34, w: antal * WIDTH / max, antal, namn, id })
            .collect(),
    }
}
