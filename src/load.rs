//! Stage 1: read the policy source and the assessments from disk.
//!
//! Each file is parsed once into a spanned TOML tree. The tree is checked against the
//! JSON Schema of its Rust type, so that every unknown key, wrong type and missing field
//! is reported with its position, not just the first one serde meets. Then the same
//! tree is deserialised into the typed record.

use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, FileId, Sources, did_you_mean, one_of};
use crate::model::{Bedomning, Policy};
use std::sync::Arc;

/// Where the content lives, relative to the project root.
pub const POLICY_FILE: &str = "content/policy.toml";
pub const BEDOMNING_DIR: &str = "content/bedomningar";

/// One parsed TOML file: its source id, its spanned tree, and the typed value when the
/// file was well-formed.
#[derive(Clone)]
pub struct Loaded<T> {
    pub file: FileId,
    pub spans: SpanIndex,
    pub value: Option<T>,
}

impl<T> Loaded<T> {
    /// The span of the value at `path`, or of the nearest existing parent.
    pub fn span(&self, path: &[Seg]) -> Option<Range<usize>> {
        self.spans.find(path, false)
    }

    /// The span of the key at `path` (falls back like [`Loaded::span`]).
    pub fn key_span(&self, path: &[Seg]) -> Option<Range<usize>> {
        self.spans.find(path, true)
    }
}

/// Positions of every key and value in a file, by dotted path, so that later stages can
/// point at what they complain about without holding the parse tree.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    entries: std::collections::HashMap<String, (Range<usize>, Range<usize>)>,
}

impl SpanIndex {
    fn build(table: &DeTable<'_>) -> SpanIndex {
        let mut index = SpanIndex::default();
        index.add_table(table, &mut Vec::new());
        index
    }

    fn add_table(&mut self, table: &DeTable<'_>, path: &mut Vec<Seg>) {
        for (key, value) in table {
            path.push(Seg::Key(key.get_ref().to_string()));
            self.entries.insert(dotted(path), (key.span(), value.span()));
            self.add_value(value, path);
            path.pop();
        }
    }

