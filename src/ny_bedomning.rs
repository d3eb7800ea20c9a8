//! `molnkoll new`: a fresh assessment written from the loaded policy, so that every field
//! and every value the policy accepts is in the file the person edits, not in a manual.
//!
//! The file is an unfinished draft: no decision, no classification yet. It passes `check`
//! with no errors, and the parts that need facts from the supplier are commented out
//! until those facts exist.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;

use crate::load::{BEDOMNING_DIR, enum_values};
use crate::model::{
    AtgardTyp, BegreppKategori, BekraftelseStatus, BeslutStatus, Datum, Policy, Tillampning, UtlosareId, Villkor,
};
use crate::slug::slugify;
use crate::validate::serde_plain;
use crate::write::write_new;

/// Comments wrap here, so the file reads in any editor without scrolling sideways.
const WIDTH: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum NyError {
    #[error("tjänstens namn är tomt; skriv namnet inom citattecken, till exempel: molnkoll new \"Microsoft 365\"")]
    EmptyName,
    #[error("namnet `{0}` ger inget filnamn: det behöver minst en bokstav a–z eller en siffra")]
    NoSlug(String),
    #[error(
        "namnet `{namn}` innehåller tecknet `{tecken}` (U+{kod:04X}), som inte syns eller styr texten; skriv namnet på en rad, utan dolda tecken"
    )]
    BadChar { namn: String, tecken: String, kod: u32 },
    #[error(
        "{0} finns redan, och molnkoll new skriver aldrig över en bedömning; välj ett annat namn eller fortsätt i den filen"
    )]
    Exists(String),
    #[error("slugen `{slug}` används redan av {file}; välj ett annat namn")]
    SlugTaken { slug: String, file: String },
    #[error("kan inte skriva {0}: {1}")]
    Io(PathBuf, io::Error),
}

impl NyError {
    /// A name that is already taken is a content problem (1); the rest are usage or I/O (2).
    pub fn is_collision(&self) -> bool {
        matches!(self, NyError::Exists(_) | NyError::SlugTaken { .. })
    }
}

