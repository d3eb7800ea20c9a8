//! Stage 5: the single writer. Every output file goes through [`write_output`], which
//! builds a complete tree beside the output folder and swaps it in, so a failed or
//! killed build leaves the previous site whole. A file that the previous build already
//! wrote with the same key is hard-linked from it instead of written again, and the tree
//! starts from the previous output's folders, emptied of files after the last swap.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::cache::{self, Cache, Key, ManifestWriter};

/// Marks a folder as molnkoll's output. A folder without it is never cleared.
pub const MARKER: &str = ".molnkoll-output";

#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    /// Shared, so that `serve` hands a page from one render to the next without a copy.
    pub bytes: Arc<Vec<u8>>,
    /// What the file was made from (see [`crate::cache`]); `None` keys it by its bytes.
    pub key: Option<Key>,
    /// Taken from the cache rather than made again.
    pub cached: bool,
    /// The bytes' hash, when the cache has just checked them on disk or the file was stored.
    pub hash: Option<Key>,
    /// Already in the staging folder ([`Staging::put`]); `bytes` is then empty.
    pub stored: bool,
    /// A hash of what the file's data is made from, when it is made from one assessment or
    /// a list: the next build finds the file by it without making the data to hash.
    pub input: Option<Key>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: Arc::new(bytes),
            key: None,
            cached: false,
            hash: None,
            stored: false,
            input: None,
        }
    }

    pub fn keyed(path: impl Into<String>, bytes: Vec<u8>, key: Key) -> Self {
        OutputFile {
            path: path.into(),
            bytes: Arc::new(bytes),
            key: Some(key),
            cached: false,
            hash: None,
            stored: false,
            input: None,
        }
    }

    /// A file taken from the cache; `hash` when the cache has just checked its bytes on disk.
    pub fn reused(path: impl Into<String>, bytes: Arc<Vec<u8>>, key: Key, hash: Option<Key>) -> Self {
        OutputFile { path: path.into(), bytes, key: Some(key), cached: true, hash, stored: false, input: None }
    }

    /// The same file, findable by `input` (see [`OutputFile::input`]).
    pub fn with_input(self, input: Key) -> Self {
        OutputFile { input: Some(input), ..self }
    }

    /// The key the cache knows the file by.
    pub fn cache_key(&self) -> Key {
        self.key.or(self.hash.filter(|_| self.stored)).unwrap_or_else(|| cache::content_key(&self.bytes))
    }
}

impl Cache {
    /// The previous render's files, kept in memory by `serve`, and what it made on the way,
    /// which a new run starts from.
    pub fn from_memory(files: Vec<OutputFile>, memo: crate::memo::Memo) -> Cache {
        Cache::from_files(files.into_iter().map(|f| (f.path.clone(), f.cache_key(), f.input, f.bytes)), memo)
    }
}

/// How the files reached the new output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    /// Hard-linked from the previous output, unchanged.
    pub linked: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "{0} finns men är inte en mapp som molnkoll har skapat (filen {MARKER} saknas); flytta den eller välj en annan utmapp"
    )]
    NotOurs(PathBuf),
    #[error("utdatasökvägen `{0}` skulle hamna utanför utmappen")]
    Escapes(String),
    #[error("kan inte skriva {0}: {1}")]
    Io(PathBuf, io::Error),
    #[error(
        "{0} är en symbolisk länk; molnkoll byter bara ut en riktig mapp och rör aldrig det länken pekar på. Ange den riktiga mappen med --out"
    )]
    Symlink(PathBuf),
    /// A file after the first failure, which is the one reported.
    #[error("utmappen kunde inte fyllas")]
    Failed,
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(path.to_owned(), e)
}

pub(crate) use crate::slug::safe_relative;

/// Writes `files` as the new content of `out_dir`, atomically as far as the file system
/// allows: a staging folder beside it is filled, then renamed into place. `previous` is
/// the cache read from `out_dir`; its unchanged files are linked, not copied.
pub fn write_output(out_dir: &Path, files: &[OutputFile], previous: &Cache) -> Result<WriteStats, WriteError> {
    Staging::new(out_dir, previous).finish(files)
}

/// The next output, filled beside `out_dir` while the build runs, so that a large build
/// need not hold every file in memory until the end: [`Staging::put`] stores a file as
/// soon as it is made. Nothing touches the disk until the first file; a staging that is
/// dropped without [`Staging::finish`] (an error, a template that failed) is removed, and
/// `out_dir` keeps the last good site.
pub struct Staging<'a> {
    out_dir: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    /// The previous output's folders, emptied of files, which the next staging starts from.
    spare: PathBuf,
    previous: &'a Cache,
    state: Mutex<Filling>,
}

