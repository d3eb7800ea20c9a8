//! molnkoll: information-security assessments of cloud services, as code.
//!
//! The pipeline runs in stages, one module each: `load` reads the policy source and the
//! assessments, `validate` checks them, `derive` applies the routine's rules and `bedom`
//! runs the checks that need a derivation; `view` makes the labels and view models that
//! every renderer (`render` for HTML, `pdf`, `export`, `kalender`) formats, and `write`
//! puts the files in place. Below the stages sit the shared vocabulary (`model`,
//! `diagnostic`, `slug`, `keys`); no module reaches back up to a stage above it
//! (`tests/testsuite/modules.rs` checks). Only what the binary, the tests, the benches and
//! the fuzz targets use is public.

// The light build for the fuzz targets leaves out the stages after `derive`, and with them
// the users (and the re-exports) of much of the shared vocabulary.
#![cfg_attr(not(feature = "full"), allow(dead_code, unreachable_pub))]

mod bedom;
pub mod derive;
pub mod diagnostic;
pub mod historik;
mod keys;
pub mod load;
pub mod markdown;
mod maskering;
mod memo;
pub mod model;
pub mod schema;
mod sekretess;
mod sidor;
mod slug;
mod validate;

// Rendering, writing and the commands around them; the fuzz targets build without these.
#[cfg(feature = "full")]
pub mod cache;
#[cfg(feature = "full")]
pub mod cli;
#[cfg(feature = "full")]
pub mod commands;
#[cfg(feature = "full")]
pub mod docx;
#[cfg(feature = "full")]
pub mod export;
#[cfg(feature = "full")]
pub mod init;
#[cfg(feature = "full")]
mod kalender;
#[cfg(feature = "korpus")]
pub mod korpus;
#[cfg(feature = "full")]
pub mod ny_bedomning;
#[cfg(feature = "full")]
pub mod pdf;
#[cfg(feature = "full")]
mod pipeline;
#[cfg(feature = "full")]
pub mod redigera;
#[cfg(feature = "full")]
pub mod render;
#[cfg(feature = "full")]
pub mod serve;
#[cfg(feature = "full")]
pub mod svar;
#[cfg(feature = "full")]
pub mod svarsbilaga;
#[cfg(feature = "full")]
pub mod view;
#[cfg(feature = "full")]
pub mod write;

#[cfg(feature = "full")]
pub use pipeline::{BuildError, Built, Options, Rendered, Reused, Written, build, render};

use std::path::Path;

use derive::Harledning;
use diagnostic::{Diagnostic, Sources};
use model::{Bedomning, Datum, Policy};
pub use sekretess::Profil;

/// One assessment that loaded cleanly, with what the rules make of it.
#[derive(Clone)]
pub struct Item {
    /// The file, relative to the project root.
    pub file: String,
    pub slug: String,
    pub bedomning: Bedomning,
    pub harledning: Harledning,
    /// The file's git history; `None` when the content has none (see [`Checked::historik`]).
    pub historik: Option<historik::FilHistorik>,
    /// The fields changed since the last decided version; `None` when no decision is committed.
    pub sedan_beslut: Option<Vec<historik::Skillnad>>,
    /// The last commit's date, or today for uncommitted work.
    pub senast_andrad: Option<Datum>,
    /// The parts that are secret under OSL: the policy's markings, then the record's.
    pub sekretess: Vec<sekretess::Markering>,
    /// A hash of everything above is made from: the file, its history, the policy and the
    /// day. A rebuild finds the pages and documents made from it by this (see [`memo`]).
    pub key: keys::Key,
}

/// The outcome of `check`: every diagnostic, and everything that could be derived.
pub struct Checked {
    pub sources: Sources,
    pub policy: Option<Policy>,
    /// Shared with `serve`'s memo, which keeps each unchanged assessment's judgement.
    pub items: Vec<std::sync::Arc<Item>>,
    pub sidor: Vec<sidor::Sida>,
    /// Files that were read, valid or not.
    pub files: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Where the assessments' history came from, or why there is none.
    pub historik: historik::Kalla,
}

impl Checked {
    pub fn errors(&self) -> usize {
        diagnostic::summary(&self.diagnostics).0
    }

    pub fn warnings(&self) -> usize {
        diagnostic::summary(&self.diagnostics).1
    }

    /// The diagnostics as a person reads them, in a stable order.
    pub fn render(&self) -> String {
        self.sources.render(&self.diagnostics)
    }
}

/// Loads, validates and derives a whole project. `today` fixes "now" for every date rule.
pub fn check(root: &Path, today: Datum) -> Result<Checked, load::LoadError> {
    check_in(root, today, None, None)
}

/// [`check`] in a long-lived process, taking what an earlier run made from unchanged
/// files from `memo` (see [`memo`]), and what earlier reads of the history found from `minne`.
pub(crate) fn check_in(
    root: &Path,
    today: Datum,
    memo: Option<&memo::Memo>,
    minne: Option<&historik::Minne>,
) -> Result<Checked, load::LoadError> {
    let mut content = load::load(root, memo)?;
    let mut diagnostics = std::mem::take(&mut content.diagnostics);
    let sidor = sidor::load(root, &mut content.sources, &mut diagnostics)?;
    let texts: Vec<(&str, &str)> =
        content.bedomningar.iter().map(|l| (content.sources.name(l.file), content.sources.text(l.file))).collect();
    let historik = historik::read(root, load::BEDOMNING_DIR, &texts, minne);
    Ok(judge(content, diagnostics, sidor, historik, today, memo))
}

