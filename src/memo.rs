//! Results kept from one run to the next by a long-lived process (`serve`), so that a
//! rebuild after one edit redoes only the work that edit touches.
//!
//! Each result is stored under a [`Key`]: a hash of everything it is made from. A run
//! looks a result up by the key of its inputs and makes it only when it is missing, so
//! a stale result can never be found. Results that a run did not use are dropped when the
//! next run starts ([`Memo::next_run`]), so the memo holds about one site's worth.
//!
//! The memo knows no stage: each stage keeps its own kind of result in a [`Table`] of its
//! own type ([`Memo::table`]), so the stages below the memo need not be named here.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use crate::diagnostic::{Diagnostic, FileId};
use crate::keys::Key;

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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
        if let Some(v) = lock(&self.current).get(&key).cloned() {
            return Some(v);
        }
        let v = lock(&self.previous).remove(&key)?;
        self.insert(key, v.clone());
        Some(v)
    }

    pub fn insert(&self, key: Key, value: T) {
        lock(&self.current).insert(key, value);
    }
}

/// A table whose type the memo does not know: it can only start a new run.
trait AnyTable: Send + Sync {
    fn next_run(&self);
    fn shared(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl<T: Send + 'static> AnyTable for Table<T> {
    fn next_run(&self) {
        let current = std::mem::take(&mut *lock(&self.current));
        *lock(&self.previous) = current;
    }

    fn shared(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

/// Everything a rebuild can take from the one before: one [`Table`] per kind of result.
#[derive(Default)]
pub struct Memo {
    tables: Mutex<BTreeMap<TypeId, Arc<dyn AnyTable>>>,
}

impl Memo {
    /// The table of results of type `T`, made empty the first time a stage asks for it.
    pub fn table<T: Clone + Send + 'static>(&self) -> Arc<Table<T>> {
        let table =
            lock(&self.tables).entry(TypeId::of::<T>()).or_insert_with(|| Arc::new(Table::<T>::default())).clone();
        table.shared().downcast::<Table<T>>().expect("each type has its own table")
    }

    /// Starts a new run: what the last run did not use is dropped.
    pub fn next_run(&mut self) {
        for table in lock(&self.tables).values() {
            table.next_run();
        }
    }
}

/// Moves diagnostics made for file `from` to file `to`; others keep their file.
pub(crate) fn refile(diagnostics: &[Diagnostic], from: FileId, to: FileId) -> Vec<Diagnostic> {
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
