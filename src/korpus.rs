//! `molnkoll korpus`: a project with N made-up but valid assessments, for benchmarks and
//! scaling tests.
//!
//! Every id, role, organisation, level, driftform, certification, question and checklist
//! item comes from the shipped policy, so the records follow the policy rather than a
//! copy of it. Names, suppliers and prose come from small pools below; nothing in them is
//! a real company. The same seed gives byte-identical files, and record `i` is the same
//! whatever N is, so a small corpus is the start of a large one.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::init;
use crate::load::{BEDOMNING_DIR, POLICY_FILE};
use crate::model::{AtgardTyp, BegreppKategori, Datum, Policy, Tillampning, UtlosareId};
use crate::slug::slugify;
use crate::validate::serde_plain;
use crate::write::write_new;

/// The day the generated dates are spread around. Fixed, so that the files never depend
/// on when they were written; benchmarks build with `--today 2026-11-23`.
pub const REFERENSDAG: &str = "2026-11-23";

#[derive(Debug, thiserror::Error)]
pub enum KorpusError {
    #[error("{0} är inte tom; välj en ny mapp för korpusen")]
    NotEmpty(PathBuf),
    #[error("{0} finns och är ingen mapp")]
    NotDir(PathBuf),
    #[error("kan inte skriva {0}: {1}")]
    Io(PathBuf, io::Error),
    #[error("den inbyggda policyn går inte att läsa: {0}")]
    Policy(String),
}

/// Writes the shipped policy and pages and `antal` assessments to `dir`, which must be
/// empty or missing. Returns the assessment files, relative to `dir`.
pub fn write(dir: &Path, antal: usize, seed: u64) -> Result<Vec<String>, KorpusError> {
    if dir.exists() && !dir.is_dir() {
        return Err(KorpusError::NotDir(dir.to_owned()));
    }
    let io = |p: &Path| {
        let p = p.to_owned();
        move |e| KorpusError::Io(p, e)
    };
    if dir.exists() && fs::read_dir(dir).map_err(io(dir))?.next().is_some() {
        return Err(KorpusError::NotEmpty(dir.to_owned()));
    }
    let policy_text = init::FILES.iter().find(|(rel, _)| *rel == POLICY_FILE).map(|(_, t)| *t).unwrap_or_default();
    let policy: Policy = toml::from_str(policy_text).map_err(|e| KorpusError::Policy(e.to_string()))?;

    let put = |rel: &str, bytes: &[u8]| -> Result<(), KorpusError> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        write_new(&path, bytes).map_err(io(&path))
    };
    // The starter project minus its example assessment: the corpus has exactly N.
    for (rel, text) in init::FILES.iter().filter(|(rel, _)| !rel.starts_with(BEDOMNING_DIR)) {
        put(rel, text.as_bytes())?;
    }
    fs::create_dir_all(dir.join(BEDOMNING_DIR)).map_err(io(dir))?;
    let mut files = Vec::with_capacity(antal);
    for i in 0..antal {
        let (rel, text) = bedomning(&policy, seed, i);
        put(&rel, text.as_bytes())?;
        files.push(rel);
    }
    Ok(files)
}

/// Record `i` of the corpus for `seed`: its path and its TOML text.
pub fn bedomning(policy: &Policy, seed: u64, i: usize) -> (String, String) {
    // One generator per record, so record i does not depend on how many came before.
    let mut g = Gen { rng: fastrand::Rng::with_seed(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)), policy };
    let r = g.record(i);
    let slug = slugify(&r.namn).unwrap_or_else(|| "tjanst".to_owned());
    (format!("{BEDOMNING_DIR}/{slug}.toml"), r.text)
}

struct Gen<'a> {
    rng: fastrand::Rng,
    policy: &'a Policy,
}

