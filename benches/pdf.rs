//! PDF benchmark (divan): molnkoll's embedded Typst against the floor, a bare
//! `typst::compile` + `typst_pdf::pdf` loop written here, and against the `typst` CLI, all
//! on the same templates, the same JSON and the same PDF standards, side by side in one run.
//!
//!     cargo bench --bench pdf                          # 100 assessments, all their PDFs
//!     MOLNKOLL_BENCH_N=300 cargo bench --bench pdf
//!     MOLNKOLL_TYPST=/path/to/typst cargo bench --bench pdf
//!
//! Each iteration typesets the whole sample, so divan's "items/s" is documents per second.
//! Typst's memo cache is emptied before every iteration (outside the timing), so each one
//! starts cold like a build does. See BENCHMARKS.md.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::ItemsCount;
use molnkoll::model::Datum;
use molnkoll::pdf;
use molnkoll::view::Site;
use rayon::prelude::*;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

fn main() {
    // `cargo test --all-targets` runs this binary too; only `cargo bench` passes --bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let s = &*STATE;
    println!(
        "corpus: {} assessments, {} PDFs per iteration ({:.1} MB of JSON); {} threads; typst CLI: {}",
        s.assessments,
        s.jobs.len(),
        s.data.iter().map(Vec::len).sum::<usize>() as f64 / 1e6,
        rayon::current_num_threads(),
        if s.cli_dirs.is_some() { typst_cli() } else { "not found, its benchmark does nothing".to_owned() }
    );
    divan::main();
}

struct State {
    _dir: tempfile::TempDir,
    assessments: usize,
    templates: std::sync::Arc<pdf::Templates>,
    jobs: Vec<pdf::Job>,
    /// Each job's JSON, serialised once, for the floor and the CLI.
    data: Vec<Vec<u8>>,
    /// One folder per job with the templates and `data.json`, when the CLI is there.
    cli_dirs: Option<Vec<PathBuf>>,
    /// The templates with Bilaga A and B typeset inside each kravbilaga.
    hela_mallen: std::sync::Arc<pdf::Templates>,
    /// The kravbilaga as issue 21 found it (benches/fixtures): the baseline of its target.
    issue_21: std::sync::Arc<pdf::Templates>,
    /// Every kravbilaga of the sample.
    kravbilagor: Vec<pdf::Job>,
}

static STATE: LazyLock<State> = LazyLock::new(|| {
    let n: usize = std::env::var("MOLNKOLL_BENCH_N").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("korpus");
    molnkoll::korpus::write(&root, n, 1).unwrap();
    let today = Datum::parse(molnkoll::korpus::REFERENSDAG).unwrap();
    let checked = molnkoll::check(&root, today).unwrap();
    assert_eq!(checked.errors(), 0, "{}", checked.render());
    let site = Site {
        policy: checked.policy.as_ref().unwrap(),
        items: &checked.items,
        sidor: &checked.sidor,
        today,
        historik: &checked.historik,
        profil: molnkoll::Profil::Intern,
    };
    let templates = pdf::templates(&root, None).unwrap();
    let jobs = pdf::jobs(&site);
    // The kravbilaga with Bilaga A and B in place of the empty pages, for the floor.
    let (_, builtin) = templates.files().find(|(p, _)| p == "/kravbilaga.typ").unwrap();
    let inline = "#pagebreak()\n== Bilaga A: Åtgärdstabell\n#atgardstabell(data.policy.atgardstabell, data.policy.kumulativ_regel)\n\n== Bilaga B: Begreppsförklaring\n#begreppslista(data.policy.begrepp)\n";
    assert!(builtin.contains("#bilagesidor()"), "the kravbilaga leaves pages for the appendices");
    let hela_mallen = own_kravbilaga(&dir.path().join("hela-mallen"), &builtin.replace("#bilagesidor()", inline));
    // What molnkoll gives these templates: the policy's tables only where they are read.
    let data: Vec<Vec<u8>> = jobs.iter().map(|j| hela_mallen.data_json(j.template, &j.data)).collect();
    // The kravbilaga as issue 21 found it: Bilaga A and B typeset in place, and a block around
    // each requirement.
    let issue_21 = own_kravbilaga(&dir.path().join("issue-21"), include_str!("fixtures/kravbilaga-issue-21.typ"));
    let cli_dirs = Command::new(typst_cli()).arg("--version").output().is_ok_and(|o| o.status.success()).then(|| {
        jobs.iter()
            .zip(&data)
            .enumerate()
            .map(|(i, (_, json))| {
                let d = dir.path().join("cli").join(i.to_string());
                std::fs::create_dir_all(&d).unwrap();
                for (name, text) in hela_mallen.files() {
                    std::fs::write(d.join(name.trim_start_matches('/')), text).unwrap();
                }
                std::fs::write(d.join("data.json"), json).unwrap();
                d
            })
            .collect()
    });
    let kravbilagor: Vec<pdf::Job> = pdf::jobs(&site).into_iter().filter(|j| j.template == "kravbilaga.typ").collect();
    State { _dir: dir, assessments: n, templates, jobs, data, cli_dirs, hela_mallen, issue_21, kravbilagor }
});

/// The templates of a project at `root` whose own `kravbilaga.typ` is `text`.
fn own_kravbilaga(root: &std::path::Path, text: &str) -> std::sync::Arc<pdf::Templates> {
    let own = root.join(pdf::TEMPLATE_DIR);
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(own.join("kravbilaga.typ"), text).unwrap();
    pdf::templates(root, None).unwrap()
}

