//! What the edit form holds: every field of an assessment record, grouped as the routine's
//! steps, each allowed value taken from the policy.

use crate::load::Seg;
use crate::model::{AtgardTyp, BegreppKategori, BekraftelseStatus, BeslutStatus, Policy};
use crate::validate::serde_plain;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Slag {
    Text,
    /// Markdown.
    Textarea,
    Datum,
    Bool,
    /// Yes, no or not said: an optional bool.
    JaNej,
    /// One of the policy's values, written as a string.
    Val,
    /// One of the policy's values, written as an integer.
    Heltal,
    /// Any of the policy's values, written as a list of strings.
    Flerval,
    /// A list of strings, one a line.
    Rader,
}

pub(super) struct Falt {
    /// The key below the section or list entry.
    pub(super) key: String,
    pub(super) label: String,
    pub(super) slag: Slag,
    pub(super) val: Vec<(String, String)>,
    /// May be left empty (the key is then left out).
    pub(super) valfri: bool,
    pub(super) hint: &'static str,
}

pub(super) fn falt(key: &str, label: &str, slag: Slag) -> Falt {
    Falt { key: key.to_owned(), label: label.to_owned(), slag, val: Vec::new(), valfri: false, hint: "" }
}

impl Falt {
    fn val(mut self, val: Vec<(String, String)>) -> Falt {
        self.val = val;
        self
    }
    fn valfri(mut self) -> Falt {
        self.valfri = true;
        self
    }
    fn hint(mut self, hint: &'static str) -> Falt {
        self.hint = hint;
        self
    }
    fn datum(key: &str, label: &str) -> Falt {
        falt(key, label, Slag::Datum).hint("ÅÅÅÅ-MM-DD")
    }
}

/// A group of fields: one table, or one list of tables (`lista`), under a step's heading.
pub(super) struct Grupp {
    pub(super) rubrik: String,
    /// The table the keys are in (`tjanst`, `beslut.it_centerchef`), or `""` for the top level.
    pub(super) tabell: &'static str,
    pub(super) lista: bool,
    /// A section the record may leave out: emptied, it is removed.
    pub(super) valfri: bool,
    /// What one entry of a list is called, in "Lägg till …".
    pub(super) post: &'static str,
    pub(super) falt: Vec<Falt>,
}

impl Grupp {
    fn tabell(rubrik: &str, tabell: &'static str, falt: Vec<Falt>) -> Grupp {
        Grupp { rubrik: rubrik.to_owned(), tabell, lista: false, valfri: false, post: "", falt }
    }
    /// A section the record may leave out.
    fn valfri(rubrik: &str, tabell: &'static str, falt: Vec<Falt>) -> Grupp {
        Grupp { valfri: true, ..Grupp::tabell(rubrik, tabell, falt) }
    }
    fn lista(rubrik: &str, tabell: &'static str, post: &'static str, falt: Vec<Falt>) -> Grupp {
        Grupp { lista: true, post, ..Grupp::tabell(rubrik, tabell, falt) }
    }

    /// The path of the table, or of the list.
    pub(super) fn segs(&self) -> Vec<Seg> {
        self.tabell.split('.').filter(|k| !k.is_empty()).map(|k| Seg::Key(k.to_owned())).collect()
    }
}

pub(super) struct Steg {
    pub(super) rubrik: String,
    pub(super) grupper: Vec<Grupp>,
}

fn roller(p: &Policy) -> Vec<(String, String)> {
    p.roller.iter().map(|r| (r.id.clone(), r.namn.clone())).collect()
}

/// The countries with Swedish names (`model::land`); a code outside the list stays
/// selected and is shown as it is.
fn lander() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        crate::model::LANDER.iter().map(|(k, n)| ((*k).to_owned(), format!("{n} ({k})"))).collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

fn atgarder(p: &Policy) -> Vec<(String, String)> {
    p.atgarder.iter().map(|a| (a.id.clone(), format!("{}: {}", a.id, a.rubrik))).collect()
}

fn steg_namn(p: &Policy, i: usize, fallback: &str) -> String {
    p.steg.get(i).map_or_else(|| fallback.to_owned(), |s| format!("Steg {}: {}", i + 1, s.namn))
}

