//! The Typst world a document compiles in: our templates and one `/data.json`, the fonts
//! that ship inside typst-assets, and nothing else. No disk, no network, no clock.

use std::collections::HashMap;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// What every document shares: built once per build, read from every thread.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// The process's engine, made on first use: `serve` then loads the fonts once, not
    /// on every rebuild.
    pub fn shared() -> &'static Engine {
        static ENGINE: std::sync::LazyLock<Engine> = std::sync::LazyLock::new(Engine::new);
        &ENGINE
    }

    pub fn new() -> Self {
        let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        let book = FontBook::from_fonts(&fonts);
        Engine { library: LazyHash::new(Library::builder().build()), book: LazyHash::new(book), fonts }
    }
}

/// A path inside the document's virtual project, e.g. `/data.json`.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("template paths are plain absolute paths");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// How many pages to leave for the shared appendices, asked only when a template reads it, so
/// that a template that prints its own appendices never needs them typeset. `None` while this
/// build has not made them yet.
pub type Bilagor<'a> = &'a (dyn Fn() -> Option<FileResult<Bytes>> + Sync);

/// One document: a main template, the shared templates it may import, and its data.
pub struct DocWorld<'a> {
    engine: &'a Engine,
    main: FileId,
    sources: &'a HashMap<FileId, Source>,
    data: Bytes,
    /// For a document that may carry the shared appendices.
    bilagor: Option<Bilagor<'a>>,
    /// The answer the template got when it first read how many pages to leave. Typst asks
    /// a world the same question more than once in one compile and requires the same answer,
    /// but another thread may make the shared pages in between.
    bilagor_svar: OnceLock<Option<FileResult<Bytes>>>,
}

impl<'a> DocWorld<'a> {
    pub fn new(
        engine: &'a Engine,
        sources: &'a HashMap<FileId, Source>,
        main: FileId,
        data: Bytes,
        bilagor: Option<Bilagor<'a>>,
    ) -> Self {
        DocWorld { engine, main, sources, data, bilagor, bilagor_svar: OnceLock::new() }
    }

    /// Whether the template asked how many pages to leave for the shared appendices.
    pub fn bilagor_lasta(&self) -> bool {
        self.bilagor_svar.get().is_some()
    }

    /// Whether the template asked before this build had made the shared appendices: it was
    /// told "not yet", and the document must be typeset again.
    pub fn bilagor_saknades(&self) -> bool {
        matches!(self.bilagor_svar.get(), Some(None))
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == file_id(super::DATA) {
            return Ok(self.data.clone());
        }
        if let Some(antal) = self.bilagor
            && id == file_id(super::bilagor::ANTAL)
        {
            return self.bilagor_svar.get_or_init(antal).clone().unwrap_or_else(|| {
                Err(FileError::Other(Some(format!("{} är inte satt än", super::bilagor::MALL).into())))
            });
        }
        match self.sources.get(&id) {
            Some(source) => Ok(Bytes::from_string(source.clone())),
            None => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    /// No clock: a document's date comes from its data.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}
