//! Stages 4 and 5: render what `check` derived into the site and the PDFs, in memory, and
//! write it out. [`render`] reads as the list of phases, each timed. Only in the `full`
//! build.

use std::path::Path;
use std::time::Instant;

use crate::cache::Cache;
use crate::diagnostic::Diagnostic;
use crate::keys;
use crate::maskering;
use crate::model::Datum;
use crate::sekretess::Profil;
use crate::{Checked, kalender, load, pdf, schema, write};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    #[error(transparent)]
    PdfTemplate(#[from] pdf::TemplateReadError),
    #[error(transparent)]
    Write(#[from] write::WriteError),
    #[error("kunde inte skapa svarsbilagan: {0}")]
    Svarsbilaga(rust_xlsxwriter::XlsxError),
    #[error("kunde inte skapa kravbilagan som DOCX: {0}")]
    Docx(#[from] crate::docx::DocxError),
}

/// What a build did: the check it ran, and what it wrote (nothing when `check` found errors).
pub struct Built {
    pub checked: Checked,
    pub written: Option<Written>,
    /// Pages and PDFs taken unchanged from the previous build.
    pub reused: Reused,
    /// Files hard-linked from the previous output rather than written.
    pub linked: usize,
    /// Phase names and their durations in milliseconds, for the log.
    pub timings: Vec<(&'static str, u128)>,
}

/// What a build wrote, counted from the file list, for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    /// `.html` files.
    pub pages: usize,
    pub pdfs: usize,
}

impl Written {
    pub fn count(files: &[write::OutputFile]) -> Written {
        let with = |ext: &str| files.iter().filter(|f| f.path.ends_with(ext)).count();
        Written { files: files.len(), pages: with(".html"), pdfs: with(".pdf") }
    }
}

/// How much of a render came from the cache instead of being made again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reused {
    pub pages: usize,
    pub pdfs: usize,
    /// The pages and PDFs that were made again, sorted.
    pub made: Vec<String>,
}

/// A site built in memory: what `check` found, and the files when there were no errors.
pub struct Rendered {
    pub checked: Checked,
    /// Sorted by path; `None` when the content or a template has errors.
    pub files: Option<Vec<write::OutputFile>>,
    pub reused: Reused,
    /// Phase names and their durations in milliseconds, for the log.
    pub timings: Vec<(&'static str, u128)>,
}

/// What a build or a render varies, in one place.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// The project folder, with `content/policy.toml`.
    pub root: &'a Path,
    /// "Now" for every date rule.
    pub today: Datum,
    /// Internal, or the open extract with secret parts masked.
    pub profil: Profil,
    /// Reuse what the previous build in the output folder made from the same inputs;
    /// `false` builds everything anew.
    pub incremental: bool,
    /// Told about each typeset PDF (done, total): the long phase.
    pub progress: pdf::Progress<'a>,
}

impl<'a> Options<'a> {
    /// The internal profile, incremental, with no progress report.
    pub fn new(root: &'a Path, today: Datum) -> Self {
        Options { root, today, profil: Profil::Intern, incremental: true, progress: &no_progress }
    }
}

fn no_progress(_: usize, _: usize) {}

/// Runs one phase and notes how long it took, for `--verbose`.
fn timed<T>(timings: &mut Vec<(&'static str, u128)>, phase: &'static str, run: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = run();
    timings.push((phase, t.elapsed().as_millis()));
    out
}

/// The whole pipeline: load → validate → derive → render → write. Errors in the content
/// stop before anything is written, so `out_dir` keeps the last good site.
pub fn build(opts: &Options, out_dir: &Path) -> Result<Built, BuildError> {
    let cache = if opts.incremental { Cache::from_output(out_dir) } else { Cache::empty() };
    let staging = write::Staging::new(out_dir, &cache);
    let Rendered { checked, files, reused, mut timings } = render(opts, &cache, Some(&staging))?;
    let Some(files) = files else {
        return Ok(Built { checked, written: None, reused, linked: 0, timings });
    };
    let stats = timed(&mut timings, "skriv", || staging.finish(&files))?;
    Ok(Built { checked, written: Some(Written::count(&files)), reused, linked: stats.linked, timings })
}

/// Load → validate → derive → render, into memory, one phase a line. `build` writes the
/// result; `serve` serves it. Unchanged pages and PDFs come from `cache`. The open
/// profile masks secret parts before anything renders, and gives no files if masked text
/// still turns up in the output. With `staging`, each PDF is stored there as soon as it
/// is made, and the returned file keeps only its name and hash.
pub fn render(opts: &Options, cache: &Cache, staging: Option<&write::Staging>) -> Result<Rendered, BuildError> {
    let mut timings = Vec::new();
    let mut checked = timed(&mut timings, "läs, validera, härled", || {
        crate::check_in(opts.root, opts.today, cache.memo(), Some(cache.historik()))
    })?;
    let Some(policy) = checked.policy.as_ref().filter(|_| checked.errors() == 0) else {
        return Ok(Rendered { checked, files: None, reused: Reused::default(), timings });
    };
    let t = Instant::now();
    let hemliga = maskering::tillampa(policy, &mut checked.items, opts.profil, opts.today);
    let site = crate::view::Site {
        policy,
        items: &checked.items,
        sidor: &checked.sidor,
        today: opts.today,
        historik: &checked.historik,
        profil: opts.profil,
    };
    let base = keys::site(policy, opts.profil.oppen());
    let typ = pdf::templates(opts.root, cache.memo())?;
    let tera = crate::render::templates(opts.root, cache.memo());
    let sidor: Vec<(&str, &str)> = site.sidor.iter().map(|s| (s.slug.as_str(), s.meta.titel.as_str())).collect();
    let page_keys =
        |fingerprint| keys::PageKeys::new(&base, fingerprint, site.today, &format!("{:?}", site.historik), &sidor);
    let html =
        match tera.and_then(|tera| crate::render::render_site(&site, &tera, cache, &page_keys(tera.fingerprint()))) {
            Ok(html) => html,
            Err(e) => {
                // A broken page template is reported like a broken record, and nothing is written.
                let found = e.diagnostics(opts.root, &mut checked.sources);
                checked.diagnostics.extend(found);
                return Ok(Rendered { checked, files: None, reused: Reused::default(), timings });
            }
        };
    let mut reused = Reused { pages: html.reused, ..Reused::default() };
    let mut files = html.files;
    files.push(calendar(&site, cache));
    let svarsbilaga =
        |item: &crate::Item, datum| crate::svarsbilaga::fil(&site, item, datum).map_err(BuildError::Svarsbilaga);
    files.extend(procurements(&site, cache, &base, crate::view::SVARSBILAGA, &svarsbilaga)?);
    let docx = |item: &crate::Item, datum| Ok(crate::docx::fil(&site, item, datum)?);
    files.extend(procurements(&site, cache, &base, crate::view::KRAVBILAGA_DOCX, &docx)?);
    for (name, schema) in [("bedomning", schema::bedomning(policy)), ("policy", schema::policy())] {
        let json = serde_json::to_vec_pretty(&schema).expect("a schema serialises");
        files.push(write::OutputFile::new(format!("schema/{name}.schema.json"), json));
    }
    timings.push(("rendera HTML", t.elapsed().as_millis()));
    let lackor = leaks(&site, &hemliga, &files, &checked.items);
    if !lackor.is_empty() {
        checked.diagnostics.extend(lackor);
        return Ok(Rendered { checked, files: None, reused: Reused::default(), timings });
    }
    let pdfs = timed(&mut timings, "sätt PDF", || {
        pdf::render_pdfs(&site, &typ, cache, &keys::DocKeys::new(&base, typ.fingerprint()), opts.progress, staging)
    });
    match pdfs {
        Ok(pdfs) => {
            reused.pdfs = pdfs.reused;
            files.extend(pdfs.files);
        }
        Err(errors) => {
            // A broken template is reported like a broken record, and nothing is written.
            for e in errors {
                let file = checked.sources.add(e.file, e.text);
                let mut d = Diagnostic::error("typst-template", file, e.message).at(e.span, "här");
                for hint in e.hints {
                    d = d.note(hint);
                }
                checked.diagnostics.push(d);
            }
            return Ok(Rendered { checked, files: None, reused, timings });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    reused.made = files.iter().filter(|f| f.key.is_some() && !f.cached).map(|f| f.path.clone()).collect();
    Ok(Rendered { checked, files: Some(files), reused, timings })
}

/// Defence in depth: masking happened once, in the data; look for any secret text that
/// still reached a page or a document's data anyway, before typesetting anything.
/// Lazily, one document's data at a time, so memory stays bounded; `sok` reads none of it
/// when nothing is masked.
fn leaks(
    site: &crate::view::Site,
    hemliga: &[maskering::Hemlighet],
    files: &[write::OutputFile],
    items: &[std::sync::Arc<crate::Item>],
) -> Vec<Diagnostic> {
    let tables = if hemliga.is_empty() { serde_json::Value::Null } else { pdf::data::policy_tables(site.policy) };
    let pdf_texts = pdf::job_iter(site, &tables).map(|j| (j.path.clone(), maskering::json_text(&j.data())));
    let texts = files
        .iter()
        .filter_map(|f| std::str::from_utf8(&f.bytes).ok().map(|text| (f.path.clone(), text.to_owned())))
        .chain(pdf_texts)
        .chain(if hemliga.is_empty() { Vec::new() } else { maskering::harledda_texter(items) });
    maskering::sok(hemliga, texts)
}

/// A file beside each procurement's PDFs that code makes from the assessment alone (the
/// svarsbilaga, the kravbilaga as DOCX): found by the assessment's key, made only when it
/// changed, so that an edit in `serve` does not remake a thousand of them.
type Make<'a> = &'a (dyn Fn(&crate::Item, Datum) -> Result<Vec<u8>, BuildError> + Sync);

fn procurements(
    site: &crate::view::Site,
    cache: &Cache,
    base: &keys::KeyBuilder,
    fil: &str,
    make: Make,
) -> Result<Vec<write::OutputFile>, BuildError> {
    use rayon::prelude::*;
    site.items
        .par_iter()
        .filter(|i| crate::view::har_svarsbilaga(i))
        .map(|item| {
            let path = format!("bedomningar/{}/{fil}", item.slug);
            let datum = crate::view::handlingsdatum(item, site.today);
            let input = keys::item_file(base, item.key, &path, datum);
            let file = match cache.find(&path, input) {
                Some((key, bytes, hash)) => write::OutputFile::reused(path, bytes, key, hash),
                None => write::OutputFile::keyed(path, make(item, datum)?, input),
            };
            Ok(file.with_input(input))
        })
        .collect()
}

/// The review calendar. Its events are cheap to list and costly to write out; the file is
/// found by its events, so a rebuild that leaves them alone reuses it.
fn calendar(site: &crate::view::Site, cache: &Cache) -> write::OutputFile {
    let (name, events) = kalender::handelser(site);
    let dates: Vec<String> = events.iter().map(|e| e.datum.to_string()).collect();
    let parts = events
        .iter()
        .zip(&dates)
        .map(|(e, d)| [d.as_bytes(), e.uid.as_bytes(), e.rubrik.as_bytes(), e.text.as_bytes()]);
    let input = keys::calendar(kalender::FIL, &name, parts);
    match cache.find(kalender::FIL, input) {
        Some((key, bytes, hash)) => write::OutputFile::reused(kalender::FIL, bytes, key, hash),
        None => kalender::render_calendar(&name, &events),
    }
    .with_input(input)
}
