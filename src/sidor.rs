//! Content pages: Markdown under `content/sidor/` with TOML front matter between `+++`
//! lines (title and document metadata).

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Sources};
use crate::load::{self, LoadError};
use crate::model::Datum;

pub(crate) const SIDOR_DIR: &str = "content/sidor";

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct SidaMeta {
    pub titel: String,
    /// Position in the navigation; lower comes first.
    #[serde(default)]
    pub ordning: i32,
    pub faststalld_av: Option<String>,
    pub galler_fran: Option<Datum>,
    pub galler_for: Option<String>,
    pub dokumentansvarig: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sida {
    pub slug: String,
    pub meta: SidaMeta,
    pub markdown: String,
}

/// Reads every page; problems become diagnostics on the page's file.
pub(crate) fn load(root: &Path, sources: &mut Sources, out: &mut Vec<Diagnostic>) -> Result<Vec<Sida>, LoadError> {
    let dir = root.join(SIDOR_DIR);
    let mut sidor = Vec::new();
    if !dir.is_dir() {
        return Ok(sidor);
    }
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| LoadError::Read(dir.clone(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    for path in paths {
        let text = load::read_text_limited(&path).map_err(|e| LoadError::Read(path.clone(), e))?;
        let name = format!("{SIDOR_DIR}/{}", path.file_name().unwrap_or_default().to_string_lossy());
        let slug = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let Some((front, body)) = split_front_matter(&text) else {
            let id = sources.add(name, text.clone());
            out.push(
                Diagnostic::error("missing-front-matter", id, "sidan saknar inledande metadata mellan `+++`-rader")
                    .at(Some(0..0), "börja filen med +++, titel = \"…\", +++"),
            );
            continue;
        };
        // Keep line numbers: the fences become TOML comments, the body is left out.
        let loaded = load::parse::<SidaMeta>(sources, out, name.clone(), format!("#++{front}#++"));
        if !crate::slug::valid_slug(&slug) {
            out.push(
                Diagnostic::error("invalid-slug", loaded.file, format!("ogiltigt filnamn `{slug}` för en sida"))
                    .at(Some(0..0), "filnamn")
                    .note("en sidas filnamn får bara innehålla a–z, 0–9 och bindestreck"),
            );
            continue;
        }
        if let Some(meta) = loaded.value {
            sidor.push(Sida { slug, meta, markdown: body.to_owned() });
        }
    }
    sidor.sort_by(|a, b| (a.meta.ordning, &a.slug).cmp(&(b.meta.ordning, &b.slug)));
    Ok(sidor)
}

/// `+++\n<toml>+++\n<markdown>` → (`\n<toml>`, `<markdown>`).
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("+++")?;
    let end = rest.find("\n+++")?;
    let front = &rest[..end + 1];
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Some((front, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_keeps_lines() {
        let (front, body) = split_front_matter("+++\ntitel = \"A\"\n+++\n\n# Rubrik\n").unwrap();
        assert_eq!(front, "\ntitel = \"A\"\n");
        assert_eq!(body, "# Rubrik\n");
        assert!(split_front_matter("# Ingen metadata").is_none());
    }
}
