//! `molnkoll serve`: the site from memory, rebuilt when the content or a template changes.
//!
//! It runs the same [`crate::render`] as `build` and keeps the files in a map. Requests
//! are answered from that map only, so no path can reach a file outside the built site,
//! and `output/` is never touched. A failed rebuild replaces every page with the
//! diagnostics, so nobody reads a stale page believing it current.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher as _};

mod falt;
mod formular;
mod git;

use crate::cache::Cache;
use crate::model::Datum;

/// Where the browser asks whether the site was rebuilt; no site path starts with `_`.
const VERSION_PATH: &str = "/_molnkoll/version";
const RELOAD_PATH: &str = "/_molnkoll/reload.js";
const RELOAD_JS: &str = include_str!("../templates/serve/reload.js");

/// How long the files must stay still before a rebuild starts. An editor's save (a
/// temporary file, a rename) is a burst of events within a few milliseconds; this is on
/// top of every edit's time to the browser, so it is kept short (it was 100 ms).
const QUIET: Duration = Duration::from_millis(25);

pub struct Options {
    pub root: PathBuf,
    pub addr: SocketAddr,
    /// The output folder `build` writes: the first render reuses what is unchanged there.
    pub out: PathBuf,
    /// A fixed "today"; `None` takes the clock's date at each rebuild.
    pub today: Option<Datum>,
    /// The publication profile to preview.
    pub profil: crate::Profil,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("adressen {0} är upptagen; välj en annan port med --port")]
    PortTaken(SocketAddr),
    #[error("kan inte lyssna på {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("kan inte bevaka {0}: {1}")]
    Watch(PathBuf, notify::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

enum Site {
    Built(HashMap<String, Arc<Vec<u8>>>),
    /// The diagnostics, as `check` prints them.
    Failed(String),
}

struct State {
    site: Site,
    /// Bumped on every rebuild; the reload script compares it.
    generation: u64,
}

type Shared = Arc<RwLock<State>>;

/// Builds, binds, and serves until the process is stopped. `log` gets one line per event.
pub fn serve(mut opts: Options, log: impl Fn(&str) + Send + Sync + 'static) -> Result<(), ServeError> {
    // The watcher reports absolute paths; a relative root (the default `.`) would match none.
    opts.root = std::fs::canonicalize(&opts.root).or_else(|_| std::path::absolute(&opts.root))?;
    // Bind first: a taken port should fail at once, not after a build.
    let listener = std::net::TcpListener::bind(opts.addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortTaken(opts.addr),
        _ => ServeError::Bind(opts.addr, e),
    })?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;

    // Paths and diagnostics in a line come from the content: escaped before the terminal.
    let log = Arc::new(move |line: &str| log(&crate::diagnostic::terminal(line)));
    // The last good render: a rebuild reuses its unchanged pages and PDFs. The first
    // starts from the last build's output, as `build` does, and only reads it.
    let mut cache = Cache::from_output(&opts.out).keeping_memo();
    let state: Shared = Arc::new(RwLock::new(State { site: rebuild(&opts, &mut cache, &*log), generation: 1 }));

    let formular = Arc::new(formular::Formular::new(&opts.root, addr, opts.today)?);

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| ServeError::Watch(opts.root.clone(), e))?;
    // The project folder itself, flat, so that a `templates/` made later is noticed too.
    let watched = [(opts.root.clone(), RecursiveMode::NonRecursive)]
        .into_iter()
        .chain(["content", "templates"].map(|d| (opts.root.join(d), RecursiveMode::Recursive)))
        .filter(|(p, _)| p.exists());
    for (path, mode) in watched {
        watcher.watch(&path, mode).map_err(|e| ServeError::Watch(path.clone(), e))?;
    }
    // A commit, a checkout or a rebase moves HEAD or a ref, and the history with it.
    let git = crate::historik::refs(&opts.root).map(|(dir, common)| {
        let canonical = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
        (canonical(dir), canonical(common))
    });
    if let Some((dir, common)) = &git {
        let refs = common.join("refs");
        let flat = [dir, common].into_iter().map(|d| (d.clone(), RecursiveMode::NonRecursive));
        for (path, mode) in flat.chain([(refs, RecursiveMode::Recursive)]).filter(|(p, _)| p.is_dir()) {
            watcher.watch(&path, mode).map_err(|e| ServeError::Watch(path.clone(), e))?;
        }
    }
    let watch_state = state.clone();
    let watch_log = log.clone();
    let templates = opts.root.join("templates");
    let content = opts.root.join("content");
    std::thread::spawn(move || {
        let _keep = watcher;
        // The content is read as TOML and Markdown; an editor's swap file or a tool's
        // temporary file beside them is no reason to rebuild.
        let moves_head = |p: &Path| {
            let Some((dir, common)) = &git else { return false };
            // Git writes `x.lock` and renames it to `x`: the rename is the change.
            p.extension().is_none_or(|e| e != "lock")
                && (p == dir.join("HEAD") || p == common.join("packed-refs") || p.starts_with(common.join("refs")))
        };
        let relevant = |p: &Path| {
            let hidden = p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            let source = p.extension().is_some_and(|e| e == "toml" || e == "md");
            let own = p == templates || p.starts_with(&templates) || (p.starts_with(&content) && source);
            (!hidden && own) || moves_head(p)
        };
        // Reading a file is an event too, and every rebuild reads every file: only a
        // change may start a rebuild, or one rebuild would start the next, for ever.
        let changes = |event: &notify::Result<notify::Event>| {
            event.as_ref().is_ok_and(|e| {
                !matches!(e.kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)))
                    && e.paths.iter().any(|p| relevant(p))
            })
        };
        while let Ok(event) = rx.recv() {
            if !changes(&event) {
                continue;
            }
            // A save is often several events (a temporary file, a rename): wait until
            // they stop, so that they make one rebuild. Changes made during the rebuild
            // queue up and make the next.
            while rx.recv_timeout(QUIET).is_ok() {}
            let site = rebuild(&opts, &mut cache, &*watch_log);
            let mut s = watch_state.write().unwrap_or_else(|e| e.into_inner());
            s.site = site;
            s.generation += 1;
        }
    });

    log(&format!("molnkoll serve: http://{addr}/ (Ctrl+C avslutar)"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let app = axum::Router::new().merge(formular::router(formular)).fallback(move |req: Request<Body>| {
            let state = state.clone();
            async move {
                let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok());
                match host {
                    None => text(StatusCode::BAD_REQUEST, "text/plain; charset=utf-8", b"Host saknas\n".to_vec()),
                    Some(h) if !host_allowed(h, addr) => text(
                        StatusCode::MISDIRECTED_REQUEST,
                        "text/plain; charset=utf-8",
                        b"molnkoll serve svarar bara under den egna adressen\n".to_vec(),
                    ),
                    Some(_) => respond(&state, req.uri().path()),
                }
            }
        });
        axum::serve(listener, app).await
    })?;
    Ok(())
}

