//! The edit form of `molnkoll serve`: an assessment edited in the browser and written back
//! to its TOML file, the way a person would edit it by hand.
//!
//! Safe by construction: only `serve` has it; every write is a POST that carries the
//! process's secret token, comes from this origin and names this host; the body is bounded;
//! only an existing regular file under `content/bedomningar/` (or a new one that `new`
//! makes) is written. Nothing is written while `check` finds an error in the edited text,
//! nor over a file that changed since the form was opened.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tera::escape_html as esc;
use toml_edit::Value;

use super::toml_fil::Dokument;
use crate::diagnostic::Severity;
use crate::load::{BEDOMNING_DIR, Seg};
use crate::model::{BegreppKategori, Datum, Policy};
use crate::redigera::skriv_atomiskt;

pub(super) const PREFIX: &str = "/_molnkoll/redigera/";
pub(super) const NY: &str = "/_molnkoll/ny";
const VALIDERA: &str = "/_molnkoll/validera/";
const SCRIPT_PATH: &str = "/_molnkoll/formular.js";
const SCRIPT: &str = include_str!("../../templates/serve/formular.js");

/// A form post holds a record's text fields, never more than a few tens of kilobytes; the
/// loader's own limit for a file is larger, but nobody types that into a form.
pub(super) const BODY_LIMIT: usize = 512 * 1024;

pub(super) struct Formular {
    root: PathBuf,
    addr: SocketAddr,
    today: Option<Datum>,
    token: String,
    /// The texts handed out in forms, by their hash, so that a refused save can show what
    /// changed since. Bounded: the oldest go first.
    opened: Mutex<BTreeMap<u64, (String, String)>>,
    /// One write at a time: the check of the hash and the write belong together.
    write: Mutex<()>,
}

impl Formular {
    pub(super) fn new(root: &Path, addr: SocketAddr, today: Option<Datum>) -> std::io::Result<Formular> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Formular { root: root.to_owned(), addr, today, token, opened: Mutex::default(), write: Mutex::default() })
    }

    fn today(&self) -> Datum {
        self.today.unwrap_or_else(|| Datum(jiff::Zoned::now().date()))
    }
}

/// The routes, each checked as the site's pages are (the Host header) and more.
pub(super) fn router(f: Arc<Formular>) -> axum::Router {
    let handler = move |req: Request<Body>| {
        let f = f.clone();
        async move { handle(&f, req).await }
    };
    axum::Router::new()
        .route("/_molnkoll/redigera/{slug}", axum::routing::any(handler.clone()))
        .route(NY, axum::routing::any(handler.clone()))
        .route("/_molnkoll/validera/{slug}", axum::routing::any(handler.clone()))
        .route(SCRIPT_PATH, axum::routing::any(handler))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

/// Adds the edit link to an assessment's page; only `serve` does this, so the built site
/// never has it.
pub(super) fn with_edit_link(site_path: &str, html: Vec<u8>) -> Vec<u8> {
    let Some(slug) = site_path.strip_prefix("bedomningar/").and_then(|p| p.strip_suffix("/index.html")) else {
        return html;
    };
    if !crate::slug::valid_slug(slug) {
        return html;
    }
    let text = String::from_utf8_lossy(&html);
    let Some(start) = text.find("<main") else { return html };
    let Some(end) = text[start..].find('>').map(|i| start + i + 1) else { return html };
    let link = format!(
        "<p class=\"molnkoll-redigera\"><a href=\"{PREFIX}{slug}\">Redigera bedömningen</a> \
         (bara i förhandsvisningen)</p>"
    );
    format!("{}{link}{}", &text[..end], &text[end..]).into_bytes()
}

async fn handle(f: &Formular, req: Request<Body>) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_owned);
    let Some(host) = host.filter(|h| super::host_allowed(h, f.addr)) else {
        return refuse(StatusCode::MISDIRECTED_REQUEST, "molnkoll serve svarar bara under den egna adressen.");
    };
    let path = req.uri().path().to_owned();
    if path == SCRIPT_PATH {
        return super::text(StatusCode::OK, "text/javascript; charset=utf-8", SCRIPT.as_bytes().to_vec());
    }
    let method = req.method().clone();
    match method {
        Method::GET | Method::HEAD => {
            if path == NY {
                return page(StatusCode::OK, "Ny bedömning", &ny_form(f, "", None));
            }
            match path.strip_prefix(PREFIX) {
                Some(slug) => open(f, slug, req.uri().query() == Some("sparad=1")),
                None => refuse(StatusCode::METHOD_NOT_ALLOWED, "Den här adressen tar bara emot formulär."),
            }
        }
        Method::POST => {
            if let Err(why) = same_origin(req.headers(), &host) {
                return refuse(StatusCode::FORBIDDEN, why);
            }
            let body = match axum::body::to_bytes(req.into_body(), BODY_LIMIT).await {
                Ok(b) => b,
                Err(_) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, "Formuläret är för stort."),
            };
            let falt = parse_form(&body);
            let token = falt.get("token").map(String::as_str).unwrap_or("");
            if !same_secret(token, &f.token) {
                return refuse(
                    StatusCode::FORBIDDEN,
                    "Formuläret saknar den här körningens nyckel. Öppna formuläret på nytt från förhandsvisningen.",
                );
            }
            if path == NY {
                return create(f, &falt);
            }
            if let Some(slug) = path.strip_prefix(VALIDERA) {
                return post(f, slug, &falt, true);
            }
            match path.strip_prefix(PREFIX) {
                Some(slug) => post(f, slug, &falt, false),
                None => refuse(StatusCode::NOT_FOUND, "Sidan finns inte."),
            }
        }
        _ => refuse(StatusCode::METHOD_NOT_ALLOWED, "Metoden stöds inte."),
    }
}

