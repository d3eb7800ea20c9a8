//! Edits a TOML file that a person keeps by hand, the way that person would: a changed value
//! is replaced where it stands, so comments, key order and the layout of everything untouched
//! stay as written, and the result is written atomically. `molnkoll svar --skriv` writes a
//! bidder's answers with it, and `serve`'s edit form writes a record's fields.
//!
//! Paths are the loader's ([`Seg`]): keys, and the index of an entry in a list of tables.

use std::io::{self, Write};
use std::path::Path;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, TableLike, Value};

use crate::load::{Seg, dotted};
use crate::model::Datum;

/// A value to write, or one read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Varde {
    Text(String),
    Heltal(i64),
    Bool(bool),
    Datum(Datum),
    /// A list of strings (`anvands_av = ["…", "…"]`).
    Texter(Vec<String>),
    /// Anything else, as it reads in the file; only ever read.
    Annat(String),
}

impl Varde {
    fn toml(&self) -> Value {
        match self {
            Varde::Text(s) | Varde::Annat(s) => Value::from(s.as_str()),
            Varde::Heltal(i) => Value::from(*i),
            Varde::Bool(b) => Value::from(*b),
            Varde::Datum(d) => {
                let date = toml_edit::Date { year: d.0.year() as u16, month: d.0.month() as u8, day: d.0.day() as u8 };
                Value::from(toml_edit::Datetime { date: Some(date), time: None, offset: None })
            }
            Varde::Texter(list) => Value::Array(list.iter().map(String::as_str).collect()),
        }
    }

    fn from_toml(v: &Value) -> Varde {
        let date = |d: &toml_edit::Datetime| match (d.date, d.time, d.offset) {
            (Some(x), None, None) => Datum::new(x.year as i16, x.month as i8, x.day as i8),
            _ => None,
        };
        match v {
            Value::String(s) => Varde::Text(s.value().clone()),
            Value::Integer(i) => Varde::Heltal(*i.value()),
            Value::Boolean(b) => Varde::Bool(*b.value()),
            Value::Datetime(d) if date(d.value()).is_some() => Varde::Datum(date(d.value()).expect("checked")),
            Value::Array(a) if a.iter().all(Value::is_str) => {
                Varde::Texter(a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            }
            other => Varde::Annat(bare(other)),
        }
    }

    /// The value as it reads in the file, for the report of what changed.
    pub fn visa(&self) -> String {
        bare(&self.toml())
    }

    /// The value as one line of text, as a form shows it: a string as it is, a list one
    /// entry a line.
    pub fn som_text(&self) -> String {
        match self {
            Varde::Text(s) | Varde::Annat(s) => s.clone(),
            Varde::Heltal(i) => i.to_string(),
            Varde::Bool(b) => b.to_string(),
            Varde::Datum(d) => d.to_string(),
            Varde::Texter(list) => list.join("\n"),
        }
    }
}

fn bare(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    v.to_string()
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
    #[error("`{0}` har ingen post {1}")]
    IngenPost(String, usize),
    #[error("en sökväg måste sluta med en nyckel, inte med `{0}`")]
    InteNyckel(String),
}

/// A TOML document being edited.
pub struct Dokument {
    doc: DocumentMut,
}

impl Dokument {
    pub fn parse(text: &str) -> Result<Dokument, RedigeraFel> {
        Ok(Dokument { doc: text.parse()? })
    }

    /// The value at `path`, if there is one.
    pub fn las(&self, path: &[Seg]) -> Option<Varde> {
        value_at(self.doc.as_item(), path).map(Varde::from_toml)
    }

