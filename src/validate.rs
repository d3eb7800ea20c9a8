//! Stage 2: the rules a well-formed file can still break, in the policy source itself
//! and in each assessment against the policy.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, FileId, did_you_mean, one_of};
use crate::load::{Loaded, Seg, dotted};
use crate::model::{AtgardTyp, Bedomning, BegreppKategori, BeslutStatus, Policy, Tillampning, UtlosareId};
use crate::path;
use crate::slug::{slug_of, valid_slug};

/// Collects diagnostics for one file, pointing each at a path in it.
pub(crate) struct Report<'a, T> {
    pub(crate) file: &'a Loaded<T>,
    pub(crate) out: &'a mut Vec<Diagnostic>,
}

impl<T> Report<'_, T> {
    pub(crate) fn error(
        &mut self,
        code: &'static str,
        path: &[Seg],
        message: String,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Diagnostic::error(code, self.file.file, message), path, label)
    }

    pub(crate) fn warning(
        &mut self,
        code: &'static str,
        path: &[Seg],
        message: String,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Diagnostic::warning(code, self.file.file, message), path, label)
    }

    pub(crate) fn info(
        &mut self,
        code: &'static str,
        path: &[Seg],
        message: String,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Diagnostic::info(code, self.file.file, message), path, label)
    }

    fn push(&mut self, d: Diagnostic, path: &[Seg], label: impl Into<String>) -> &mut Diagnostic {
        self.out.push(d.at(self.file.span(path), label));
        self.out.last_mut().expect("just pushed")
    }

    /// A value that must be one of `accepted`; points at the key when `at_key`.
    fn check_one_of(
        &mut self,
        code: &'static str,
        path: &[Seg],
        value: &str,
        accepted: &[&str],
        what: &str,
        at_key: bool,
    ) -> Option<&mut Diagnostic> {
        if accepted.contains(&value) {
            return None;
        }
        let span = if at_key { self.file.key_span(path) } else { self.file.span(path) };
        let label = match did_you_mean(value, accepted.iter().copied()) {
            Some(s) => format!("menade du `{s}`?"),
            None => format!("okänd {what}"),
        };
        self.out.push(
            Diagnostic::error(code, self.file.file, format!("`{}`: `{value}` är ingen {what} i policyn", dotted(path)))
                .at(span, label)
                .note(format!("tillåtet: {}", one_of(accepted))),
        );
        self.out.last_mut()
    }

    /// A role field: a role id from the policy, and never a person (KLASSA's advice).
    fn check_role(&mut self, path: &[Seg], value: &str, roller: &[&str]) {
        let Some(d) = self.check_one_of("unknown-role", path, value, roller, "roll", false) else { return };
        if looks_like_person(value, roller) {
            d.label = "ett namn, inte en roll".to_owned();
            d.notes.insert(
                0,
                format!(
                    "`{value}` ser ut som en persons namn: en bedömning ska ange roller, inte personer (KLASSA:s råd), och är en allmän handling; ange rollen personen har"
                ),
            );
        }
    }

    /// A country code: ISO 3166-1 alpha-2 in capitals, as the schema documents it. Empty is
    /// a draft's "not yet known" (`molnkoll new` writes it so): a warning, not an error.
    fn check_land(&mut self, path: &[Seg], value: &str) {
        const HINT: &str = "ange landets kod med två versaler, till exempel `SE` (Sverige), `US` (USA), `IE` (Irland) eller `NO` (Norge)";
        if value.is_empty() {
            let d = self.warning("missing-country", path, format!("`{}` är inte ifyllt", dotted(path)), "tomt");
            note(d, HINT);
            return;
        }
        let valid = value.len() == 2
            && value.bytes().all(|b| b.is_ascii_uppercase())
            && celes::Country::from_alpha2(value).is_ok();
        if valid {
            return;
        }
        let label = match land_for(value) {
            Some(code) => format!("menade du `{code}`?"),
            None => "okänd landskod".to_owned(),
        };
        let d = self.error(
            "unknown-country",
            path,
            format!("`{}`: `{value}` är ingen landskod enligt ISO 3166-1 alpha-2", dotted(path)),
            label,
        );
        note(d, HINT);
    }
}

/// The alpha-2 code a mistyped country most likely means: the code in other case, an
/// alpha-3 code, an English name (all from the ISO list), or a Swedish name.
fn land_for(value: &str) -> Option<String> {
    // Other Swedish names for countries in the shared table, for the hint only.
    const ANDRA_NAMN: &[(&str, &str)] =
        &[("holland", "NL"), ("england", "GB"), ("forenade kungariket", "GB"), ("forenta staterna", "US")];
    let fold = |s: &str| s.trim().to_lowercase().replace(['å', 'ä'], "a").replace('ö', "o");
    let folded = fold(value);
    let svenska = crate::model::LANDER.iter().map(|(kod, namn)| (fold(namn), *kod));
    if let Some((_, code)) =
        svenska.chain(ANDRA_NAMN.iter().map(|(n, k)| ((*n).to_owned(), *k))).find(|(namn, _)| *namn == folded)
    {
        return Some(code.to_owned());
    }
    let compact: String = folded.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if compact.is_empty() {
        return None;
    }
    value.trim().parse::<celes::Country>().or_else(|_| compact.parse()).ok().map(|c| c.alpha2.to_owned())
}

