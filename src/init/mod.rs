//! `molnkoll init`: a new organisation's repository, from files built into the binary so
//! that it works without a clone of molnkoll's own repository.
//!
//! Templates are not copied: they are built in, and a project overrides one by placing a
//! file of the same name in its `templates/`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::write::write_new;

/// Every file `init` writes, relative to the new repository.
pub const FILES: &[(&str, &str)] = &[
    (".gitignore", include_str!("gitignore")),
    (".gitattributes", include_str!("gitattributes")),
    ("README.md", include_str!("README.md")),
    ("content/policy.toml", include_str!("../../content/policy.toml")),
    ("content/bedomningar/microsoft-365.toml", include_str!("../../content/bedomningar/microsoft-365.toml")),
    ("content/sidor/rutin.md", include_str!("../../content/sidor/rutin.md")),
    ("content/sidor/riktlinje.md", include_str!("../../content/sidor/riktlinje.md")),
];

/// What `init` did, file by file.
#[derive(Debug, Default)]
pub struct Initierad {
    pub skapade: Vec<&'static str>,
    /// Files that were already there and were left as they were.
    pub ororda: Vec<&'static str>,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{0} är inte tom; välj en ny mapp, eller ange --force för att lägga till de filer som saknas (befintliga filer skrivs aldrig över)"
    )]
    NotEmpty(PathBuf),
    #[error("{0} finns och är ingen mapp")]
    NotDir(PathBuf),
    #[error("kan inte skriva {0}: {1}")]
    Io(PathBuf, io::Error),
}

/// Creates the repository in `dir`. A non-empty `dir` needs `force`, and even then no
/// existing file is touched.
pub fn init(dir: &Path, force: bool) -> Result<Initierad, InitError> {
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotDir(dir.to_owned()));
    }
    let empty = !dir.exists() || fs::read_dir(dir).map_err(|e| InitError::Io(dir.to_owned(), e))?.next().is_none();
    if !empty && !force {
        return Err(InitError::NotEmpty(dir.to_owned()));
    }
    let mut done = Initierad::default();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_owned(), e))?;
        }
        match write_new(&path, text.as_bytes()) {
            Ok(()) => done.skapade.push(rel),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => done.ororda.push(rel),
            Err(e) => return Err(InitError::Io(path, e)),
        }
    }
    Ok(done)
}
