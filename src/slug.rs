//! Slugs: the file and folder names a free-text name becomes. One rule for assessments
//! and suppliers, so a name never decides where on disk something lands. Below every
//! stage: `load`, `validate` and the renderers all name files by these rules.

use std::path::{Component, Path};

use crate::model::Bedomning;

/// Longest slug made from a name; well under what [`valid_slug`] accepts, so a
/// suffix for uniqueness still fits.
pub(crate) const MAX_LEN: usize = 60;

/// Names Windows reserves in every folder, with or without an extension.
pub(crate) const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A slug for each name, in order, none taken twice: two names that fold to one slug get
/// `-2`, `-3`, …; a name that gives no slug gets `fallback`.
pub(crate) fn unika<'a>(names: impl IntoIterator<Item = &'a str>, fallback: &str) -> Vec<String> {
    let mut taken = std::collections::BTreeSet::new();
    names
        .into_iter()
        .map(|name| {
            let base = slugify(name).unwrap_or_else(|| fallback.to_owned());
            let mut slug = base.clone();
            let mut n = 2;
            while !taken.insert(slug.clone()) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            slug
        })
        .collect()
}

/// A slug from a name: lowercase ASCII letters and digits joined by single hyphens, with
/// å/ä/ö and a few other letters folded, at most [`MAX_LEN`] bytes. `None` when nothing
/// usable is left, e.g. for a name of only spaces or punctuation.
pub(crate) fn slugify(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            'í' | 'ï' => 'i',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    if out.len() > MAX_LEN {
        // Cut at a word boundary when there is one in the second half, so the slug stays readable.
        let cut = out[..=MAX_LEN].rfind('-').filter(|&i| i > MAX_LEN / 2).unwrap_or(MAX_LEN);
        out.truncate(cut);
    }
    let mut out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        return None;
    }
    if RESERVED.contains(&out.as_str()) {
        out.push_str("-1");
    }
    debug_assert!(valid_slug(&out), "{out}");
    Some(out)
}

/// The slug an assessment is published under: its `slug` key or its file name.
pub(crate) fn slug_of(name: &str, b: &Bedomning) -> String {
    b.slug.clone().unwrap_or_else(|| {
        let file = name.rsplit('/').next().unwrap_or(name);
        file.strip_suffix(".toml").unwrap_or(file).to_owned()
    })
}

/// A slug becomes a folder name on every intranet; keep it to what every file system
/// and URL takes unchanged.
pub(crate) fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        // `con`, `nul`, … cannot be folder names on Windows, where the site may be copied.
        && !RESERVED.contains(&slug)
}

/// Only plain relative paths: no `..`, no root, no drive, no empty segment.
pub(crate) fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
        && !path.split('/').any(str::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_swedish_letters_and_punctuation() {
        assert_eq!(slugify("Min nya tjänst").as_deref(), Some("min-nya-tjanst"));
        assert_eq!(slugify("Åkessons Städ & Data AB").as_deref(), Some("akessons-stad-data-ab"));
        assert_eq!(slugify("  Öppna  e-tjänster!  ").as_deref(), Some("oppna-e-tjanster"));
    }

    #[test]
    fn never_leaves_the_folder() {
        assert_eq!(slugify("../../etc/passwd").as_deref(), Some("etc-passwd"));
        assert_eq!(slugify("/").as_deref(), None);
        assert_eq!(slugify("..").as_deref(), None);
        assert_eq!(slugify("C:\\Windows").as_deref(), Some("c-windows"));
    }

    #[test]
    fn empty_and_reserved_names() {
        assert_eq!(slugify("   "), None);
        assert_eq!(slugify("🙂"), None);
        assert_eq!(slugify("CON").as_deref(), Some("con-1"));
        assert_eq!(slugify("nul").as_deref(), Some("nul-1"));
        assert_eq!(slugify("Lpt1").as_deref(), Some("lpt1-1"));
        assert_eq!(slugify("console").as_deref(), Some("console"));
    }

    #[test]
    fn long_names_are_cut_at_a_word() {
        let slug = slugify(&"lång tjänst ".repeat(50)).unwrap();
        assert!(slug.len() <= MAX_LEN, "{slug}");
        assert!(slug.ends_with("tjanst"), "{slug}");
        let slug = slugify(&"x".repeat(500)).unwrap();
        assert_eq!(slug.len(), MAX_LEN);
    }
}