/// Two to four capitalised words of letters, like `Anna Andersson` or `Per-Olof Ek`, that
/// are no misspelt role: most likely a person's name.
pub(crate) fn looks_like_person(value: &str, roller: &[&str]) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || c == '-')
                // An acronym such as `IT` is part of a role's name, not a person's.
                && w.chars().skip(1).any(char::is_lowercase)
        })
        && did_you_mean(value, roller.iter().copied()).is_none()
}

pub(crate) fn note(d: &mut Diagnostic, text: impl Into<String>) {
    d.notes.push(text.into());
}

/// Checks the policy source against itself.
pub(crate) fn validate_policy(loaded: &Loaded<crate::model::Policy>, out: &mut Vec<Diagnostic>) {
    let Some(p) = &loaded.value else { return };
    crate::sekretess::validate(loaded, &p.sekretess, out);
    let mut r = Report { file: loaded, out };

    unique(&mut r, "driftform", p.driftformer.iter().map(|d| d.id.to_string()), "id");
    unique(&mut r, "niva", p.nivaer.iter().map(|n| n.varde.to_string()), "varde");
    unique(&mut r, "aspekt", p.aspekter.iter().map(|a| a.id.clone()), "id");
    unique(&mut r, "atgard", p.atgarder.iter().map(|a| a.id.clone()), "id");
    unique(&mut r, "certifiering", p.certifieringar.iter().map(|c| c.id.clone()), "id");
    unique(&mut r, "begrepp", p.begrepp.iter().map(|b| b.id.clone()), "id");
    unique(&mut r, "roll", p.roller.iter().map(|x| x.id.clone()), "id");
    unique(&mut r, "checkpunkt", p.checklista.iter().map(|x| x.id.clone()), "id");
    unique(&mut r, "checkstatus", p.checkstatusar.iter().map(|x| x.id.clone()), "id");
    unique(&mut r, "fraga", p.fragor.iter().map(|x| x.id.clone()), "id");

    // Two driftformer with the same operator, support and placement cannot be told
    // apart by the people choosing one: the seed's rows 1 and 3 are such a pair.
    let mut seen: BTreeMap<(String, String, String), (usize, u32)> = BTreeMap::new();
    for (i, d) in p.driftformer.iter().enumerate() {
        let key = (d.driftleverantor.clone(), d.support.clone(), d.serverplacering.clone());
        if let Some((_, first)) = seen.get(&key) {
            let d2 = r.warning(
                "duplicate-driftform",
                &path!["driftform", i],
                format!("driftform {} är identisk med driftform {first}", d.id),
                format!("samma driftsleverantör, support och serverplacering som driftform {first}"),
            );
            note(d2, "rätta tabellen så att varje driftform går att skilja från de andra, eller ta bort dubbletten");
        } else {
            seen.insert(key, (i, d.id));
        }
        if d.rutinen_galler == Tillampning::Villkorat && d.villkor.as_deref().is_none_or(|v| v.trim().is_empty()) {
            r.error(
                "missing-key",
                &path!["driftform", i],
                format!("driftform {} gäller villkorat men saknar `villkor`", d.id),
                "lägg till `villkor = \"…\"`",
            );
        }
    }

    for (i, land) in p.regler.eu_ees_lander.iter().enumerate() {
        r.check_land(&path!["regler", "eu_ees_lander", i], land);
    }
    if p.regler.eu_ees_lander.is_empty()
        && let Some(i) = p.driftformer.iter().position(|d| d.inom_eu_ees)
    {
        let d = r.error(
            "missing-key",
            &path!["driftform", i, "inom_eu_ees"],
            format!("driftform {} lovar servrar inom EU/EES, men `regler.eu_ees_lander` är tom", p.driftformer[i].id),
            "inget land att jämföra med",
        );
        note(
            d,
            "lägg till länderna inom EU/EES i `regler.eu_ees_lander`, till exempel `\"SE\"`, `\"IE\"` och `\"NO\"`",
        );
    }

    let nivaer: Vec<String> = p.nivaer.iter().map(|n| n.varde.to_string()).collect();
    let nivaer_ref: Vec<&str> = nivaer.iter().map(String::as_str).collect();
    let roller: Vec<&str> = p.roller.iter().map(|x| x.id.as_str()).collect();
    let aspekter: Vec<&str> = p.aspekter.iter().map(|a| a.id.as_str()).collect();
    for (i, a) in p.atgarder.iter().enumerate() {
        r.check_one_of("unknown-level", &path!["atgard", i, "niva"], &a.niva.to_string(), &nivaer_ref, "nivå", false);
        r.check_role(&path!["atgard", i, "ansvarig"], &a.ansvarig, &roller);
        // The address becomes a link on the site and in the PDFs: only a web address.
        if let Some(l) = &a.lank
            && !l.starts_with("https://")
        {
            r.error(
                "invalid-value",
                &path!["atgard", i, "lank"],
                format!("`lank` är inte en https-adress: {l}"),
                "skriv en adress som börjar med https://",
            );
        }
        // A ska-krav a bidder can answer carries its motiv, verifikat and deadline (SKR).
        if a.skakrav.is_some() {
            let saknas: Vec<&str> =
                [("motiv", a.motiv.is_none()), ("bevis", a.bevis.is_none()), ("tidpunkt", a.tidpunkt.is_none())]
                    .into_iter()
                    .filter_map(|(k, miss)| miss.then_some(k))
                    .collect();
            if !saknas.is_empty() {
                let lista = saknas.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                r.error(
                    "missing-key",
                    &path!["atgard", i],
                    format!("åtgärd {} har `skakrav` men saknar {lista}", a.id),
                    "ett ska-krav behöver motiv, bevis (verifikat) och tidpunkt (\"anbud\", \"fore-avtal\" eller \"avtalstid\")",
                );
            }
        }
        if a.typ == AtgardTyp::Aterstallning && a.punkter.is_empty() {
            r.error(
                "missing-key",
                &path!["atgard", i],
                format!("åtgärd {} av typen aterstallning saknar `punkter`", a.id),
                "lägg till punkterna leverantören ska beskriva",
            );
        }
    }
    // The tender says which certifications count and in what form: the policy, not the template.
    if p.atgarder.iter().any(|a| a.typ == AtgardTyp::Certifiering && a.skakrav.is_some()) {
        for (i, c) in p.certifieringar.iter().enumerate() {
            if c.godtas.as_deref().is_none_or(|g| g.trim().is_empty()) {
                r.error(
                    "missing-key",
                    &path!["certifiering", i],
                    format!("certifiering {} saknar `godtas`", c.id),
                    "säg vilken nivå eller rapporttyp som godtas och när den ska vara giltig",
                );
            }
        }
    }
    for (i, a) in p.regler.styrande_niva.aspekter.iter().enumerate() {
        r.check_one_of(
            "unknown-aspect",
            &path!["regler", "styrande_niva", "aspekter", i],
            a,
            &aspekter,
            "aspekt",
            false,
        );
    }
    for (i, u) in p.utlosare.iter().enumerate() {
        for field in ["initierar", "utfor", "stod"] {
            let list = match field {
                "initierar" => &u.initierar,
                "utfor" => &u.utfor,
                _ => &u.stod,
            };
            for (j, roll) in list.iter().enumerate() {
                r.check_role(&path!["utlosare", i, field, j], roll, &roller);
            }
        }
    }
    for id in [UtlosareId::Upphandling, UtlosareId::Driftformsforandring] {
        if p.utlosare(id).is_none() {
            r.error(
                "missing-key",
                &path!["utlosare"],
                format!("policyn har ingen `[[utlosare]]` med id `{}`", serde_plain(id)),
                "lägg till en [[utlosare]]",
            );
        }
    }
    let typer: Vec<&str> = p.dokumenttyper.iter().map(|t| t.id.as_str()).collect();
    for (i, d) in p.dokument.iter().enumerate() {
        r.check_one_of("unknown-value", &path!["dokument", i, "typ"], &d.typ, &typer, "dokumenttyp", false);
    }
    for kategori in [BegreppKategori::Tjanstemodell, BegreppKategori::Leveransmodell] {
        if p.begrepp_i_kategori(kategori).next().is_none() {
            r.error(
                "missing-key",
                &path!["begrepp"],
                format!("inget begrepp har kategorin `{}`", serde_plain(kategori)),
                "bedömningarna behöver minst ett sådant begrepp",
            );
        }
    }
}

