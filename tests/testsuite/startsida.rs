//! The start page says what needs doing, most urgent first and who must act; the register
//! has a page per municipality and company, a "Används av" column and overdue reviews
//! marked in words; the glossary's banned words appear in no template and no built page.

use std::collections::BTreeSet;
use std::fs;

use crate::common::{BASE, Edit, Project, TODAY, molnkoll, paths, project, repo};

/// The shipped content: the policy, every assessment and every content page.
fn shipped() -> Project {
    let p = Project::new();
    for dir in ["bedomningar", "sidor"] {
        for entry in fs::read_dir(repo().join("content").join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap();
            p.write(&format!("content/{dir}/{name}"), &fs::read_to_string(&path).unwrap());
        }
    }
    p
}

/// The service names in a register page's rows, in order.
fn row_names(html: &str) -> Vec<String> {
    html.split("<td><a href=\"")
        .skip(1)
        .filter(|rest| rest[..rest.find('"').unwrap()].contains("bedomningar/"))
        .map(|rest| {
            let name = &rest[rest.find('>').unwrap() + 1..];
            name[..name.find("</a>").unwrap()].to_owned()
        })
        .collect()
}

/// The folder name the register gives an organisation: the slug rules in the README.
fn slug(name: &str) -> String {
    let folded = name.to_lowercase().replace(['å', 'ä'], "a").replace('ö', "o");
    folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

#[test]
fn every_municipality_and_company_has_a_register_of_the_services_it_uses() {
    let p = shipped();
    p.build().ok();
    let policy: toml::Value = toml::from_str(&p.output("../content/policy.toml")).unwrap();
    let org = &policy["organisation"];
    let names: Vec<&str> =
        ["kommuner", "bolag"].iter().flat_map(|k| org[k].as_array().unwrap()).map(|v| v.as_str().unwrap()).collect();
    assert_eq!(names.len(), 6, "three municipalities and three companies in the shipped policy");
    let records: Vec<toml::Value> = paths(&repo().join("content/bedomningar"), ".toml")
        .iter()
        .map(|f| toml::from_str(&fs::read_to_string(repo().join("content/bedomningar").join(f)).unwrap()).unwrap())
        .collect();
    let start = p.output("index.html");
    let register = p.output("register/index.html");
    for name in names {
        let expected: BTreeSet<String> = records
            .iter()
            .filter(|r| r["tjanst"]["anvands_av"].as_array().unwrap().iter().any(|o| o.as_str() == Some(name)))
            .map(|r| r["tjanst"]["namn"].as_str().unwrap().replace('&', "&amp;"))
            .collect();
        assert!(!expected.is_empty(), "{name} uses some shipped service");
        let file = format!("organisation-{}.html", slug(name));
        let page = p.output(&format!("register/{file}"));
        let shown: BTreeSet<String> = row_names(&page).into_iter().collect();
        assert_eq!(shown, expected, "{file}");
        assert!(page.contains(&format!("<h1>Register: tjänster som {name} använder</h1>")), "{file}");
        assert!(start.contains(&format!("<a href=\"register/{file}\">{name}</a></th><td>{}</td>", expected.len())));
        assert!(register.contains(&format!("<a href=\"{file}\">{name}</a>")), "the register links to {file}");
    }
    // Every row says who uses the service.
    assert!(register.contains("<th scope=\"col\">Används av</th>"));
    assert!(register.contains("<li>Lidaryds Vatten AB</li>"));
}

/// Three approved services: one whose review is overdue, one changed into an error
/// (undecided, a question unanswered), one whose review falls due soon. Their names sort
/// the other way round, so that only urgency can give the order.
fn three_services() -> Project {
    let overdue = BASE
        .edit("namn = \"Schemaläggning\"", "namn = \"Zeta\"")
        .edit("nasta_granskning = 2027-02-01", "nasta_granskning = 2026-11-01");
    let error = BASE
        .edit("namn = \"Schemaläggning\"", "namn = \"Mu\"")
        .edit("status = \"godkand\"\n", "")
        .edit("4d = \"Export till CSV.\"\n", "");
    let error = error[..error.find("[beslut]").unwrap()].to_owned();
    let soon = BASE
        .edit("namn = \"Schemaläggning\"", "namn = \"Alfa\"")
        .edit("nasta_granskning = 2027-02-01", "nasta_granskning = 2026-12-15")
        .edit(
            "informationsagare = \"informationsagare\"\n\n[leverantor]",
            "informationsagare = \"it-centerchef\"\n\n[leverantor]",
        );
    project(&[("zeta.toml", &overdue), ("mu.toml", &error), ("alfa.toml", &soon)])
}

#[test]
fn the_start_page_lists_the_most_urgent_first_with_the_role_that_must_act() {
    let p = three_services();
    p.build().ok();
    let page = p.output("index.html");
    let todo = &page[page.find("id=\"h-atgard\"").unwrap()..page.find("id=\"h-lage\"").unwrap()];
    let at = |needle: &str| todo.find(needle).unwrap_or_else(|| panic!("{needle:?} not in:\n{todo}"));
    // Overdue first, then the error, then what is due soon.
    assert!(at(">Zeta</a>") < at(">Mu</a>") && at(">Mu</a>") < at(">Alfa</a>"), "{todo}");
    at("<span class=\"att-urgency\">Försenat</span>");
    at("Informationsägaren behöver granska bedömningen. Den skulle ha granskats senast 2026-11-01.");
    // The error is the routine's work, done by whoever carries it out for a procurement.
    at("Den upphandlande verksamheten behöver komplettera bedömningen. Fråga 4d är inte besvarad.");
    // The role is the service's own information owner, in definite form.
    at("IT-centerchefen behöver granska bedömningen senast 2026-12-15.");
    at("<span class=\"att-urgency\">Inom kort</span>");
    // Before the counts: what needs doing comes first.
    assert!(page.find("id=\"h-atgard\"").unwrap() < page.find("id=\"h-lage\"").unwrap());
}

#[test]
fn an_overdue_review_is_marked_in_words_in_the_register() {
    let p = three_services();
    p.build().ok();
    let register = p.output("register/index.html");
    let row = |name: &str| {
        let at = register.find(&format!(">{name}</a>")).unwrap();
        register[at..at + register[at..].find("</tr>").unwrap()].to_owned()
    };
    assert!(
        row("Zeta").contains("2026-11-01 <strong class=\"badge badge-forsenad\">försenad</strong>"),
        "{}",
        row("Zeta")
    );
    assert!(!row("Alfa").contains("försenad"), "{}", row("Alfa"));
}

/// The banned words of docs/ordlista.md, one per line between its markers.
fn banned() -> Vec<String> {
    let text = fs::read_to_string(repo().join("docs/ordlista.md")).unwrap();
    let list = &text[text.find("<!-- förbjudna ord -->").unwrap()..text.find("<!-- slut -->").unwrap()];
    let words: Vec<String> = list.lines().filter_map(|l| l.strip_prefix("- ")).map(str::to_owned).collect();
    assert!(words.len() >= 5, "{words:?}");
    words
}

#[test]
fn no_banned_word_of_the_glossary_is_in_a_template_or_a_built_page() {
    let words = banned();
    let mut texts = Vec::new();
    for ext in [".html", ".typ"] {
        for name in paths(&repo().join("templates"), ext) {
            let text = fs::read_to_string(repo().join("templates").join(&name)).unwrap();
            texts.push((format!("templates/{name}"), text));
        }
    }
    let p = shipped();
    molnkoll(p.path(), &["build", "--today", TODAY]).ok();
    let pages = paths(&p.path().join("output"), ".html");
    assert!(pages.len() > 40, "{pages:?}");
    for name in pages {
        texts.push((format!("output/{name}"), p.output(&name)));
    }
    // What is printed and what is exported, as a reader gets it.
    let pdfs = paths(&p.path().join("output"), ".pdf");
    assert!(pdfs.len() > 10, "{pdfs:?}");
    for name in pdfs {
        texts.push((format!("output/{name}"), crate::common::pdf_text(&p.path().join("output").join(&name))));
    }
    texts.push(("output/bevakning.ics".into(), p.output("bevakning.ics")));
    let csv = molnkoll(p.path(), &["export", "--format", "csv", "--today", TODAY]);
    csv.ok();
    texts.push(("export csv".into(), csv.stdout.clone()));
    let found: Vec<String> = texts
        .iter()
        .flat_map(|(name, text)| {
            words.iter().filter(|w| text.contains(w.as_str())).map(move |w| format!("{name}: {w}"))
        })
        .collect();
    assert!(found.is_empty(), "banned words (docs/ordlista.md):\n{}", found.join("\n"));
}

#[test]
fn the_banned_word_check_can_fail() {
    let words = banned();
    let p = project(&[("tjanst.toml", BASE)]);
    p.write(
        "templates/roller.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Utlösare</h1>{% endblock content %}",
    );
    p.build().ok();
    assert!(words.iter().any(|w| p.output("roller.html").contains(w.as_str())));
}
