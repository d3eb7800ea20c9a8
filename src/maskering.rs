//! The open extract: masks the secret parts that `sekretess` marks, once, in the derived
//! items before any renderer runs, and searches the finished output for anything secret
//! that got through. Strings become a notice citing the paragraph, dates become
//! [`Datum::MASKERAD`], numbers and booleans a neutral value; derived texts are masked by
//! what they depend on, not by the strings they hold.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value as Json, json};

use crate::Item;
use crate::derive::BevakningTyp;
use crate::diagnostic::{Diagnostic, one_of};
use crate::model::{
    AccepteradRisk, Anbudssvar, Bedomning, Bekraftelse, BekraftelseStatus, Beslut, BeslutStatus, CentralKomponentVal,
    Certifikat, Datum, DpfKontroll, DriftformVal, Eskalering, Informationsmangd, Leverantor, Policy,
    RedogorelseBedomning, Riskanalys, Stallningstagande, Tjanst, Underbitrade, UtlosareId,
};
use crate::sekretess::{MIN_SOKLANGD, Markering, Profil};

/// What a masked value becomes. `alt` gives every value a second, different stand-in:
/// a derived text that is the same under both stand-ins and the original does not
/// depend on the masked values (see [`maska_harledning`]).
struct Notis<'a> {
    text: &'a str,
    alt: bool,
}

/// Replaces everything at `path` (empty: the whole value) with what cannot leak.
trait Maska {
    fn maska(&mut self, path: &[&str], notis: &Notis);
    /// A plain value: a list of them collapses to a single notice.
    fn skalar() -> bool {
        false
    }
}

impl Maska for String {
    fn maska(&mut self, _: &[&str], notis: &Notis) {
        *self = if notis.alt { format!("{} ", notis.text) } else { notis.text.to_owned() };
    }
    fn skalar() -> bool {
        true
    }
}

impl Maska for Datum {
    fn maska(&mut self, _: &[&str], notis: &Notis) {
        *self = if notis.alt { Datum::MASKERAD_ALT } else { Datum::MASKERAD };
    }
    fn skalar() -> bool {
        true
    }
}

impl Maska for bool {
    fn maska(&mut self, _: &[&str], notis: &Notis) {
        *self = notis.alt;
    }
}

impl Maska for u8 {
    fn maska(&mut self, _: &[&str], notis: &Notis) {
        *self = if notis.alt { u8::MAX } else { 0 };
    }
}

impl Maska for u32 {
    fn maska(&mut self, _: &[&str], notis: &Notis) {
        *self = if notis.alt { u32::MAX } else { 0 };
    }
}

impl Maska for BekraftelseStatus {
    fn maska(&mut self, _: &[&str], notis: &Notis) {
        *self = if notis.alt { BekraftelseStatus::Bekraftad } else { BekraftelseStatus::Vantar };
    }
}

// The decision and the trigger are shown anyway, derived, in the verdict and the documents.
impl Maska for BeslutStatus {
    fn maska(&mut self, _: &[&str], _: &Notis) {}
}

impl Maska for UtlosareId {
    fn maska(&mut self, _: &[&str], _: &Notis) {}
}

impl<T: Maska> Maska for Option<T> {
    fn maska(&mut self, path: &[&str], notis: &Notis) {
        if let Some(v) = self {
            v.maska(path, notis);
        }
    }
}

impl<T: Maska> Maska for Vec<T> {
    fn maska(&mut self, path: &[&str], notis: &Notis) {
        if path.is_empty() && T::skalar() {
            self.truncate(1);
        }
        for v in self {
            v.maska(path, notis);
        }
    }
}

impl<T: Maska> Maska for BTreeMap<String, T> {
    fn maska(&mut self, path: &[&str], notis: &Notis) {
        match path.split_first() {
            None => self.values_mut().for_each(|v| v.maska(&[], notis)),
            Some((key, rest)) => {
                if let Some(v) = self.get_mut(*key) {
                    v.maska(rest, notis);
                }
            }
        }
    }
}

/// `Maska` for a record type, field by field under its TOML key.
macro_rules! maska_struct {
    ($t:ty { $($key:literal => $field:ident),* $(,)? }) => {
        impl Maska for $t {
            fn maska(&mut self, path: &[&str], notis: &Notis) {
                match path.split_first() {
                    None => { $( self.$field.maska(&[], notis); )* }
                    Some((head, rest)) => match *head {
                        $( $key => self.$field.maska(rest, notis), )*
                        _ => {}
                    },
                }
            }
        }
    };
}