    fn add_value(&mut self, value: &Spanned<DeValue<'_>>, path: &mut Vec<Seg>) {
        match value.get_ref() {
            DeValue::Table(t) => self.add_table(t, path),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    self.entries.insert(dotted(path), (item.span(), item.span()));
                    self.add_value(item, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// The dotted path of the innermost key or value whose text holds `span`: where in the
    /// record a diagnostic points (`serve`'s edit form shows it at that field).
    pub fn path_at(&self, span: &Range<usize>) -> Option<String> {
        let holds = |r: &Range<usize>| r.start <= span.start && span.end <= r.end;
        self.entries
            .iter()
            .filter_map(|(path, (key, value))| {
                let whole = key.start.min(value.start)..key.end.max(value.end);
                holds(&whole).then(|| (whole.len(), path))
            })
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.len().cmp(&a.1.len())).then_with(|| a.1.cmp(b.1)))
            .map(|(_, path)| path.clone())
    }

    fn find(&self, path: &[Seg], want_key: bool) -> Option<Range<usize>> {
        (1..=path.len()).rev().find_map(|n| {
            let (key, value) = self.entries.get(&dotted(&path[..n]))?;
            Some(if want_key && n == path.len() { key.clone() } else { value.clone() })
        })
    }
}

/// The loaded content of one project.
#[derive(Clone)]
pub struct Content {
    pub root: PathBuf,
    pub sources: Sources,
    pub policy: Loaded<Policy>,
    /// Shared with `serve`'s memo, which keeps each unchanged file's parse.
    pub bedomningar: Vec<Arc<Loaded<Bedomning>>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a whole project. I/O failures that make the project unreadable are errors;
/// everything wrong inside a file becomes a diagnostic. Each unchanged file's parse is
/// taken from `memo` instead of being made again.
pub fn load(root: &Path, memo: Option<&crate::memo::Memo>) -> Result<Content, LoadError> {
    let mut sources = Sources::default();
    let mut diagnostics = Vec::new();

    let policy_path = root.join(POLICY_FILE);
    let policy = read_parse::<Policy>(&mut sources, &mut diagnostics, &policy_path, POLICY_FILE.to_owned())?;

    let dir = root.join(BEDOMNING_DIR);
    let mut files = Vec::new();
    // A missing folder, or a file in its place, would publish an empty register.
    if !std::fs::metadata(&dir).is_ok_and(|m| m.is_dir()) {
        let what = if dir.exists() { "är ingen mapp" } else { "saknas" };
        let file = sources.add(BEDOMNING_DIR.to_owned(), String::new());
        diagnostics.push(
            Diagnostic::error("missing-folder", file, format!("`{BEDOMNING_DIR}` {what}"))
                .at(Some(0..0), "här ska bedömningarna ligga")
                .note(format!("skapa mappen `{BEDOMNING_DIR}` med en TOML-fil per bedömning; `molnkoll new` gör en")),
        );
    } else {
        let inside = std::fs::canonicalize(root).ok();
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| LoadError::Walk(dir.clone(), e.to_string()))?;
            let toml = entry.path().extension().is_some_and(|e| e == "toml");
            // A linked folder is not walked (a loop, or a folder outside), but said.
            let linked_dir = entry.path_is_symlink() && entry.path().is_dir();
            if !toml && !linked_dir {
                continue;
            }
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            } else if !entry.path_is_symlink() && !entry.file_type().is_dir() {
                // A FIFO or a device would hang the read or never end.
                let file = sources.add(display_name(root, entry.path()), String::new());
                diagnostics.push(
                    Diagnostic::error("unreadable-file", file, "filen kan inte läsas: ingen vanlig fil")
                        .at(Some(0..0), "lästes inte"),
                );
            } else if entry.path_is_symlink() {
                // Followed when it leads to a file in the project, so that nothing outside
                // it is published; anything else is said, not skipped.
                let target = std::fs::canonicalize(entry.path()).ok();
                let ok = !linked_dir
                    && target
                        .as_ref()
                        .is_some_and(|t| inside.as_ref().is_some_and(|r| t.starts_with(r)) && t.is_file());
                if ok {
                    files.push(entry.into_path());
                } else {
                    let name = display_name(root, entry.path());
                    let file = sources.add(name, String::new());
                    let why = match &target {
                        None => "pekar på något som inte finns".to_owned(),
                        Some(t) if !inside.as_ref().is_some_and(|r| t.starts_with(r)) => {
                            "pekar utanför projektmappen".to_owned()
                        }
                        Some(_) => "pekar inte på en vanlig fil".to_owned(),
                    };
                    diagnostics.push(
                        Diagnostic::error("symlink-refused", file, format!("den symboliska länken {why}"))
                            .at(Some(0..0), "lästes inte")
                            .note("en länk läses bara när den leder till en fil inne i projektmappen; lägg filen där"),
                    );
                }
            }
        }
    }
    // Read in order, so file ids and diagnostics stay stable; parse in parallel, the part
    // that costs, against a schema made once.
    // Reading is bound by latency more than by the processor, so it goes in parallel too.
    let bytes: Vec<_> = files.par_iter().map(|path| read_limited(path, MAX_FILE_BYTES)).collect();
    let mut read = Vec::with_capacity(files.len());
    for (path, bytes) in files.iter().zip(bytes) {
        let name = display_name(root, path);
        match bytes {
            Err(e) => {
                // One unreadable record is said, and the others are still judged.
                let file = sources.add(name, String::new());
                diagnostics.push(
                    Diagnostic::error("unreadable-file", file, format!("filen kan inte läsas: {e}"))
                        .at(Some(0..0), "lästes inte"),
                );
            }
            Ok(Err(size)) => read.push(Err(too_large::<Bedomning>(&mut sources, &mut diagnostics, name, size))),
            Ok(Ok(bytes)) => {
                let (text, bad) = utf8(bytes);
                read.push(Ok((sources.add(name, text), bad)));
            }
        }
    }
    let schema = schemars::schema_for!(Bedomning);
    let kept = memo.map(crate::memo::Memo::table::<Parsed>);
    let parsed: Vec<(Arc<Loaded<Bedomning>>, Vec<Diagnostic>)> = read
        .into_par_iter()
        .map(|r| match r {
            Err(too_large) => (Arc::new(too_large), Vec::new()),
            Ok((file, bad)) => {
                let parse = || {
                    let (loaded, mut diagnostics) = parse_text::<Bedomning>(&sources, file, schema.as_value());
                    invalid_utf8(&mut diagnostics, file, bad);
                    Parsed { loaded: Arc::new(loaded), diagnostics }
                };
                let Some(kept) = &kept else {
                    let p = parse();
                    return (p.loaded, p.diagnostics);
                };
                // The file's id is part of the key, so a kept parse is shared as it is; ids
                // only move when a file is added or removed before it.
                let key = crate::keys::parse(file as u64, sources.name(file), sources.text(file), bad);
                let kept = kept.get_or(key, parse);
                (kept.loaded, kept.diagnostics)
            }
        })
        .collect();
    let mut bedomningar = Vec::with_capacity(parsed.len());
    for (loaded, found) in parsed {
        diagnostics.extend(found);
        bedomningar.push(loaded);
    }

    Ok(Content { root: root.to_owned(), sources, policy, bedomningar, diagnostics })
}

