//! Stage 4c: a calendar feed (`bevakning.ics`) of reviews, certificate expiries and DPF
//! re-checks, so the informationssäkerhetssamordnare can subscribe in Outlook.
//!
//! Deterministic like every other output: each event's UID comes from the assessment's
//! slug and kind, and its DTSTAMP is its own date, never the clock.

use chrono::{NaiveDate, TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike};

use crate::derive::Utlatande;
use crate::model::{BeslutStatus, Datum};
use crate::render::Site;
use crate::write::OutputFile;

pub const FIL: &str = "bevakning.ics";

fn naive(d: Datum) -> NaiveDate {
    NaiveDate::from_ymd_opt(i32::from(d.0.year()), d.0.month() as u32, d.0.day() as u32).expect("a valid date")
}

fn event(uid: String, datum: Datum, summary: String, description: String) -> Event {
    let stamp = Utc.from_utc_datetime(&naive(datum).and_hms_opt(0, 0, 0).expect("midnight exists"));
    let day = naive(datum);
    // An all-day event ends, exclusively, on the next day (RFC 5545, 3.6.1).
    let next = day.succ_opt().expect("a day after");
    Event::new().uid(&uid).timestamp(stamp).starts(day).ends(next).summary(&summary).description(&description).done()
}

/// One event per approved assessment's next review, per certificate's expiry and per
/// DPF check's renewal, sorted by date.
pub fn render_calendar(site: &Site) -> OutputFile {
    let policy = site.policy;
    let mut events: Vec<(Datum, String, Event)> = Vec::new();
    for item in site.items {
        let b = &item.bedomning;
        let namn = &b.tjanst.namn;
        let ref_ = &b.tjanst.referens;
        let approved = item.harledning.utlatande == (Utlatande::Beslutad { status: BeslutStatus::Godkand });
        if let Some(next) =
            b.beslut.as_ref().and_then(|x| x.nasta_granskning).filter(|d| approved && *d != Datum::MASKERAD)
        {
            let uid = format!("{}-granskning@molnkoll", item.slug);
            let text = format!("Årlig granskning av bedömningen {ref_} ({}).", item.file);
            events.push((next, uid.clone(), event(uid, next, format!("Granskning: {namn}"), text)));
        }
        // A date masked in the open extract has no day to put in a calendar.
        for (i, c) in b.certifikat.iter().enumerate().filter(|(_, c)| c.giltigt_till != Datum::MASKERAD) {
            let cert = policy.certifiering(&c.standard).map_or(c.standard.as_str(), |x| x.namn.as_str());
            let uid = format!("{}-certifikat-{i}@molnkoll", item.slug);
            let text = format!("{cert} från {} för {namn} ({ref_}) gäller till {}.", c.utfardare, c.giltigt_till);
            events.push((
                c.giltigt_till,
                uid.clone(),
                event(uid, c.giltigt_till, format!("Certifikat går ut: {cert}, {namn}"), text),
            ));
        }
        if let Some(d) = b.dpf.as_ref().filter(|d| d.kontrollerad != Datum::MASKERAD) {
            let due = d.kontrollerad.plus_months(policy.regler.max_manader_sedan_dpf_kontroll as i32);
            let uid = format!("{}-dpf@molnkoll", item.slug);
            let text = format!("DPF-listningen för {namn} ({ref_}) kontrollerades {}.", d.kontrollerad);
            events.push((due, uid.clone(), event(uid, due, format!("Kontrollera DPF-listning: {namn}"), text)));
        }
    }
    events.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut calendar = Calendar::new();
    calendar.name(&format!("Molntjänstbedömningar, {}", policy.organisation.namn));
    for (_, _, e) in events {
        calendar.push(e);
    }
    OutputFile::new(FIL, calendar.done().to_string().into_bytes())
}
