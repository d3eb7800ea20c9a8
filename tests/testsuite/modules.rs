//! The stages stay a straight line: no two top-level modules of `src/` may reach each
//! other through `crate::` or `super::` paths. A cycle means a lower stage knows a higher
//! one, which is how labels and rules ended up in the wrong place before.
//!
//! The graph comes from the source text: every `crate::x`, `$crate::x`, `crate::{x, y}`
//! and `super::x` outside comments and outside the trailing `#[cfg(test)] mod tests`.
//! A name that `lib.rs` re-exports (`pub use x::Name`) or a `#[macro_export]` macro counts
//! as its own module. The items written in `lib.rs` itself (`Item`, `check`, …) are the
//! node `crate`: a module that names them depends on the crate root, and the root depends
//! on every module its own code names (`load::load`), though not on the ones it only
//! declares or re-exports.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn no_cycles_between_modules() {
    let graph = graph(&crate::common::repo().join("src"));
    assert!(graph.len() > 10, "too few modules found: {graph:?}");
    let cycles = cycles(&graph);
    assert!(cycles.is_empty(), "modules that reach each other:\n{}", cycles.join("\n"));
}

#[test]
fn a_cycle_is_found_and_named() {
    let mut g = Graph::new();
    let mut edge = |a: &str, b: &str| g.entry(a.into()).or_default().insert(b.into());
    edge("load", "memo");
    edge("memo", "render");
    edge("render", "memo");
    edge("render", "model");
    edge("validate", "model");
    assert_eq!(cycles(&g), vec!["memo -> render -> memo"]);

    let files = [
        ("a.rs", "use crate::{b, model::X};\n// crate::c in a comment\nfn f() { crate::d::g() }\n"),
        ("b.rs", "pub use crate::Thing;\n#[cfg(test)]\nmod tests {\n    use crate::e;\n}\n"),
        ("c/mod.rs", "mod sub;\n"),
        ("c/sub.rs", "use super::super::a;\nuse super::x;\n"),
        ("d.rs", ""),
        ("model/mod.rs", ""),
        ("lib.rs", "pub mod a;\npub mod b;\npub use d::Thing;\n"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let g = graph(dir.path());
    let edges: Vec<String> = g.iter().flat_map(|(a, bs)| bs.iter().map(move |b| format!("{a} -> {b}"))).collect();
    assert_eq!(edges, ["a -> b", "a -> d", "a -> model", "b -> d", "c -> a"]);
}

#[test]
fn the_crate_root_is_a_node() {
    let files = [
        ("a.rs", "pub fn f() -> crate::Item { todo!() }\n"),
        ("b.rs", "pub fn g() {}\n"),
        ("c.rs", "pub fn h() { crate::b::g() }\n"),
        (
            "lib.rs",
            "mod a;\nmod b;\nmod c;\npub use b::g;\n/// Uses a.\npub struct Item;\npub fn check() { a::f(); }\n",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    let g = graph(dir.path());
    let edges: Vec<String> = g.iter().flat_map(|(a, bs)| bs.iter().map(move |b| format!("{a} -> {b}"))).collect();
    // The root names `a` in its code, not `b` (only declared and re-exported) nor `c`.
    assert_eq!(edges, ["a -> crate", "c -> b", "crate -> a"]);
    assert_eq!(cycles(&g), vec!["a -> crate -> a"]);
}

/// Top-level module → the top-level modules it names.
fn graph(src: &Path) -> Graph {
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    let mut owner = reexports(&lib);
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(src).unwrap().to_str().unwrap().to_owned();
        if entry.file_type().is_file() && rel.ends_with(".rs") && rel != "lib.rs" && rel != "main.rs" {
            let text = code(&fs::read_to_string(entry.path()).unwrap());
            for name in exported_macros(&text) {
                owner.insert(name, top(&rel).to_owned());
            }
            files.push((rel, text));
        }
    }
    let mut g = Graph::new();
    for (rel, text) in &files {
        let from = top(rel).to_owned();
        let here = module_path(rel);
        let targets = g.entry(from.clone()).or_default();
        for name in crate_refs(text) {
            let to = owner.get(&name).cloned().unwrap_or(name);
            if to != from && !to.is_empty() {
                targets.insert(to);
            }
        }
        for (ups, name) in super_refs(text) {
            // `super` from a file's top level: its parent module, once per `super`.
            if ups > here.len() {
                continue;
            }
            let mut path = here[..here.len() - ups].to_vec();
            path.push(name);
            if path[0] != from {
                let to = owner.get(&path[0]).cloned().unwrap_or_else(|| path[0].clone());
                targets.insert(to);
            }
        }
    }
    // The crate root: what its code names, and who names its items.
    let modules: BTreeSet<String> = g.keys().cloned().collect();
    let root_code = root_code(&lib);
    let root_items = root_items(&root_code);
    let mut root_targets: BTreeSet<String> = BTreeSet::new();
    for m in &modules {
        let named = root_code
            .match_indices(&format!("{m}::"))
            .any(|(at, _)| !root_code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':'));
        if named {
            root_targets.insert(m.clone());
        }
    }
    for (rel, text) in &files {
        let from = top(rel).to_owned();
        if crate_refs(text).iter().any(|n| root_items.contains(n) && !owner.contains_key(n)) {
            g.get_mut(&from).unwrap().insert("crate".to_owned());
        }
    }
    g.insert("crate".to_owned(), root_targets);
    // Only modules and the root are nodes.
    let mut modules = modules;
    modules.insert("crate".to_owned());
    for targets in g.values_mut() {
        targets.retain(|t| modules.contains(t));
    }
    g
}

/// `lib.rs` without comments, tests, `mod x;` declarations and `pub use` re-exports: the
/// code whose paths (and plain `use` imports) are the root's own dependencies.
fn root_code(lib: &str) -> String {
    code(lib)
        .split_inclusive(';')
        .filter(|stmt| {
            let t = stmt.trim_start().trim_start_matches(['#', '!']).trim_start();
            let t = t.rsplit(']').next().unwrap_or(t).trim_start();
            !(t.starts_with("mod ") || t.starts_with("pub mod ") || t.starts_with("pub use "))
        })
        .collect()
}

/// The names of the items `lib.rs` defines: `struct Item`, `fn check`, …
fn root_items(root_code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for kw in ["struct ", "enum ", "fn ", "type ", "const ", "static ", "trait "] {
        for (at, _) in root_code.match_indices(kw) {
            if root_code[..at].ends_with(|c: char| c.is_whitespace() || c == '(' || c == ')') || at == 0 {
                let name = ident(&root_code[at + kw.len()..]);
                if !name.is_empty() {
                    out.insert(name.to_owned());
                }
            }
        }
    }
    out
}

/// `src/pdf/data.rs` → `pdf`.
fn top(rel: &str) -> &str {
    let first = rel.split('/').next().unwrap();
    first.strip_suffix(".rs").unwrap_or(first)
}

/// `pdf/data.rs` → `[pdf, data]`; `pdf/mod.rs` → `[pdf]`.
fn module_path(rel: &str) -> Vec<String> {
    let rel = rel.strip_suffix(".rs").unwrap();
    let rel = rel.strip_suffix("/mod").unwrap_or(rel);
    rel.split('/').map(str::to_owned).collect()
}

/// `pub use x::{A, B}` and `pub use x::A` in `lib.rs`: name → module `x`.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let lib = code(lib);
    for stmt in lib.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else { continue };
        let rest = rest.trim_start_matches("crate::");
        let Some((module, names)) = rest.split_once("::") else { continue };
        for name in names.trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace()).split(',') {
            let name = name.trim().rsplit("::").next().unwrap().trim();
            if !name.is_empty() {
                out.insert(name.to_owned(), module.to_owned());
            }
        }
    }
    out
}

