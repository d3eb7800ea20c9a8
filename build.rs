//! Gives the program an identity for the incremental build: a hash of its Rust sources.
//! Pages and documents are found again by a hash of what they are made from, and the code
//! that makes them is part of that; a rebuilt molnkoll of the same version must not reuse
//! what another one made. The same sources give the same identity, in every binary.

use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut files = Vec::new();
    collect(Path::new("src"), &mut files);
    files.sort();
    // DefaultHasher::new() has fixed keys: the same bytes give the same hash.
    let mut hasher = DefaultHasher::new();
    for file in files {
        hasher.write(file.to_string_lossy().as_bytes());
        hasher.write(&std::fs::read(&file).expect("a source file is readable"));
    }
    println!("cargo:rustc-env=MOLNKOLL_BUILD_ID={:016x}", hasher.finish());
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
