//! Keys: a hash of everything an output or an intermediate result is made from. The
//! incremental build ([`crate::cache`]) and `serve`'s memo ([`crate::memo`]) find earlier
//! work by them, so what goes into each key is written here, in one place.

use std::hash::Hasher as _;

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::model::{Datum, Policy};

/// A 128-bit hash: collisions are not a practical concern, and it is cheap to compare.
pub type Key = u128;

/// Feeds the parts of a key one by one. Each part is length-prefixed, so `("ab", "c")`
/// and `("a", "bc")` give different keys.
#[derive(Clone)]
pub struct KeyBuilder(SipHasher13);

impl KeyBuilder {
    /// Starts a key in a domain (`"pdf"`, `"html"`, `"bytes"`), so that two kinds of
    /// output never share one.
    pub fn new(domain: &str) -> Self {
        // Fixed keys: the same input must give the same key in every process.
        let mut k = KeyBuilder(SipHasher13::new_with_keys(0x6d6f_6c6e_6b6f_6c6c, 0x6361_6368_6520_7631));
        k.part(env!("CARGO_PKG_VERSION").as_bytes()).part(domain.as_bytes());
        k
    }

    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write_u64(bytes.len() as u64);
        self.0.write(bytes);
        self
    }

    pub fn key(&self, key: Key) -> Self {
        let mut k = self.clone();
        k.part(&key.to_le_bytes());
        k
    }

    pub fn finish(&self) -> Key {
        self.0.clone().finish128().as_u128()
    }
}

/// This program, as far as a file made from input keys needs to know: the code that turns
/// an assessment into a page or a document's data is not in those keys, so a rebuilt
/// molnkoll (same version, other code) must not reuse what another one made. A hash of the
/// Rust sources, made by `build.rs`.
#[cfg(feature = "full")]
pub fn build_id() -> Key {
    KeyBuilder::new("build").part(env!("MOLNKOLL_BUILD_ID").as_bytes()).finish()
}

/// The versions of one assessment's file, newest first, as (commit, blob id): which of
/// them recorded the decision is kept by this key in the history's memory.
pub(crate) fn versioner<'a>(versions: impl Iterator<Item = (&'a str, &'a [u8])>) -> Key {
    let mut k = KeyBuilder::new("versioner");
    for (commit, blob) in versions {
        k.part(commit.as_bytes()).part(blob);
    }
    k.finish()
}

