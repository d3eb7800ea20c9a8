//! `molnkoll serve` through the real binary: it serves, follows edits, shows the
//! diagnostics for broken content, refuses paths outside the site, and says when the port
//! is taken.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{BASE, Edit, Server, TODAY, git, http, project, serve};

fn start(root: &std::path::Path) -> Server {
    let server = serve(root);
    assert!(server.log.iter().any(|l| l.starts_with("byggd: ")), "{:?}", server.log);
    server
}

/// A raw HTTP/1.1 GET, so that the path reaches the server exactly as written.
fn get(port: u16, path: &str) -> (u16, String) {
    http(port, &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
}

/// Polls `path` until `done` holds, for at most ten seconds.
fn wait_for(port: u16, path: &str, done: impl Fn(u16, &str) -> bool) -> (u16, String) {
    let start = Instant::now();
    loop {
        let (status, body) = get(port, path);
        if done(status, &body) || start.elapsed() > Duration::from_secs(10) {
            return (status, body);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_follows_edits_shows_errors_and_stays_inside_the_site() {
    let dir = project(&[("schema.toml", BASE)]);
    let server = start(dir.path());
    let port = server.port;

    let (status, page) = get(port, "/bedomningar/schema/");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h1>Schemaläggning</h1>"), "{page}");
    assert!(page.contains("<script src=\"/_molnkoll/reload.js\"></script></body>"), "{page}");
    let (status, _) = get(port, "/bedomningar/schema/beslutsunderlag.pdf");
    assert_eq!(status, 200);
    // A folder without its slash is redirected, so that its relative links resolve.
    let (status, head) = get(port, "/register");
    assert_eq!(status, 301);
    assert!(head.contains("location: /register/"), "{head}");
    let version = get(port, "/_molnkoll/version").1;

    // An edit shows up without a restart.
    let file = dir.path().join("content/bedomningar/schema.toml");
    std::fs::write(&file, BASE.edit("namn = \"Schemaläggning\"", "namn = \"Schemaläggning 2\"")).unwrap();
    let (status, page) = wait_for(port, "/bedomningar/schema/", |_, b| b.contains("<h1>Schemaläggning 2</h1>"));
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Schemaläggning 2</h1>"), "the edit never showed: {page}");
    assert_ne!(get(port, "/_molnkoll/version").1, version, "the browser is told to reload");
    // A rebuild reads every file, and reading is no edit: the site then stays as it is
    // (it once rebuilt for ever, each rebuild's reads starting the next).
    let generation = || get(port, "/_molnkoll/version").1.rsplit("\r\n\r\n").next().unwrap().to_owned();
    std::thread::sleep(Duration::from_millis(500));
    let settled = generation();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(generation(), settled, "a rebuild started another");

    // Broken content: every page shows the diagnostic instead of the last good site.
    std::fs::write(&file, BASE.edit("[leverantor]", "[leverantor\n")).unwrap();
    let (status, page) = wait_for(port, "/bedomningar/schema/", |s, _| s == 500);
    assert_eq!(status, 500, "{page}");
    assert!(page.contains("<h1>Fel i innehållet</h1>"), "{page}");
    assert!(page.contains("error[toml-syntax]"), "{page}");
    assert!(page.contains("schema.toml:"), "{page}");

    // Fixed again: the site comes back.
    std::fs::write(&file, BASE).unwrap();
    let (status, _) = wait_for(port, "/bedomningar/schema/", |s, b| s == 200 && b.contains("<h1>Schemaläggning</h1>"));
    assert_eq!(status, 200);

    // Nothing outside the built site is reachable, however the path is spelled.
    std::fs::write(dir.path().join("secret.txt"), "hemligt").unwrap();
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/content/policy.toml",
    ] {
        let (status, body) = get(port, path);
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("hemligt") && !body.contains("root:"), "{path}: {body}");
    }
    assert!(!dir.path().join("output").exists(), "serve must not write output/");
}

#[test]
fn serve_says_when_the_port_is_taken() {
    let dir = project(&[("schema.toml", BASE)]);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_molnkoll"))
        .args(["serve", "--port", &port, "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim(), format!("fel: adressen 127.0.0.1:{port} är upptagen; välj en annan port med --port"));
}

fn commit(dir: &std::path::Path, date: &str, message: &str) {
    git(dir, "Anna Andersson", date, &["add", "-A"]);
    git(dir, "Anna Andersson", date, &["commit", "-q", "-m", message]);
}

#[test]
fn a_commit_during_serve_shows_in_the_history_and_an_amend_is_never_shown_stale() {
    let dir = project(&[("schema.toml", BASE)]);
    let root = dir.path();
    git(root, "x", "2026-01-15", &["init", "-q", "-b", "main"]);
    commit(root, "2026-01-15", "Schemaläggning: första utkastet");
    // Work in progress, not yet committed, when serve starts.
    dir.edit("content/bedomningar/schema.toml", "Personalens arbetsscheman.", "Scheman och frånvaro.");
    let server = start(root);
    let port = server.port;
    let (_, page) = get(port, "/bedomningar/schema/");
    assert!(page.contains("Schemaläggning: första utkastet"), "{page}");
    assert!(!page.contains("Schemaläggning: frånvaro"), "{page}");

    // Committing changes no content file, only HEAD: the history still follows.
    commit(root, "2026-02-01", "Schemaläggning: frånvaro");
    let has = |text: &'static str| move |_: u16, b: &str| b.contains(text);
    let (_, page) = wait_for(port, "/bedomningar/schema/", has("<td>2026-02-01</td><td>Schemaläggning: frånvaro</td>"));
    assert!(page.contains("<td>2026-02-01</td><td>Schemaläggning: frånvaro</td>"), "the commit never showed: {page}");

    // An amend rewrites the commit (keeping its author date): the old message goes.
    git(
        root,
        "Anna Andersson",
        "2026-02-02",
        &["commit", "-q", "--amend", "-m", "Schemaläggning: frånvaro och scheman"],
    );
    let (_, page) = wait_for(port, "/bedomningar/schema/", has("Schemaläggning: frånvaro och scheman"));
    assert!(page.contains("<td>2026-02-01</td><td>Schemaläggning: frånvaro och scheman</td>"), "{page}");
    assert!(!page.contains("<td>Schemaläggning: frånvaro</td>"), "the amended commit is still shown: {page}");

    // A reset back to the first commit: the work is uncommitted again, and no later commit shows.
    git(root, "x", TODAY, &["reset", "-q", "--soft", "HEAD~1"]);
    let (_, page) = wait_for(port, "/bedomningar/schema/", |_, b| !b.contains("frånvaro och scheman"));
    assert!(!page.contains("frånvaro och scheman"), "{page}");
    assert!(page.contains("Schemaläggning: första utkastet"), "{page}");
}

#[test]
fn serve_starts_from_an_up_to_date_output_and_leaves_it_alone() {
    let dir = project(&[("schema.toml", BASE)]);
    let root = dir.path();
    git(root, "x", "2026-01-15", &["init", "-q", "-b", "main"]);
    commit(root, "2026-01-15", "Schemaläggning");
    crate::common::molnkoll(root, &["build", "--today", TODAY]).ok();
    let before = crate::common::files(&root.join("output"));
    let pages = before.keys().filter(|p| p.ends_with(".html")).count();
    let pdfs = before.keys().filter(|p| p.ends_with(".pdf")).count();

    let server = start(root);
    // Nothing was typeset or rendered again: every page and PDF came from output/.
    let first = server.log.iter().find(|l| l.starts_with("byggd: ")).unwrap();
    assert!(first.contains(&format!("({pages} sidor och {pdfs} PDF oförändrade)")), "{first}");
    let (status, page) = get(server.port, "/bedomningar/schema/");
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Schemaläggning</h1>"), "{page}");
    let (_, pdf) = get(server.port, "/bedomningar/schema/beslutsunderlag.pdf");
    assert!(pdf.contains("%PDF-"), "the PDF is served from the reused bytes");

    // An edit still rebuilds, in memory; output/ stays as the build left it.
    dir.edit("content/bedomningar/schema.toml", "namn = \"Schemaläggning\"", "namn = \"Schemaläggning 2\"");
    let (_, page) = wait_for(server.port, "/bedomningar/schema/", |_, b| b.contains("<h1>Schemaläggning 2</h1>"));
    assert!(page.contains("<h1>Schemaläggning 2</h1>"), "{page}");
    drop(server);
    assert!(crate::common::files(&root.join("output")) == before, "serve wrote to output/");
}