fn unique<T>(r: &mut Report<'_, T>, list: &str, ids: impl Iterator<Item = String>, field: &str) {
    let mut seen = BTreeMap::new();
    for (i, id) in ids.enumerate() {
        if let Some(first) = seen.insert(id.clone(), i) {
            seen.insert(id.clone(), first);
            r.error(
                "duplicate-id",
                &path![list, i, field],
                format!("`{list}` har två poster med {field} `{id}`"),
                format!("samma {field} som post {}", first + 1),
            );
        }
    }
}

/// The TOML spelling of a kebab-case enum value.
pub(crate) fn serde_plain<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Checks one assessment against the policy; the checks that need its derivation are in `bedom`.
pub(crate) fn validate_bedomning(policy: &Policy, loaded: &Loaded<Bedomning>, name: &str, out: &mut Vec<Diagnostic>) {
    let Some(b) = &loaded.value else { return };
    let mut r = Report { file: loaded, out };
    let roller: Vec<&str> = policy.roller.iter().map(|x| x.id.as_str()).collect();

    let slug = slug_of(name, b);
    if !valid_slug(&slug) {
        let p: &[_] = if b.slug.is_some() { &path!["slug"] } else { &[] };
        let d = r.error("invalid-slug", p, format!("ogiltig slug `{slug}`"), "slug");
        note(
            d,
            "en slug får bara innehålla a–z, 0–9 och bindestreck, högst 80 tecken, och inte vara ett namn som Windows reserverar (t.ex. `con`, `nul`); byt namn på filen eller ange `slug = \"…\"`",
        );
    }

    // Driftform and trigger.
    let driftformer: Vec<String> = policy.driftformer.iter().map(|d| d.id.to_string()).collect();
    let df_ref: Vec<&str> = driftformer.iter().map(String::as_str).collect();
    r.check_one_of(
        "unknown-driftform",
        &path!["driftform", "id"],
        &b.driftform.id.to_string(),
        &df_ref,
        "driftform",
        false,
    );
    if let Some(df) = policy.driftform(b.driftform.id)
        && df.rutinen_galler == Tillampning::Villkorat
        && b.driftform.villkor_uppfyllt.is_none()
    {
        let d = r.error(
            "missing-driftform-condition",
            &path!["driftform"],
            format!("driftform {} kräver att `villkor_uppfyllt` anges", df.id),
            "lägg till `villkor_uppfyllt = true` eller `false`",
        );
        note(d, format!("villkor: {}", df.villkor.as_deref().unwrap_or("")));
    }
    match (b.utlosare, b.driftform.tidigare) {
        (UtlosareId::Upphandling, Some(_)) => {
            r.error(
                "unexpected-key",
                &path!["driftform", "tidigare"],
                "`tidigare` anges bara vid förändring av driftform".to_owned(),
                "ta bort, eller sätt `utlosare = \"driftformsforandring\"`",
            );
        }
        (UtlosareId::Driftformsforandring, Some(t)) => {
            r.check_one_of(
                "unknown-driftform",
                &path!["driftform", "tidigare"],
                &t.to_string(),
                &df_ref,
                "driftform",
                false,
            );
            if t == b.driftform.id {
                r.error(
                    "unchanged-driftform",
                    &path!["driftform", "tidigare"],
                    format!("driftformen ändras inte: både tidigare och ny är {t}"),
                    "samma som `id`",
                );
            }
        }
        _ => {}
    }

    // Glossary-backed values.
    let tm: Vec<&str> = policy.begrepp_i_kategori(BegreppKategori::Tjanstemodell).map(|x| x.id.as_str()).collect();
    r.check_one_of("unknown-value", &path!["tjanstemodell"], &b.tjanstemodell, &tm, "tjänstemodell", false);
    let lm: Vec<&str> = policy.begrepp_i_kategori(BegreppKategori::Leveransmodell).map(|x| x.id.as_str()).collect();
    r.check_one_of("unknown-value", &path!["leveransmodell"], &b.leveransmodell, &lm, "leveransmodell", false);
    r.check_role(&path!["tjanst", "informationsagare"], &b.tjanst.informationsagare, &roller);
    let org = &policy.organisation;
    let organisationer: Vec<&str> =
        std::iter::once(&org.namn).chain(&org.kommuner).chain(&org.bolag).map(String::as_str).collect();
    let parter =
        b.tjanst.anvands_av.iter().enumerate().map(|(i, namn)| (path!["tjanst", "anvands_av", i].to_vec(), namn));
    let avtalspart = b.tjanst.avtalspart.iter().map(|namn| (path!["tjanst", "avtalspart"].to_vec(), namn));
    for (sokvag, namn) in parter.chain(avtalspart) {
        if let Some(d) = r.check_one_of("unknown-organisation", &sokvag, namn, &organisationer, "organisation", false) {
            note(
                d,
                "organisationerna står i policyns `organisation.namn`, `organisation.kommuner` och `organisation.bolag`",
            );
        }
    }

    // The supply chain: where each company is registered.
    match &b.leverantor {
        Some(l) => r.check_land(&path!["leverantor", "land"], &l.land),
        None => utan_leverantor(b, &mut r),
    }
    for (i, u) in b.underbitraden.iter().enumerate() {
        r.check_land(&path!["underbitraden", i, "land"], &u.land);
    }

    // Each DPF check covers a party of the chain: a check of another company proves nothing
    // about this one.
    let parter = b.parter();
    for (i, d) in b.dpf.iter().enumerate() {
        if !parter.iter().any(|(_, namn)| crate::model::namnger_part(&d.organisation, namn)) {
            let tillatna: Vec<String> = parter.iter().map(|(p, namn)| format!("`{namn}` ({})", p.roll())).collect();
            let d = r.error(
                "unknown-party",
                &path!["dpf", i, "organisation"],
                format!("`dpf[{}].organisation`: `{}` är ingen part i leverantörskedjan", i + 1, d.organisation),
                "varken leverantören, moderbolaget eller ett underbiträde",
            );
            let tillatna = match tillatna.split_last() {
                Some((sista, forsta)) if !forsta.is_empty() => format!("{} eller {sista}", forsta.join(", ")),
                _ => tillatna.concat(),
            };
            note(d, format!("tillåtet: {tillatna}"));
            note(
                d,
                "en DPF-kontroll gäller den part i kedjan som `organisation` namnger; ett namn i listan som skiljer sig från partens skrivs i `listad_som`",
            );
        }
    }

    if let Some(c) = &b.central_komponent {
        let komp: Vec<&str> = policy.lamplighet.centrala_komponenter.iter().map(|k| k.id.as_str()).collect();
        r.check_one_of(
            "unknown-value",
            &path!["central_komponent", "komponent"],
            &c.komponent,
            &komp,
            "central komponent",
            false,
        );
        if c.undantag.trim().is_empty() {
            let lam = &policy.lamplighet;
            let namn = lam.centrala_komponenter.iter().find(|k| k.id == c.komponent).map_or(&c.komponent, |k| &k.namn);
            let d = r.error(
                "missing-exception",
                &path!["central_komponent", "undantag"],
                format!(
                    "{namn} är en central komponent, och policyn säger: ”{}” En bedömning av den kräver ett uttalat undantag",
                    lam.centrala_komponenter_text.trim()
                ),
                "tomt undantag",
            );
            note(d, "skriv i `undantag` varför lokal drift inte räcker här och hur undantaget avgränsas");
        }
    }

    // Classification.
    let aspekter: Vec<&str> = policy.aspekter.iter().map(|a| a.id.as_str()).collect();
    let nivaer: Vec<String> = policy.nivaer.iter().map(|n| n.varde.to_string()).collect();
    let nivaer_ref: Vec<&str> = nivaer.iter().map(String::as_str).collect();
    if b.informationsmangder.is_empty() {
        r.warning(
            "no-information-set",
            &path![],
            "ingen informationsmängd är klassad; nivån och åtgärderna kan inte härledas".to_owned(),
            "lägg till minst en [[informationsmangd]]",
        );
    }
    for (i, m) in b.informationsmangder.iter().enumerate() {
        for (aspekt, niva) in &m.klassning {
            let p = path!["informationsmangd", i, "klassning", aspekt.as_str()];
            r.check_one_of("unknown-aspect", &p, aspekt, &aspekter, "aspekt", true);
            r.check_one_of("unknown-level", &p, &niva.to_string(), &nivaer_ref, "klassningsnivå", false);
        }
        for a in policy.aspekter.iter().filter(|a| a.obligatorisk) {
            if !m.klassning.contains_key(&a.id) {
                r.error(
                    "missing-aspect",
                    &path!["informationsmangd", i, "klassning"],
                    format!("informationsmängden `{}` är inte klassad på {} ({})", m.namn, a.namn, a.id),
                    format!("lägg till `{} = <nivå>`", a.id),
                );
            }
        }
        r.check_role(&path!["informationsmangd", i, "klassad_av"], &m.klassad_av, &roller);
    }

    // Evidence.
    if let Some(a) = policy.atgarder.iter().find(|a| a.typ == AtgardTyp::Aterstallning) {
        let punkter: Vec<&str> = a.punkter.iter().map(|p| p.id.as_str()).collect();
        for key in b.aterstallning.keys() {
            r.check_one_of(
                "unknown-key",
                &path!["aterstallning", key.as_str()],
                key,
                &punkter,
                "punkt i återställningsförfarandet",
                true,
            );
        }
    }
    let certs: Vec<&str> = policy.certifieringar.iter().map(|c| c.id.as_str()).collect();
    for (i, c) in b.certifikat.iter().enumerate() {
        r.check_one_of(
            "unknown-certification",
            &path!["certifikat", i, "standard"],
            &c.standard,
            &certs,
            "certifiering",
            false,
        );
    }
    if let Some(ra) = &b.riskanalys {
        r.check_role(&path!["riskanalys", "genomford_av"], &ra.genomford_av, &roller);
    }

    // Guideline answers and checklist.
    let fragor: Vec<&str> = policy.delfragor().map(|d| d.id.as_str()).collect();
    for key in b.svar.keys() {
        r.check_one_of("unknown-question", &path!["svar", key.as_str()], key, &fragor, "fråga", true);
    }
    let villkor: Vec<&str> = policy.lamplighet.villkor.iter().map(|v| v.id.as_str()).collect();
    for key in b.lamplighet.keys() {
        r.check_one_of(
            "unknown-key",
            &path!["lamplighet", key.as_str()],
            key,
            &villkor,
            "villkor för lämplighet",
            true,
        );
    }
    let punkter: Vec<&str> = policy.checklista.iter().map(|c| c.id.as_str()).collect();
    let statusar: Vec<&str> = policy.checkstatusar.iter().map(|c| c.id.as_str()).collect();
    for (key, status) in &b.checklista {
        r.check_one_of("unknown-key", &path!["checklista", key.as_str()], key, &punkter, "checkpunkt", true);
        r.check_one_of("unknown-value", &path!["checklista", key.as_str()], status, &statusar, "checkstatus", false);
    }

    if let Some(x) = &b.redogorelse_bedomning {
        r.check_role(&path!["redogorelse_bedomning", "bedomd_av"], &x.bedomd_av, &roller);
        if b.certifieringsredogorelse.as_deref().is_none_or(|s| s.trim().is_empty()) {
            r.warning(
                "judgement-without-explanation",
                &path!["redogorelse_bedomning"],
                "en redogörelse är bedömd, men bedömningen har ingen `certifieringsredogorelse`".to_owned(),
                "ingen redogörelse att bedöma",
            );
        }
    }

    // Supplier confirmations.
    let atgarder: Vec<&str> = policy.atgarder.iter().filter(|a| a.skakrav.is_some()).map(|a| a.id.as_str()).collect();
    let mut bekraftade = BTreeMap::new();
    for (i, c) in b.bekraftelser.iter().enumerate() {
        r.check_one_of(
            "unknown-measure",
            &path!["bekraftelse", i, "atgard"],
            &c.atgard,
            &atgarder,
            "åtgärd som leverantören bekräftar",
            false,
        );
        if let Some(first) = bekraftade.insert(c.atgard.clone(), i) {
            r.error(
                "duplicate-id",
                &path!["bekraftelse", i, "atgard"],
                format!("åtgärden {} bekräftas två gånger", c.atgard),
                format!("redan i bekräftelse {}", first + 1),
            );
        }
    }
    // A bidder's answers, from the svarsbilaga.
    let mut besvarade = BTreeMap::new();
    for (i, s) in b.anbudssvar.iter().enumerate() {
        r.check_one_of("unknown-measure", &path!["anbudssvar", i, "krav"], &s.krav, &atgarder, "ska-krav", false);
        if let Some(first) = besvarade.insert(s.krav.clone(), i) {
            r.error(
                "duplicate-id",
                &path!["anbudssvar", i, "krav"],
                format!("ska-kravet {} besvaras två gånger", s.krav),
                format!("redan i anbudssvar {}", first + 1),
            );
        }
        if let Some(roll) = &s.kontrollerad_av {
            r.check_role(&path!["anbudssvar", i, "kontrollerad_av"], roll, &roller);
        }
    }
    if b.utlosare == UtlosareId::Upphandling && !b.bekraftelser.is_empty() {
        let d = r.warning(
            "confirmation-without-change",
            &path!["bekraftelse"],
            "leverantörsbekräftelser hör till förändring av driftform".to_owned(),
            "vid upphandling blir åtgärderna ska-krav i stället",
        );
        note(d, "sätt `utlosare = \"driftformsforandring\"` om det är en förändring av driftform");
    }

    // Decision.
    match &b.beslut {
        None => {}
        Some(beslut) => {
            r.check_role(&path!["beslut", "beslutsfattare"], &beslut.beslutsfattare, &roller);
            let approved = beslut.slutligt() == BeslutStatus::Godkand;
            match &beslut.it_centerchef {
                None => {
                    let d = r.error(
                        "missing-it-centerchef",
                        &path!["beslut"],
                        "beslutet saknar IT-centerchefens ställningstagande".to_owned(),
                        "lägg till [beslut.it_centerchef]",
                    );
                    note(
                        d,
                        "riktlinjen: IT-centerchef ska alltid vara med i beslutet om eventuellt nyttjande av molntjänst",
                    );
                }
                Some(it) => {
                    if !it.tillstyrker && beslut.status == BeslutStatus::Godkand && beslut.eskalering.is_none() {
                        let d = r.error("missing-escalation", &path!["beslut", "it_centerchef", "tillstyrker"], "verksamheten godkänner trots att IT-centerchefen avstyrker, men ärendet är inte lyft till kommundirektören".to_owned(), "IT-centerchefen avstyrker");
                        note(d, "lägg till [beslut.eskalering] med kommundirektörens beslut");
                    }
                    if it.tillstyrker && beslut.eskalering.is_some() {
                        r.warning(
                            "needless-escalation",
                            &path!["beslut", "eskalering"],
                            "ärendet är lyft till en högre instans fast IT-centerchefen tillstyrker".to_owned(),
                            "eskalering",
                        );
                    }
                }
            }
            if let Some(e) = &beslut.eskalering {
                r.check_role(&path!["beslut", "eskalering", "till"], &e.till, &roller);
            }
            beslutets_innehall(&mut r, policy, beslut, approved, &nivaer_ref);
            let max = policy.regler.max_manader_till_granskning as i32;
            match beslut.nasta_granskning {
                Some(next) if next > beslut.datum.plus_months(max) => {
                    let d = r.error(
                        "review-too-late",
                        &path!["beslut", "nasta_granskning"],
                        format!("nästa granskning {next} ligger mer än {max} månader efter beslutet {}", beslut.datum),
                        format!("senast {}", beslut.datum.plus_months(max)),
                    );
                    note(d, "riktlinjen: översyn minst årligen");
                }
                Some(next) if next < beslut.datum => {
                    r.error(
                        "review-before-decision",
                        &path!["beslut", "nasta_granskning"],
                        format!("nästa granskning {next} ligger före beslutet {}", beslut.datum),
                        "före beslutsdatum",
                    );
                }
                None if approved => {
                    r.error(
                        "missing-review-date",
                        &path!["beslut"],
                        "ett godkännande saknar `nasta_granskning`".to_owned(),
                        format!("lägg till `nasta_granskning`, senast {}", beslut.datum.plus_months(max)),
                    );
                }
                _ => {}
            }
            for (field, text) in [
                ("riskbedomning", &beslut.riskbedomning),
                ("juridiskt_ansvar_och_varumarke", &beslut.juridiskt_ansvar_och_varumarke),
            ] {
                if text.trim().is_empty() {
                    r.error(
                        "empty-field",
                        &path!["beslut", field],
                        format!("beslutsunderlaget kräver `{field}`"),
                        "tom",
                    );
                }
            }
        }
    }
}

