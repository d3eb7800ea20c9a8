//! A build killed with SIGKILL at any moment leaves the previous `output/` complete.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{BASE, Edit, TODAY, files, project};

fn build_command(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_molnkoll"));
    c.args(["build", "--today", TODAY, "--root"]).arg(root).stderr(std::process::Stdio::null());
    c
}

#[test]
fn a_killed_build_leaves_the_previous_output_complete() {
    // Enough records that the build takes a while, so the kills land in every phase.
    let records: Vec<(String, String)> = (0..40)
        .map(|i| {
            (format!("tjanst-{i:02}.toml"), BASE.edit("namn = \"Schemaläggning\"", &format!("namn = \"Tjänst {i}\"")))
        })
        .collect();
    let refs: Vec<(&str, &str)> = records.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let dir = project(&refs);
    let root = dir.path();
    let out = root.join("output");

    let t = Instant::now();
    assert!(build_command(root).status().unwrap().success());
    let full = t.elapsed();
    let before = files(&out);
    assert!(before.len() > 100, "{}", before.len());

    // A changed record, so that a build that does finish writes something different.
    dir.edit("content/bedomningar/tjanst-00.toml", "namn = \"Tjänst 0\"", "namn = \"Ändrad\"");
    // The site a finished build writes now, built to another folder (output is deterministic).
    let elsewhere = root.join("ny");
    assert!(build_command(root).arg("--out").arg(&elsewhere).status().unwrap().success());
    let after = files(&elsewhere);
    assert_ne!(after, before);
    let mut killed = 0;
    for step in 0..12u32 {
        let mut child = build_command(root).spawn().unwrap();
        std::thread::sleep(full.mul_f64(f64::from(step) / 10.0) + Duration::from_millis(5));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        let now = files(&out);
        if status.success() {
            // Finished before the kill: then it is the new site, whole.
            assert!(now == after, "step {step}: a finished build wrote a different site");
        } else {
            killed += 1;
            // Killed: the old site, or the new one if the swap was done, never a mix.
            assert!(now == before || now == after, "step {step}: output/ is neither the old nor the new site");
        }
    }

    assert!(killed > 0, "no build was killed mid-way");

    // The folders a killed build left behind do not stop the next one.
    assert!(build_command(root).status().unwrap().success());
    let last = files(&out);
    assert!(String::from_utf8_lossy(&last["bedomningar/tjanst-00/index.html"]).contains("<h1>Ändrad</h1>"));
    assert!(last.contains_key(".molnkoll-output"));
}
