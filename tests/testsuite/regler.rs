//! Rules of issue 17 on the supply chain and the driftform: a DPF check per US-linked
//! party, location against a driftform inside the EU/EEA, and the central-component rule.

use crate::common::{BASE, Edit, Project, project};

/// The base record, undecided, with an Irish supplier under a US parent, a US
/// subprocessor and a Swedish one, driftform 4, and `dpf` appended.
fn kedja(dpf: &str) -> String {
    let undecided = &BASE[..BASE.find("[beslut]").unwrap()];
    undecided.edit(
        "[leverantor]\nnamn = \"Schema AB\"\nland = \"SE\"\n",
        "[leverantor]\nnamn = \"Molnbolaget Europe Ltd\"\nland = \"IE\"\nusa_koppling = true\nmoderbolag = \"Molnbolaget Inc. (USA)\"\n\n\
         [[underbitraden]]\nnamn = \"Hosting Inc.\"\nland = \"US\"\nuppgift = \"Drift.\"\n\n\
         [[underbitraden]]\nnamn = \"Norrdata AB\"\nland = \"SE\"\nuppgift = \"Support.\"\n",
    ) + dpf
}

/// What `check` said about the records: the shipped policy's own warning (its duplicate
/// driftform) and the summary line cut off.
fn om_bedomningar(stderr: &str) -> &str {
    let slut = stderr.find("warning[duplicate-driftform]").unwrap_or_else(|| panic!("{stderr}"));
    &stderr[..slut]
}

const MODERBOLAGET: &str = "\n[[dpf]]\norganisation = \"Molnbolaget Inc.\"\nlistad = true\nramverk = [\"EU-U.S. DPF\"]\nkontrollerad = 2026-10-01\nbevis = \"SML-1\"\n";
const HOSTING: &str = "\n[[dpf]]\norganisation = \"Hosting Inc.\"\nlistad = true\nramverk = [\"EU-U.S. DPF\", \"Swiss-U.S. DPF\"]\nkontrollerad = 2026-10-02\n";

#[test]
fn a_us_linked_party_without_its_own_dpf_check_is_named() {
    let p = project(&[("kedja.toml", &kedja(MODERBOLAGET))]);
    let run = p.check(&[]);
    run.ok();
    assert_eq!(
        om_bedomningar(&run.stderr),
        "warning[missing-dpf-check]: underbiträdet Hosting Inc. har USA-koppling men ingen DPF-kontroll
   ┌─ content/bedomningar/kedja.toml:19:8
   │
19 │ namn = \"Hosting Inc.\"
   │        ^^^^^^^^^^^^^^ ingen `[[dpf]]` med den här parten som `organisation`
   │
   = slå upp parten i Data Privacy Framework-listan och lägg till en `[[dpf]]` med `organisation = \"Hosting Inc.\"`, `listad`, `ramverk` och `kontrollerad`

"
    );
    p.build().ok();
    let page = p.output("bedomningar/kedja/index.html");
    // The measure stays open, and says which party is unchecked.
    assert!(
        page.contains("USA-koppling genom leverantören Molnbolaget Europe Ltd och underbiträdet Hosting Inc. Moderbolaget Molnbolaget Inc. (USA): listad (EU-U.S. DPF), kontrollerad 2026-10-01. Underbiträdet Hosting Inc.: inte kontrollerad i Data Privacy Framework."),
        "{page}"
    );
    assert!(page.contains("<tr><td>Moderbolaget Molnbolaget Inc. (USA)</td><td>Listad</td><td>EU-U.S. DPF</td><td>2026-10-01</td><td>SML-1</td></tr>"), "{page}");
    assert!(
        page.contains(
            "<tr><td>Underbiträdet Hosting Inc.</td><td>Inte kontrollerad</td><td>–</td><td>–</td><td>–</td></tr>"
        ),
        "{page}"
    );

    // Each party checked: nothing to say, and the measure is met.
    p.write("content/bedomningar/kedja.toml", &kedja(&format!("{MODERBOLAGET}{HOSTING}")));
    assert_eq!(om_bedomningar(&p.check(&[]).ok().stderr), "");
    p.build().ok();
    let page = p.output("bedomningar/kedja/index.html");
    assert!(
        page.contains("Underbiträdet Hosting Inc.: listad (EU-U.S. DPF, Swiss-U.S. DPF), kontrollerad 2026-10-02."),
        "{page}"
    );
}

#[test]
fn a_party_that_is_not_listed_leaves_the_measure_unmet_whatever_the_others() {
    let ej = HOSTING.edit("listad = true", "listad = false");
    let p = project(&[("kedja.toml", &kedja(&format!("{MODERBOLAGET}{ej}")))]);
    p.build().ok();
    let page = p.output("bedomningar/kedja/index.html");
    assert!(page.contains("Underbiträdet Hosting Inc.: inte listad vid kontrollen 2026-10-02."), "{page}");
    assert!(page.contains("<tr><td>Underbiträdet Hosting Inc.</td><td>Inte listad</td>"), "{page}");
}