    /// Sets the value at `path`, keeping the spacing and comments around the old value.
    /// Missing tables on the way are made (a new one after the last table of its parent);
    /// a path through a list needs the entry to exist. Returns the change, or `None` when
    /// the value was already there.
    pub fn satt(&mut self, path: &[Seg], varde: &Varde) -> Result<Option<Andring>, RedigeraFel> {
        let (key, table) = self.parent(path)?;
        let mut ny = varde.toml();
        let sokvag = dotted(path);
        let fore = match table.get_mut(&key) {
            Some(Item::Value(old)) => {
                let text = bare(old);
                if text == bare(&ny) {
                    return Ok(None);
                }
                *ny.decor_mut() = old.decor().clone();
                *old = ny;
                Some(text)
            }
            _ => {
                table.insert(&key, Item::Value(ny));
                None
            }
        };
        Ok(Some(Andring { sokvag, fore, efter: varde.visa() }))
    }

    /// Removes the key at `path`; nothing happens when it is not there.
    pub fn ta_bort(&mut self, path: &[Seg]) -> Result<(), RedigeraFel> {
        if self.las(path).is_none() && !self.finns_tabell(path) {
            return Ok(());
        }
        let (key, table) = self.parent(path)?;
        table.remove(&key);
        Ok(())
    }

    /// Removes the table at `path` when nothing is left in it; says whether it did.
    pub fn ta_bort_om_tom(&mut self, path: &[Seg]) -> Result<bool, RedigeraFel> {
        let tom = item_at(self.doc.as_item(), path).and_then(Item::as_table_like).is_some_and(|t| t.is_empty());
        if tom {
            self.ta_bort(path)?;
        }
        Ok(tom)
    }

    /// Appends an entry with `falt` to the list of tables at `lista` (`[[lista]]`), made at
    /// the end of its table when missing. Returns its index and the changes.
    pub fn lagg_till(&mut self, lista: &[Seg], falt: &[(&str, Varde)]) -> Result<(usize, Vec<Andring>), RedigeraFel> {
        let list = self.lista(lista)?;
        let mut t = Table::new();
        for (k, v) in falt {
            t.insert(k, Item::Value(v.toml()));
        }
        list.push(t);
        let i = list.len() - 1;
        let at = |k: &str| dotted(&[lista, &[Seg::Index(i), Seg::Key(k.to_owned())]].concat());
        Ok((i, falt.iter().map(|(k, v)| Andring { sokvag: at(k), fore: None, efter: v.visa() }).collect()))
    }

    /// The entry of the list of tables `lista` whose `key` is `id`, updated with `falt`; or
    /// a new entry at the end of the list, the fields in the given order.
    pub fn satt_post(
        &mut self,
        lista: &[Seg],
        key: &str,
        id: &str,
        falt: &[(&str, Varde)],
    ) -> Result<Vec<Andring>, RedigeraFel> {
        let found = (0..self.antal(lista))
            .find(|&i| self.las(&[lista, &[Seg::Index(i), Seg::Key(key.to_owned())]].concat()) == Some(text(id)));
        let (i, mut out) = match found {
            Some(i) => (i, Vec::new()),
            None => self.lagg_till(lista, &[(key, text(id))])?,
        };
        for (k, v) in falt {
            out.extend(self.satt(&[lista, &[Seg::Index(i), Seg::Key((*k).to_owned())]].concat(), v)?);
        }
        Ok(out)
    }

    /// Removes entry `index` of the list of tables at `lista`, and the list when it is
    /// left empty.
    pub fn ta_bort_post(&mut self, lista: &[Seg], index: usize) -> Result<(), RedigeraFel> {
        let list = self.lista(lista)?;
        if index >= list.len() {
            return Err(RedigeraFel::IngenPost(dotted(lista), index + 1));
        }
        list.remove(index);
        if list.is_empty() {
            self.ta_bort(lista)?;
        }
        Ok(())
    }

    /// How many entries the list of tables at `lista` has.
    pub fn antal(&self, lista: &[Seg]) -> usize {
        item_at(self.doc.as_item(), lista).and_then(Item::as_array_of_tables).map_or(0, ArrayOfTables::len)
    }

