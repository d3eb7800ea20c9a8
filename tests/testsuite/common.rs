//! What every module shares: fixture projects, the real binary, checked edits and file trees.
//!
//! A test reads like a user's session:
//!
//! ```ignore
//! let p = project(&[("tjanst.toml", BASE)]);
//! p.edit("content/bedomningar/tjanst.toml", "id = 4", "id = 9");
//! p.build().code(1).stderr_has("error[unknown-driftform]");
//! assert!(!p.path().join("output").exists());
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub(crate) const TODAY: &str = "2026-11-23";

/// A complete, decided level-2 procurement with an EU-only supply chain.
pub(crate) const BASE: &str = include_str!("../fixtures/site/tjanst.toml");

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The one checked replacement behind every edit: all of `needle` becomes `replacement`,
/// and a needle that is not there fails the test, since the fixture it would have
/// changed is then tested unchanged.
#[track_caller]
fn replaced(text: &str, needle: &str, replacement: &str, what: &dyn Fn() -> String) -> String {
    assert!(text.contains(needle), "edit: {needle:?} is not in {}", what());
    text.replace(needle, replacement)
}

/// Checked edits of fixture text: `BASE.edit("land = \"SE\"", "land = \"US\"")`.
pub(crate) trait Edit {
    /// The text with every `needle` replaced; panics when there is none.
    fn edit(&self, needle: &str, replacement: &str) -> String;
}

impl Edit for str {
    #[track_caller]
    fn edit(&self, needle: &str, replacement: &str) -> String {
        replaced(self, needle, replacement, &|| {
            let head: String = self.chars().take(80).collect();
            format!("the text starting {head:?}")
        })
    }
}

/// Edits the file at `path` in place; panics when `needle` is not in it.
#[track_caller]
pub(crate) fn edit(path: impl AsRef<Path>, needle: &str, replacement: &str) {
    let path = path.as_ref();
    let text = read(path);
    fs::write(path, replaced(&text, needle, replacement, &|| path.display().to_string())).unwrap();
}

