//! The policy's own tables, as the printed policy and every document's appendices show
//! them, and the site's policy pages.

use serde::Serialize;

use super::{
    BegreppVy, USA_VILLKOR, certifieringar, kumulativ_regel, niva_namn, roll_namn, rutin_galler_lokal,
    rutin_galler_namn, styrande_regel,
};
use crate::model::{Niva, Policy, Punkt, Stycke, TextKalla, Tidpunkt};

fn lokal(k: TextKalla) -> bool {
    k == TextKalla::Lokal
}

/// The policy tables a document may append: the åtgärdstabell, the glossary, and the rest
/// of the routine for the whole-policy document. Each `lokal` says the text is the
/// organisation's own addition, not the adopted routine's or guideline's.
#[derive(Serialize)]
pub struct PolicyTabellerVy<'a> {
    /// Highest level first.
    pub atgardstabell: Vec<TabellAtgardVy<'a>>,
    pub kumulativ_regel: &'static str,
    pub begrepp: Vec<BegreppVy<'a>>,
    pub dokumenttyper: Vec<NamnTextVy<'a>>,
    pub driftformer: Vec<TabellDriftformVy<'a>>,
    pub nivaer: Vec<TabellNivaVy<'a>>,
    pub fragor: Vec<TabellFragaVy<'a>>,
    pub checklista: Vec<&'a str>,
    /// One per checklist point, in its order.
    pub checklista_lokal: Vec<bool>,
    pub roller: Vec<NamnTextVy<'a>>,
    pub utlosare: Vec<TabellUtlosareVy<'a>>,
    pub steg: Vec<TabellStegVy<'a>>,
    pub lamplighet: TabellLamplighetVy<'a>,
    pub regler: ReglerVy,
}

/// One measure of the åtgärdstabell.
#[derive(Serialize)]
pub struct TabellAtgardVy<'a> {
    pub niva: u8,
    /// The level's name alone; `None` when the policy does not know the level.
    pub niva_namn: Option<&'a str>,
    /// The level as a cell shows it: "2 – Skyddsvärd".
    pub niva_text: String,
    pub id: &'a str,
    pub rubrik: &'a str,
    pub text: &'a str,
    pub punkter: Vec<&'a str>,
    pub certifieringar: Vec<&'a str>,
    pub alternativ: Option<&'a str>,
    pub lokal: bool,
    pub lank: Option<&'a str>,
    pub villkor: Option<&'static str>,
    pub skakrav: Option<&'a str>,
    pub skakrav_lokal: bool,
}

/// A document type or a role: its name and what it is.
#[derive(Serialize)]
pub struct NamnTextVy<'a> {
    pub namn: &'a str,
    pub beskrivning: &'a str,
    pub lokal: bool,
}

#[derive(Serialize)]
pub struct TabellDriftformVy<'a> {
    pub id: u32,
    pub driftleverantor: &'a str,
    pub support: &'a str,
    pub serverplacering: &'a str,
    /// When the routine applies ([`rutin_galler_namn`]).
    pub galler: String,
    pub lokal: bool,
}

#[derive(Serialize)]
pub struct TabellNivaVy<'a> {
    pub varde: u8,
    pub namn: &'a str,
    pub beskrivning: &'a str,
    pub lokal: bool,
}

#[derive(Serialize)]
pub struct TabellFragaVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub lokal: bool,
    pub delfragor: Vec<TabellDelfragaVy<'a>>,
}

#[derive(Serialize)]
pub struct TabellDelfragaVy<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub exempel: Option<&'a str>,
}

#[derive(Serialize)]
pub struct TabellUtlosareVy<'a> {
    pub namn: &'a str,
    pub ansvar: &'a [String],
    pub effekt: &'a str,
    pub lokal: bool,
}

#[derive(Serialize)]
pub struct TabellStegVy<'a> {
    pub nummer: u8,
    pub namn: &'a str,
    pub beskrivning: &'a [String],
    pub lokal: bool,
}

/// A paragraph, a condition or a central component, with whose words it is.
#[derive(Serialize)]
pub struct TextLokalVy<'a> {
    pub text: &'a str,
    pub lokal: bool,
}

#[derive(Serialize)]
pub struct KomponentVy<'a> {
    pub namn: &'a str,
    pub lokal: bool,
}