#[derive(Default)]
struct Filling {
    created: bool,
    finished: bool,
    manifest: ManifestWriter,
    stats: WriteStats,
    /// The first failure; [`Staging::finish`] reports it.
    error: Option<WriteError>,
    /// The folders in the staging folder, made or kept from the spare one.
    folders: HashSet<PathBuf>,
    /// The folders that hold a file, and the folders above them: the others go before the swap.
    used: HashSet<PathBuf>,
}

impl<'a> Staging<'a> {
    pub fn new(out_dir: &Path, previous: &'a Cache) -> Self {
        let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = out_dir.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        Staging {
            out_dir: out_dir.to_owned(),
            staging: parent.join(format!(".{name}.tmp-{}", std::process::id())),
            old: parent.join(format!(".{name}.old-{}", std::process::id())),
            spare: parent.join(format!(".{name}.folders")),
            previous,
            state: Mutex::new(Filling::default()),
        }
    }

    /// Stores one file in the staging folder and gives it back without its bytes.
    /// A failure is kept for [`Staging::finish`], and later files are then not stored.
    pub fn put(&self, mut file: OutputFile) -> OutputFile {
        if let Err(e) = self.create().and_then(|()| self.store(&file)) {
            let mut state = self.lock();
            state.error.get_or_insert(e);
        } else {
            file.hash = Some(file.hash.unwrap_or_else(|| cache::content_key(&file.bytes)));
            file.bytes = Arc::default();
            file.stored = true;
        }
        file
    }

    /// Stores a file the cache found unchanged on disk without reading it
    /// ([`Cache::find_unread`]): linked from the previous output, or copied when it cannot be.
    pub fn put_unread(&self, path: &str, key: Key, hash: Key, input: Key) -> OutputFile {
        let mut file = OutputFile::reused(path, Arc::default(), key, Some(hash)).with_input(input);
        let stored = self.create().and_then(|()| {
            let target = self.target(path)?;
            let old = self.previous.unchanged_file(path, hash, true).ok_or_else(|| {
                WriteError::Io(target.clone(), io::Error::new(io::ErrorKind::NotFound, "förra byggets fil saknas"))
            })?;
            let linked = fs::hard_link(old, &target).is_ok();
            if !linked {
                fs::copy(old, &target).map_err(io_err(&target))?;
            }
            self.record(&file, hash, linked);
            Ok(())
        });
        match stored {
            Ok(()) => file.stored = true,
            Err(e) => {
                self.lock().error.get_or_insert(e);
            }
        }
        file
    }