/// A write must come from a page of this server: the browser's Origin header names it.
/// Without an Origin header only a browser's own word that the request is same-origin is
/// taken; a request with neither is refused.
fn same_origin(headers: &axum::http::HeaderMap, host: &str) -> Result<(), &'static str> {
    let expected = format!("http://{host}");
    match headers.get(header::ORIGIN).map(|o| o.to_str().unwrap_or("")) {
        Some(origin) if origin.eq_ignore_ascii_case(&expected) => Ok(()),
        Some(_) => Err("Begäran kom från en annan webbplats och avvisades; inget har skrivits."),
        None => match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            Some("same-origin") => Ok(()),
            _ => Err("Begäran saknar ursprung (Origin) och avvisades; inget har skrivits."),
        },
    }
}

/// Compares in time independent of where the strings differ.
fn same_secret(given: &str, secret: &str) -> bool {
    given.len() == secret.len() && given.bytes().zip(secret.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// `application/x-www-form-urlencoded`; a repeated name keeps its last value.
fn parse_form(body: &[u8]) -> BTreeMap<String, String> {
    let decode = |s: &[u8]| {
        let plus: Vec<u8> = s.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
        percent_encoding::percent_decode(&plus).decode_utf8_lossy().replace("\r\n", "\n")
    };
    body.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(i) => (decode(&p[..i]), decode(&p[i + 1..])),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// A hash of a file's text: the form carries it, and a save checks it.
fn hash(text: &str) -> u64 {
    use std::hash::Hasher as _;
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0x666f_726d, 0x6861_7368);
    h.write(text.as_bytes());
    h.finish()
}

/// The assessment a slug names: its file relative to the root and its path on disk. Only a
/// regular file (not a link) inside `content/bedomningar/` is ever returned.
// The refusal is the answer itself, made once per request: its size does not matter.
#[allow(clippy::result_large_err)]
fn find(f: &Formular, slug: &str) -> Result<(String, PathBuf), Response> {
    let missing = || refuse(StatusCode::NOT_FOUND, "Det finns ingen bedömning med den adressen.");
    if !crate::slug::valid_slug(slug) {
        return Err(missing());
    }
    let content =
        crate::load::load(&f.root, None).map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))?;
    let rel = content
        .bedomningar
        .iter()
        .map(|l| {
            let name = content.sources.name(l.file);
            let s = match &l.value {
                Some(b) => crate::slug::slug_of(name, b),
                None => Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            };
            (name.to_owned(), s)
        })
        .find(|(_, s)| s == slug)
        .map(|(name, _)| name)
        .ok_or_else(missing)?;
    let path = inside(&f.root, &rel)
        .ok_or_else(|| refuse(StatusCode::FORBIDDEN, "Bara filer i content/bedomningar/ kan redigeras här."))?;
    Ok((rel, path))
}

/// `rel` on disk, when it is a regular file whose real path lies in `content/bedomningar/`.
fn inside(root: &Path, rel: &str) -> Option<PathBuf> {
    let under = rel.strip_prefix(BEDOMNING_DIR)?.strip_prefix('/')?;
    if !crate::slug::safe_relative(under) || !under.ends_with(".toml") {
        return None;
    }
    let path = root.join(rel);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    let dir = std::fs::canonicalize(root.join(BEDOMNING_DIR)).ok()?;
    (meta.file_type().is_file() && std::fs::canonicalize(&path).ok()?.starts_with(&dir)).then_some(path)
}

// ---- The fields ----

#[derive(Clone, Copy, PartialEq)]
enum Slag {
    Text,
    /// Markdown.
    Textarea,
    Datum,
    Bool,
    /// One of the policy's values, written as a string.
    Val,
    /// One of the policy's values, written as an integer.
    Heltal,
}

struct Falt {
    /// The key below the section or list entry.
    key: String,
    label: String,
    slag: Slag,
    val: Vec<(String, String)>,
    /// May be left empty (the key is then left out).
    valfri: bool,
    hint: &'static str,
}

fn falt(key: &str, label: &str, slag: Slag) -> Falt {
    Falt { key: key.to_owned(), label: label.to_owned(), slag, val: Vec::new(), valfri: false, hint: "" }
}

impl Falt {
    fn val(mut self, val: Vec<(String, String)>) -> Falt {
        self.val = val;
        self
    }
    fn valfri(mut self) -> Falt {
        self.valfri = true;
        self
    }
    fn hint(mut self, hint: &'static str) -> Falt {
        self.hint = hint;
        self
    }
}

/// A group of fields: one table, or one list of tables (`lista`), under a step's heading.
struct Grupp {
    rubrik: &'static str,
    /// The table the keys are in (`tjanst`), or `""` for the top level.
    tabell: &'static str,
    lista: bool,
    /// What one entry of a list is called, in "Lägg till …".
    post: &'static str,
    falt: Vec<Falt>,
}

struct Steg {
    rubrik: String,
    grupper: Vec<Grupp>,
}

fn roller(p: &Policy) -> Vec<(String, String)> {
    p.roller.iter().map(|r| (r.id.clone(), r.namn.clone())).collect()
}

fn lander() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = celes::Country::get_countries()
        .iter()
        .map(|c| (c.alpha2.to_owned(), format!("{} ({})", c.long_name, c.alpha2)))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

fn steg_namn(p: &Policy, i: usize, fallback: &str) -> String {
    p.steg.get(i).map_or_else(|| fallback.to_owned(), |s| format!("Steg {}: {}", i + 1, s.namn))
}