#[test]
fn a_dpf_check_of_a_company_outside_the_chain_is_an_error_naming_the_parties() {
    let annan = MODERBOLAGET.edit("Molnbolaget Inc.", "Microsoft Corporation");
    let p = project(&[("kedja.toml", &kedja(&format!("{annan}{HOSTING}")))]);
    p.check(&[]).code(1).stderr_has(
        "error[unknown-party]: `dpf[1].organisation`: `Microsoft Corporation` är ingen part i leverantörskedjan
   ┌─ content/bedomningar/kedja.toml:65:16
   │
65 │ organisation = \"Microsoft Corporation\"
   │                ^^^^^^^^^^^^^^^^^^^^^^^ varken leverantören, moderbolaget eller ett underbiträde
   │
   = tillåtet: `Molnbolaget Europe Ltd` (leverantören), `Molnbolaget Inc. (USA)` (moderbolaget), `Hosting Inc.` (underbiträdet) eller `Norrdata AB` (underbiträdet)
   = en DPF-kontroll gäller den part i kedjan som `organisation` namnger; ett namn i listan som skiljer sig från partens skrivs i `listad_som`
",
    );
    // The parent stays unchecked: the wrong company's listing does not count for it.
    p.check(&[]).stderr_has(
        "warning[missing-dpf-check]: moderbolaget Molnbolaget Inc. (USA) har USA-koppling men ingen DPF-kontroll",
    );
}

#[test]
fn an_old_single_dpf_table_is_an_error_that_says_how_to_convert_it() {
    let old = "\n[dpf]\nlistad = true\nkontrollerad = 2026-10-01\n";
    let p = project(&[("gammal.toml", &kedja(old))]);
    let run = p.check(&[]);
    run.code(1);
    // Both at the table's header; the missing key sorts first by its code.
    assert_eq!(
        om_bedomningar(&run.stderr),
        "error[missing-key]: `dpf[1]` saknar nyckeln `organisation`
   ┌─ content/bedomningar/gammal.toml:64:1
   │
64 │ [dpf]
   │ ^ lägg till `organisation = …`

error[wrong-type]: `dpf` ska vara en lista av tabeller, `[[dpf]]`, inte en enda tabell `[dpf]`
   ┌─ content/bedomningar/gammal.toml:64:1
   │
64 │ [dpf]
   │ ^^^^^ skriv `[[dpf]]`
   │
   = skriv om rubriken `[dpf]` till `[[dpf]]`; varje post får en egen `[[dpf]]`
   = en DPF-kontroll gäller en part i leverantörskedjan: ange partens namn i `organisation`, och lägg till en `[[dpf]]` för varje annan part med USA-koppling (moderbolaget, underbiträden)

"
    );
}

#[test]
fn a_stale_dpf_check_names_its_party() {
    let gammal = HOSTING.edit("kontrollerad = 2026-10-02", "kontrollerad = 2024-01-01");
    let p = project(&[("kedja.toml", &kedja(&format!("{MODERBOLAGET}{gammal}")))]);
    p.check(&[]).ok().stderr_has(
        "warning[dpf-check-stale]: DPF-listningen för Hosting Inc. kontrollerades senast 2024-01-01
   ┌─ content/bedomningar/kedja.toml:75:16",
    );
    p.build().ok();
    let ics = p.output("bevakning.ics");
    assert!(ics.contains("SUMMARY:Kontrollera DPF-listning: Hosting Inc.\\, Schemaläggning"), "{ics}");
    // The parent's check is recent: only the subprocessor's is due.
    assert_eq!(ics.matches("Kontrollera DPF-listning").count(), 2, "{ics}");
}

#[test]
fn a_check_of_a_party_without_a_us_link_is_shown_as_not_asked_for() {
    let kedja = kedja(&format!(
        "{MODERBOLAGET}{HOSTING}\n[[dpf]]\norganisation = \"Norrdata AB\"\nlistad_som = \"Norrdata Holding Inc.\"\nlistad = true\nkontrollerad = 2026-10-03\n"
    ));
    let p = project(&[("kedja.toml", &kedja)]);
    assert_eq!(om_bedomningar(&p.check(&[]).ok().stderr), "");
    p.build().ok();
    let page = p.output("bedomningar/kedja/index.html");
    assert!(
        page.contains(
            "<tr><td>Norrdata AB</td><td>Listad som Norrdata Holding Inc. (ingen USA-koppling; krävs inte)</td>"
        ),
        "{page}"
    );
}

/// The base record, undecided, with a US backup location, and driftform `id`.
fn plats(id: u32) -> String {
    let undecided = &BASE[..BASE.find("[beslut]").unwrap()];
    undecided
        .edit("[driftform]\nid = 4", &format!("[driftform]\nid = {id}"))
        .edit("land = \"SE\"", "land = \"GB\"")
        .edit("backup_placering = \"Sverige\"", "backup_placering = \"Kopior i USA och Irland\"")
        .edit(
            "[driftform]",
            "[[underbitraden]]\nnamn = \"Lagring Inc.\"\nland = \"US\"\nuppgift = \"Lagring.\"\nlagrar_data = true\n\n\
             [[underbitraden]]\nnamn = \"Support Inc.\"\nland = \"US\"\nuppgift = \"Support.\"\n\n[driftform]",
        )
        + "\n[[dpf]]\norganisation = \"Lagring Inc.\"\nlistad = true\nkontrollerad = 2026-10-01\n\
           \n[[dpf]]\norganisation = \"Support Inc.\"\nlistad = true\nkontrollerad = 2026-10-01\n"
}

