//! A recorded decision, as the assessment page and the beslutsunderlag show it.

use serde::Serialize;
use serde_json::Value;

use super::{beslut_namn, niva_namn, roll_namn, versal};
use crate::model::{Beslut, Policy};

/// A recorded decision with Swedish labels, as the assessment page and the beslutsunderlag
/// show it. `md` renders its Markdown fields (HTML for the site, plain-text blocks for the PDFs).
#[derive(Serialize)]
pub struct BeslutVy<'a> {
    pub status: &'static str,
    pub beslutsfattare: String,
    /// For running text: "Godkänd 2026-03-16 av informationsägaren."
    pub beslutsfattare_bestamd: String,
    pub datum: String,
    pub skyddsniva: Option<String>,
    pub delegation: Option<&'a str>,
    pub accepterad_risk: Vec<AccepteradRiskVy<'a>>,
    pub villkor: &'a [String],
    pub motivering: Value,
    pub riskbedomning: Value,
    pub juridiskt: Value,
    pub nasta_granskning: Option<String>,
    pub it_centerchef: Option<StallningstagandeVy>,
    pub eskalering: Option<EskaleringVy>,
}

/// One unmet measure whose risk the decision accepts.
#[derive(Serialize)]
pub struct AccepteradRiskVy<'a> {
    pub id: &'a str,
    pub rubrik: &'a str,
    pub motivering: Value,
}

/// The IT-centerchef's position: its word, and a sentence for running text.
#[derive(Serialize)]
pub struct StallningstagandeVy {
    pub stallning: &'static str,
    pub mening: String,
    pub datum: String,
    pub motivering: Value,
}

/// The matter taken further, and what was decided there.
#[derive(Serialize)]
pub struct EskaleringVy {
    pub till: String,
    pub till_bestamd: String,
    pub datum: String,
    pub beslut: &'static str,
    pub motivering: Value,
}

pub fn beslut<'a>(policy: &'a Policy, x: &'a Beslut, md: &dyn Fn(&str) -> Value) -> BeslutVy<'a> {
    let roll = |id: &str| roll_namn(policy, id);
    BeslutVy {
        status: beslut_namn(x.status),
        beslutsfattare: roll(&x.beslutsfattare),
        beslutsfattare_bestamd: policy.roll_bestamd(&x.beslutsfattare),
        datum: x.datum.to_string(),
        skyddsniva: x.skyddsniva.map(|n| niva_namn(policy, n)),
        delegation: x.delegation.as_deref(),
        accepterad_risk: x
            .accepterad_risk
            .iter()
            .map(|a| AccepteradRiskVy {
                id: &a.atgard,
                rubrik: policy.atgard_rubrik(&a.atgard),
                motivering: md(&a.motivering),
            })
            .collect(),
        villkor: &x.villkor,
        motivering: md(&x.motivering),
        riskbedomning: md(&x.riskbedomning),
        juridiskt: md(&x.juridiskt_ansvar_och_varumarke),
        nasta_granskning: x.nasta_granskning.map(|d| d.to_string()),
        it_centerchef: x.it_centerchef.as_ref().map(|it| StallningstagandeVy {
            stallning: if it.tillstyrker { "Tillstyrker" } else { "Avstyrker" },
            mening: format!(
                "{} {} den {}.",
                versal(&policy.roll_bestamd("it-centerchef")),
                if it.tillstyrker { "tillstyrkte" } else { "avstyrkte" },
                it.datum
            ),
            datum: it.datum.to_string(),
            motivering: md(&it.motivering),
        }),
        eskalering: x.eskalering.as_ref().map(|e| EskaleringVy {
            till: roll(&e.till),
            till_bestamd: policy.roll_bestamd(&e.till),
            datum: e.datum.to_string(),
            beslut: beslut_namn(e.beslut),
            motivering: md(&e.motivering),
        }),
    }
}