/// The form's layout, from the policy: every allowed value is one of its lists.
fn layout(p: &Policy) -> Vec<Steg> {
    let nivaer: Vec<(String, String)> =
        p.nivaer.iter().map(|n| (n.varde.to_string(), format!("{} – {}", n.varde, n.namn))).collect();
    let begrepp = |k| p.begrepp_i_kategori(k).map(|b| (b.id.clone(), b.term.clone())).collect::<Vec<_>>();
    let mut klassning: Vec<Falt> =
        vec![falt("namn", "Informationsmängd", Slag::Text), falt("beskrivning", "Beskrivning", Slag::Textarea)];
    for a in &p.aspekter {
        // The keys of a `klassning` table are the aspects' ids, which live in the policy.
        let mut fl =
            falt(&format!("klassning.{}", a.id), &format!("{} ({})", a.namn, a.id), Slag::Heltal).val(nivaer.clone());
        if !a.obligatorisk {
            fl = fl.valfri();
        }
        klassning.push(fl);
    }
    klassning.push(falt("klassad_av", "Klassad av (roll)", Slag::Val).val(roller(p)));
    klassning.push(falt("klassad_datum", "Klassad datum", Slag::Datum).hint("ÅÅÅÅ-MM-DD"));
    vec![
        Steg {
            rubrik: steg_namn(p, 0, "Tjänsten"),
            grupper: vec![
                Grupp {
                    rubrik: "Tjänsten",
                    tabell: "tjanst",
                    lista: false,
                    post: "",
                    falt: vec![
                        falt("namn", "Tjänstens namn", Slag::Text),
                        falt("beskrivning", "Beskrivning", Slag::Textarea),
                        falt("referens", "Diarienummer", Slag::Text),
                        falt("informationsagare", "Informationsägare (roll)", Slag::Val).val(roller(p)),
                    ],
                },
                Grupp {
                    rubrik: "Modell och driftform",
                    tabell: "",
                    lista: false,
                    post: "",
                    falt: vec![
                        falt("utlosare", "Utlösare", Slag::Val).val(
                            p.utlosare.iter().map(|u| (crate::validate::serde_plain(u.id), u.namn.clone())).collect(),
                        ),
                        falt("tjanstemodell", "Tjänstemodell", Slag::Val).val(begrepp(BegreppKategori::Tjanstemodell)),
                        falt("leveransmodell", "Leveransmodell", Slag::Val)
                            .val(begrepp(BegreppKategori::Leveransmodell)),
                    ],
                },
                Grupp {
                    rubrik: "Driftform",
                    tabell: "driftform",
                    lista: false,
                    post: "",
                    falt: vec![
                        falt("id", "Driftform", Slag::Heltal).val(
                            p.driftformer
                                .iter()
                                .map(|d| {
                                    (
                                        d.id.to_string(),
                                        format!("{}: {}, {}", d.id, d.driftleverantor, d.serverplacering),
                                    )
                                })
                                .collect(),
                        ),
                    ],
                },
                Grupp {
                    rubrik: "Leverantören",
                    tabell: "leverantor",
                    lista: false,
                    post: "",
                    falt: vec![
                        falt("namn", "Leverantörens namn", Slag::Text),
                        falt("land", "Land", Slag::Val).val(lander()),
                        falt("usa_koppling", "Lyder under amerikansk lag", Slag::Bool),
                    ],
                },
            ],
        },
        Steg {
            rubrik: steg_namn(p, 2, "Klassning"),
            grupper: vec![Grupp {
                rubrik: "Informationsmängder",
                tabell: "informationsmangd",
                lista: true,
                post: "informationsmängd",
                falt: klassning,
            }],
        },
        Steg {
            rubrik: steg_namn(p, 3, "Leverantörens svar"),
            grupper: vec![
                Grupp {
                    rubrik: "Certifikat",
                    tabell: "certifikat",
                    lista: true,
                    post: "certifikat",
                    falt: vec![
                        falt("standard", "Certifiering", Slag::Val)
                            .val(p.certifieringar.iter().map(|c| (c.id.clone(), c.namn.clone())).collect()),
                        falt("utfardare", "Utfärdare", Slag::Text),
                        falt("giltigt_till", "Giltigt till", Slag::Datum).hint("ÅÅÅÅ-MM-DD"),
                        falt("omfattar_tjansten", "Omfattar tjänsten", Slag::Bool),
                        falt("bevis", "Bevis (dokument eller diarienummer)", Slag::Text),
                    ],
                },
                Grupp {
                    rubrik: "Underbiträden",
                    tabell: "underbitraden",
                    lista: true,
                    post: "underbiträde",
                    falt: vec![
                        falt("namn", "Namn", Slag::Text),
                        falt("land", "Land", Slag::Val).val(lander()),
                        falt("usa_koppling", "Lyder under amerikansk lag", Slag::Bool),
                        falt("uppgift", "Uppgift", Slag::Text),
                    ],
                },
            ],
        },
        Steg {
            rubrik: "Beslut".to_owned(),
            grupper: vec![Grupp {
                rubrik: "Informationsägarens beslut",
                tabell: "beslut",
                lista: false,
                post: "",
                falt: vec![
                    falt("status", "Beslut", Slag::Val)
                        .val(vec![("godkand".into(), "Godkänd".into()), ("avslagen".into(), "Avslagen".into())]),
                    falt("beslutsfattare", "Beslutsfattare (roll)", Slag::Val).val(roller(p)),
                    falt("datum", "Beslutsdatum", Slag::Datum).hint("ÅÅÅÅ-MM-DD"),
                    falt("motivering", "Motivering", Slag::Textarea),
                    falt("riskbedomning", "Riskbedömning", Slag::Textarea),
                    falt("juridiskt_ansvar_och_varumarke", "Juridiskt ansvar och varumärke", Slag::Textarea),
                    falt("nasta_granskning", "Nästa granskning", Slag::Datum).valfri().hint("ÅÅÅÅ-MM-DD"),
                ],
            }],
        },
    ]
}

/// The form name of a field: the dotted path `check` uses (`certifikat[2].bevis`).
fn name(g: &Grupp, row: Option<usize>, key: &str) -> String {
    match (g.tabell, row) {
        ("", _) => key.to_owned(),
        (t, Some(r)) => format!("{t}[{}].{key}", r + 1),
        (t, None) => format!("{t}.{key}"),
    }
}

