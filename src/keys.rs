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

/// The key of a file that has no inputs of its own to hash: its bytes.
pub fn content_key(bytes: &[u8]) -> Key {
    KeyBuilder::new("bytes").part(bytes).finish()
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

/// One assessment's judgement: `base`, the file's name and text, and its history (whose
/// debug form holds all of it).
pub(crate) fn judge(base: &KeyBuilder, name: &str, text: &str, history: &impl std::fmt::Debug) -> Key {
    let mut key = base.clone();
    key.part(name.as_bytes()).part(text.as_bytes()).part(format!("{history:?}").as_bytes());
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