/// A parsed assessment, and what parsing it found: what `serve`'s memo keeps of a file.
#[derive(Clone)]
pub struct Parsed {
    pub loaded: Arc<Loaded<Bedomning>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The largest TOML file read, in bytes: far above any real assessment (the shipped ones
/// are under 20 KiB), low enough that a pasted dump cannot slow every build.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Failures that stop a run before any file can be judged.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("hittar inte {0}: kör molnkoll i en projektmapp som har {POLICY_FILE}, eller ange mappen med --root")]
    Missing(PathBuf),
    #[error("kan inte läsa {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("kan inte gå igenom {0}: {1}")]
    Walk(PathBuf, String),
}

/// Reads and parses one TOML file, or reports it as too large without reading it.
fn read_parse<T: DeserializeOwned + JsonSchema>(
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
    path: &Path,
    name: String,
) -> Result<Loaded<T>, LoadError> {
    let bytes = read_limited(path, MAX_FILE_BYTES).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::Missing(path.to_owned()),
        _ => LoadError::Read(path.to_owned(), e),
    })?;
    match bytes {
        Ok(bytes) => Ok(parse_bytes(sources, diagnostics, name, bytes)),
        Err(size) => Ok(too_large(sources, diagnostics, name, size)),
    }
}

/// Reads a regular file, bounded by the bytes actually read: `Ok(Err(size))` when it holds
/// more than `limit`. The size that metadata reports is not trusted (`/dev/zero` says 0),
/// and a FIFO, a device or a folder is an error before it is opened, so nothing hangs.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    use std::io::Read;
    let not_a_file = || std::io::Error::new(std::io::ErrorKind::InvalidInput, "ingen vanlig fil");
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_a_file());
    }
    let file = std::fs::File::open(path)?;
    // Again on what was opened, in case the path changed in between.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_a_file());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Err(meta.len().max(limit + 1)));
    }
    Ok(Ok(bytes))
}

/// [`read_limited`] as one I/O result, for templates and pages: too large is an error.
pub fn read_text_limited(path: &Path) -> std::io::Result<String> {
    match read_limited(path, MAX_FILE_BYTES)? {
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
        Err(size) => Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("filen är {size} byte; högst {MAX_FILE_BYTES} byte (1 MiB) tillåts"),
        )),
    }
}

/// Content held in memory, loaded as [`load`] loads it from disk: the policy source and
/// assessments as (name relative to the project root, bytes).
pub fn from_bytes(policy: &[u8], bedomningar: &[(&str, &[u8])]) -> Content {
    let mut sources = Sources::default();
    let mut diagnostics = Vec::new();
    let policy = parse_bytes::<Policy>(&mut sources, &mut diagnostics, POLICY_FILE.to_owned(), policy.to_vec());
    let mut content = Content { root: PathBuf::new(), sources, policy, bedomningar: Vec::new(), diagnostics };
    for (name, bytes) in bedomningar {
        content.add_bedomning(name, bytes);
    }
    content
}

impl Content {
    /// Loads one more assessment from memory, as [`load`] loads each file.
    pub fn add_bedomning(&mut self, name: &str, bytes: &[u8]) {
        let loaded = parse_bytes(&mut self.sources, &mut self.diagnostics, name.to_owned(), bytes.to_vec());
        self.bedomningar.push(Arc::new(loaded));
    }
}