fn segs(g: &Grupp, row: Option<usize>, key: &str) -> Vec<Seg> {
    let mut v = Vec::new();
    if !g.tabell.is_empty() {
        v.push(Seg::Key(g.tabell.to_owned()));
    }
    if let Some(r) = row {
        v.push(Seg::Index(r));
    }
    v.extend(key.split('.').map(|k| Seg::Key(k.to_owned())));
    v
}

fn id(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("f-{s}")
}

/// A value as the form shows it.
fn as_form(v: &Value) -> String {
    match v {
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.value().to_string(),
        Value::Boolean(b) => b.value().to_string(),
        Value::Datetime(d) => d.value().to_string(),
        other => other.to_string().trim().to_owned(),
    }
}

/// What the form posts, as the TOML value it stands for. A value that is not what the
/// field takes is written as a string, so that `check` reports it at its place.
fn as_toml(slag: Slag, s: &str) -> Value {
    match slag {
        Slag::Bool => Value::from(s == "true"),
        Slag::Heltal => s.trim().parse::<i64>().map_or_else(|_| Value::from(s), Value::from),
        Slag::Datum => s.trim().parse::<toml_edit::Datetime>().map_or_else(|_| Value::from(s), Value::from),
        Slag::Text | Slag::Val | Slag::Textarea => Value::from(s),
    }
}

/// The form's values: from the file when it is opened, from the post after.
type Varden = BTreeMap<String, String>;

fn from_doc(doc: &Dokument, steg: &[Steg]) -> (Varden, BTreeMap<&'static str, usize>) {
    let mut v = Varden::new();
    let mut rader = BTreeMap::new();
    for g in steg.iter().flat_map(|s| &s.grupper) {
        let rows: Vec<Option<usize>> = if g.lista {
            let n = doc.count(g.tabell);
            rader.insert(g.tabell, n);
            (0..n).map(Some).collect()
        } else {
            vec![None]
        };
        for row in rows {
            for fl in &g.falt {
                let value = doc.get(&segs(g, row, &fl.key)).map(as_form);
                let value = value.unwrap_or_else(|| if fl.slag == Slag::Bool { "false".into() } else { String::new() });
                v.insert(name(g, row, &fl.key), value);
            }
        }
    }
    (v, rader)
}

/// The rows of each list in a post, and the ones marked for removal.
fn rows_of(post: &Varden, g: &Grupp) -> (usize, Vec<bool>) {
    let n = post.get(&format!("rader.{}", g.tabell)).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0).min(200);
    let bort = (0..n).map(|r| post.contains_key(&format!("{}[{}].ta_bort", g.tabell, r + 1))).collect();
    (n, bort)
}

/// The edited text: the file with the post's changes, and for each list where each row of
/// the form ended up (for placing `check`'s diagnostics).
fn apply(text: &str, post: &Varden, steg: &[Steg]) -> Result<(String, BTreeMap<String, Vec<usize>>), String> {
    let mut doc = Dokument::parse(text)?;
    let mut moves = BTreeMap::new();
    let mut removals = Vec::new();
    for g in steg.iter().flat_map(|s| &s.grupper) {
        if !g.lista {
            set_fields(&mut doc, g, None, post)?;
            continue;
        }
        let had = doc.count(g.tabell);
        let (_, bort) = rows_of(post, g);
        let mut kept = Vec::new();
        for (row, &gone) in bort.iter().enumerate() {
            if gone {
                if row < had {
                    removals.push((g.tabell, row));
                }
                continue;
            }
            kept.push(row);
            if row >= had {
                let filled = g.falt.iter().any(|fl| {
                    post.get(&name(g, Some(row), &fl.key)).is_some_and(|v| !v.trim().is_empty() && v != "false")
                });
                if !filled {
                    kept.pop();
                    continue;
                }
                let at = doc.push_table(g.tabell)?;
                for fl in &g.falt {
                    let v = post.get(&name(g, Some(row), &fl.key)).cloned().unwrap_or_default();
                    if !v.trim().is_empty() || fl.slag == Slag::Bool {
                        doc.set(&segs(g, Some(at), &fl.key), as_toml(fl.slag, &v))?;
                    }
                }
            } else {
                set_fields(&mut doc, g, Some(row), post)?;
            }
        }
        moves.insert(g.tabell.to_owned(), kept);
    }
    for (tabell, row) in removals.into_iter().rev() {
        doc.remove_table(tabell, row)?;
    }
    Ok((doc.text(), moves))
}

/// Sets each field whose posted value differs from the file's; an untouched field is not
/// written at all, so its formatting stays.
fn set_fields(doc: &mut Dokument, g: &Grupp, row: Option<usize>, post: &Varden) -> Result<(), String> {
    for fl in &g.falt {
        let n = name(g, row, &fl.key);
        let posted = match fl.slag {
            // A checkbox sends nothing when unticked: the hidden `false` before it says
            // that the field was in the form at all.
            Slag::Bool => match post.get(&n) {
                Some(v) => if v == "true" { "true" } else { "false" }.to_owned(),
                None => continue,
            },
            _ => match post.get(&n) {
                Some(v) => v.clone(),
                None => continue,
            },
        };
        let path = segs(g, row, &fl.key);
        let now = doc.get(&path).map(as_form);
        match &now {
            Some(v) if *v == posted => continue,
            None if posted.is_empty() || (fl.slag == Slag::Bool && posted == "false") => continue,
            _ => {}
        }
        if posted.trim().is_empty() && fl.slag != Slag::Bool {
            doc.remove(&path)?;
        } else {
            doc.set(&path, as_toml(fl.slag, &posted))?;
        }
    }
    Ok(())
}

// ---- Checking ----

struct Fynd {
    error: bool,
    code: &'static str,
    text: String,
    plats: String,
}

