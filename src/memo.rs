//! Results kept from one run to the next by a long-lived process (`serve`), so that a
//! rebuild after one edit redoes only the work that edit touches.
//!
//! Each result is stored under a [`Key`]: a hash of everything it is made from. A run
//! looks a result up by the key of its inputs and makes it only when it is missing, so
//! a stale result can never be found. Results that a run did not use are dropped when the
//! next run starts ([`Memo::next_run`]), so the memo holds about one site's worth.

use std::collections::HashMap;
use std::hash::Hasher as _;
use std::sync::Mutex;

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::Item;
use crate::diagnostic::{Diagnostic, FileId};
use crate::load::Loaded;
use crate::model::Bedomning;

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

/// One kind of result, by key: this run's, and the previous run's still to be claimed.
pub struct Table<T> {
    previous: Mutex<HashMap<Key, T>>,
    current: Mutex<HashMap<Key, T>>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { previous: Mutex::default(), current: Mutex::default() }
    }
}

impl<T: Clone> Table<T> {
    /// The result for `key`, made by `make` only when no run has kept it.
    pub fn get_or(&self, key: Key, make: impl FnOnce() -> T) -> T {
        match self.get(key) {
            Some(v) => v,
            None => {
                let v = make();
                self.insert(key, v.clone());
                v
            }
        }
    }

    /// The result for `key`, kept for the next run too.
    pub fn get(&self, key: Key) -> Option<T> {
        let lock = |m: &Mutex<HashMap<Key, T>>| m.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
        if let Some(v) = lock(&self.current) {
            return Some(v);
        }
        let v = self.previous.lock().unwrap_or_else(|e| e.into_inner()).remove(&key)?;
        self.insert(key, v.clone());
        Some(v)
    }

    pub fn insert(&self, key: Key, value: T) {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).insert(key, value);
    }

    fn next_run(&mut self) {
        let current = std::mem::take(self.current.get_mut().unwrap_or_else(|e| e.into_inner()));
        *self.previous.get_mut().unwrap_or_else(|e| e.into_inner()) = current;
    }
}

/// A parsed assessment, and what parsing it found.
#[derive(Clone)]
pub struct Parsed {
    pub loaded: std::sync::Arc<Loaded<Bedomning>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// An assessment judged against the policy: what the rules make of it (`None` when it
/// did not parse or the policy is broken), and the diagnostics about it.
#[derive(Clone)]
pub struct Judged {
    pub file: FileId,
    pub item: Option<std::sync::Arc<Item>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything a rebuild can take from the one before.
#[derive(Default)]
pub struct Memo {
    pub parsed: Table<Parsed>,
    pub judged: Table<Judged>,
    /// The parsed page templates, by their text.
    #[cfg(feature = "full")]
    pub templates: Table<std::sync::Arc<crate::render::Templates>>,
    /// The parsed PDF templates, by their text.
    #[cfg(feature = "full")]
    pub pdf_templates: Table<std::sync::Arc<crate::pdf::Templates>>,
}

impl Memo {
    /// Starts a new run: what the last run did not use is dropped.
    pub fn next_run(&mut self) {
        self.parsed.next_run();
        self.judged.next_run();
        #[cfg(feature = "full")]
        self.templates.next_run();
        #[cfg(feature = "full")]
        self.pdf_templates.next_run();
    }
}

/// Moves diagnostics made for file `from` to file `to`; others keep their file.
pub fn refile(diagnostics: &[Diagnostic], from: FileId, to: FileId) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .cloned()
        .map(|mut d| {
            if d.file == from {
                d.file = to;
            }
            d
        })
        .collect()
}
