//! The edit form's own comment-keeping TOML editor (get, set, remove, push and remove tables).
//! `crate::redigera` is the answer-sheet import's, and writes both atomically; the two editors
//! should become one.
//! Edits an assessment's TOML as a person would: a changed value is replaced where it
//! stands, so comments, key order and the layout of everything untouched stay as written.
//!
//! A narrow interface on purpose: `serve`'s edit form needs to set a value at a path,
//! remove one, append and remove array-of-tables entries, and write the result atomically.

use toml_edit::{DocumentMut, Item, Table, Value};

use crate::load::Seg;

pub(crate) struct Dokument {
    doc: DocumentMut,
}

impl Dokument {
    pub(crate) fn parse(text: &str) -> Result<Dokument, String> {
        text.parse::<DocumentMut>().map(|doc| Dokument { doc }).map_err(|e| e.to_string())
    }

    pub(crate) fn text(&self) -> String {
        self.doc.to_string()
    }

    /// The value at `path`, if there is one.
    pub(crate) fn get(&self, path: &[Seg]) -> Option<&Value> {
        from_item(self.doc.as_item(), path)
    }

    /// Sets the value at `path`, keeping the spacing and comments around the old value.
    /// Missing tables on the way are made; a path through a list needs the entry to exist.
    pub(crate) fn set(&mut self, path: &[Seg], mut value: Value) -> Result<(), String> {
        let (last, parents) = path.split_last().ok_or("tom sökväg")?;
        let Seg::Key(key) = last else { return Err("en lista sätts post för post".into()) };
        let table = table_at(self.doc.as_item_mut(), parents)?;
        match table.get_mut(key) {
            Some(old) => {
                if let Some(v) = old.as_value() {
                    *value.decor_mut() = v.decor().clone();
                }
                *old = Item::Value(value);
            }
            None => {
                table.insert(key, Item::Value(value));
            }
        }
        Ok(())
    }

    /// Removes the key at `path`; nothing happens when it is not there.
    pub(crate) fn remove(&mut self, path: &[Seg]) -> Result<(), String> {
        let (last, parents) = path.split_last().ok_or("tom sökväg")?;
        let Seg::Key(key) = last else { return Err("en lista tas bort post för post".into()) };
        if let Ok(table) = table_at(self.doc.as_item_mut(), parents) {
            table.remove(key);
        }
        Ok(())
    }

    /// Appends an entry to the array of tables `name` (`[[name]]`), made when missing, and
    /// returns its index.
    pub(crate) fn push_table(&mut self, name: &str) -> Result<usize, String> {
        let root = self.doc.as_table_mut();
        if !root.contains_key(name) {
            root.insert(name, Item::ArrayOfTables(Default::default()));
        }
        let array = root
            .get_mut(name)
            .and_then(Item::as_array_of_tables_mut)
            .ok_or_else(|| format!("`{name}` är ingen lista av tabeller"))?;
        array.push(Table::new());
        Ok(array.len() - 1)
    }

    /// Removes entry `index` of the array of tables `name`.
    pub(crate) fn remove_table(&mut self, name: &str, index: usize) -> Result<(), String> {
        let array = self
            .doc
            .as_table_mut()
            .get_mut(name)
            .and_then(Item::as_array_of_tables_mut)
            .ok_or_else(|| format!("`{name}` är ingen lista av tabeller"))?;
        if index >= array.len() {
            return Err(format!("`{name}` har ingen post {}", index + 1));
        }
        array.remove(index);
        if array.is_empty() {
            self.doc.as_table_mut().remove(name);
        }
        Ok(())
    }

    /// How many entries the array of tables `name` has.
    pub(crate) fn count(&self, name: &str) -> usize {
        self.doc.get(name).and_then(Item::as_array_of_tables).map_or(0, |a| a.len())
    }
}