/// What the decision itself must hold: the decided protection level and the delegation it
/// rests on (for an approval), and an accepted risk and conditions that say something.
fn beslutets_innehall(
    r: &mut Report<'_, Bedomning>,
    policy: &Policy,
    beslut: &crate::model::Beslut,
    approved: bool,
    nivaer: &[&str],
) {
    const RIKTLINJEN: &str = "riktlinjen: den som är informationsägare, tillika riskägare, behöver besluta om skyddsnivå och accepterad risk- och säkerhetsnivå";
    match beslut.skyddsniva {
        Some(n) => {
            r.check_one_of(
                "unknown-level",
                &path!["beslut", "skyddsniva"],
                &n.to_string(),
                nivaer,
                "skyddsnivå",
                false,
            );
        }
        None if approved => {
            let d = r.error(
                "missing-protection-level",
                &path!["beslut"],
                "beslutet om godkännande anger ingen skyddsnivå".to_owned(),
                "lägg till `skyddsniva = <nivå>`",
            );
            note(d, RIKTLINJEN);
        }
        None => {}
    }
    if beslut.delegation.as_deref().is_none_or(|s| s.trim().is_empty()) {
        let d = r.error(
            "missing-delegation",
            &path!["beslut"],
            "beslutet anger inte vilken delegation det fattas med stöd av".to_owned(),
            "lägg till `delegation = \"…\"`",
        );
        note(
            d,
            "ange punkten i delegeringsordningen som ger beslutsfattaren rätt att besluta, till exempel `delegation = \"Delegeringsordning för kommunstyrelsen, punkt 4.2\"`",
        );
    }
    let atgarder: Vec<&str> = policy.atgarder.iter().map(|a| a.id.as_str()).collect();
    let mut sedda = BTreeMap::new();
    for (i, a) in beslut.accepterad_risk.iter().enumerate() {
        r.check_one_of(
            "unknown-measure",
            &path!["beslut", "accepterad_risk", i, "atgard"],
            &a.atgard,
            &atgarder,
            "åtgärd",
            false,
        );
        if let Some(first) = sedda.insert(a.atgard.as_str(), i) {
            r.error(
                "duplicate-id",
                &path!["beslut", "accepterad_risk", i, "atgard"],
                format!("den accepterade risken tar upp åtgärden {} två gånger", a.atgard),
                format!("redan i post {}", first + 1),
            );
        }
        if a.motivering.trim().is_empty() {
            r.error(
                "empty-field",
                &path!["beslut", "accepterad_risk", i, "motivering"],
                format!("den accepterade risken för {} saknar motivering", a.atgard),
                "tom",
            );
        }
    }
    for (i, v) in beslut.villkor.iter().enumerate() {
        if v.trim().is_empty() {
            r.error("empty-field", &path!["beslut", "villkor", i], "ett villkor i beslutet är tomt".to_owned(), "tomt");
        }
    }
}

