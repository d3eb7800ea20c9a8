//! Stage 3b: the checks that need an assessment's derivation, run right after `derive`.
//!
//! `validate` checks a record against the policy alone; what `derive` decided (the level,
//! the outcome of each measure, the dates being watched) is checked here, so that
//! `validate` never depends on `derive`.

use crate::derive::{AtgardUtfall, BevakningTyp, Del, Harledning, PlatsKalla, Skede, Utlatande};
use crate::diagnostic::Diagnostic;
use crate::load::Loaded;
use crate::model::{AtgardTyp, Bedomning, BeslutStatus, Datum, Part, Policy};
use crate::path;
use crate::validate::{Report, note};

/// Checks one assessment against what derive made of it.
pub(crate) fn granska(
    policy: &Policy,
    loaded: &Loaded<Bedomning>,
    h: &Harledning,
    today: Datum,
    out: &mut Vec<Diagnostic>,
) {
    let Some(b) = &loaded.value else { return };
    let mut r = Report { file: loaded, out };
    // What derive flagged as due or stale, each at the date it concerns.
    for bev in &h.bevakningar {
        let kod = bev.typ.kod();
        match (bev.typ, bev.certifikat.and_then(|i| b.certifikat.get(i).map(|c| (i, c)))) {
            (BevakningTyp::CertifikatUtganget, Some((i, c))) => {
                let d = r.warning(
                    kod,
                    &path!["certifikat", i, "giltigt_till"],
                    format!("certifikatet {} gick ut {}", c.standard, c.giltigt_till),
                    format!("utgånget före {today}"),
                );
                note(
                    d,
                    "ett utgånget certifikat uppfyller inte åtgärden; begär ett förnyat certifikat av leverantören",
                );
            }
            (BevakningTyp::CertifikatGarUt, Some((i, c))) => {
                let d = r.warning(
                    kod,
                    &path!["certifikat", i, "giltigt_till"],
                    format!("certifikatet {} går ut {}", c.standard, c.giltigt_till),
                    format!("inom {} dagar från {today}", policy.regler.bevaka_certifikat_dagar),
                );
                note(d, "begär ett förnyat certifikat av leverantören i god tid");
            }
            (BevakningTyp::GranskningForsenad, _) => {
                let d = r.warning(
                    kod,
                    &path!["beslut", "nasta_granskning"],
                    format!("granskningen skulle ha skett {}", bev.datum),
                    format!("passerat {today}"),
                );
                note(d, "riktlinjen kräver granskning minst en gång om året; granska och för in ett nytt beslut");
            }
            (BevakningTyp::GranskningSnart, _) => {
                r.warning(
                    kod,
                    &path!["beslut", "nasta_granskning"],
                    format!("granskning senast {}", bev.datum),
                    format!("inom {} dagar från {today}", policy.regler.bevaka_granskning_dagar),
                );
            }
            (BevakningTyp::BeslutDrojer, _) => {
                let d = r.warning(
                    kod,
                    &path!["tjanst", "namn"],
                    format!("bedömningen saknar beslut och ändrades senast {}", bev.datum),
                    format!("oförändrad i mer än {} månader", policy.regler.max_manader_utan_beslut),
                );
                note(d, "för bedömningen till beslut, eller ta bort den om upphandlingen har avbrutits");
            }
            (BevakningTyp::DpfInaktuell, _) => {
                let Some((i, k)) = bev.dpf.and_then(|i| b.dpf.get(i).map(|k| (i, k))) else { continue };
                let d = r.warning(
                    kod,
                    &path!["dpf", i, "kontrollerad"],
                    format!("DPF-listningen för {} kontrollerades senast {}", k.organisation, bev.datum),
                    format!("äldre än {} månader", policy.regler.max_manader_sedan_dpf_kontroll),
                );
                note(d, "en listning kan upphöra vid den årliga omcertifieringen; kontrollera listan igen");
            }
            _ => {}
        }
    }

    // A US-linked party without a check, where the DPF measure applies (never at level 4).
    let dpf_galler =
        h.atgarder.iter().any(|u| u.tillamplig && policy.atgard(&u.id).is_some_and(|a| a.typ == AtgardTyp::Dpf));
    for p in h.dpf.iter().filter(|p| dpf_galler && p.kontroll.is_none()) {
        let namn = b.part_namn(p.part);
        let plats = match p.part {
            Part::Leverantor => path!["leverantor", "namn"].to_vec(),
            Part::Moderbolag => path!["leverantor", "moderbolag"].to_vec(),
            Part::Underbitrade(i) => path!["underbitraden", i, "namn"].to_vec(),
        };
        let d = r.warning(
            "missing-dpf-check",
            &plats,
            format!("{} {namn} har USA-koppling men ingen DPF-kontroll", p.part.roll()),
            "ingen `[[dpf]]` med den här parten som `organisation`",
        );
        note(
            d,
            format!(
                "slå upp parten i Data Privacy Framework-listan och lägg till en `[[dpf]]` med `organisation = \"{namn}\"`, `listad`, `ramverk` och `kontrollerad`"
            ),
        );
    }

    // The driftform's promise of servers inside the EU/EEA against where the record puts data.
    if let Some(df) = policy.driftform(b.driftform.id).filter(|_| !h.platsavvikelser.is_empty()) {
        let lofte = format!("driftform {} lovar servrar inom EU/EES (serverplacering ”{}”)", df.id, df.serverplacering);
        for a in &h.platsavvikelser {
            let land = format!("{} ({})", crate::model::land_namn(&a.land).unwrap_or(&a.land), a.land);
            let (plats, fakta) = match &a.var {
                PlatsKalla::Leverantor => (
                    path!["leverantor", "land"].to_vec(),
                    format!(
                        "leverantören {} är registrerad i {land}",
                        b.leverantor.as_ref().map_or("", |l| l.namn.as_str())
                    ),
                ),
                PlatsKalla::Aterstallning(id) => {
                    let punkt = policy.atgarder.iter().flat_map(|x| &x.punkter).find(|p| p.id == *id);
                    let namn = punkt.map_or(id.clone(), |p| p.namn.to_lowercase());
                    (path!["aterstallning", id.as_str()].to_vec(), format!("svaret om {namn} nämner {land}"))
                }
                PlatsKalla::Underbitrade(i) => (
                    path!["underbitraden", *i, "land"].to_vec(),
                    format!(
                        "underbiträdet {} lagrar data och är registrerat i {land}",
                        b.underbitraden.get(*i).map_or("", |u| u.namn.as_str())
                    ),
                ),
            };
            let d = r.warning(
                "location-outside-eu-ees",
                &plats,
                format!("{lofte}, men {fakta}, utanför EU/EES"),
                "utanför EU/EES",
            );
            note(
                d,
                "välj en driftform vars servrar får finnas utanför EU/EES, eller rätta uppgiften om var data finns",
            );
        }
    }

    // A procurement out for tender: accepted, and told what the next stage needs.
    if h.skede == Some(Skede::KravFramtagna) {
        let d = r.info(
            "awaiting-supplier",
            &path!["utlosare"],
            "bedömningen är i skedet Krav framtagna: ska-kraven är kända, ingen leverantör är vald ännu".to_owned(),
            "upphandling utan [leverantor]",
        );
        note(
            d,
            "nästa skede, Anbud utvärderat: lägg till den antagna anbudsgivaren i `[leverantor]` (`namn`, `land`) och för sedan in dess svarsbilaga med `molnkoll svar <fil.xlsx> --bedomning <slug> --skriv`, som också skriver in underbiträdena",
        );
    }
    if b.leverantor.is_none()
        && let Some(beslut) = b.beslut.as_ref().filter(|x| x.slutligt() == BeslutStatus::Godkand)
    {
        let d = r.error(
            "decision-without-supplier",
            &path!["beslut", "status"],
            format!("tjänsten är godkänd {} utan att någon leverantör är vald", beslut.datum),
            "godkänd",
        );
        note(
            d,
            "ett godkännande gäller en leverantörs tjänst: lägg till `[leverantor]` och dess underlag innan beslutet, eller avslå",
        );
    }

    // Decision.
    // Asked for only where derive found the measure to apply: never at level 4, where no
    // measure can open the way.
    let needs_risk =
        h.atgarder.iter().any(|u| u.tillamplig && policy.atgard(&u.id).is_some_and(|a| a.typ == AtgardTyp::Riskanalys));
    match &b.beslut {
        None => {
            if needs_risk && b.riskanalys.is_none() {
                r.warning(
                    "missing-risk-analysis",
                    &path!["informationsmangd"],
                    format!(
                        "nivå {} kräver en riskanalys före upphandling; ingen är registrerad",
                        h.styrande.as_ref().map_or(0, |s| s.niva)
                    ),
                    "lägg till [riskanalys] innan beslut",
                );
            }
        }
        Some(beslut) => {
            let approved = beslut.slutligt() == BeslutStatus::Godkand;
            if approved && h.utlatande == Utlatande::EjTillaten {
                let d = r.error(
                    "approved-at-level-4",
                    &path!["beslut", "status"],
                    "en molntjänst är godkänd fast informationen har nivå 4".to_owned(),
                    "godkänd",
                );
                note(d, "åtgärdstabellen: på nivå 4 är molntjänst ej tillåten, och ingen åtgärd ändrar det");
            }
            if approved && needs_risk && b.riskanalys.is_none() {
                r.error(
                    "missing-risk-analysis",
                    &path!["beslut"],
                    format!(
                        "beslut om godkännande på nivå {} utan riskanalys",
                        h.styrande.as_ref().map_or(0, |s| s.niva)
                    ),
                    "lägg till [riskanalys]",
                );
            }
            if approved && h.utlatande != Utlatande::EjTillaten {
                accepterad_risk(policy, b, beslut, h, &mut r);
            }
        }
    }
}