/// `check` on the project with the edited text in place of the file: the diagnostics about
/// that file, by form field name (`""` for those no field holds).
fn validera(
    f: &Formular,
    rel: &str,
    text: &str,
    moves: &BTreeMap<String, Vec<usize>>,
) -> Result<BTreeMap<String, Vec<Fynd>>, String> {
    let mut content = crate::load::load(&f.root, None).map_err(|e| e.to_string())?;
    if let Some(i) = content.bedomningar.iter().position(|l| content.sources.name(l.file) == rel) {
        let old = content.bedomningar.remove(i).file;
        content.diagnostics.retain(|d| d.file != old);
    }
    content.add_bedomning(rel, text.as_bytes());
    let loaded = content.bedomningar.last().cloned().ok_or("ingen bedömning")?;
    let checked = crate::check_content(content, f.today());
    let mut out: BTreeMap<String, Vec<Fynd>> = BTreeMap::new();
    // A note (what the next stage needs) neither blocks saving nor counts as a warning;
    // the assessment's page says the same.
    for d in checked.diagnostics.iter().filter(|d| d.file == loaded.file && d.severity != Severity::Note) {
        let (line, col) = d.span.as_ref().map_or((1, 1), |s| checked.sources.line_col(d.file, s.start));
        let field =
            d.span.as_ref().and_then(|s| loaded.spans.path_at(s)).map(|p| renumber(&p, moves)).unwrap_or_default();
        let mut words = d.message.clone();
        if !d.label.is_empty() {
            let _ = write!(words, ": {}", d.label);
        }
        for n in &d.notes {
            let _ = write!(words, " ({n})");
        }
        out.entry(field).or_default().push(Fynd {
            error: d.severity == Severity::Error,
            code: d.code,
            text: words,
            plats: format!("{rel}:{line}:{col}"),
        });
    }
    Ok(out)
}

/// `certifikat[2].bevis` in the edited file, as the form row it came from.
fn renumber(path: &str, moves: &BTreeMap<String, Vec<usize>>) -> String {
    for (tabell, kept) in moves {
        if let Some(rest) = path.strip_prefix(&format!("{tabell}["))
            && let Some((n, tail)) = rest.split_once(']')
            && let Some(&row) = n.parse::<usize>().ok().and_then(|n| kept.get(n.wrapping_sub(1)))
        {
            return format!("{tabell}[{}]{tail}", row + 1);
        }
    }
    path.to_owned()
}

/// Which field a diagnostic belongs to: its own, or the first inside the part it names.
fn place<'a>(path: &str, names: &'a [String]) -> Option<&'a String> {
    let mut p = path.to_owned();
    loop {
        if let Some(n) =
            names.iter().find(|n| **n == p || n.starts_with(&format!("{p}.")) || n.starts_with(&format!("{p}[")))
        {
            return Some(n);
        }
        let cut = p.rfind(['.', '['])?;
        p.truncate(cut);
    }
}

// ---- Pages ----

fn open(f: &Formular, slug: &str, sparad: bool) -> Response {
    let (rel, path) = match find(f, slug) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &format!("Kan inte läsa {rel}: {e}")),
    };
    let Some(policy) = policy(f) else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "Policyn har fel; rätta dem först.");
    };
    let doc = match Dokument::parse(&text) {
        Ok(d) => d,
        Err(e) => {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("{rel} är ingen giltig TOML och kan inte redigeras här: {e}"),
            );
        }
    };
    let steg = layout(&policy);
    let (v, rader) = from_doc(&doc, &steg);
    let h = remember(f, &rel, &text);
    let notice = sparad.then_some("Sparad. Förhandsvisningen byggs om av sig själv.");
    let fynd = validera(f, &rel, &text, &BTreeMap::new()).unwrap_or_default();
    page(StatusCode::OK, &title(&v), &form(f, slug, &rel, &steg, &v, &rader, h, &fynd, notice))
}

fn policy(f: &Formular) -> Option<Policy> {
    crate::load::load(&f.root, None).ok()?.policy.value
}

fn remember(f: &Formular, rel: &str, text: &str) -> u64 {
    let h = hash(text);
    let mut opened = f.opened.lock().unwrap_or_else(|e| e.into_inner());
    opened.insert(h, (rel.to_owned(), text.to_owned()));
    while opened.len() > 256 {
        let first = *opened.keys().next().unwrap_or(&0);
        opened.remove(&first);
    }
    h
}

fn title(v: &Varden) -> String {
    format!("Redigera {}", v.get("tjanst.namn").map_or("bedömningen", String::as_str))
}

