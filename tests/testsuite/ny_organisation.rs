//! A new organisation's path through the real binary: `init` → `new` → edit → `check` →
//! `build` → `export`, with the text each step prints. Also help, exit codes,
//! completions and the man page.

use std::fs;

use crate::common::{Edit, TODAY, edit, molnkoll, paths, read, repo};

/// A fresh repository made by `init`, in `<tmp>/org`.
fn org() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let run = molnkoll(tmp.path(), &["init", "org"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let org = tmp.path().join("org");
    (tmp, org)
}

const NY: &str = "content/bedomningar/min-nya-tjanst.toml";

#[test]
fn a_new_organisation_from_init_to_export() {
    let tmp = tempfile::tempdir().unwrap();

    // init
    molnkoll(tmp.path(), &["init", "org"])
        .code(0)
        .stderr_is(
            "  skapade .gitignore\n  skapade .gitattributes\n  skapade README.md\n  skapade content/policy.toml\n  \
             skapade content/bedomningar/microsoft-365.toml\n  skapade content/sidor/rutin.md\n  \
             skapade content/sidor/riktlinje.md\nmolnkoll init: 7 av 7 filer skapade i org, <tid>. Gå till mappen och kör \
             `molnkoll check`; README.md beskriver resten.\n",
        )
        .stdout_is("");
    let org = tmp.path().join("org");
    assert_eq!(read(org.join("content/policy.toml")), read(repo().join("content/policy.toml")));
    assert_eq!(read(org.join("content/sidor/rutin.md")), read(repo().join("content/sidor/rutin.md")));
    assert!(!org.join("templates").exists(), "templates are built in, not copied");
    let gitignore = read(org.join(".gitignore"));
    for line in ["/output/", "/.output.tmp-*/", "/.output.old-*/", "/.output.folders/"] {
        assert!(gitignore.lines().any(|l| l == line), "{line} in\n{gitignore}");
    }
    let readme = read(org.join("README.md"));
    for text in [
        "molnkoll check",
        "molnkoll build",
        "molnkoll new \"Tjänstens namn\"",
        "molnkoll export --format xlsx",
        "molnkoll serve",
        "molnkoll schema bedomning",
        "lägg en fil med samma namn i `templates/`",
        "`0` utan fel, `1` om innehållet har fel",
    ] {
        assert!(readme.contains(text), "README lacks {text:?}");
    }

    // The fresh repository checks clean; the one warning is the seed's duplicate driftform.
    let run = molnkoll(&org, &["check", "--today", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.starts_with("warning[duplicate-driftform]: driftform 3 är identisk med driftform 1\n"));
    assert_eq!(run.summary(), "molnkoll check: 4 filer, 1 bedömningar härledda, 0 fel, 1 varningar, <tid>");

    // new
    let run = molnkoll(&org, &["new", "Min nya tjänst"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("./{NY}\n"));
    assert_eq!(
        run.stderr,
        format!("molnkoll new: skrev {NY}, <tid>. Fyll i den och kör `molnkoll check` efter varje ändring.\n")
    );
    let fresh = read(org.join(NY));
    for text in [
        "# Bedömning: Min nya tjänst\n",
        "# Rutinens steg, att bocka av ([x]) under arbetet:\n# [ ] Steg 1, När\n#   - Inför upphandling, innan kravställning.\n",
        "# [ ] Steg 4, Effekt\n",
        "[tjanst]\n# Tjänstens namn, som det visas på webbplatsen och i handlingarna.\nnamn = \"Min nya tjänst\"\n",
        "\"saas\" (SaaS), \"paas\" (PaaS), \"iaas\"",
        "#   4 = driftsleverantör Extern, support Extern, servrar Moln (inom EU/EES); rutinen gäller alltid\n",
        "\nid = 4\n",
        "## Standard: \"iso27001\" (ISO27001), \"iso27017\" (ISO27017)",
        "\"kommundirektor\" eller \"leverantor\".",
        "## Status: \"bekraftad\", \"vantar\" eller \"nekad\".",
        "# Leverantörens svar om återställningsförfarandet (MK-2-ATERSTALLNING, krävs från nivå 2)",
        "# 2b. Kan den garantera en tillräckligt hög informationssäkerhet",
        "2b = \"\"\"\n\"\"\"\n",
        "# Riktlinjens checklista. Status: \"ej-paborjad\" (Ej påbörjad), \"pagar\" (Pågår)",
        "behovsanalys = \"ej-paborjad\"  # Behovsanalys\n",
        "# [[informationsmangd]]\n",
        "## Nästa granskning, senast 12 månader efter beslutet.",
    ] {
        assert!(fresh.contains(text), "the new file lacks {text:?}:\n{fresh}");
    }

    // The same name again: a clear error, exit 1, and the file is left alone.
    edit(org.join(NY), "beskrivning = \"\"", "beskrivning = \"Påbörjad\"");
    molnkoll(&org, &["new", "Min nya tjänst"]).code(1).stderr_is(format!(
        "fel: {NY} finns redan, och molnkoll new skriver aldrig över en bedömning; välj ett annat namn eller \
         fortsätt i den filen\n"
    ));
    assert!(read(org.join(NY)).contains("beskrivning = \"Påbörjad\""));

    // The draft checks with no errors; check says what is missing.
    let run = molnkoll(&org, &["check", "--today", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(&format!(
        "warning[no-information-set]: ingen informationsmängd är klassad; nivån och åtgärderna kan inte härledas\n  \
         ┌─ {NY}:1:1\n"
    )));
    assert!(
        run.stderr.contains(&format!("warning[missing-country]: `leverantor.land` är inte ifyllt\n   ┌─ {NY}:")),
        "{}",
        run.stderr
    );
    assert_eq!(run.summary(), "molnkoll check: 5 filer, 2 bedömningar härledda, 0 fel, 3 varningar, <tid>");

    // Edit: a supplier and a classification, first with a level the policy does not have.
    // At the start of a line: the supplier's, not the commented-out subprocessor's.
    let edited = read(org.join(NY))
        .edit("\nnamn = \"\"", "\nnamn = \"Nya Leverantören AB\"")
        .edit("\nland = \"\"", "\nland = \"SE\"")
        + "\n[[informationsmangd]]\nnamn = \"Anmälningar\"\nbeskrivning = \"Namn och e-post.\"\n\
           klassning = { K = 5, R = 1, T = 1 }\nklassad_av = \"informationssakerhetssamordnare\"\n\
           klassad_datum = 2026-11-20\n";
    fs::write(org.join(NY), &edited).unwrap();
    let run = molnkoll(&org, &["check", "--today", TODAY]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error[unknown-level]: `informationsmangd[1].klassning.K`: `5` är ingen klassningsnivå i policyn\n"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("= tillåtet: `0`, `1`, `2`, `3` eller `4`\n"), "{}", run.stderr);
    assert_eq!(run.summary(), "molnkoll check: 5 filer, 2 bedömningar härledda, 1 fel, 1 varningar, <tid>");

    fs::write(org.join(NY), edited.edit("K = 5", "K = 2")).unwrap();
    let run = molnkoll(&org, &["check", "--today", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.summary(), "molnkoll check: 5 filer, 2 bedömningar härledda, 0 fel, 1 varningar, <tid>");

    // build
    let run = molnkoll(&org, &["build", "--today", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.summary().starts_with("molnkoll build: 2 bedömningar, "), "{}", run.stderr);
    assert!(run.summary().ends_with(" filer skrivna till ./output, 1 varningar, <tid>"), "{}", run.stderr);
    let index = read(org.join("output/index.html"));
    assert!(index.contains("Min nya tjänst"), "{index}");
    let page = read(org.join("output/bedomningar/min-nya-tjanst/index.html"));
    assert!(page.contains("Nya Leverantören AB"));

    // export
    let run = molnkoll(&org, &["export", "--format", "csv", "--today", TODAY]);
    run.ok().stderr_is("molnkoll export: 2 bedömningar, 1 varningar, <tid>\n");
    let row = run.stdout.split("\r\n").find(|l| l.starts_with("Min nya tjänst,")).expect(&run.stdout);
    assert!(row.starts_with("Min nya tjänst,,Nya Leverantören AB,SE,4,Upphandling av IT-system,2,Betydande,"), "{row}");
    assert!(run.stdout.contains("\r\nMicrosoft 365,SML-2026-0142,"), "{}", run.stdout);
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("org")).unwrap();
    fs::write(tmp.path().join("org/anteckningar.txt"), "mina").unwrap();
    molnkoll(tmp.path(), &["init", "org"]).code(2).stderr_is(
        "fel: org är inte tom; välj en ny mapp, eller ange --force för att lägga till de filer som saknas \
         (befintliga filer skrivs aldrig över)\n",
    );
    assert_eq!(fs::read_dir(tmp.path().join("org")).unwrap().count(), 1, "nothing was written");

    fs::write(tmp.path().join("fil"), "").unwrap();
    molnkoll(tmp.path(), &["init", "fil"]).code(2).stderr_is("fel: fil finns och är ingen mapp\n");
}

#[test]
fn init_force_adds_what_is_missing_and_overwrites_nothing() {
    let (_tmp, org) = org();
    fs::write(org.join("README.md"), "Vår egen README\n").unwrap();
    fs::write(org.join("content/policy.toml"), "# vår policy\n").unwrap();
    fs::remove_file(org.join("content/sidor/rutin.md")).unwrap();

    molnkoll(&org, &["init", ".", "--force"]).code(0).stderr_is(
        "  skapade content/sidor/rutin.md\n  fanns redan, lämnades orörd: .gitignore\n  \
         fanns redan, lämnades orörd: .gitattributes\n  \
         fanns redan, lämnades orörd: README.md\n  fanns redan, lämnades orörd: content/policy.toml\n  \
         fanns redan, lämnades orörd: content/bedomningar/microsoft-365.toml\n  \
         fanns redan, lämnades orörd: content/sidor/riktlinje.md\nmolnkoll init: 1 av 7 filer skapade i ., <tid>. \
         Gå till mappen och kör `molnkoll check`; README.md beskriver resten.\n",
    );
    assert_eq!(read(org.join("README.md")), "Vår egen README\n");
    assert_eq!(read(org.join("content/policy.toml")), "# vår policy\n");
    assert_eq!(read(org.join("content/sidor/rutin.md")), read(repo().join("content/sidor/rutin.md")));
}

#[test]
fn a_slug_claimed_by_another_file_is_a_collision() {
    let (_tmp, org) = org();
    let ms = org.join("content/bedomningar/microsoft-365.toml");
    fs::write(&ms, format!("slug = \"min-nya-tjanst\"\n{}", read(&ms))).unwrap();
    molnkoll(&org, &["new", "Min Nya TJÄNST"]).code(1).stderr_is(
        "fel: slugen `min-nya-tjanst` används redan av content/bedomningar/microsoft-365.toml; välj ett annat namn\n",
    );
    assert!(!org.join(NY).exists());
}

#[test]
fn hostile_names_give_a_safe_slug_or_a_clear_error() {
    let (_tmp, org) = org();
    let long = "Lång tjänst med ett mycket utförligt namn ".repeat(12);
    for (name, file) in [
        ("../../etc/passwd", "etc-passwd.toml"),
        ("CON", "con-1.toml"),
        ("nul.txt", "nul-txt.toml"),
        ("/tmp/x", "tmp-x.toml"),
        ("C:\\Windows\\system32", "c-windows-system32.toml"),
        (long.as_str(), "lang-tjanst-med-ett-mycket-utforligt-namn-lang-tjanst-med.toml"),
    ] {
        let run = molnkoll(&org, &["new", name]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(run.stdout, format!("./content/bedomningar/{file}\n"), "{name}");
        assert!(read(org.join("content/bedomningar").join(file)).contains("[tjanst]"));
    }
    let long_file =
        read(org.join("content/bedomningar/lang-tjanst-med-ett-mycket-utforligt-namn-lang-tjanst-med.toml"));
    assert!(long_file.contains(&format!("namn = \"{}\"\n", long.trim())), "the name itself is kept whole");

    for (name, error) in [
        (
            "   ",
            "fel: tjänstens namn är tomt; skriv namnet inom citattecken, till exempel: molnkoll new \"Microsoft 365\"\n",
        ),
        ("..", "fel: namnet `..` ger inget filnamn: det behöver minst en bokstav a–z eller en siffra\n"),
        ("Москва", "fel: namnet `Москва` ger inget filnamn: det behöver minst en bokstav a–z eller en siffra\n"),
    ] {
        let run = molnkoll(&org, &["new", name]);
        assert_eq!((run.code, run.stderr.as_str()), (2, error), "{name:?}");
    }

    // Nothing was written outside content/bedomningar, and every file checks clean.
    let files = paths(&org, "");
    assert_eq!(files.len(), 7 + 6, "{files:?}");
    assert!(files.iter().filter(|f| !f.starts_with("content/bedomningar/")).count() == 6, "{files:?}");
    let run = molnkoll(&org, &["check", "--today", TODAY]);
    // Each draft: no information set and no country yet; and the policy's duplicate driftform.
    assert_eq!(run.summary(), "molnkoll check: 10 filer, 7 bedömningar härledda, 0 fel, 13 varningar, <tid>");
}

#[test]
fn new_outside_a_project_says_where_it_looked() {
    let tmp = tempfile::tempdir().unwrap();
    molnkoll(tmp.path(), &["new", "Tjänst"]).code(2).stderr_is(
        "fel: hittar inte ./content/policy.toml: kör molnkoll i en projektmapp som har content/policy.toml, \
         eller ange mappen med --root\n",
    );
}

#[test]
fn every_command_has_examples_and_the_exit_codes_are_documented() {
    let here = repo();
    for cmd in ["init", "new", "build", "serve", "check", "schema", "export", "completions", "man"] {
        let run = molnkoll(&here, &[cmd, "--help"]);
        assert_eq!(run.code, 0, "{cmd}");
        assert!(run.stdout.contains(&format!("\nExempel:\n  molnkoll {cmd}")), "{cmd} --help:\n{}", run.stdout);
    }
    let run = molnkoll(&here, &["--help"]);
    assert!(run.stdout.contains("\nExempel:\n  molnkoll init "), "{}", run.stdout);
    assert!(run.stdout.contains(
        "Slutstatus:\n  0  allt gick bra\n  1  innehållet har fel (med check --strict även varningar), eller namnet \
         på en ny bedömning är upptaget\n  2  felaktiga argument, eller filer som inte går att läsa eller skriva\n"
    ));

    // Usage errors exit 2, also a bad value that molnkoll itself parses.
    let run = molnkoll(&here, &["new"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("<NAMN>"), "{}", run.stderr);
    let run = molnkoll(&here, &["check", "--today", "2026-13-01"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`2026-13-01` är inget datum; skriv ÅÅÅÅ-MM-DD"), "{}", run.stderr);
    assert_eq!(molnkoll(&here, &["bygg"]).code, 2);
}

#[test]
fn completions_and_man_pages_come_from_the_same_definition() {
    let here = repo();
    let run = molnkoll(&here, &["completions", "bash"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("_molnkoll() {"), "{}", &run.stdout[..200.min(run.stdout.len())]);
    for cmd in ["init", "new", "export", "completions", "man"] {
        assert!(run.stdout.contains(&format!("molnkoll,{cmd})")), "bash completion lacks {cmd}");
    }
    let run = molnkoll(&here, &["completions", "zsh"]);
    assert!(run.stdout.starts_with("#compdef molnkoll"));

    let run = molnkoll(&here, &["man"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with(".ie \\n(.g .ds Aq \\(aq\n"), "{}", run.stdout);
    assert!(run.stdout.contains("\n.TH molnkoll 1  \"molnkoll "), "{}", run.stdout);
    assert!(run.stdout.contains("molnkoll\\-init(1)"));

    let tmp = tempfile::tempdir().unwrap();
    let run = molnkoll(tmp.path(), &["man", "--out", "man1"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, "molnkoll man: manualsidorna skrivna till man1, <tid>\n"));
    let page = read(tmp.path().join("man1/molnkoll-new.1"));
    assert!(page.contains(".TH molnkoll-new 1"), "{page}");
    assert!(page.contains("Exempel:"));
    for cmd in ["build", "check", "schema", "export", "init", "completions", "man"] {
        assert!(tmp.path().join(format!("man1/molnkoll-{cmd}.1")).is_file(), "{cmd}");
    }
}
