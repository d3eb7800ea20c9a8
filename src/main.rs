//! The command line: parses arguments, calls the library, prints.

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, Parser, Subcommand};
use molnkoll::Checked;
use molnkoll::model::{Datum, Policy};

#[derive(Parser)]
#[command(
    name = "molnkoll",
    version,
    propagate_version = true,
    about = "Informationssäkerhetsbedömning av molntjänster, som kod",
    after_help = "Exempel:
  molnkoll init bedomningar-molntjanster
  molnkoll new \"Microsoft 365\"
  molnkoll check
  molnkoll build

Slutstatus:
  0  allt gick bra
  1  innehållet har fel (med check --strict även varningar), eller namnet på en ny bedömning är upptaget
  2  felaktiga argument, eller filer som inte går att läsa eller skriva"
)]
struct Cli {
    /// Skriv bara det som får kommandot att misslyckas: inga varningar, ingen sammanfattning.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Skriv också tiden för varje steg, och förloppet som rader när standard fel inte är en terminal.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Skapa ett nytt förråd för en organisation.
    ///
    /// Förrådet får policykällan, en exempelbedömning, innehållssidorna, en README och en
    /// .gitignore. Mallarna kopieras inte; de är inbyggda, och en fil med samma namn i projektets
    /// templates/ ersätter en inbyggd mall. En befintlig fil skrivs aldrig över.
    #[command(after_help = "Exempel:
  molnkoll init bedomningar-molntjanster
  molnkoll init . --force     (lägg till de filer som saknas i den här mappen)")]
    Init {
        /// Mappen att skapa förrådet i. Den ska vara tom eller saknas.
        dir: PathBuf,
        /// Lägg till filerna i en mapp som inte är tom; befintliga filer lämnas orörda.
        #[arg(long)]
        force: bool,
    },
    /// Börja en ny bedömning utifrån policyn.
    ///
    /// Skriver content/bedomningar/<slug>.toml med alla fält, en kommentar om varje fält och
    /// de värden policyn tillåter, och rutinens steg som checklista. En befintlig fil skrivs
    /// aldrig över.
    #[command(after_help = "Exempel:
  molnkoll new \"Microsoft 365\"
  molnkoll new \"Vklass skolplattform\" --root bedomningar-molntjanster")]
    New {
        /// Tjänstens namn; filnamnet bildas av det (a–z, 0–9 och bindestreck).
        namn: String,
        /// Projektmappen, med content/policy.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Validera och bygg webbplatsen till utmappen (output/).
    #[command(after_help = "Exempel:
  molnkoll build
  molnkoll build --root bedomningar-molntjanster --out /srv/intranat/molnkoll --today 2026-11-23")]
    Build {
        /// Projektmappen, med content/policy.toml och content/bedomningar/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Utmappen; den ersätts helt, men bara om molnkoll har skapat den.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Dagens datum (ÅÅÅÅ-MM-DD) för alla datumregler; standard är dagens datum.
        #[arg(long, value_parser = parse_date)]
        today: Option<Datum>,
        /// Bygg allt från början. Annars återanvänds de sidor och PDF:er i utmappen vars
        /// indata (bedömningen, policyn, mallarna, verktygets version) inte har ändrats.
        #[arg(long)]
        no_cache: bool,
        /// Publiceringsprofil: `intern` visar allt och märker sekretessbelagda delar; `oppen`
        /// (öppet utdrag) ersätter dem med en hänvisning till paragrafen i OSL.
        #[arg(long = "profile", value_enum, default_value = "intern")]
        profil: molnkoll::Profil,
    },
    /// Visa webbplatsen i webbläsaren och bygg om den när innehållet eller en mall ändras.
    ///
    /// Bygger i minnet (output/ rörs inte) och lyssnar bara på den egna datorn om inget annat
    /// anges. Vid fel i innehållet visar varje sida felen tills de är rättade.
    #[command(after_help = "Exempel:
  molnkoll serve
  molnkoll serve --port 8080 --root bedomningar-molntjanster")]
    Serve {
        /// Projektmappen, med content/policy.toml och content/bedomningar/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Porten att lyssna på; 0 väljer en ledig port.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Adressen att lyssna på. Ange 0.0.0.0 bara om andra datorer ska nå förhandsvisningen.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Dagens datum (ÅÅÅÅ-MM-DD) för alla datumregler; standard är dagens datum.
        #[arg(long, value_parser = parse_date)]
        today: Option<Datum>,
        /// Publiceringsprofil: `intern` visar allt och märker sekretessbelagda delar; `oppen`
        /// (öppet utdrag) ersätter dem med en hänvisning till paragrafen i OSL.
        #[arg(long = "profile", value_enum, default_value = "intern")]
        profil: molnkoll::Profil,
    },
    /// Skriv ett JSON Schema till standard ut, för redigerare (taplo, Even Better TOML).
    #[command(after_help = "Exempel:
  molnkoll schema bedomning > bedomning.schema.json
  molnkoll schema policy > policy.schema.json")]
    Schema {
        /// Vilket schema: `bedomning` (med policyns tillåtna värden) eller `policy`.
        #[arg(value_enum)]
        vad: SchemaVal,
        /// Projektmappen, med content/policy.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Exportera registret, en rad per bedömning, till ett kalkylark.
    #[command(after_help = "Exempel:
  molnkoll export --format xlsx --out register.xlsx
  molnkoll export --format csv > register.csv")]
    Export {
        /// csv (UTF-8 med BOM för Excel), json eller xlsx.
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Filen att skriva; utan den skrivs exporten till standard ut.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Projektmappen, med content/policy.toml och content/bedomningar/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Dagens datum (ÅÅÅÅ-MM-DD) för alla datumregler; standard är dagens datum.
        #[arg(long, value_parser = parse_date)]
        today: Option<Datum>,
        /// Publiceringsprofil: `intern` visar allt och märker sekretessbelagda delar; `oppen`
        /// (öppet utdrag) ersätter dem med en hänvisning till paragrafen i OSL.
        #[arg(long = "profile", value_enum, default_value = "intern")]
        profil: molnkoll::Profil,
    },
    /// Validera policykällan och alla bedömningar.
    #[command(after_help = "Exempel:
  molnkoll check
  molnkoll check --strict --today 2026-11-23     (i CI: stoppa också på varningar)")]
    Check {
        /// Projektmappen, med content/policy.toml och content/bedomningar/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Låt varningar också ge felstatus.
        #[arg(long)]
        strict: bool,
        /// Dagens datum (ÅÅÅÅ-MM-DD) för alla datumregler; standard är dagens datum.
        #[arg(long, value_parser = parse_date)]
        today: Option<Datum>,
    },
    /// Skriv ett skript för kommandokomplettering i skalet till standard ut.
    #[command(after_help = "Exempel:
  molnkoll completions bash > ~/.local/share/bash-completion/completions/molnkoll
  molnkoll completions zsh > ~/.zfunc/_molnkoll
  molnkoll completions powershell >> $PROFILE")]
    Completions {
        /// Skalet: bash, elvish, fish, powershell eller zsh.
        shell: clap_complete::Shell,
    },
    /// Skriv ett projekt med N påhittade men giltiga bedömningar, för prestandamätning.
    ///
    /// Policyn och sidorna är de inbyggda; bedömningarna varierar nivåer, driftformer,
    /// leverantörer, utlösare, certifikat och beslut. Samma frö ger samma filer, byte för byte.
    /// Ett verktyg för utvecklare, därför dolt i hjälpen.
    #[command(
        hide = true,
        after_help = "Exempel:
  molnkoll korpus /tmp/korpus1000 --antal 1000
  molnkoll korpus /tmp/korpus --antal 100 --seed 7"
    )]
    Korpus {
        /// Mappen att skriva projektet till. Den ska vara tom eller saknas.
        dir: PathBuf,
        /// Antal bedömningar.
        #[arg(long)]
        antal: usize,
        /// Fröet; samma frö ger samma filer.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Skriv manualsidan (roff) till standard ut, eller en sida per kommando till en mapp.
    #[command(after_help = "Exempel:
  molnkoll man | man -l -
  molnkoll man --out /usr/local/share/man/man1")]
    Man {
        /// Mappen att skriva molnkoll.1 och molnkoll-KOMMANDO.1 till.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
    Xlsx,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaVal {
    Bedomning,
    Policy,
}

fn parse_date(s: &str) -> Result<Datum, String> {
    Datum::parse(s).ok_or_else(|| format!("`{s}` är inget datum; skriv ÅÅÅÅ-MM-DD, till exempel 2026-03-01"))
}

/// How much a command prints; every command but `serve` ends with one summary line.
struct Out {
    level: Level,
    start: Instant,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Quiet,
    Normal,
    Verbose,
}

impl Out {
    /// A line a person wants by default, such as which files `init` created.
    fn info(&self, line: impl Display) {
        if self.level >= Level::Normal {
            say(line);
        }
    }

    fn verbose(&self, line: impl Display) {
        if self.level == Level::Verbose {
            say(line);
        }
    }

    /// The diagnostics; under --quiet only when they make the command fail.
    fn diagnostics(&self, checked: &Checked, fails: bool) {
        if fails || self.level >= Level::Normal {
            eprint!("{}", checked.render());
        }
    }

    /// The closing line, `molnkoll CMD: …, 0,45 s`, then any advice after the time.
    fn summary(&self, command: &str, facts: impl Display, advice: &str) {
        // Swedish decimal comma, like the rest of the text.
        let secs = format!("{:.2}", self.start.elapsed().as_secs_f64()).replace('.', ",");
        self.info(format_args!("molnkoll {command}: {facts}, {secs} s{advice}"));
    }
}

/// Prints one line on standard error with control characters escaped: every line that
/// reaches the terminal goes through here or through the diagnostic renderer.
fn say(line: impl Display) {
    eprintln!("{}", molnkoll::diagnostic::terminal(&line.to_string()));
}

/// Reports typeset PDFs: a bar on a terminal, a line per tenth under --verbose otherwise,
/// so a CI log gets nothing by default.
struct PdfProgress {
    bar: Option<indicatif::ProgressBar>,
    lines: bool,
}

impl PdfProgress {
    fn new(out: &Out) -> PdfProgress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (terminal && out.level >= Level::Normal).then(|| {
            let style = indicatif::ProgressStyle::with_template("Sätter PDF {bar:30} {pos}/{len}")
                .expect("a valid progress template");
            indicatif::ProgressBar::new(0).with_style(style)
        });
        PdfProgress { bar, lines: !terminal && out.level == Level::Verbose }
    }

    fn report(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            if bar.length() != Some(total as u64) {
                bar.set_length(total as u64);
            }
            bar.set_position(done as u64);
        } else if self.lines && done * 10 / total > (done - 1) * 10 / total {
            eprintln!("  sätter PDF: {done} av {total}");
        }
    }
}