#[test]
fn a_driftform_inside_the_eu_ees_warns_of_each_place_outside_it() {
    let p = project(&[("plats.toml", &plats(4))]);
    let run = p.check(&[]);
    run.ok();
    let lofte = "driftform 4 lovar servrar inom EU/EES (serverplacering ”Moln (inom EU/EES)”), men";
    for fakta in [
        "leverantören Schema AB är registrerad i Storbritannien (GB), utanför EU/EES",
        "svaret om placering av backup (land/jurisdiktion) nämner USA (US), utanför EU/EES",
        "underbiträdet Lagring Inc. lagrar data och är registrerat i USA (US), utanför EU/EES",
    ] {
        run.stderr_has(&format!("warning[location-outside-eu-ees]: {lofte} {fakta}\n"));
    }
    // Support without storage, and Ireland, are no places of data outside.
    assert_eq!(run.stderr.matches("location-outside-eu-ees").count(), 3, "{}", run.stderr);
    run.stderr_has(
        "   = välj en driftform vars servrar får finnas utanför EU/EES, eller rätta uppgiften om var data finns\n",
    );
}

#[test]
fn the_policy_decides_which_driftform_promises_the_eu_ees_and_can_add_one_outside() {
    // The shipped policy's driftform 6, cloud outside the EU/EEA: nothing to warn of.
    let p = project(&[("plats.toml", &plats(6))]);
    p.check(&[]).ok().stderr_lacks("location-outside-eu-ees");

    // A policy of its own: driftform 7 for cloud in the USA, and 8 that promises the EU/EEA.
    let p = Project::new();
    let policy = std::fs::read_to_string(p.path().join("content/policy.toml")).unwrap();
    let egna = "\n[[driftform]]\nid = 7\nkalla = \"lokal\"\ndriftleverantor = \"Extern\"\nsupport = \"Extern\"\nserverplacering = \"Moln (USA)\"\nrutinen_galler = \"alltid\"\n\n\
                [[driftform]]\nid = 8\nkalla = \"lokal\"\ndriftleverantor = \"Extern\"\nsupport = \"Leverantör i EU\"\nserverplacering = \"Moln (Norden)\"\ninom_eu_ees = true\nrutinen_galler = \"alltid\"\n";
    let niva = policy.find("\n[[niva]]").unwrap();
    p.write("content/policy.toml", &format!("{}{egna}{}", &policy[..niva], &policy[niva..]));
    p.write("content/bedomningar/usa.toml", &plats(7));
    p.write("content/bedomningar/norden.toml", &plats(8));
    let run = p.check(&[]);
    run.ok();
    assert_eq!(run.stderr.matches("location-outside-eu-ees").count(), 3, "{}", run.stderr);
    assert!(!om_bedomningar(&run.stderr).contains("usa.toml"), "{}", run.stderr);
    run.stderr_has("warning[location-outside-eu-ees]: driftform 8 lovar servrar inom EU/EES (serverplacering ”Moln (Norden)”), men leverantören Schema AB är registrerad i Storbritannien (GB), utanför EU/EES");
    p.build().ok();
    assert!(p.output("bedomningar/usa/index.html").contains("Moln (USA)"));

    // A driftform that promises the EU/EEA needs the list to compare with.
    let utan = std::fs::read_to_string(p.path().join("content/policy.toml")).unwrap();
    let start = utan.find("eu_ees_lander = [").unwrap();
    let slut = start + utan[start..].find(']').unwrap() + 1;
    p.write("content/policy.toml", &format!("{}{}", &utan[..start], &utan[slut..]));
    p.check(&[])
        .code(1)
        .stderr_has("error[missing-key]: driftform 4 lovar servrar inom EU/EES, men `regler.eu_ees_lander` är tom");
}

#[test]
fn a_central_component_without_an_exception_is_named_with_the_policys_sentence() {
    let record = BASE.edit(
        "[driftform]",
        "[central_komponent]\nkomponent = \"integrationsplattform\"\nundantag = \"\"\n\n[driftform]",
    );
    let p = project(&[("central.toml", &record)]);
    let run = p.check(&[]);
    run.code(1);
    assert_eq!(
        om_bedomningar(&run.stderr),
        "error[missing-exception]: Integrationsplattform är en central komponent, och policyn säger: ”Centrala komponenter i vår IT-miljö behöver hanteras lokalt och där ska lokal drift användas i första hand.” En bedömning av den kräver ett uttalat undantag
   ┌─ content/bedomningar/central.toml:18:12
   │
18 │ undantag = \"\"
   │            ^^ tomt undantag
   │
   = skriv i `undantag` varför lokal drift inte räcker här och hur undantaget avgränsas

"
    );
}
