//! molnkoll's HTML phase on its own, for the comparison with Hugo: load, validate, derive,
//! render every page and write them, but no PDFs (which dominate a whole `build`).
//!
//!     cargo build --release --example html_only
//!     target/release/examples/html_only ROOT OUT [TODAY]
//!
//! The same library calls as `molnkoll build`, minus `pdf::render_pdfs`. See BENCHMARKS.md.

use std::path::PathBuf;
use std::process::ExitCode;

use molnkoll::cache::{Cache, KeyBuilder, PageKeys};
use molnkoll::model::Datum;
use molnkoll::render;
use molnkoll::view::Site;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: html_only ROOT OUT [TODAY]");
        return ExitCode::from(2);
    };
    let today = Datum::parse(rest.first().map_or(molnkoll::korpus::REFERENSDAG, String::as_str)).expect("a date");
    let root = PathBuf::from(root);
    let checked = molnkoll::check(&root, today).expect("the project loads");
    let Some(policy) = checked.policy.as_ref().filter(|_| checked.errors() == 0) else {
        eprint!("{}", checked.render());
        return ExitCode::FAILURE;
    };
    let tera = render::templates(&root, None).expect("templates");
    let site = Site {
        policy,
        items: &checked.items,
        sidor: &checked.sidor,
        today,
        historik: &checked.historik,
        profil: molnkoll::Profil::Intern,
    };
    // From scratch, as Hugo renders: no cache, so every page is rendered and written.
    let empty = Cache::empty();
    let sidor: Vec<(&str, &str)> = checked.sidor.iter().map(|s| (s.slug.as_str(), s.meta.titel.as_str())).collect();
    let historik = format!("{:?}", checked.historik);
    let keys = PageKeys::new(&KeyBuilder::new("site"), tera.fingerprint(), today, &historik, &sidor);
    let files = render::render_site(&site, &tera, &empty, &keys).expect("the site renders").files;
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    molnkoll::write::write_output(&PathBuf::from(out), &files, &empty).expect("the site is written");
    eprintln!("{} assessments, {pages} HTML pages, {} files", checked.items.len(), files.len());
    ExitCode::SUCCESS
}
