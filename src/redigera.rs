//! Edits a TOML file that a person keeps by hand, keeping its comments, key order and
//! formatting: set a value at a path, add or update an entry in an array of tables, and
//! write the result atomically. `molnkoll svar --skriv` writes a bidder's answers with it;
//! an edit form can write a record's fields the same way.

use std::io::{self, Write};
use std::path::Path;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::model::Datum;

/// A value to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Varde {
    Text(String),
    Bool(bool),
    Datum(Datum),
}

impl Varde {
    fn toml(&self) -> Value {
        match self {
            Varde::Text(s) => Value::from(s.as_str()),
            Varde::Bool(b) => Value::from(*b),
            Varde::Datum(d) => {
                let date = toml_edit::Date { year: d.0.year() as u16, month: d.0.month() as u8, day: d.0.day() as u8 };
                Value::from(toml_edit::Datetime { date: Some(date), time: None, offset: None })
            }
        }
    }

    /// The value as it reads in the file, for the report of what changed.
    pub fn visa(&self) -> String {
        self.toml().to_string().trim().to_owned()
    }
}

/// What an edit did at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Andring {
    /// Dotted, with an array entry as `anbudssvar[2]`.
    pub sokvag: String,
    /// The value before, as it read in the file; `None` when there was none.
    pub fore: Option<String>,
    pub efter: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RedigeraFel {
    #[error("{0}")]
    Toml(#[from] toml_edit::TomlError),
    #[error("`{0}` är inte en tabell, så inget kan skrivas under den")]
    InteTabell(String),
    #[error("`{0}` är inte en lista av tabeller ([[{0}]])")]
    InteLista(String),
}

/// A TOML document being edited.
pub struct Dokument {
    doc: DocumentMut,
}

impl Dokument {
    pub fn parse(text: &str) -> Result<Dokument, RedigeraFel> {
        Ok(Dokument { doc: text.parse()? })
    }

    /// Sets `key` in the table at `table` (dotted keys from the top; empty for the top
    /// level), making the table at the end of the file when it is missing. Returns the
    /// change, or `None` when the value was already there.
    pub fn satt(&mut self, table: &[&str], key: &str, varde: &Varde) -> Result<Option<Andring>, RedigeraFel> {
        let t = self.tabell(table)?;
        let sokvag = table.iter().copied().chain([key]).collect::<Vec<_>>().join(".");
        Ok(satt_i(t, key, varde, sokvag))
    }

    /// The entry of the array of tables `array` whose `key` is `id`, updated with `falt`; or
    /// a new entry at the end of the array, the fields in the given order. A new array goes
    /// at the end of the file.
    pub fn satt_post(
        &mut self,
        array: &str,
        key: &str,
        id: &str,
        falt: &[(&str, Varde)],
    ) -> Result<Vec<Andring>, RedigeraFel> {
        let list = self.lista(array)?;
        let found = list.iter().position(|t| t.get(key).and_then(Item::as_str) == Some(id));
        let i = match found {
            Some(i) => i,
            None => {
                let mut t = Table::new();
                t.insert(key, toml_edit::value(id));
                list.push(t);
                list.len() - 1
            }
        };
        let t = list.get_mut(i).expect("the entry was found or added");
        let mut out = Vec::new();
        if found.is_none() {
            out.push(Andring {
                sokvag: format!("{array}[{}].{key}", i + 1),
                fore: None,
                efter: Varde::Text(id.to_owned()).visa(),
            });
        }
        for (k, v) in falt {
            out.extend(satt_i(t, k, v, format!("{array}[{}].{k}", i + 1)));
        }
        Ok(out)
    }

    /// Adds an entry at the end of the array of tables `array`, the fields in the given order.
    pub fn lagg_till(&mut self, array: &str, falt: &[(&str, Varde)]) -> Result<Vec<Andring>, RedigeraFel> {
        let list = self.lista(array)?;
        let mut t = Table::new();
        for (k, v) in falt {
            t.insert(k, Item::Value(v.toml()));
        }
        list.push(t);
        let n = list.len();
        Ok(falt
            .iter()
            .map(|(k, v)| Andring { sokvag: format!("{array}[{n}].{k}"), fore: None, efter: v.visa() })
            .collect())
    }

    /// The string values of `key` in every entry of the array of tables `array`.
    pub fn texter_i_lista(&self, array: &str, key: &str) -> Vec<String> {
        let Some(list) = self.doc.get(array).and_then(Item::as_array_of_tables) else { return Vec::new() };
        list.iter().filter_map(|t| t.get(key).and_then(Item::as_str)).map(str::to_owned).collect()
    }

    fn tabell(&mut self, path: &[&str]) -> Result<&mut Table, RedigeraFel> {
        let mut t = self.doc.as_table_mut();
        for (n, key) in path.iter().enumerate() {
            let entry = t.entry(key).or_insert_with(|| {
                let mut new = Table::new();
                new.set_implicit(false);
                Item::Table(new)
            });
            t = entry.as_table_mut().ok_or_else(|| RedigeraFel::InteTabell(path[..=n].join(".")))?;
        }
        Ok(t)
    }

    fn lista(&mut self, array: &str) -> Result<&mut ArrayOfTables, RedigeraFel> {
        self.doc
            .entry(array)
            .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
            .as_array_of_tables_mut()
            .ok_or_else(|| RedigeraFel::InteLista(array.to_owned()))
    }
}

impl std::fmt::Display for Dokument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.doc)
    }
}

/// Sets one key, keeping the decoration (comments, spacing) of a value that was there.
fn satt_i(t: &mut Table, key: &str, varde: &Varde, sokvag: String) -> Option<Andring> {
    let mut ny = varde.toml();
    let fore = match t.get_mut(key) {
        Some(Item::Value(old)) => {
            let mut bare = old.clone();
            bare.decor_mut().clear();
            let text = bare.to_string();
            if text == ny.to_string() {
                return None;
            }
            let decor = old.decor().clone();
            *ny.decor_mut() = decor;
            *old = ny;
            Some(text)
        }
        _ => {
            t.insert(key, Item::Value(ny));
            None
        }
    };
    Some(Andring { sokvag, fore, efter: varde.visa() })
}

/// Replaces `path` with `bytes` in one step: written to a temporary file in the same
/// folder, synced, then renamed over it, so a reader or a crash sees the old file or the
/// new one, never half of it.
pub fn skriv_atomiskt(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(|| "fil".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