    /// The string values of `key` in every entry of the list of tables at `lista`.
    pub fn texter_i_lista(&self, lista: &[Seg], key: &str) -> Vec<String> {
        let Some(list) = item_at(self.doc.as_item(), lista).and_then(Item::as_array_of_tables) else {
            return Vec::new();
        };
        list.iter().filter_map(|t| t.get(key).and_then(Item::as_str)).map(str::to_owned).collect()
    }

    fn finns_tabell(&self, path: &[Seg]) -> bool {
        item_at(self.doc.as_item(), path).is_some_and(|i| !i.is_none())
    }

    /// The last key of `path`, and the table it is in (made when missing).
    fn parent(&mut self, path: &[Seg]) -> Result<(String, &mut dyn TableLike), RedigeraFel> {
        let Some((Seg::Key(key), parents)) = path.split_last() else {
            return Err(RedigeraFel::InteNyckel(dotted(path)));
        };
        let table = descend(self.doc.as_table_mut(), parents, parents)?;
        Ok((key.clone(), table))
    }

    /// The list of tables at `path`, made when missing.
    fn lista(&mut self, path: &[Seg]) -> Result<&mut ArrayOfTables, RedigeraFel> {
        let (key, table) = self.parent(path)?;
        table
            .entry(&key)
            .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
            .as_array_of_tables_mut()
            .ok_or_else(|| RedigeraFel::InteLista(dotted(path)))
    }
}

fn text(s: &str) -> Varde {
    Varde::Text(s.to_owned())
}

impl std::fmt::Display for Dokument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.doc)
    }
}

fn item_at<'a>(item: &'a Item, path: &[Seg]) -> Option<&'a Item> {
    match (path.split_first(), item) {
        (None, _) => Some(item),
        (Some((Seg::Index(i), rest)), Item::ArrayOfTables(a)) => table_item(a.get(*i)?, rest),
        (Some((Seg::Key(k), rest)), _) => item_at(item.as_table_like()?.get(k)?, rest),
        _ => None,
    }
}

fn table_item<'a>(table: &'a Table, path: &[Seg]) -> Option<&'a Item> {
    let (Seg::Key(k), rest) = path.split_first()? else { return None };
    item_at(table.get(k)?, rest)
}

fn value_at<'a>(item: &'a Item, path: &[Seg]) -> Option<&'a Value> {
    // A path may go on into an inline table or array, which `item_at` does not enter.
    for n in (0..=path.len()).rev() {
        if let Some(Item::Value(v)) = item_at(item, &path[..n]) {
            return in_value(v, &path[n..]);
        }
    }
    None
}

fn in_value<'a>(value: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    match (path.split_first(), value) {
        (None, _) => Some(value),
        (Some((Seg::Key(k), rest)), Value::InlineTable(t)) => in_value(t.get(k)?, rest),
        (Some((Seg::Index(i), rest)), Value::Array(a)) => in_value(a.get(*i)?, rest),
        _ => None,
    }
}

