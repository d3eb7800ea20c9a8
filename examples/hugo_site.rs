//! The Hugo side of the HTML comparison: the same records as data files, one small content
//! file per record whose front matter names its data file, and the policy as data. The
//! layouts and the configuration are static files in `scripts/bench/hugo/`.
//!
//!     cargo build --release --example hugo_site
//!     target/release/examples/hugo_site ROOT HUGO_DIR [TODAY]
//!
//! Hugo 0.111 has no content adapters, so the content files are the fair minimum: Hugo
//! needs one per page, and everything the page shows comes from `site.Data`.

use std::fs;
use std::path::Path;

use molnkoll::model::Datum;
use serde_json::json;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, dir, rest @ ..] = args.as_slice() else {
        eprintln!("usage: hugo_site ROOT HUGO_DIR [TODAY]");
        std::process::exit(2);
    };
    let today = Datum::parse(rest.first().map_or(molnkoll::korpus::REFERENSDAG, String::as_str)).expect("a date");
    let checked = molnkoll::check(Path::new(root), today).expect("the project loads");
    assert_eq!(checked.errors(), 0, "{}", checked.render());
    let policy = checked.policy.as_ref().expect("a policy");
    let dir = Path::new(dir);
    let write = |rel: String, bytes: Vec<u8>| {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    };
    write("data/policy.json".into(), serde_json::to_vec(policy).unwrap());
    for item in &checked.items {
        let b = &item.bedomning;
        let h = &item.harledning;
        // The derived outcome travels with the record: Hugo cannot apply the routine's rules.
        let data = json!({ "slug": item.slug, "fil": item.file, "bedomning": b, "harledning": h });
        write(format!("data/bedomningar/{}.json", item.slug), serde_json::to_vec(&data).unwrap());
        let quote = |s: &str| serde_json::to_string(s).unwrap();
        let front = format!(
            "+++\ntitle = {}\ndata = {}\nniva = {}\nnasta_granskning = {}\nleverantorer = [{}]\nutlatanden = [{}]\ndriftformer = [\"{}\"]\n+++\n",
            quote(&b.tjanst.namn),
            quote(&item.slug),
            h.styrande.as_ref().map_or(-1, |s| i32::from(s.niva)),
            quote(&b.beslut.as_ref().and_then(|x| x.nasta_granskning).map_or(String::new(), |d| d.to_string())),
            // No supplier yet while a procurement's tender is out: no term.
            b.leverantor.as_ref().map(|l| quote(&l.namn)).unwrap_or_default(),
            quote(molnkoll::view::utlatande_namn(&h.utlatande)),
            b.driftform.id,
        );
        write(format!("content/bedomningar/{}.md", item.slug), front.into_bytes());
    }
    // The records' own section gets no list page: molnkoll has none, the register is it.
    write(
        "content/bedomningar/_index.md".into(),
        b"+++\ntitle = \"Bed\xc3\xb6mningar\"\n[_build]\nrender = \"never\"\n+++\n".to_vec(),
    );
    for (file, title, sort) in [
        ("_index.md", "Register över bedömningar", "namn"),
        ("niva.md", "Register sorterat på nivå, högst först", "niva"),
        ("granskning.md", "Register sorterat på nästa granskning", "granskning"),
    ] {
        write(
            format!("content/register/{file}"),
            format!("+++\ntitle = \"{title}\"\nsortera = \"{sort}\"\n+++\n").into_bytes(),
        );
    }
    eprintln!("{} records written for Hugo to {}", checked.items.len(), dir.display());
}
