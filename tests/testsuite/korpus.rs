//! `molnkoll korpus`: the benchmark corpus is valid, varied, and the same for the same seed.

use std::collections::BTreeSet;
use std::fs;

use molnkoll::derive::{BevakningTyp, Utlatande};
use molnkoll::model::{Datum, UtlosareId};

use crate::common::{TODAY, files, molnkoll};

#[test]
fn corpus_is_valid_and_varied() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("korpus");
    let written = molnkoll::korpus::write(&root, 60, 7).unwrap();
    assert_eq!(written.len(), 60);
    assert!(root.join("content/policy.toml").is_file());
    assert!(root.join("content/sidor/rutin.md").is_file());

    let checked = molnkoll::check(&root, Datum::parse(TODAY).unwrap()).unwrap();
    assert_eq!(checked.errors(), 0, "{}", checked.render());
    assert_eq!(checked.items.len(), 60);

    let items = &checked.items;
    let levels: BTreeSet<u8> = items.iter().filter_map(|i| i.harledning.styrande.as_ref().map(|s| s.niva)).collect();
    assert!(levels.len() >= 4, "levels {levels:?}");
    let driftformer: BTreeSet<u32> = items.iter().map(|i| i.bedomning.driftform.id).collect();
    assert!(driftformer.len() >= 3, "driftformer {driftformer:?}");
    assert!(items.iter().any(|i| i.bedomning.driftform.villkor_uppfyllt.is_some()), "no conditional driftform");
    let aspects: BTreeSet<&str> = items
        .iter()
        .flat_map(|i| &i.bedomning.informationsmangder)
        .flat_map(|m| m.klassning.keys().map(String::as_str))
        .collect();
    assert_eq!(aspects, BTreeSet::from(["K", "R", "S", "T"]));

    let decided = items.iter().filter(|i| i.bedomning.beslut.is_some()).count();
    assert!(decided > 0 && decided < items.len(), "{decided} of {} decided", items.len());
    let outcomes: BTreeSet<&str> =
        items.iter().map(|i| molnkoll::view::utlatande_namn(&i.harledning.utlatande)).collect();
    assert!(outcomes.contains("Beslutad: godkänd") && outcomes.contains("Beslutad: avslagen"), "{outcomes:?}");
    assert!(items.iter().any(|i| i.harledning.utlatande == Utlatande::EjTillaten), "no level-4 record");
    assert!(items.iter().any(|i| i.bedomning.beslut.as_ref().is_some_and(|b| b.eskalering.is_some())), "no escalation");

    assert!(items.iter().any(|i| !i.harledning.usa_koppling.is_empty()), "no US-connected supplier");
    assert!(items.iter().any(|i| i.harledning.usa_koppling.is_empty()), "every supplier US-connected");
    assert!(items.iter().any(|i| !i.bedomning.dpf.is_empty()), "no DPF check");
    assert!(items.iter().any(|i| !i.bedomning.underbitraden.is_empty()), "no subprocessor");
    let suppliers: BTreeSet<&str> =
        items.iter().filter_map(|i| i.bedomning.leverantor.as_ref()).map(|l| l.namn.as_str()).collect();
    assert!(suppliers.len() >= 8, "suppliers {suppliers:?}");
    let triggers: BTreeSet<UtlosareId> = items.iter().map(|i| i.bedomning.utlosare).collect();
    assert_eq!(triggers.len(), 2);
    assert!(items.iter().any(|i| !i.bedomning.bekraftelser.is_empty()), "no supplier confirmation");

    let watched: BTreeSet<BevakningTyp> =
        items.iter().flat_map(|i| i.harledning.bevakningar.iter().map(|b| b.typ)).collect();
    assert!(watched.contains(&BevakningTyp::CertifikatUtganget), "{watched:?}");
    assert!(watched.contains(&BevakningTyp::CertifikatGarUt), "{watched:?}");
    assert!(items.iter().all(|i| !i.bedomning.svar.is_empty()), "a record without answers");
}

#[test]
fn same_seed_same_bytes_and_other_seed_other_records() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    molnkoll::korpus::write(&a, 30, 42).unwrap();
    molnkoll::korpus::write(&b, 30, 42).unwrap();
    molnkoll::korpus::write(&c, 30, 43).unwrap();
    assert_eq!(files(&a), files(&b));
    assert_ne!(files(&a), files(&c));
    // A smaller corpus is the start of a larger one with the same seed.
    let small = dir.path().join("small");
    molnkoll::korpus::write(&small, 10, 42).unwrap();
    let big = files(&a);
    for (path, bytes) in files(&small) {
        assert_eq!(big.get(&path), Some(&bytes), "{path} differs between 10 and 30 records");
    }
}

#[test]
fn the_command_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("behall.txt"), "behåll").unwrap();
    molnkoll(dir.path(), &["korpus", "--antal", "3", "."]).code(2).stderr_has("är inte tom");
    assert_eq!(fs::read_to_string(dir.path().join("behall.txt")).unwrap(), "behåll");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);

    molnkoll(dir.path(), &["korpus", "--antal", "3", "ny"]).ok();
    assert_eq!(fs::read_dir(dir.path().join("ny/content/bedomningar")).unwrap().count(), 3);
}