fn typst_cli() -> String {
    std::env::var("MOLNKOLL_TYPST").unwrap_or_else(|_| "typst".to_owned())
}

fn one_thread() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap()
}

/// molnkoll's own path: `pdf::compile_all`, engine set-up, JSON serialisation and its
/// batching included.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn molnkoll_1_trad(b: Bencher) {
    let s = &*STATE;
    let pool = one_thread();
    b.counter(ItemsCount::new(s.jobs.len())).with_inputs(|| typst::comemo::evict(0)).bench_values(|()| {
        pool.install(|| pdf::compile_all(&s.jobs, &s.templates)).unwrap_or_else(|e| panic!("{e:?}"))
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn molnkoll_alla_tradar(b: Bencher) {
    let s = &*STATE;
    b.counter(ItemsCount::new(s.jobs.len()))
        .with_inputs(|| typst::comemo::evict(0))
        .bench_values(|()| pdf::compile_all(&s.jobs, &s.templates).unwrap_or_else(|e| panic!("{e:?}")));
}

/// The kravbilagor alone, with the shared appendices typeset once per sample (the shared
/// pages are forgotten before each sample, like the memo, so each one pays for them).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn kravbilaga_delade_bilagor(b: Bencher) {
    kravbilagor(b, &STATE.templates);
}

/// Nothing: one sample of an empty body. Divan calibrates its timer before the first bench it
/// runs, tens of millions of instructions, so a count of the pair above is taken less this
/// one (scripts/bench/kravbilaga-instruktioner.sh), not less the bare set-up.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn tom(b: Bencher) {
    b.bench(|| ());
}

/// The same kravbilagor from the template issue 21 found, through the same path.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn kravbilaga_issue_21(b: Bencher) {
    kravbilagor(b, &STATE.issue_21);
}

/// Every kravbilaga of the sample on one thread, through molnkoll's own path.
fn kravbilagor(b: Bencher, templates: &pdf::Templates) {
    let s = &*STATE;
    let pool = one_thread();
    b.counter(ItemsCount::new(s.kravbilagor.len())).with_inputs(forget).bench_values(|()| {
        pool.install(|| pdf::compile_all(&s.kravbilagor, templates)).unwrap_or_else(|e| panic!("{e:?}"))
    });
}

fn forget() {
    typst::comemo::evict(0);
    pdf::forget_shared_pages();
}

/// The floor: the least a program can do to get the same PDFs from Typst. Its kravbilagor
/// typeset Bilaga A and B inside each one (`hela_mallen`): a bare loop has no shared pages.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn golv_1_trad(b: Bencher) {
    let s = &*STATE;
    b.counter(ItemsCount::new(s.jobs.len())).with_inputs(|| typst::comemo::evict(0)).bench_values(|()| {
        let shared = Shared::new(&s.hela_mallen);
        s.jobs.iter().zip(&s.data).map(|(job, json)| bare(&shared, job, json)).sum::<usize>()
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn golv_alla_tradar(b: Bencher) {
    let s = &*STATE;
    b.counter(ItemsCount::new(s.jobs.len())).with_inputs(|| typst::comemo::evict(0)).bench_values(|()| {
        let shared = Shared::new(&s.hela_mallen);
        s.jobs.par_iter().zip(&s.data).map(|(job, json)| bare(&shared, job, json)).sum::<usize>()
    });
}

/// One `typst compile` process per document, as a pipeline calling the CLI would.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn typst_cli_1_process_per_pdf(b: Bencher) {
    let s = &*STATE;
    let Some(dirs) = &s.cli_dirs else { return };
    let typst = typst_cli();
    b.counter(ItemsCount::new(s.jobs.len())).bench(|| {
        for (d, job) in dirs.iter().zip(&s.jobs) {
            let out = Command::new(&typst)
                .args(["compile", "--ignore-system-fonts", "--pdf-standard", "a-2a", "--pdf-standard", "ua-1"])
                .arg("--root")
                .arg(d)
                .arg(d.join(job.template))
                .arg(d.join("out.pdf"))
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
    });
}

/// What every document of the floor shares.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: HashMap<FileId, Source>,
}

impl Shared {
    fn new(templates: &pdf::Templates) -> Shared {
        let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        let sources = templates
            .files()
            .map(|(path, text)| {
                let id = id(&path);
                (id, Source::new(id, text.to_owned()))
            })
            .collect();
        Shared { library: LazyHash::new(Library::builder().build()), book, fonts, sources }
    }
}

fn id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).unwrap()).intern()
}

struct Bare<'a> {
    shared: &'a Shared,
    main: FileId,
    data: Bytes,
}

impl World for Bare<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.shared.sources.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id.vpath().get_with_slash() == "/data.json" {
            return Ok(self.data.clone());
        }
        self.source(id).map(Bytes::from_string)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

fn bare(shared: &Shared, job: &pdf::Job, json: &[u8]) -> usize {
    let world = Bare { shared, main: id(&format!("/{}", job.template)), data: Bytes::new(json.to_vec()) };
    let document = typst::compile::<PagedDocument>(&world).output.unwrap_or_else(|e| panic!("{e:?}"));
    let d = job.date.0;
    let options = PdfOptions {
        ident: Smart::Custom(job.path.clone()),
        timestamp: Some(Timestamp::new_utc(
            Datetime::from_ymd_hms(i32::from(d.year()), d.month() as u8, d.day() as u8, 0, 0, 0).unwrap(),
        )),
        standards: PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1]).unwrap(),
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).unwrap_or_else(|e| panic!("{e:?}")).len()
}