fn from_item<'a>(item: &'a Item, path: &[Seg]) -> Option<&'a Value> {
    match (path.split_first(), item) {
        (None, _) => item.as_value(),
        (Some((Seg::Index(i), rest)), Item::ArrayOfTables(a)) => from_item_table(a.get(*i)?, rest),
        (Some((Seg::Key(k), rest)), _) => from_item(item.as_table_like()?.get(k)?, rest),
        (Some(_), Item::Value(v)) => from_value(v, path),
        _ => None,
    }
}

fn from_item_table<'a>(table: &'a Table, path: &[Seg]) -> Option<&'a Value> {
    let (Seg::Key(k), rest) = path.split_first()? else { return None };
    from_item(table.get(k)?, rest)
}

fn from_value<'a>(value: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    match (path.split_first(), value) {
        (None, _) => Some(value),
        (Some((Seg::Key(k), rest)), Value::InlineTable(t)) => from_value(t.get(k)?, rest),
        (Some((Seg::Index(i), rest)), Value::Array(a)) => from_value(a.get(*i)?, rest),
        _ => None,
    }
}

/// The table (or inline table) at `path`, making missing tables on the way.
fn table_at<'a>(item: &'a mut Item, path: &[Seg]) -> Result<&'a mut dyn toml_edit::TableLike, String> {
    descend(item.as_table_like_mut().ok_or("ingen tabell")?, path)
}

fn descend<'a>(
    table: &'a mut dyn toml_edit::TableLike,
    path: &[Seg],
) -> Result<&'a mut dyn toml_edit::TableLike, String> {
    let Some((first, rest)) = path.split_first() else { return Ok(table) };
    let Seg::Key(k) = first else { return Err("en post utan lista".into()) };
    if table.get(k).is_none() {
        table.insert(k, Item::Table(Table::new()));
    }
    match table.get_mut(k).ok_or("saknas")? {
        Item::Table(t) => descend(t, rest),
        Item::Value(Value::InlineTable(t)) => descend(t, rest),
        Item::ArrayOfTables(a) => {
            let Some((Seg::Index(i), rest)) = rest.split_first() else {
                return Err(format!("`{k}` är en lista"));
            };
            let t = a.get_mut(*i).ok_or_else(|| format!("`{k}` har ingen post {}", i + 1))?;
            descend(t, rest)
        }
        _ => Err(format!("`{k}` är ingen tabell")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;

    const TEXT: &str = "# head\nnamn = \"a\" # why\n\n[driftform]\nid = 4 # the form\n\n[[informationsmangd]]\n# set\nnamn = \"x\"\nklassning = { K = 1, R = 2 }\n";

    #[test]
    fn a_changed_value_is_a_one_line_change_with_comments_kept() {
        let mut d = Dokument::parse(TEXT).unwrap();
        d.set(&path!["driftform", "id"], Value::from(5)).unwrap();
        assert_eq!(d.text(), TEXT.replacen("id = 4 # the form", "id = 5 # the form", 1));
        d.set(&path!["informationsmangd", 0, "klassning", "K"], Value::from(3)).unwrap();
        assert!(d.text().contains("klassning = { K = 3, R = 2 }"), "{}", d.text());
        assert_eq!(d.get(&path!["informationsmangd", 0, "klassning", "R"]).and_then(Value::as_integer), Some(2));
        assert_eq!(d.get(&path!["informationsmangd", 0, "namn"]).and_then(Value::as_str), Some("x"));
    }

    #[test]
    fn tables_of_a_list_are_added_and_removed() {
        let mut d = Dokument::parse(TEXT).unwrap();
        let i = d.push_table("certifikat").unwrap();
        d.set(&path!["certifikat", i, "standard"], Value::from("iso-27001")).unwrap();
        assert!(d.text().ends_with("[[certifikat]]\nstandard = \"iso-27001\"\n"), "{}", d.text());
        d.remove_table("certifikat", 0).unwrap();
        assert_eq!(d.text(), TEXT);
    }
}