#[derive(Serialize)]
pub struct TabellLamplighetVy<'a> {
    pub centrala_komponenter_text: &'a str,
    pub centrala_komponenter: Vec<KomponentVy<'a>>,
    pub stycken: Vec<TextLokalVy<'a>>,
    pub fordelar: Vec<TextLokalVy<'a>>,
    pub villkor_inledning: &'a str,
    pub villkor: Vec<TextLokalVy<'a>>,
}

/// The policy's rules in words.
#[derive(Serialize)]
pub struct ReglerVy {
    pub styrande: &'static str,
    pub granskning: String,
}

fn stycken(s: &[Stycke]) -> Vec<TextLokalVy<'_>> {
    s.iter().map(|p| TextLokalVy { text: &p.text, lokal: lokal(p.kalla) }).collect()
}

/// The åtgärdstabell's rows, highest level first, as the policy states them.
pub fn atgardsrader(policy: &Policy) -> Vec<TabellAtgardVy<'_>> {
    policy
        .atgarder
        .iter()
        .rev()
        .map(|a| TabellAtgardVy {
            niva: a.niva,
            niva_namn: policy.niva(a.niva).map(|n| n.namn.as_str()),
            niva_text: niva_namn(policy, a.niva),
            id: &a.id,
            rubrik: &a.rubrik,
            text: &a.text,
            punkter: a.punkter.iter().map(|p| p.namn.as_str()).collect(),
            certifieringar: certifieringar(policy, a),
            alternativ: a.alternativ.as_deref(),
            lokal: lokal(a.kalla),
            lank: a.lank.as_deref(),
            villkor: a.galler_endast_vid.map(|_| USA_VILLKOR),
            skakrav: a.skakrav.as_deref(),
            skakrav_lokal: lokal(a.skakrav_kalla),
        })
        .collect()
}

/// The glossary, in the policy's order.
pub fn begrepp(policy: &Policy) -> Vec<BegreppVy<'_>> {
    policy
        .begrepp
        .iter()
        .map(|b| BegreppVy { term: &b.term, forklaring: &b.forklaring, lokal: lokal(b.kalla) })
        .collect()
}

pub fn policy_tabeller(policy: &Policy) -> PolicyTabellerVy<'_> {
    let l = &policy.lamplighet;
    PolicyTabellerVy {
        atgardstabell: atgardsrader(policy),
        kumulativ_regel: kumulativ_regel(policy),
        begrepp: begrepp(policy),
        dokumenttyper: policy
            .dokumenttyper
            .iter()
            .map(|t| NamnTextVy { namn: &t.namn, beskrivning: &t.beskrivning, lokal: lokal(t.kalla) })
            .collect(),
        driftformer: policy
            .driftformer
            .iter()
            .map(|d| TabellDriftformVy {
                id: d.id,
                driftleverantor: &d.driftleverantor,
                support: &d.support,
                serverplacering: &d.serverplacering,
                galler: rutin_galler_namn(d),
                lokal: rutin_galler_lokal(d),
            })
            .collect(),
        nivaer: policy
            .nivaer
            .iter()
            .map(|n| TabellNivaVy { varde: n.varde, namn: &n.namn, beskrivning: &n.beskrivning, lokal: lokal(n.kalla) })
            .collect(),
        fragor: policy
            .fragor
            .iter()
            .map(|f| TabellFragaVy {
                id: &f.id,
                rubrik: &f.rubrik,
                lokal: lokal(f.kalla),
                delfragor: f
                    .delfraga
                    .iter()
                    .map(|d| TabellDelfragaVy { id: &d.id, text: &d.text, exempel: d.exempel.as_deref() })
                    .collect(),
            })
            .collect(),
        checklista: policy.checklista.iter().map(|c| c.namn.as_str()).collect(),
        checklista_lokal: policy.checklista.iter().map(|c| lokal(c.kalla)).collect(),
        roller: policy
            .roller
            .iter()
            .map(|r| NamnTextVy { namn: &r.namn, beskrivning: &r.beskrivning, lokal: lokal(r.kalla) })
            .collect(),
        utlosare: policy
            .utlosare
            .iter()
            .map(|u| TabellUtlosareVy { namn: &u.namn, ansvar: &u.ansvar, effekt: &u.effekt, lokal: lokal(u.kalla) })
            .collect(),
        steg: policy
            .steg
            .iter()
            .map(|s| TabellStegVy {
                nummer: s.nummer,
                namn: &s.namn,
                beskrivning: &s.beskrivning,
                lokal: lokal(s.kalla),
            })
            .collect(),
        lamplighet: TabellLamplighetVy {
            centrala_komponenter_text: &l.centrala_komponenter_text,
            centrala_komponenter: l
                .centrala_komponenter
                .iter()
                .map(|k| KomponentVy { namn: &k.namn, lokal: lokal(k.kalla) })
                .collect(),
            stycken: stycken(&l.stycken),
            fordelar: stycken(&l.fordelar),
            villkor_inledning: &l.villkor_inledning,
            villkor: l.villkor.iter().map(|v| TextLokalVy { text: &v.text, lokal: lokal(v.kalla) }).collect(),
        },
        regler: ReglerVy {
            styrande: styrande_regel(policy),
            granskning: format!(
                "Nästa granskning av en beslutad bedömning ligger högst {} månader efter beslutet.",
                policy.regler.max_manader_till_granskning
            ),
        },
    }
}