    /// Stores the files not yet stored, writes the manifest and swaps the new output in.
    pub fn finish(self, files: &[OutputFile]) -> Result<WriteStats, WriteError> {
        // The first failure names its path and the system's error; report it, not the
        // bare `Failed` that `create` gives once one is kept.
        if let Some(e) = self.lock().error.take() {
            return Err(e);
        }
        self.create()?;
        for f in files.iter().filter(|f| !f.stored) {
            self.store(f)?;
        }
        self.prune()?;
        let manifest = self.lock().manifest.bytes();
        let path = self.staging.join(cache::MANIFEST);
        fs::write(&path, manifest).map_err(io_err(&path))?;
        if let Some(historik) = self.previous.historik().to_bytes() {
            let path = self.staging.join(cache::HISTORIK);
            fs::write(&path, historik).map_err(io_err(&path))?;
        }
        if let Some(previous) = swap(&self.out_dir, &self.staging, &self.old)? {
            keep_folders(previous, &self.spare).map_err(io_err(previous))?;
        }
        // After the previous output is gone: deleting a name of a linked file changes the
        // file. Unsealed, the next build reads and hashes every file linked from it.
        let _ = cache::seal(&self.out_dir);
        let mut state = self.lock();
        state.finished = true;
        Ok(state.stats)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Filling> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes the empty staging folder, once; refuses an `out_dir` molnkoll did not make.
    fn create(&self) -> Result<(), WriteError> {
        let mut state = self.lock();
        if state.created {
            return state.error.as_ref().map_or(Ok(()), |_| Err(WriteError::Failed));
        }
        // The swap renames the link, not its target, and the clean-up would then follow it
        // into a folder molnkoll does not own.
        if fs::symlink_metadata(&self.out_dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(WriteError::Symlink(self.out_dir.clone()));
        }
        if self.out_dir.exists() && !is_ours(&self.out_dir) {
            return Err(WriteError::NotOurs(self.out_dir.clone()));
        }
        let parent = self.staging.parent().expect("the staging folder has a parent");
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        remove_stale(parent, &self.out_dir);
        if self.staging.exists() {
            fs::remove_dir_all(&self.staging).map_err(io_err(&self.staging))?;
        }
        state.created = true;
        // The previous output's folders, when a build left them: making a thousand folders
        // costs more than the files, and more again while the inodes of the ones just
        // deleted are fresh (ext4 searches past them).
        if is_marked(&self.spare) && fs::rename(&self.spare, &self.staging).is_ok() {
            match empty_folders(&self.staging) {
                Some(folders) => state.folders = folders,
                None => remove_tree(&self.staging).map_err(io_err(&self.staging))?,
            }
        }
        fs::create_dir_all(&self.staging).map_err(io_err(&self.staging))?;
        fs::write(self.staging.join(MARKER), b"molnkoll\n").map_err(io_err(&self.staging))
    }

    /// Removes the folders kept from the spare one that no file of this build went into, so
    /// the output has the folders a build from nothing would make.
    fn prune(&self) -> Result<(), WriteError> {
        let state = self.lock();
        for dir in state.folders.difference(&state.used) {
            match fs::remove_dir_all(dir) {
                // Inside a folder removed already.
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(WriteError::Io(dir.clone(), e)),
                _ => {}
            }
        }
        Ok(())
    }

    /// Where `path` goes in the staging folder, whose folder is made.
    fn target(&self, path: &str) -> Result<PathBuf, WriteError> {
        if !safe_relative(path) {
            return Err(WriteError::Escapes(path.to_owned()));
        }
        let target = self.staging.join(path);
        if let Some(dir) = target.parent() {
            // Once per folder: each mkdir takes the parent folder's lock, even for a folder
            // that exists, and the threads storing PDFs queue on it. Under our lock, so
            // that no thread writes into a folder another is still making.
            let mut state = self.lock();
            if dir != self.staging && !state.used.contains(dir) {
                if !state.folders.contains(dir) {
                    fs::create_dir_all(dir).map_err(io_err(dir))?;
                }
                for above in dir.ancestors().take_while(|d| *d != self.staging) {
                    state.folders.insert(above.to_owned());
                    state.used.insert(above.to_owned());
                }
            }
        }
        Ok(target)
    }

    fn record(&self, f: &OutputFile, hash: Key, linked: bool) {
        let mut state = self.lock();
        if linked {
            state.stats.linked += 1;
        } else {
            state.stats.written += 1;
        }
        state.manifest.add(&f.path, f.key.unwrap_or(hash), hash, f.input);
    }

    fn store(&self, f: &OutputFile) -> Result<(), WriteError> {
        let target = self.target(&f.path)?;
        let hash = f.hash.unwrap_or_else(|| cache::content_key(&f.bytes));
        // A link costs one metadata write where a copy costs the bytes; the old folder is
        // deleted after the swap, so the new one ends up the file's only name.
        let linked = match self.previous.unchanged_file(&f.path, hash, f.hash.is_some()) {
            Some(old) => fs::hard_link(old, &target).is_ok(),
            None => false,
        };
        if !linked {
            fs::write(&target, f.bytes.as_slice()).map_err(io_err(&target))?;
        }
        self.record(f, hash, linked);
        Ok(())
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        let state = self.lock();
        if state.created && !state.finished {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

fn is_ours(dir: &Path) -> bool {
    is_marked(dir) || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// A real folder with molnkoll's marker: the marker itself, not what a link in its place
/// points to.
fn is_marked(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Removes the staging and old folders that a killed build left beside `out_dir`: a full
/// copy of the site, secret parts included. Only real folders with the marker, named
/// for this output, whose process is gone.
fn remove_stale(parent: &Path, out_dir: &Path) {
    let name = out_dir.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = [".tmp-", ".old-"]
            .iter()
            .find_map(|kind| file.strip_prefix(&format!(".{name}{kind}")))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        if pid != std::process::id() && is_marked(&path) && !process_alive(pid) {
            let _ = remove_tree(&path);
        }
    }
}

/// Whether a process with this id runs; where that cannot be told, it is taken to run,
/// so that nothing another build still fills is removed.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

/// Writes a file that must not exist yet, failing with `AlreadyExists` when it does: for
/// files a person edits (`init`, `new`), which are never overwritten. `create_new` also
/// refuses a symlink in the file's place, so nothing outside the folder is written.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    fs::OpenOptions::new().write(true).create_new(true).open(path)?.write_all(bytes)
}

/// Puts `staging` in the place of `out_dir`, and gives where the previous output went.
fn swap<'p>(out_dir: &Path, staging: &'p Path, old: &'p Path) -> Result<Option<&'p Path>, WriteError> {
    if !out_dir.exists() {
        return fs::rename(staging, out_dir).map(|()| None).map_err(io_err(out_dir));
    }
    // One atomic exchange where the system has it: no moment without a complete output/,
    // even for a build killed mid-swap. The previous site is then at `staging`.
    if exchange(staging, out_dir).is_ok() {
        return Ok(Some(staging));
    }
    fs::rename(out_dir, old).map_err(io_err(out_dir))?;
    if let Err(e) = fs::rename(staging, out_dir) {
        // Put the previous site back rather than leave nothing.
        let _ = fs::rename(old, out_dir);
        return Err(WriteError::Io(out_dir.to_owned(), e));
    }
    Ok(Some(old))
}

/// Deletes every file of the previous output `old` but its marker, and keeps its folders
/// as `spare` for the next build (see [`Staging::create`]). Only the folders, and names the
/// output had, stay beside it; anything that cannot be emptied is deleted whole.
fn keep_folders(old: &Path, spare: &Path) -> io::Result<()> {
    // Not a real folder (a link in its place, say): `remove_tree` knows what to delete.
    let Some((_, files)) = walk(old) else { return remove_tree(old) };
    let marker = old.join(MARKER);
    let files: Vec<PathBuf> = files.into_iter().filter(|f| *f != marker).collect();
    let emptied = in_parallel(&files, |file| fs::remove_file(file));
    // A folder of that name without the marker is not ours to replace.
    let free = fs::symlink_metadata(spare).is_err() || (is_marked(spare) && remove_tree(spare).is_ok());
    if !emptied || !free || fs::rename(old, spare).is_err() {
        return remove_tree(old);
    }
    Ok(())
}

/// The folders under `dir`, and what else is there, without following a link; `None` when
/// `dir` is not a real folder or cannot be read.
fn walk(dir: &Path) -> Option<(HashSet<PathBuf>, Vec<PathBuf>)> {
    if !fs::symlink_metadata(dir).ok()?.is_dir() {
        return None;
    }
    let (mut folders, mut others) = (HashSet::new(), Vec::new());
    let mut queue = vec![dir.to_owned()];
    while let Some(folder) = queue.pop() {
        for entry in fs::read_dir(&folder).ok()? {
            let entry = entry.ok()?;
            if entry.file_type().ok()?.is_dir() {
                queue.push(entry.path());
                folders.insert(entry.path());
            } else {
                others.push(entry.path());
            }
        }
    }
    Some((folders, others))
}

/// The folders of a spare staging folder, when it holds nothing else but its marker: a
/// file or link in it (put there by hand, say) would otherwise reach the next output.
fn empty_folders(dir: &Path) -> Option<HashSet<PathBuf>> {
    let (folders, others) = walk(dir)?;
    let marker = dir.join(MARKER);
    let only_marker = others.iter().all(|f| *f == marker && fs::symlink_metadata(f).is_ok_and(|m| m.is_file()));
    only_marker.then_some(folders)
}

/// Unlinking is bound by the file system's latency, not by the processor (3.3 s for a
/// 1,000-assessment site with `rm -rf` here), so it runs on more threads than there are cores.
const UNLINK_THREADS: usize = 8;

/// Runs `remove` on every path, on [`UNLINK_THREADS`] threads; whether each one succeeded.
fn in_parallel(paths: &[PathBuf], remove: impl Fn(&Path) -> io::Result<()> + Sync) -> bool {
    let failed = AtomicBool::new(false);
    std::thread::scope(|s| {
        for part in paths.chunks(paths.len().div_ceil(UNLINK_THREADS).max(1)) {
            let (failed, remove) = (&failed, &remove);
            s.spawn(move || {
                for path in part {
                    if remove(path).is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    !failed.into_inner()
}

/// Deletes a whole tree: a staging folder a killed build left, or a previous output that
/// cannot be kept as spare folders. The sub-folders go in parallel.
fn remove_tree(dir: &Path) -> io::Result<()> {
    // A link in the folder's place (an output that was a symlink, exchanged by the swap)
    // goes itself; what it points to is not ours.
    if fs::symlink_metadata(dir)?.file_type().is_symlink() {
        return fs::remove_file(dir);
    }
    let mut folders = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            match fs::read_dir(entry.path()) {
                // One level further down, where a large site has one folder per assessment.
                Ok(inner) => folders
                    .extend(inner.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path())),
                Err(_) => continue,
            }
        }
    }
    // A failure here is retried by the final remove_dir_all, which reports it.
    in_parallel(&folders, |folder| fs::remove_dir_all(folder));
    fs::remove_dir_all(dir)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// Elsewhere: not available, so `swap` falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_paths_that_leave_the_folder() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "a//b", "a\\..\\b"] {
            assert!(!safe_relative(bad), "{bad}");
        }
        assert!(safe_relative("bedomningar/x/index.html"));
    }

    #[test]
    fn refuses_to_replace_a_folder_that_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("viktigt.txt"), "behåll").unwrap();
        let err = write_output(&out, &[OutputFile::new("index.html", b"x".to_vec())], &Cache::empty()).unwrap_err();
        assert!(matches!(err, WriteError::NotOurs(_)));
        assert_eq!(fs::read_to_string(out.join("viktigt.txt")).unwrap(), "behåll");
    }

    #[test]
    fn replaces_its_own_output_completely() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_output(&out, &[OutputFile::new("a.html", b"1".to_vec())], &Cache::empty()).unwrap();
        write_output(&out, &[OutputFile::new("b/c.html", b"2".to_vec())], &Cache::from_output(&out)).unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(fs::read(out.join("b/c.html")).unwrap(), b"2");
        let beside: Vec<String> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(beside.len(), 2, "no staging folders left behind, only the spare folders: {beside:?}");
        let (_, files) = walk(&dir.path().join(".output.folders")).unwrap();
        assert_eq!(files, vec![dir.path().join(".output.folders").join(MARKER)], "the spare folders hold no file");
    }

    /// The folders under `out`, relative to it.
    fn folders(out: &Path) -> Vec<PathBuf> {
        let mut all: Vec<PathBuf> =
            walk(out).unwrap().0.iter().map(|f| f.strip_prefix(out).unwrap().to_owned()).collect();
        all.sort();
        all
    }

    #[test]
    #[cfg(unix)]
    fn the_next_build_starts_from_the_previous_outputs_folders_and_keeps_only_those_it_fills() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let build = |paths: &[&str]| {
            let files: Vec<OutputFile> = paths.iter().map(|p| OutputFile::new(*p, p.as_bytes().to_vec())).collect();
            write_output(&out, &files, &Cache::from_output(&out)).unwrap();
        };
        build(&["x/1.html", "y/z/2.html"]);
        build(&["x/1.html", "w/3.html"]);
        // This build starts from the first one's folders (x, y, y/z) and fills only x.
        build(&["x/1.html", "v/4.html"]);
        assert_eq!(folders(&out), [Path::new("v"), Path::new("x")]);
        assert_eq!(fs::read(out.join("v/4.html")).unwrap(), b"v/4.html");

        // Spare folders that hold a file or a link are not used: nothing in them reaches
        // the output, and nothing outside is written through the link.
        let spare = dir.path().join(".output.folders");
        let elsewhere = tempfile::tempdir().unwrap();
        fs::write(spare.join("x/planted.html"), "planted").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), spare.join("w/link")).unwrap();
        build(&["x/1.html", "w/link/5.html"]);
        assert!(!out.join("x/planted.html").exists());
        assert!(fs::symlink_metadata(out.join("w/link")).unwrap().is_dir(), "a folder, not the link");
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
        assert_eq!(folders(&out), [Path::new("w"), Path::new("w/link"), Path::new("x")]);
    }

    #[test]
    fn links_unchanged_files_and_writes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let files =
            |b: &[u8]| vec![OutputFile::new("same.html", b"same".to_vec()), OutputFile::new("x.pdf", b.to_vec())];
        let first = write_output(&out, &files(b"1"), &Cache::from_output(&out)).unwrap();
        assert_eq!(first, WriteStats { written: 2, linked: 0 });
        let second = write_output(&out, &files(b"2"), &Cache::from_output(&out)).unwrap();
        assert_eq!(second, WriteStats { written: 1, linked: 1 });
        assert_eq!(fs::read(out.join("same.html")).unwrap(), b"same");
        assert_eq!(fs::read(out.join("x.pdf")).unwrap(), b"2");

        // A file edited by hand in the output is written anew, not linked.
        fs::write(out.join("same.html"), b"hand-edited").unwrap();
        let third = write_output(&out, &files(b"2"), &Cache::from_output(&out)).unwrap();
        assert_eq!(third, WriteStats { written: 1, linked: 1 });
        assert_eq!(fs::read(out.join("same.html")).unwrap(), b"same");
    }
}
