//! Stage 5: the single writer. Every output file goes through [`write_output`], which
//! builds a complete tree beside the output folder and swaps it in, so a failed or
//! killed build leaves the previous site whole. A file that the previous build already
//! wrote with the same key is hard-linked from it instead of written again.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::cache::{self, Cache, Key, ManifestWriter};

/// Marks a folder as molnkoll's output. A folder without it is never cleared.
pub const MARKER: &str = ".molnkoll-output";

#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    pub bytes: Vec<u8>,
    /// What the file was made from (see [`crate::cache`]); `None` keys it by its bytes.
    pub key: Option<Key>,
    /// Taken from the cache rather than made again.
    pub cached: bool,
    /// The bytes' hash, when the cache has just checked them on disk.
    pub hash: Option<Key>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile { path: path.into(), bytes, key: None, cached: false, hash: None }
    }

    pub fn keyed(path: impl Into<String>, bytes: Vec<u8>, key: Key) -> Self {
        OutputFile { path: path.into(), bytes, key: Some(key), cached: false, hash: None }
    }

    /// A file taken from the cache; `hash` when the cache has just checked its bytes on disk.
    pub fn reused(path: impl Into<String>, bytes: Vec<u8>, key: Key, hash: Option<Key>) -> Self {
        OutputFile { path: path.into(), bytes, key: Some(key), cached: true, hash }
    }

    /// The key the cache knows the file by.
    pub fn cache_key(&self) -> Key {
        self.key.unwrap_or_else(|| cache::content_key(&self.bytes))
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
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(path.to_owned(), e)
}

/// Only plain relative paths: no `..`, no root, no drive, no empty segment.
pub(crate) fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
        && !path.split('/').any(str::is_empty)
}

/// Writes `files` as the new content of `out_dir`, atomically as far as the file system
/// allows: a staging folder beside it is filled, then renamed into place. `previous` is
/// the cache read from `out_dir`; its unchanged files are linked, not copied.
pub fn write_output(out_dir: &Path, files: &[OutputFile], previous: &Cache) -> Result<WriteStats, WriteError> {
    for f in files {
        if !safe_relative(&f.path) {
            return Err(WriteError::Escapes(f.path.clone()));
        }
    }
    if out_dir.exists() && !is_ours(out_dir) {
        return Err(WriteError::NotOurs(out_dir.to_owned()));
    }
    let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_err(parent))?;
    let name = out_dir.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
    }
    let result = fill(&staging, files, previous).and_then(|stats| swap(out_dir, &staging, &old).map(|()| stats));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn is_ours(dir: &Path) -> bool {
    dir.join(MARKER).is_file() || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

fn fill(staging: &Path, files: &[OutputFile], previous: &Cache) -> Result<WriteStats, WriteError> {
    fs::create_dir_all(staging).map_err(io_err(staging))?;
    fs::write(staging.join(MARKER), b"molnkoll\n").map_err(io_err(staging))?;
    let mut stats = WriteStats::default();
    let mut manifest = ManifestWriter::new();
    for f in files {
        let target = staging.join(&f.path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        let hash = f.hash.unwrap_or_else(|| cache::content_key(&f.bytes));
        // A link costs one metadata write where a copy costs the bytes; the old folder is
        // deleted after the swap, so the new one ends up the file's only name.
        match previous.unchanged_file(&f.path, hash, f.hash.is_some()).map(|old| fs::hard_link(old, &target)) {
            Some(Ok(())) => stats.linked += 1,
            _ => {
                fs::write(&target, &f.bytes).map_err(io_err(&target))?;
                stats.written += 1;
            }
        }
        manifest.add(&f.path, f.key.unwrap_or(hash), hash);
    }
    let path = staging.join(cache::MANIFEST);
    fs::write(&path, manifest.bytes()).map_err(io_err(&path))?;
    Ok(stats)
}

/// Writes a file that must not exist yet, failing with `AlreadyExists` when it does: for
/// files a person edits (`init`, `new`), which are never overwritten. `create_new` also
/// refuses a symlink in the file's place, so nothing outside the folder is written.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    fs::OpenOptions::new().write(true).create_new(true).open(path)?.write_all(bytes)
}

fn swap(out_dir: &Path, staging: &Path, old: &Path) -> Result<(), WriteError> {
    if !out_dir.exists() {
        return fs::rename(staging, out_dir).map_err(io_err(out_dir));
    }
    // One atomic exchange where the system has it: no moment without a complete output/,
    // even for a build killed mid-swap. The previous site is then at `staging`.
    if exchange(staging, out_dir).is_ok() {
        return remove_tree(staging).map_err(io_err(staging));
    }
    fs::rename(out_dir, old).map_err(io_err(out_dir))?;
    if let Err(e) = fs::rename(staging, out_dir) {
        // Put the previous site back rather than leave nothing.
        let _ = fs::rename(old, out_dir);
        return Err(WriteError::Io(out_dir.to_owned(), e));
    }
    remove_tree(old).map_err(io_err(old))
}

/// Deletes the previous site. Unlinking is bound by the file system's latency, not by
/// the processor (3.3 s for a 1,000-assessment site with `rm -rf` here), so the
/// sub-folders go in parallel on more threads than there are cores.
fn remove_tree(dir: &Path) -> io::Result<()> {
    const THREADS: usize = 8;
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
    let chunk = folders.len().div_ceil(THREADS).max(1);
    std::thread::scope(|s| {
        for part in folders.chunks(chunk) {
            s.spawn(move || {
                for folder in part {
                    // A failure here is retried by the final remove_dir_all, which reports it.
                    let _ = fs::remove_dir_all(folder);
                }
            });
        }
    });
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
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folders left behind");
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