/// A save, an added row, or (for the script) a check without saving.
fn post(f: &Formular, slug: &str, post: &Varden, only_check: bool) -> Response {
    let (rel, path) = match find(f, slug) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(policy) = policy(f) else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "Policyn har fel; rätta dem först.");
    };
    let steg = layout(&policy);
    let _guard = f.write.lock().unwrap_or_else(|e| e.into_inner());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &format!("Kan inte läsa {rel}: {e}")),
    };
    let posted_hash = post.get("hash").and_then(|h| h.parse::<u64>().ok());
    let mut rader: BTreeMap<&'static str, usize> = BTreeMap::new();
    for g in steg.iter().flat_map(|s| &s.grupper).filter(|g| g.lista) {
        rader.insert(g.tabell, rows_of(post, g).0);
    }
    // What the form shows again: the file's values, with what was posted over them.
    let mut shown = Dokument::parse(&text).map(|d| from_doc(&d, &steg).0).unwrap_or_default();
    shown.extend(post.iter().map(|(k, v)| (k.clone(), v.clone())));
    let action = post.get("gor").map(String::as_str).unwrap_or("spara");
    if let Some(lista) = action.strip_prefix("lagg-till:") {
        // A new empty row, and the form again with everything typed so far.
        if let Some(n) = rader.get_mut(lista) {
            *n += 1;
        }
        let h = posted_hash.unwrap_or_else(|| hash(&text));
        return page(
            StatusCode::OK,
            &title(post),
            &form(f, slug, &rel, &steg, post, &rader, h, &BTreeMap::new(), None),
        );
    }
    if posted_hash != Some(hash(&text)) {
        let before = posted_hash
            .and_then(|h| f.opened.lock().unwrap_or_else(|e| e.into_inner()).get(&h).map(|(_, t)| t.clone()));
        return page(StatusCode::CONFLICT, "Filen har ändrats", &conflict(slug, &rel, before.as_deref(), &text));
    }
    let (edited, moves) = match apply(&text, post, &steg) {
        Ok(x) => x,
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &format!("Ändringen kan inte göras i {rel}: {e}")),
    };
    let fynd = match validera(f, &rel, &edited, &moves) {
        Ok(x) => x,
        Err(e) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let errors = fynd.values().flatten().any(|d| d.error);
    if only_check {
        return super::text(StatusCode::OK, "application/json; charset=utf-8", fynd_json(&fynd).into_bytes());
    }
    if errors {
        let h = posted_hash.unwrap_or_default();
        let body =
            form(f, slug, &rel, &steg, &shown, &rader, h, &fynd, Some("Inget sparades: rätta felen nedan först."));
        return page(StatusCode::UNPROCESSABLE_ENTITY, &title(&shown), &body);
    }
    if edited != text {
        if let Err(e) = skriv_atomiskt(&path, edited.as_bytes()) {
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, &format!("Kan inte skriva {rel}: {e}"));
        }
        let message = post.get("meddelande").map(|m| m.trim()).filter(|m| !m.is_empty());
        let message = message.map_or_else(|| format!("Redigera {rel} i formuläret"), str::to_owned);
        if let Err(e) = super::git::commit(&f.root, &rel, &message) {
            let body = format!(
                "<h1>Sparad, men inte i git</h1><p>{} är sparad. Incheckningen misslyckades: {}</p><p><a href=\"{PREFIX}{slug}\">Tillbaka till formuläret</a></p>",
                esc(&rel),
                esc(&e)
            );
            return page(StatusCode::OK, "Sparad, men inte i git", &body);
        }
    }
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(to) = HeaderValue::from_str(&format!("{PREFIX}{slug}?sparad=1")) {
        r.headers_mut().insert(header::LOCATION, to);
    }
    r
}

/// The form for a new assessment: a name, and `new` does the rest.
fn ny_form(f: &Formular, namn: &str, fel: Option<&str>) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>Ny bedömning</h1><p>Skriver ett utkast i <code>{BEDOMNING_DIR}/</code> som <code>molnkoll new</code> gör, \
         och öppnar det i formuläret.</p><form method=\"post\" action=\"{NY}\">\
         <input type=\"hidden\" name=\"token\" value=\"{}\">",
        f.token
    );
    let describe = if fel.is_some() { " aria-describedby=\"fel-namn\" aria-invalid=\"true\"" } else { "" };
    let _ = write!(
        h,
        "<p><label for=\"namn\">Tjänstens namn</label><br><input id=\"namn\" name=\"namn\" required value=\"{}\"{describe}></p>",
        esc(namn)
    );
    if let Some(fel) = fel {
        let _ = write!(h, "<p id=\"fel-namn\" class=\"fel\" role=\"alert\">{}</p>", esc(fel));
    }
    h.push_str("<p><button type=\"submit\">Skapa utkastet</button></p></form>");
    h
}

fn create(f: &Formular, post: &Varden) -> Response {
    let namn = post.get("namn").map(String::as_str).unwrap_or("");
    let content = match crate::load::load(&f.root, None) {
        Ok(c) => c,
        Err(e) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let Some(policy) = content.policy.value.clone() else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "Policyn har fel; rätta dem först.");
    };
    let taken: Vec<(String, String)> = content
        .bedomningar
        .iter()
        .filter_map(|l| {
            let name = content.sources.name(l.file);
            l.value.as_ref().map(|b| (crate::slug::slug_of(name, b), name.to_owned()))
        })
        .collect();
    let _guard = f.write.lock().unwrap_or_else(|e| e.into_inner());
    match crate::ny_bedomning::write(
        &f.root,
        &policy,
        namn,
        taken.iter().map(|(s, n)| (s.as_str(), n.as_str())),
        f.today(),
    ) {
        Ok(rel) => {
            let slug = Path::new(&rel).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let _ = super::git::commit(&f.root, &rel, &format!("Ny bedömning: {}", namn.trim()));
            let mut r = StatusCode::SEE_OTHER.into_response();
            if let Ok(to) = HeaderValue::from_str(&format!("{PREFIX}{slug}")) {
                r.headers_mut().insert(header::LOCATION, to);
            }
            r
        }
        Err(e) => page(StatusCode::UNPROCESSABLE_ENTITY, "Ny bedömning", &ny_form(f, namn, Some(&e.to_string()))),
    }
}

