//! Stages 4 and 5: render what `check` derived into the site and the PDFs, in memory, and
//! write it out. Only in the `full` build.

use std::path::Path;
use std::time::Instant;

use crate::cache::{Cache, KeyBuilder};
use crate::diagnostic::Diagnostic;
use crate::model::Datum;
use crate::sekretess::{self, Profil};
use crate::{Checked, kalender, load, pdf, schema, write};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    PdfTemplate(#[from] pdf::TemplateReadError),
    #[error(transparent)]
    Write(#[from] write::WriteError),
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

/// Load → validate → derive → render, into memory. `build` writes the result; `serve`
/// serves it.
pub fn render(root: &Path, today: Datum) -> Result<Rendered, BuildError> {
    render_with(root, today, Profil::Intern, &Cache::empty(), &|_, _| {}, None)
}

/// [`render`] for a publication profile, taking unchanged pages and PDFs from `cache` and
/// reporting each PDF to `progress` (the long phase). The open profile masks secret parts
/// before anything renders, and writes nothing if masked text still turns up in the output.
/// With `staging`, each PDF is stored there as soon as it is made, and the returned file
/// keeps only its name and hash.
pub fn render_with(
    root: &Path,
    today: Datum,
    profil: Profil,
    cache: &Cache,
    progress: pdf::Progress,
    staging: Option<&write::Staging>,
) -> Result<Rendered, BuildError> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let mut checked = crate::check_with(root, today, cache.memo())?;
    timings.push(("läs, validera, härled", t.elapsed().as_millis()));
    let Some(policy) = checked.policy.as_ref().filter(|_| checked.errors() == 0) else {
        return Ok(Rendered { checked, files: None, reused: Reused::default(), timings });
    };
    let t = Instant::now();
    let hemliga = sekretess::tillampa(policy, &mut checked.items, profil, today);
    let tera = crate::render::templates_with(root, cache.memo())?;
    let typ = pdf::templates_with(root, cache.memo())?;
    let site = crate::render::Site {
        policy,
        items: &checked.items,
        sidor: &checked.sidor,
        today,
        historik: &checked.historik,
        profil,
    };
    // Every page and PDF depends on the policy, so any change to it rebuilds them all; and
    // on the profile, so an internal page is never reused in an open extract.
    let mut base = KeyBuilder::new("site");
    base.part(&serde_json::to_vec(policy).expect("the policy serialises"));
    base.part(if profil.oppen() { b"oppen" } else { b"intern" });
    let html = crate::render::render_site(&site, &tera, cache, &base)?;
    let mut reused = Reused { pages: html.reused, ..Reused::default() };
    let mut files = html.files;
    files.push(calendar(&site, cache));
    for (name, schema) in [("bedomning", schema::bedomning(policy)), ("policy", schema::policy())] {
        let json = serde_json::to_vec_pretty(&schema).expect("a schema serialises");
        files.push(write::OutputFile::new(format!("schema/{name}.schema.json"), json));
    }
    timings.push(("rendera HTML", t.elapsed().as_millis()));
    // Defence in depth: masking happened once, in the data; look for any secret text that
    // still reached a page or a document's data anyway, before typesetting anything.
    // Lazily, one document's data at a time as typesetting makes them, so memory stays
    // bounded; `sok` reads none of it when nothing is masked.
    let tables = if hemliga.is_empty() { serde_json::Value::Null } else { pdf::data::policy_tables(policy) };
    let pdf_texts = pdf::job_iter(&site, &tables).map(|j| (j.path.clone(), sekretess::json_text(&j.data())));
    let texts = files
        .iter()
        .filter_map(|f| std::str::from_utf8(&f.bytes).ok().map(|text| (f.path.clone(), text.to_owned())))
        .chain(pdf_texts)
        .chain(if hemliga.is_empty() { Vec::new() } else { sekretess::harledda_texter(&checked.items) });
    let lackor = sekretess::sok(&hemliga, texts);
    if !lackor.is_empty() {
        checked.diagnostics.extend(lackor);
        return Ok(Rendered { checked, files: None, reused: Reused::default(), timings });
    }
    let t = Instant::now();
    let keep = |f| match staging {
        Some(s) => s.put(f),
        None => f,
    };
    let pdfs = pdf::render_pdfs(&site, &typ, cache, &base, progress, &keep);
    timings.push(("sätt PDF", t.elapsed().as_millis()));
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

/// The whole pipeline: load → validate → derive → render → write. Errors in the content
/// stop before anything is written, so `out_dir` keeps the last good site. What the
/// previous build in `out_dir` made from the same inputs is reused.
pub fn build(root: &Path, out_dir: &Path, today: Datum) -> Result<Built, BuildError> {
    build_with(root, out_dir, today, Profil::Intern, true, &|_, _| {})
}

/// [`build`] for a publication profile, incremental or from scratch, reporting each
/// typeset PDF to `progress`.
pub fn build_with(
    root: &Path,
    out_dir: &Path,
    today: Datum,
    profil: Profil,
    incremental: bool,
    progress: pdf::Progress,
) -> Result<Built, BuildError> {
    let cache = if incremental { Cache::from_output(out_dir) } else { Cache::empty() };
    let staging = write::Staging::new(out_dir, &cache);
    let Rendered { checked, files, reused, mut timings } =
        render_with(root, today, profil, &cache, progress, Some(&staging))?;
    let Some(files) = files else {
        return Ok(Built { checked, written: None, reused, linked: 0, timings });
    };
    let t = Instant::now();
    let stats = staging.finish(&files)?;
    timings.push(("skriv", t.elapsed().as_millis()));
    Ok(Built { checked, written: Some(Written::count(&files)), reused, linked: stats.linked, timings })
}

/// The review calendar. Its events are cheap to list and costly to write out; the file is
/// found by its events, so a rebuild that leaves them alone reuses it.
fn calendar(site: &crate::render::Site, cache: &Cache) -> write::OutputFile {
    let (name, events) = kalender::handelser(site);
    let mut input = KeyBuilder::new(kalender::FIL);
    input.part(&crate::cache::build_id().to_le_bytes()).part(name.as_bytes());
    for e in &events {
        input.part(e.datum.to_string().as_bytes()).part(e.uid.as_bytes()).part(e.rubrik.as_bytes());
        input.part(e.text.as_bytes());
    }
    let input = input.finish();
    match cache.find(kalender::FIL, input) {
        Some((key, bytes, hash)) => write::OutputFile::reused(kalender::FIL, bytes, key, hash),
        None => kalender::render_calendar(&name, &events),
    }
    .with_input(input)
}