/// Writes `content/bedomningar/<slug>.toml` under `root` and returns its path relative to
/// `root`. `taken` holds the slugs and files of the assessments already there, since a
/// `slug` key can claim a name that no file has.
pub fn write<'a>(
    root: &Path,
    policy: &Policy,
    namn: &str,
    taken: impl IntoIterator<Item = (&'a str, &'a str)>,
    today: Datum,
) -> Result<String, NyError> {
    let namn = namn.trim();
    if namn.is_empty() {
        return Err(NyError::EmptyName);
    }
    // The name goes into the draft's comments and keys; a line break there would add
    // lines of its own (`[beslut] status = "godkand"`).
    if let Some(c) = namn.chars().find(|&c| c.is_control() || crate::load::forbidden_char(c).is_some()) {
        let escaped: String = namn
            .chars()
            .flat_map(|c| {
                if c.is_control() || crate::load::forbidden_char(c).is_some() {
                    c.escape_unicode().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect();
        return Err(NyError::BadChar { namn: escaped, tecken: c.escape_unicode().to_string(), kod: c as u32 });
    }
    let slug = slugify(namn).ok_or_else(|| NyError::NoSlug(namn.to_owned()))?;
    let rel = format!("{BEDOMNING_DIR}/{slug}.toml");
    let dir = root.join(BEDOMNING_DIR);
    fs::create_dir_all(&dir).map_err(|e| NyError::Io(dir.clone(), e))?;
    // A file system that ignores case would otherwise hand back `Min-Tjanst.toml` as ours.
    let clash = fs::read_dir(&dir)
        .map_err(|e| NyError::Io(dir.clone(), e))?
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().eq_ignore_ascii_case(&format!("{slug}.toml")));
    if let Some(e) = clash {
        return Err(NyError::Exists(format!("{BEDOMNING_DIR}/{}", e.file_name().to_string_lossy())));
    }
    if let Some((_, file)) = taken.into_iter().find(|(s, _)| s.eq_ignore_ascii_case(&slug)) {
        return Err(NyError::SlugTaken { slug, file: file.to_owned() });
    }
    let path = dir.join(format!("{slug}.toml"));
    let text = mall(policy, namn, &slug, today);
    // Never overwrite, even a file that appeared since the look above.
    match write_new(&path, text.as_bytes()) {
        Ok(()) => Ok(rel),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(NyError::Exists(rel)),
        Err(e) => Err(NyError::Io(path, e)),
    }
}

/// The text of a new assessment: live keys where a draft can hold a valid value, the rest
/// commented out, and a Swedish comment on every field.
///
/// Inside a commented-out block the explanations start with `##`, so that removing one `#`
/// from every line (an editor's "toggle comment") gives valid TOML with its comments kept.
pub fn mall(p: &Policy, namn: &str, slug: &str, today: Datum) -> String {
    let mut m = Mall::default();
    let from = if p.regler.kumulativ_atgardstabell { "från" } else { "på" };
    let atgard = |typ: AtgardTyp| p.atgarder.iter().find(|a| a.typ == typ);
    let roller = format!("en roll ur policyn: {}", ids(p.roller.iter().map(|r| r.id.as_str())));
    let roll =
        |preferred: &str| p.roll(preferred).or(p.roller.first()).map_or_else(|| preferred.to_owned(), |r| r.id.clone());

    m.comment(&format!("Bedömning: {namn}"));
    m.comment("");
    m.comment(&format!(
        "Skapad med `molnkoll new` från policykällan ({}). Fyll i uppifrån och ned och kör `molnkoll check` \
         efter varje ändring. Avsnitt som ännu inte gäller är bortkommenterade: när uppgifterna finns, \
         markera avsnittet och ta bort ett `#` från varje rad (Ctrl+/ i VS Code). Skriv roller, aldrig \
         personnamn; en färdig bedömning är en allmän handling.",
        p.organisation.namn
    ));
    m.comment("");
    m.comment("Rutinens steg, att bocka av ([x]) under arbetet:");
    for s in &p.steg {
        m.comment(&format!("[ ] Steg {}, {}", s.nummer, s.namn));
        for b in &s.beskrivning {
            m.comment_indented(&format!("  - {b}"), "    ");
        }
    }
    m.blank();

    m.comment(&format!(
        "Valfritt: en egen slug i stället för filnamnet `{slug}`. Bara a–z, 0–9 och bindestreck, högst 80 tecken."
    ));
    m.optional(&format!("slug = {}", quote(slug)));
    m.blank();
    for (key, kategori, what) in [
        ("tjanstemodell", BegreppKategori::Tjanstemodell, "Tjänstemodell"),
        ("leveransmodell", BegreppKategori::Leveransmodell, "Leveransmodell"),
    ] {
        let terms: Vec<_> = p.begrepp_i_kategori(kategori).collect();
        m.comment(&format!(
            "{what}, ett begrepp ur policyns begreppsförklaring: {}. Förvalt är det första; ändra vid behov.",
            list(terms.iter().map(|b| (b.id.as_str(), b.term.as_str())))
        ));
        m.key(&format!("{key} = {}", quote(terms.first().map_or("", |b| b.id.as_str()))));
    }
    let utlosare: Vec<(String, &str)> = p.utlosare.iter().map(|u| (serde_plain(u.id), u.namn.as_str())).collect();
    m.comment(&format!("Vad som startar rutinen: {}.", list(utlosare.iter().map(|(id, namn)| (id.as_str(), *namn)))));
    m.key(&format!("utlosare = {}", quote(utlosare.first().map_or("", |(id, _)| id.as_str()))));
    if let Some(a) = atgard(AtgardTyp::Certifiering) {
        m.comment(&format!(
            "Bara om leverantören saknar certifiering ({}): {} Markdown.",
            a.id,
            a.alternativ.as_deref().unwrap_or("leverantörens redogörelse.")
        ));
        m.optional("certifieringsredogorelse = \"\"\"");
        m.optional("\"\"\"");
        m.comment("Redogörelsen räknas först när någon har bedömt den: vem, när och om den godtogs.");
        m.optional("[redogorelse_bedomning]");
        m.optional(&format!("bedomd_av = {}", quote(&roll("informationssakerhetssamordnare"))));
        m.optional(&format!("datum = {today}"));
        m.optional("godtagen = true");
        m.optional("motivering = \"\"");
    }
    m.blank();

    m.comment("Tjänsten som bedöms.");
    m.key("[tjanst]");
    m.comment("Tjänstens namn, som det visas på webbplatsen och i handlingarna.");
    m.key(&format!("namn = {}", quote(namn)));
    m.comment("Vad tjänsten gör och för vem, och vad den ersätter.");
    m.key("beskrivning = \"\"");
    m.comment("Diarie- eller ärendenummer.");
    m.key("referens = \"\"");
    let org = &p.organisation;
    m.comment(&format!(
        "Kommuner och bolag som ska använda tjänsten, till exempel {}.",
        ids(org.kommuner.iter().chain(&org.bolag).map(String::as_str))
    ));
    m.key("anvands_av = []");
    m.comment(&format!("Informationsägaren, som äger informationen och risken: {roller}."));
    m.key(&format!("informationsagare = {}", quote(&roll("informationsagare"))));
    m.comment("Avtalet med leverantören (nummer eller namn), när det finns: står i begäran om leverantörsbekräftelse.");
    m.optional("avtal = \"\"");
    m.comment(&format!(
        "Organisationen som har avtalet och skriver under för kunden: {} eller en av kommunerna och bolagen ovan.",
        org.namn
    ));
    m.optional("avtalspart = \"\"");
    m.blank();

    m.comment("Leverantören som tjänsten avtalas med. I en upphandling är den okänd tills anbuden har utvärderats: ta då bort hela [leverantor] och lägg till den när anbudet är antaget.");
    m.key("[leverantor]");
    m.comment("Avtalspartens namn.");
    m.key("namn = \"\"");
    m.comment(&format!(
        "Landskod enligt ISO 3166-1 (SE, IE, US …). Policyn räknar organisationer från {} som USA-koppling.",
        ids(p.regler.usa_koppling_lander.iter().map(String::as_str))
    ));
    m.key("land = \"\"");
    m.comment(
        "true om bolaget omfattas av amerikansk lag fast det är registrerat i ett annat land, till \
         exempel genom ett amerikanskt moderbolag.",
    );
    m.key("usa_koppling = false");
    m.comment("Moderbolaget, om det finns ett.");
    m.optional("moderbolag = \"\"");
    m.blank();

    m.comment("Underbiträden: ett block per företag som leverantören anlitar för att behandla informationen.");
    m.off();
    m.key("[[underbitraden]]");
    m.key("namn = \"\"");
    m.comment("Landskod, som för leverantören.");
    m.key("land = \"\"");
    m.key("usa_koppling = false");
    m.comment("Vad underbiträdet gör för tjänsten (drift, lagring, support …).");
    m.key("uppgift = \"\"");
    m.comment("true om underbiträdet lagrar tjänstens data; dess land jämförs då med en driftform inom EU/EES.");
    m.key("lagrar_data = false");
    m.on();

    let df = p.driftformer.iter().find(|d| d.rutinen_galler == Tillampning::Alltid).or(p.driftformer.first());
    m.comment("Driftform ur rutinens tabell.");
    m.key("[driftform]");
    m.comment("Driftformens id:");
    for d in &p.driftformer {
        let galler = match d.rutinen_galler {
            Tillampning::Alltid => "rutinen gäller alltid".to_owned(),
            Tillampning::Aldrig => "rutinen gäller inte".to_owned(),
            Tillampning::Villkorat => {
                format!("rutinen gäller bara om: {}", d.villkor.as_deref().unwrap_or("villkoret uppfylls"))
            }
        };
        m.comment_indented(
            &format!(
                "  {} = driftsleverantör {}, support {}, servrar {}; {galler}",
                d.id, d.driftleverantor, d.support, d.serverplacering
            ),
            "      ",
        );
    }
    m.key(&format!("id = {}", df.map_or(0, |d| d.id)));
    let villkorade: Vec<String> =
        p.driftformer.iter().filter(|d| d.rutinen_galler == Tillampning::Villkorat).map(|d| d.id.to_string()).collect();
    if !villkorade.is_empty() {
        m.comment(&format!(
            "Krävs för driftform {}: true om villkoret ovan gäller, annars false.",
            villkorade.join(", ")
        ));
        if df.is_some_and(|d| d.rutinen_galler == Tillampning::Villkorat) {
            m.key("villkor_uppfyllt = false");
        } else {
            m.optional("villkor_uppfyllt = false");
        }
    }
    m.comment(&format!(
        "Bara vid utlosare = \"{}\": driftformens id före förändringen.",
        serde_plain(UtlosareId::Driftformsforandring)
    ));
    m.optional(&format!("tidigare = {}", p.driftformer.first().map_or(0, |d| d.id)));
    m.blank();

    let l = &p.lamplighet;
    m.comment(&format!(
        "Bara om tjänsten är en central komponent. {} Komponent: {}.",
        l.centrala_komponenter_text,
        list(l.centrala_komponenter.iter().map(|k| (k.id.as_str(), k.namn.as_str())))
    ));
    m.off();
    m.key("[central_komponent]");
    m.key(&format!("komponent = {}", quote(l.centrala_komponenter.first().map_or("", |k| k.id.as_str()))));
    m.comment("Det uttalade undantaget som tillåter extern drift.");
    m.key("undantag = \"\"");
    m.on();

    let hogsta = p.nivaer.iter().map(|n| n.varde).max().unwrap_or(0);
    m.comment(
        "Informationsmängder: ett block per mängd information som tjänsten hanterar, klassad per aspekt. \
         Den högsta nivån styr vilka åtgärder som krävs.",
    );
    m.off();
    m.key("[[informationsmangd]]");
    m.key("namn = \"\"");
    m.key("beskrivning = \"\"");
    m.comment(&format!(
        "Nivå per aspekt. Aspekter: {}. Nivåer: {}. Platshållaren är den högsta nivån, så att en bortglömd \
         nivå aldrig ger för svaga åtgärder.",
        p.aspekter
            .iter()
            .map(|a| format!("{} ({}, {})", a.id, a.namn, if a.obligatorisk { "obligatorisk" } else { "valfri" }))
            .collect::<Vec<_>>()
            .join(", "),
        p.nivaer.iter().map(|n| format!("{} {}", n.varde, n.namn)).collect::<Vec<_>>().join(", ")
    ));
    let klassning: Vec<String> =
        p.aspekter.iter().filter(|a| a.obligatorisk).map(|a| format!("{} = {hogsta}", key(&a.id))).collect();
    m.key(&format!("klassning = {{ {} }}", klassning.join(", ")));
    m.comment(&format!("Vem som klassade informationen, {roller}."));
    m.key(&format!("klassad_av = {}", quote(&roll("informationssakerhetssamordnare"))));
    m.key(&format!("klassad_datum = {today}"));
    m.on();

    if let Some(a) = atgard(AtgardTyp::Aterstallning) {
        m.comment(&format!(
            "Leverantörens svar om återställningsförfarandet ({}, krävs {from} nivå {}), i Markdown mellan \
             \"\"\"-raderna. Ett tomt svar räknas som obesvarat.",
            a.id, a.niva
        ));
        m.key("[aterstallning]");
        for punkt in &a.punkter {
            m.comment(&format!("{}.", punkt.namn));
            m.markdown(&punkt.id);
        }
        m.blank();
    }

    if let Some(a) = atgard(AtgardTyp::Certifiering) {
        m.comment(&format!(
            "Certifikat av oberoende part ({}, krävs {from} nivå {}): ett block per certifikat.",
            a.id, a.niva
        ));
        m.off();
        m.key("[[certifikat]]");
        m.comment(&format!("Standard: {}.", list(p.certifieringar.iter().map(|c| (c.id.as_str(), c.namn.as_str())))));
        m.key(&format!("standard = {}", quote(p.certifieringar.first().map_or("", |c| c.id.as_str()))));
        m.comment("Certifieringsorganet som utfärdade certifikatet.");
        m.key("utfardare = \"\"");
        m.comment("Sista giltighetsdag.");
        m.key(&format!("giltigt_till = {}", today.plus_months(12)));
        m.comment("true om certifikatets omfattning (scope) innefattar den här tjänsten.");
        m.key("omfattar_tjansten = false");
        m.comment(&format!("Var underlaget finns (dokument, diarienummer). {}", a.bevis.as_deref().unwrap_or("")));
        m.key("bevis = \"\"");
        m.on();
    }

    if let Some(a) = atgard(AtgardTyp::Dpf) {
        let usa = if a.galler_endast_vid == Some(Villkor::UsaKoppling) { " och bara vid USA-koppling" } else { "" };
        m.comment(&format!(
            "Kontroll i EU–US Data Privacy Framework ({}, krävs {from} nivå {}{usa}). Listan: {}",
            a.id,
            a.niva,
            a.lank.as_deref().unwrap_or("deltagarlistan")
        ));
        m.off();
        m.comment("En [[dpf]] per part med USA-koppling: leverantören (eller dess amerikanska moderbolag), varje underbiträde.");
        m.key("[[dpf]]");
        m.comment("Parten i leverantörskedjan som kontrollen gäller, med namnet som det står i bedömningen.");
        m.key("organisation = \"\"");
        m.comment("Namnet i listan, om det inte är partens eget (till exempel det amerikanska moderbolaget).");
        m.key("listad_som = \"\"");
        m.comment("true om organisationen finns som aktiv deltagare.");
        m.key("listad = false");
        m.comment("Ramverken som listningen omfattar, till exempel \"EU-U.S. DPF\".");
        m.key("ramverk = []");
        m.comment("När listan kontrollerades.");
        m.key(&format!("kontrollerad = {today}"));
        m.comment("Var underlaget finns, till exempel en diarieförd skärmdump av posten.");
        m.key("bevis = \"\"");
        m.on();
    }

    if let Some(a) = atgard(AtgardTyp::Riskanalys) {
        m.comment(&format!("Riskanalysen ({}, krävs {from} nivå {}).", a.id, a.niva));
        m.off();
        m.key("[riskanalys]");
        m.comment("Diarienummer eller dokumentreferens.");
        m.key("referens = \"\"");
        m.comment("När analysen gjordes.");
        m.key(&format!("datum = {today}"));
        m.comment(&format!("Vem som genomförde analysen, {roller}."));
        m.key(&format!("genomford_av = {}", quote(&roll(&a.ansvarig))));
        m.on();
    }

    m.comment(
        "Svar på riktlinjens grundläggande frågeställningar, i Markdown mellan \"\"\"-raderna. \
         En tom fråga räknas som obesvarad.",
    );
    m.key("[svar]");
    for f in &p.fragor {
        m.comment(&format!("Fråga {}: {}", f.id, f.rubrik));
        for d in &f.delfraga {
            m.comment(&format!("{}. {}", d.id, d.text));
            if let Some(e) = &d.exempel {
                m.comment_indented(&format!("    {e}"), "    ");
            }
            m.markdown(&d.id);
        }
    }
    m.blank();

    m.comment("Hur vart och ett av riktlinjens villkor för en lämplig molntjänst håller, i Markdown.");
    m.key("[lamplighet]");
    for v in &l.villkor {
        m.comment(&v.text);
        m.markdown(&v.id);
    }
    m.blank();

    let start = p.checkstatusar.iter().find(|s| !s.klar).or(p.checkstatusar.first()).map_or("", |s| s.id.as_str());
    m.comment(&format!(
        "Riktlinjens checklista. Status: {}.",
        list(p.checkstatusar.iter().map(|s| (s.id.as_str(), s.namn.as_str())))
    ));
    m.key("[checklista]");
    for c in &p.checklista {
        m.key(&format!("{} = {}  # {}", key(&c.id), quote(start), c.namn));
    }
    m.blank();

    let krav: Vec<_> = p.atgarder.iter().filter(|a| a.skakrav.is_some()).collect();
    m.comment(&format!(
        "Bara vid utlosare = \"{}\": leverantörens bekräftelse, ett block per åtgärd.",
        serde_plain(UtlosareId::Driftformsforandring)
    ));
    m.off();
    m.key("[[bekraftelse]]");
    m.comment(&format!("Åtgärden: {}.", list(krav.iter().map(|a| (a.id.as_str(), a.rubrik.as_str())))));
    m.key(&format!("atgard = {}", quote(krav.first().map_or("", |a| a.id.as_str()))));
    m.comment(&format!("Status: {}.", ids(variants::<BekraftelseStatus>().iter().map(String::as_str))));
    m.key(&format!("status = {}", quote(&serde_plain(BekraftelseStatus::Vantar))));
    m.comment("När leverantören svarade.");
    m.key(&format!("datum = {today}"));
    m.comment("Vad leverantören lämnade som underlag.");
    m.key("bevis = \"\"");
    m.on();

    let beslut = ids(variants::<BeslutStatus>().iter().map(String::as_str));
    let godkand = quote(&serde_plain(BeslutStatus::Godkand));
    m.comment(
        "Beslutet, när beslutsunderlaget är klart. Informationsägaren, som också är riskägare, beslutar om \
         skyddsnivå och accepterad risk. IT-centerchefens ställningstagande hör alltid till beslutet.",
    );
    m.off();
    m.key("[beslut]");
    m.comment(&format!("Beslutet: {beslut}."));
    m.key(&format!("status = {godkand}"));
    m.comment(&format!("Vem som beslutade, {roller}."));
    m.key(&format!("beslutsfattare = {}", quote(&roll("informationsagare"))));
    m.key(&format!("datum = {today}"));
    let nivaer: Vec<String> = p.nivaer.iter().map(|n| n.varde.to_string()).collect();
    m.comment(&format!("Den skyddsnivå informationsägaren beslutar, {}. Krävs vid godkännande.", nivaer.join(", ")));
    m.key(&format!("skyddsniva = {}", nivaer.get(2).or(nivaer.last()).map_or("0", String::as_str)));
    m.comment("Delegationen beslutet fattas med stöd av, till exempel en punkt i delegeringsordningen.");
    m.key("delegation = \"\"");
    m.comment("Varför informationsägaren beslutar så, i Markdown.");
    m.markdown("motivering");
    m.comment("Villkor för godkännandet, ett per rad.");
    m.key("villkor = []");
    m.comment("Riskbedömningen i beslutsunderlaget, i Markdown.");
    m.markdown("riskbedomning");
    m.comment("Hur beslutet kan påverka kommunens juridiska ansvar och varumärke, i Markdown.");
    m.markdown("juridiskt_ansvar_och_varumarke");
    let max = p.regler.max_manader_till_granskning;
    m.comment(&format!("Nästa granskning, senast {max} månader efter beslutet. Krävs vid godkännande."));
    m.key(&format!("nasta_granskning = {}", today.plus_months(max as i32)));
    m.comment("");
    m.comment("Den accepterade risken: en post per ska-krav som inte är uppfyllt vid godkännandet, och varför.");
    m.key("[[beslut.accepterad_risk]]");
    m.comment("Åtgärdens id i policyn.");
    m.key("atgard = \"\"");
    m.key("motivering = \"\"");
    m.comment("");
    m.comment("IT-centerchefens ställningstagande, som riktlinjen kräver i varje beslut.");
    m.key("[beslut.it_centerchef]");
    m.comment("true om IT-centerchefen tillstyrker, false om den avstyrker.");
    m.key("tillstyrker = true");
    m.key(&format!("datum = {today}"));
    m.key("motivering = \"\"");
    m.on();

    m.comment("Bara när verksamheten inte accepterar IT-centerchefens ställningstagande.");
    m.off();
    m.key("[beslut.eskalering]");
    m.comment(&format!("Vem ärendet lyftes till, {roller}."));
    m.key(&format!("till = {}", quote(&roll("kommundirektor"))));
    m.key(&format!("datum = {today}"));
    m.comment(&format!("Beslutet: {beslut}."));
    m.key(&format!("beslut = {godkand}"));
    m.key("motivering = \"\"");
    m.on();

    m.comment(
        "Delar som omfattas av sekretess enligt offentlighets- och sekretesslagen (OSL), utöver dem som \
         policyn markerar. `molnkoll build --profile oppen` ersätter dem med en hänvisning till paragrafen. \
         `falt` är en sökväg i den här filen: ett avsnitt (riskanalys, underbitraden), ett fält \
         (beslut.riskbedomning) eller ett svar (svar.3b). Ett block per del.",
    );
    m.off();
    m.key("[[sekretess]]");
    m.key("falt = \"riskanalys\"");
    m.comment("Paragrafen, t.ex. 18 kap. 8 § OSL (säkerhetsåtgärder) eller 31 kap. 16 § OSL (affärsförhållanden).");
    m.key("paragraf = \"18 kap. 8 § OSL\"");
    m.comment("Varför, kort.");
    m.key("grund = \"\"");
    m.on();
    m.out.pop(); // no blank line at the end of the file
    m.out
}

/// The text being built. Between [`Mall::off`] and [`Mall::on`] keys are commented out
/// with `# ` and explanations get `## `.
#[derive(Default)]
struct Mall {
    out: String,
    off: bool,
}

impl Mall {
    fn comment(&mut self, text: &str) {
        self.comment_indented(text, "");
    }

    /// A comment wrapped at [`WIDTH`], continuation lines indented by `indent`.
    fn comment_indented(&mut self, text: &str, indent: &str) {
        let hash = if self.off { "##" } else { "#" };
        if text.is_empty() {
            let _ = writeln!(self.out, "{hash}");
            return;
        }
        let mut line = hash.to_owned();
        for word in text.split(' ') {
            if line.len() > hash.len() + 1 && line.len() + 1 + word.len() > WIDTH {
                let _ = writeln!(self.out, "{}", line.trim_end());
                line = format!("{hash} {indent}");
            } else {
                line.push(' ');
            }
            line.push_str(word);
        }
        let _ = writeln!(self.out, "{}", line.trim_end());
    }

    /// A line of TOML, commented out inside an off block.
    fn key(&mut self, line: &str) {
        let _ = writeln!(self.out, "{}{line}", if self.off { "# " } else { "" });
    }

    /// A single optional key in a live section: commented out on its own.
    fn optional(&mut self, line: &str) {
        let _ = writeln!(self.out, "# {line}");
    }

    /// An empty Markdown answer, written so that the text goes between the two lines.
    fn markdown(&mut self, id: &str) {
        self.key(&format!("{} = \"\"\"", key(id)));
        self.key("\"\"\"");
    }

    fn off(&mut self) {
        self.off = true;
    }

    /// Ends an off block and the paragraph.
    fn on(&mut self) {
        self.off = false;
        self.blank();
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }
}

/// `"a", "b" eller "c"`: values as they are written in TOML.
fn ids<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = values.map(quote).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} eller {last}", rest.join(", ")),
    }
}

