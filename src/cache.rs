//! Incremental builds: a page or PDF whose inputs have not changed is taken from the
//! previous build instead of being rendered again.
//!
//! Every keyed output file carries a [`Key`]: a hash of everything it is made from (the
//! tool's version, the policy source, the templates, and the page's or document's own
//! data). The previous output folder is the cache: the writer leaves a manifest in it
//! ([`MANIFEST`]) with each file's key and a hash of its bytes, which is checked before a
//! file is reused, so a file edited by hand is made anew. Deleting the manifest, or the
//! whole folder, only makes the next build a full one. The manifest holds no times, so
//! the same input gives the same manifest too.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The manifest's name inside the output folder.
pub const MANIFEST: &str = ".molnkoll-cache.json";

/// What the last build read of the git history, beside the manifest (see [`historik::Minne`]).
pub const HISTORIK: &str = ".molnkoll-historik.json";

use crate::historik;
pub use crate::keys::{DocKeys, Key, KeyBuilder, PageKeys, build_id, content_key};
use crate::memo::Memo;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// The inputs' key, in hex, since JSON numbers do not hold 128 bits.
    key: String,
    /// The bytes' [`content_key`], in hex.
    hash: String,
    /// What the file's data is made from, in hex, when the file has such a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: String,
    files: HashMap<String, Entry>,
}

enum Source {
    /// A file in the previous output folder, and the hash its bytes had.
    Disk { file: PathBuf, hash: Key },
    /// A file from the previous render in memory (`serve`), shared with the served map.
    Memory(Arc<Vec<u8>>),
}

/// What a build may reuse, by output path.
#[derive(Default)]
pub struct Cache {
    entries: HashMap<String, (Key, Source)>,
    /// Path → the input key the file was made from, and its key.
    inputs: HashMap<String, (Key, Key)>,
    /// What `serve`'s previous render made on the way to its files.
    memo: Option<Memo>,
    /// What earlier reads of the git history found; the next read starts from it.
    historik: historik::Minne,
    /// When the previous build was sealed (see [`seal`]), if it was.
    sealed: Option<Changed>,
}

fn from_hex(s: &str) -> Option<Key> {
    Key::from_str_radix(s, 16).ok()
}

/// When a file last changed on disk (its status change time), by the file system's own
/// clock: writing, linking or renaming the file, or deleting another of its names, moves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Changed(i64, i64);

impl Changed {
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Option<Changed> {
        use std::os::unix::fs::MetadataExt;
        Some(Changed(meta.ctime(), meta.ctime_nsec()))
    }

    /// Elsewhere there is no such time, and every file is read and hashed.
    #[cfg(not(unix))]
    fn of(_: &fs::Metadata) -> Option<Changed> {
        None
    }
}

/// Marks the output in `out_dir` as finished: the writer calls it once the new output is
/// in place and the previous one deleted, which changes the files linked from it. The
/// manifest's change time is then later than any file's the build left, and a file that
/// changed after it (edited by hand, say) is read and hashed again by the next build.
pub fn seal(out_dir: &Path) -> std::io::Result<()> {
    // Setting a time changes the status change time to the kernel's "now", the same clock
    // that every other change uses.
    fs::File::options().write(true).open(out_dir.join(MANIFEST))?.set_modified(std::time::SystemTime::now())
}

/// The file, when it is a file (not through a symlink: the cache only reads what the build
/// itself wrote), and whether it has not changed since `sealed` (see [`seal`]).
fn on_disk(file: &Path, sealed: Option<Changed>) -> Option<bool> {
    let meta = fs::symlink_metadata(file).ok()?;
    meta.is_file().then(|| matches!((Changed::of(&meta), sealed), (Some(c), Some(s)) if c < s))
}

/// The file's bytes, if they still hash to `hash`; unhashed when the file has not changed
/// since the build that hashed them was sealed.
fn read_verified(file: &Path, hash: Key, sealed: Option<Changed>) -> Option<Vec<u8>> {
    let untouched = on_disk(file, sealed)?;
    let bytes = fs::read(file).ok()?;
    (untouched || content_key(&bytes) == hash).then_some(bytes)
}

impl Cache {
    /// Nothing to reuse: a full build.
    pub fn empty() -> Self {
        Cache::default()
    }

    /// The previous build in `out_dir`, as its manifest describes it. A missing, unreadable
    /// or other version's manifest gives an empty cache, never an error.
    pub fn from_output(out_dir: &Path) -> Self {
        // Before the manifest: read after it, a build that finished in between would vouch
        // for files this manifest does not describe.
        let sealed = fs::symlink_metadata(out_dir.join(MANIFEST)).ok().as_ref().and_then(Changed::of);
        let Ok(text) = fs::read(out_dir.join(MANIFEST)) else { return Cache::empty() };
        let Ok(manifest) = serde_json::from_slice::<Manifest>(&text) else { return Cache::empty() };
        if manifest.version != env!("CARGO_PKG_VERSION") {
            return Cache::empty();
        }
        let mut inputs = HashMap::new();
        let entries = manifest
            .files
            .into_iter()
            .filter(|(path, _)| crate::slug::safe_relative(path))
            .filter_map(|(path, e)| {
                let (key, hash) = (from_hex(&e.key)?, from_hex(&e.hash)?);
                if let Some(input) = e.input.as_deref().and_then(from_hex) {
                    inputs.insert(path.clone(), (input, key));
                }
                let file = out_dir.join(&path);
                Some((path, (key, Source::Disk { file, hash })))
            })
            .collect();
        // Read only when the manifest is: a history without the files is no build's.
        let historik = fs::read(out_dir.join(HISTORIK)).map(|b| historik::Minne::from_bytes(&b)).unwrap_or_default();
        Cache { entries, inputs, memo: None, historik, sealed }
    }