/// A supplier as a procurement meets it: where the contracting company sits and what
/// ties it to US law.
#[derive(Clone, Copy)]
enum Hemvist {
    /// An EU/EES country, no US link.
    Eu(&'static str),
    /// Registered in a country the policy counts as a US link.
    Usa,
    /// Registered in the EU/EES with a US parent company.
    EuMedUsaAgare(&'static str, &'static str),
}

const LEVERANTORER: &[(&str, Hemvist)] = &[
    ("Norrvik Systems AB", Hemvist::Eu("SE")),
    ("Kvarnström Data AB", Hemvist::Eu("SE")),
    ("Älvdalens Programvara AB", Hemvist::Eu("SE")),
    ("Fjällsjö IT Oy", Hemvist::Eu("FI")),
    ("Bølgen Software AS", Hemvist::Eu("NO")),
    ("Hansekontor Cloud GmbH", Hemvist::Eu("DE")),
    ("Polderlicht Systems B.V.", Hemvist::Eu("NL")),
    ("Skagerak Digital ApS", Hemvist::Eu("DK")),
    ("Brightfield Software Inc.", Hemvist::Usa),
    ("Cirrusway Corporation", Hemvist::Usa),
    ("Lakeshore Analytics LLC", Hemvist::Usa),
    ("Harborline Ireland Ltd", Hemvist::EuMedUsaAgare("IE", "Harborline Inc. (USA)")),
    ("Meridian Cloud Europe B.V.", Hemvist::EuMedUsaAgare("NL", "Meridian Holdings Corp. (USA)")),
    ("Vindö Support AB", Hemvist::EuMedUsaAgare("SE", "Northgate Software Inc. (USA)")),
];

const UNDERBITRADEN: &[(&str, Hemvist, &str)] = &[
    ("Stratusbyte Hosting Inc.", Hemvist::Usa, "Plattformsdrift och lagring i leverantörens EU-region."),
    ("Norrsken Datacenter AB", Hemvist::Eu("SE"), "Serverhallar och fysisk säkerhet i Sverige."),
    ("Eurovault Backup GmbH", Hemvist::Eu("DE"), "Säkerhetskopiering till ett andra datacenter inom EU."),
    ("Tidewater Support Ltd", Hemvist::EuMedUsaAgare("IE", "Tidewater Inc. (USA)"), "Andra linjens support."),
    ("Mailstream Inc.", Hemvist::Usa, "Utskick av e-post och sms-aviseringar."),
    ("Kallbacken Drift AB", Hemvist::Eu("SE"), "Övervakning och incidenthantering dygnet runt."),
];

const PRODUKTER: &[&str] = &[
    "Arkiva",
    "Borealis",
    "Cirkel",
    "Delfi",
    "Eken",
    "Fyren",
    "Gnista",
    "Horisont",
    "Isbrytaren",
    "Jolle",
    "Kompass",
    "Lyktan",
    "Milstolpe",
    "Nyckeln",
    "Oden",
    "Pilen",
    "Runa",
    "Stjärna",
    "Tallbo",
    "Vega",
];

/// A service area, the information it handles and the level it tends towards.
const OMRADEN: &[(&str, &str, &[&str])] = &[
    (
        "ärendehantering",
        "Handläggning av ansökningar och ärenden från invånare.",
        &["Ärendeakter", "Beslut och delegationsbeslut"],
    ),
    (
        "skolplattform",
        "Närvaro, scheman och kommunikation med vårdnadshavare.",
        &["Elevuppgifter", "Frånvaro och närvaro", "Meddelanden till vårdnadshavare"],
    ),
    ("e-tjänster", "Självservice och formulär för invånare och företag.", &["Inkomna ansökningar", "Kontaktuppgifter"]),
    ("lönesystem", "Lön, schema och personaladministration.", &["Löneunderlag", "Personalakter"]),
    ("enkätverktyg", "Medarbetar- och medborgarenkäter.", &["Enkätsvar", "Svarslistor"]),
    (
        "fastighetssystem",
        "Förvaltning av lokaler, underhåll och felanmälan.",
        &["Felanmälningar", "Ritningar och avtal"],
    ),
    ("driftövervakning", "Övervakning av VA-anläggningar och larm.", &["Larm och mätvärden", "Styrparametrar"]),
    ("kartverktyg", "Kartor och geodata för planering och bygglov.", &["Geodata", "Ledningskartor"]),
    ("diarium", "Registrering av allmänna handlingar.", &["Diarieförda handlingar", "Sekretessmarkerade handlingar"]),
    ("videomöten", "Digitala möten och webbsändningar.", &["Mötesinspelningar", "Chattloggar"]),
    ("socialtjänstsystem", "Dokumentation inom individ- och familjeomsorg.", &["Journaler", "Utredningar"]),
    ("säkerhetskopiering", "Kopior av kommunens servrar och filer utanför huset.", &["Säkerhetskopior"]),
];

/// Answers to the guideline's questions, one group per question in the policy's order; a
/// policy with more questions reuses the groups.
const SVAR: &[&[&str]] = &[
    &[
        "Ja. Tjänsten stöder verksamhetens mål i digitaliseringsplanen och ersätter ett äldre system.",
        "Delvis. Tjänsten är förenlig med inriktningen, men ett strategiskt valt system gör en del av samma sak.",
    ],
    &[
        "Ja, under förutsättning att sekretessbelagd information inte hanteras i tjänsten.",
        "Delvis. Allmänna handlingar registreras i diariet och bevaras inte i tjänsten, så arkivlagen följs.",
    ],
    &[
        "Ja, med SML-IT:s grundkonfiguration:\n\n- flerfaktorsautentisering för alla konton;\n- loggning till den gemensamma logganalysen;\n- behörigheter styrda av rollerna i katalogtjänsten.\n",
        "Delvis. Leverantören saknar stöd för villkorsstyrd åtkomst; det kompenseras med kortare sessioner.",
    ],
    &[
        "Leverantören ansvarar för plattform och drift. Förvaltningen ansvarar för behörigheter, konfiguration och vilken information som läggs i tjänsten.",
        "Ansvaret följer modellen för delat ansvar och står i avtalets bilaga om ansvarsfördelning.",
    ],
    &[
        "Ja. Personuppgiftsbiträdesavtal tecknas för samtliga kommuner och bolag innan tjänsten tas i bruk.",
        "Ja. Leverantörens supportpersonal får åtkomst bara efter godkännande i varje enskilt ärende.",
    ],
    &[
        "Användarna vänder sig till servicedesken, som eskalerar till leverantörens support vid behov.",
        "Förvaltningsgruppen ger första linjens support; leverantören andra linjens.",
    ],
    &[
        "Tjänsten används i webbläsaren parallellt med verksamhetssystemet.",
        "Användarna arbetar bara i tjänsten; inga andra applikationer behövs för processen.",
    ],
    &[
        "Ja, en integration mot katalogtjänsten för inloggning; övriga integrationer bedöms separat.",
        "Nej, tjänsten är fristående.",
    ],
    &[
        "Nej, inget annat system i kommunerna gör samma sak.",
        "Ja, ett äldre lokalt system som avvecklas när tjänsten är införd.",
    ],
    &[
        "Exit sker genom export i öppna format under avtalets sista tre månader, enligt avtalsbilagan.",
        "Leverantören lämnar en fullständig databaskopia vid avtalets slut; formatet är dokumenterat.",
    ],
];

/// How each condition for a fitting cloud service holds, one group per condition in order.
const LAMPLIGHET: &[&[&str]] = &[
    &[
        "Ja. Informationen är okänslig.",
        "Delvis. Tjänsten får bara användas för information upp till nivå 2 i konfidentialitet.",
        "Nej. Informationen är känslig; se riskanalysen.",
    ],
    &["Ja. Tjänsten är fristående.", "Delvis. En integration finns, men komplexiteten är låg."],
    &[
        "Ja. Leverantören publicerar revisionsrapporter som följs upp årligen.",
        "Delvis. Villkoren är standardvillkor som inte kan förhandlas.",
    ],
];

impl Gen<'_> {
    fn below(&mut self, n: usize) -> usize {
        self.rng.usize(..n.max(1))
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(..100) < percent
    }