fn exported_macros(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[macro_export]") {
        rest = &rest[at..];
        if let Some(m) = rest.find("macro_rules!") {
            out.push(ident(rest[m + "macro_rules!".len()..].trim_start()).to_owned());
        }
        rest = &rest[1..];
    }
    out
}

/// The text without line comments and without the tests at the end of the file.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines().map(|line| line.split_once("//").map_or(line, |(code, _)| code)).collect::<Vec<_>>().join("\n")
}

fn ident(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// The first segment after every `crate::`, each name of a `crate::{…}` group included.
fn crate_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        start = false;
                        out.push(ident(&group[i..]).to_owned());
                    }
                    _ => {}
                }
            }
        } else {
            out.push(ident(rest).to_owned());
        }
    }
    out.retain(|n| !n.is_empty() && n != "self");
    out
}

/// Every `super::…::name`: how many levels up, and the name after the last `super`.
fn super_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("super::") {
        if text[..at].ends_with("super::") {
            continue;
        }
        let mut rest = &text[at..];
        let mut ups = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        let name = ident(rest.trim_start_matches('{').trim_start());
        if !name.is_empty() && name != "self" {
            out.push((ups, name.to_owned()));
        }
    }
    out
}

/// Every module that lies on a cycle, with the shortest cycle through it: `a -> b -> a`.
/// A cycle found from two of its modules is named once.
fn cycles(g: &Graph) -> Vec<String> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            for t in g.get(&n).into_iter().flatten() {
                if seen.insert(t.clone()) {
                    stack.push(t.clone());
                }
            }
        }
        seen
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for n in g.keys().filter(|n| reach(n).contains(*n)) {
        let cycle = shortest_cycle(g, n);
        let mut members: Vec<&str> = cycle.split(" -> ").skip(1).collect();
        members.sort();
        if seen.insert(members.join(" ")) {
            out.push(cycle);
        }
    }
    out
}

/// The shortest way from `start` back to itself, as `a -> b -> a`.
fn shortest_cycle(g: &Graph, start: &str) -> String {
    let mut prev: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.to_owned()]);
    while let Some(n) = queue.pop_front() {
        for t in g.get(&n).into_iter().flatten() {
            if t == start {
                let mut path = vec![start.to_owned(), n.clone()];
                let mut at = n;
                while let Some(p) = prev.get(&at) {
                    path.push(p.clone());
                    at = p.clone();
                }
                path.reverse();
                return path.join(" -> ");
            }
            if t != start && !prev.contains_key(t) {
                prev.insert(t.clone(), n.clone());
                queue.push_back(t.clone());
            }
        }
    }
    unreachable!("{start} is in a cycle")
}
