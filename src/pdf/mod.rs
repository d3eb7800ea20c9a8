//! Stage 4b: the procurement documents, typeset by Typst into PDF/A-2 and PDF/UA-1.
//!
//! Templates are Typst files under `templates/pdf/`. Data reaches them only as the
//! virtual file `/data.json`, never spliced into markup, so a supplier's `#panic()` stays
//! text. Documents compile in parallel over one shared [`world::Engine`].

mod bilagor;
pub mod data;
pub mod world;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::Value;
use typst::WorldExt;
use typst::diag::{FileError, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, Source};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::cache::{Cache, DocKeys, Key, KeyBuilder};
use crate::derive::Handling;
use crate::model::Datum;
use crate::view::Site;
use crate::write::OutputFile;
use world::{DocWorld, Engine, file_id};

/// The virtual path of a document's data.
pub const DATA: &str = "/data.json";

/// Where a project puts its own versions of the templates.
pub const TEMPLATE_DIR: &str = "templates/pdf";

/// The whole policy as one PDF, at the site's root.
pub const POLICY_PDF: &str = "policy.pdf";

/// Built into the binary; a project overrides one with a file of the same name.
const TEMPLATES: &[(&str, &str)] = &[
    ("molnkoll.typ", include_str!("../../templates/pdf/molnkoll.typ")),
    ("kravbilaga.typ", include_str!("../../templates/pdf/kravbilaga.typ")),
    ("leverantorsbekraftelse.typ", include_str!("../../templates/pdf/leverantorsbekraftelse.typ")),
    ("leverantorsbekraftelse-mottagen.typ", include_str!("../../templates/pdf/leverantorsbekraftelse-mottagen.typ")),
    ("beslutsunderlag.typ", include_str!("../../templates/pdf/beslutsunderlag.typ")),
    ("ej-tillaten.typ", include_str!("../../templates/pdf/ej-tillaten.typ")),
    ("policy.typ", include_str!("../../templates/pdf/policy.typ")),
    ("bilagor.typ", include_str!("../../templates/pdf/bilagor.typ")),
];

fn template_for(handling: Handling) -> &'static str {
    match handling {
        Handling::Kravbilaga => "kravbilaga.typ",
        Handling::Leverantorsbekraftelse => "leverantorsbekraftelse.typ",
        Handling::MottagenBekraftelse => "leverantorsbekraftelse-mottagen.typ",
        Handling::Beslutsunderlag => "beslutsunderlag.typ",
        Handling::EjTillaten => "ej-tillaten.typ",
    }
}

/// The Typst sources every document may use, keyed by their virtual path.
pub struct Templates {
    sources: HashMap<FileId, Source>,
    /// The name a person looks for: `templates/pdf/x.typ`, with "(inbyggd)" when built in.
    names: HashMap<FileId, String>,
    /// The templates the project has its own of.
    egna: HashSet<&'static str>,
}

/// The built-in templates that read the policy's tables (`data.policy`).
const LASER_TABELLERNA: &[&str] = &["policy.typ", bilagor::MALL];

#[derive(Debug, thiserror::Error)]
#[error("kan inte läsa mallen {path}: {source}")]
pub struct TemplateReadError {
    pub path: String,
    pub source: std::io::Error,
}

/// Reads the templates, preferring the project's own `templates/pdf/NAME`; from `memo`
/// when the texts are the ones it parsed last.
pub fn templates(root: &Path, memo: Option<&crate::memo::Memo>) -> Result<Arc<Templates>, TemplateReadError> {
    let texts = template_texts(root)?;
    let Some(memo) = memo else { return Ok(Arc::new(parse_templates(texts))) };
    let mut key = KeyBuilder::new("pdf-templates");
    for (name, text, shown, _) in &texts {
        key.part(name.as_bytes()).part(text.as_bytes()).part(shown.as_bytes());
    }
    Ok(memo.table::<Arc<Templates>>().get_or(key.finish(), || Arc::new(parse_templates(texts))))
}

