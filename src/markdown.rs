//! Markdown from assessments and content pages, rendered and sanitised.
//!
//! Answers are pasted from suppliers; they are untrusted. pulldown-cmark renders them,
//! glossary terms become links, and ammonia removes everything that is not plain
//! document markup before the HTML reaches a template.

use std::collections::BTreeSet;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// A glossary term to link, with every spelling that should match.
pub struct Term {
    pub id: String,
    pub spellings: Vec<String>,
}

/// Links glossary terms in rendered text: `href` is `{prefix}begrepp.html#{id}`.
pub struct Glossary<'a> {
    pub terms: &'a [Term],
    pub prefix: &'a str,
}

/// Renders untrusted Markdown to safe HTML. Headings are shifted down so an answer
/// never competes with the page's own outline.
pub fn render(markdown: &str, glossary: Option<&Glossary>) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut events: Vec<Event> = Vec::new();
    let mut in_link = 0usize;
    let mut linked = BTreeSet::new();
    for event in parser {
        match event {
            Event::Start(Tag::Link { .. }) => {
                in_link += 1;
                events.push(event);
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                events.push(event);
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                events.push(Event::Start(Tag::Heading { level: shift(level), id, classes, attrs }));
            }
            Event::End(TagEnd::Heading(level)) => events.push(Event::End(TagEnd::Heading(shift(level)))),
            Event::Text(text) if in_link == 0 && glossary.is_some() => {
                link_terms(&text, glossary.expect("checked"), &mut linked, &mut events);
            }
            other => events.push(other),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    sanitize(&out)
}

/// Renders trusted Markdown from the project's own content pages; still sanitised,
/// because content is edited by many hands.
pub fn render_page(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES);
    let mut out = String::new();
    html::push_html(&mut out, parser);
    sanitize(&out)
}

fn shift(level: pulldown_cmark::HeadingLevel) -> pulldown_cmark::HeadingLevel {
    use pulldown_cmark::HeadingLevel::*;
    match level {
        H1 | H2 | H3 => H4,
        H4 => H5,
        _ => H6,
    }
}

fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        // Only relative and ordinary web links; `javascript:` and `data:` never pass.
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .add_generic_attributes(["id"])
        .add_allowed_classes("a", ["begrepp"])
        .id_prefix(Some("md-"))
        .clean(html)
        .to_string()
}

/// Splits `text` at the first occurrence of each not-yet-linked term and emits links.
fn link_terms<'e>(text: &str, glossary: &Glossary, linked: &mut BTreeSet<String>, out: &mut Vec<Event<'e>>) {
    let mut rest = text;
    loop {
        let Some((start, len, id)) = first_term(rest, glossary, linked) else {
            if !rest.is_empty() {
                out.push(Event::Text(CowStr::from(rest.to_owned())));
            }
            return;
        };
        if start > 0 {
            out.push(Event::Text(CowStr::from(rest[..start].to_owned())));
        }
        let href = format!("{}begrepp.html#{}", glossary.prefix, id);
        out.push(Event::Html(CowStr::from(format!("<a class=\"begrepp\" href=\"{}\">", escape_attr(&href)))));
        out.push(Event::Text(CowStr::from(rest[start..start + len].to_owned())));
        out.push(Event::Html(CowStr::from("</a>")));
        linked.insert(id.to_owned());
        rest = &rest[start + len..];
    }
}

/// The earliest whole-word, case-insensitive match of a term not linked yet.
fn first_term<'g>(text: &str, glossary: &'g Glossary, linked: &BTreeSet<String>) -> Option<(usize, usize, &'g str)> {
    let lower = text.to_lowercase();
    // Lowercasing can change byte lengths outside ASCII and åäö; skip such text rather
    // than link at a wrong offset.
    if lower.len() != text.len() {
        return None;
    }
    let mut best: Option<(usize, usize, &str)> = None;
    for term in glossary.terms.iter().filter(|t| !linked.contains(&t.id)) {
        for spelling in &term.spellings {
            let needle = spelling.to_lowercase();
            if needle.is_empty() {
                continue;
            }
            let mut from = 0;
            while let Some(pos) = lower[from..].find(&needle) {
                let start = from + pos;
                let end = start + needle.len();
                let before = lower[..start].chars().next_back();
                let after = lower[end..].chars().next();
                if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
                    let better = match best {
                        None => true,
                        Some((s, l, _)) => start < s || (start == s && needle.len() > l),
                    };
                    if better {
                        best = Some((start, needle.len(), term.id.as_str()));
                    }
                    break;
                }
                from = start + needle.len().max(1);
            }
        }
    }
    best
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_javascript_urls_do_not_survive() {
        let html = render(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](data:text/html,hi)\n\n<img src=x onerror=alert(1)>",
            None,
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
        assert!(!html.contains("href=\"data:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(html.contains(">x</a>") || html.contains("<a rel"), "links keep their text: {html}");
    }

    #[test]
    fn glossary_terms_link_once_and_not_inside_links() {
        let terms = [Term { id: "saas".into(), spellings: vec!["SaaS".into()] }];
        let g = Glossary { terms: &terms, prefix: "../../" };
        let html = render("Tjänsten är SaaS. Det är SaaS igen. [SaaS](https://example.org)", Some(&g));
        assert_eq!(html.matches("begrepp.html#saas").count(), 1, "{html}");
        assert!(html.contains("<a class=\"begrepp\" href=\"../../begrepp.html#saas\""), "{html}");
    }

    #[test]
    fn headings_in_answers_are_demoted() {
        assert!(render("# Rubrik", None).starts_with("<h4>"));
    }
}