    fn pick<'b, T>(&mut self, items: &'b [T]) -> &'b T {
        &items[self.below(items.len())]
    }

    /// A day `from..=to` days after the reference day (negative: before).
    fn dag(&mut self, from: i32, to: i32) -> Datum {
        Datum::parse(REFERENSDAG).expect("a valid date").plus_days(self.rng.i32(from..=to))
    }

    /// The first of `preferred` that the policy has as a role, else its first role.
    fn roll(&self, preferred: &[&str]) -> String {
        let roller = &self.policy.roller;
        preferred
            .iter()
            .find(|p| roller.iter().any(|r| r.id == **p))
            .map(|p| (*p).to_owned())
            .or_else(|| roller.first().map(|r| r.id.clone()))
            .unwrap_or_default()
    }

    fn record(&mut self, i: usize) -> Record {
        let p = self.policy;
        let mut t = Toml::default();
        let produkt = *self.pick(PRODUKTER);
        let (omrade, beskrivning, mangder) = *self.pick(OMRADEN);
        let nr = i + 1;
        let namn = format!("{produkt} {omrade} {nr}");
        let (lev_namn, hemvist) = *self.pick(LEVERANTORER);
        let usa_land = p.regler.usa_koppling_lander.first().map_or("US", String::as_str);

        // The governing level first, so that levels spread as in a real register instead of
        // nearly always reaching the maximum over many independent draws.
        let mut nivaer: Vec<u8> = p.nivaer.iter().map(|n| n.varde).collect();
        nivaer.sort_unstable();
        let hogsta = *nivaer.last().unwrap_or(&0);
        let vikter = [6, 16, 34, 32, 12];
        let styrande = {
            let roll = self.rng.u32(..vikter.iter().sum::<u32>());
            let mut acc = 0;
            let k = vikter.iter().position(|w| {
                acc += w;
                roll < acc
            });
            nivaer[k.unwrap_or(0).min(nivaer.len() - 1)]
        };

        // Mostly driftformer the routine always covers; the others show up too.
        let driftform = {
            let alltid: Vec<_> = p.driftformer.iter().filter(|d| d.rutinen_galler == Tillampning::Alltid).collect();
            if self.chance(80) && !alltid.is_empty() { *self.pick(&alltid) } else { self.pick(&p.driftformer) }
        };
        let utlosare = if self.chance(70) { UtlosareId::Upphandling } else { UtlosareId::Driftformsforandring };

        let _ = writeln!(t.0, "# Korpus för prestandamätning, post {nr}. Påhittad: inga verkliga leverantörer.");
        let _ = writeln!(t.0, "# Skriven av `molnkoll korpus`; ändra generatorn i stället för filen.\n");
        let tm: Vec<_> = p.begrepp_i_kategori(BegreppKategori::Tjanstemodell).collect();
        let lm: Vec<_> = p.begrepp_i_kategori(BegreppKategori::Leveransmodell).collect();
        t.str("tjanstemodell", &self.pick(&tm).id);
        t.str("leveransmodell", &self.pick(&lm).id);
        t.str("utlosare", &serde_plain(utlosare));
        // Decided here because a top-level key must come before the first table.
        let antal_cert = [0, 1, 1, 2, 3][self.below(5)];
        if antal_cert == 0 && self.chance(60) {
            t.str("certifieringsredogorelse", "Leverantören saknar certifiering och redogör för hur informationssäkerhetskraven uppfylls:\n\n- ledningssystem enligt ISO/IEC 27001, utan certifiering;\n- årlig internrevision;\n- penetrationstest av oberoende part varje år.\n");
        }

        t.table("tjanst");
        t.str("namn", &namn);
        t.str("beskrivning", &format!("{beskrivning} Levereras som molntjänst av {}.", lev_namn.trim_end_matches('.')));
        let prefix = p.organisation.namn.split(['-', ' ']).next().unwrap_or("REF").to_uppercase();
        let referens = format!("{prefix}-{}-{nr:04}", 2025 + (nr % 2));
        t.str("referens", &referens);
        let organisationer: Vec<&String> = p.organisation.kommuner.iter().chain(&p.organisation.bolag).collect();
        let mut anvands: Vec<&str> =
            organisationer.iter().filter(|_| self.chance(45)).map(|s| s.as_str()).collect::<Vec<_>>();
        if anvands.is_empty() {
            anvands.push(self.pick(&organisationer).as_str());
        }
        t.strs("anvands_av", &anvands);
        t.str("informationsagare", &self.roll(&["informationsagare"]));

        t.table("leverantor");
        t.str("namn", lev_namn);
        match hemvist {
            Hemvist::Eu(land) => t.str("land", land),
            Hemvist::Usa => t.str("land", usa_land),
            Hemvist::EuMedUsaAgare(land, agare) => {
                t.str("land", land);
                t.raw("usa_koppling", "true");
                t.str("moderbolag", agare);
            }
        }
        // The parties to look up in the DPF list, as (party, name in the list if other).
        let mut usa_parter: Vec<(&str, Option<&str>)> = match hemvist {
            Hemvist::Eu(_) => Vec::new(),
            Hemvist::Usa => vec![(lev_namn, None)],
            // An EU supplier is looked up as its US parent, which is the party checked.
            Hemvist::EuMedUsaAgare(_, agare) => vec![(agare.trim_end_matches(" (USA)"), None)],
        };
        let antal_ub = self.below(4);
        let start = self.below(UNDERBITRADEN.len());
        for k in 0..antal_ub {
            let (ub, hem, uppgift) = UNDERBITRADEN[(start + k) % UNDERBITRADEN.len()];
            t.array_table("underbitraden");
            t.str("namn", ub);
            match hem {
                Hemvist::Eu(land) => t.str("land", land),
                Hemvist::Usa => t.str("land", usa_land),
                Hemvist::EuMedUsaAgare(land, _) => {
                    t.str("land", land);
                    t.raw("usa_koppling", "true");
                }
            }
            t.str("uppgift", uppgift);
            match hem {
                Hemvist::Eu(_) => {}
                Hemvist::Usa => usa_parter.push((ub, None)),
                Hemvist::EuMedUsaAgare(_, agare) => usa_parter.push((ub, Some(agare.trim_end_matches(" (USA)")))),
            }
        }

        t.table("driftform");
        t.raw("id", &driftform.id.to_string());
        if driftform.rutinen_galler == Tillampning::Villkorat {
            t.raw("villkor_uppfyllt", if self.chance(70) { "true" } else { "false" });
        }
        if utlosare == UtlosareId::Driftformsforandring {
            let andra: Vec<_> = p.driftformer.iter().filter(|d| d.id != driftform.id).collect();
            if !andra.is_empty() {
                t.raw("tidigare", &self.pick(&andra).id.to_string());
            }
        }

        if self.chance(4) && !p.lamplighet.centrala_komponenter.is_empty() {
            t.table("central_komponent");
            t.str("komponent", &self.pick(&p.lamplighet.centrala_komponenter).id);
            t.str("undantag", "Undantag från lokal drift: tjänsten ersätter en lokal komponent som inte längre får säkerhetsuppdateringar, och informationsägaren har godkänt avgränsningen.");
        }

        // Information sets: every level at most the governing one, and one set reaching it.
        let klassad_av = self.roll(&["informationssakerhetssamordnare", "informationsagare"]);
        let antal_mangder = 1 + self.below(mangder.len());
        let topp = self.below(antal_mangder);
        let klassad = self.dag(-400, -30);
        for (m, mangd) in mangder.iter().take(antal_mangder).enumerate() {
            t.array_table("informationsmangd");
            t.str("namn", mangd);
            t.str("beskrivning", &format!("{mangd} i tjänsten för {omrade}."));
            let mut nivaer_har = Vec::new();
            let aspekter: Vec<_> = p.aspekter.iter().filter(|a| a.obligatorisk || self.chance(40)).collect();
            let toppaspekt = self.below(aspekter.len());
            for (k, a) in aspekter.iter().enumerate() {
                let niva = if m == topp && k == toppaspekt {
                    styrande
                } else {
                    let tak = nivaer.iter().filter(|n| **n <= styrande).count();
                    nivaer[self.below(tak)]
                };
                nivaer_har.push(format!("{} = {niva}", a.id));
            }
            t.raw("klassning", &format!("{{ {} }}", nivaer_har.join(", ")));
            t.str("klassad_av", &klassad_av);
            t.raw("klassad_datum", &klassad.to_string());
        }

        if let Some(a) = p.atgarder.iter().find(|a| a.typ == AtgardTyp::Aterstallning)
            && self.chance(75)
        {
            t.table("aterstallning");
            let alla = self.chance(85);
            for (k, punkt) in a.punkter.iter().enumerate() {
                if alla || k % 2 == 0 {
                    t.str(&punkt.id, &format!("{}: enligt leverantörens beskrivning, bilaga {}.", punkt.namn, k + 1));
                }
            }
        }

        let cstart = self.below(p.certifieringar.len());
        for k in 0..antal_cert.min(p.certifieringar.len()) {
            let c = &p.certifieringar[(cstart + k) % p.certifieringar.len()];
            t.array_table("certifikat");
            t.str("standard", &c.id);
            t.str("utfardare", self.pick::<&str>(&["BSI", "DNV", "Bureau Veritas", "Intertek", "A-LIGN"]));
            // Some expired, some expiring within the policy's window, most valid for years.
            let till = match self.below(10) {
                0 => self.dag(-200, -1),
                1 => self.dag(0, p.regler.bevaka_certifikat_dagar as i32),
                _ => self.dag(120, 1000),
            };
            t.raw("giltigt_till", &till.to_string());
            t.raw("omfattar_tjansten", if self.chance(90) { "true" } else { "false" });
            t.str("bevis", &format!("Certifikat från leverantören, diarieförd som {referens}-{}.", k + 3));
        }

        let forsta = usa_parter.first().copied().filter(|_| self.chance(85));
        // The first party as before, so a seed's records stay recognisable; a later party is
        // now and then left unchecked.
        for (k, (org, listad_som)) in forsta.into_iter().chain(usa_parter.iter().skip(1).copied()).enumerate() {
            if k > 0 && !self.chance(90) {
                continue;
            }
            t.array_table("dpf");
            t.str("organisation", org);
            if let Some(namn) = listad_som {
                t.str("listad_som", namn);
            }
            let listad = self.chance(85);
            t.raw("listad", if listad { "true" } else { "false" });
            if listad {
                t.strs("ramverk", &["EU-U.S. DPF", "UK Extension to the EU-U.S. DPF"][..1 + self.below(2)]);
            }
            // A few checks older than the policy allows.
            let max = p.regler.max_manader_sedan_dpf_kontroll as i32 * 30;
            let kontrollerad = if self.chance(15) { self.dag(-max - 200, -max - 10) } else { self.dag(-max + 30, -5) };
            t.raw("kontrollerad", &kontrollerad.to_string());
            t.str("bevis", &format!("Sökning i Data Privacy Framework-listan, skärmdump diarieförd som {referens}-6."));
        }

        let riskniva = p.atgarder.iter().filter(|a| a.typ == AtgardTyp::Riskanalys).map(|a| a.niva).min();
        let behover_risk = riskniva.is_some_and(|n| styrande >= n);
        // Decisions: none, approved, rejected, or approved after escalation. Level 4 is never
        // approved: the policy forbids a cloud service there.
        let beslut = match self.below(20) {
            0..=6 => Beslut::Inget,
            7..=13 if styrande < hogsta => Beslut::Godkand,
            14..=16 if styrande < hogsta => Beslut::Eskalerad(self.chance(70)),
            _ => Beslut::Avslagen,
        };
        let har_risk = if behover_risk {
            matches!(beslut, Beslut::Godkand | Beslut::Eskalerad(_)) || self.chance(60)
        } else {
            self.chance(10)
        };
        if har_risk {
            t.table("riskanalys");
            t.str("referens", &format!("{referens}-4"));
            t.raw("datum", &self.dag(-60, -20).to_string());
            let utlosare_def = p.utlosare(utlosare);
            let utfor = utlosare_def.and_then(|u| u.utfor.first()).map(String::as_str).unwrap_or("verksamhet");
            t.str("genomford_av", &self.roll(&[utfor]));
        }

        if utlosare == UtlosareId::Driftformsforandring {
            for a in p.atgarder.iter().filter(|a| a.skakrav.is_some() && a.niva <= styrande) {
                t.array_table("bekraftelse");
                t.str("atgard", &a.id);
                let status = *self.pick(&["bekraftad", "bekraftad", "bekraftad", "vantar", "nekad"]);
                t.str("status", status);
                if status != "vantar" {
                    t.raw("datum", &self.dag(-40, -10).to_string());
                }
                t.str("bevis", &format!("Leverantörens svar, diarieförd som {referens}-7."));
            }
        }

        t.table("svar");
        for (k, d) in p.delfragor().enumerate() {
            if self.chance(85) {
                t.str(&d.id, self.pick::<&str>(SVAR[k % SVAR.len()]));
            }
        }
        t.table("lamplighet");
        for (k, v) in p.lamplighet.villkor.iter().enumerate() {
            t.str(&v.id, self.pick::<&str>(LAMPLIGHET[k % LAMPLIGHET.len()]));
        }
        t.table("checklista");
        let klar: Vec<_> = p.checkstatusar.iter().filter(|s| s.klar).collect();
        for c in &p.checklista {
            let status = if !matches!(beslut, Beslut::Inget) && !klar.is_empty() {
                &klar[0].id
            } else {
                &self.pick(&p.checkstatusar).id
            };
            t.str(&c.id, status);
        }

        let mut beslutsdatum = None;
        if !matches!(beslut, Beslut::Inget) {
            let datum = self.dag(-330, -10);
            beslutsdatum = Some(datum);
            let godkand = matches!(beslut, Beslut::Godkand);
            t.table("beslut");
            t.str("status", if matches!(beslut, Beslut::Avslagen) { "avslagen" } else { "godkand" });
            t.str("beslutsfattare", &self.roll(&["informationsagare"]));
            t.raw("datum", &datum.to_string());
            if !matches!(beslut, Beslut::Avslagen) {
                t.raw("skyddsniva", &styrande.to_string());
            }
            t.str(
                "delegation",
                "Delegeringsordning för nämnden, punkt 4.2: beslut om IT-tjänster för nämndens information",
            );
            t.str("motivering", if matches!(beslut, Beslut::Avslagen) {
                "Informationsägaren avslår. Kvarstående risker kan inte hanteras med rimliga åtgärder."
            } else {
                "Informationsägaren godkänner tjänsten för den klassade informationen, med de åtgärder som riskanalysen anger."
            });
            t.str("riskbedomning", "Kvarstående risker efter åtgärder:\n\n1. Avbrott i tjänsten: låg sannolikhet, måttlig konsekvens.\n2. Obehörig åtkomst: låg sannolikhet, allvarlig konsekvens.\n\nSamlad bedömning enligt motiveringen.\n");
            t.str("juridiskt_ansvar_och_varumarke", "Kommunerna är personuppgiftsansvariga och behåller ansvaret för informationen. Påverkan på varumärket bedöms som måttlig.");
            let max = p.regler.max_manader_till_granskning as i32;
            if !matches!(beslut, Beslut::Avslagen) || self.chance(30) {
                t.raw("nasta_granskning", &datum.plus_months(max).to_string());
            }
            t.table("beslut.it_centerchef");
            t.raw(
                "tillstyrker",
                if godkand || (matches!(beslut, Beslut::Avslagen) && self.chance(40)) { "true" } else { "false" },
            );
            t.raw("datum", &datum.plus_days(-4).to_string());
            t.str(
                "motivering",
                if godkand {
                    "Tillstyrker. Tjänsten passar i målarkitekturen."
                } else {
                    "Avstyrker. Tjänsten dubblerar befintliga system och ökar förvaltningskostnaden."
                },
            );
            if let Beslut::Eskalerad(godkand) = beslut {
                t.table("beslut.eskalering");
                t.str("till", &self.roll(&["kommundirektor"]));
                t.raw("datum", &datum.plus_days(10).to_string());
                t.str("beslut", if godkand { "godkand" } else { "avslagen" });
                t.str(
                    "motivering",
                    "Kommundirektören har vägt verksamhetens behov mot IT-centerchefens ställningstagande.",
                );
            }
        }
        if let Some(datum) = beslutsdatum.filter(|_| matches!(beslut, Beslut::Godkand | Beslut::Eskalerad(true))) {
            self.accepterad_risk(&mut t, datum);
        }
        Record { namn, text: t.0 }
    }

    /// An approval names each ska-krav left unmet, on its date or today, as accepted risk:
    /// derived from the record as written, since the evidence above is drawn at random.
    fn accepterad_risk(&self, t: &mut Toml, datum: Datum) {
        let Ok(b) = toml::from_str::<crate::model::Bedomning>(&t.0) else { return };
        let idag = Datum::parse(REFERENSDAG).expect("a valid date");
        let mut ids: Vec<String> = Vec::new();
        for dag in [datum, idag] {
            let h = crate::derive::harled(self.policy, &b, dag);
            for u in h.ouppfyllda().filter(|u| u.del(self.policy) == Some(crate::derive::Del::Leverantor)) {
                if !ids.contains(&u.id) {
                    ids.push(u.id.clone());
                }
            }
        }
        for id in ids {
            t.array_table("beslut.accepterad_risk");
            t.str("atgard", &id);
            t.str("motivering", "Informationsägaren accepterar risken till nästa granskning; leverantören har åtagit sig att åtgärda bristen.");
        }
    }
}

#[derive(Clone, Copy)]
enum Beslut {
    Inget,
    Godkand,
    Avslagen,
    /// The IT-centerchef advises against; the kommundirektör approves (`true`) or not.
    Eskalerad(bool),
}

struct Record {
    namn: String,
    text: String,
}

/// A TOML text written in the order a person would, with values quoted by the toml crate.
#[derive(Default)]
struct Toml(String);

impl Toml {
    fn raw(&mut self, key: &str, value: &str) {
        let _ = writeln!(self.0, "{key} = {value}");
    }

    fn str(&mut self, key: &str, value: &str) {
        self.raw(key, &quote(value));
    }

    fn strs(&mut self, key: &str, values: &[&str]) {
        let list: Vec<String> = values.iter().map(|v| quote(v)).collect();
        self.raw(key, &format!("[{}]", list.join(", ")));
    }

    fn table(&mut self, name: &str) {
        let _ = writeln!(self.0, "\n[{name}]");
    }

    fn array_table(&mut self, name: &str) {
        let _ = writeln!(self.0, "\n[[{name}]]");
    }
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}
