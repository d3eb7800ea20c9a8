//! The command line: parses arguments, calls the library, prints.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use molnkoll::model::Datum;

#[derive(Parser)]
#[command(name = "molnkoll", version, about = "Informationssäkerhetsbedömning av molntjänster, som kod")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validera och bygg webbplatsen till utmappen (output/).
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
    },
    /// Visa webbplatsen i webbläsaren och bygg om den när innehållet eller en mall ändras.
    ///
    /// Bygger i minnet (output/ rörs inte) och lyssnar bara på den egna datorn om inget annat
    /// anges. Vid fel i innehållet visar varje sida felen tills de är rättade.
    ///
    /// Exempel: molnkoll serve --port 8080
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
    },
    /// Skriv ett JSON Schema till standard ut, för redigerare (taplo, Even Better TOML).
    Schema {
        /// Vilket schema: `bedomning` (med policyns tillåtna värden) eller `policy`.
        #[arg(value_enum)]
        vad: SchemaVal,
        /// Projektmappen, med content/policy.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Exportera registret, en rad per bedömning, till ett kalkylark.
    ///
    /// Exempel: molnkoll export --format xlsx --out register.xlsx
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
    },
    /// Validera policykällan och alla bedömningar.
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

fn today() -> Datum {
    Datum(jiff::Zoned::now().date())
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build { root, out, today: day } => {
            let out = if out.is_relative() { root.join(out) } else { out };
            let built = match molnkoll::build(&root, &out, day.unwrap_or_else(today)) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("fel: {e}");
                    return ExitCode::from(2);
                }
            };
            let checked = &built.checked;
            eprint!("{}", checked.render());
            for (phase, ms) in &built.timings {
                eprintln!("  {phase}: {ms} ms");
            }
            match built.written {
                Some(n) => {
                    eprintln!(
                        "molnkoll build: {} bedömningar, {n} filer skrivna till {}, {} varningar",
                        checked.items.len(),
                        out.display(),
                        checked.warnings()
                    );
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("molnkoll build: {} fel; inget skrevs, {} är orörd", checked.errors(), out.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve { root, port, bind, today } => {
            let opts = molnkoll::serve::Options { root, addr: std::net::SocketAddr::new(bind, port), today };
            match molnkoll::serve::serve(opts, |line| eprintln!("{line}")) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("fel: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Schema { vad, root } => {
            let schema = match vad {
                SchemaVal::Policy => molnkoll::schema::policy(),
                SchemaVal::Bedomning => {
                    let checked = match molnkoll::check(&root, today()) {
                        Ok(c) => c,
                        Err(e) => {
                            eprintln!("fel: {e}");
                            return ExitCode::from(2);
                        }
                    };
                    let Some(policy) = checked.policy.as_ref() else {
                        eprint!("{}", checked.render());
                        eprintln!("molnkoll schema: policykällan har fel; rätta dem först");
                        return ExitCode::FAILURE;
                    };
                    molnkoll::schema::bedomning(policy)
                }
            };
            println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serialises"));
            ExitCode::SUCCESS
        }
        Command::Export { format, out, root, today: day } => {
            let day = day.unwrap_or_else(today);
            let checked = match molnkoll::check(&root, day) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("fel: {e}");
                    return ExitCode::from(2);
                }
            };
            let (Some(policy), 0) = (checked.policy.as_ref(), checked.errors()) else {
                eprint!("{}", checked.render());
                eprintln!("molnkoll export: {} fel; ingen export skrevs", checked.errors());
                return ExitCode::FAILURE;
            };
            let rows = molnkoll::export::rader(policy, &checked.items);
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
                Some(path) => {
                    std::fs::write(path, &bytes).map_err(|e| format!("kan inte skriva {}: {e}", path.display()))
                }
                None if matches!(format, ExportFormat::Xlsx) && std::io::stdout().is_terminal() => {
                    Err("xlsx är binärt; ange --out register.xlsx eller styr om standard ut till en fil".to_owned())
                }
                None => {
                    std::io::stdout().write_all(&bytes).map_err(|e| format!("kan inte skriva till standard ut: {e}"))
                }
            };
            if let Err(e) = written {
                eprintln!("fel: {e}");
                return ExitCode::from(2);
            }
            eprintln!("molnkoll export: {} bedömningar, {} varningar", rows.len(), checked.warnings());
            ExitCode::SUCCESS
        }
        Command::Check { root, strict, today: day } => {
            let checked = match molnkoll::check(&root, day.unwrap_or_else(today)) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("fel: {e}");
                    return ExitCode::from(2);
                }
            };
            eprint!("{}", checked.render());
            let (errors, warnings) = (checked.errors(), checked.warnings());
            eprintln!(
                "molnkoll check: {} filer, {} bedömningar härledda, {errors} fel, {warnings} varningar",
                checked.files,
                checked.items.len()
            );
            if errors > 0 || (strict && warnings > 0) { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
    }
}
