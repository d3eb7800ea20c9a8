//! The adopted documents, word for word: every sentence of the two seeds that states a rule,
//! role, step, measure, question, checklist item or condition is in the policy source, on the
//! built site and in `policy.pdf`; every local addition is marked where it is shown; and no
//! git author's name or e-mail address reaches the open extract.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use crate::common::{BASE, Project, TODAY, molnkoll, project, repo};

/// `../shared/seeds` beside the repository, as in CI; `MOLNKOLL_SEEDS` points elsewhere.
fn seeds() -> PathBuf {
    std::env::var_os("MOLNKOLL_SEEDS").map_or_else(|| repo().join("../shared/seeds"), PathBuf::from)
}

/// The routine's sentences on rules, as the seed writes them.
const RUTIN: &[&str] = &[
    "Denna rutin förutsätter att sådana bedömningar redan genomförts.",
    "Anställda vid kommunala bolag som har IT-tjänst från SML-IT",
    "Rutinen ska användas vid upphandling av system eller vid förändring av driftform.",
    "Denna rutin gäller främst vid upphandling av tjänst med driftformerna 4 och 5.",
    "Rutinen gäller också för driftform 2 om det kan förekomma att leverantören tar databaskopior och/eller ansluter via fjärrhjälpsverktyg vid support och felsökning.",
    "Upphandlare ansvarar för att initiera rutinen.",
    "Upphandlare ansvarar för att inkludera åtgärdsförslagen i kravspecifikationen",
    "Upphandlande verksamhet ansvar för att utföra rutinen.",
    "Informationssäkerhetssamordnare ska vara stödresurs vid utförande av rutinen.",
    "Verksamheten ansvar för att initiera och utföra rutinen.",
    "Utförandet innehåller följande 4 steg.",
    "Inför upphandling, innan kravställning.",
    "Innan införskaffning om upphandling ej behövs.",
    "Kontakta informationssäkerhetssamordnare och boka in sammanträde för klassning av information är föremål för flytt till extern driftleverantör.",
    "Genomför klassning av information.",
    "Jämför klassningsnivån med åtgärdstabellen i driftmodellen och identifiera de eventuella åtgärderna.",
    "Molntjänst är ej tillåten.",
    "Verksamheten ska genomföra en riskanalys före upphandling/införskaffning.",
    "Analysobjekt/perspektiv är informationens flytt till leverantörens tjänst.",
    "Leverantören ska beskriva hur deras återställningsförfarande fungerar i punkterna:",
    "Återställningstid",
    "Placering av backup (land/jurisdiktion)",
    "Versionshantering",
    "Kvarhållandeprincip",
    "Leverantören ska kunna tillhandahålla certifiering av oberoende part inom en eller flera av följande certifieringar:",
    "ISO27001",
    "ISO27017",
    "ISO27018",
    "SSAE 18 SOC 2",
    "CSA STAR",
    "Om certifiering saknas ska leverantören redogöra för hur man uppfyller informationssäkerhetskrav från informationsklassningens upphandlingsunderlag.",
    "Företaget som tillhandahåller tjänsten måste finnas med i listan nedan:",
    "https://www.dataprivacyframework.gov/s/participant-search",
    "Vid upphandling, uppdatera kravspecifikation med åtgärdsförslagen.",
    "Åtgärdsförslagen ska vara ska-krav.",
    "Vid förändring av driftform, inhämta bekräftelse från leverantören gällande uppfyllande av åtgärderna.",
];

