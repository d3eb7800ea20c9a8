//! An assessment's page: everything it shows, and the file's history.

use serde::Serialize;
use serde_json::Value;

use super::{
    AnbudssvarVy, AtgardVy, BeslutVy, CertifikatVy, DpfVy, SVARSBILAGA, SekretessVy, Site, SkakravText, UnderbitradeVy,
    anbudssvar, andrad_sedan_beslut, atgard, bekraftelse_namn, beslut, certifikat, dpf, handling_docx, handling_namn,
    har_svarsbilaga, land_namn, niva_namn, roll_namn, sekretess, skakrav, skede_id, skede_namn, skede_text,
    underbitraden, utlatande_id, utlatande_namn,
};
use crate::Item;
use crate::derive::{self, Utlatande};
use crate::model::Driftform;

/// One aspect of an information set, with whether it set the governing level.
#[derive(Serialize)]
pub struct KlassningVy<'a> {
    pub aspekt: &'a str,
    pub id: &'a str,
    pub niva: Option<u8>,
    pub niva_namn: Option<String>,
    pub styrande: bool,
}

#[derive(Serialize)]
pub struct KlassadMangdVy<'a> {
    pub namn: &'a str,
    pub beskrivning: &'a str,
    pub klassning: Vec<KlassningVy<'a>>,
    pub klassad_av: String,
    pub klassad_datum: String,
}

/// A question, condition or point from the policy with the record's answer (rendered).
#[derive(Serialize)]
pub struct SvarVy<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    /// The point's name (restore procedure) or the question's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    pub svar: Option<String>,
}

#[derive(Serialize)]
pub struct FragaVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub delfragor: Vec<SvarVy<'a>>,
}

#[derive(Serialize)]
pub struct CheckpunktVy<'a> {
    pub namn: &'a str,
    pub status: Option<&'a str>,
    pub klar: bool,
}

#[derive(Serialize)]
pub struct BekraftelseVy<'a> {
    pub atgard: &'a str,
    pub rubrik: Option<&'a str>,
    pub status: &'static str,
    pub datum: Option<String>,
    pub bevis: Option<&'a str>,
}

#[derive(Serialize)]
pub struct TermVy<'a> {
    pub id: &'a str,
    pub term: &'a str,
}

#[derive(Serialize)]
pub struct CentralKomponentVy<'a> {
    pub namn: Option<&'a str>,
    pub undantag: String,
}

#[derive(Serialize)]
pub struct StyrandeVy<'a> {
    pub niva: u8,
    pub niva_namn: String,
    pub mangd: &'a str,
    pub aspekt: &'a str,
}

#[derive(Serialize)]
pub struct RiskanalysVy<'a> {
    pub referens: &'a str,
    pub datum: String,
    pub genomford_av: String,
}

#[derive(Serialize)]
pub struct HandlingVy {
    pub fil: &'static str,
    pub namn: &'static str,
    pub docx: Option<&'static str>,
}

#[derive(Serialize)]
pub struct SkedeVy {
    pub id: Option<&'static str>,
    pub namn: &'static str,
    pub text: &'static str,
}

/// One saved version of the file.
#[derive(Serialize)]
pub struct AndringVy<'a> {
    pub kort: &'a str,
    pub commit: &'a str,
    pub datum: String,
    /// The role the policy maps the author to; `None` unless the policy shows roles.
    pub forfattare: Option<String>,
    pub meddelande: &'a str,
    pub beslutad: bool,
}

#[derive(Serialize)]
pub struct BeslutadVersionVy<'a> {
    pub kort: &'a str,
    pub datum: String,
}

/// The file's history on the page: its versions, the decided one, and what changed since.
#[derive(Serialize)]
#[serde(untagged)]
pub enum HistorikVy<'a> {
    Saknas {
        finns: bool,
        orsak: &'a str,
    },
    Finns {
        finns: bool,
        visa_forfattare: bool,
        senast_andrad: Option<String>,
        ej_incheckad: bool,
        andringar: Vec<AndringVy<'a>>,
        beslutad: Option<BeslutadVersionVy<'a>>,
        sedan_beslut: Option<&'a [crate::historik::Skillnad]>,
        andrad_sedan_beslut: bool,
    },
}