    /// The previous render's files, kept in memory by `serve`: each one's path, key, the
    /// input key it was found by, and bytes; and what the render made on the way, which a
    /// new run starts from. `write` makes these from its output files.
    pub(crate) fn from_files(
        files: impl IntoIterator<Item = (String, Key, Option<Key>, Arc<Vec<u8>>)>,
        mut memo: Memo,
    ) -> Self {
        memo.next_run();
        let (mut entries, mut inputs) = (HashMap::new(), HashMap::new());
        for (path, key, input, bytes) in files {
            if let Some(input) = input {
                inputs.insert(path.clone(), (input, key));
            }
            entries.insert(path, (key, Source::Memory(bytes)));
        }
        Cache { entries, inputs, memo: Some(memo), historik: historik::Minne::default(), sealed: None }
    }

    /// The same cache, starting its history from `minne`: `serve` hands it on.
    pub fn with_historik(self, minne: historik::Minne) -> Self {
        Cache { historik: minne, ..self }
    }

    /// What earlier reads of the git history found; a read adds to it.
    pub fn historik(&self) -> &historik::Minne {
        &self.historik
    }

    /// Nothing to reuse yet, but what the first render makes on the way is kept.
    pub fn with_memo() -> Self {
        Cache::empty().keeping_memo()
    }

    /// The same cache, keeping what the next render makes on the way: `serve` starts
    /// from the output folder's cache with it.
    pub fn keeping_memo(self) -> Self {
        Cache { memo: Some(Memo::default()), ..self }
    }

    /// What the previous render made on the way to its files; only `serve` keeps it.
    pub fn memo(&self) -> Option<&Memo> {
        self.memo.as_ref()
    }

    /// The memo, for the cache after this one; a new one when there is none yet.
    pub fn take_memo(&mut self) -> Memo {
        self.memo.take().unwrap_or_default()
    }

    /// The previous file at `path` when it was made from the same inputs, still as the
    /// build left it, with its bytes' hash when that was checked on disk.
    pub fn get(&self, path: &str, key: Key) -> Option<(Arc<Vec<u8>>, Option<Key>)> {
        match self.entries.get(path)? {
            (k, _) if *k != key => None,
            (_, Source::Memory(bytes)) => Some((bytes.clone(), None)),
            (_, Source::Disk { file, hash }) => Some((Arc::new(read_verified(file, *hash, self.sealed)?), Some(*hash))),
        }
    }

    /// The key and hash of the previous file at `path` when it was made from the same
    /// `input` and has not changed on disk since that build was sealed, without reading
    /// it: for a writer that links it into the new output (see [`crate::write::Staging`]).
    pub fn find_unread(&self, path: &str, input: Key) -> Option<(Key, Key)> {
        match (self.inputs.get(path), self.entries.get(path)) {
            (Some(&(i, key)), Some((k, Source::Disk { file, hash }))) if i == input && *k == key => {
                on_disk(file, self.sealed)?.then_some((key, *hash))
            }
            _ => None,
        }
    }

    /// The previous file at `path` when it was made from the same `input` (see
    /// `OutputFile::input` in [`crate::write`]): its key, bytes, and hash as [`Cache::get`] gives them.
    pub fn find(&self, path: &str, input: Key) -> Option<(Key, Arc<Vec<u8>>, Option<Key>)> {
        match self.inputs.get(path) {
            Some(&(i, key)) if i == input => self.get(path, key).map(|(bytes, hash)| (key, bytes, hash)),
            _ => None,
        }
    }

    /// The previous file on disk at `path` when its bytes hash to `hash`: the writer links
    /// it into the new output instead of writing the same bytes again. `verified` skips
    /// reading it again when [`Cache::get`] has just checked it.
    pub fn unchanged_file(&self, path: &str, hash: Key, verified: bool) -> Option<&Path> {
        match self.entries.get(path)? {
            (_, Source::Disk { file, hash: h }) if *h == hash => {
                let unchanged = verified
                    || on_disk(file, self.sealed)
                        .is_some_and(|untouched| untouched || fs::read(file).is_ok_and(|b| content_key(&b) == hash));
                unchanged.then_some(file.as_path())
            }
            _ => None,
        }
    }
}

/// Records a written file in the manifest that the writer leaves in the new output.
pub struct ManifestWriter {
    manifest: Manifest,
}