#[allow(clippy::too_many_arguments)]
fn form(
    f: &Formular,
    slug: &str,
    rel: &str,
    steg: &[Steg],
    v: &Varden,
    rader: &BTreeMap<&'static str, usize>,
    hash: u64,
    fynd: &BTreeMap<String, Vec<Fynd>>,
    notice: Option<&str>,
) -> String {
    let mut names = Vec::new();
    for g in steg.iter().flat_map(|s| &s.grupper) {
        let rows: Vec<Option<usize>> =
            if g.lista { (0..rader.get(g.tabell).copied().unwrap_or(0)).map(Some).collect() } else { vec![None] };
        for row in rows {
            names.extend(g.falt.iter().map(|fl| name(g, row, &fl.key)));
        }
    }
    // Each diagnostic by the field it is placed at; the rest at the top.
    let mut at: BTreeMap<&str, Vec<&Fynd>> = BTreeMap::new();
    let mut loose = Vec::new();
    for (path, list) in fynd {
        match place(path, &names) {
            Some(n) => at.entry(n.as_str()).or_default().extend(list),
            None => loose.extend(list),
        }
    }
    let errors = fynd.values().flatten().filter(|d| d.error).count();
    let warnings = fynd.values().flatten().count() - errors;
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{}</h1><p>Filen: <code>{}</code>. <a href=\"/bedomningar/{slug}/\">Bedömningens sida</a> · <a href=\"{NY}\">Ny bedömning</a></p>",
        esc(&title(v)),
        esc(rel)
    );
    if let Some(n) = notice {
        let _ = write!(h, "<p class=\"besked\" role=\"status\">{}</p>", esc(n));
    }
    if errors + warnings > 0 {
        let _ = write!(h, "<p id=\"sammanfattning\">{errors} fel och {warnings} varningar.</p>");
    }
    if !loose.is_empty() {
        h.push_str("<ul class=\"fynd\">");
        for d in loose {
            fynd_li(&mut h, d);
        }
        h.push_str("</ul>");
    }
    let _ = write!(
        h,
        "<form method=\"post\" action=\"{PREFIX}{slug}\" data-validera=\"{VALIDERA}{slug}\" novalidate>\
         <input type=\"hidden\" name=\"token\" value=\"{}\"><input type=\"hidden\" name=\"hash\" value=\"{hash}\">",
        f.token
    );
    // Enter in a text field saves: the first submit button of a form is the one it presses.
    h.push_str("<button type=\"submit\" name=\"gor\" value=\"spara\" hidden tabindex=\"-1\">Spara</button>");
    for s in steg {
        let _ = write!(h, "<h2>{}</h2>", esc(&s.rubrik));
        for g in &s.grupper {
            if g.lista {
                let n = rader.get(g.tabell).copied().unwrap_or(0);
                let _ = write!(h, "<fieldset><legend>{}</legend>", esc(g.rubrik));
                let _ = write!(h, "<input type=\"hidden\" name=\"rader.{}\" value=\"{n}\">", g.tabell);
                if n == 0 {
                    let _ = write!(h, "<p>Inga {} ännu.</p>", esc(&g.rubrik.to_lowercase()));
                }
                for row in 0..n {
                    let mut post = g.post.to_owned();
                    if let Some(first) = post.get(..1) {
                        post = first.to_uppercase() + &post[1..];
                    }
                    let _ = write!(h, "<fieldset class=\"post\"><legend>{} {}</legend>", esc(&post), row + 1);
                    for fl in &g.falt {
                        field(&mut h, &name(g, Some(row), &fl.key), fl, v, &at);
                    }
                    let bort = format!("{}[{}].ta_bort", g.tabell, row + 1);
                    let _ = write!(
                        h,
                        "<p><input type=\"checkbox\" id=\"{}\" name=\"{bort}\" value=\"1\"{}> <label for=\"{}\">Ta bort {} {} när du sparar</label></p></fieldset>",
                        id(&bort),
                        if v.contains_key(&bort) { " checked" } else { "" },
                        id(&bort),
                        esc(g.post),
                        row + 1
                    );
                }
                let _ = write!(
                    h,
                    "<p><button type=\"submit\" name=\"gor\" value=\"lagg-till:{}\">Lägg till {}</button></p></fieldset>",
                    g.tabell,
                    esc(g.post)
                );
            } else {
                let _ = write!(h, "<fieldset><legend>{}</legend>", esc(g.rubrik));
                for fl in &g.falt {
                    field(&mut h, &name(g, None, &fl.key), fl, v, &at);
                }
                h.push_str("</fieldset>");
            }
        }
    }
    let _ = write!(
        h,
        "<h2>Spara</h2><p><label for=\"meddelande\">Vad ändrades och varför (blir meddelandet i git)</label><br>\
         <input id=\"meddelande\" name=\"meddelande\" size=\"60\" value=\"{}\"></p>\
         <p><button type=\"submit\" name=\"gor\" value=\"spara\">Spara</button></p></form>\
         <p>Inte i formuläret än: användande organisationer, moderbolag, central komponent, återställning, \
         certifieringsredogörelse, DPF-kontroll, riskanalys, grundfrågornas svar, lämplighet, checklista, \
         leverantörsbekräftelser, IT-centerchefens ställningstagande, eskalering och sekretess. Redigera dem i filen.</p>\
         <script src=\"{SCRIPT_PATH}\"></script>",
        esc(v.get("meddelande").map_or("", String::as_str))
    );
    h
}

fn fynd_li(h: &mut String, d: &Fynd) {
    let _ = write!(
        h,
        "<li class=\"{}\"><strong>{}</strong> {} <code>{}</code> <code>{}</code></li>",
        if d.error { "fel" } else { "varning" },
        if d.error { "Fel:" } else { "Varning:" },
        esc(&d.text),
        d.code,
        esc(&d.plats)
    );
}