/// Names stay out of publication: an author is shown only as the role the policy maps it
/// to, and not at all unless the policy asks for roles.
pub fn historik<'a>(site: &Site<'a>, item: &'a Item) -> HistorikVy<'a> {
    let Some(fil) = &item.historik else {
        let orsak = match site.historik {
            crate::historik::Kalla::Saknas { orsak } => orsak.as_str(),
            crate::historik::Kalla::Git { .. } => "filen saknas i git-förrådet",
        };
        return HistorikVy::Saknas { finns: false, orsak };
    };
    let policy = site.policy;
    let beslutad = fil.beslutad.as_ref().map(|v| &v.andring);
    let publicering = &policy.publicering;
    let visa_forfattare = publicering.forfattare == crate::model::ForfattareVisning::Roll;
    let forfattare = |namn: &str| {
        visa_forfattare.then(|| {
            publicering.forfattare_roller.get(namn).map_or_else(|| "okänd roll".to_owned(), |r| roll_namn(policy, r))
        })
    };
    HistorikVy::Finns {
        finns: true,
        visa_forfattare,
        senast_andrad: item.senast_andrad.map(|d| d.to_string()),
        ej_incheckad: fil.ej_incheckad,
        andringar: fil
            .andringar
            .iter()
            .map(|a| AndringVy {
                kort: &a.kort,
                commit: &a.commit,
                datum: a.datum.to_string(),
                forfattare: forfattare(&a.forfattare),
                meddelande: &a.meddelande,
                beslutad: beslutad.is_some_and(|b| b.commit == a.commit),
            })
            .collect(),
        beslutad: beslutad.map(|a| BeslutadVersionVy { kort: &a.kort, datum: a.datum.to_string() }),
        sedan_beslut: item.sedan_beslut.as_deref(),
        andrad_sedan_beslut: andrad_sedan_beslut(item),
    }
}

/// Everything an assessment's page shows. `md` renders a Markdown field to HTML (with the
/// site's glossary links), `leverantor_slug` is the supplier's page.
#[derive(Serialize)]
pub struct BedomningVy<'a> {
    pub slug: &'a str,
    pub fil: &'a str,
    pub tjanst: &'a crate::model::Tjanst,
    pub informationsagare: String,
    pub leverantor_land: Option<&'a str>,
    pub leverantor: Option<&'a crate::model::Leverantor>,
    pub leverantor_slug: Option<String>,
    pub skede: Option<SkedeVy>,
    pub underbitraden: Vec<UnderbitradeVy<'a>>,
    pub tjanstemodell: Option<TermVy<'a>>,
    pub leveransmodell: Option<TermVy<'a>>,
    pub driftform: Option<&'a Driftform>,
    pub driftform_tidigare: Option<u32>,
    pub utlosare: Option<&'a str>,
    pub central_komponent: Option<CentralKomponentVy<'a>>,
    pub rutin: &'a derive::Rutin,
    pub styrande: Option<StyrandeVy<'a>>,
    pub usa_koppling: &'a [String],
    pub mangder: Vec<KlassadMangdVy<'a>>,
    pub atgarder: Vec<AtgardVy<'a>>,
    pub aterstallning: Vec<SvarVy<'a>>,
    pub certifikat: Vec<CertifikatVy<'a>>,
    pub redogorelse: Option<String>,
    pub dpf: Vec<DpfVy<'a>>,
    pub riskanalys: Option<RiskanalysVy<'a>>,
    pub fragor: Vec<FragaVy<'a>>,
    pub lamplighet: Vec<SvarVy<'a>>,
    pub checklista: Vec<CheckpunktVy<'a>>,
    pub bekraftelser: Vec<BekraftelseVy<'a>>,
    pub skakrav: Vec<SkakravText<'a>>,
    pub anbudssvar: Vec<AnbudssvarVy<'a>>,
    pub svarsbilaga: Option<&'static str>,
    pub beslut: Option<BeslutVy<'a>>,
    pub utlatande: &'static str,
    pub utlatande_namn: &'static str,
    pub orsaker: &'a [String],
    pub handlingar: Vec<HandlingVy>,
    pub historik: HistorikVy<'a>,
    pub sekretess: SekretessVy<'a>,
}