/// The guideline's sentences on rules, as the seed writes them.
const RIKTLINJE: &[&str] = &[
    "Denna riktlinje syftar till att ge stöd i de fall en verksamhet i Värnamo kommun överväger att köpa in en molntjänst.",
    "IT-center som är navet för Värnamo kommuns digitaliseringsarbete, ansvarar för att det finns en process för att fånga behov samt att ge det stöd som verksamheterna behöver genom hela sin digitalisering.",
    "Processen finns under Service och stöd på intranätet.",
    "Som del av processen ingår även ställningstagande och att besluta om molntjänst ska användas.",
    "I dessa riktlinjer definierar vi molntjänster som samtliga driftformer av IT som sker utanför kommunens nätverk.",
    "När det gäller molntjänster finns det fyra grundläggande frågeställningar som särskilt bör belysas",
    "Efterlevnad efter Värnamo kommuns policys, strategier, planer och riktlinjer",
    "Är den tänkta tjänsten kompatibel med kommunens inriktningar?",
    "Exempelvis Regional utvecklingsstrategi, nyttja Ineras tjänster, strategiskt valda system (all hantering inom socialtjänsten ska ske i Combine).",
    "Laglighet, Informationssäkerhet och IT-säkerhet",
    "Är den tänkta användningen av tjänsten kapabel att leva upp till de lagar och regler som kommunen och förvaltningarna omfattas av?",
    "Kan den garantera en tillräckligt hög informationssäkerhet och erbjuds rätt nivå av IT-säkerhet?",
    "Roller och ansvar",
    "Är det tydligt vilket ansvar kommunen ska ta respektive leverantören av molntjänsten och dennes underleverantörer?",
    "Om annan personal än kommunens egen IT-personal ska hantera tjänsten, finns godkända avtal för detta på plats?",
    "Hur ska användare få support när tjänsten är etablerad?",
    "Inpassning i applikationslandskapet",
    "Hur arbetar användaren, ska till exempel flera applikationer användas parallellt?",
    "Behöver tjänsten integreras dvs utbyta information med andra system och applikationer i kommunens applikationslandskap? Hur ska detta gå till?",
    "Finns det redan system i kommunen som gör samma sak?",
    "Hur kan man hantera en exit och/eller flytt till annan framtidig lösning på ett säkert och kostnadseffektivt sätt?",
    "En molntjänst ska, som alla andra IT-lösningar i kommunen, hanteras enligt kommunens process för behov av stöd för digitalisering.",
    "Under processen ingår att göra en extra bedömning av grundläggande frågeställningar enligt ovan, i samband med att man gör värdering av att man faktiskt ska välja en molntjänst",
    "Samtliga punkter i checklistan nedan går igenom",
    "Behovsanalys",
    "Informationskartläggning och roller",
    "Informationsklassning",
    "Riskanalys – bedömning av skydds nivå",
    "Kravställning",
    "Informationens livscykel",
    "Upprätta avtal",
    "Centrala komponenter i vår IT-miljö behöver hanteras lokalt och där ska lokal drift användas i första hand.",
    "ID åtkomst",
    "plattform för identitetshantering och e-legitimering",
    "nätverk och centrala tjänster kring våra nät",
    "integrationsplattform",
    "Kritiska centrala komponenter behöver vi ha bra kontroll på och följa den lagstiftning som gäller.",
    "Det är även viktigt att vår lokala drift följer best practice inom IT-säkerhet samt definierade tillitsramverk från DIGG, Myndigheten för digitalisering.",
    "En molntjänst kan vara ett bra alternativ i lägen då man vet att tjänsten kommer ha stor variation i belastning över tid.",
    "Molntjänst kan vara ett kostnadseffektivt alternativ om det tagits beslut inom kommunen att det inte finns stödresurser för att arbeta med lokalt driftade lösningar för denna verksamhet.",
    "Molntjänst passar bäst under följande förhållanden:",
    "Tjänsten ska bara hantera okänslig information",
    "Tjänsten är självständig och utan eller få integrationer/låg komplexitet",
    "Där det finns goda förutsättningar att avtala om relevanta krav med leverantören och följa upp att kraven efterlevs.",
    "Beslut om molntjänst är inte enbart en fråga kopplat till informationssäkerhet utan kräver en helhetsbedömning utifrån flera perspektiv.",
    "Den som är informationsägare, tillika riskägare, behöver besluta om skydds nivå och accepterad risk- och säkerhetsnivån.",
    "Utifrån de fyra grundläggande frågeställningarna som beskrivs tidigare i dokumentet så ska IT-centerchef alltid vara med i beslutet om eventuellt nyttjande av molntjänst.",
    "Vid de tillfällen där verksamhetsansvarig/processägare/systemägare inte accepterar IT-centerchefens ställningstagande så behöver det lyftas till kommundirektören.",
    "Beslutsunderlaget ska innehålla en riskbedömning och en beskrivning av hur ett beslut kan påverka Värnamo kommuns juridiska ansvar och varumärke.",
    "För riktlinjen ligger ansvaret på kommundirektören då den gäller samtliga Värnamo kommuns verksamheter och anses kommunövergripande.",
    "Riktlinjen ska ses över minst årligen eller vid större förändringar.",
    "Ansvaret för översynen ligger på IT-centerchef och en eventuell revidering beslutas av kommundirektören.",
];

