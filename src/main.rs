//! The command line: parses arguments, calls the library, prints.

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
    /// Skriv ett JSON Schema till standard ut, för redigerare (taplo, Even Better TOML).
    Schema {
        /// Vilket schema: `bedomning` (med policyns tillåtna värden) eller `policy`.
        #[arg(value_enum)]
        vad: SchemaVal,
        /// Projektmappen, med content/policy.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
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