impl ManifestWriter {
    pub fn new() -> Self {
        ManifestWriter { manifest: Manifest { version: env!("CARGO_PKG_VERSION").to_owned(), files: HashMap::new() } }
    }

    pub fn add(&mut self, path: &str, key: Key, hash: Key, input: Option<Key>) {
        let entry = Entry {
            key: format!("{key:032x}"),
            hash: format!("{hash:032x}"),
            input: input.map(|i| format!("{i:032x}")),
        };
        self.manifest.files.insert(path.to_owned(), entry);
    }

    pub fn bytes(&self) -> Vec<u8> {
        // Sorted, so the manifest itself reads the same for the same files.
        let sorted: std::collections::BTreeMap<_, _> = self.manifest.files.iter().collect();
        let value = serde_json::json!({ "version": self.manifest.version, "files": sorted });
        serde_json::to_vec_pretty(&value).expect("the manifest serialises")
    }
}

impl Default for ManifestWriter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_delimited_and_domains_apart() {
        let a = KeyBuilder::new("html").part(b"ab").part(b"c").finish();
        let b = KeyBuilder::new("html").part(b"a").part(b"bc").finish();
        let c = KeyBuilder::new("pdf").part(b"ab").part(b"c").finish();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, KeyBuilder::new("html").part(b"ab").part(b"c").finish(), "stable within a process");
    }

    #[test]
    fn an_edited_file_is_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::write(out.join("a.html"), b"old").unwrap();
        let mut m = ManifestWriter::new();
        m.add("a.html", 7, content_key(b"old"), Some(9));
        fs::write(out.join(MANIFEST), m.bytes()).unwrap();

        let cache = Cache::from_output(out);
        assert_eq!(cache.get("a.html", 7), Some((Arc::new(b"old".to_vec()), Some(content_key(b"old")))));
        assert_eq!(cache.get("a.html", 8), None, "other inputs");
        assert_eq!(cache.get("b.html", 7), None, "unknown path");
        assert_eq!(cache.find("a.html", 9).map(|(key, ..)| key), Some(7), "found by its input");
        assert_eq!(cache.find("a.html", 8), None, "other input");

        assert!(cache.unchanged_file("a.html", content_key(b"old"), false).is_some());
        fs::write(out.join("a.html"), b"new").unwrap();
        assert_eq!(cache.get("a.html", 7), None, "edited after the build, same length");
        assert!(cache.unchanged_file("a.html", content_key(b"old"), false).is_none());
    }

    /// Seals `out` once the clock has moved past `file`'s last change, as a build that
    /// finishes later than it wrote its files does.
    fn seal_after(out: &Path, file: &Path) {
        let changed = |p: &Path| Changed::of(&fs::symlink_metadata(p).unwrap());
        for _ in 0..200 {
            seal(out).unwrap();
            if changed(&out.join(MANIFEST)) > changed(file) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("the file system's clock did not move");
    }

    #[test]
    #[cfg(unix)]
    fn a_file_unchanged_since_the_seal_is_taken_unread_and_one_changed_after_it_is_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let pdf = out.join("a.pdf");
        let mut m = ManifestWriter::new();
        m.add("a.pdf", 7, content_key(b"old"), Some(9));
        fs::write(out.join(MANIFEST), m.bytes()).unwrap();
        // Written no earlier than the manifest: whether the clock ticked in between or not,
        // the file is not older than the seal, and is read.
        fs::write(&pdf, b"old").unwrap();

        assert_eq!(Cache::from_output(out).find_unread("a.pdf", 9), None, "not older than the seal: read");
        seal_after(out, &pdf);
        let cache = Cache::from_output(out);
        assert_eq!(cache.find_unread("a.pdf", 9), Some((7, content_key(b"old"))));
        assert_eq!(cache.find_unread("a.pdf", 8), None, "other input");

        // Edited by hand after the build, to the same length: the change time gives it away,
        // and the hash then refuses it.
        fs::write(&pdf, b"new").unwrap();
        let cache = Cache::from_output(out);
        assert_eq!(cache.find_unread("a.pdf", 9), None);
        assert_eq!(cache.find("a.pdf", 9), None);
        assert!(cache.unchanged_file("a.pdf", content_key(b"old"), false).is_none());

        // A copy that keeps the old file's times (`cp -p`) is a change all the same.
        fs::write(&pdf, b"old").unwrap();
        seal_after(out, &pdf);
        let copy = out.join("copy");
        fs::write(&copy, b"bad").unwrap();
        fs::File::options().write(true).open(&copy).unwrap().set_modified(std::time::UNIX_EPOCH).unwrap();
        fs::rename(&copy, &pdf).unwrap();
        assert_eq!(Cache::from_output(out).find_unread("a.pdf", 9), None);
    }

    #[test]
    fn a_broken_manifest_means_a_full_build() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(MANIFEST), b"{ not json").unwrap();
        assert!(Cache::from_output(dir.path()).entries.is_empty());
        assert!(Cache::from_output(&dir.path().join("missing")).entries.is_empty());
    }
}