/// Each template's name, text, the name a person looks for, and whether it is the project's own.
fn template_texts(root: &Path) -> Result<Vec<(&'static str, String, String, bool)>, TemplateReadError> {
    let mut texts = Vec::new();
    for (name, builtin) in TEMPLATES {
        let rel = format!("{TEMPLATE_DIR}/{name}");
        let own = root.join(&rel);
        texts.push(if own.is_file() {
            let text = crate::load::read_text_limited(&own)
                .map_err(|source| TemplateReadError { path: rel.clone(), source })?;
            (*name, text, rel, true)
        } else {
            (*name, (*builtin).to_owned(), format!("{rel} (inbyggd)"), false)
        });
    }
    Ok(texts)
}

fn parse_templates(texts: Vec<(&'static str, String, String, bool)>) -> Templates {
    let mut sources = HashMap::new();
    let mut names = HashMap::new();
    let mut egna = HashSet::new();
    for (name, text, shown, egen) in texts {
        let id = file_id(&format!("/{name}"));
        sources.insert(id, Source::new(id, text));
        names.insert(id, shown);
        if egen {
            egna.insert(name);
        }
    }
    Templates { sources, names, egna }
}

impl Templates {
    /// A hash of every template's name and text, in a stable order.
    pub fn fingerprint(&self) -> Key {
        let mut files: Vec<(String, &str)> = self.files().collect();
        files.sort();
        let mut key = KeyBuilder::new("pdf-templates");
        for (name, text) in files {
            key.part(name.as_bytes()).part(text.as_bytes());
        }
        key.finish()
    }

    /// Whether a document from `template` gets the policy's tables in its data. A project's
    /// own template may print them, so it does; a built-in one only if it reads them. They
    /// are most of a document's data, and Typst parses the data for every document.
    pub fn tabeller_i_data(&self, template: &str) -> bool {
        LASER_TABELLERNA.contains(&template) || self.egna.contains(template) || self.egna.contains("molnkoll.typ")
    }

    /// `value` serialised as a document from `template` reads it (see [`Self::tabeller_i_data`]).
    pub fn data_json(&self, template: &str, value: &Value) -> Vec<u8> {
        data::json(value, self.tabeller_i_data(template))
    }

    /// Each template's virtual path and text, for running the same sources elsewhere.
    pub fn files(&self) -> impl Iterator<Item = (String, &str)> {
        self.sources.iter().map(|(id, s)| (id.vpath().get_with_slash().to_string(), s.text()))
    }
}

/// A Typst error, placed in its template, for the same diagnostics as TOML errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template's name as [`Templates`] shows it.
    pub file: String,
    /// The template's text, so the diagnostic can quote it.
    pub text: String,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub hints: Vec<String>,
}

/// One PDF to write: where, from which template, with which data.
pub struct Job {
    /// Relative to the output folder.
    pub path: String,
    /// A template name, e.g. `kravbilaga.typ`.
    pub template: &'static str,
    /// What the template reads as `/data.json`.
    pub data: Value,
    /// The document's date, which also fixes the PDF's timestamp.
    pub date: Datum,
}

/// Documents per parallel batch, per thread. Typst's cache is trimmed between batches so
/// that memory stays bounded however many assessments there are: it holds every layout
/// of a batch (a batch of 64 on two threads peaked at 894 MiB for 1,000 assessments). A
/// small batch waits often for its slowest document: at 4 per thread two threads ran at
/// 1.35× the floor's time, at 16 at 1.02×, with 826 MiB at 10,000 (see BENCHMARKS.md).
const BATCH_PER_THREAD: usize = 16;

/// Told `(done, total)` after each document, from any thread; the command line draws a bar.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Where `build` stores each finished document as soon as it is made, keeping only its
/// name, so no build holds every PDF in memory; an unchanged one is linked there unread.
/// `None` keeps the documents in memory (`serve`).
pub type Keep<'a> = Option<&'a crate::write::Staging<'a>>;

/// The typeset documents, and how many of them were taken unchanged from the cache.
pub struct Compiled {
    pub files: Vec<OutputFile>,
    pub reused: usize,
}

