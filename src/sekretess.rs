//! Secrecy under OSL: which parts of an assessment are secret, the open extract without
//! them, and a last check that nothing secret reached the output.
//!
//! The policy (`[[sekretess]]`, for every assessment) and a record (for itself) name the
//! secret parts by path. The open profile masks them once, in the data, before any
//! renderer runs: strings become a notice citing the paragraph, dates become
//! [`Datum::MASKERAD`], numbers and booleans a neutral value. The site, the search index,
//! the exports and the PDFs then show the masked data without knowing about secrecy.
//! Derived texts are masked by what they depend on, not by the strings they hold.

use std::ops::Range;

use serde_json::Value as Json;

use crate::diagnostic::{Diagnostic, FileId, did_you_mean, one_of};
use crate::historik::skillnad::etikett_for;
use crate::load::{Loaded, dotted};
use crate::model::{Bedomning, Policy, Sekretess};
use crate::path;

/// Which build: the internal one keeps secret parts and labels them; the open extract
/// replaces them with a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "full", derive(clap::ValueEnum))]
pub enum Profil {
    #[default]
    Intern,
    Oppen,
}

impl Profil {
    pub fn oppen(self) -> bool {
        self == Profil::Oppen
    }
}

/// Shortest masked text the leak check looks for, in characters. Shorter values ("SE",
/// "Ja.", a date) recur across unrelated records and would stop every build.
pub(crate) const MIN_SOKLANGD: usize = 12;

/// One secret part of one record, with where it was marked.
#[derive(Debug, Clone)]
pub struct Markering {
    pub falt: String,
    pub paragraf: String,
    pub grund: Option<String>,
    /// Marked in the policy (for every assessment) rather than in the record.
    pub fran_policyn: bool,
    pub file: FileId,
    pub span: Option<Range<usize>>,
}

impl Markering {
    /// What the open extract shows in place of the secret text.
    pub fn notis(&self) -> String {
        format!("Uppgiften omfattas av sekretess enligt {}.", self.paragraf.trim())
    }

    /// The label the internal profile puts on the part.
    pub fn rubrik(&self) -> String {
        format!("Sekretess · {}", self.paragraf.trim())
    }

    /// The part in words, e.g. `Beslut › Riskbedömning`.
    pub fn etikett(&self) -> String {
        etikett_for(&self.falt)
    }

    /// Whether `falt` (a dotted path, list positions removed) lies in the marked part.
    pub fn omfattar(&self, falt: &str) -> bool {
        falt == self.falt || falt.strip_prefix(self.falt.as_str()).is_some_and(|rest| rest.starts_with('.'))
    }
}

/// The markings of one record: the policy's, then its own.
pub(crate) fn markeringar(
    policy: &Loaded<Policy>,
    record: &Loaded<Bedomning>,
    p: &Policy,
    b: &Bedomning,
) -> Vec<Markering> {
    let from = |loaded_file: FileId, span: Option<Range<usize>>, s: &Sekretess, fran_policyn: bool| Markering {
        falt: s.falt.trim().to_owned(),
        paragraf: s.paragraf.trim().to_owned(),
        grund: s.grund.clone().filter(|g| !g.trim().is_empty()),
        fran_policyn,
        file: loaded_file,
        span,
    };
    let mut out: Vec<Markering> = p
        .sekretess
        .iter()
        .enumerate()
        .map(|(i, s)| from(policy.file, policy.span(&path!["sekretess", i, "falt"]), s, true))
        .collect();
    out.extend(
        b.sekretess
            .iter()
            .enumerate()
            .map(|(i, s)| from(record.file, record.span(&path!["sekretess", i, "falt"]), s, false)),
    );
    out
}

// ---------------------------------------------------------------------------------------
// check

/// Keys that cannot be secret: the slug is the record's address, and the markings are
/// what the open extract cites.
const EJ_MASKERBARA: [&str; 2] = ["slug", "sekretess"];

/// Errors for markings whose path names no field of the record, or that lack a paragraph.
pub(crate) fn validate<T>(loaded: &Loaded<T>, list: &[Sekretess], out: &mut Vec<Diagnostic>) {
    // Made once: this runs for every file.
    static SCHEMA: std::sync::LazyLock<serde_json::Value> =
        std::sync::LazyLock::new(|| schemars::schema_for!(Bedomning).to_value());
    for (i, s) in list.iter().enumerate() {
        let at = path!["sekretess", i, "falt"];
        if let Some((message, label, notes)) = check_path(&SCHEMA, s.falt.trim()) {
            let mut d = Diagnostic::error("unknown-field", loaded.file, format!("`{}`: {message}", dotted(&at)))
                .at(loaded.span(&at), label);
            for n in notes {
                d = d.note(n);
            }
            out.push(d);
        }
        if s.paragraf.trim().is_empty() {
            let at = path!["sekretess", i, "paragraf"];
            out.push(
                Diagnostic::error("empty-paragraph", loaded.file, format!("`{}` är tom", dotted(&at)))
                    .at(loaded.span(&at), "ange paragrafen")
                    .note("ange paragrafen i offentlighets- och sekretesslagen, till exempel `18 kap. 8 § OSL`"),
            );
        }
    }
}