/// Parses one file's bytes: the size limit, UTF-8, then [`parse`].
pub fn parse_bytes<T: DeserializeOwned + JsonSchema>(
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
    name: String,
    bytes: Vec<u8>,
) -> Loaded<T> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return too_large(sources, diagnostics, name, bytes.len() as u64);
    }
    let (text, bad) = utf8(bytes);
    let loaded = parse::<T>(sources, diagnostics, name, text);
    invalid_utf8(diagnostics, loaded.file, bad);
    loaded
}

/// The text, and the byte offset of the first invalid UTF-8 sequence if any. Invalid
/// UTF-8 is a content problem, not an I/O one: keep going with a lossy copy so the other
/// diagnostics still come, and report the bad bytes as an error of their own. The parser
/// takes the replacement character inside a string, so it would not notice.
fn utf8(bytes: Vec<u8>) -> (String, Option<usize>) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    }
}

/// A file above [`MAX_FILE_BYTES`]: an error, and nothing parsed.
fn too_large<T>(sources: &mut Sources, diagnostics: &mut Vec<Diagnostic>, name: String, size: u64) -> Loaded<T> {
    let file = sources.add(name, String::new());
    diagnostics.push(
        Diagnostic::error(
            "file-too-large",
            file,
            format!("filen är {size} byte; högst {MAX_FILE_BYTES} byte (1 MiB) tillåts"),
        )
        .at(Some(0..0), "filen lästes inte")
        .note("en bedömning är text; lägg långa underlag som bilagor och hänvisa till dem"),
    );
    Loaded { file, spans: SpanIndex::default(), value: None }
}

/// The error for a file that is not valid UTF-8; `at` is a byte offset into the original,
/// which is also the offset of the first replacement character in the lossy copy.
fn invalid_utf8(diagnostics: &mut Vec<Diagnostic>, file: FileId, at: Option<usize>) {
    if let Some(at) = at {
        diagnostics.push(
            Diagnostic::error("invalid-utf8", file, "filen är inte giltig UTF-8")
                .at(Some(at..at + '\u{fffd}'.len_utf8()), "ogiltiga byte här")
                .note("spara filen som UTF-8; text som klistrats in från andra program kan ha fel teckenkodning"),
        );
    }
}

/// Forward slashes and a root-relative path, so diagnostics read the same everywhere.
fn display_name(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Parses one file: syntax, then the schema walk, then the typed value.
pub fn parse<T: DeserializeOwned + JsonSchema>(
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
    name: String,
    text: String,
) -> Loaded<T> {
    let file = sources.add(name, text);
    let schema = schemars::schema_for!(T);
    let (loaded, found) = parse_text::<T>(sources, file, schema.as_value());
    diagnostics.extend(found);
    loaded
}

/// Parses a file already in `sources` against `root`, `T`'s JSON schema: syntax, then the
/// schema walk, then the typed value. Takes `sources` shared, so files parse in parallel.
fn parse_text<T: DeserializeOwned>(
    sources: &Sources,
    file: FileId,
    root: &serde_json::Value,
) -> (Loaded<T>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let diagnostics = &mut found;
    let (tree, errors) = DeTable::parse_recoverable(sources.text(file));
    let spans = SpanIndex::build(tree.get_ref());

    if !errors.is_empty() {
        for e in errors {
            diagnostics.push(
                Diagnostic::error("toml-syntax", file, format!("TOML-syntaxfel: {}", e.message().trim()))
                    .at(e.span(), "här"),
            );
        }
        return (Loaded { file, spans, value: None }, found);
    }

    long_strings(tree.get_ref(), &mut Vec::new(), file, sources.text(file), diagnostics);

    let before = diagnostics.len();
    let mut walker = Walker { root, file, text: sources.text(file), out: diagnostics };
    walker.table(root, tree.get_ref(), tree.span(), &mut Vec::new());
    let schema_errors = diagnostics.len() > before;

    let value = match T::deserialize(toml::de::Deserializer::from(tree)) {
        Ok(v) => Some(v),
        Err(e) => {
            // The walk already said what is wrong, and said it better.
            if !schema_errors {
                diagnostics
                    .push(Diagnostic::error("invalid-value", file, e.message().trim().to_owned()).at(e.span(), "här"));
            }
            None
        }
    };
    (Loaded { file, spans, value }, found)
}

/// Whether `c` may not stand in a text field, and what to call it. NUL, ESC and the like
/// have no place in text, and Typst has no glyph for them; bidi controls make text read
/// differently from what it is; invisible characters make two names that look the same
/// different (ten suppliers that all read "Safespring AB").
pub fn forbidden_char(c: char) -> Option<&'static str> {
    match c {
        '\t' | '\n' | '\r' => None,
        c if c.is_control() => Some("styrtecknet"),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => Some("styrtecknet"),
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Some("det osynliga tecknet"),
        _ => None,
    }
}