/// One level of the åtgärdstabell page, highest first: its own measures, and the ids of
/// the lower levels' measures it also requires when the table is cumulative.
#[derive(Serialize)]
pub struct NivaAtgarderVy<'a> {
    pub niva: u8,
    pub namn: &'a str,
    pub atgarder: Vec<SidaAtgardVy<'a>>,
    pub arvda: Vec<&'a str>,
}

/// A measure with everything the policy says of it, and its provenance per part.
#[derive(Serialize)]
pub struct SidaAtgardVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub text: &'a str,
    pub punkter: &'a [Punkt],
    pub certifieringar: Vec<&'a str>,
    pub alternativ: Option<&'a str>,
    pub lank: Option<&'a str>,
    pub kalla: TextKalla,
    pub skakrav: Option<&'a str>,
    pub skakrav_kalla: TextKalla,
    pub motiv: Option<&'a str>,
    pub motiv_kalla: TextKalla,
    pub bevis: Option<&'a str>,
    pub tidpunkt: Option<&'static str>,
    pub acceptans: Option<&'a str>,
    /// The condition in words ([`USA_VILLKOR`]), when the measure has one.
    pub galler_endast_vid: Option<&'static str>,
}

/// The åtgärdstabell page's levels.
pub fn atgardstabell(policy: &Policy) -> Vec<NivaAtgarderVy<'_>> {
    let mut levels: Vec<&Niva> = policy.nivaer.iter().collect();
    levels.sort_by_key(|l| std::cmp::Reverse(l.varde));
    levels
        .into_iter()
        .map(|n| NivaAtgarderVy {
            niva: n.varde,
            namn: &n.namn,
            atgarder: policy
                .atgarder
                .iter()
                .filter(|a| a.niva == n.varde)
                .map(|a| SidaAtgardVy {
                    id: &a.id,
                    rubrik: &a.rubrik,
                    text: &a.text,
                    punkter: &a.punkter,
                    certifieringar: certifieringar(policy, a),
                    alternativ: a.alternativ.as_deref(),
                    lank: a.lank.as_deref(),
                    kalla: a.kalla,
                    skakrav: a.skakrav.as_deref(),
                    skakrav_kalla: a.skakrav_kalla,
                    motiv: a.motiv.as_deref(),
                    motiv_kalla: a.motiv_kalla,
                    bevis: a.bevis.as_deref(),
                    tidpunkt: a.tidpunkt.map(Tidpunkt::text),
                    acceptans: a.acceptans.as_deref(),
                    galler_endast_vid: a.galler_endast_vid.map(|_| USA_VILLKOR),
                })
                .collect(),
            arvda: if policy.regler.kumulativ_atgardstabell {
                policy.atgarder.iter().filter(|a| a.niva < n.varde).map(|a| a.id.as_str()).collect()
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// A trigger with its roles by name, for the roles and the steps pages.
#[derive(Serialize)]
pub struct UtlosareVy<'a> {
    pub namn: &'a str,
    pub initierar: Vec<String>,
    pub utfor: Vec<String>,
    pub stod: Vec<String>,
    pub ansvar: &'a [String],
    pub effekt: &'a str,
}

pub fn utlosare(policy: &Policy) -> Vec<UtlosareVy<'_>> {
    let namn = |ids: &[String]| ids.iter().map(|i| roll_namn(policy, i)).collect();
    policy
        .utlosare
        .iter()
        .map(|u| UtlosareVy {
            namn: &u.namn,
            initierar: namn(&u.initierar),
            utfor: namn(&u.utfor),
            stod: namn(&u.stod),
            ansvar: &u.ansvar,
            effekt: &u.effekt,
        })
        .collect()
}