impl Drop for PdfProgress {
    fn drop(&mut self) {
        // The summary line replaces the bar.
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn today() -> Datum {
    Datum(jiff::Zoned::now().date())
}

/// The project's policy, for a command that needs it but not a clean project; on failure,
/// says why and gives the exit code.
fn policy_of(root: &Path, command: &str) -> Result<(Policy, Checked), ExitCode> {
    let mut checked = molnkoll::check(root, today()).map_err(|e| {
        say(format_args!("fel: {e}"));
        ExitCode::from(2)
    })?;
    match checked.policy.take() {
        Some(policy) => Ok((policy, checked)),
        None => {
            eprint!("{}", checked.render());
            eprintln!("molnkoll {command}: policykällan har fel; rätta dem först");
            Err(ExitCode::FAILURE)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = if cli.quiet {
        Level::Quiet
    } else if cli.verbose {
        Level::Verbose
    } else {
        Level::Normal
    };
    let o = Out { level, start: Instant::now() };
    match cli.command {
        Command::Build { root, out, today: day, no_cache, profil } => {
            let out = if out.is_relative() { root.join(out) } else { out };
            let progress = PdfProgress::new(&o);
            let built =
                molnkoll::build_with(&root, &out, day.unwrap_or_else(today), profil, !no_cache, &|done, total| {
                    progress.report(done, total)
                });
            drop(progress);
            let built = match built {
                Ok(b) => b,
                Err(e) => {
                    say(format_args!("fel: {e}"));
                    return ExitCode::from(2);
                }
            };
            let checked = &built.checked;
            o.diagnostics(checked, built.written.is_none());
            for (phase, ms) in &built.timings {
                o.verbose(format_args!("  {phase}: {ms} ms"));
            }
            match built.written {
                Some(w) => {
                    let reused = &built.reused;
                    let unchanged = if reused.pages + reused.pdfs > 0 {
                        format!(" ({} sidor och {} PDF oförändrade sedan förra bygget)", reused.pages, reused.pdfs)
                    } else {
                        String::new()
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
                    ExitCode::SUCCESS
                }
                None => {
                    // Why nothing was written is part of the failure, so --quiet keeps it.
                    say(format_args!(
                        "molnkoll build: {} fel; inget skrevs, {} är orörd",
                        checked.errors(),
                        out.display()
                    ));
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve { root, port, bind, today, profil } => {
            let opts = molnkoll::serve::Options { root, addr: std::net::SocketAddr::new(bind, port), today, profil };
            match molnkoll::serve::serve(opts, |line| eprintln!("{line}")) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    say(format_args!("fel: {e}"));
                    ExitCode::from(2)
                }
            }
        }
        Command::Schema { vad, root } => {
            let schema = match vad {
                SchemaVal::Policy => molnkoll::schema::policy(),
                SchemaVal::Bedomning => match policy_of(&root, "schema") {
                    Ok((policy, _)) => molnkoll::schema::bedomning(&policy),
                    Err(code) => return code,
                },
            };
            println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serialises"));
            let name = match vad {
                SchemaVal::Bedomning => "bedömningens",
                SchemaVal::Policy => "policykällans",
            };
            o.summary("schema", format_args!("{name} JSON Schema skrivet till standard ut"), "");
            ExitCode::SUCCESS
        }
        Command::Export { format, out, root, today: day, profil } => {
            let day = day.unwrap_or_else(today);
            let mut checked = match molnkoll::check(&root, day) {
                Ok(c) => c,
                Err(e) => {
                    say(format_args!("fel: {e}"));
                    return ExitCode::from(2);
                }
            };
            let rows = match checked.policy.as_ref().filter(|_| checked.errors() == 0) {
                Some(policy) => molnkoll::export::rader_for(policy, &mut checked.items, profil, day),
                None => Err(Vec::new()),
            };
            let rows = match rows {
                Ok(rows) => rows,
                Err(lackor) => {
                    checked.diagnostics.extend(lackor);
                    o.diagnostics(&checked, true);
                    eprintln!("molnkoll export: {} fel; ingen export skrevs", checked.errors());
                    return ExitCode::FAILURE;
                }
            };
            let bytes = match format {
                ExportFormat::Csv => molnkoll::export::csv(&rows),
                ExportFormat::Json => molnkoll::export::json(&rows),
                ExportFormat::Xlsx => match molnkoll::export::xlsx(&rows, day) {
                    Ok(b) => b,
                    Err(e) => {
                        eprintln!("fel: kunde inte skapa kalkylarket: {e}");
                        return ExitCode::from(2);
                    }
                },
            };
            let written = match &out {
                Some(path) => molnkoll::export::check_out(&root, path).and_then(|()| {
                    std::fs::write(path, &bytes).map_err(|e| format!("kan inte skriva {}: {e}", path.display()))
                }),
                None if matches!(format, ExportFormat::Xlsx) && std::io::stdout().is_terminal() => {
                    Err("xlsx är binärt; ange --out register.xlsx eller styr om standard ut till en fil".to_owned())
                }
                None => {
                    std::io::stdout().write_all(&bytes).map_err(|e| format!("kan inte skriva till standard ut: {e}"))
                }
            };
            if let Err(e) = written {
                say(format_args!("fel: {e}"));
                return ExitCode::from(2);
            }
            o.summary("export", format_args!("{} bedömningar, {} varningar", rows.len(), checked.warnings()), "");
            ExitCode::SUCCESS
        }
        Command::Check { root, strict, today: day } => {
            let checked = match molnkoll::check(&root, day.unwrap_or_else(today)) {
                Ok(c) => c,
                Err(e) => {
                    say(format_args!("fel: {e}"));
                    return ExitCode::from(2);
                }
            };
            let (errors, warnings) = (checked.errors(), checked.warnings());
            let fails = errors > 0 || (strict && warnings > 0);
            o.diagnostics(&checked, fails);
            let facts = format!(
                "{} filer, {} bedömningar härledda, {errors} fel, {warnings} varningar",
                checked.files,
                checked.items.len()
            );
            o.summary("check", facts, "");
            if fails { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Command::Init { dir, force } => {
            let done = match molnkoll::init::init(&dir, force) {
                Ok(d) => d,
                Err(e) => {
                    say(format_args!("fel: {e}"));
                    return ExitCode::from(2);
                }
            };
            for file in &done.skapade {
                o.info(format_args!("  skapade {file}"));
            }
            for file in &done.ororda {
                o.info(format_args!("  fanns redan, lämnades orörd: {file}"));
            }
            let facts = format!(
                "{} av {} filer skapade i {}",
                done.skapade.len(),
                done.skapade.len() + done.ororda.len(),
                dir.display()
            );
            o.summary("init", facts, ". Gå till mappen och kör `molnkoll check`; README.md beskriver resten.");
            ExitCode::SUCCESS
        }
        Command::New { namn, root } => {
            let (policy, checked) = match policy_of(&root, "new") {
                Ok(loaded) => loaded,
                Err(code) => return code,
            };
            let taken = checked.items.iter().map(|i| (i.slug.as_str(), i.file.as_str()));
            match molnkoll::ny_bedomning::write(&root, &policy, &namn, taken, today()) {
                Ok(file) => {
                    println!("{}", root.join(&file).display());
                    let advice = ". Fyll i den och kör `molnkoll check` efter varje ändring.";
                    o.summary("new", format_args!("skrev {file}"), advice);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    say(format_args!("fel: {e}"));
                    if e.is_collision() { ExitCode::FAILURE } else { ExitCode::from(2) }
                }
            }
        }
        Command::Korpus { dir, antal, seed } => match molnkoll::korpus::write(&dir, antal, seed) {
            Ok(files) => {
                o.summary("korpus", format_args!("{} bedömningar skrivna till {}", files.len(), dir.display()), "");
                ExitCode::SUCCESS
            }
            Err(e) => {
                say(format_args!("fel: {e}"));
                ExitCode::from(2)
            }
        },
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "molnkoll", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man { out } => {
            let written = match &out {
                Some(dir) => std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(Cli::command(), dir)),
                None => clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()),
            };
            match (written, out) {
                (Err(e), _) => {
                    eprintln!("fel: kan inte skriva manualsidan: {e}");
                    ExitCode::from(2)
                }
                (Ok(()), Some(dir)) => {
                    o.summary("man", format_args!("manualsidorna skrivna till {}", dir.display()), "");
                    ExitCode::SUCCESS
                }
                (Ok(()), None) => ExitCode::SUCCESS,
            }
        }
    }
}
