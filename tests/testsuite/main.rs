//! molnkoll's integration tests, in one crate so that typst and gix are linked once.
//!
//! Each module is one topic and drives the real binary (or the library) through the
//! helpers in [`common`]: a fixture [`common::Project`], checked edits ([`common::edit`],
//! [`common::Edit`]), a [`common::Run`] to expect an exit code and stderr on.
//!
//! To add a topic: put the tests in `tests/testsuite/<topic>.rs`, declare `mod <topic>;`
//! below (in order), and take the helpers with `use crate::common::{...}` (a file written
//! as its own crate, `tests/<topic>.rs` with `mod common;`, only needs that `use` line
//! instead). Run one module with `cargo test --release --locked --test testsuite -- <topic>::`.
//! insta snapshots go to `snapshots/testsuite__<topic>__<name>.snap`; an assertion never
//! writes one while `INSTA_UPDATE=no`.

mod common;

mod adversarial;
mod avbrott;
mod beslut;
mod check_cli;
mod derive;
mod export;
mod formular;
mod fuzz_regressions;
mod granser;
mod historik;
mod hostile;
mod inkrementell;
#[cfg(feature = "korpus")]
mod korpus;
mod kravbilaga;
mod mallar;
mod modules;
mod ny_organisation;
mod pdf;
mod regler;
mod schema;
mod seeds;
mod sekretess;
mod serve;
mod site;
mod skede;
mod startsida;
mod svarsbilaga;
mod utdata;
mod view;
