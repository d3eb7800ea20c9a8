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

use super::falt::{Falt, Grupp, Slag, Steg, layout};
use crate::diagnostic::Severity;
use crate::load::{BEDOMNING_DIR, Seg};
use crate::model::{Datum, Policy};
use crate::redigera::{Dokument, RedigeraFel, Varde, skriv_atomiskt};

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

/// `application/x-www-form-urlencoded`; a repeated name keeps its last value, except a name
/// that ends in `[]`: its values are kept, one a line, under the name without the brackets.
fn parse_form(body: &[u8]) -> BTreeMap<String, String> {
    let decode = |s: &[u8]| {
        let plus: Vec<u8> = s.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
        percent_encoding::percent_decode(&plus).decode_utf8_lossy().replace("\r\n", "\n")
    };
    let mut out = BTreeMap::new();
    for p in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (k, v) = match p.iter().position(|&b| b == b'=') {
            Some(i) => (decode(&p[..i]), decode(&p[i + 1..])),
            None => (decode(p), String::new()),
        };
        match k.strip_suffix("[]") {
            Some(k) => {
                let all: &mut String = out.entry(k.to_owned()).or_default();
                if !v.trim().is_empty() {
                    if !all.is_empty() {
                        all.push('\n');
                    }
                    all.push_str(v.trim());
                }
            }
            None => {
                out.insert(k, v);
            }
        }
    }
    out
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

/// The form name of a field: the dotted path `check` uses (`certifikat[2].bevis`).
fn name(g: &Grupp, row: Option<usize>, key: &str) -> String {
    match (g.tabell, row) {
        ("", _) => key.to_owned(),
        (t, Some(r)) => format!("{t}[{}].{key}", r + 1),
        (t, None) => format!("{t}.{key}"),
    }
}