/// How the adopting organisation carries a seed sentence: its own municipalities in place of
/// Värnamo's name, its own strategic system in the example, the seed's typing errors
/// corrected, "nedan" dropped where the checklist is not below on the web. Nothing else.
const ANTAGEN: &[(&str, &str)] = &[
    ("IT-center som är navet för Värnamo kommuns", "IT-center, som är navet för kommunens"),
    ("Värnamo kommuns", "kommunens"),
    ("Värnamo kommun", "kommunen"),
    ("ske i Combine", "ske i Treserva"),
    ("ansvar för att", "ansvarar för att"),
    ("klassning av information är föremål", "klassning av information som är föremål"),
    ("framtidig", "framtida"),
    ("skydds nivå", "skyddsnivå"),
    ("säkerhetsnivån.", "säkerhetsnivå."),
    ("checklistan nedan går igenom", "checklistan går igenom"),
];

fn antagen(seed: &str) -> String {
    ANTAGEN.iter().fold(seed.to_owned(), |s, (fran, till)| s.replace(fran, till))
}

/// Folds what layout changes: case, whitespace, line-end hyphens and HTML entities.
fn fold(text: &str) -> String {
    let decoded = text
        .replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace('\u{ad}', "");
    // A line may end after a hyphen or a slash that had, or had not, a space after it
    // ("risk- och", "e-legitimering", "analysobjekt/perspektiv"); fold both to none.
    decoded.split_whitespace().collect::<Vec<_>>().join(" ").replace("- ", "-").replace("/ ", "/").to_lowercase()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// pdftotext in content order (`-raw`), so a table cell's sentence is not cut by its neighbour.
fn pdf_raw(pdf: &Path) -> String {
    let out = Process::new("pdftotext")
        .args(["-enc", "UTF-8", "-raw"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed (scripts/install-test-deps.sh installs it)");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8(out.stdout).unwrap()
}

/// A project with the shipped policy, pages and the given assessments.
fn shipped_project(records: &[(&str, &str)]) -> Project {
    let dir = project(records);
    for page in ["rutin.md", "riktlinje.md"] {
        fs::copy(repo().join("content/sidor").join(page), dir.path().join("content/sidor").join(page)).unwrap();
    }
    dir
}

fn build_with(root: &Path, profile: &str) {
    molnkoll(root, &["build", "--today", TODAY, "--profile", profile]).ok();
}

fn site_text(out: &Path) -> String {
    let mut all = String::new();
    for e in walkdir::WalkDir::new(out).sort_by_file_name() {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "html") {
            all.push_str(&strip_tags(&fs::read_to_string(e.path()).unwrap()));
            all.push('\n');
        }
    }
    all
}

#[test]
fn every_rule_sentence_of_both_seeds_is_in_the_source_the_site_and_the_printed_policy() {
    let rutin = fold(&fs::read_to_string(seeds().join("rutin-informationssakerhetsbedomning-molntjanst.txt")).unwrap());
    let riktlinje = fold(&fs::read_to_string(seeds().join("riktlinje-molntjanster-varnamo.md")).unwrap());
    // The list is the seeds' own words: a sentence that is not in its seed is a typo here.
    for s in RUTIN {
        assert!(rutin.contains(&fold(s)), "not in the routine: {s}");
    }
    for s in RIKTLINJE {
        assert!(riktlinje.contains(&fold(s)), "not in the guideline: {s}");
    }

    let source = fold(
        &["content/policy.toml", "content/sidor/rutin.md", "content/sidor/riktlinje.md"]
            .iter()
            .map(|p| fs::read_to_string(repo().join(p)).unwrap())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let dir = shipped_project(&[("tjanst.toml", BASE)]);
    build_with(dir.path(), "intern");
    let out = dir.path().join("output");
    let site = fold(&site_text(&out));
    let pdf = fold(&pdf_raw(&out.join("policy.pdf")));

    let mut missing = Vec::new();
    for s in RUTIN.iter().chain(RIKTLINJE) {
        let want = fold(&antagen(s));
        for (where_, text) in [("policy source", &source), ("site", &site), ("policy.pdf", &pdf)] {
            if !text.contains(&want) {
                missing.push(format!("{where_}: {want}"));
            }
        }
    }
    assert!(missing.is_empty(), "{} seed sentences missing:\n{}", missing.len(), missing.join("\n"));
}

#[test]
fn the_printed_policy_is_titled_and_dated_by_the_policy_and_has_no_web_references() {
    let dir = shipped_project(&[("tjanst.toml", BASE)]);
    build_with(dir.path(), "intern");
    let pdf = fold(&pdf_raw(&dir.path().join("output/policy.pdf")));
    assert!(pdf.contains("molntjänster: rutin och riktlinje"), "{pdf}");
    assert!(pdf.contains("version 2026.1, 2026-03-02"), "{pdf}");
    assert!(!pdf.contains("sml-it · policy") && pdf.contains("rutin och riktlinje med lokala tillägg"), "{pdf}");
    for web in ["se roller och ansvar", "står på sidan", "driftformstabellen", ".html"] {
        assert!(!pdf.contains(web), "web reference {web:?} in policy.pdf");
    }
}

/// Every local text in the shipped policy and pages, with at most this much between the
/// label and the text.
fn local_texts() -> Vec<String> {
    let policy: toml::Value = toml::from_str(&fs::read_to_string(repo().join("content/policy.toml")).unwrap()).unwrap();
    let lokal = |v: &toml::Value, key: &str| v.get(key).and_then(|k| k.as_str()) == Some("lokal");
    let mut texts = Vec::new();
    for (list, field) in [("begrepp", "forklaring"), ("dokumenttyp", "beskrivning"), ("roll", "beskrivning")] {
        for v in policy[list].as_array().unwrap() {
            if lokal(v, "kalla") {
                texts.push(v[field].as_str().unwrap().to_owned());
            }
        }
    }
    for v in policy["atgard"].as_array().unwrap() {
        if let Some(k) = v.get("skakrav")
            && (v.get("skakrav_kalla").is_none() || lokal(v, "skakrav_kalla"))
        {
            texts.push(k.as_str().unwrap().to_owned());
        }
    }
    for list in ["stycken", "fordelar"] {
        for v in policy["lamplighet"][list].as_array().unwrap() {
            if lokal(v, "kalla") {
                texts.push(v["text"].as_str().unwrap().to_owned());
            }
        }
    }
    for page in ["rutin.md", "riktlinje.md"] {
        for line in fs::read_to_string(repo().join("content/sidor").join(page)).unwrap().lines() {
            if let Some(rest) = line.strip_prefix("*(lokalt tillägg)* ") {
                texts.push(rest.to_owned());
            }
        }
    }
    texts
}

/// Whether `text` stands in `haystack` with "lokalt tillägg" just before it.
fn marked(haystack: &str, text: &str) -> bool {
    let want = fold(text);
    let label = "lokalt tillägg";
    haystack.match_indices(&want).any(|(at, _)| {
        let before = &haystack[..at];
        before.rfind(label).is_some_and(|l| at - l <= label.len() + 40)
    })
}

#[test]
fn every_local_addition_is_marked_on_the_page_and_in_the_pdf() {
    let texts = local_texts();
    // Those the issue names: the review cycle, the exception, the sixth document type,
    // the glossary's own terms and the ska-krav wording.
    assert!(texts.len() >= 10, "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("tolv månader")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("uttalat undantag")), "{texts:?}");

    let dir = shipped_project(&[("tjanst.toml", BASE)]);
    build_with(dir.path(), "intern");
    let out = dir.path().join("output");
    let site = fold(&site_text(&out));
    let pdf = fold(&pdf_raw(&out.join("policy.pdf")));
    let mut unmarked = Vec::new();
    for t in &texts {
        if !marked(&site, t) {
            unmarked.push(format!("site: {t}"));
        }
        if !marked(&pdf, t) {
            unmarked.push(format!("policy.pdf: {t}"));
        }
    }
    assert!(unmarked.is_empty(), "local additions without a label:\n{}", unmarked.join("\n"));
    // And the adopted documents' own words carry no label.
    assert!(!marked(&site, "Molntjänst är ej tillåten."));
    assert!(!marked(&pdf, "Riktlinjen ska ses över minst årligen eller vid större förändringar."));
}

const SENTINEL_NAME: &str = "Sigrid Sentinelsson";
const SENTINEL_EMAIL: &str = "sigrid.sentinelsson@example.invalid";

fn git_as(dir: &Path, args: &[&str]) {
    let out = Process::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", SENTINEL_NAME)
        .env("GIT_AUTHOR_EMAIL", SENTINEL_EMAIL)
        .env("GIT_COMMITTER_NAME", SENTINEL_NAME)
        .env("GIT_COMMITTER_EMAIL", SENTINEL_EMAIL)
        .env("GIT_AUTHOR_DATE", "2026-02-01T10:00:00+01:00")
        .env("GIT_COMMITTER_DATE", "2026-02-01T10:00:00+01:00")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Every output file's text, PDFs through pdftotext, as (path, text).
fn every_output(out: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let text = if e.path().extension().is_some_and(|x| x == "pdf") {
                pdf_raw(e.path())
            } else {
                String::from_utf8_lossy(&fs::read(e.path()).unwrap()).into_owned()
            };
            (e.path().display().to_string(), text)
        })
        .collect()
}

fn sentinel_project(publicering: &str) -> Project {
    let dir = project(&[("tjanst.toml", BASE)]);
    let policy = dir.path().join("content/policy.toml");
    let text = fs::read_to_string(&policy).unwrap();
    let start = text.find("[publicering]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    fs::write(&policy, format!("{}{publicering}{}", &text[..start], &text[end..])).unwrap();
    git_as(dir.path(), &["init", "-q", "-b", "main"]);
    git_as(dir.path(), &["add", "-A"]);
    git_as(dir.path(), &["commit", "-q", "-m", "Ny bedömning"]);
    dir
}

#[test]
fn no_commit_author_name_or_email_in_the_open_extract_nor_by_default_in_the_internal_site() {
    let roll = "[publicering]\nforfattare = \"roll\"\nforfattare_roller = { \"Sigrid Sentinelsson\" = \"informationssakerhetssamordnare\" }";
    let dold = "[publicering]\nforfattare = \"dold\"";
    for (publicering, profile) in [(dold, "oppen"), (dold, "intern"), (roll, "oppen"), (roll, "intern")] {
        let dir = sentinel_project(publicering);
        build_with(dir.path(), profile);
        let files = every_output(&dir.path().join("output"));
        assert!(files.iter().any(|(p, _)| p.ends_with(".pdf")), "no PDFs to read");
        for (path, text) in &files {
            for secret in [SENTINEL_NAME, SENTINEL_EMAIL, "Sentinelsson"] {
                assert!(!text.contains(secret), "{secret} in {path} ({profile}, {publicering})");
            }
        }
        let page = fs::read_to_string(dir.path().join("output/bedomningar/tjanst/index.html")).unwrap();
        if profile == "oppen" && !page.contains("Ny bedömning") {
            continue;
        }
        assert!(page.contains("Ny bedömning"), "the history is still shown: {page}");
        if publicering == roll {
            assert!(page.contains("<td>Informationssäkerhetssamordnare</td>"), "{page}");
        } else {
            assert!(!page.contains("Ändrad av"), "{page}");
        }
    }
}