/// Longest string value a file may hold, in characters. A pasted answer is far shorter;
/// far longer text makes Typst fail with errors that point at a template, not the file.
pub const MAX_FIELD_CHARS: usize = 10_000;

/// An error for every string value longer than [`MAX_FIELD_CHARS`] or with a control character.
fn long_strings(table: &DeTable<'_>, path: &mut Vec<Seg>, file: FileId, text: &str, out: &mut Vec<Diagnostic>) {
    fn value(v: &Spanned<DeValue<'_>>, path: &mut Vec<Seg>, file: FileId, text: &str, out: &mut Vec<Diagnostic>) {
        match v.get_ref() {
            DeValue::String(s) => {
                if let Some((c, kind)) = s.chars().find_map(|c| forbidden_char(c).map(|k| (c, k))) {
                    // At the character itself when it is written as it is, not as an escape.
                    let span = v.span();
                    let at = text
                        .get(span.clone())
                        .and_then(|raw| raw.find(c))
                        .map_or(span.clone(), |i| span.start + i..span.start + i + c.len_utf8());
                    out.push(
                        Diagnostic::error(
                            "control-character",
                            file,
                            format!("`{}` innehåller {kind} U+{:04X}", dotted(path), c as u32),
                        )
                        .at(Some(at), format!("här: `{}`", c.escape_unicode()))
                        .note("ta bort tecknet; styrtecken och tecken som vänder textriktningen syns inte och följer ofta med när text klistras in"),
                    );
                }
                let n = s.chars().count();
                if n > MAX_FIELD_CHARS {
                    out.push(
                        Diagnostic::error(
                            "field-too-long",
                            file,
                            format!("`{}` har {n} tecken; högst {MAX_FIELD_CHARS} tillåts", dotted(path)),
                        )
                        .at(Some(v.span()), "för lång")
                        .note("korta texten, eller lägg den långa texten i en bilaga och hänvisa till den"),
                    );
                }
            }
            DeValue::Table(t) => long_strings(t, path, file, text, out),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    value(item, path, file, text, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    for (key, v) in table {
        path.push(Seg::Key(key.get_ref().to_string()));
        value(v, path, file, text, out);
        path.pop();
    }
}

/// A step in a path into a TOML tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(s: &str) -> Seg {
        Seg::Key(s.to_owned())
    }
}

impl From<String> for Seg {
    fn from(s: String) -> Seg {
        Seg::Key(s)
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Seg {
        Seg::Index(i)
    }
}

/// `path!["informationsmangd", 0, "klassning"]`, an array: every use borrows it as `&[Seg]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => { [$($crate::load::Seg::from($seg)),*] };
}

/// Dotted form for messages: `informationsmangd[1].klassning.K`.
pub fn dotted(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{}]", i + 1)),
        }
    }
    out
}

/// Lists that once were a single table, and what else the conversion needs.
const LISTA_SEDAN_TABELL: &[(&str, &str)] = &[(
    "dpf",
    "en DPF-kontroll gäller en part i leverantörskedjan: ange partens namn i `organisation`, och lägg till en `[[dpf]]` för varje annan part med USA-koppling (moderbolaget, underbiträden)",
)];