fn segs(g: &Grupp, row: Option<usize>, key: &str) -> Vec<Seg> {
    let mut v = g.segs();
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

/// The lines of a list field, without blank ones.
fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// What the form posts, as the value it stands for. A value that is not what the field
/// takes is written as a string, so that `check` reports it at its place.
fn as_varde(slag: Slag, s: &str) -> Varde {
    let t = s.trim();
    match slag {
        Slag::Bool | Slag::JaNej => Varde::Bool(t == "true"),
        Slag::Heltal => t.parse::<i64>().map_or_else(|_| Varde::Text(s.to_owned()), Varde::Heltal),
        // Only the form TOML writes: jiff would take other ISO 8601 forms too.
        Slag::Datum => {
            let iso = t.len() == 10
                && t.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
            iso.then(|| Datum::parse(t)).flatten().map_or_else(|| Varde::Text(s.to_owned()), Varde::Datum)
        }
        Slag::Flerval | Slag::Rader => Varde::Texter(lines(s)),
        Slag::Text | Slag::Val | Slag::Textarea => Varde::Text(s.to_owned()),
    }
}

/// Whether a posted value says "nothing": the key is then left out.
fn empty(slag: Slag, s: &str) -> bool {
    match slag {
        Slag::Bool => s != "true",
        Slag::Flerval | Slag::Rader => lines(s).is_empty(),
        _ => s.trim().is_empty(),
    }
}

/// The form's values: from the file when it is opened, from the post after.
type Varden = BTreeMap<String, String>;

fn from_doc(doc: &Dokument, steg: &[Steg]) -> (Varden, BTreeMap<&'static str, usize>) {
    let mut v = Varden::new();
    let mut rader = BTreeMap::new();
    for g in steg.iter().flat_map(|s| &s.grupper) {
        let rows: Vec<Option<usize>> = if g.lista {
            let n = doc.antal(&g.segs());
            rader.insert(g.tabell, n);
            (0..n).map(Some).collect()
        } else {
            vec![None]
        };
        for row in rows {
            for fl in &g.falt {
                let value = doc.las(&segs(g, row, &fl.key)).map(|v| v.som_text());
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
fn apply(text: &str, post: &Varden, steg: &[Steg]) -> Result<(String, BTreeMap<String, Vec<usize>>), RedigeraFel> {
    let mut doc = Dokument::parse(text)?;
    let mut moves = BTreeMap::new();
    let mut removals = Vec::new();
    let mut emptied = Vec::new();
    for g in steg.iter().flat_map(|s| &s.grupper) {
        if !g.lista {
            if set_fields(&mut doc, g, None, post)? && g.valfri {
                emptied.push(g);
            }
            continue;
        }
        let lista = g.segs();
        let had = doc.antal(&lista);
        let (_, bort) = rows_of(post, g);
        let mut kept = Vec::new();
        for (row, &gone) in bort.iter().enumerate() {
            if gone {
                if row < had {
                    removals.push((lista.clone(), row));
                }
                continue;
            }
            if row < had {
                kept.push(row);
                set_fields(&mut doc, g, Some(row), post)?;
                continue;
            }
            // A new row counts once something is filled in.
            let value = |fl: &Falt| post.get(&name(g, Some(row), &fl.key)).cloned().unwrap_or_default();
            if g.falt.iter().all(|fl| empty(fl.slag, &value(fl))) {
                continue;
            }
            kept.push(row);
            let (at, _) = doc.lagg_till(&lista, &[])?;
            for fl in &g.falt {
                let v = value(fl);
                if !empty(fl.slag, &v) || fl.slag == Slag::Bool {
                    doc.satt(&segs(g, Some(at), &fl.key), &as_varde(fl.slag, &v))?;
                }
            }
        }
        moves.insert(g.tabell.to_owned(), kept);
    }
    for (lista, row) in removals.into_iter().rev() {
        doc.ta_bort_post(&lista, row)?;
    }
    // A section the record may leave out goes when all its fields are emptied; a part
    // before the whole (`beslut.it_centerchef` before `beslut`).
    for g in emptied.into_iter().rev() {
        for fl in &g.falt {
            doc.ta_bort(&segs(g, None, &fl.key))?;
        }
        doc.ta_bort_om_tom(&g.segs())?;
    }
    Ok((doc.to_string(), moves))
}

/// Sets each field whose posted value differs from the file's; an untouched field is not
/// written at all, so its formatting stays. Says whether every field of the group was
/// posted empty.
fn set_fields(doc: &mut Dokument, g: &Grupp, row: Option<usize>, post: &Varden) -> Result<bool, RedigeraFel> {
    let mut all_empty = true;
    for fl in &g.falt {
        let n = name(g, row, &fl.key);
        // A checkbox sends nothing when unticked: the hidden `false` before it says that
        // the field was in the form at all.
        let Some(posted) = post.get(&n) else {
            all_empty = false;
            continue;
        };
        let path = segs(g, row, &fl.key);
        let now = doc.las(&path);
        if empty(fl.slag, posted) {
            match now {
                Some(Varde::Bool(true)) if fl.slag == Slag::Bool => {
                    doc.satt(&path, &Varde::Bool(false))?;
                }
                Some(_) if fl.slag != Slag::Bool => doc.ta_bort(&path)?,
                _ => {}
            }
            continue;
        }
        all_empty = false;
        let mut varde = as_varde(fl.slag, posted);
        let same = match (&now, fl.slag) {
            (Some(v), Slag::Flerval) => {
                // Ticked boxes are a set: the file's order stays, a new one goes last.
                let had = lines(&v.som_text());
                let ticked = lines(posted);
                let mut merged: Vec<String> = had.iter().filter(|h| ticked.contains(h)).cloned().collect();
                merged.extend(ticked.into_iter().filter(|t| !had.contains(t)));
                let same = merged == had;
                varde = Varde::Texter(merged);
                same
            }
            (Some(v), Slag::Rader) => lines(&v.som_text()) == lines(posted),
            (Some(v), _) => v.som_text() == *posted,
            (None, _) => false,
        };
        if !same {
            doc.satt(&path, &varde)?;
        }
    }
    Ok(all_empty)
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
                let _ = write!(h, "<fieldset><legend>{}</legend>", esc(&g.rubrik));
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
                let _ = write!(h, "<fieldset><legend>{}</legend>", esc(&g.rubrik));
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
        Slag::Flerval => {
            // Checkboxes in a group of their own; the hidden empty entry says that the field
            // was in the form, so that unticking every box empties the list.
            let chosen = lines(value);
            let _ = write!(
                h,
                "<fieldset{} data-falt=\"{}\"><legend>{}</legend><input type=\"hidden\" name=\"{}[]\" value=\"\">",
                attrs.replacen(&format!(" name=\"{}\"", esc(n)), "", 1).replace(" aria-invalid=\"true\"", ""),
                esc(n),
                esc(&fl.label),
                esc(n)
            );
            let unknown = chosen
                .iter()
                .filter(|c| !fl.val.iter().any(|(k, _)| k == *c))
                .map(|c| (c.clone(), format!("{c} (inte bland valen)")));
            for (i, (k, label)) in fl.val.iter().cloned().chain(unknown).enumerate() {
                let _ = write!(
                    h,
                    "<div><input type=\"checkbox\" id=\"{fid}-{i}\" name=\"{}[]\" value=\"{}\"{}> <label for=\"{fid}-{i}\">{}</label></div>",
                    esc(n),
                    esc(&k),
                    if chosen.contains(&k) { " checked" } else { "" },
                    esc(&label)
                );
            }
        }
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
        Slag::Flerval => h.push_str("</fieldset>"),
        Slag::Text => {
            let _ = write!(h, "<input{attrs} size=\"60\" value=\"{}\">", esc(value));
        }
        Slag::Datum => {
            let _ = write!(h, "<input{attrs} size=\"12\" value=\"{}\">", esc(value));
        }
        Slag::Rader => {
            let _ = write!(h, "<textarea{attrs} rows=\"3\" cols=\"70\">\n{}</textarea>", esc(value));
        }
        Slag::JaNej => {
            let _ = write!(h, "<select{attrs}>");
            for (k, label) in [("", "(inget sagt)"), ("true", "Ja"), ("false", "Nej")] {
                let _ =
                    write!(h, "<option value=\"{k}\"{}>{label}</option>", if k == value { " selected" } else { "" });
            }
            h.push_str("</select>");
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
                let _ = write!(h, "<option value=\"{0}\" selected>{0} (inte bland valen)</option>", esc(value));
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
        let v = parse_form(b"o%5B%5D=&o%5B%5D=Mellby+kommun&o%5B%5D=Sj%C3%B6marks+kommun&t%5B%5D=");
        assert_eq!(v["o"], "Mellby kommun\nSjömarks kommun");
        assert_eq!(v["t"], "", "a list with nothing ticked is there, empty");
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