maska_struct!(Bedomning {
    "tjanst" => tjanst, "leverantor" => leverantor, "underbitraden" => underbitraden,
    "tjanstemodell" => tjanstemodell, "leveransmodell" => leveransmodell, "driftform" => driftform,
    "utlosare" => utlosare, "central_komponent" => central_komponent, "informationsmangd" => informationsmangder,
    "aterstallning" => aterstallning, "certifikat" => certifikat, "certifieringsredogorelse" => certifieringsredogorelse,
    "redogorelse_bedomning" => redogorelse_bedomning, "dpf" => dpf, "riskanalys" => riskanalys, "svar" => svar, "lamplighet" => lamplighet,
    "checklista" => checklista, "bekraftelse" => bekraftelser, "anbudssvar" => anbudssvar, "beslut" => beslut,
});
maska_struct!(Tjanst { "namn" => namn, "beskrivning" => beskrivning, "referens" => referens,
    "anvands_av" => anvands_av, "informationsagare" => informationsagare, "avtal" => avtal, "avtalspart" => avtalspart });
maska_struct!(Leverantor { "namn" => namn, "land" => land, "usa_koppling" => usa_koppling, "moderbolag" => moderbolag });
maska_struct!(Underbitrade { "namn" => namn, "land" => land, "usa_koppling" => usa_koppling, "uppgift" => uppgift,
    "lagrar_data" => lagrar_data });
maska_struct!(DriftformVal { "id" => id, "villkor_uppfyllt" => villkor_uppfyllt, "tidigare" => tidigare });
maska_struct!(CentralKomponentVal { "komponent" => komponent, "undantag" => undantag });
maska_struct!(Informationsmangd { "namn" => namn, "beskrivning" => beskrivning, "klassning" => klassning,
    "klassad_av" => klassad_av, "klassad_datum" => klassad_datum });
maska_struct!(Certifikat { "standard" => standard, "utfardare" => utfardare, "giltigt_till" => giltigt_till,
    "omfattar_tjansten" => omfattar_tjansten, "bevis" => bevis });
maska_struct!(DpfKontroll { "organisation" => organisation, "listad_som" => listad_som, "listad" => listad,
    "ramverk" => ramverk, "kontrollerad" => kontrollerad, "bevis" => bevis });
maska_struct!(Riskanalys { "referens" => referens, "datum" => datum, "genomford_av" => genomford_av });
maska_struct!(Bekraftelse { "atgard" => atgard, "status" => status, "datum" => datum, "bevis" => bevis });
maska_struct!(RedogorelseBedomning { "bedomd_av" => bedomd_av, "datum" => datum, "godtagen" => godtagen,
    "motivering" => motivering });
maska_struct!(AccepteradRisk { "atgard" => atgard, "motivering" => motivering });
maska_struct!(Anbudssvar { "krav" => krav, "uppfylls" => uppfylls, "svar" => svar, "bevis" => bevis,
    "kontrollerad_av" => kontrollerad_av, "kontrollerad_datum" => kontrollerad_datum });
maska_struct!(Beslut { "status" => status, "beslutsfattare" => beslutsfattare, "datum" => datum,
    "skyddsniva" => skyddsniva, "delegation" => delegation, "motivering" => motivering,
    "accepterad_risk" => accepterad_risk, "villkor" => villkor, "riskbedomning" => riskbedomning,
    "juridiskt_ansvar_och_varumarke" => juridiskt_ansvar_och_varumarke, "nasta_granskning" => nasta_granskning,
    "it_centerchef" => it_centerchef, "eskalering" => eskalering });
maska_struct!(Stallningstagande { "tillstyrker" => tillstyrker, "datum" => datum, "motivering" => motivering });
maska_struct!(Eskalering { "till" => till, "datum" => datum, "beslut" => beslut, "motivering" => motivering });

/// Every string (dates as text) at `path` in `value`; lists are passed through.
fn strangar(value: &Json, path: &[&str], out: &mut Vec<String>) {
    match (value, path.split_first()) {
        (Json::Array(items), _) => items.iter().for_each(|v| strangar(v, path, out)),
        (Json::Object(map), Some((key, rest))) => {
            if let Some(v) = map.get(*key) {
                strangar(v, rest, out);
            }
        }
        (Json::Object(map), None) => map.values().for_each(|v| strangar(v, &[], out)),
        (Json::String(s), None) => out.push(s.clone()),
        _ => {}
    }
}