/// Walks a TOML tree alongside the JSON Schema of the type it must become.
struct Walker<'a> {
    root: &'a Json,
    file: FileId,
    text: &'a str,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Walker<'a> {
    /// Follows `$ref` and strips the `null` arm of an `Option`.
    fn resolve<'s>(&self, mut schema: &'s Json) -> &'s Json
    where
        'a: 's,
    {
        loop {
            if let Some(r) = schema.get("$ref").and_then(Json::as_str) {
                let name = r.trim_start_matches("#/$defs/");
                match self.root.get("$defs").and_then(|d| d.get(name)) {
                    Some(s) => schema = s,
                    None => return schema,
                }
                continue;
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(arms) = schema.get(key).and_then(Json::as_array) {
                    let non_null: Vec<&Json> =
                        arms.iter().filter(|a| a.get("type").and_then(Json::as_str) != Some("null")).collect();
                    if non_null.len() == 1 && non_null.len() < arms.len() {
                        schema = non_null[0];
                        continue;
                    }
                }
            }
            return schema;
        }
    }

    fn table(&mut self, schema: &Json, table: &DeTable<'_>, span: Range<usize>, path: &mut Vec<Seg>) {
        let schema = self.resolve(schema);
        let props = schema.get("properties").and_then(Json::as_object);
        let extra = schema.get("additionalProperties").filter(|v| v.is_object());
        // A misspelt required key is one mistake: say "did you mean", not also "missing".
        let mut suggested = Vec::new();
        for (key, value) in table {
            let name: &str = key.get_ref();
            path.push(Seg::Key(name.to_owned()));
            match props.and_then(|p| p.get(name)).or(extra) {
                Some(sub) => self.value(sub, value, path),
                None => {
                    let known: Vec<&str> = props.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                    let mut d = Diagnostic::error("unknown-key", self.file, format!("okänd nyckel `{}`", dotted(path)))
                        .at(Some(key.span()), "okänd nyckel");
                    if let Some(s) = did_you_mean(name, known.iter().copied()) {
                        d.label = format!("menade du `{s}`?");
                        suggested.push(s.to_owned());
                    }
                    d = d.note(format!("tillåtna nycklar här: {}", one_of(&known)));
                    self.out.push(d);
                }
            }
            path.pop();
        }
        if let Some(required) = schema.get("required").and_then(Json::as_array) {
            for field in required.iter().filter_map(Json::as_str) {
                if table.get(field).is_none() && !suggested.iter().any(|s| s == field) {
                    let place = if path.is_empty() { "filen".to_owned() } else { format!("`{}`", dotted(path)) };
                    self.out.push(
                        Diagnostic::error("missing-key", self.file, format!("{place} saknar nyckeln `{field}`"))
                            .at(Some(first_char(self.text, span.start)), format!("lägg till `{field} = …`")),
                    );
                }
            }
        }
    }

    fn value(&mut self, schema: &Json, value: &Spanned<DeValue<'_>>, path: &mut Vec<Seg>) {
        let schema = self.resolve(schema);
        let expected = expected_type(schema);
        let actual = value.get_ref();
        let ok = match expected {
            Some("object") => actual.is_table(),
            Some("array") => actual.is_array(),
            Some("integer") => actual.is_integer(),
            Some("number") => actual.is_integer() || actual.is_float(),
            Some("boolean") => actual.is_bool(),
            Some("date") => actual.is_datetime(),
            Some("string") => actual.is_str(),
            _ => true,
        };
        // `[x]` where `[[x]]` is meant (a record from before DPF checks per party): say how
        // to convert, and check the one entry as the list's first, so every other mistake in
        // it shows in the same run.
        if expected == Some("array")
            && actual.is_table()
            && let Some(item) = schema.get("items").map(|i| self.resolve(i)).filter(|i| i.get("properties").is_some())
        {
            let namn = dotted(path);
            let mut d = Diagnostic::error(
                "wrong-type",
                self.file,
                format!("`{namn}` ska vara en lista av tabeller, `[[{namn}]]`, inte en enda tabell `[{namn}]`"),
            )
            .at(Some(value.span()), format!("skriv `[[{namn}]]`"));
            d = d.note(format!("skriv om rubriken `[{namn}]` till `[[{namn}]]`; varje post får en egen `[[{namn}]]`"));
            if let Some(extra) = LISTA_SEDAN_TABELL.iter().find(|(k, _)| *k == namn).map(|(_, n)| n) {
                d = d.note(*extra);
            }
            self.out.push(d);
            if let DeValue::Table(t) = actual {
                path.push(Seg::Index(0));
                self.table(item, t, value.span(), path);
                path.pop();
            }
            return;
        }
        if !ok {
            let want = match expected {
                Some("object") => "en tabell",
                Some("array") => "en lista",
                Some("integer") => "ett heltal",
                Some("number") => "ett tal",
                Some("boolean") => "true eller false",
                Some("date") => "ett datum, till exempel 2026-03-01",
                _ => "en sträng inom citattecken",
            };
            self.out.push(
                Diagnostic::error("wrong-type", self.file, format!("`{}` ska vara {want}", dotted(path)))
                    .at(Some(value.span()), format!("det här är {}", type_name(actual))),
            );
            return;
        }
        match actual {
            DeValue::Table(t) => self.table(schema, t, value.span(), path),
            DeValue::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Seg::Index(i));
                        self.value(item_schema, item, path);
                        path.pop();
                    }
                }
            }
            DeValue::String(s) => {
                if let Some(allowed) = enum_values(schema)
                    && !allowed.iter().any(|a| a == s.as_ref())
                {
                    let mut d = Diagnostic::error(
                        "unknown-value",
                        self.file,
                        format!("`{}` kan inte vara `{s}`", dotted(path)),
                    )
                    .at(Some(value.span()), "okänt värde");
                    if let Some(m) = did_you_mean(s, allowed.iter().map(String::as_str)) {
                        d.label = format!("menade du `{m}`?");
                    }
                    self.out.push(d.note(format!("tillåtna värden: {}", one_of(&allowed))));
                }
            }
            DeValue::Integer(i) => {
                let n = i64::from_str_radix(i.as_str(), i.radix()).ok();
                let min = schema.get("minimum").and_then(Json::as_i64);
                let max = schema.get("maximum").and_then(Json::as_i64);
                if let Some(n) = n
                    && (min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m))
                {
                    self.out.push(
                        Diagnostic::error(
                            "out-of-range",
                            self.file,
                            format!("`{}` är utanför tillåtet intervall", dotted(path)),
                        )
                        .at(
                            Some(value.span()),
                            format!("{n} är för {}", if min.is_some_and(|m| n < m) { "litet" } else { "stort" }),
                        )
                        .note(format!(
                            "tillåtet: {} till {}",
                            min.unwrap_or(i64::MIN),
                            max.unwrap_or(i64::MAX)
                        )),
                    );
                }
            }
            _ => {}
        }
    }
}

