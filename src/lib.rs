//! molnkoll: information-security assessments of cloud services, as code.
//!
//! The pipeline runs in stages, one module each: [`load`] reads the policy source and
//! the assessments, [`validate`] checks them, [`derive`] applies the routine's rules.

pub mod derive;
pub mod diagnostic;
pub mod historik;
pub mod load;
pub mod markdown;
pub mod model;
pub mod schema;
pub mod sekretess;
pub mod sidor;
pub mod slug;
pub mod validate;

// Rendering, writing and the commands around them; the fuzz targets build without these.
#[cfg(feature = "full")]
pub mod cache;
#[cfg(feature = "full")]
pub mod export;
#[cfg(feature = "full")]
pub mod init;
#[cfg(feature = "full")]
pub mod kalender;
#[cfg(feature = "full")]
pub mod korpus;
#[cfg(feature = "full")]
pub mod ny_bedomning;
#[cfg(feature = "full")]
pub mod pdf;
#[cfg(feature = "full")]
mod pipeline;
#[cfg(feature = "full")]
pub mod render;
#[cfg(feature = "full")]
pub mod serve;
#[cfg(feature = "full")]
pub mod write;

#[cfg(feature = "full")]
pub use pipeline::{BuildError, Built, Rendered, Reused, Written, build, build_with, render, render_with};

use std::path::Path;

use derive::Harledning;
use diagnostic::{Diagnostic, Sources};
use model::{Bedomning, Datum, Policy};
pub use sekretess::Profil;

/// One assessment that loaded cleanly, with what the rules make of it.
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
}

/// The outcome of `check`: every diagnostic, and everything that could be derived.
pub struct Checked {
    pub sources: Sources,
    pub policy: Option<Policy>,
    pub items: Vec<Item>,
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
    let mut content = load::load(root)?;
    let mut diagnostics = std::mem::take(&mut content.diagnostics);
    let sidor = sidor::load(root, &mut content.sources, &mut diagnostics)?;
    let texts: Vec<(&str, &str)> =
        content.bedomningar.iter().map(|l| (content.sources.name(l.file), content.sources.text(l.file))).collect();
    let historik = historik::read(root, load::BEDOMNING_DIR, &texts);
    Ok(judge(content, diagnostics, sidor, historik, today))
}

/// [`check`] on content loaded in memory with [`load::from_bytes`]: no content pages and
/// no history. The fuzz targets run the real stages through it.
pub fn check_content(mut content: load::Content, today: Datum) -> Checked {
    let diagnostics = std::mem::take(&mut content.diagnostics);
    judge(content, diagnostics, Vec::new(), historik::Historik::saknas("innehållet lästes ur minnet"), today)
}

/// Validate and derive loaded content: the stages after loading, shared by every way in.
fn judge(
    content: load::Content,
    mut diagnostics: Vec<Diagnostic>,
    sidor: Vec<sidor::Sida>,
    mut historik: historik::Historik,
    today: Datum,
) -> Checked {
    validate::validate_policy(&content.policy, &mut diagnostics);

    let names: Vec<(String, &load::Loaded<Bedomning>)> =
        content.bedomningar.iter().map(|l| (content.sources.name(l.file).to_owned(), l)).collect();
    validate::validate_slugs(&names, &mut diagnostics);
    for (_, loaded) in &names {
        validate::personnummer(loaded.file, content.sources.text(loaded.file), &mut diagnostics);
        if let Some(b) = &loaded.value {
            sekretess::validate(loaded, &b.sekretess, &mut diagnostics);
        }
    }

    let mut items = Vec::new();
    // A broken policy gives no rules to judge by; its own errors say what to fix first.
    let policy_ok = content.policy.value.is_some()
        && !diagnostics.iter().any(|d| d.file == content.policy.file && d.severity == diagnostic::Severity::Error);
    if let (true, Some(policy)) = (policy_ok, &content.policy.value) {
        for (name, loaded) in &names {
            let Some(b) = &loaded.value else { continue };
            let mut harledning = derive::harled(policy, b, today);
            let fil = historik.filer.remove(name);
            let senast_andrad = fil.as_ref().and_then(|f| f.senast_andrad(today));
            if let Some(d) = senast_andrad {
                harledning.bevakningar.extend(derive::beslut_drojer(policy, &harledning, d, today));
            }
            validate::validate_bedomning(policy, loaded, name, &harledning, today, &mut diagnostics);
            let sedan_beslut = fil.as_ref().and_then(|f| f.sedan_beslut(content.sources.text(loaded.file)));
            items.push(Item {
                file: name.clone(),
                slug: validate::slug_of(name, b),
                bedomning: b.clone(),
                harledning,
                historik: fil,
                sedan_beslut,
                senast_andrad,
                sekretess: sekretess::markeringar(&content.policy, loaded, policy, b),
            });
        }
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
