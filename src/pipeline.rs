//! Stages 4 and 5: render what `check` derived into the site and the PDFs, in memory, and
//! write it out. Only in the `full` build.

use std::path::Path;
use std::time::Instant;

use crate::diagnostic::Diagnostic;
use crate::model::Datum;
use crate::render::{RenderError, Site, render_site};
use crate::{Checked, check, kalender, load, pdf, schema, write};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    PdfTemplate(#[from] pdf::TemplateReadError),
    #[error(transparent)]
    Write(#[from] write::WriteError),
}

/// What a build did: the check it ran, and what it wrote (nothing when `check` found errors).
pub struct Built {
    pub checked: Checked,
    pub written: Option<Written>,
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

/// A site built in memory: what `check` found, and the files when there were no errors.
pub struct Rendered {
    pub checked: Checked,
    /// Sorted by path; `None` when the content or a template has errors.
    pub files: Option<Vec<write::OutputFile>>,
    /// Phase names and their durations in milliseconds, for the log.
    pub timings: Vec<(&'static str, u128)>,
}

/// Load → validate → derive → render, into memory. `build` writes the result; `serve`
/// serves it.
pub fn render(root: &Path, today: Datum) -> Result<Rendered, BuildError> {
    render_with(root, today, &|_, _| {})
}

/// [`render`], reporting each typeset PDF to `progress` (the long phase).
pub fn render_with(root: &Path, today: Datum, progress: pdf::Progress) -> Result<Rendered, BuildError> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let mut checked = check(root, today)?;
    timings.push(("läs, validera, härled", t.elapsed().as_millis()));
    let Some(policy) = checked.policy.as_ref().filter(|_| checked.errors() == 0) else {
        return Ok(Rendered { checked, files: None, timings });
    };
    let t = Instant::now();
    let tera = crate::render::templates(root)?;
    let typ = pdf::templates(root)?;
    let site = Site { policy, items: &checked.items, sidor: &checked.sidor, today, historik: &checked.historik };
    let mut files = render_site(&site, &tera)?;
    files.push(kalender::render_calendar(&site));
    for (name, schema) in [("bedomning", schema::bedomning(policy)), ("policy", schema::policy())] {
        let json = serde_json::to_vec_pretty(&schema).expect("a schema serialises");
        files.push(write::OutputFile::new(format!("schema/{name}.schema.json"), json));
    }
    timings.push(("rendera HTML", t.elapsed().as_millis()));
    let t = Instant::now();
    let pdfs = pdf::render_pdfs(&site, &typ, progress);
    timings.push(("sätt PDF", t.elapsed().as_millis()));
    match pdfs {
        Ok(pdfs) => files.extend(pdfs),
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
            return Ok(Rendered { checked, files: None, timings });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered { checked, files: Some(files), timings })
}

/// The whole pipeline: load → validate → derive → render → write. Errors in the content
/// stop before anything is written, so `out_dir` keeps the last good site.
pub fn build(root: &Path, out_dir: &Path, today: Datum) -> Result<Built, BuildError> {
    build_with(root, out_dir, today, &|_, _| {})
}

/// [`build`], reporting each typeset PDF to `progress`.
pub fn build_with(root: &Path, out_dir: &Path, today: Datum, progress: pdf::Progress) -> Result<Built, BuildError> {
    let Rendered { checked, files, mut timings } = render_with(root, today, progress)?;
    let Some(files) = files else {
        return Ok(Built { checked, written: None, timings });
    };
    let t = Instant::now();
    write::write_output(out_dir, &files)?;
    timings.push(("skriv", t.elapsed().as_millis()));
    Ok(Built { checked, written: Some(Written::count(&files)), timings })
}
