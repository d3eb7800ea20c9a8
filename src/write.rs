//! Stage 5: the single writer. Every output file goes through [`write_output`], which
//! builds a complete tree beside the output folder and swaps it in, so a failed or
//! killed build leaves the previous site whole.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Marks a folder as molnkoll's output. A folder without it is never cleared.
pub const MARKER: &str = ".molnkoll-output";

#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile { path: path.into(), bytes }
    }
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
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
        && !path.split('/').any(str::is_empty)
}

/// Writes `files` as the new content of `out_dir`, atomically as far as the file system
/// allows: a staging folder beside it is filled, then renamed into place.
pub fn write_output(out_dir: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
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
    let result = fill(&staging, files).and_then(|()| swap(out_dir, &staging, &old));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn is_ours(dir: &Path) -> bool {
    dir.join(MARKER).is_file() || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

fn fill(staging: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    fs::create_dir_all(staging).map_err(io_err(staging))?;
    fs::write(staging.join(MARKER), b"molnkoll\n").map_err(io_err(staging))?;
    for f in files {
        let target = staging.join(&f.path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        fs::write(&target, &f.bytes).map_err(io_err(&target))?;
    }
    Ok(())
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
        return fs::remove_dir_all(staging).map_err(io_err(staging));
    }
    fs::rename(out_dir, old).map_err(io_err(out_dir))?;
    if let Err(e) = fs::rename(staging, out_dir) {
        // Put the previous site back rather than leave nothing.
        let _ = fs::rename(old, out_dir);
        return Err(WriteError::Io(out_dir.to_owned(), e));
    }
    fs::remove_dir_all(old).map_err(io_err(old))
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
        let err = write_output(&out, &[OutputFile::new("index.html", b"x".to_vec())]).unwrap_err();
        assert!(matches!(err, WriteError::NotOurs(_)));
        assert_eq!(fs::read_to_string(out.join("viktigt.txt")).unwrap(), "behåll");
    }

    #[test]
    fn replaces_its_own_output_completely() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_output(&out, &[OutputFile::new("a.html", b"1".to_vec())]).unwrap();
        write_output(&out, &[OutputFile::new("b/c.html", b"2".to_vec())]).unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(fs::read(out.join("b/c.html")).unwrap(), b"2");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folders left behind");
    }
}