/// Every assessment's documents and the whole-policy document. `keys` makes each
/// document's key; a document whose key is in `cache` is not typeset again.
pub fn render_pdfs(
    site: &Site,
    templates: &Templates,
    cache: &Cache,
    keys: &DocKeys,
    progress: Progress,
    keep: Keep,
) -> Result<Compiled, Vec<TemplateError>> {
    let tables = data::policy_tables(site.policy);
    let total = site.items.iter().map(|i| i.harledning.handlingar.len()).sum::<usize>() + 1;
    compile_batches(job_iter(site, &tables), total, templates, cache, keys, progress, keep)
}

/// The documents a site gets, with their data, in a stable order.
pub fn jobs(site: &Site) -> Vec<Job> {
    let tables = data::policy_tables(site.policy);
    job_iter(site, &tables)
        .map(|p| Job { data: p.data().into_owned(), path: p.path, template: p.template, date: p.date })
        .collect()
}

/// A document to typeset: a [`Job`], or one whose data is made only when it is needed.
/// Every document's data carries the policy's tables (about 1.4 GB for all of them at
/// 10,000 assessments), and an unchanged document in `serve` needs none.
pub(crate) struct Planned<'a> {
    pub path: String,
    template: &'static str,
    date: Datum,
    /// A hash of everything the data is made from, when there is one: `serve` finds an
    /// unchanged document's key by it, without making the data.
    input: Option<Key>,
    data: Data<'a>,
}

enum Data<'a> {
    Given(&'a Value),
    Made(Box<dyn Fn() -> Value + Send + Sync + 'a>),
}

impl Planned<'_> {
    pub(crate) fn data(&self) -> Cow<'_, Value> {
        match &self.data {
            Data::Given(v) => Cow::Borrowed(*v),
            Data::Made(make) => Cow::Owned(make()),
        }
    }
}

impl<'a> From<&'a Job> for Planned<'a> {
    fn from(job: &'a Job) -> Self {
        Planned {
            path: job.path.clone(),
            template: job.template,
            date: job.date,
            input: None,
            data: Data::Given(&job.data),
        }
    }
}

/// [`jobs`], one at a time, with the data made on demand.
pub(crate) fn job_iter<'a>(site: &'a Site<'a>, tables: &'a Value) -> impl Iterator<Item = Planned<'a>> + 'a {
    let policy = site.policy;
    let assessments = site.items.iter().flat_map(move |item| {
        item.harledning.handlingar.iter().map(move |&handling| {
            // The last change in git dates the document; without history, the record does.
            let date = crate::view::handlingsdatum(item, site.today);
            Planned {
                path: format!("bedomningar/{}/{}", item.slug, handling.fil()),
                template: template_for(handling),
                date,
                input: Some(item.key),
                data: Data::Made(Box::new(move || data::bedomning(policy, item, handling, tables, date, site.profil))),
            }
        })
    });
    assessments.chain(std::iter::once_with(move || {
        let date = crate::derive::policy_datum(policy, site.sidor).unwrap_or(site.today);
        Planned {
            path: POLICY_PDF.to_owned(),
            template: "policy.typ",
            date,
            input: None,
            data: Data::Made(Box::new(move || data::policy_document(policy, site.sidor, tables, date, site.profil))),
        }
    }))
}

/// Forgets the shared appendix pages kept for the process, so that the next kravbilaga
/// typesets them again, as the first one of a build does: for benchmarks.
#[doc(hidden)]
pub fn forget_shared_pages() {
    bilagor::glom();
}

/// Compiles every job in parallel over one shared engine, with no cache.
pub fn compile_all(jobs: &[Job], templates: &Templates) -> Result<Vec<OutputFile>, Vec<TemplateError>> {
    let keys = DocKeys::new(&KeyBuilder::new("site"), templates.fingerprint());
    compile_cached(jobs, templates, &Cache::empty(), &keys, &|_, _| {}).map(|c| c.files)
}

/// Compiles the jobs whose key `cache` does not hold, in parallel over one shared engine,
/// reporting each finished document to `progress`.
pub fn compile_cached(
    jobs: &[Job],
    templates: &Templates,
    cache: &Cache,
    keys: &DocKeys,
    progress: Progress,
) -> Result<Compiled, Vec<TemplateError>> {
    compile_batches(jobs.iter().map(Planned::from), jobs.len(), templates, cache, keys, progress, None)
}

