//! The body of each fuzz target, with what it asserts. tests/testsuite/fuzz_regressions.rs includes
//! this file too and runs every saved crash input through the same body, so each crash
//! found stays a test in `cargo test`.

#![allow(dead_code)] // each includer uses its own part of this

use std::sync::LazyLock;

use molnkoll::Checked;
use molnkoll::load::Content;
use molnkoll::markdown::{Glossary, Term, blocks, render, render_page};
use molnkoll::model::Datum;

pub(super) const POLICY: &[u8] = include_bytes!("../../content/policy.toml");
pub(super) const BEDOMNING: &[u8] = include_bytes!("../../content/bedomningar/microsoft-365.toml");
pub(super) const NAME: &str = "content/bedomningar/fuzz.toml";

fn today() -> Datum {
    Datum::new(2026, 11, 23).expect("a valid date")
}

/// An assessment file's bytes, through the same stages as `molnkoll check`, against the
/// shipped policy.
pub(super) fn bedomning(data: &[u8]) {
    // The policy is the same every run: load it once, as a project holds it while its
    // assessments are read.
    static LOADED: LazyLock<Content> = LazyLock::new(|| molnkoll::load::from_bytes(POLICY, &[]));
    let mut content = LOADED.clone();
    content.add_bedomning(NAME, data);
    let checked = molnkoll::check_content(content, today());
    assert_diagnostics_located(&checked);
    assert!(checked.items.len() <= 1);
    // A file without errors is always derived, and the shipped policy has none.
    if checked.errors() == 0 {
        assert_eq!(checked.items.len(), 1);
        assert_eq!(checked.items[0].file, NAME);
    }
    // "Changed since the decision" compares a committed version with the file now.
    if let Ok(text) = std::str::from_utf8(data) {
        let base = std::str::from_utf8(BEDOMNING).expect("UTF-8");
        molnkoll::historik::skillnader(base, text);
        molnkoll::historik::skillnader(text, base);
    }
}

/// The policy source's bytes, with a shipped assessment judged by it.
pub(super) fn policy(data: &[u8]) {
    let checked = molnkoll::check_content(molnkoll::load::from_bytes(data, &[(NAME, BEDOMNING)]), today());
    assert_diagnostics_located(&checked);
    if let Some(policy) = &checked.policy {
        // The schema for editors is built from whatever the policy allows.
        molnkoll::schema::bedomning(policy);
    }
}

/// Untrusted Markdown through the renderer and sanitiser the site uses, with what
/// src/markdown.rs promises checked on every output: no scripts, no event handlers, no
/// links or images that run code, ids that cannot clash with the page's own.
pub(super) fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let terms = [
        Term { id: "saas".into(), spellings: vec!["SaaS".into(), "programvara som tjänst".into()] },
        Term { id: "molntjanst".into(), spellings: vec!["molntjänst".into(), "molntjänster".into()] },
        Term { id: "k".into(), spellings: vec!["K".into()] },
    ];
    let glossary = Glossary { terms: &terms, prefix: "../../" };
    assert_safe(&render(&text, Some(&glossary)), &text);
    assert_safe(&render(&text, None), &text);
    assert_safe(&render_page(&text), &text);
    // The PDFs get plain text; it is escaped for Typst later, so only panics matter here.
    blocks(&text);
}

/// Every diagnostic points into its own file on character boundaries, so that
/// file:line:column is right, and renders with its source line quoted.
fn assert_diagnostics_located(checked: &Checked) {
    for d in &checked.diagnostics {
        let text = checked.sources.text(d.file);
        assert_ne!(checked.sources.name(d.file), "?", "{}: unknown file id {}", d.code, d.file);
        if let Some(span) = &d.span {
            assert!(span.start <= span.end && span.end <= text.len(), "{}: span {span:?} outside the file", d.code);
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{}: span {span:?} splits a character",
                d.code
            );
        }
    }
    let rendered = checked.render();
    assert!(!rendered.contains("kunde inte visa källtexten"), "{rendered}");
}

#[rustfmt::skip]
const FORBIDDEN_TAGS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "option", "link", "meta", "base", "svg", "math", "template", "noscript", "audio",
    "video", "source", "track", "portal", "xmp", "plaintext", "noembed", "title", "html", "head", "body",
];
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "background",
    "poster",
    "longdesc",
    "srcset",
    "data",
    "xlink:href",
];

fn assert_safe(html: &str, input: &str) {
    let fail = |why: String| -> ! { panic!("{why}\ninput: {input:?}\noutput: {html}") };
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('/') {
            let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if name.is_empty() || !after[name.len()..].starts_with('>') {
                fail(format!("malformed end tag at {:?}", &rest[..rest.len().min(20)]));
            }
            continue;
        }
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if name.is_empty() {
            fail(format!(
                "`<` that starts no tag (comment, CDATA or processing instruction?) at {:?}",
                &rest[..rest.len().min(20)]
            ));
        }
        if FORBIDDEN_TAGS.contains(&name.to_ascii_lowercase().as_str()) {
            fail(format!("forbidden tag <{name}>"));
        }
        rest = &rest[name.len()..];
        let mut href = false;
        let mut rel = None;
        // Attributes as html5ever writes them: ` name="value"`, `"` and `&` escaped inside.
        loop {
            if let Some(r) = rest.strip_prefix('>') {
                rest = r;
                break;
            }
            let Some(r) = rest.strip_prefix(' ') else {
                fail(format!("unexpected text in <{name}>: {:?}", &rest[..rest.len().min(20)]))
            };
            let attr: String = r.chars().take_while(|&c| c != '=' && c != ' ' && c != '>').collect();
            let r = &r[attr.len()..];
            let (value, r) = match r.strip_prefix("=\"") {
                Some(v) => {
                    let end = v.find('"').unwrap_or_else(|| fail(format!("unterminated value of {attr}")));
                    (decode(&v[..end]), &v[end + 1..])
                }
                None => (String::new(), r),
            };
            rest = r;
            let lower = attr.to_ascii_lowercase();
            if lower.starts_with("on") || lower == "style" || lower == "srcdoc" {
                fail(format!("attribute {attr} on <{name}>"));
            }
            if URL_ATTRIBUTES.contains(&lower.as_str())
                && let Some(scheme) = scheme(&value)
                && !matches!(scheme.as_str(), "http" | "https" | "mailto")
            {
                fail(format!("{attr}=\"{value}\" on <{name}> has scheme {scheme}"));
            }
            if lower == "id" && !value.starts_with("md-") {
                fail(format!("id {value:?} without the md- prefix"));
            }
            // ammonia leaves an empty `class` when it drops every class; that styles nothing.
            if lower == "class" && (name != "a" || value.split_whitespace().any(|c| c != "begrepp")) {
                fail(format!("class {value:?} on <{name}>"));
            }
            href |= lower == "href";
            if lower == "rel" {
                rel = Some(value);
            }
        }
        if name == "a" && href && rel.as_deref() != Some("noopener noreferrer") {
            fail(format!("link without rel=\"noopener noreferrer\": {rel:?}"));
        }
    }
}

/// The entities html5ever writes in an attribute value.
fn decode(value: &str) -> String {
    value.replace("&quot;", "\"").replace("&nbsp;", "\u{a0}").replace("&amp;", "&")
}

/// A URL's scheme as a browser reads it (WHATWG URL): leading blanks and control
/// characters and every tab and newline ignored, case folded. `None` when what precedes
/// the first `:` is no valid scheme: the browser then takes the URL as relative.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String =
        url.trim_start_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}