pub fn bedomning<'a>(
    site: &Site<'a>,
    item: &'a Item,
    md: &dyn Fn(&str) -> String,
    leverantor_slug: Option<String>,
) -> BedomningVy<'a> {
    let policy = site.policy;
    let b = &item.bedomning;
    let h = &item.harledning;
    let styrande = h.styrande.as_ref();
    let mangder = b
        .informationsmangder
        .iter()
        .enumerate()
        .map(|(i, m)| KlassadMangdVy {
            namn: &m.namn,
            beskrivning: &m.beskrivning,
            klassning: policy
                .aspekter
                .iter()
                .map(|a| {
                    let niva = m.klassning.get(&a.id).copied();
                    KlassningVy {
                        aspekt: &a.namn,
                        id: &a.id,
                        niva,
                        niva_namn: niva.map(|n| niva_namn(policy, n)),
                        styrande: styrande.is_some_and(|s| s.informationsmangd == i && s.aspekt == a.id),
                    }
                })
                .collect(),
            klassad_av: policy.roll_bestamd(&m.klassad_av),
            klassad_datum: m.klassad_datum.to_string(),
        })
        .collect();
    let svar = |text: Option<&String>| text.map(|s| md(s));
    let term = |id: &str| policy.begrepp.iter().find(|t| t.id == id).map(|t| TermVy { id: &t.id, term: &t.term });
    BedomningVy {
        slug: &item.slug,
        fil: &item.file,
        tjanst: &b.tjanst,
        informationsagare: roll_namn(policy, &b.tjanst.informationsagare),
        leverantor_land: b.leverantor.as_ref().map(|l| land_namn(&l.land)),
        leverantor: b.leverantor.as_ref(),
        leverantor_slug,
        skede: h.skede.map(|s| SkedeVy { id: skede_id(Some(s)), namn: skede_namn(Some(s)), text: skede_text(s) }),
        underbitraden: underbitraden(item),
        tjanstemodell: term(&b.tjanstemodell),
        leveransmodell: term(&b.leveransmodell),
        driftform: policy.driftform(b.driftform.id),
        driftform_tidigare: b.driftform.tidigare,
        utlosare: policy.utlosare(b.utlosare).map(|u| u.namn.as_str()),
        central_komponent: b.central_komponent.as_ref().map(|c| CentralKomponentVy {
            namn: policy.lamplighet.centrala_komponenter.iter().find(|k| k.id == c.komponent).map(|k| k.namn.as_str()),
            undantag: md(&c.undantag),
        }),
        rutin: &h.rutin,
        styrande: styrande.map(|s| StyrandeVy {
            niva: s.niva,
            niva_namn: niva_namn(policy, s.niva),
            mangd: &s.informationsmangd_namn,
            aspekt: policy.aspekt_namn(&s.aspekt),
        }),
        usa_koppling: &h.usa_koppling,
        mangder,
        atgarder: h.atgarder.iter().map(|u| atgard(policy, u)).collect(),
        aterstallning: policy
            .atgarder
            .iter()
            .flat_map(|a| a.punkter.iter())
            .map(|p| SvarVy { id: None, namn: Some(&p.namn), text: None, svar: b.aterstallning.get(&p.id).cloned() })
            .collect(),
        certifikat: b.certifikat.iter().map(|c| certifikat(policy, c, site.today)).collect(),
        redogorelse: b.certifieringsredogorelse.as_deref().map(md),
        dpf: dpf(item),
        riskanalys: b.riskanalys.as_ref().map(|r| RiskanalysVy {
            referens: &r.referens,
            datum: r.datum.to_string(),
            genomford_av: policy.roll_bestamd(&r.genomford_av),
        }),
        fragor: policy
            .fragor
            .iter()
            .map(|f| FragaVy {
                id: &f.id,
                rubrik: &f.rubrik,
                delfragor: f
                    .delfraga
                    .iter()
                    .map(|d| SvarVy { id: Some(&d.id), namn: None, text: Some(&d.text), svar: svar(b.svar.get(&d.id)) })
                    .collect(),
            })
            .collect(),
        lamplighet: policy
            .lamplighet
            .villkor
            .iter()
            .map(|v| SvarVy { id: None, namn: None, text: Some(&v.text), svar: svar(b.lamplighet.get(&v.id)) })
            .collect(),
        checklista: policy
            .checklista
            .iter()
            .map(|c| {
                let status = b.checklista.get(&c.id).and_then(|s| policy.checkstatus(s));
                CheckpunktVy {
                    namn: &c.namn,
                    status: status.map(|s| s.namn.as_str()),
                    klar: status.is_some_and(|s| s.klar),
                }
            })
            .collect(),
        bekraftelser: b
            .bekraftelser
            .iter()
            .map(|c| BekraftelseVy {
                atgard: &c.atgard,
                rubrik: policy.atgard(&c.atgard).map(|a| a.rubrik.as_str()),
                status: bekraftelse_namn(Some(c.status)),
                datum: c.datum.map(|d| d.to_string()),
                bevis: c.bevis.as_deref(),
            })
            .collect(),
        skakrav: skakrav(policy, item),
        anbudssvar: b.anbudssvar.iter().map(|s| anbudssvar(policy, s)).collect(),
        svarsbilaga: har_svarsbilaga(item).then_some(SVARSBILAGA),
        beslut: b.beslut.as_ref().map(|x| beslut(policy, x, &|s: &str| Value::String(md(s)))),
        utlatande: utlatande_id(&h.utlatande),
        utlatande_namn: utlatande_namn(&h.utlatande),
        orsaker: match &h.utlatande {
            Utlatande::Blockerad { orsaker } => orsaker,
            _ => &[],
        },
        handlingar: h
            .handlingar
            .iter()
            .map(|&x| HandlingVy { fil: x.fil(), namn: handling_namn(x), docx: handling_docx(x) })
            .collect(),
        historik: historik(site, item),
        sekretess: sekretess(item, site.profil),
    }
}
