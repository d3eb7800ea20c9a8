//! `molnkoll build` on fixture projects: the real binary, then the HTML it wrote.

use std::fs;

use crate::common::{BASE, Edit, files, project, repo};

#[test]
fn the_assessment_page_explains_level_measures_and_links_terms() {
    let p = project(&[("tjanst.toml", BASE)]);
    p.build().ok();
    let html = p.output("bedomningar/tjanst/index.html");
    assert!(html.contains("<html lang=\"sv\">"));
    // The governing level, and which set and aspect set it.
    assert!(html.contains("Styrande nivå: <strong>2 – Betydande</strong>"), "{html}");
    assert!(
        html.contains("informationsmängden <strong>Scheman</strong>, aspekten <strong>Riktighet</strong>"),
        "{html}"
    );
    // Every measure with a status and a reason.
    assert!(html.contains("MK-2-CERTIFIERING"));
    assert!(html.contains("status-uppfylld"));
    assert!(
        html.contains("status-ej-tillamplig\">Ej tillämplig</span></td><td>Gäller bara vid USA-koppling"),
        "{html}"
    );
    // A glossary term in an answer links to its definition.
    assert!(html.contains("<a class=\"begrepp\" href=\"../../begrepp.html#saas\""), "{html}");
    let begrepp = p.output("begrepp.html");
    assert!(begrepp.contains("<dt id=\"saas\">SaaS</dt>"));
}

#[test]
fn policy_pages_come_from_the_policy_source() {
    let p = project(&[("tjanst.toml", BASE)]);
    p.build().ok();
    let table = p.output("atgardstabell.html");
    for text in
        ["Molntjänst är ej tillåten.", "Kvarhållandeprincip", "SSAE 18 SOC 2", "CSA STAR", "Tabellen är kumulativ"]
    {
        assert!(table.contains(text), "{text}");
    }
    let driftformer = p.output("driftformer.html");
    assert!(driftformer.contains("Om: Leverantören kan ta databaskopior"));
    assert!(p.output("fragor.html").contains("Hur ska användare få support när tjänsten är etablerad?"));
    assert!(p.output("tillganglighet.html").contains("informationssakerhet@sml-it.example"));
}

#[test]
fn toml_strings_and_markdown_are_inert_in_html() {
    let payload = r#"<script>alert(1)</script><img src=x onerror=alert(2)>"#;
    let hostile = BASE
        .edit("Schemaläggning för hemtjänsten.", payload)
        .edit("namn = \"Schema AB\"", &format!("namn = {:?}", format!("Schema AB {payload}")))
        .edit(
            "1a = \"Ja.\"",
            "1a = \"[klicka](javascript:alert(3)) <script>alert(4)</script> <a href=\\\"data:text/html,x\\\">d</a>\"",
        )
        .edit("motivering = \"Risken är acceptabel.\"", &format!("motivering = {payload:?}"));
    let p = project(&[("tjanst.toml", &hostile)]);
    p.build().ok();
    for (name, bytes) in files(&p.path().join("output")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("<script>alert"), "{name} has a live script");
        assert!(!text.contains("<img src=x"), "{name} has a live image");
        assert!(!text.contains("href=\"javascript:"), "{name} has a javascript: link");
        assert!(!text.contains("href=\"data:"), "{name} has a data: link");
    }
    let page = p.output("bedomningar/tjanst/index.html");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"), "escaped, still readable");
}

#[test]
fn two_builds_give_byte_identical_trees() {
    let p = project(&[("tjanst.toml", BASE), ("annan.toml", &BASE.edit("Schemaläggning", "Annan tjänst"))]);
    p.build().ok();
    let first = files(&p.path().join("output"));
    p.build().ok();
    assert_eq!(first, files(&p.path().join("output")));
}

#[test]
fn a_failed_build_leaves_the_previous_site_intact() {
    let p = project(&[("tjanst.toml", BASE)]);
    p.build().ok();
    let before = files(&p.path().join("output"));
    p.edit("content/bedomningar/tjanst.toml", "id = 4", "id = 9");
    p.build().code(1).stderr_has("unknown-driftform").stderr_has("inget skrevs");
    assert_eq!(before, files(&p.path().join("output")));
}

#[test]
fn build_refuses_to_replace_a_folder_it_did_not_create() {
    let p = project(&[("tjanst.toml", BASE)]);
    fs::create_dir_all(p.path().join("output")).unwrap();
    fs::write(p.path().join("output/viktigt.docx"), "behåll").unwrap();
    p.build().fails().stderr_has(".molnkoll-output");
    assert_eq!(fs::read_to_string(p.path().join("output/viktigt.docx")).unwrap(), "behåll");
}