/// [`check`] on content loaded in memory with [`load::from_bytes`]: no content pages and
/// no history. The fuzz targets run the real stages through it.
pub fn check_content(mut content: load::Content, today: Datum) -> Checked {
    let diagnostics = std::mem::take(&mut content.diagnostics);
    judge(content, diagnostics, Vec::new(), historik::Historik::saknas("innehållet lästes ur minnet"), today, None)
}

/// An assessment judged against the policy: what the rules make of it (`None` when it
/// did not parse or the policy is broken), and the diagnostics about it. `serve`'s memo
/// keeps it for an unchanged file.
#[derive(Clone)]
struct Judged {
    file: diagnostic::FileId,
    item: Option<std::sync::Arc<Item>>,
    diagnostics: Vec<Diagnostic>,
}

/// Validate and derive loaded content: the stages after loading, shared by every way in.
fn judge(
    content: load::Content,
    mut diagnostics: Vec<Diagnostic>,
    sidor: Vec<sidor::Sida>,
    mut historik: historik::Historik,
    today: Datum,
    memo: Option<&memo::Memo>,
) -> Checked {
    use rayon::prelude::*;

    validate::validate_policy(&content.policy, &mut diagnostics);

    let names: Vec<(String, &load::Loaded<Bedomning>)> =
        content.bedomningar.iter().map(|l| (content.sources.name(l.file).to_owned(), &**l)).collect();
    validate::validate_slugs(&names, &mut diagnostics);

    // A broken policy gives no rules to judge by; its own errors say what to fix first.
    let policy_ok = content.policy.value.is_some()
        && !diagnostics.iter().any(|d| d.file == content.policy.file && d.severity == diagnostic::Severity::Error);
    let policy = content.policy.value.as_ref().filter(|_| policy_ok);
    let base = keys::judge_base(content.sources.text(content.policy.file), policy_ok, today);
    let filer: Vec<_> = names.iter().map(|(name, _)| historik.filer.remove(name)).collect();
    let kept = memo.map(memo::Memo::table::<Judged>);
    let judged: Vec<Judged> = names
        .par_iter()
        .zip(filer)
        .map(|((name, loaded), fil)| {
            let text = content.sources.text(loaded.file);
            let key = keys::judge(&base, name, text, &fil);
            let one = |fil| judge_one(&content.policy, policy, name, loaded, text, fil, today, key);
            let Some(kept) = &kept else { return one(fil) };
            let kept = kept.get_or(key, || one(fil));
            Judged {
                file: loaded.file,
                diagnostics: memo::refile(&kept.diagnostics, kept.file, loaded.file),
                item: kept.item,
            }
        })
        .collect();
    let mut items = Vec::with_capacity(judged.len());
    for j in judged {
        diagnostics.extend(j.diagnostics);
        items.extend(j.item);
    }
    let files = names.len() + 1 + sidor.len();
    drop(names);
    Checked {
        sources: content.sources,
        policy: content.policy.value,
        items,
        files,
        sidor,
        diagnostics,
        historik: historik.kalla,
    }
}

/// One assessment's checks and derivations, which depend on nothing but the file, its
/// history, the policy and the day.
#[allow(clippy::too_many_arguments)]
fn judge_one(
    policy_file: &load::Loaded<Policy>,
    policy: Option<&Policy>,
    name: &str,
    loaded: &load::Loaded<Bedomning>,
    text: &str,
    fil: Option<historik::FilHistorik>,
    today: Datum,
    key: keys::Key,
) -> Judged {
    let mut diagnostics = Vec::new();
    validate::personnummer(loaded.file, text, &mut diagnostics);
    if let Some(b) = &loaded.value {
        sekretess::validate(loaded, &b.sekretess, &mut diagnostics);
    }
    let item = match (policy, &loaded.value) {
        (Some(policy), Some(b)) => {
            let mut harledning = derive::harled(policy, b, today);
            let senast_andrad = fil.as_ref().and_then(|f| f.senast_andrad(today));
            if let Some(d) = senast_andrad {
                harledning.bevakningar.extend(derive::beslut_drojer(policy, &harledning, d, today));
            }
            validate::validate_bedomning(policy, loaded, name, &mut diagnostics);
            bedom::granska(policy, loaded, &harledning, today, &mut diagnostics);
            let sedan_beslut = fil.as_ref().and_then(|f| f.sedan_beslut(text));
            Some(std::sync::Arc::new(Item {
                file: name.to_owned(),
                slug: slug::slug_of(name, b),
                bedomning: b.clone(),
                harledning,
                historik: fil,
                sedan_beslut,
                senast_andrad,
                sekretess: sekretess::markeringar(policy_file, loaded, policy, b),
                key,
            }))
        }
        _ => None,
    };
    Judged { file: loaded.file, item, diagnostics }
}
