//! Diagnostics for the person editing the TOML: file, line, column, the value, and what
//! would be accepted. Every stage adds to one list so that a run reports everything.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// Neither an error nor a warning: what comes next (`--strict` does not fail on it).
    Note,
}

/// Index into [`Sources`].
pub type FileId = usize;

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, greppable code, e.g. `unknown-key`.
    pub code: &'static str,
    pub message: String,
    pub file: FileId,
    pub span: Option<Range<usize>>,
    /// Text under the caret.
    pub label: String,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: FileId, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file,
            span: None,
            label: String::new(),
            notes: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, file: FileId, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, file, message) }
    }

    pub fn info(code: &'static str, file: FileId, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Note, ..Diagnostic::error(code, file, message) }
    }

    pub fn at(mut self, span: Option<Range<usize>>, label: impl Into<String>) -> Self {
        self.span = span;
        self.label = label.into();
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// The text of every file read, kept so that diagnostics can quote it.
#[derive(Default, Clone)]
pub struct Sources {
    files: SimpleFiles<String, String>,
    count: usize,
}

impl Sources {
    pub fn add(&mut self, name: String, text: String) -> FileId {
        self.count += 1;
        self.files.add(name, text)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files.get(id).map(|f| f.name().as_str()).unwrap_or("?")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files.get(id).map(|f| f.source().as_str()).unwrap_or("")
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(id);
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// Renders diagnostics as plain text in a stable order: by file, then position.
    pub fn render(&self, diagnostics: &[Diagnostic]) -> String {
        let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
        sorted.sort_by_key(|d| (self.name(d.file).to_owned(), d.span.as_ref().map(|s| s.start), d.severity, d.code));
        let config = term::Config::default();
        let mut out = String::new();
        for d in sorted {
            let mut cs = match d.severity {
                Severity::Error => CsDiagnostic::error(),
                Severity::Warning => CsDiagnostic::warning(),
                Severity::Note => CsDiagnostic::note(),
            }
            .with_code(d.code)
            .with_message(&d.message)
            .with_notes(d.notes.clone());
            // codespan prints the location only through a label, so a file-level
            // diagnostic points at the start of the file.
            let span = d.span.clone().unwrap_or(0..0);
            cs = cs.with_labels(vec![Label::primary(d.file, span).with_message(&d.label)]);
            match term::emit_into_string(&config, &self.files, &cs) {
                Ok(text) => out.push_str(&text),
                Err(e) => {
                    out.push_str(&format!("{}: {} (kunde inte visa källtexten: {e})\n", self.name(d.file), d.message))
                }
            }
        }
        // Once, here, for the file names, keys, values and source lines in every message.
        terminal(&out).into_owned()
    }
}

/// `text` made safe to print on a terminal: every control character but the line break
/// and the tab, and every bidi control, is shown escaped (ESC as `\u{1b}`). A file name,
/// key or value from a hostile record could otherwise retitle the terminal, write the
/// clipboard or make a line read differently from what it is.
pub fn terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    };
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Errors and warnings, for the closing line; notes count as neither.
pub fn summary(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    (count(Severity::Error), count(Severity::Warning))
}

/// The closest candidate to a misspelt word, if any is close enough to be a likely typo.
/// Diacritics are folded first: keys are ASCII, and `nivå` for `niva` is the common slip.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let folded = fold(word);
    candidates
        .into_iter()
        .map(|c| (c, strsim::jaro_winkler(&folded, &fold(c))))
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' | 'à' | 'á' => 'a',
            'ö' | 'ø' => 'o',
            'é' | 'è' => 'e',
            '-' => '_',
            other => other,
        })
        .collect()
}

/// "`a`, `b` eller `c`": the accepted values, as a note reads them.
pub fn one_of<S: AsRef<str>>(values: &[S]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{}`", v.as_ref())).collect();
    match quoted.len() {
        0 => "inget värde".to_owned(),
        1 => quoted[0].clone(),
        n => format!("{} eller {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_and_folds_diacritics() {
        assert_eq!(did_you_mean("nivå", ["niva", "namn"]), Some("niva"));
        assert_eq!(did_you_mean("leverantr", ["leverantor", "lamplighet"]), Some("leverantor"));
        assert_eq!(did_you_mean("xyz", ["leverantor", "lamplighet"]), None);
    }

    #[test]
    fn lists_accepted_values_in_swedish() {
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` eller `c`");
    }
}