fn rebuild(opts: &Options, cache: &mut Cache, log: &dyn Fn(&str)) -> Site {
    let t = Instant::now();
    let today = opts.today.unwrap_or_else(|| Datum(jiff::Zoned::now().date()));
    match crate::render(&crate::Options { profil: opts.profil, ..crate::Options::new(&opts.root, today) }, cache, None)
    {
        Ok(crate::Rendered { checked, files: Some(files), reused, timings }) => {
            // The phases too, so that a slow rebuild says where the time went.
            let phases: Vec<String> = timings.iter().map(|(phase, ms)| format!("{phase} {ms}")).collect();
            log(&format!(
                "byggd: {} filer ({} sidor och {} PDF oförändrade), {} varningar, {} ms ({} ms)",
                files.len(),
                reused.pages,
                reused.pdfs,
                checked.warnings(),
                t.elapsed().as_millis(),
                phases.join(", ")
            ));
            let site = files.iter().map(|f| (f.path.clone(), f.bytes.clone())).collect();
            let memo = cache.take_memo();
            let historik = cache.historik().clone();
            *cache = Cache::from_memory(files, memo).with_historik(historik);
            Site::Built(site)
        }
        Ok(crate::Rendered { checked, files: None, .. }) => {
            log(&format!("fel: {} fel; sidorna visar felen tills de är rättade", checked.errors()));
            Site::Failed(checked.render())
        }
        Err(e) => {
            log(&format!("fel: {e}"));
            Site::Failed(e.to_string())
        }
    }
}

fn respond(state: &Shared, raw_path: &str) -> Response {
    let s = state.read().unwrap_or_else(|e| e.into_inner());
    match raw_path {
        VERSION_PATH => {
            return text(StatusCode::OK, "text/plain; charset=utf-8", s.generation.to_string().into_bytes());
        }
        RELOAD_PATH => return text(StatusCode::OK, "text/javascript; charset=utf-8", RELOAD_JS.as_bytes().to_vec()),
        _ => {}
    }
    let files = match &s.site {
        Site::Failed(diagnostics) => {
            return text(StatusCode::INTERNAL_SERVER_ERROR, "text/html; charset=utf-8", error_page(diagnostics));
        }
        Site::Built(files) => files,
    };
    let Some(path) = site_path(raw_path) else {
        return not_found();
    };
    if let Some(bytes) = files.get(&path) {
        let mime = mime_guess::from_path(&path).first_or_octet_stream();
        return if mime == mime_guess::mime::TEXT_HTML {
            text(StatusCode::OK, "text/html; charset=utf-8", formular::with_edit_link(&path, with_reload(bytes)))
        } else {
            text(StatusCode::OK, mime.as_ref(), bytes.to_vec())
        };
    }
    // A folder asked for without its slash: send the browser to it, so relative links work.
    // The target is made from the site path, never from the request, so it always starts
    // with one `/` and stays on this site (`//x/` would name another host).
    if files.contains_key(&format!("{path}/index.html")) {
        let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
        let encoded: Vec<String> =
            path.split('/').map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()).collect();
        if let Ok(location) = HeaderValue::from_str(&format!("/{}/", encoded.join("/"))) {
            r.headers_mut().insert(header::LOCATION, location);
        }
        return r;
    }
    not_found()
}