/// Slugs must be unique across the project, also when a file system ignores case.
pub(crate) fn validate_slugs(items: &[(String, &Loaded<Bedomning>)], out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, loaded) in items {
        let Some(b) = &loaded.value else { continue };
        let slug = slug_of(name, b).to_lowercase();
        if let Some(first) = seen.get(&slug) {
            let p: &[_] = if b.slug.is_some() { &path!["slug"] } else { &[] };
            out.push(
                Diagnostic::error("duplicate-slug", loaded.file, format!("slugen `{slug}` används redan av {first}"))
                    .at(loaded.span(p), "samma slug")
                    .note("varje bedömning publiceras under sin slug; byt filnamn eller ange en egen `slug`"),
            );
        } else {
            seen.insert(slug, name.as_str());
        }
    }
}

/// KLASSA's advice is roles, not people, and a record is a public document: warn about
/// anything shaped like a Swedish personal identity number (or coordination number) with a
/// valid date part and check digit, wherever it appears in the file, comments included.
pub(crate) fn personnummer(file: FileId, text: &str, out: &mut Vec<Diagnostic>) {
    // Every number this can warn about has six ASCII digits in a row (a non-ASCII digit
    // never parses below). Most files have none, and the pattern, with Unicode word
    // boundaries, runs on a slow engine.
    if !text.as_bytes().windows(6).any(|w| w.iter().all(u8::is_ascii_digit)) {
        return;
    }
    static PATTERN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = PATTERN.get_or_init(|| {
        regex::Regex::new(r"\b(?:19|20)?(\d{2})(\d{2})(\d{2})[-+ ]?(\d{4})\b").expect("the pattern compiles")
    });
    for m in re.captures_iter(text) {
        let month: u32 = m[2].parse().unwrap_or(0);
        let day: u32 = m[3].parse().unwrap_or(0);
        // A coordination number adds 60 to the day.
        let day = if day > 60 { day - 60 } else { day };
        let digits: Vec<u32> =
            format!("{}{}{}{}", &m[1], &m[2], &m[3], &m[4]).chars().filter_map(|c| c.to_digit(10)).collect();
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !luhn(&digits) {
            continue;
        }
        let whole = m.get(0).expect("group 0 is the match");
        out.push(
            Diagnostic::warning("personal-identity-number", file, "ser ut som ett personnummer")
                .at(Some(whole.range()), "personnummer?")
                .note("en bedömning är en allmän handling: skriv roller, inte personer, och inga personnummer"),
        );
    }
}

