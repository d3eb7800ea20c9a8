//! PDF benchmark: molnkoll's embedded Typst against the `typst` CLI on the same templates
//! and the same JSON, measured side by side in one run.
//!
//!     cargo bench --bench pdf                      # 1,000 assessments
//!     MOLNKOLL_BENCH_N=100 cargo bench --bench pdf
//!
//! Needs python3 (for the corpus) and, for the comparison, `typst` on PATH
//! (`cargo install typst-cli`, for the benchmark only). See BENCHMARKS.md.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use molnkoll::model::Datum;
use molnkoll::pdf;
use molnkoll::render::Site;

fn per_doc(total: Duration, docs: usize) -> f64 {
    total.as_secs_f64() * 1000.0 / docs as f64
}

fn main() {
    // `cargo test --all-targets` runs this binary too; only `cargo bench` passes --bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n: usize = std::env::var("MOLNKOLL_BENCH_N").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let cli_sample: usize = std::env::var("MOLNKOLL_BENCH_CLI").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("python3")
        .arg(repo.join("scripts/bench/corpus.py"))
        .arg(n.to_string())
        .arg(&root)
        .status()
        .expect("python3 runs the corpus generator");
    assert!(status.success());

    let today = Datum::parse("2026-11-23").unwrap();
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
    let templates = pdf::templates(&root).unwrap();
    let jobs = pdf::jobs(&site);
    let docs = jobs.len();
    println!("corpus: {n} assessments, {docs} PDFs");

    // molnkoll, all cores (rayon's default pool), cold start included: the whole batch.
    let t = Instant::now();
    let out = pdf::compile_all(&jobs, &templates).unwrap_or_else(|e| panic!("{e:?}"));
    let parallel = t.elapsed();
    assert_eq!(out.len(), docs);
    let bytes: usize = out.iter().map(|f| f.bytes.len()).sum();
    println!(
        "molnkoll, {} threads: {docs} PDFs in {:.2} s = {:.2} ms/PDF ({:.1} MB)",
        rayon::current_num_threads(),
        parallel.as_secs_f64(),
        per_doc(parallel, docs),
        bytes as f64 / 1e6
    );

    // molnkoll on one thread, on the sample the CLI also gets.
    let sample = &jobs[..cli_sample.min(docs)];
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let t = Instant::now();
    pool.install(|| pdf::compile_all(sample, &templates)).unwrap_or_else(|e| panic!("{e:?}"));
    let single = t.elapsed();
    println!("molnkoll, 1 thread: {} PDFs, {:.2} ms/PDF", sample.len(), per_doc(single, sample.len()));

    // The typst CLI, one process per document, the same sources and data on disk.
    if Command::new("typst").arg("--version").output().is_err() {
        println!("typst CLI not found on PATH; install it with `cargo install typst-cli` for the comparison");
        return;
    }
    let cli_dir = dir.path().join("cli");
    let mut runs = Vec::new();
    for (i, job) in sample.iter().enumerate() {
        let d = cli_dir.join(i.to_string());
        std::fs::create_dir_all(&d).unwrap();
        for (name, text) in templates.files() {
            std::fs::write(d.join(name.trim_start_matches('/')), text).unwrap();
        }
        std::fs::write(d.join("data.json"), serde_json::to_vec(&job.data).unwrap()).unwrap();
        runs.push((d, job.template));
    }
    let t = Instant::now();
    for (d, template) in &runs {
        let out = Command::new("typst")
            .args(["compile", "--ignore-system-fonts", "--pdf-standard", "a-2a", "--pdf-standard", "ua-1", "--root"])
            .arg(d)
            .arg(d.join(template))
            .arg(d.join("out.pdf"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let cli = t.elapsed();
    println!("typst CLI, 1 process per PDF: {} PDFs, {:.2} ms/PDF", runs.len(), per_doc(cli, runs.len()));
    println!(
        "ratio, same {} PDFs, one at a time: typst CLI / molnkoll = {:.1}x",
        runs.len(),
        cli.as_secs_f64() / single.as_secs_f64()
    );
}