/// Follows `$ref` and the non-null arm of an `Option`.
fn resolve<'a>(root: &'a Json, mut schema: &'a Json) -> &'a Json {
    loop {
        if let Some(r) = schema.get("$ref").and_then(Json::as_str) {
            match root.pointer(&format!("/$defs/{}", r.trim_start_matches("#/$defs/"))) {
                Some(s) => schema = s,
                None => return schema,
            }
            continue;
        }
        let arms = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Json::as_array);
        if let Some(arm) = arms.and_then(|a| {
            let non_null: Vec<&Json> =
                a.iter().filter(|x| x.get("type").and_then(Json::as_str) != Some("null")).collect();
            (non_null.len() == 1).then(|| non_null[0])
        }) {
            schema = arm;
            continue;
        }
        if (schema.get("type").and_then(Json::as_str) == Some("array")
            || schema.get("type").is_some_and(|t| t.as_array().is_some_and(|a| a.iter().any(|x| x == "array"))))
            && let Some(items) = schema.get("items")
        {
            // A path goes through a list: it names the field in every entry.
            schema = items;
            continue;
        }
        return schema;
    }
}

/// `None` when `falt` names a field of the record; otherwise message, label and notes.
fn check_path(root: &Json, falt: &str) -> Option<(String, String, Vec<String>)> {
    if falt.is_empty() {
        return Some(("fältet är tomt".into(), "ange ett fält, till exempel `riskanalys`".into(), vec![]));
    }
    let segs: Vec<&str> = falt.split('.').collect();
    if EJ_MASKERBARA.contains(&segs[0]) {
        return Some((
            format!("`{}` kan inte omfattas av sekretess", segs[0]),
            "kan inte maskeras".into(),
            vec!["slugen är bedömningens adress, och markeringarna är det som det öppna utdraget hänvisar till".into()],
        ));
    }
    let mut schema = resolve(root, root);
    for (n, seg) in segs.iter().enumerate() {
        let before = segs[..n].join(".");
        if let Some(props) = schema.get("properties").and_then(Json::as_object) {
            match props.get(*seg) {
                Some(sub) => schema = resolve(root, sub),
                None => {
                    let known: Vec<&str> =
                        props.keys().map(String::as_str).filter(|k| n > 0 || !EJ_MASKERBARA.contains(k)).collect();
                    let label = match did_you_mean(seg, known.iter().copied()) {
                        Some(s) if before.is_empty() => format!("menade du `{s}`?"),
                        Some(s) => format!("menade du `{before}.{s}`?"),
                        None => format!("okänt fält `{seg}`"),
                    };
                    let place = if before.is_empty() { "i en bedömning".to_owned() } else { format!("i `{before}`") };
                    return Some((
                        format!("`{falt}` är inget fält i en bedömning"),
                        label,
                        vec![format!("tillåtet {place}: {}", one_of(&known))],
                    ));
                }
            }
        } else if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            // A map keyed by the policy's ids (svar.3b, aterstallning.aterstallningstid).
            schema = resolve(root, extra);
        } else {
            return Some((
                format!("`{before}` är ett värde och har inga fält"),
                format!("`{seg}` finns inte i `{before}`"),
                vec![format!("markera hela `{before}` i stället")],
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Json {
        schemars::schema_for!(Bedomning).to_value()
    }

    #[test]
    fn paths_into_the_record_are_accepted() {
        let s = schema();
        for ok in [
            "riskanalys",
            "beslut.riskbedomning",
            "svar.3b",
            "aterstallning",
            "underbitraden.namn",
            "beslut.it_centerchef.motivering",
            "informationsmangd.klassning.K",
            "bekraftelse.bevis",
        ] {
            assert_eq!(check_path(&s, ok), None, "{ok}");
        }
    }

    #[test]
    fn unknown_paths_say_what_is_accepted() {
        let s = schema();
        let (message, label, notes) = check_path(&s, "beslut.riskbedomnig").unwrap();
        assert!(message.contains("beslut.riskbedomnig"));
        assert_eq!(label, "menade du `beslut.riskbedomning`?");
        assert!(notes[0].contains("`motivering`"), "{notes:?}");
        assert!(check_path(&s, "riskanalys.datum.ar").unwrap().0.contains("är ett värde"));
        assert!(check_path(&s, "slug").is_some());
        assert!(check_path(&s, "").is_some());
    }

    #[test]
    fn a_marking_covers_its_part_and_nothing_beside_it() {
        let m = Markering {
            falt: "beslut.motivering".into(),
            paragraf: "18 kap. 8 § OSL".into(),
            grund: None,
            fran_policyn: true,
            file: 0,
            span: None,
        };
        assert!(m.omfattar("beslut.motivering"));
        assert!(!m.omfattar("beslut.motiveringar"));
        assert!(!m.omfattar("beslut"));
        assert_eq!(m.notis(), "Uppgiften omfattas av sekretess enligt 18 kap. 8 § OSL.");
    }
}
