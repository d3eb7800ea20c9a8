//! Hostile and careless input, through the real binary (issue 19): nothing outside the
//! output folder is destroyed, nothing secret reaches the open extract, `serve` answers
//! only under its own names, nothing is injected into a terminal, a spreadsheet or a draft,
//! and no read hangs or fills the memory. Each test names the class of the issue it holds.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use crate::common::{BASE, Edit, TODAY, git, http, pdf_text, project, serve};
use assert_cmd::Command;

/// The binary's exit code and standard error.
fn molnkoll(root: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("molnkoll").unwrap().args(args).arg("--root").arg(root).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn build(root: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["build", "--today", TODAY];
    args.extend_from_slice(extra);
    molnkoll(root, &args)
}

/// Every file under `dir`, relative, sorted; links are listed, not followed.
fn tree(dir: &Path) -> Vec<String> {
    let mut list: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    list.sort();
    list
}

/// Whether `needle` stands in `hay` with no letter or digit beside it.
fn word(hay: &str, needle: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    hay.match_indices(needle)
        .any(|(i, _)| !alnum(hay[..i].chars().next_back()) && !alnum(hay[i + needle.len()..].chars().next()))
}

/// A process id that no process has: above Linux's largest `pid_max`.
const DEAD_PID: u32 = 4_194_400;

// ---------------------------------------------------------------------------------------
// 1. The output folder: links, leftovers

#[test]
fn class1_a_symlinked_output_folder_is_refused_and_what_it_points_to_is_kept() {
    // Another molnkoll site, with its folders, which the link points to.
    let other = project(&[("tjanst.toml", BASE)]);
    assert_eq!(build(other.path(), &[]).0, 0);
    let other_out = other.path().join("output");
    let before = tree(&other_out);
    assert!(before.iter().any(|p| p.starts_with("bedomningar/")), "{before:?}");

    // A folder of a person's own files, and an empty folder.
    let mine = tempfile::tempdir().unwrap();
    fs::write(mine.path().join("viktigt.txt"), "behåll").unwrap();
    let empty = tempfile::tempdir().unwrap();

    for target in [other_out.as_path(), mine.path(), empty.path()] {
        let dir = project(&[("tjanst.toml", BASE)]);
        let out = dir.path().join("output");
        std::os::unix::fs::symlink(target, &out).unwrap();
        let listing = tree(target);
        let (code, stderr) = build(dir.path(), &[]);
        assert_ne!(code, 0, "a link in the output's place is refused: {stderr}");
        assert!(stderr.contains("symbolisk länk"), "{stderr}");
        assert!(fs::symlink_metadata(&out).unwrap().file_type().is_symlink(), "the link stays");
        assert_eq!(tree(target), listing, "nothing the link points to is touched");
    }
    assert_eq!(tree(&other_out), before);

    // Hostile pass: the project itself, or its content, given as the output folder.
    let dir = project(&[("tjanst.toml", BASE)]);
    let root = dir.path();
    for out in [root.to_owned(), root.join("content"), root.join("content/bedomningar")] {
        let listing = tree(root);
        let (code, stderr) = build(root, &["--out", out.to_str().unwrap()]);
        assert_ne!(code, 0, "{}: {stderr}", out.display());
        assert_eq!(tree(root), listing, "{}: nothing removed or added", out.display());
    }
}

#[test]
fn class1_a_killed_builds_staging_folders_are_removed_and_nothing_else() {
    let dir = project(&[("tjanst.toml", BASE)]);
    let root = dir.path();
    let leftover = |name: &str, marker: bool| {
        let p = root.join(name);
        fs::create_dir_all(p.join("bedomningar/tjanst")).unwrap();
        fs::write(p.join("bedomningar/tjanst/index.html"), "hemlig kopia").unwrap();
        if marker {
            fs::write(p.join(".molnkoll-output"), "molnkoll\n").unwrap();
        }
        p
    };
    let dead_tmp = leftover(&format!(".output.tmp-{DEAD_PID}"), true);
    let dead_old = leftover(&format!(".output.old-{}", DEAD_PID + 1), true);
    // Not ours (no marker), a live process's (pid 1), another output's: kept.
    let foreign = leftover(&format!(".output.tmp-{}", DEAD_PID + 2), false);
    let live = leftover(".output.tmp-1", true);
    let other_name = leftover(&format!(".annat.tmp-{DEAD_PID}"), true);
    // A link with a leftover's name: removed as a link at most, its target kept.
    let target = tempfile::tempdir().unwrap();
    fs::write(target.path().join(".molnkoll-output"), "molnkoll\n").unwrap();
    fs::write(target.path().join("behall.txt"), "x").unwrap();
    let link = root.join(format!(".output.tmp-{}", DEAD_PID + 3));
    std::os::unix::fs::symlink(target.path(), &link).unwrap();

    let (code, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!dead_tmp.exists(), "a dead build's staging folder is removed");
    assert!(!dead_old.exists(), "a dead build's old folder is removed");
    for kept in [&foreign, &live, &other_name] {
        assert!(kept.join("bedomningar/tjanst/index.html").exists(), "{} is kept", kept.display());
    }
    assert!(target.path().join("behall.txt").exists(), "a link's target is kept");
}

// ---------------------------------------------------------------------------------------
// 9. Write errors name the path and the system's error

#[test]
fn class9_write_errors_name_the_path_and_the_os_error() {
    let dir = project(&[("tjanst.toml", BASE)]);
    let root = dir.path();
    fs::write(root.join("en-fil"), "x").unwrap();
    let cases = [
        (root.join("en-fil/output"), "os error 17"),
        (PathBuf::from("/proc/molnkoll-output"), "os error"),
        (root.join("en-fil/djup/output"), "os error 20"),
    ];
    for (out, os) in cases {
        let (code, stderr) = build(root, &["--out", out.to_str().unwrap()]);
        assert_ne!(code, 0, "{stderr}");
        assert!(!stderr.contains("utmappen kunde inte fyllas"), "no bare message: {stderr}");
        assert!(stderr.contains(os), "{os}: {stderr}");
        let parent = out.parent().unwrap().to_string_lossy().into_owned();
        assert!(stderr.contains(&parent), "names {parent}: {stderr}");
    }
}

// ---------------------------------------------------------------------------------------
// 2. Secret parts and derived text

/// The base record with short secret values in marked fields that derived text quotes.
fn short_secrets() -> String {
    let text = BASE
        .edit("namn = \"Schema AB\"\nland = \"SE\"", "namn = \"AWS\"\nland = \"US\"")
        .edit("utfardare = \"Certifieringsorgan AB\"", "utfardare = \"IBM\"")
        .edit("[driftform]", "[[underbitraden]]\nnamn = \"QZX\"\nland = \"US\"\nuppgift = \"Drift\"\n\n[driftform]");
    format!(
        r#"{text}
[[beslut.accepterad_risk]]
atgard = "MK-1-DPF"
motivering = "Accepteras till granskningen."

[[sekretess]]
falt = "leverantor.namn"
paragraf = "31 kap. 16 § OSL"

[[sekretess]]
falt = "underbitraden"
paragraf = "31 kap. 16 § OSL"

[[sekretess]]
falt = "certifikat"
paragraf = "18 kap. 8 § OSL"

[[sekretess]]
falt = "driftform"
paragraf = "18 kap. 8 § OSL"
"#
    )
}

#[test]
fn class2_derived_text_quotes_no_marked_value_however_short() {
    let dir = project(&[("tjanst.toml", &short_secrets())]);
    let root = dir.path();
    let (code, stderr) = build(root, &["--profile", "oppen"]);
    assert_eq!(code, 0, "{stderr}");
    let out = root.join("output");
    let mut texts: Vec<(String, String)> = Vec::new();
    for rel in tree(&out) {
        let path = out.join(&rel);
        if !path.is_file() {
            continue;
        }
        if rel.ends_with(".pdf") {
            texts.push((rel, pdf_text(&path)));
        } else if let Ok(text) = fs::read_to_string(&path) {
            texts.push((rel, text));
        }
    }
    for format in ["csv", "json"] {
        let export = Command::cargo_bin("molnkoll")
            .unwrap()
            .args(["export", "--format", format, "--profile", "oppen", "--today", TODAY, "--root"])
            .arg(root)
            .output()
            .unwrap();
        assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
        texts.push((format!("export.{format}"), String::from_utf8_lossy(&export.stdout).into_owned()));
    }
    let mut found = Vec::new();
    for (name, text) in &texts {
        for secret in ["QZX", "AWS", "IBM"] {
            if word(text, secret) {
                found.push(format!("{secret} in {name}"));
            }
        }
        let own = name.starts_with("bedomningar/tjanst/") || name.starts_with("export");
        for quoted in ["för driftform 4", "driftform 4.", "ISO27001 utfärdat", "underbiträdet QZX", "leverantören AWS"]
        {
            if own && text.contains(quoted) {
                found.push(format!("`{quoted}` in {name}"));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    // The decisions stay: the page still says what was decided.
    let page = fs::read_to_string(out.join("bedomningar/tjanst/index.html")).unwrap();
    assert!(page.contains("Beslutad: godkänd"), "the verdict is derived and shown");
}

#[test]
fn class2_the_change_view_masks_by_the_markings_then_and_now() {
    const OLD_REF: &str = "GAMMAL-HEMLIG-REF-k2v9";
    const OLD_BEVIS: &str = "GAMMALT-HEMLIGT-BEVIS-z8";
    let decided = format!(
        "{BASE}\n[riskanalys]\nreferens = \"{OLD_REF}\"\ndatum = 2026-01-17\ngenomford_av = \"informationsagare\"\n\n\
         [[sekretess]]\nfalt = \"riskanalys\"\nparagraf = \"18 kap. 8 § OSL\"\n\n\
         [[sekretess]]\nfalt = \"certifikat.bevis\"\nparagraf = \"18 kap. 8 § OSL\"\n"
    )
    .edit("bevis = \"SML-2026-0001-3\"", &format!("bevis = \"{OLD_BEVIS}\""));
    let dir = project(&[("tjanst.toml", &decided)]);
    let root = dir.path();
    git(root, "Handläggare", "2026-02-01", &["init", "-q", "-b", "main"]);
    git(root, "Handläggare", "2026-02-01", &["add", "-A"]);
    git(root, "Handläggare", "2026-02-01", &["commit", "-q", "-m", "Beslut"]);
    // The section and its marking removed together; the certificate's proof changed and
    // its marking dropped.
    fs::write(root.join("content/bedomningar/tjanst.toml"), BASE.edit("SML-2026-0001-3", "NY-BEVIS-1")).unwrap();
    git(root, "Handläggare", "2026-03-10", &["commit", "-q", "-a", "-m", "Utan riskanalys"]);

    let (code, stderr) = build(root, &["--profile", "oppen"]);
    assert_eq!(code, 0, "{stderr}");
    let out = root.join("output");
    let mut leaks = Vec::new();
    for rel in tree(&out) {
        let bytes = fs::read(out.join(&rel)).unwrap_or_default();
        let text =
            if rel.ends_with(".pdf") { pdf_text(&out.join(&rel)) } else { String::from_utf8_lossy(&bytes).into() };
        for secret in [OLD_REF, OLD_BEVIS] {
            if text.contains(secret) {
                leaks.push(format!("{secret} in {rel}"));
            }
        }
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
}

#[test]
fn class10_a_real_date_0001_01_01_shows_as_itself() {
    let record = BASE.edit("klassad_datum = 2026-01-10", "klassad_datum = 0001-01-01");
    let dir = project(&[("tjanst.toml", &record)]);
    for profile in ["intern", "oppen"] {
        let (code, stderr) = build(dir.path(), &["--profile", profile]);
        assert_eq!(code, 0, "{stderr}");
        let page = fs::read_to_string(dir.path().join("output/bedomningar/tjanst/index.html")).unwrap();
        assert!(page.contains("0001-01-01"), "{profile}: the date shows");
        assert!(!page.contains("sekretessbelagt datum"), "{profile}: nothing is marked");
    }
}

// ---------------------------------------------------------------------------------------
// 3. serve

fn get(port: u16, host: &str, path: &str) -> (u16, String) {
    http(port, &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"))
}

fn location(response: &str) -> Option<&str> {
    response.lines().find_map(|l| l.strip_prefix("location: ").or_else(|| l.strip_prefix("Location: ")))
}

#[test]
fn class3_serve_answers_only_its_own_names_and_never_redirects_off_the_site() {
    let dir = project(&[("tjanst.toml", BASE)]);
    let server = serve(dir.path());
    let port = server.port;
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")] {
        assert_eq!(get(port, &host, "/").0, 200, "{host}");
    }
    // DNS rebinding: a page's own name pointed at this machine.
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
        "evil.example".to_owned(),
    ] {
        let (status, body) = get(port, &host, "/bedomningar/tjanst/");
        assert_eq!(status, 421, "{host}: {body}");
        assert!(!body.contains("Schemaläggning"), "{host}: no page");
    }
    let (status, _) = http(port, "GET / HTTP/1.0\r\n\r\n");
    assert_eq!(status, 400, "no Host at all");

    let host = format!("localhost:{port}");
    // A folder without its slash: the redirect stays on this site.
    for path in ["//register", "///register", "//bedomningar/tjanst", "/register", "/bedomningar//tjanst"] {
        let (status, response) = get(port, &host, path);
        if let Some(to) = location(&response) {
            assert!(to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"), "{path} → {to}");
        }
        assert!(status == 301 || status == 404, "{path}: {status}");
    }
    assert_eq!(location(&get(port, &host, "/register").1), Some("/register/"));
    // Encoded separators are 404, as SECURITY.md says.
    for path in [
        "/register%2Findex.html",
        "/register%2findex.html",
        "/register%5Cindex.html",
        "/bedomningar%2Ftjanst%2Findex.html",
        "/%2F%2Fevil.example",
        "/%2e%2e%2Fetc%2Fpasswd",
    ] {
        assert_eq!(get(port, &host, path).0, 404, "{path}");
    }
}

// ---------------------------------------------------------------------------------------
// 4. Git for Windows: core.autocrlf=true

#[test]
fn class4_crlf_checkouts_are_not_changes() {
    let record = BASE
        .edit(
            "motivering = \"Risken är acceptabel.\"",
            "motivering = \"\"\"\nRisken är acceptabel.\nLeverantören är granskad.\n\"\"\"",
        )
        .edit("beskrivning = \"Schemaläggning för hemtjänsten.\"", "beskrivning = \"\"\"\nRad ett.\nRad två.\n\"\"\"");
    let dir = project(&[("tjanst.toml", &record)]);
    let root = dir.path();
    git(root, "Handläggare", "2026-02-01", &["init", "-q", "-b", "main"]);
    git(root, "Handläggare", "2026-02-01", &["add", "-A"]);
    git(root, "Handläggare", "2026-02-01", &["commit", "-q", "-m", "Beslut"]);
    // What Git for Windows checks out: the same text with CRLF.
    let file = root.join("content/bedomningar/tjanst.toml");
    fs::write(&file, record.replace('\n', "\r\n")).unwrap();
    let (code, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    let page = fs::read_to_string(root.join("output/bedomningar/tjanst/index.html")).unwrap();
    assert!(!page.contains("Ändrad efter beslutet"), "CRLF is no change since the decision");
    assert!(!page.contains("ännu inte är sparade i git"), "nor uncommitted work");
}

#[test]
fn class4_init_writes_gitattributes_with_lf() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("molnkoll").unwrap().current_dir(tmp.path()).args(["init", "org"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let attrs = fs::read_to_string(tmp.path().join("org/.gitattributes")).unwrap();
    for line in ["*.toml text eol=lf", "*.md text eol=lf"] {
        assert!(attrs.lines().any(|l| l == line), "{line} in\n{attrs}");
    }
}

// ---------------------------------------------------------------------------------------
// 5. CSV formula injection

#[test]
fn class5_csv_cells_a_spreadsheet_would_evaluate_are_neutralised() {
    let payloads = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"x\")"];
    let records: Vec<(String, String)> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let quoted = serde_json::to_string(p).unwrap();
            let text = BASE
                .edit("namn = \"Schemaläggning\"", &format!("namn = {quoted}"))
                .edit("namn = \"Schema AB\"", &format!("namn = {quoted}"))
                .edit("referens = \"SML-2026-0001\"", &format!("referens = {quoted}"));
            (format!("t{i}.toml"), text)
        })
        .collect();
    let refs: Vec<(&str, &str)> = records.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let dir = project(&refs);
    let out = Command::cargo_bin("molnkoll")
        .unwrap()
        .args(["export", "--format", "csv", "--today", TODAY, "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        rows += 1;
        for (h, cell) in headers.iter().zip(row.iter()) {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{h}: {cell:?}");
            if ["Tjänst", "Leverantör", "Referens"].contains(&h) {
                assert!(payloads.iter().any(|p| cell == format!("'{p}")), "{h}: {cell:?}");
            }
        }
        // Numbers stay numbers.
        let driftform = headers.iter().position(|h| h == "Driftform").unwrap();
        assert_eq!(&row[driftform], "4");
    }
    assert_eq!(rows, payloads.len());
}

#[test]
fn class5_hostile_pass_a_name_cannot_add_lines_to_the_calendar_feed() {
    // A line break in a name, LF, CRLF or a bare CR, must not become a property of its own
    // (an attachment, an alarm).
    for brk in ["\n", "\r\n", "\r"] {
        let name = format!("Schema{brk}ATTACH:https://evil.example/x.exe{brk}BEGIN:VALARM");
        let record =
            BASE.edit("namn = \"Schemaläggning\"", &format!("namn = {}", serde_json::to_string(&name).unwrap()));
        let dir = project(&[("tjanst.toml", &record)]);
        let (code, stderr) = build(dir.path(), &[]);
        assert_eq!(code, 0, "{stderr}");
        let ics = fs::read_to_string(dir.path().join("output/bevakning.ics")).unwrap();
        // Long lines are folded (CRLF and a space); unfolded, the text is there, escaped.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("Schema\\nATTACH:https://evil.example"), "{brk:?}: {ics}");
        for line in ics.split(['\r', '\n']) {
            assert!(!line.starts_with("ATTACH") && !line.starts_with("BEGIN:VALARM"), "{brk:?}: {line:?} in\n{ics}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 6. Terminal escapes

#[test]
fn class6_control_characters_never_reach_the_terminal() {
    // Raw ESC and BEL in a value, a comment, a key and a file name: `check` quotes the
    // source line and names the file.
    let osc = "\u{1b}]0;pwned\u{7}";
    let clipboard = "\u{1b}]52;c;ZWNobyBoaQ==\u{7}";
    let value = BASE.edit("Schemaläggning för hemtjänsten.", &format!("Schema {osc}"));
    let comment = format!("# {clipboard}\n{BASE}");
    let key = format!("{BASE}\n[extra]\n\"a{osc}\" = 1\n");
    let csi = BASE.edit("Export till CSV.", "\u{1b}[2J\u{1b}[31mrött\u{9b}31m");
    let dir = project(&[
        ("varde.toml", &value),
        ("kommentar.toml", &comment),
        ("nyckel.toml", &key),
        ("csi.toml", &csi),
        (&format!("fil{osc}.toml"), BASE),
    ]);
    for args in [&["check", "--today", TODAY][..], &["build", "--today", TODAY]] {
        let out = Command::cargo_bin("molnkoll").unwrap().args(args).arg("--root").arg(dir.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_ne!(out.status.code(), Some(0), "{stderr}");
        for bad in ['\u{1b}', '\u{7}', '\u{9b}'] {
            assert!(!stderr.contains(bad), "{args:?}: raw U+{:04X} in\n{}", bad as u32, stderr.escape_debug());
        }
        assert!(stderr.contains("\\u{1b}"), "{args:?}: shown escaped\n{stderr}");
    }
}

// ---------------------------------------------------------------------------------------
// 7. Bounded reads

/// Runs `molnkoll check` under a memory limit and a time limit: exit code and stderr, or
/// `None` when it had to be stopped.
fn check_bounded(root: &Path) -> Option<(i32, String)> {
    let bin = assert_cmd::cargo::cargo_bin("molnkoll");
    let mut child = Process::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v 4000000; exec '{}' check --today {TODAY} --root '{}'", bin.display(), root.display()))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
            return Some((status.code().unwrap_or(-1), stderr));
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn mkfifo(path: &Path) {
    assert!(Process::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn class7_reads_are_bounded_and_only_of_regular_files() {
    type Setup = Box<dyn Fn(&Path)>;
    let cases: [(&str, Setup); 8] = [
        (
            "policy → /dev/zero",
            Box::new(|r: &Path| {
                fs::remove_file(r.join("content/policy.toml")).unwrap();
                std::os::unix::fs::symlink("/dev/zero", r.join("content/policy.toml")).unwrap();
            }),
        ),
        (
            "policy is a FIFO",
            Box::new(|r: &Path| {
                fs::remove_file(r.join("content/policy.toml")).unwrap();
                mkfifo(&r.join("content/policy.toml"));
            }),
        ),
        (
            "policy is a folder",
            Box::new(|r: &Path| {
                fs::remove_file(r.join("content/policy.toml")).unwrap();
                fs::create_dir(r.join("content/policy.toml")).unwrap();
            }),
        ),
        ("record is a FIFO", Box::new(|r: &Path| mkfifo(&r.join("content/bedomningar/fifo.toml")))),
        (
            "record → /dev/zero",
            Box::new(|r: &Path| {
                std::os::unix::fs::symlink("/dev/zero", r.join("content/bedomningar/noll.toml")).unwrap();
            }),
        ),
        (
            "record → a FIFO in the project",
            Box::new(|r: &Path| {
                mkfifo(&r.join("content/ror"));
                std::os::unix::fs::symlink("../ror", r.join("content/bedomningar/ror.toml")).unwrap();
            }),
        ),
        ("page is a FIFO", Box::new(|r: &Path| mkfifo(&r.join("content/sidor/fifo.md")))),
        (
            "page → /dev/zero",
            Box::new(|r: &Path| std::os::unix::fs::symlink("/dev/zero", r.join("content/sidor/noll.md")).unwrap()),
        ),
    ];
    for (what, setup) in cases {
        let dir = project(&[("tjanst.toml", BASE)]);
        setup(dir.path());
        let Some((code, stderr)) = check_bounded(dir.path()) else { panic!("{what}: still reading after 20 s") };
        assert!(code == 1 || code == 2, "{what}: exit {code}\n{stderr}");
        assert!(!stderr.contains("memory allocation"), "{what}: {stderr}");
        assert!(stderr.contains("ingen vanlig fil") || stderr.contains("symbolisk"), "{what}: says why\n{stderr}");
    }
}

#[test]
fn class7_a_template_that_is_a_fifo_does_not_hang_the_build() {
    let dir = project(&[("tjanst.toml", BASE)]);
    fs::create_dir_all(dir.path().join("templates/pdf")).unwrap();
    mkfifo(&dir.path().join("templates/base.html"));
    mkfifo(&dir.path().join("templates/bedomning.html"));
    let bin = assert_cmd::cargo::cargo_bin("molnkoll");
    let mut child = Process::new(bin)
        .args(["build", "--today", TODAY, "--root"])
        .arg(dir.path())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the build hangs on a FIFO template");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

// ---------------------------------------------------------------------------------------
// 8. Missing content, linked and unreadable records

#[test]
fn class8_a_missing_or_wrong_assessment_folder_is_an_error() {
    for (what, setup) in [
        ("missing", Box::new(|r: &Path| fs::remove_dir(r.join("content/bedomningar")).unwrap()) as Box<dyn Fn(&Path)>),
        (
            "a file",
            Box::new(|r: &Path| {
                fs::remove_dir(r.join("content/bedomningar")).unwrap();
                fs::write(r.join("content/bedomningar"), "").unwrap();
            }),
        ),
        (
            "a link to nothing",
            Box::new(|r: &Path| {
                fs::remove_dir(r.join("content/bedomningar")).unwrap();
                std::os::unix::fs::symlink("finns-inte", r.join("content/bedomningar")).unwrap();
            }),
        ),
    ] {
        let dir = project(&[]);
        setup(dir.path());
        let (code, stderr) = build(dir.path(), &[]);
        assert_eq!(code, 1, "{what}: {stderr}");
        assert!(stderr.contains("missing-folder") && stderr.contains("content/bedomningar"), "{what}: {stderr}");
        assert!(!dir.path().join("output").exists(), "{what}: nothing published");
    }
}

#[test]
fn class8_symlinked_records_are_followed_inside_the_project_and_refused_outside() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("extern.toml"), BASE.edit("Schemaläggning", "Extern tjänst")).unwrap();
    let dir = project(&[]);
    let root = dir.path();
    fs::create_dir_all(root.join("underlag")).unwrap();
    fs::write(root.join("underlag/inne.toml"), BASE.edit("Schemaläggning", "Länkad tjänst")).unwrap();
    let records = root.join("content/bedomningar");
    std::os::unix::fs::symlink("../../underlag/inne.toml", records.join("inne.toml")).unwrap();

    // Inside the project: followed, and published like any record.
    let (code, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    let page = fs::read_to_string(root.join("output/bedomningar/inne/index.html")).unwrap();
    assert!(page.contains("Länkad tjänst"));

    // Outside, dangling, or a linked folder: an error naming the file, nothing published.
    for (name, target) in [
        ("extern.toml", outside.path().join("extern.toml")),
        ("borta.toml", root.join("finns-inte.toml")),
        ("mapp", outside.path().to_owned()),
    ] {
        std::os::unix::fs::symlink(&target, records.join(name)).unwrap();
        let (code, stderr) = build(root, &[]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.contains("symlink-refused") && stderr.contains(name), "{name}: {stderr}");
        fs::remove_file(records.join(name)).unwrap();
    }
}

// ---------------------------------------------------------------------------------------
// 10. Input that must be refused

#[test]
fn class10_new_refuses_names_with_line_breaks_and_hidden_characters() {
    let dir = project(&[("tjanst.toml", BASE)]);
    let root = dir.path();
    for name in [
        "Ond\n[beslut]\nstatus = \"godkand\"",
        "Ond\r\nstatus = \"godkand\"",
        "Ond\u{1b}]0;x\u{7}",
        "Ond\ttjänst",
        "Safe\u{200B}spring",
        "Safe\u{2060}spring",
        "\u{FEFF}Safespring",
        "Safe\u{00AD}spring",
        "Safe\u{202E}gnirps",
        "Safe\u{2066}spring",
        "Safe\u{061C}spring",
    ] {
        let before = tree(&root.join("content/bedomningar"));
        let (code, stderr) = molnkoll(root, &["new", name]);
        assert_ne!(code, 0, "{name:?} refused: {stderr}");
        assert!(stderr.contains("\\u{"), "{name:?}: shown escaped: {stderr}");
        assert_eq!(tree(&root.join("content/bedomningar")), before, "{name:?}: no draft written");
    }
}

#[test]
fn class10_text_fields_refuse_invisible_and_bidi_characters_where_they_stand() {
    let chars = [
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{061C}', '\u{202A}', '\u{202E}',
        '\u{2066}', '\u{2069}',
    ];
    let records: Vec<(String, String)> = chars
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("t{i}.toml"), BASE.edit("namn = \"Schema AB\"", &format!("namn = \"Schema{c} AB\""))))
        .collect();
    let refs: Vec<(&str, &str)> = records.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let dir = project(&refs);
    let (code, stderr) = molnkoll(dir.path(), &["check", "--today", TODAY]);
    assert_eq!(code, 1, "{stderr}");
    let line = BASE.lines().position(|l| l == "namn = \"Schema AB\"").unwrap() + 1;
    for (i, c) in chars.iter().enumerate() {
        // file:line:column of the character itself, and the character escaped.
        let at = format!("content/bedomningar/t{i}.toml:{line}:15");
        assert!(stderr.contains(&at), "{at}\n{stderr}");
        assert!(stderr.contains(&format!("`{}`", c.escape_unicode())), "U+{:04X}\n{stderr}", *c as u32);
    }
    assert_eq!(stderr.matches("error[control-character]").count(), chars.len(), "{stderr}");
}

#[test]
fn class10_export_never_writes_into_the_projects_inputs() {
    let dir = project(&[("tjanst.toml", BASE)]);
    let root = dir.path();
    fs::create_dir_all(root.join("templates")).unwrap();
    let policy = fs::read(root.join("content/policy.toml")).unwrap();
    let record = fs::read(root.join("content/bedomningar/tjanst.toml")).unwrap();
    std::os::unix::fs::symlink(root.join("content/policy.toml"), root.join("lank.csv")).unwrap();
    for out in [
        root.join("content/policy.toml"),
        root.join("content/bedomningar/tjanst.toml"),
        root.join("content/bedomningar/ny.csv"),
        root.join("content/../content/policy.toml"),
        root.join("templates/bas.html"),
        root.join("lank.csv"),
    ] {
        let (code, stderr) =
            molnkoll(root, &["export", "--format", "csv", "--today", TODAY, "--out", out.to_str().unwrap()]);
        assert_ne!(code, 0, "{}: {stderr}", out.display());
        assert!(stderr.contains("indata"), "{stderr}");
    }
    assert_eq!(fs::read(root.join("content/policy.toml")).unwrap(), policy);
    assert_eq!(fs::read(root.join("content/bedomningar/tjanst.toml")).unwrap(), record);
    assert!(!root.join("content/bedomningar/ny.csv").exists());
    assert!(!root.join("templates/bas.html").exists());
    // Beside the content is fine.
    let (code, stderr) = molnkoll(
        root,
        &["export", "--format", "csv", "--today", TODAY, "--out", root.join("register.csv").to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
}