/// What a redirect's path segment escapes: everything but unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Whether `host` (the request's Host header) names this server: `localhost`, `127.0.0.1`,
/// `[::1]` or the bound address, with the bound port or none. Any other name may be a page
/// that pointed its own domain at this machine (DNS rebinding) to read the preview. When
/// bound to every interface, any IP address is taken: a rebinding page sends a name.
fn host_allowed(host: &str, addr: SocketAddr) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) if !n.is_empty() && (n.ends_with(']') || !n.contains(':')) => (n, Some(p)),
        _ => (host.as_str(), None),
    };
    if port.is_some_and(|p| p != addr.port().to_string()) {
        return false;
    }
    let ip = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    if name == "localhost" {
        return true;
    }
    // A bare IPv6 address has no brackets and no port.
    let Ok(ip) = ip.parse::<std::net::IpAddr>() else { return false };
    if name.contains(':') && !name.starts_with('[') {
        return false;
    }
    ip.is_loopback() || ip == addr.ip() || addr.ip().is_unspecified()
}

/// The site file a request path names, or `None` for anything that is not a plain path
/// inside the site: `..`, `.`, empty segments, backslashes, encoded slashes, bad encoding.
fn site_path(raw: &str) -> Option<String> {
    // `%2F` and `%5C` would hide a separator from the checks below.
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    let rel = decoded.strip_prefix('/')?;
    if rel.starts_with('/') {
        return None;
    }
    let (dir, file) = match rel.rsplit_once('/') {
        Some((dir, "")) => (dir, "index.html"),
        _ if rel.is_empty() => ("", "index.html"),
        Some((dir, file)) => (dir, file),
        None => ("", rel),
    };
    let segments: Vec<&str> = if dir.is_empty() { Vec::new() } else { dir.split('/').collect() };
    let ok = |s: &str| !s.is_empty() && s != "." && s != ".." && !s.contains(['\\', '\0']);
    if !segments.iter().all(|s| ok(s)) || !ok(file) {
        return None;
    }
    Some(segments.into_iter().chain([file]).collect::<Vec<_>>().join("/"))
}

fn with_reload(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{RELOAD_PATH}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn error_page(diagnostics: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Fel i innehållet – molnkoll serve</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\n<body>\
         <main><h1>Fel i innehållet</h1><p>Webbplatsen byggs om när felen är rättade; sidan laddas då om av sig själv.</p>\
         <pre>{}</pre></main><script src=\"{RELOAD_PATH}\"></script></body></html>\n",
        tera::escape_html(diagnostics)
    )
    .into_bytes()
}

fn not_found() -> Response {
    let body = "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Sidan finns inte</title></head>\
                <body><main><h1>Sidan finns inte</h1><p><a href=\"/\">Till startsidan</a></p></main></body></html>\n";
    text(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body.as_bytes().to_vec())
}

fn text(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_site_files_or_to_nothing() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/register/").as_deref(), Some("register/index.html"));
        assert_eq!(site_path("/assets/style.css").as_deref(), Some("assets/style.css"));
        assert_eq!(site_path("/s%C3%B6k.html").as_deref(), Some("sök.html"));
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/a//b",
            "/./x",
            "/a\\..\\b",
            "/%00",
            "/%ff",
            "x",
            "//register",
            "/register%2Findex.html",
            "/register%2findex.html",
            "/a%5Cb",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_the_bound_names_are_served() {
        let addr: SocketAddr = "127.0.0.1:8000".parse().unwrap();
        for ok in ["127.0.0.1:8000", "localhost:8000", "LOCALHOST:8000", "[::1]:8000", "localhost", "127.0.0.1"] {
            assert!(host_allowed(ok, addr), "{ok}");
        }
        for bad in ["evil.example:8000", "localhost:8001", "127.0.0.1.nip.io:8000", "", "::1", "localhost.:8000"] {
            assert!(!host_allowed(bad, addr), "{bad}");
        }
        let lan: SocketAddr = "192.168.1.5:8000".parse().unwrap();
        assert!(host_allowed("192.168.1.5:8000", lan));
        assert!(!host_allowed("10.0.0.1:8000", lan));
    }

    #[test]
    fn the_reload_script_goes_before_the_end_of_the_body() {
        let out = String::from_utf8(with_reload(b"<html><body><p>x</p></body></html>")).unwrap();
        assert_eq!(out, format!("<html><body><p>x</p><script src=\"{RELOAD_PATH}\"></script></body></html>"));
    }
}