/// `"saas" (SaaS), "paas" (PaaS)`: ids as they are written in TOML, with their names.
fn list<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    items.map(|(id, namn)| format!("\"{id}\" ({namn})")).collect::<Vec<_>>().join(", ")
}

/// A TOML basic string, always on one line so that it can stand in a comment too.
fn quote(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(id: &str) -> String {
    let bare = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { id.to_owned() } else { quote(id) }
}

/// The values a model enum accepts, from the same schema `check` reads with.
fn variants<T: JsonSchema>() -> Vec<String> {
    enum_values(schemars::schema_for!(T).as_value()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Sources};
    use crate::model::Bedomning;

    #[test]
    fn keys_and_strings_are_valid_toml() {
        assert_eq!(key("1a"), "1a");
        assert_eq!(key("a b"), "\"a b\"");
        assert_eq!(quote("Tjänst \"X\"\n"), r#""Tjänst \"X\"\n""#);
        assert_eq!(quote("a\\b\u{7f}"), r#""a\\b\u007F""#);
    }

    #[test]
    fn comments_wrap_at_the_width() {
        let mut m = Mall::default();
        m.comment(&"ord ".repeat(60));
        assert!(m.out.lines().all(|l| l.len() <= WIDTH && l.starts_with('#')), "{}", m.out);
        assert!(m.out.lines().count() > 1);
    }

    fn shipped_policy() -> Policy {
        toml::from_str(include_str!("../content/policy.toml")).unwrap()
    }

    fn parse(text: &str) -> (crate::load::Loaded<Bedomning>, Vec<Diagnostic>, Sources) {
        let (mut sources, mut diagnostics) = (Sources::default(), Vec::new());
        let name = "content/bedomningar/tjanst.toml".to_owned();
        let loaded = crate::load::parse::<Bedomning>(&mut sources, &mut diagnostics, name, text.to_owned());
        (loaded, diagnostics, sources)
    }

    /// What a person gets by uncommenting every block with an editor: `## ` stays a comment.
    fn uncomment_all(text: &str) -> String {
        let is_toml = |r: &str| {
            (r.starts_with('[') && r.ends_with(']') && !r.starts_with("[ ]"))
                || r == "\"\"\""
                || r.split_once(" = ").is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        };
        let lines = text.lines().map(|l| match (l.strip_prefix("## "), l.strip_prefix("# ")) {
            (Some(rest), _) => format!("# {rest}"),
            (None, Some(rest)) if is_toml(rest) => rest.to_owned(),
            _ => l.to_owned(),
        });
        lines.collect::<Vec<_>>().join("\n")
    }

    fn nulls(value: &serde_json::Value, path: &str, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Null => out.push(path.to_owned()),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, v)| nulls(v, &format!("{path}.{k}"), out)),
            serde_json::Value::Array(a) => a.iter().for_each(|v| nulls(v, path, out)),
            _ => {}
        }
    }

    #[test]
    fn a_fresh_draft_has_no_errors() {
        let policy = shipped_policy();
        let today = Datum::new(2026, 11, 23).unwrap();
        let (loaded, mut diagnostics, sources) = parse(&mall(&policy, "Min \"nya\" tjänst", "min-nya-tjanst", today));
        let b = loaded.value.as_ref().expect("the draft parses");
        assert_eq!(b.tjanst.namn, "Min \"nya\" tjänst");
        let h = crate::derive::harled(&policy, b, today);
        crate::validate::validate_bedomning(&policy, &loaded, "content/bedomningar/x.toml", &mut diagnostics);
        crate::bedom::granska(&policy, &loaded, &h, today, &mut diagnostics);
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
        // Warnings only, for what is still to fill in.
        assert_eq!(codes, ["missing-country", "no-information-set"], "{}", sources.render(&diagnostics));
    }

    #[test]
    fn uncommenting_every_block_gives_every_field() {
        let policy = shipped_policy();
        let text = uncomment_all(&mall(&policy, "Tjänst", "tjanst", Datum::new(2026, 11, 23).unwrap()));
        let (loaded, diagnostics, sources) = parse(&text);
        assert!(diagnostics.is_empty(), "{}\n{text}", sources.render(&diagnostics));
        let b = loaded.value.unwrap();
        let mut missing = Vec::new();
        nulls(&serde_json::to_value(&b).unwrap(), "", &mut missing);
        assert!(missing.is_empty(), "fields the template lacks: {missing:?}");
        assert!(!b.underbitraden.is_empty() && !b.informationsmangder.is_empty());
        assert!(!b.certifikat.is_empty() && !b.bekraftelser.is_empty());
        let mut fragor: Vec<&str> = policy.delfragor().map(|d| d.id.as_str()).collect();
        fragor.sort();
        assert_eq!(b.svar.keys().map(String::as_str).collect::<Vec<_>>(), fragor);
        assert_eq!(b.lamplighet.len(), policy.lamplighet.villkor.len());
        assert_eq!(b.checklista.len(), policy.checklista.len());
        assert_eq!(b.aterstallning.len(), 4);
    }

    #[test]
    fn model_enums_come_from_the_schema() {
        assert_eq!(variants::<BeslutStatus>(), ["godkand", "avslagen"]);
        assert_eq!(variants::<BekraftelseStatus>(), ["bekraftad", "vantar", "nekad"]);
    }
}