#[test]
fn every_link_is_relative_and_nothing_is_external() {
    let p = project(&[("tjanst.toml", BASE)]);
    p.build().ok();
    // The one exception: an address the policy gives a measure (`lank`, checked to be
    // https), as a plain link the reader follows, never loaded by the page.
    let lank = "https:&#x2F;&#x2F;www.dataprivacyframework.gov&#x2F;s&#x2F;participant-search";
    let mut external = 0;
    for (name, bytes) in files(&p.path().join("output")) {
        if !name.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for part in html.split(attr).skip(1) {
                let url = part.split('"').next().unwrap();
                if attr == "href=\"" && url == lank {
                    assert!(part.starts_with(&format!("{lank}\" rel=\"external noreferrer\">")), "{name}: {part}");
                    external += 1;
                    continue;
                }
                assert!(!url.starts_with('/') && !url.starts_with("http"), "{name}: {url}");
            }
        }
    }
    assert_eq!(external, 1, "the DPF list is linked from the action table");
}

#[test]
fn the_register_has_prerendered_views_and_the_search_index_covers_terms() {
    let p = project(&[("tjanst.toml", BASE)]);
    p.build().ok();
    for view in [
        "register/index.html",
        "register/niva.html",
        "register/granskning.html",
        "register/godkand.html",
        "register/driftform-4.html",
    ] {
        assert!(p.output(view).contains("Schemaläggning"), "{view}");
    }
    assert!(!p.output("register/blockerad.html").contains("Schemaläggning"));
    let index = p.output("assets/sokindex.js");
    assert!(index.starts_with("window.MOLNKOLL_SOKINDEX = ["));
    for needle in ["\"Schemaläggning\"", "\"Schema AB\"", "\"Hybridmoln\"", "begrepp.html#saas"] {
        assert!(index.contains(needle), "{needle}");
    }
}

#[test]
fn content_pages_carry_their_document_metadata() {
    let p = project(&[("tjanst.toml", BASE)]);
    fs::copy(repo().join("content/sidor/riktlinje.md"), p.path().join("content/sidor/riktlinje.md")).unwrap();
    p.build().ok();
    let html = p.output("sidor/riktlinje.html");
    assert!(html.contains("<dt>Fastställd av</dt><dd>Kommundirektören</dd>"), "{html}");
    assert!(html.contains("<dt>Dokumentet gäller från</dt><dd>2022-06-27</dd>"));
    assert!(p.output("index.html").contains("sidor/riktlinje.html"));
}

#[test]
fn the_calendar_feed_lists_reviews_expiries_and_dpf_rechecks() {
    let us = BASE.edit("land = \"SE\"", "land = \"US\"").edit(
        "[aterstallning]",
        "[[dpf]]\norganisation = \"Schema AB\"\nlistad = true\nramverk = [\"EU-U.S. DPF\"]\nkontrollerad = 2026-10-01\n\n[aterstallning]",
    );
    let p = project(&[("tjanst.toml", &us)]);
    p.build().ok();
    let ics = p.output("bevakning.ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"), "{ics}");
    assert!(ics.lines().all(|l| l.len() <= 75), "lines are folded at 75 octets: {ics}");
    let events: Vec<&str> = ics.split("BEGIN:VEVENT").skip(1).collect();
    assert_eq!(events.len(), 3, "{ics}");
    // Sorted by date: the review, the DPF re-check a year after the check, the certificate.
    let want = [
        ("tjanst-granskning@molnkoll", "20270201", "20270202", "SUMMARY:Granska bedömningen: Schemaläggning"),
        (
            "tjanst-dpf-0@molnkoll",
            "20271001",
            "20271002",
            "SUMMARY:Kontrollera DPF-listning: Schema AB\\, Schemaläggning",
        ),
        (
            "tjanst-certifikat-0@molnkoll",
            "20270630",
            "20270701",
            "SUMMARY:Certifikat går ut: ISO27001\\, Schemaläggning",
        ),
    ];
    let mut sorted = want.to_vec();
    sorted.sort_by_key(|w| w.1);
    for (event, (uid, start, end, summary)) in events.iter().zip(sorted) {
        assert!(event.contains(&format!("UID:{uid}\r\n")), "{event}");
        assert!(event.contains(&format!("DTSTART;VALUE=DATE:{start}\r\n")), "{event}");
        assert!(event.contains(&format!("DTEND;VALUE=DATE:{end}\r\n")), "{event}");
        assert!(event.contains(summary), "{event}");
        // No clock: the stamp is the event's own date.
        assert!(event.contains(&format!("DTSTAMP:{start}T000000Z")), "{event}");
    }
    assert!(p.output("index.html").contains("href=\"bevakning.ics\""));
}