/// The engine of [`compile_cached`] over any source of documents, taken a batch at a time.
fn compile_batches<'a>(
    mut jobs: impl Iterator<Item = Planned<'a>>,
    total: usize,
    templates: &Templates,
    cache: &Cache,
    keys: &DocKeys,
    progress: Progress,
    keep: Keep,
) -> Result<Compiled, Vec<TemplateError>> {
    let engine = Engine::shared();
    // The shared appendices, found once per build rather than keyed again per kravbilaga.
    let delade = std::sync::OnceLock::new();
    let done = AtomicUsize::new(0);
    let reused = AtomicUsize::new(0);
    let mut files = Vec::with_capacity(total);
    let mut errors: Vec<TemplateError> = Vec::new();
    loop {
        let batch: Vec<Planned> = jobs.by_ref().take(BATCH_PER_THREAD * rayon::current_num_threads()).collect();
        if batch.is_empty() {
            break;
        }
        let results: Vec<_> = batch
            .par_iter()
            .map(|job| {
                let (path, template) = (job.path.as_str(), job.template);
                let input = job.input.map(|k| keys.item_document(k, path, template, job.date));
                let unread = keep.zip(input).and_then(|(s, i)| Some((s, i, cache.find_unread(path, i)?)));
                let result = match unread {
                    Some((staging, i, (key, hash))) => Ok(staging.put_unread(path, key, hash, i)),
                    None => match input.and_then(|i| cache.find(path, i)) {
                        Some((key, bytes, hash)) => Ok(OutputFile::reused(path, bytes, key, hash)),
                        None => {
                            let value = job.data();
                            let data = templates.data_json(template, &value);
                            let key = keys.document(path, template, job.date, &data);
                            match cache.get(path, key) {
                                Some((bytes, hash)) => Ok(OutputFile::reused(path, bytes, key, hash)),
                                None => compile(engine, templates, job, data, value.get("policy"), &delade)
                                    .map(|b| OutputFile::keyed(path, b, key)),
                            }
                        }
                    }
                    .map(|f| match input {
                        Some(i) => f.with_input(i),
                        None => f,
                    })
                    .map(|f| match keep {
                        Some(staging) => staging.put(f),
                        None => f,
                    }),
                };
                if result.as_ref().is_ok_and(|f| f.cached) {
                    reused.fetch_add(1, Ordering::Relaxed);
                }
                // Per document, not per batch: a small site is a single batch.
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                result
            })
            .collect();
        // What the last batch did not use goes; what every document uses (the templates,
        // the fonts, the policy's tables) stays. A batch taken whole from the cache added
        // nothing, and trimming costs a walk over everything kept.
        if results.iter().any(|r| r.as_ref().is_ok_and(|f| !f.cached)) {
            typst::comemo::evict(1);
        }
        for result in results {
            match result {
                Ok(file) => files.push(file),
                // The same template error repeats in every document that uses it; say it once.
                Err(e) => errors.extend(e.into_iter().filter(|e| !errors.contains(e)).collect::<Vec<_>>()),
            }
        }
    }
    if errors.is_empty() { Ok(Compiled { files, reused: reused.into_inner() }) } else { Err(errors) }
}