/// A secret text to look for in the open build's output, and the marking that hid it.
#[derive(Debug, Clone)]
pub(crate) struct Hemlighet {
    pub text: String,
    pub markering: Markering,
    pub slug: String,
    /// Shorter than [`MIN_SOKLANGD`], or a marked id's name from the policy: looked for as
    /// a whole word, only in the record's own derived texts ([`harledda_texter`]), where no
    /// page skeleton or other record can hold it by chance.
    pub kort: bool,
}

/// Shortest value looked for in the derived texts; "SE" or "Ja" would say little.
const MIN_KORT: usize = 3;

/// Applies `profil` to every item: the open profile masks them in place. Returns the
/// texts that were masked, for [`sok`]. `today` is the day the items were derived for.
pub(crate) fn tillampa(policy: &Policy, items: &mut [Arc<Item>], profil: Profil, today: Datum) -> Vec<Hemlighet> {
    if !profil.oppen() {
        return Vec::new();
    }
    // The policy is published whole, so text that also stands in it is not a secret.
    let publikt = serde_json::to_string(policy).unwrap_or_default();
    let mut hemliga = Vec::new();
    for item in items.iter_mut() {
        // Masked in a copy of its own: `serve`'s memo shares the judged one.
        let item = Arc::make_mut(item);
        let original = serde_json::to_value(&item.bedomning).unwrap_or(Json::Null);
        let mut alt = item.bedomning.clone();
        for m in &item.sekretess {
            let path: Vec<&str> = m.falt.split('.').collect();
            let mut texts = Vec::new();
            strangar(&original, &path, &mut texts);
            for t in texts {
                // A marked id shows by its name from the policy (a role, a standard).
                let namn = policy
                    .roll(t.trim())
                    .map(|r| r.namn.clone())
                    .into_iter()
                    .chain(policy.certifiering(t.trim()).map(|c| c.namn.clone()));
                let mut needles: Vec<(String, bool)> = vec![(t.trim().to_owned(), false)];
                needles.extend(t.lines().map(|l| (l.trim().to_owned(), false)));
                needles.extend(namn.map(|n| (n, true)));
                for (n, id_namn) in needles {
                    let len = n.chars().count();
                    let kort = id_namn || len < MIN_SOKLANGD;
                    let escaped = json_escaped(&n);
                    let offentlig = if kort { hela_ord(&publikt, &escaped) } else { publikt.contains(&escaped) };
                    if len < MIN_KORT || (!id_namn && offentlig) {
                        continue;
                    }
                    if !hemliga.iter().any(|h: &Hemlighet| h.text == n && h.slug == item.slug && h.kort == kort) {
                        hemliga.push(Hemlighet { text: n, markering: m.clone(), slug: item.slug.clone(), kort });
                    }
                }
            }
            item.bedomning.maska(&path, &Notis { text: &m.notis(), alt: false });
            alt.maska(&path, &Notis { text: &m.notis(), alt: true });
        }
        // Also without markings now: the change view may show a part marked at the decision.
        let a = crate::derive::harled(policy, &item.bedomning, today);
        let b = crate::derive::harled(policy, &alt, today);
        maska_harledning(item, [&a, &b]);
    }
    hemliga
}

fn json_escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1).max(1)].to_owned()
}

/// What stands in a derived text that quotes or depends on a secret part.
fn harledd_notis(item: &Item) -> String {
    let mut paragrafer: Vec<&str> = item.sekretess.iter().map(|m| m.paragraf.trim()).collect();
    paragrafer.sort_unstable();
    paragrafer.dedup();
    format!("Texten bygger på uppgifter som omfattas av sekretess enligt {}.", paragrafer.join(" och "))
}

