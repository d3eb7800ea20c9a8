//! The commands other than `build` and `serve`, past parsing: each one library call that
//! the binary makes and prints the outcome of.

use std::path::Path;

use crate::model::{Datum, Policy};
use crate::{Checked, Profil, load};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Xlsx,
}

/// What `export` made: the register's bytes, or `None` when the content has errors
/// (they are in `checked`).
pub struct Exported {
    pub checked: Checked,
    pub bytes: Option<Vec<u8>>,
    pub rows: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    #[error("kunde inte skapa kalkylarket: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The register, one row per assessment: checks the project, masks it for `profil`, and
/// makes the rows only when nothing is wrong and nothing secret is left in them.
pub fn export(root: &Path, today: Datum, profil: Profil, format: ExportFormat) -> Result<Exported, ExportError> {
    let mut checked = crate::check(root, today)?;
    let rows = match checked.policy.as_ref().filter(|_| checked.errors() == 0) {
        Some(policy) => crate::export::rader_for(policy, &mut checked.items, profil, today),
        None => Err(Vec::new()),
    };
    let rows = match rows {
        Ok(rows) => rows,
        Err(lackor) => {
            checked.diagnostics.extend(lackor);
            return Ok(Exported { checked, bytes: None, rows: 0 });
        }
    };
    let bytes = match format {
        ExportFormat::Csv => crate::export::csv(&rows),
        ExportFormat::Json => crate::export::json(&rows),
        ExportFormat::Xlsx => crate::export::xlsx(&rows, today)?,
    };
    Ok(Exported { checked, bytes: Some(bytes), rows: rows.len() })
}

/// Puts the register where `export` was asked to: in a file outside the project's inputs,
/// or on standard out, but never xlsx straight to a terminal.
pub fn skriv_export(root: &Path, out: Option<&Path>, format: ExportFormat, bytes: &[u8]) -> Result<(), String> {
    use std::io::{IsTerminal, Write};
    match out {
        Some(path) => {
            crate::export::check_out(root, path)?;
            std::fs::write(path, bytes).map_err(|e| format!("kan inte skriva {}: {e}", path.display()))
        }
        None if format == ExportFormat::Xlsx && std::io::stdout().is_terminal() => {
            Err("xlsx är binärt; ange --out register.xlsx eller styr om standard ut till en fil".to_owned())
        }
        None => std::io::stdout().write_all(bytes).map_err(|e| format!("kan inte skriva till standard ut: {e}")),
    }
}

/// Why a command that needs the policy, but not a clean project, stopped.
pub enum PolicyError {
    Load(load::LoadError),
    /// The policy has errors; they are in the check.
    Broken(Box<Checked>),
}

/// The project's policy, and the rest of the check, for `new` and `schema`.
pub fn policy(root: &Path, today: Datum) -> Result<(Policy, Checked), PolicyError> {
    let mut checked = crate::check(root, today).map_err(PolicyError::Load)?;
    match checked.policy.take() {
        Some(policy) => Ok((policy, checked)),
        None => Err(PolicyError::Broken(Box::new(checked))),
    }
}
