//! The command line: parses arguments, calls the library once per command, prints.

use std::fmt::Display;
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use molnkoll::Checked;
use molnkoll::cli::{Cli, Command, Level, Out, PdfProgress, SchemaVal, say, today};
use molnkoll::commands::{self, PolicyError};
use molnkoll::model::Policy;

/// Why a command stopped: `fel: …` with its exit status, or errors in the content,
/// printed with the line that says what was not done (exit status 1).
enum Stop {
    Fel(String, u8),
    Content(Box<Checked>, String),
}

/// Anything that cannot be read or written, or a bad argument: exit status 2.
impl<E: Display> From<E> for Stop {
    fn from(e: E) -> Stop {
        Stop::Fel(e.to_string(), 2)
    }
}

/// The policy for `new` and `schema`, which need it but not a clean project.
fn policy(root: &Path, command: &str) -> Result<(Policy, Checked), Stop> {
    commands::policy(root, today()).map_err(|e| match e {
        PolicyError::Load(e) => e.into(),
        PolicyError::Broken(c) => {
            Stop::Content(c, format!("molnkoll {command}: policykällan har fel; rätta dem först"))
        }
    })
}

fn run(command: Command, o: &Out) -> Result<ExitCode, Stop> {
    match command {
        Command::Build { root: r, out, today: day, no_cache, profil } => {
            let out = if out.is_relative() { r.root.join(out) } else { out };
            let progress = PdfProgress::new(o);
            let report = |done, total| progress.report(done, total);
            let opts = molnkoll::Options {
                profil: profil.profil,
                incremental: !no_cache,
                progress: &report,
                ..molnkoll::Options::new(&r.root, day.or_now())
            };
            let built = molnkoll::build(&opts, &out);
            drop(progress);
            let built = built?;
            let checked = built.checked;
            o.diagnostics(&checked, built.written.is_none());
            if o.level == Level::Verbose {
                built.timings.iter().for_each(|(phase, ms)| say(format_args!("  {phase}: {ms} ms")));
            }
            let Some(w) = built.written else {
                // Why nothing was written is part of the failure, so --quiet keeps it.
                say(format_args!("molnkoll build: {} fel; inget skrevs, {} är orörd", checked.errors(), out.display()));
                return Ok(ExitCode::FAILURE);
            };
            let unchanged = match (built.reused.pages, built.reused.pdfs) {
                (0, 0) => String::new(),
                (p, d) => format!(" ({p} sidor och {d} PDF oförändrade sedan förra bygget)"),
            };
            let facts = format!(
                "{} bedömningar, {} sidor, {} PDF, {} filer skrivna till {}{unchanged}, {} varningar",
                checked.items.len(),
                w.pages,
                w.pdfs,
                w.files,
                out.display(),
                checked.warnings()
            );
            o.summary("build", facts, "");
        }
        Command::Serve { root, port, bind, out, today, profil } => {
            let addr = std::net::SocketAddr::new(bind, port);
            let opts =
                molnkoll::serve::Options { root: root.root, addr, out, today: today.today, profil: profil.profil };
            molnkoll::serve::serve(opts, |line| say(line))?;
        }
        Command::Schema { vad, root } => {
            let (schema, name) = match vad {
                SchemaVal::Policy => (molnkoll::schema::policy(), "policykällans"),
                SchemaVal::Bedomning => (molnkoll::schema::bedomning(&policy(&root.root, "schema")?.0), "bedömningens"),
            };
            println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serialises"));
            o.summary("schema", format_args!("{name} JSON Schema skrivet till standard ut"), "");
        }
        Command::Export { format, out, root, today, profil } => {
            let exported = commands::export(&root.root, today.or_now(), profil.profil, format)?;
            let Some(bytes) = exported.bytes else {
                let line = format!("molnkoll export: {} fel; ingen export skrevs", exported.checked.errors());
                return Err(Stop::Content(Box::new(exported.checked), line));
            };
            commands::skriv_export(&root.root, out.as_deref(), format, &bytes)?;
            let facts = format!("{} bedömningar, {} varningar", exported.rows, exported.checked.warnings());
            o.summary("export", facts, "");
        }
        Command::Svar { fil, bedomning, kontrollera: _, skriv, root, today } => {
            let res = molnkoll::svar::svar(&root.root, &bedomning, &fil, skriv, today.or_now())?;
            if !res.fel.is_empty() {
                res.fel.iter().for_each(|f| say(format_args!("fel: {}: {f}", fil.display())));
                say(format_args!("molnkoll svar: {} fel i svarsbilagan; inget skrevs", res.fel.len()));
                return Ok(ExitCode::FAILURE);
            }
            for u in &res.utfall {
                println!("{}  {}: {}", u.id, molnkoll::view::svar_lage_namn(u.lage), u.skal);
            }
            let facts = match &res.andringar {
                None => format!(
                    "{} ska-krav, {} underbiträden kontrollerade; inget skrevs",
                    res.utfall.len(),
                    res.underbitraden
                ),
                Some(a) => {
                    a.iter().for_each(|x| {
                        o.info(format_args!("  {}: {} -> {}", x.sokvag, x.fore.as_deref().unwrap_or("(ny)"), x.efter))
                    });
                    format!("{} ändringar skrivna till {}", a.len(), res.fil)
                }
            };
            o.summary("svar", facts, "");
        }
        Command::Check { root, strict, today } => {
            let checked = molnkoll::check(&root.root, today.or_now())?;
            let (errors, warnings) = (checked.errors(), checked.warnings());
            let fails = errors > 0 || (strict && warnings > 0);
            o.diagnostics(&checked, fails);
            let files = checked.files;
            let facts = format!(
                "{files} filer, {} bedömningar härledda, {errors} fel, {warnings} varningar",
                checked.items.len()
            );
            o.summary("check", facts, "");
            return Ok(if fails { ExitCode::FAILURE } else { ExitCode::SUCCESS });
        }
        Command::Init { dir, force } => {
            let done = molnkoll::init::init(&dir, force)?;
            done.skapade.iter().for_each(|file| o.info(format_args!("  skapade {file}")));
            done.ororda.iter().for_each(|file| o.info(format_args!("  fanns redan, lämnades orörd: {file}")));
            let (made, all) = (done.skapade.len(), done.skapade.len() + done.ororda.len());
            let advice = ". Gå till mappen och kör `molnkoll check`; README.md beskriver resten.";
            o.summary("init", format_args!("{made} av {all} filer skapade i {}", dir.display()), advice);
        }
        Command::New { namn, root } => {
            let (policy, checked) = policy(&root.root, "new")?;
            let taken = checked.items.iter().map(|i| (i.slug.as_str(), i.file.as_str()));
            let file = molnkoll::ny_bedomning::write(&root.root, &policy, &namn, taken, today())
                .map_err(|e| Stop::Fel(e.to_string(), if e.is_collision() { 1 } else { 2 }))?;
            println!("{}", root.root.join(&file).display());
            let advice = ". Fyll i den och kör `molnkoll check` efter varje ändring.";
            o.summary("new", format_args!("skrev {file}"), advice);
        }
        #[cfg(feature = "korpus")]
        Command::Korpus { dir, antal, seed } => {
            let files = molnkoll::korpus::write(&dir, antal, seed)?;
            o.summary("korpus", format_args!("{} bedömningar skrivna till {}", files.len(), dir.display()), "");
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "molnkoll", &mut std::io::stdout());
        }
        Command::Man { out } => {
            let written = match &out {
                Some(dir) => std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(Cli::command(), dir)),
                None => clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()),
            };
            written.map_err(|e| format!("kan inte skriva manualsidan: {e}"))?;
            if let Some(dir) = out {
                o.summary("man", format_args!("manualsidorna skrivna till {}", dir.display()), "");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => Level::Quiet,
        (_, true) => Level::Verbose,
        _ => Level::Normal,
    };
    let o = Out::new(level);
    match run(cli.command, &o) {
        Ok(code) => code,
        Err(Stop::Fel(message, code)) => {
            say(format_args!("fel: {message}"));
            ExitCode::from(code)
        }
        Err(Stop::Content(checked, line)) => {
            o.diagnostics(&checked, true);
            say(line);
            ExitCode::FAILURE
        }
    }
}