/// Typesets one document; `policy` is the policy's tables from its data, which the shared
/// appendices show (see [`bilagor`]), and `kept` holds those pages once this build has them.
/// They are typeset when a template first asks how many pages to leave for them.
fn compile(
    engine: &Engine,
    templates: &Templates,
    job: &Planned,
    data: Vec<u8>,
    policy: Option<&Value>,
    kept: &std::sync::OnceLock<bilagor::Delade>,
) -> Result<Vec<u8>, Vec<TemplateError>> {
    let policy = policy.filter(|_| bilagor::ANVANDS_AV.contains(&job.template));
    // Typst asks the world while it holds comemo's cache, and typesetting the pages there
    // could deadlock. So a template that asks before this build has the pages is told "not
    // yet", and the document is typeset again once they are made.
    let antal = policy.map(|_| {
        || {
            kept.get().map(|d| match &**d {
                Ok(b) => Ok(b.antal.clone()),
                Err(_) => Err(FileError::Other(Some(format!("{} kunde inte sättas", bilagor::MALL).into()))),
            })
        }
    });
    let delade = |p| kept.get_or_init(|| bilagor::delade(engine, templates, p));
    let main = file_id(&format!("/{}", job.template));
    let data = Bytes::new(data);
    let typesetta = || {
        let world =
            DocWorld::new(engine, &templates.sources, main, data.clone(), antal.as_ref().map(|f| f as world::Bilagor));
        let output = typst::compile::<PagedDocument>(&world).output;
        (world, output)
    };
    let (mut world, mut output) = typesetta();
    if let Some(p) = policy.filter(|_| world.bilagor_saknades()) {
        delade(p);
        (world, output) = typesetta();
    }
    let date = job.date;
    // The appendices' own errors, not the template's failed read that follows from them.
    let delade = match policy.filter(|_| world.bilagor_lasta()).map(|p| &**delade(p)) {
        Some(Err(e)) => return Err(e.clone()),
        Some(Ok(b)) => Some(b),
        None => None,
    };
    let mut document = output.map_err(|e| convert(&world, templates, &e))?;
    if let Some(b) = delade {
        document = bilagor::lagg_in(document, b).map_err(|(span, message)| {
            if span.is_detached() {
                vec![template_error(templates, main, message)]
            } else {
                convert(&world, templates, &[SourceDiagnostic::error(span, message)])
            }
        })?;
    }
    let options = PdfOptions {
        // A stable identifier and timestamp: the same input gives the same bytes.
        ident: Smart::Custom(job.path.clone()),
        creator: Smart::Custom(Some(concat!("molnkoll ", env!("CARGO_PKG_VERSION")).into())),
        timestamp: Some(Timestamp::new_utc(
            Datetime::from_ymd_hms(i32::from(date.0.year()), date.0.month() as u8, date.0.day() as u8, 0, 0, 0)
                .expect("a valid calendar date"),
        )),
        standards: standards(),
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|e| convert(&world, templates, &e))
}

/// PDF/A-2 for the archive, tagged, and PDF/UA-1 for accessibility.
fn standards() -> PdfStandards {
    PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1]).expect("PDF/A-2a and PDF/UA-1 combine")
}

/// An error that belongs to a template as a whole rather than to a place in it.
fn template_error(templates: &Templates, id: FileId, message: String) -> TemplateError {
    TemplateError {
        file: templates.names.get(&id).cloned().unwrap_or_else(|| id.vpath().get_with_slash().to_string()),
        text: String::new(),
        span: None,
        message,
        hints: Vec::new(),
    }
}

fn convert(world: &DocWorld, templates: &Templates, diagnostics: &[SourceDiagnostic]) -> Vec<TemplateError> {
    diagnostics
        .iter()
        .map(|d| {
            let id = d.span.id();
            let source = id.and_then(|id| templates.sources.get(&id));
            let file = match id {
                Some(id) => {
                    templates.names.get(&id).cloned().unwrap_or_else(|| id.vpath().get_with_slash().to_string())
                }
                None => "templates/pdf".to_owned(),
            };
            TemplateError {
                file,
                text: source.map(|s| s.text().to_owned()).unwrap_or_default(),
                span: source.and_then(|_| world.range(d.span)),
                message: d.message.to_string(),
                hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list of built-in templates that read the policy's tables is their texts' word:
    /// one that reads `data.policy` and is not listed would fail on data without them.
    #[test]
    fn exactly_the_listed_built_in_templates_read_the_policys_tables() {
        for (name, text) in TEMPLATES {
            assert_eq!(text.contains("data.policy"), LASER_TABELLERNA.contains(name), "{name}");
            assert!(!text.contains("\"policy\""), "{name} reads the tables another way");
        }
    }

    #[test]
    fn data_without_the_tables_is_the_same_json_less_the_policy_key() {
        let value = serde_json::json!({"a": 1, "policy": {"atgardstabell": [1, 2]}, "z": ["policy"]});
        assert_eq!(data::json(&value, true), serde_json::to_vec(&value).unwrap());
        let mut utan = value.clone();
        utan.as_object_mut().unwrap().remove("policy");
        assert_eq!(data::json(&value, false), serde_json::to_vec(&utan).unwrap());
        assert_eq!(data::json(&serde_json::json!([1]), false), b"[1]");
    }
}