/// The file's text; the path is in the message when it cannot be read.
#[track_caller]
pub(crate) fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir`, by relative path, with its bytes.
pub(crate) fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect()
}

/// The relative paths of the files under `dir` whose name ends in `suffix` ("" for all), sorted.
pub(crate) fn paths(dir: &Path, suffix: &str) -> Vec<String> {
    let mut list: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(suffix))
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    list.sort();
    list
}

/// A project in a temporary folder, removed when the value is dropped.
pub(crate) struct Project {
    dir: tempfile::TempDir,
}

/// A project with the shipped policy and the given assessments (file name, text).
pub(crate) fn project(records: &[(&str, &str)]) -> Project {
    let p = Project::new();
    for (name, text) in records {
        p.write(&format!("content/bedomningar/{name}"), text);
    }
    p
}

impl Project {
    /// The shipped policy, and empty `bedomningar/` and `sidor/` folders.
    pub(crate) fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        fs::create_dir_all(content.join("bedomningar")).unwrap();
        fs::create_dir_all(content.join("sidor")).unwrap();
        fs::copy(repo().join("content/policy.toml"), content.join("policy.toml")).unwrap();
        Project { dir }
    }

    /// A project from a fixture folder: its `policy.toml` if it has one, else the shipped
    /// policy; every other `.toml` file becomes an assessment, keeping subfolders.
    pub(crate) fn from_fixture(fixture: &Path) -> Project {
        let p = Project::new();
        let own_policy = fixture.join("policy.toml");
        if own_policy.exists() {
            fs::copy(own_policy, p.path().join("content/policy.toml")).unwrap();
        }
        for rel in paths(fixture, ".toml") {
            if rel != "policy.toml" {
                p.write(&format!("content/bedomningar/{rel}"), &read(fixture.join(&rel)));
            }
        }
        p
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `rel` under the project, making its folders.
    pub(crate) fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    /// [`edit`]s the file at `rel` under the project.
    #[track_caller]
    pub(crate) fn edit(&self, rel: &str, needle: &str, replacement: &str) -> &Self {
        edit(self.path().join(rel), needle, replacement);
        self
    }

    /// The text of `rel` in the built site, `output/`.
    #[track_caller]
    pub(crate) fn output(&self, rel: &str) -> String {
        read(self.path().join("output").join(rel))
    }

    /// Runs molnkoll with `args` inside the project, as a person in a terminal there would.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        molnkoll(self.path(), args)
    }

    /// `molnkoll build --today TODAY --root <project>`.
    pub(crate) fn build(&self) -> Run {
        self.with_root("build", &[])
    }

    /// `molnkoll check --today TODAY --root <project>`, plus `flags`.
    pub(crate) fn check(&self, flags: &[&str]) -> Run {
        self.with_root("check", flags)
    }

    fn with_root(&self, command: &str, flags: &[&str]) -> Run {
        let root = self.path().to_str().unwrap();
        let mut args = vec![command, "--today", TODAY, "--root", root];
        args.extend(flags);
        self.run(&args)
    }
}

/// What one run of the binary printed, and how it ended.
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    /// Standard error with each elapsed time as `<tid>` (see [`without_time`]), so that it
    /// can be compared exactly.
    pub stderr: String,
    /// Standard error as printed.
    pub raw_stderr: String,
}

/// Runs molnkoll with `args` in `dir`.
pub(crate) fn molnkoll(dir: &Path, args: &[&str]) -> Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_molnkoll")).current_dir(dir).args(args).output().unwrap();
    let raw_stderr = String::from_utf8(out.stderr).unwrap();
    Run {
        code: out.status.code().expect("molnkoll ended by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: without_time(&raw_stderr),
        raw_stderr,
    }
}

impl Run {
    /// Exit code 0.
    #[track_caller]
    pub(crate) fn ok(&self) -> &Self {
        self.code(0)
    }

    /// Exactly this exit code.
    #[track_caller]
    pub(crate) fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code; stderr:\n{}", self.stderr);
        self
    }

    /// Any exit code but 0.
    #[track_caller]
    pub(crate) fn fails(&self) -> &Self {
        assert_ne!(self.code, 0, "expected a failure; stderr:\n{}", self.stderr);
        self
    }

    /// Standard error is exactly `expected`, times as `<tid>`.
    #[track_caller]
    pub(crate) fn stderr_is(&self, expected: impl AsRef<str>) -> &Self {
        assert_eq!(self.stderr, expected.as_ref(), "stderr");
        self
    }

    /// Standard error contains `part`.
    #[track_caller]
    pub(crate) fn stderr_has(&self, part: &str) -> &Self {
        assert!(self.stderr.contains(part), "stderr lacks {part:?}:\n{}", self.stderr);
        self
    }

    /// Standard error does not contain `part`.
    #[track_caller]
    pub(crate) fn stderr_lacks(&self, part: &str) -> &Self {
        assert!(!self.stderr.contains(part), "stderr has {part:?}:\n{}", self.stderr);
        self
    }

    /// Standard output is exactly `expected`.
    #[track_caller]
    pub(crate) fn stdout_is(&self, expected: impl AsRef<str>) -> &Self {
        assert_eq!(self.stdout, expected.as_ref(), "stdout");
        self
    }

    /// Standard output contains `part`.
    #[track_caller]
    pub(crate) fn stdout_has(&self, part: &str) -> &Self {
        assert!(self.stdout.contains(part), "stdout lacks {part:?}:\n{}", self.stdout);
        self
    }

    /// The last line of stderr: every command ends with a one-line summary.
    pub(crate) fn summary(&self) -> &str {
        self.stderr.lines().last().unwrap_or_default()
    }
}

/// `text` with each summary line's elapsed time (`, 0,45 s`) as `, <tid>`, for exact comparisons.
pub(crate) fn without_time(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(", ") {
        let (head, tail) = rest.split_at(at + 2);
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let b = &tail.as_bytes()[digits..];
        if digits > 0 && b.len() >= 5 && b[0] == b',' && b[1..3].iter().all(u8::is_ascii_digit) && &b[3..5] == b" s" {
            out.push_str("<tid>");
            rest = &tail[digits + 5..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Runs git in `dir` with a fixed identity and date, isolated from the user's config; its
/// standard output, trimmed.
pub(crate) fn git(dir: &Path, author: &str, date: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_AUTHOR_DATE", format!("{date}T10:00:00+01:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T10:00:00+01:00"))
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The PDF's text, line breaks and hyphenation folded, so that phrases can be searched.
pub(crate) fn pdf_text(pdf: &Path) -> String {
    let raw = tool("pdftotext", &["-enc", "UTF-8", "-layout"], pdf);
    raw.replace("-\n", "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A poppler or qpdf tool's standard output for `pdf`.
pub(crate) fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = std::process::Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (scripts/install-test-deps.sh installs it): {e}"));
    assert!(out.status.success(), "{name} {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A running `molnkoll serve`, killed when the test ends, however it ends.
pub(crate) struct Server {
    child: std::process::Child,
    pub(crate) port: u16,
    /// What it printed before its address.
    pub(crate) log: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `molnkoll serve` on a free port from inside the project, with the default
/// `--root .` as a person runs it (the watcher reports absolute paths, which a relative
/// root once failed to match), and waits for its address.
pub(crate) fn serve(root: &Path) -> Server {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_molnkoll"))
        .args(["serve", "--port", "0", "--today", TODAY])
        .current_dir(root)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = Vec::new();
    let port = loop {
        let line = lines.next().expect("serve prints its address").unwrap();
        if let Some(rest) = line.strip_prefix("molnkoll serve: http://127.0.0.1:") {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
        log.push(line);
    };
    // Keep reading the log so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, port, log }
}

/// A raw request with exactly these bytes, so that the path and the headers reach the
/// server as written: the status (0 when there is none) and the whole response.
pub(crate) fn http(port: u16, request: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let response = String::from_utf8_lossy(&bytes).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, response)
}
