//! Stage 4c: a calendar feed (`bevakning.ics`) of reviews, certificate expiries and DPF
//! re-checks, so the informationssäkerhetssamordnare can subscribe in Outlook.
//!
//! Deterministic like every other output: each event's UID comes from the assessment's
//! slug and kind, and its DTSTAMP is its own date, never the clock.

use chrono::{NaiveDate, TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike};

use crate::derive::{self, ForfallTyp};
use crate::model::Datum;
use crate::view::Site;
use crate::write::OutputFile;

pub(crate) const FIL: &str = "bevakning.ics";

fn naive(d: Datum) -> NaiveDate {
    NaiveDate::from_ymd_opt(i32::from(d.0.year()), d.0.month() as u32, d.0.day() as u32).expect("a valid date")
}

fn event(e: &Handelse) -> Event {
    let stamp = Utc.from_utc_datetime(&naive(e.datum).and_hms_opt(0, 0, 0).expect("midnight exists"));
    let day = naive(e.datum);
    // An all-day event ends, exclusively, on the next day (RFC 5545, 3.6.1).
    let next = day.succ_opt().expect("a day after");
    // icalendar escapes a line feed but not a bare carriage return, which would end the line
    // and start a property of the text's choosing.
    let text = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
    Event::new()
        .uid(&e.uid)
        .timestamp(stamp)
        .starts(day)
        .ends(next)
        .summary(&text(&e.rubrik))
        .description(&text(&e.text))
        .done()
}

/// One calendar event, as plain data: everything the feed is made from.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Handelse {
    pub datum: Datum,
    pub uid: String,
    pub rubrik: String,
    pub text: String,
}

/// The calendar's name and events, sorted by date: the whole input of [`render_calendar`].
pub(crate) fn handelser(site: &Site) -> (String, Vec<Handelse>) {
    let policy = site.policy;
    let mut events = Vec::new();
    let mut push = |datum, uid, rubrik, text| events.push(Handelse { datum, uid, rubrik, text });
    for item in site.items {
        let b = &item.bedomning;
        let namn = &b.tjanst.namn;
        let ref_ = &b.tjanst.referens;
        // A date masked in the open extract has no day to put in a calendar.
        let due = derive::forfallodagar(policy, b, &item.harledning.utlatande, &item.harledning.atgarder);
        for f in due.into_iter().filter(|f| f.kalla != Datum::MASKERAD) {
            match f.typ {
                ForfallTyp::Granskning => {
                    let text = format!(
                        "Dags för den återkommande granskningen av beslutet om {namn} ({ref_}). Bedömningen redigeras i {}.",
                        item.file
                    );
                    push(
                        f.datum,
                        format!("{}-granskning@molnkoll", item.slug),
                        format!("Granska bedömningen: {namn}"),
                        text,
                    );
                }
                ForfallTyp::Certifikat(i) => {
                    let c = &b.certifikat[i];
                    let cert = policy.certifiering_namn(&c.standard);
                    let text =
                        format!("{cert} från {} för {namn} ({ref_}) gäller till {}.", c.utfardare, c.giltigt_till);
                    let uid = format!("{}-certifikat-{i}@molnkoll", item.slug);
                    push(f.datum, uid, format!("Certifikat går ut: {cert}, {namn}"), text);
                }
                ForfallTyp::Dpf(i) => {
                    let org = &b.dpf[i].organisation;
                    let text =
                        format!("DPF-listningen för {org}, i kedjan för {namn} ({ref_}), kontrollerades {}.", f.kalla);
                    let uid = format!("{}-dpf-{i}@molnkoll", item.slug);
                    push(f.datum, uid, format!("Kontrollera DPF-listning: {org}, {namn}"), text);
                }
            }
        }
    }
    events.sort_by(|a, b| (a.datum, &a.uid).cmp(&(b.datum, &b.uid)));
    (format!("Molntjänstbedömningar, {}", policy.organisation.namn), events)
}

/// The feed: one event per approved assessment's next review, per certificate's expiry
/// and per DPF check's renewal, sorted by date.
pub(crate) fn render_calendar(name: &str, events: &[Handelse]) -> OutputFile {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for e in events {
        calendar.push(event(e));
    }
    OutputFile::new(FIL, calendar.done().to_string().into_bytes())
}