/// The character at `at` as a span, or an empty span at the end of the text: an empty
/// file, or a table that starts with a byte order mark, still gets a valid position.
fn first_char(text: &str, at: usize) -> Range<usize> {
    let at = at.min(text.len());
    at..at + text[at..].chars().next().map_or(0, char::len_utf8)
}

fn expected_type(schema: &Json) -> Option<&'static str> {
    if schema.get("format").and_then(Json::as_str) == Some("date") {
        return Some("date");
    }
    if enum_values(schema).is_some() {
        return Some("string");
    }
    let ty = schema.get("type")?;
    let ty = match ty {
        Json::String(s) => s.as_str(),
        Json::Array(a) => a.iter().filter_map(Json::as_str).find(|t| *t != "null")?,
        _ => return None,
    };
    Some(match ty {
        "object" => "object",
        "array" => "array",
        "integer" => "integer",
        "number" => "number",
        "boolean" => "boolean",
        "string" => "string",
        _ => return None,
    })
}

/// The allowed strings of a unit enum: `enum: [..]`, or `oneOf` arms with `const`.
pub(crate) fn enum_values(schema: &Json) -> Option<Vec<String>> {
    if let Some(values) = schema.get("enum").and_then(Json::as_array) {
        return Some(values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
    }
    let arms = schema.get("oneOf").and_then(Json::as_array)?;
    let mut out = Vec::new();
    for arm in arms {
        if let Some(c) = arm.get("const").and_then(Json::as_str) {
            out.push(c.to_owned());
        } else if let Some(e) = arm.get("enum").and_then(Json::as_array) {
            out.extend(e.iter().filter_map(|v| v.as_str().map(str::to_owned)));
        } else {
            return None;
        }
    }
    Some(out)
}

fn type_name(value: &DeValue) -> &'static str {
    match value {
        DeValue::String(_) => "en sträng",
        DeValue::Integer(_) => "ett heltal",
        DeValue::Float(_) => "ett decimaltal",
        DeValue::Boolean(_) => "ett sanningsvärde",
        DeValue::Datetime(_) => "ett datum",
        DeValue::Array(_) => "en lista",
        DeValue::Table(_) => "en tabell",
    }
}