/// The Luhn check digit rule personal identity numbers follow.
fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = d * 2;
                x / 10 + x % 10
            } else {
                *d
            }
        })
        .sum();
    digits.len() == 10 && sum.is_multiple_of(10)
}

/// A record without `[leverantor]`: a procurement whose tender is out. A driftform change
/// always knows its supplier, and what only a supplier gives cannot come before it.
fn utan_leverantor(b: &Bedomning, r: &mut Report<'_, Bedomning>) {
    if b.utlosare == UtlosareId::Driftformsforandring {
        let d = r.error(
            "missing-supplier",
            &path!["utlosare"],
            "en förändring av driftform saknar `[leverantor]`".to_owned(),
            "driftformsforandring",
        );
        note(d, "vid en förändring av driftform är leverantören känd: lägg till `[leverantor]` med `namn` och `land`");
    }
    let falt: [(&str, bool); 7] = [
        ("underbitraden", !b.underbitraden.is_empty()),
        ("aterstallning", !b.aterstallning.is_empty()),
        ("certifikat", !b.certifikat.is_empty()),
        ("certifieringsredogorelse", b.certifieringsredogorelse.is_some()),
        ("dpf", !b.dpf.is_empty()),
        ("bekraftelse", !b.bekraftelser.is_empty()),
        ("anbudssvar", !b.anbudssvar.is_empty()),
    ];
    for (key, finns) in falt {
        if finns {
            let d = r.error(
                "evidence-without-supplier",
                &[Seg::Key(key.to_owned())],
                format!("`{key}` är leverantörens underlag, men bedömningen saknar `[leverantor]`"),
                "utan leverantör",
            );
            note(d, "lägg till `[leverantor]` med `namn` och `land` när anbudet är antaget, eller ta bort underlaget");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        personnummer(0, text, &mut out);
        out.iter().map(|d| &text[d.span.clone().unwrap()]).collect()
    }

    #[test]
    fn identity_numbers_are_found_in_their_usual_spellings() {
        let text = "klassad_av = \"Anna 19121212-1212\"\n# 8112289874\nx = \"811228+9874\"\ny = \"19811288-9874\"";
        assert_eq!(found(text), ["19121212-1212", "8112289874", "811228+9874"]);
    }

    const ROLLER: &[&str] = &["informationsagare", "it-centerchef", "upphandlande-verksamhet", "kommundirektor"];

    #[test]
    fn personal_names_look_like_people() {
        for name in ["Anna Andersson", "Per-Olof Ek", "Åsa Öberg Lind", "Karl Johan Svensson Bäck"] {
            assert!(looks_like_person(name, ROLLER), "{name}");
        }
    }

    #[test]
    fn roles_misspelt_roles_and_other_text_do_not_look_like_people() {
        for value in [
            "Anna",                    // one word: a role could be one word
            "anna andersson",          // not capitalised
            "IT Centerchef",           // an acronym
            "Upphandlande Verksamhet", // a misspelt role id
            "Informationsägare",
            "Anna Andersson 2",
            "Anna <script>",
            "En Två Tre Fyra Fem", // too many words for a name
        ] {
            assert!(!looks_like_person(value, ROLLER), "{value}");
        }
    }

    #[test]
    fn country_names_and_codes_suggest_the_alpha_2_code() {
        for (value, code) in [
            ("Sverige", "SE"),
            ("sverige", "SE"),
            ("Österrike", "AT"),
            ("USA", "US"),
            ("se", "SE"),
            ("SWE", "SE"),
            ("Sweden", "SE"),
            ("Ireland", "IE"),
            ("United States", "US"),
        ] {
            assert_eq!(land_for(value).as_deref(), Some(code), "{value}");
        }
        assert_eq!(land_for("Atlantis"), None);
        assert_eq!(land_for("<script>"), None);
        assert_eq!(land_for(""), None);
    }

    #[test]
    fn references_dates_and_wrong_check_digits_are_not_identity_numbers() {
        let text = "referens = \"SML-2026-0001\"\ndatum = 2026-02-01\nbevis = \"121212-1213\"\ntel = \"0701234567\"\n";
        assert_eq!(found(text), Vec::<&str>::new());
    }
}
