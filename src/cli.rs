//! The command line as clap declares it: the one definition that `--help`, the man page
//! and the completions come from; and how a command prints (levels, the summary line,
//! PDF progress). The binary parses, calls the library and prints through these.

use std::fmt::Display;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::Checked;
use crate::model::Datum;

/// `--root`, for `new` and `schema`, which read only the policy.
// As clap shows a doc comment: without its closing full stop.
const ROOT_POLICY: &str = "Projektmappen, med content/policy.toml";

// `--root`: the project folder. (A doc comment here would become clap's `about`.)
#[derive(Args)]
pub struct Root {
    /// Projektmappen, med content/policy.toml och content/bedomningar/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

// `--today`: the day every date rule counts from.
#[derive(Args)]
pub struct Today {
    /// Dagens datum (ÅÅÅÅ-MM-DD) för alla datumregler; standard är dagens datum.
    #[arg(long, value_parser = parse_date)]
    pub today: Option<Datum>,
}

impl Today {
    /// The given day, or the clock's.
    pub fn or_now(&self) -> Datum {
        self.today.unwrap_or_else(today)
    }
}

// `--profile`: the publication profile.
#[derive(Args)]
pub struct ProfilFlag {
    /// Publiceringsprofil: `intern` visar allt och märker sekretessbelagda delar; `oppen`
    /// (öppet utdrag) ersätter dem med en hänvisning till paragrafen i OSL.
    #[arg(long = "profile", value_enum, default_value = "intern")]
    pub profil: crate::Profil,
}

/// Today by the clock, for a command run without `--today`.
pub fn today() -> Datum {
    Datum(jiff::Zoned::now().date())
}

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
pub struct Cli {
    /// Skriv bara det som får kommandot att misslyckas: inga varningar, ingen sammanfattning.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Skriv också tiden för varje steg, och förloppet som rader när standard fel inte är en terminal.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    #[command(
        after_help = "Exempel:
  molnkoll new \"Microsoft 365\"
  molnkoll new \"Vklass skolplattform\" --root bedomningar-molntjanster",
        mut_arg("root", |a| a.help(ROOT_POLICY))
    )]
    New {
        /// Tjänstens namn; filnamnet bildas av det (a–z, 0–9 och bindestreck).
        namn: String,
        #[command(flatten)]
        root: Root,
    },
    /// Validera och bygg webbplatsen till utmappen (output/).
    #[command(after_help = "Exempel:
  molnkoll build
  molnkoll build --root bedomningar-molntjanster --out /srv/intranat/molnkoll --today 2026-11-23")]
    Build {
        #[command(flatten)]
        root: Root,
        /// Utmappen; den ersätts helt, men bara om molnkoll har skapat den.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        #[command(flatten)]
        today: Today,
        /// Bygg allt från början. Annars återanvänds de sidor och PDF:er i utmappen vars
        /// indata (bedömningen, policyn, mallarna, verktygets version) inte har ändrats.
        #[arg(long)]
        no_cache: bool,
        #[command(flatten)]
        profil: ProfilFlag,
    },
    /// Visa webbplatsen i webbläsaren och bygg om den när innehållet eller en mall ändras.
    ///
    /// Bygger i minnet (output/ rörs inte) och lyssnar bara på den egna datorn om inget annat
    /// anges. Vid fel i innehållet visar varje sida felen tills de är rättade.
    #[command(after_help = "Exempel:
  molnkoll serve
  molnkoll serve --port 8080 --root bedomningar-molntjanster")]
    Serve {
        #[command(flatten)]
        root: Root,
        /// Porten att lyssna på; 0 väljer en ledig port.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Adressen att lyssna på. Ange 0.0.0.0 bara om andra datorer ska nå förhandsvisningen.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Utmappen som `build` skriver till. Serve börjar från det som är oförändrat där,
        /// i stället för att bygga allt, men skriver aldrig i den.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        #[command(flatten)]
        today: Today,
        #[command(flatten)]
        profil: ProfilFlag,
    },
    /// Skriv ett JSON Schema till standard ut, för redigerare (taplo, Even Better TOML).
    #[command(
        after_help = "Exempel:
  molnkoll schema bedomning > bedomning.schema.json
  molnkoll schema policy > policy.schema.json",
        mut_arg("root", |a| a.help(ROOT_POLICY))
    )]
    Schema {
        /// Vilket schema: `bedomning` (med policyns tillåtna värden) eller `policy`.
        #[arg(value_enum)]
        vad: SchemaVal,
        #[command(flatten)]
        root: Root,
    },
    /// Exportera registret, en rad per bedömning, till ett kalkylark.
    #[command(after_help = "Exempel:
  molnkoll export --format xlsx --out register.xlsx
  molnkoll export --format csv > register.csv")]
    Export {
        /// csv (UTF-8 med BOM för Excel), json eller xlsx.
        #[arg(long, value_enum, default_value = "csv")]
        format: crate::commands::ExportFormat,
        /// Filen att skriva; utan den skrivs exporten till standard ut.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        root: Root,
        #[command(flatten)]
        today: Today,
        #[command(flatten)]
        profil: ProfilFlag,
    },
    /// Läs en ifylld svarsbilaga (xlsx): kontrollera svaren, eller skriv in dem i bedömningen.
    ///
    /// Utan --skriv ändras ingenting: kommandot säger vilka ska-krav svaren uppfyller, vilka
    /// de inte uppfyller (Nej eller inget svar) och vilka där någon måste kontrollera beviset.
    /// Med --skriv förs den vinnande anbudsgivarens svar in i bedömningen som [[anbudssvar]],
    /// [aterstallning] och [[underbitraden]]; filens kommentarer och ordning behålls. Vid
    /// minsta fel i bilagan skrivs ingenting. Bilagan får vara högst 5 MiB.
    #[command(after_help = "Exempel:
  molnkoll svar anbud-3.xlsx --bedomning vklass-skolplattform
  molnkoll svar vinnande-anbud.xlsx --bedomning vklass-skolplattform --skriv")]
    Svar {
        /// Den ifyllda svarsbilagan (xlsx), från bedömningens svarsbilaga.xlsx.
        fil: PathBuf,
        /// Bedömningen som bilagan hör till (filnamnet utan .toml).
        #[arg(long)]
        bedomning: String,
        /// Bara kontrollera (standard).
        #[arg(long, conflicts_with = "skriv")]
        kontrollera: bool,
        /// Skriv in svaren i bedömningen.
        #[arg(long)]
        skriv: bool,
        #[command(flatten)]
        root: Root,
        #[command(flatten)]
        today: Today,
    },
    /// Validera policykällan och alla bedömningar.
    #[command(after_help = "Exempel:
  molnkoll check
  molnkoll check --strict --today 2026-11-23     (i CI: stoppa också på varningar)")]
    Check {
        #[command(flatten)]
        root: Root,
        /// Låt varningar också ge felstatus.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        today: Today,
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
    #[cfg(feature = "korpus")]
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
pub enum SchemaVal {
    Bedomning,
    Policy,
}

pub fn parse_date(s: &str) -> Result<Datum, String> {
    Datum::parse(s).ok_or_else(|| format!("`{s}` är inget datum; skriv ÅÅÅÅ-MM-DD, till exempel 2026-03-01"))
}

/// How much a command prints; every command but `serve` ends with one summary line.
pub struct Out {
    pub level: Level,
    start: Instant,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Quiet,
    Normal,
    Verbose,
}

impl Out {
    /// Starts the clock for the summary line.
    pub fn new(level: Level) -> Out {
        Out { level, start: Instant::now() }
    }

    /// A line a person wants by default, such as which files `init` created.
    pub fn info(&self, line: impl Display) {
        if self.level >= Level::Normal {
            say(line);
        }
    }

    /// The diagnostics; under --quiet only when they make the command fail.
    pub fn diagnostics(&self, checked: &Checked, fails: bool) {
        if fails || self.level >= Level::Normal {
            eprint!("{}", checked.render());
        }
    }

    /// The closing line, `molnkoll CMD: …, 0,45 s`, then any advice after the time.
    pub fn summary(&self, command: &str, facts: impl Display, advice: &str) {
        // Swedish decimal comma, like the rest of the text.
        let secs = format!("{:.2}", self.start.elapsed().as_secs_f64()).replace('.', ",");
        self.info(format_args!("molnkoll {command}: {facts}, {secs} s{advice}"));
    }
}

/// Prints one line on standard error with control characters escaped: every line that
/// reaches the terminal goes through here or through the diagnostic renderer.
pub fn say(line: impl Display) {
    eprintln!("{}", crate::diagnostic::terminal(&line.to_string()));
}

/// Reports typeset PDFs: a bar on a terminal, a line per tenth under --verbose otherwise,
/// so a CI log gets nothing by default.
pub struct PdfProgress {
    bar: Option<indicatif::ProgressBar>,
    lines: bool,
}

impl PdfProgress {
    pub fn new(out: &Out) -> PdfProgress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (terminal && out.level >= Level::Normal).then(|| {
            let style = indicatif::ProgressStyle::with_template("Sätter PDF {bar:30} {pos}/{len}")
                .expect("a valid progress template");
            indicatif::ProgressBar::new(0).with_style(style)
        });
        PdfProgress { bar, lines: !terminal && out.level == Level::Verbose }
    }

    pub fn report(&self, done: usize, total: usize) {
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