/// The table (or inline table) at `path`, making missing tables on the way.
fn descend<'a>(
    table: &'a mut dyn TableLike,
    path: &[Seg],
    whole: &[Seg],
) -> Result<&'a mut dyn TableLike, RedigeraFel> {
    let Some((first, rest)) = path.split_first() else { return Ok(table) };
    let upto = || dotted(&whole[..whole.len() - rest.len()]);
    let Seg::Key(k) = first else { return Err(RedigeraFel::InteTabell(upto())) };
    if table.get(k).is_none() {
        table.insert(k, Item::Table(Table::new()));
    }
    match table.get_mut(k).expect("made above") {
        Item::Table(t) => descend(t, rest, whole),
        Item::Value(Value::InlineTable(t)) => descend(t, rest, whole),
        Item::ArrayOfTables(a) => {
            let Some((Seg::Index(i), rest)) = rest.split_first() else {
                return Err(RedigeraFel::InteTabell(upto()));
            };
            let len = a.len();
            let t = a.get_mut(*i).ok_or_else(|| RedigeraFel::IngenPost(upto(), (*i + 1).max(len + 1)))?;
            descend(t, rest, whole)
        }
        _ => Err(RedigeraFel::InteTabell(upto())),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;

    const TEXT: &str = "# head\nnamn = \"a\" # why\n\n[driftform]\nid = 4 # the form\n\n[[informationsmangd]]\n# set\nnamn = \"x\"\nklassning = { K = 1, R = 2 }\n";

    #[test]
    fn a_changed_value_is_a_one_line_change_with_comments_kept() {
        let mut d = Dokument::parse(TEXT).unwrap();
        let change = d.satt(&path!["driftform", "id"], &Varde::Heltal(5)).unwrap().unwrap();
        assert_eq!(
            (change.sokvag.as_str(), change.fore.as_deref(), change.efter.as_str()),
            ("driftform.id", Some("4"), "5")
        );
        assert_eq!(d.to_string(), TEXT.replacen("id = 4 # the form", "id = 5 # the form", 1));
        assert_eq!(d.satt(&path!["driftform", "id"], &Varde::Heltal(5)).unwrap(), None, "the same value is no change");
        d.satt(&path!["informationsmangd", 0, "klassning", "K"], &Varde::Heltal(3)).unwrap();
        assert!(d.to_string().contains("klassning = { K = 3, R = 2 }"), "{d}");
        assert_eq!(d.las(&path!["informationsmangd", 0, "klassning", "R"]), Some(Varde::Heltal(2)));
        assert_eq!(d.las(&path!["informationsmangd", 0, "namn"]), Some(text("x")));
    }

    #[test]
    fn tables_of_a_list_are_added_and_removed() {
        let mut d = Dokument::parse(TEXT).unwrap();
        let (i, _) = d.lagg_till(&path!["certifikat"], &[]).unwrap();
        d.satt(&path!["certifikat", i, "standard"], &text("iso-27001")).unwrap();
        assert!(d.to_string().ends_with("[[certifikat]]\nstandard = \"iso-27001\"\n"), "{d}");
        d.ta_bort_post(&path!["certifikat"], 0).unwrap();
        assert_eq!(d.to_string(), TEXT);
    }

    #[test]
    fn a_list_in_a_table_a_list_of_strings_and_an_emptied_table() {
        let mut d = Dokument::parse("[beslut]\nstatus = \"godkand\"\n").unwrap();
        d.lagg_till(&path!["beslut", "accepterad_risk"], &[("atgard", text("a"))]).unwrap();
        d.satt(&path!["beslut", "villkor"], &Varde::Texter(vec!["x".into(), "y".into()])).unwrap();
        assert_eq!(d.antal(&path!["beslut", "accepterad_risk"]), 1);
        assert_eq!(d.las(&path!["beslut", "villkor"]).map(|v| v.som_text()).as_deref(), Some("x\ny"));
        assert_eq!(
            d.to_string(),
            "[beslut]\nstatus = \"godkand\"\nvillkor = [\"x\", \"y\"]\n\n[[beslut.accepterad_risk]]\natgard = \"a\"\n"
        );
        d.satt(&path!["riskanalys", "referens"], &text("R")).unwrap();
        d.ta_bort(&path!["riskanalys", "referens"]).unwrap();
        assert!(d.ta_bort_om_tom(&path!["riskanalys"]).unwrap());
        assert!(!d.to_string().contains("riskanalys"), "{d}");
    }

    #[test]
    fn a_multi_line_text_is_written_as_a_multi_line_string() {
        let mut d = Dokument::parse("[svar]\n1a = \"kort\"\n").unwrap();
        d.satt(&path!["svar", "1a"], &text("rad ett\nrad två\n")).unwrap();
        assert_eq!(d.to_string(), "[svar]\n1a = \"\"\"\nrad ett\nrad två\n\"\"\"\n");
    }
}