/// An approval while a ska-krav is unmet is a decision to accept that risk: the accepted
/// risk names each such measure, and names nothing else.
fn accepterad_risk(
    policy: &Policy,
    b: &Bedomning,
    beslut: &crate::model::Beslut,
    h: &Harledning,
    r: &mut Report<'_, Bedomning>,
) {
    let skakrav = |u: &&AtgardUtfall| u.ouppfylld() && u.del(policy) == Some(Del::Leverantor);
    let namngiven = |id: &str| beslut.accepterad_risk.iter().any(|a| a.atgard == id);
    // The decision accepted the risk as it stood on its date; a certificate that expired
    // since is the watch's warning, not a flaw in the decision.
    let vid_beslut = crate::derive::harled(policy, b, beslut.datum);
    let ouppfylld_vid_beslut = |id: &str| vid_beslut.atgarder.iter().any(|u| u.id == id && skakrav(&u));
    let saknas: Vec<String> = h
        .atgarder
        .iter()
        .filter(skakrav)
        .filter(|u| ouppfylld_vid_beslut(&u.id) && !namngiven(&u.id))
        .map(|u| format!("{} ({})", policy.atgard_rubrik(&u.id), u.id))
        .collect();
    if !saknas.is_empty() {
        let d = r.error(
            "approved-with-unmet-measures",
            &path!["beslut", "status"],
            format!("tjänsten är godkänd, men den accepterade risken tar inte upp {}", lista(&saknas)),
            "godkänd",
        );
        note(
            d,
            "ett godkännande trots ett ouppfyllt ska-krav är ett beslut att acceptera den risken: lägg till en `[[beslut.accepterad_risk]]` med `atgard` och `motivering` för varje åtgärd, eller avslå",
        );
    }
    for (i, a) in beslut.accepterad_risk.iter().enumerate() {
        let Some(u) = h.atgarder.iter().find(|u| u.id == a.atgard) else { continue };
        if !skakrav(&u) && !ouppfylld_vid_beslut(&u.id) && policy.atgard(&u.id).is_some() {
            r.warning(
                "accepted-risk-without-shortfall",
                &path!["beslut", "accepterad_risk", i, "atgard"],
                format!(
                    "den accepterade risken tar upp {} ({}), som inte är ett ouppfyllt ska-krav",
                    policy.atgard_rubrik(&u.id),
                    u.id
                ),
                crate::derive::status_namn(u.status).to_lowercase(),
            );
        }
    }
    let styrande = h.styrande.as_ref().map(|s| s.niva);
    if let (Some(skydd), Some(niva)) = (beslut.skyddsniva, styrande)
        && skydd < niva
    {
        let d = r.warning(
            "protection-level-below-classification",
            &path!["beslut", "skyddsniva"],
            format!("den beslutade skyddsnivån {skydd} är lägre än den styrande klassningsnivån {niva}"),
            format!("lägre än {niva}"),
        );
        note(d, "en lägre skyddsnivå än klassningen är en accepterad risk: motivera den i `motivering`");
    }
}

/// "a", "a och b", "a, b och c".
fn lista(delar: &[String]) -> String {
    match delar {
        [] => String::new(),
        [ett] => ett.clone(),
        [forsta @ .., sista] => format!("{} och {sista}", forsta.join(", ")),
    }
}