/// The key of a file that has no inputs of its own to hash: its bytes. Also the hash that
/// proves a reused output unchanged, so a one-edit build hashes every output it keeps
/// (137 MB for 1,000 assessments): XXH3, at many times SipHash's speed. No key here needs
/// to resist an attacker: one who can change the output can change its manifest too.
pub fn content_key(bytes: &[u8]) -> Key {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// One assessment's parse: its file id, name and text, and where its bytes stopped being
/// UTF-8.
pub(crate) fn parse(file: u64, name: &str, text: &str, bad_utf8: Option<usize>) -> Key {
    let mut key = KeyBuilder::new("parse");
    key.part(&file.to_le_bytes()).part(name.as_bytes()).part(text.as_bytes());
    key.part(&bad_utf8.map_or(u64::MAX, |b| b as u64).to_le_bytes());
    key.finish()
}

/// What every assessment's judgement depends on besides the file itself: the policy's
/// text, whether it was valid, and the day.
pub(crate) fn judge_base(policy_text: &str, policy_ok: bool, today: Datum) -> KeyBuilder {
    let mut base = KeyBuilder::new("judge");
    base.part(policy_text.as_bytes()).part(&[u8::from(policy_ok)]);
    base.part(today.to_string().as_bytes());
    base
}

/// One assessment's judgement: `base`, the file's name and text, and all of its history.
/// The history is hashed, not formatted: a decided version's text is a whole file.
pub(crate) fn judge(base: &KeyBuilder, name: &str, text: &str, history: &impl std::hash::Hash) -> Key {
    let mut key = base.clone();
    key.part(name.as_bytes()).part(text.as_bytes());
    history.hash(&mut key.0);
    key.finish()
}

/// What every page and PDF depends on: the policy, so any change to it rebuilds them
/// all, and the profile, so an internal page is never reused in an open extract.
pub(crate) fn site(policy: &Policy, open: bool) -> KeyBuilder {
    let mut base = KeyBuilder::new("site");
    base.part(&serde_json::to_vec(policy).expect("the policy serialises"));
    base.part(if open { b"oppen" } else { b"intern" });
    base
}

/// The keys of the site's pages, so that the HTML renderer only formats.
#[cfg(feature = "full")]
pub struct PageKeys {
    /// What every page depends on: the tool, the policy, the templates.
    base: KeyBuilder,
    /// `base`, and what else a page made from one assessment depends on besides the
    /// assessment itself: the program that builds its view, the day, where history came
    /// from, the content pages in the menu.
    item_base: KeyBuilder,
}

#[cfg(feature = "full")]
impl PageKeys {
    /// `site` is [`site`]'s key; `templates` the page templates' fingerprint; `historik`
    /// where the history came from, in its debug form; `sidor` each content page's slug
    /// and title.
    pub fn new(site: &KeyBuilder, templates: Key, today: Datum, historik: &str, sidor: &[(&str, &str)]) -> Self {
        let mut base = site.key(templates);
        base.part(b"html");
        let mut item_base = base.clone();
        item_base.part(&build_id().to_le_bytes()).part(today.to_string().as_bytes()).part(historik.as_bytes());
        for (slug, titel) in sidor {
            item_base.part(slug.as_bytes()).part(titel.as_bytes());
        }
        PageKeys { base, item_base }
    }

    /// A page: its path, template and whole context, serialised.
    pub fn page(&self, path: &str, template: &str, context: &[u8]) -> Key {
        self.base.clone().part(path.as_bytes()).part(template.as_bytes()).part(context).finish()
    }

    /// A page that lists rows: its path, template, its context without the rows, and each
    /// row serialised, in the page's order.
    pub fn list_page(&self, path: &str, template: &str, frame: &[u8], rows: &[&[u8]]) -> Key {
        let mut key = self.base.clone();
        key.part(path.as_bytes()).part(template.as_bytes()).part(b"rader").part(frame);
        key.part(&(rows.len() as u64).to_le_bytes());
        for row in rows {
            key.part(row);
        }
        key.finish()
    }

    /// What a page made from one assessment (its judgement's key `item`) is made from,
    /// found without making its context: `parts` are the page's path, template, title and
    /// whatever else it shows that is not in the assessment.
    pub fn item_page(&self, item: Key, parts: &[&str]) -> Key {
        let mut input = self.item_base.key(item);
        for part in parts {
            input.part(part.as_bytes());
        }
        input.finish()
    }
}

/// The keys of the typeset documents, so that the PDF renderer only typesets.
#[cfg(feature = "full")]
pub struct DocKeys {
    /// What every document depends on: the tool, the policy, the templates.
    base: KeyBuilder,
}

#[cfg(feature = "full")]
impl DocKeys {
    /// `site` is [`site`]'s key, `templates` the Typst templates' fingerprint.
    pub fn new(site: &KeyBuilder, templates: Key) -> Self {
        let mut base = site.key(templates);
        base.part(b"pdf");
        DocKeys { base }
    }

    /// A document: its path, template, date and data, serialised.
    pub fn document(&self, path: &str, template: &str, date: Datum, data: &[u8]) -> Key {
        let mut key = self.base.clone();
        key.part(path.as_bytes()).part(template.as_bytes()).part(date.to_string().as_bytes()).part(data);
        key.finish()
    }

    /// What a document made from one assessment (its judgement's key `item`) is made
    /// from, found without making its data.
    pub fn item_document(&self, item: Key, path: &str, template: &str, date: Datum) -> Key {
        let mut input = self.base.key(item);
        input.part(&build_id().to_le_bytes());
        input.part(path.as_bytes()).part(template.as_bytes()).part(date.to_string().as_bytes());
        input.finish()
    }
}

/// A file made from one assessment alone, by code rather than a template (the kravbilaga
/// as DOCX, the svarsbilaga): the site, the program, the assessment's judgement `item`,
/// the file's path and its date.
#[cfg(feature = "full")]
pub(crate) fn item_file(site: &KeyBuilder, item: Key, path: &str, date: Datum) -> Key {
    let mut input = site.key(item);
    input.part(&build_id().to_le_bytes()).part(b"file").part(path.as_bytes()).part(date.to_string().as_bytes());
    input.finish()
}

/// The pages every kravbilaga shares ([`crate::pdf`]'s appendices): the templates, and
/// the policy's tables they show, serialised.
#[cfg(feature = "full")]
pub(crate) fn bilagor(templates: Key, data: &[u8]) -> Key {
    let mut key = KeyBuilder::new("bilagor").key(templates);
    key.part(data);
    key.finish()
}

/// The review calendar, found by its name and its events' dates, ids, titles and texts.
#[cfg(feature = "full")]
pub(crate) fn calendar<'a>(file: &str, name: &str, events: impl Iterator<Item = [&'a [u8]; 4]>) -> Key {
    let mut input = KeyBuilder::new(file);
    input.part(&build_id().to_le_bytes()).part(name.as_bytes());
    for parts in events {
        for part in parts {
            input.part(part);
        }
    }
    input.finish()
}