fn field(h: &mut String, n: &str, fl: &Falt, v: &Varden, at: &BTreeMap<&str, Vec<&Fynd>>) {
    let fid = id(n);
    let value = v.get(n).map_or("", String::as_str);
    let found = at.get(n).map_or(&[][..], Vec::as_slice);
    let mut described = Vec::new();
    if !fl.hint.is_empty() {
        described.push(format!("{fid}-tips"));
    }
    if !found.is_empty() {
        described.push(format!("{fid}-fel"));
    }
    let mut attrs = format!(" id=\"{fid}\" name=\"{}\"", esc(n));
    if !described.is_empty() {
        let _ = write!(attrs, " aria-describedby=\"{}\"", described.join(" "));
    }
    if found.iter().any(|d| d.error) {
        attrs.push_str(" aria-invalid=\"true\"");
    }
    h.push_str("<div class=\"falt\">");
    match fl.slag {
        Slag::Bool => {
            let _ = write!(
                h,
                "<input type=\"hidden\" name=\"{}\" value=\"false\"><input type=\"checkbox\" value=\"true\"{attrs}{}> <label for=\"{fid}\">{}</label>",
                esc(n),
                if value == "true" { " checked" } else { "" },
                esc(&fl.label)
            );
        }
        _ => {
            let _ = write!(h, "<label for=\"{fid}\">{}</label><br>", esc(&fl.label));
        }
    }
    match fl.slag {
        Slag::Bool => {}
        Slag::Text => {
            let _ = write!(h, "<input{attrs} size=\"60\" value=\"{}\">", esc(value));
        }
        Slag::Datum => {
            let _ = write!(h, "<input{attrs} size=\"12\" value=\"{}\">", esc(value));
        }
        Slag::Textarea => {
            // The newline after the start tag is dropped by the parser, so a value that
            // starts with one keeps it.
            let _ = write!(h, "<textarea{attrs} rows=\"4\" cols=\"70\">\n{}</textarea>", esc(value));
        }
        Slag::Val | Slag::Heltal => {
            let _ = write!(h, "<select{attrs}>");
            let known = fl.val.iter().any(|(k, _)| k == value);
            if fl.valfri || value.is_empty() {
                let _ = write!(
                    h,
                    "<option value=\"\"{}>(inget valt)</option>",
                    if value.is_empty() { " selected" } else { "" }
                );
            }
            if !known && !value.is_empty() {
                // A value the policy does not know stays visible, so that the error can name it.
                let _ = write!(h, "<option value=\"{0}\" selected>{0} (okänt värde)</option>", esc(value));
            }
            for (k, label) in &fl.val {
                let _ = write!(
                    h,
                    "<option value=\"{}\"{}>{}</option>",
                    esc(k),
                    if k == value { " selected" } else { "" },
                    esc(label)
                );
            }
            h.push_str("</select>");
        }
    }
    if !fl.hint.is_empty() {
        let _ = write!(h, " <span id=\"{fid}-tips\" class=\"tips\">{}</span>", fl.hint);
    }
    if !found.is_empty() {
        let _ = write!(h, "<ul id=\"{fid}-fel\" class=\"fynd\">");
        for d in found {
            fynd_li(h, d);
        }
        h.push_str("</ul>");
    }
    h.push_str("</div>");
}

fn fynd_json(fynd: &BTreeMap<String, Vec<Fynd>>) -> String {
    let list: Vec<serde_json::Value> = fynd
        .iter()
        .flat_map(|(p, l)| {
            l.iter().map(move |d| {
                serde_json::json!({"falt": p, "fel": d.error, "kod": d.code, "text": d.text, "plats": d.plats})
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// The refusal of a save over a file that changed: what changed, as a short line diff.
fn conflict(slug: &str, rel: &str, before: Option<&str>, now: &str) -> String {
    let mut h = format!(
        "<h1>Filen har ändrats</h1><p><code>{}</code> har ändrats sedan formuläret öppnades, så inget sparades \
         (ändringen i filen skrevs inte över).</p>",
        esc(rel)
    );
    match before {
        Some(b) => {
            h.push_str("<p>Det här ändrades i filen:</p><pre class=\"diff\">");
            for line in diff(b, now).iter().take(60) {
                h.push_str(&esc(line));
                h.push('\n');
            }
            h.push_str("</pre>");
        }
        None => h.push_str("<p>Formuläret kommer från en tidigare körning av <code>molnkoll serve</code>.</p>"),
    }
    let _ = write!(h, "<p><a href=\"{PREFIX}{slug}\">Öppna formuläret på nytt med filen som den är nu</a></p>");
    h
}

/// The lines removed (`-`) and added (`+`), by a longest common subsequence of lines.
fn diff(a: &str, b: &str) -> Vec<String> {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    if a.len() * b.len() > 4_000_000 {
        return vec!["(filerna är för stora för att jämföra här)".to_owned()];
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("- {}", a[i]));
            i += 1;
        } else {
            out.push(format!("+ {}", b[j]));
            j += 1;
        }
    }
    out
}

fn refuse(status: StatusCode, why: &str) -> Response {
    page(
        status,
        "Avvisad",
        &format!("<h1>Det gick inte</h1><p>{}</p><p><a href=\"/\">Till startsidan</a></p>", esc(why)),
    )
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\"><title>{} – molnkoll serve</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"stylesheet\" href=\"/assets/style.css\"><style>{CSS}</style></head>\n<body><main id=\"innehall\">{body}</main></body></html>\n",
        esc(title)
    );
    super::text(status, "text/html; charset=utf-8", html.into_bytes())
}

const CSS: &str = "main{max-width:60rem;margin:0 auto;padding:1rem}fieldset{margin:1rem 0;padding:.5rem 1rem}\
.falt{margin:.75rem 0}.fynd{margin:.25rem 0}.fel{color:#8b0000}.varning{color:#5c4400}\
.besked{border-left:.3rem solid #1d6b2f;padding-left:.5rem}[aria-invalid=true]{outline:2px solid #8b0000}\
textarea,input,select{font:inherit;max-width:100%}.diff{white-space:pre-wrap}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_body_is_decoded() {
        let v = parse_form(b"a=1&b=x+y%C3%A5&c&d=%0D%0A");
        assert_eq!(v["a"], "1");
        assert_eq!(v["b"], "x yå");
        assert_eq!(v["c"], "");
        assert_eq!(v["d"], "\n");
    }

    #[test]
    fn only_the_same_secret_passes() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("", "abc"));
    }

    #[test]
    fn a_line_diff_shows_what_changed() {
        assert_eq!(diff("a\nb\nc\n", "a\nB\nc\n"), vec!["- b", "+ B"]);
    }

    #[test]
    fn the_edit_link_is_only_on_assessment_pages() {
        let html = b"<html><body><main id=\"innehall\"><h1>x</h1></main></body></html>".to_vec();
        let out = String::from_utf8(with_edit_link("bedomningar/m365/index.html", html.clone())).unwrap();
        assert!(
            out.contains("<main id=\"innehall\"><p class=\"molnkoll-redigera\"><a href=\"/_molnkoll/redigera/m365\">")
        );
        assert_eq!(with_edit_link("register/index.html", html.clone()), html);
        assert_eq!(with_edit_link("bedomningar/../x/index.html", html.clone()), html);
    }
}
