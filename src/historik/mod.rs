//! Stage 1b: each assessment's history, read from the git repository that holds the content.
//!
//! Git is the audit trail: who changed an assessment and when. The commits that touched a
//! file are found by comparing the assessment folder's tree in each commit with its
//! parent's, so a commit that leaves the folder alone costs two tree look-ups. The last
//! decided version is the newest commit that set the decision's status or date; what
//! changed since then is a field-by-field comparison of that version with the file now.
//!
//! Content outside a git repository still builds; it just has no history.
//!
//! A read remembers what each commit did ([`Minne`]), so the next read walks only the
//! commits it has not seen: `serve` keeps the memory in the process, `build` in a file
//! beside the output's manifest.

#[cfg(feature = "full")]
mod git;
pub(crate) mod skillnad;

use std::collections::HashMap;

use serde::Serialize;

use crate::model::Datum;
#[cfg(feature = "full")]
pub use git::{Minne, read, refs};
pub use skillnad::{Skillnad, skillnader};

/// One commit that changed an assessment's file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Andring {
    pub commit: String,
    /// The abbreviated id, as `git log --oneline` shows it.
    pub kort: String,
    /// The author's date, in the author's own time zone.
    pub datum: Datum,
    pub forfattare: String,
    /// The first line of the commit message.
    pub meddelande: String,
}

/// The version of a file at the commit that last recorded a decision.
#[derive(Debug, Clone, Hash)]
pub struct Beslutsversion {
    pub andring: Andring,
    pub text: String,
}

/// What git knows about one assessment's file. Hashed whole into the key of the
/// assessment's judgement (see `keys::judge`).
#[derive(Debug, Clone, Default, Hash)]
pub struct FilHistorik {
    /// The commits that changed the file, newest first.
    pub andringar: Vec<Andring>,
    /// The file on disk differs from the last commit, or was never committed.
    pub ej_incheckad: bool,
    pub beslutad: Option<Beslutsversion>,
}

impl FilHistorik {
    /// When the file last changed: today for uncommitted work, else the last commit's date.
    pub fn senast_andrad(&self, today: Datum) -> Option<Datum> {
        if self.ej_incheckad { Some(today) } else { self.andringar.first().map(|a| a.datum) }
    }

    /// The fields that differ between the decided version and `nu`, the file as it is now.
    /// `None` when no decision has been committed.
    pub fn sedan_beslut(&self, nu: &str) -> Option<Vec<Skillnad>> {
        // Unchanged since the decision, the usual case, needs no parsing.
        self.beslutad.as_ref().map(|v| if v.text == nu { Vec::new() } else { skillnader(&v.text, nu) })
    }
}

/// Where the history came from, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kalla {
    Git { head: String },
    Saknas { orsak: String },
}

#[derive(Debug, Clone)]
pub struct Historik {
    pub kalla: Kalla,
    /// By file name relative to the project root, as [`crate::Item::file`] has it.
    pub filer: HashMap<String, FilHistorik>,
}

impl Historik {
    /// No history, and why.
    pub fn saknas(orsak: impl Into<String>) -> Historik {
        Historik { kalla: Kalla::Saknas { orsak: orsak.into() }, filer: HashMap::new() }
    }
}

/// Without the `full` feature there is no git reader: every file has no history.
#[cfg(not(feature = "full"))]
pub fn read(_root: &std::path::Path, _dir: &str, _files: &[(&str, &str)], _minne: Option<&Minne>) -> Historik {
    Historik::saknas("molnkoll är byggt utan git-stöd")
}

/// Without git there is nothing to remember.
#[cfg(not(feature = "full"))]
#[derive(Debug, Clone, Default)]
pub struct Minne;
