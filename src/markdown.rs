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

/// One block of flattened Markdown for the PDFs: plain text and its kind, never markup.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Block {
    /// `stycke`, `rubrik`, `punkt`, `numrerad`, `kod` or `citat`.
    pub typ: &'static str,
    pub text: String,
    /// The item's number, for `numrerad`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nummer: Option<u64>,
    /// A heading's `{#id}`: where the printed policy puts the section the policy source holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Flattens Markdown to blocks of plain text. Raw HTML is kept as literal text, a link
/// to another site keeps its address in brackets, and an image becomes its alt text: the PDF shows what
/// was written and loads nothing.
pub fn blocks(markdown: &str) -> Vec<Block> {
    flatten(markdown, false)
}

/// Like [`blocks`], for a content page on paper: a paragraph that links into the site is
/// web navigation, and paper has no site, so it is left out.
pub fn print_blocks(markdown: &str) -> Vec<Block> {
    flatten(markdown, true)
}

fn flatten(markdown: &str, drop_site_links: bool) -> Vec<Block> {
    let mut out = Vec::new();
    let mut site_link = false;
    let mut heading_id: Option<String> = None;
    let mut text = String::new();
    // Per open list: the next number, or None for a bullet list.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut kind: Vec<&'static str> = Vec::new();
    let mut item_number: Option<u64> = None;
    let mut link_dest: Vec<String> = Vec::new();
    let flush = |out: &mut Vec<Block>, text: &mut String, typ: &'static str, nummer: Option<u64>| {
        let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            out.push(Block { typ, text: t, nummer, id: None });
        }
        text.clear();
    };
    let current = |kind: &[&'static str]| kind.last().copied().unwrap_or("stycke");
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                heading_id = id.map(|i| i.to_string());
                kind.push("rubrik");
            }
            Event::Start(Tag::Paragraph) => site_link = false,
            Event::End(TagEnd::Paragraph) if drop_site_links && std::mem::take(&mut site_link) => text.clear(),
            Event::Start(Tag::BlockQuote(_)) => kind.push("citat"),
            Event::Start(Tag::CodeBlock(_)) => kind.push("kod"),
            Event::Start(Tag::List(start)) => {
                flush(&mut out, &mut text, current(&kind), item_number);
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut out, &mut text, current(&kind), item_number);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut out, &mut text, current(&kind), item_number);
                let next = lists.last_mut().and_then(|n| n.as_mut());
                item_number = next.map(|n| {
                    *n += 1;
                    *n - 1
                });
                kind.push(if item_number.is_some() { "numrerad" } else { "punkt" });
            }
            Event::End(TagEnd::Item) => {
                flush(&mut out, &mut text, current(&kind), item_number);
                kind.pop();
                item_number = None;
            }
            Event::End(TagEnd::Heading(_)) => {
                let before = out.len();
                flush(&mut out, &mut text, current(&kind), item_number);
                if let Some(b) = out.get_mut(before) {
                    b.id = heading_id.take();
                }
                kind.pop();
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::CodeBlock) => {
                flush(&mut out, &mut text, current(&kind), item_number);
                kind.pop();
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableRow | TagEnd::TableHead) => {
                flush(&mut out, &mut text, current(&kind), item_number)
            }
            Event::End(TagEnd::TableCell) => text.push_str(" | "),
            Event::Start(Tag::Link { dest_url, .. }) => {
                site_link |= !dest_url.contains(':');
                link_dest.push(dest_url.to_string());
            }
            Event::End(TagEnd::Link) => {
                // A relative link points into the site and means nothing on paper.
                let absolute = |d: &String| d.contains(':') && !text.ends_with(d.as_str());
                if let Some(dest) = link_dest.pop().filter(absolute) {
                    text.push_str(&format!(" ({dest})"));
                }
            }
            Event::Start(Tag::Image { .. }) => text.push_str("[bild: "),
            Event::End(TagEnd::Image) => text.push(']'),
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    flush(&mut out, &mut text, current(&kind), item_number);
    out
}

/// Renders trusted Markdown from the project's own content pages; still sanitised,
/// because content is edited by many hands.
pub fn render_page(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES);
    let mut out = String::new();
    html::push_html(&mut out, parser);
    // A page marks a local addition with `*(lokalt tillägg)*`; on the web it gets the same
    // quiet label as the policy's own local texts.
    let out = out.replace("<em>(lokalt tillägg)</em>", "<span class=\"lokalt\">lokalt tillägg</span>");
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

/// Built once: a build sanitises every Markdown field of every assessment, and making
/// the builder anew each time was 5 % of the HTML phase.
static SANITIZER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    // Only relative and ordinary web links; `javascript:` and `data:` never pass.
    b.url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .add_generic_attributes(["id"])
        .add_allowed_classes("a", ["begrepp"])
        .add_allowed_classes("span", ["lokalt"])
        .id_prefix(Some("md-"));
    b
});

fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
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

    #[test]
    fn blocks_flatten_markdown_to_plain_text_by_kind() {
        let b = blocks(
            "## Rubrik\n\nEtt *stycke* med [länk](https://example.org) och [sida](../steg.html).\n\n- ett\n- två\n\n3. tre\n4. fyra\n\n<b>rå</b>",
        );
        let got: Vec<(&str, &str, Option<u64>)> = b.iter().map(|b| (b.typ, b.text.as_str(), b.nummer)).collect();
        assert_eq!(
            got,
            [
                ("rubrik", "Rubrik", None),
                ("stycke", "Ett stycke med länk (https://example.org) och sida.", None),
                ("punkt", "ett", None),
                ("punkt", "två", None),
                ("numrerad", "tre", Some(3)),
                ("numrerad", "fyra", Some(4)),
                ("stycke", "<b>rå</b>", None),
            ]
        );
    }
}