/// The form's layout, from the policy: every allowed value is one of its lists.
pub(super) fn layout(p: &Policy) -> Vec<Steg> {
    let nivaer: Vec<(String, String)> =
        p.nivaer.iter().map(|n| (n.varde.to_string(), format!("{} – {}", n.varde, n.namn))).collect();
    let driftformer: Vec<(String, String)> = p
        .driftformer
        .iter()
        .map(|d| (d.id.to_string(), format!("{}: {}, {}", d.id, d.driftleverantor, d.serverplacering)))
        .collect();
    let begrepp = |k| p.begrepp_i_kategori(k).map(|b| (b.id.clone(), b.term.clone())).collect::<Vec<_>>();
    let organisationer: Vec<(String, String)> = [&p.organisation.namn]
        .into_iter()
        .chain(&p.organisation.kommuner)
        .chain(&p.organisation.bolag)
        .map(|n| (n.clone(), n.clone()))
        .collect();
    let beslut: Vec<(String, String)> = [BeslutStatus::Godkand, BeslutStatus::Avslagen]
        .into_iter()
        .map(|s| (serde_plain(s), crate::view::beslut_namn(s).to_owned()))
        .collect();
    let mut klassning: Vec<Falt> =
        vec![falt("namn", "Informationsmängd", Slag::Text), falt("beskrivning", "Beskrivning", Slag::Textarea)];
    for a in &p.aspekter {
        // The keys of a `klassning` table are the aspects' ids, which live in the policy.
        let mut fl =
            falt(&format!("klassning.{}", a.id), &format!("{} ({})", a.namn, a.id), Slag::Heltal).val(nivaer.clone());
        if !a.obligatorisk {
            fl = fl.valfri();
        }
        klassning.push(fl);
    }
    klassning.push(falt("klassad_av", "Klassad av (roll)", Slag::Val).val(roller(p)));
    klassning.push(Falt::datum("klassad_datum", "Klassad datum"));
    let mut punkter: Vec<Falt> = Vec::new();
    for a in p.atgarder.iter().filter(|a| a.typ == AtgardTyp::Aterstallning) {
        for pt in &a.punkter {
            if !punkter.iter().any(|f| f.key == pt.id) {
                punkter.push(falt(&pt.id, &pt.namn, Slag::Textarea).valfri());
            }
        }
    }
    let fragor = p.fragor.iter().map(|f| {
        let falt =
            f.delfraga.iter().map(|d| falt(&d.id, &format!("{}. {}", d.id, d.text), Slag::Textarea).valfri()).collect();
        Grupp::tabell(&format!("Fråga {}: {}", f.id, f.rubrik), "svar", falt)
    });
    let mut riktlinjen: Vec<Grupp> = fragor.collect();
    riktlinjen.push(Grupp::tabell(
        "När en molntjänst passar",
        "lamplighet",
        p.lamplighet.villkor.iter().map(|v| falt(&v.id, &v.text, Slag::Textarea).valfri()).collect(),
    ));
    riktlinjen.push(Grupp::valfri(
        "Central komponent (undantag från lokal drift)",
        "central_komponent",
        vec![
            falt("komponent", "Central komponent", Slag::Val)
                .val(p.lamplighet.centrala_komponenter.iter().map(|c| (c.id.clone(), c.namn.clone())).collect())
                .valfri(),
            falt("undantag", "Undantaget som tillåter molntjänst", Slag::Textarea),
        ],
    ));
    let statusar: Vec<(String, String)> = p.checkstatusar.iter().map(|s| (s.id.clone(), s.namn.clone())).collect();
    riktlinjen.push(Grupp::tabell(
        "Processens checklista",
        "checklista",
        p.checklista.iter().map(|c| falt(&c.id, &c.namn, Slag::Val).val(statusar.clone()).valfri()).collect(),
    ));
    vec![
        Steg {
            rubrik: steg_namn(p, 0, "Tjänsten"),
            grupper: vec![
                Grupp::tabell(
                    "Tjänsten",
                    "tjanst",
                    vec![
                        falt("namn", "Tjänstens namn", Slag::Text),
                        falt("beskrivning", "Beskrivning", Slag::Textarea),
                        falt("referens", "Diarienummer", Slag::Text),
                        falt("anvands_av", "Organisationer som ska använda tjänsten", Slag::Flerval)
                            .val(organisationer.clone()),
                        falt("informationsagare", "Informationsägare (roll)", Slag::Val).val(roller(p)),
                        falt("avtal", "Avtal med leverantören", Slag::Text).valfri(),
                        falt("avtalspart", "Avtalspart (skriver under för kunden)", Slag::Val)
                            .val(organisationer.clone())
                            .valfri(),
                    ],
                ),
                Grupp::tabell(
                    "Modell och anledning",
                    "",
                    vec![
                        falt("utlosare", "Anledning", Slag::Val)
                            .val(p.utlosare.iter().map(|u| (serde_plain(u.id), u.namn.clone())).collect()),
                        falt("tjanstemodell", "Tjänstemodell", Slag::Val).val(begrepp(BegreppKategori::Tjanstemodell)),
                        falt("leveransmodell", "Leveransmodell", Slag::Val)
                            .val(begrepp(BegreppKategori::Leveransmodell)),
                    ],
                ),
                Grupp::tabell(
                    "Driftform",
                    "driftform",
                    vec![
                        falt("id", "Driftform", Slag::Heltal).val(driftformer.clone()),
                        falt("villkor_uppfyllt", "Gäller driftformens villkor?", Slag::JaNej)
                            .hint("bara för en driftform med villkor"),
                        falt("tidigare", "Driftform före förändringen", Slag::Heltal).val(driftformer).valfri(),
                    ],
                ),
                // Left out while a procurement is out for tender.
                Grupp::valfri(
                    "Leverantören",
                    "leverantor",
                    vec![
                        falt("namn", "Leverantörens namn", Slag::Text),
                        falt("land", "Land", Slag::Val).val(lander()),
                        falt("usa_koppling", "Lyder under amerikansk lag", Slag::Bool),
                        falt("moderbolag", "Moderbolag", Slag::Text).valfri(),
                    ],
                ),
            ],
        },
        Steg {
            rubrik: steg_namn(p, 2, "Klassning"),
            grupper: vec![
                Grupp::lista("Informationsmängder", "informationsmangd", "informationsmängd", klassning),
                Grupp::valfri(
                    "Riskanalys",
                    "riskanalys",
                    vec![
                        falt("referens", "Riskanalysens diarienummer", Slag::Text),
                        Falt::datum("datum", "Datum"),
                        falt("genomford_av", "Genomförd av (roll)", Slag::Val).val(roller(p)).valfri(),
                    ],
                ),
            ],
        },
        Steg {
            rubrik: steg_namn(p, 3, "Leverantörens svar"),
            grupper: [
                vec![
                    Grupp::tabell("Återställning", "aterstallning", punkter),
                    Grupp::lista(
                        "Certifikat",
                        "certifikat",
                        "certifikat",
                        vec![
                            falt("standard", "Certifiering", Slag::Val)
                                .val(p.certifieringar.iter().map(|c| (c.id.clone(), c.namn.clone())).collect()),
                            falt("utfardare", "Utfärdare", Slag::Text),
                            Falt::datum("giltigt_till", "Giltigt till"),
                            falt("omfattar_tjansten", "Omfattar tjänsten", Slag::Bool),
                            falt("bevis", "Bevis (dokument eller diarienummer)", Slag::Text),
                        ],
                    ),
                    Grupp::lista(
                        "Underbiträden",
                        "underbitraden",
                        "underbiträde",
                        vec![
                            falt("namn", "Namn", Slag::Text),
                            falt("land", "Land", Slag::Val).val(lander()),
                            falt("usa_koppling", "Lyder under amerikansk lag", Slag::Bool),
                            falt("uppgift", "Uppgift", Slag::Text),
                            falt("lagrar_data", "Lagrar data", Slag::Bool),
                        ],
                    ),
                    Grupp::tabell(
                        "Redogörelse i stället för certifikat",
                        "",
                        vec![falt("certifieringsredogorelse", "Leverantörens redogörelse", Slag::Textarea).valfri()],
                    ),
                    Grupp::valfri(
                        "Bedömning av redogörelsen",
                        "redogorelse_bedomning",
                        vec![
                            falt("bedomd_av", "Bedömd av (roll)", Slag::Val).val(roller(p)).valfri(),
                            Falt::datum("datum", "Datum"),
                            falt("godtagen", "Redogörelsen visar att säkerhetskraven uppfylls", Slag::Bool),
                            falt("motivering", "Motivering", Slag::Textarea).valfri(),
                        ],
                    ),
                ],
                dpf(p),
                vec![
                    Grupp::lista(
                        "Leverantörsbekräftelser",
                        "bekraftelse",
                        "bekräftelse",
                        vec![
                            falt("atgard", "Åtgärd", Slag::Val).val(atgarder(p)),
                            falt("status", "Status", Slag::Val).val(
                                [BekraftelseStatus::Bekraftad, BekraftelseStatus::Vantar, BekraftelseStatus::Nekad]
                                    .into_iter()
                                    .map(|s| (serde_plain(s), crate::view::bekraftelse_namn(Some(s)).to_owned()))
                                    .collect(),
                            ),
                            Falt::datum("datum", "Datum").valfri(),
                            falt("bevis", "Bevis", Slag::Text).valfri(),
                        ],
                    ),
                    Grupp::lista(
                        "Anbudssvar",
                        "anbudssvar",
                        "anbudssvar",
                        vec![
                            falt("krav", "Ska-krav", Slag::Val).val(atgarder(p)),
                            falt("uppfylls", "Anbudsgivaren svarar Ja", Slag::Bool),
                            falt("svar", "Svar", Slag::Textarea).valfri(),
                            falt("bevis", "Bevis i anbudet", Slag::Text).valfri(),
                            falt("kontrollerad_av", "Beviset kontrollerat av (roll)", Slag::Val)
                                .val(roller(p))
                                .valfri(),
                            Falt::datum("kontrollerad_datum", "Kontrollerat datum").valfri(),
                        ],
                    ),
                ],
            ]
            .into_iter()
            .flatten()
            .collect(),
        },
        Steg { rubrik: "Riktlinjens frågor".to_owned(), grupper: riktlinjen },
        Steg {
            rubrik: "Beslut".to_owned(),
            grupper: vec![
                Grupp::valfri(
                    "Informationsägarens beslut",
                    "beslut",
                    vec![
                        falt("status", "Beslut", Slag::Val).val(beslut.clone()).valfri(),
                        falt("beslutsfattare", "Beslutsfattare (roll)", Slag::Val).val(roller(p)).valfri(),
                        Falt::datum("datum", "Beslutsdatum"),
                        falt("skyddsniva", "Skyddsnivå", Slag::Heltal).val(nivaer).valfri(),
                        falt("delegation", "Delegation som beslutet vilar på", Slag::Text).valfri(),
                        falt("motivering", "Motivering", Slag::Textarea),
                        falt("riskbedomning", "Riskbedömning", Slag::Textarea),
                        falt("juridiskt_ansvar_och_varumarke", "Juridiskt ansvar och varumärke", Slag::Textarea),
                        falt("villkor", "Villkor för godkännandet", Slag::Rader).hint("ett villkor per rad").valfri(),
                        Falt::datum("nasta_granskning", "Nästa granskning").valfri(),
                    ],
                ),
                Grupp::lista(
                    "Accepterade risker",
                    "beslut.accepterad_risk",
                    "accepterad risk",
                    vec![
                        falt("atgard", "Åtgärd som inte uppfylls", Slag::Val).val(atgarder(p)),
                        falt("motivering", "Varför risken accepteras", Slag::Textarea),
                    ],
                ),
                Grupp::valfri(
                    "IT-centerchefens ställningstagande",
                    "beslut.it_centerchef",
                    vec![
                        falt("tillstyrker", "IT-centerchefen tillstyrker", Slag::Bool),
                        Falt::datum("datum", "Datum"),
                        falt("motivering", "Motivering", Slag::Textarea),
                    ],
                ),
                Grupp::valfri(
                    "Ärendet lyft till kommundirektören",
                    "beslut.eskalering",
                    vec![
                        falt("till", "Lyft till (roll)", Slag::Val).val(roller(p)).valfri(),
                        Falt::datum("datum", "Datum"),
                        falt("beslut", "Beslut", Slag::Val).val(beslut).valfri(),
                        falt("motivering", "Motivering", Slag::Textarea),
                    ],
                ),
            ],
        },
        Steg {
            rubrik: "Sekretess".to_owned(),
            grupper: vec![Grupp::lista(
                "Sekretessbelagda delar",
                "sekretess",
                "sekretessbelagd del",
                vec![
                    falt("falt", "Del av bedömningen", Slag::Text)
                        .hint("till exempel beslut.riskbedomning eller svar.3b"),
                    falt("paragraf", "Paragraf i OSL", Slag::Text).hint("till exempel 18 kap. 8 § OSL"),
                    falt("grund", "Grund, med några ord", Slag::Text).valfri(),
                ],
            )],
        },
    ]
}

/// The DPF check, one section: kept apart so that a record with one check per party
/// (`[[dpf]]`) changes only this.
fn dpf(p: &Policy) -> Vec<Grupp> {
    let _ = p;
    vec![Grupp::lista(
        "Kontroller i Data Privacy Framework (DPF), en per part med USA-koppling",
        "dpf",
        "DPF-kontroll",
        vec![
            falt("organisation", "Part i leverantörskedjan", Slag::Text),
            falt("listad_som", "Namn i listan, om det skiljer sig", Slag::Text).valfri(),
            falt("listad", "Parten är listad", Slag::Bool),
            falt("ramverk", "Ramverk som listningen omfattar", Slag::Rader).hint("ett per rad").valfri(),
            Falt::datum("kontrollerad", "Kontrollerad"),
            falt("bevis", "Bevis", Slag::Text).valfri(),
        ],
    )]
}