/// The derived texts quote the record (a subprocessor's name, a certificate's issuer, the
/// driftform), so they are masked by meaning: `maskade` are derivations from the record
/// with every secret part replaced by two different stand-ins; a text that is not the
/// same in both as in the real derivation depends on a secret part and becomes a notice,
/// however short the value it quotes. The decisions (level, status, verdict) stay, as
/// SECURITY.md says. The change view is masked by the markings then and now.
fn maska_harledning(item: &mut Item, maskade: [&crate::derive::Harledning; 2]) {
    let notis = harledd_notis(item);
    let keep = |real: &mut String, others: [Option<&String>; 2]| {
        if others.iter().any(|o| *o != Some(&*real)) {
            notis.clone_into(real);
        }
    };
    let h = &mut item.harledning;
    keep(&mut h.rutin.skal, maskade.map(|m| Some(&m.rutin.skal)));
    for (i, u) in h.usa_koppling.iter_mut().enumerate() {
        keep(u, maskade.map(|m| m.usa_koppling.get(i)));
    }
    for (i, a) in h.atgarder.iter_mut().enumerate() {
        keep(&mut a.skal, maskade.map(|m| m.atgarder.get(i).map(|x| &x.skal)));
    }
    if let Some(s) = &mut h.styrande {
        keep(&mut s.informationsmangd_namn, maskade.map(|m| m.styrande.as_ref().map(|x| &x.informationsmangd_namn)));
    }
    if let crate::derive::Utlatande::Blockerad { orsaker } = &mut h.utlatande {
        for (i, o) in orsaker.iter_mut().enumerate() {
            keep(
                o,
                maskade.map(|m| match &m.utlatande {
                    crate::derive::Utlatande::Blockerad { orsaker } => orsaker.get(i),
                    _ => None,
                }),
            );
        }
    }
    let marks = &item.sekretess;
    let covered = |falt: &str| marks.iter().find(|m| m.omfattar(falt));
    for bev in &mut h.bevakningar {
        let falt = match bev.typ {
            BevakningTyp::GranskningForsenad | BevakningTyp::GranskningSnart => "beslut.nasta_granskning",
            BevakningTyp::CertifikatUtganget | BevakningTyp::CertifikatGarUt => "certifikat.giltigt_till",
            BevakningTyp::DpfInaktuell => "dpf.kontrollerad",
            _ => continue,
        };
        if covered(falt).is_some() {
            bev.datum = Datum::MASKERAD;
        }
    }
    // A part marked in the decided version but no longer (the section and its marking
    // removed together) is still secret in that version's values.
    let tidigare = item
        .historik
        .as_ref()
        .and_then(|f| f.beslutad.as_ref())
        .map(|v| tidigare_markeringar(&v.text))
        .unwrap_or_default();
    let covered_then = |falt: &str| {
        tidigare.iter().find(|(f, _)| falt == f || falt.strip_prefix(f.as_str()).is_some_and(|r| r.starts_with('.')))
    };
    if let Some(rows) = &mut item.sedan_beslut {
        for row in rows {
            // `informationsmangd[2].klassning.K` → `informationsmangd.klassning.K`
            let mut falt = String::new();
            let mut skip = false;
            for c in row.falt.chars() {
                match c {
                    '[' => skip = true,
                    ']' => skip = false,
                    c if !skip => falt.push(c),
                    _ => {}
                }
            }
            let paragraf = covered(&falt).map(|m| m.notis()).or_else(|| {
                covered_then(&falt).map(|(_, p)| format!("Uppgiften omfattas av sekretess enligt {}.", p.trim()))
            });
            if let Some(notis) = paragraf {
                row.fore = row.fore.as_ref().map(|_| notis.clone());
                row.efter = row.efter.as_ref().map(|_| notis.clone());
            }
        }
    }
}

/// The record's own markings (path, paragraph) in an earlier version of its file.
fn tidigare_markeringar(text: &str) -> Vec<(String, String)> {
    let Ok(table) = toml::from_str::<toml::Table>(text) else { return Vec::new() };
    let list = table.get("sekretess").and_then(toml::Value::as_array).map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .filter_map(|s| {
            let falt = s.get("falt")?.as_str()?.trim().to_owned();
            let paragraf = s.get("paragraf").and_then(toml::Value::as_str).unwrap_or("OSL").to_owned();
            Some((falt, paragraf))
        })
        .collect()
}

/// Each record's derived texts and change view, by a name [`sok`] knows, for the search
/// for short values and marked ids' names.
pub(crate) fn harledda_texter(items: &[Arc<Item>]) -> Vec<(String, String)> {
    items
        .iter()
        .filter(|i| !i.sekretess.is_empty())
        .map(|i| {
            let value = json!({"harledning": i.harledning, "sedan_beslut": i.sedan_beslut});
            (harledd_namn(&i.slug), json_text(&value))
        })
        .collect()
}

fn harledd_namn(slug: &str) -> String {
    format!("bedomningar/{slug}/ (härledda texter)")
}

/// Whether `needle` stands in `hay` with no letter or digit directly beside it.
fn hela_ord(hay: &str, needle: &str) -> bool {
    let ord = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    hay.match_indices(needle)
        .any(|(i, _)| !ord(hay[..i].chars().next_back()) && !ord(hay[i + needle.len()..].chars().next()))
}

// ---------------------------------------------------------------------------------------
// leak check

/// Undoes the escaping of HTML and JSON, so that an escaped copy of a secret is found too.
fn avkoda(text: &str) -> String {
    let mut s = text.to_owned();
    for (from, to) in [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#x27;", "'"),
        ("&#39;", "'"),
        ("&#x2F;", "/"),
        ("&#47;", "/"),
        ("\\u003c", "<"),
        ("\\\"", "\""),
        ("\\n", "\n"),
        ("\\\\", "\\"),
        ("&amp;", "&"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// One error per marking whose masked text still stands in one of `texts` (name, text).
/// The open build writes nothing when any is found.
pub(crate) fn sok<N: AsRef<str>, T: AsRef<str>>(
    hemliga: &[Hemlighet],
    texts: impl IntoIterator<Item = (N, T)>,
) -> Vec<Diagnostic> {
    if hemliga.is_empty() {
        return Vec::new();
    }
    let mut found: BTreeMap<(String, String), (Markering, Vec<String>)> = BTreeMap::new();
    for (name, text) in texts {
        let (name, text) = (name.as_ref(), text.as_ref());
        let decoded = avkoda(text);
        for h in hemliga {
            let hit = if h.kort {
                name == harledd_namn(&h.slug) && (hela_ord(text, &h.text) || hela_ord(&decoded, &h.text))
            } else {
                text.contains(&h.text) || decoded.contains(&h.text)
            };
            if hit {
                let e = found
                    .entry((h.slug.clone(), h.markering.falt.clone()))
                    .or_insert_with(|| (h.markering.clone(), Vec::new()));
                if !e.1.iter().any(|n| n == name) {
                    e.1.push(name.to_owned());
                }
            }
        }
    }
    found
        .into_iter()
        .map(|((slug, falt), (m, files))| {
            let var = if m.fran_policyn { format!(" i bedömningen `{slug}`") } else { String::new() };
            Diagnostic::error(
                "secret-leak",
                m.file,
                format!(
                    "text som omfattas av sekretess (`{falt}`{var}) finns kvar i det öppna utdraget: {}",
                    one_of(&files)
                ),
            )
            .at(m.span.clone(), "markerad här")
            .note("samma text står troligen också i ett fält som inte är markerat; markera också det, eller skriv om texten")
            .note("inget skrevs: det öppna utdraget byggs bara när ingen maskerad text finns kvar")
        })
        .collect()
}

/// Every string in a JSON value, one per line, for [`sok`].
pub(crate) fn json_text(value: &Json) -> String {
    let mut out = Vec::new();
    strangar_alla(value, &mut out);
    out.join("\n")
}

fn strangar_alla(value: &Json, out: &mut Vec<String>) {
    match value {
        Json::String(s) => out.push(s.clone()),
        Json::Array(a) => a.iter().for_each(|v| strangar_alla(v, out)),
        Json::Object(o) => o.values().for_each(|v| strangar_alla(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_found_as_whole_words_in_the_records_derived_texts_only() {
        let m = Markering {
            falt: "underbitraden".into(),
            paragraf: "31 kap. 16 § OSL".into(),
            grund: None,
            fran_policyn: false,
            file: 0,
            span: None,
        };
        let h = [Hemlighet { text: "QZX".into(), markering: m, slug: "x".into(), kort: true }];
        let own = harledd_namn("x");
        assert_eq!(sok(&h, [(own.as_str(), "USA-koppling: underbiträdet QZX.")]).len(), 1);
        assert_eq!(sok(&h, [(own.as_str(), "QZXY och AQZX")]).len(), 0, "not inside a word");
        assert_eq!(sok(&h, [(harledd_namn("y").as_str(), "QZX")]).len(), 0, "another record's");
        assert_eq!(sok(&h, [("index.html", "QZX")]).len(), 0, "a page's own text is not searched for short values");
    }
}
