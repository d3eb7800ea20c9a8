//! Calendar dates as written in TOML (`2026-03-01`, no time, no offset).

use std::fmt;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A plain calendar date. TOML's local date is the only accepted form, so that
/// a record never carries a time zone that could shift a deadline by a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Datum(pub Date);

impl Datum {
    /// Stands in for a date that is secret in the open extract (see `crate::sekretess`).
    /// It shows as [`Datum::MASKERAD_TEXT`], so no renderer needs to know about secrecy.
    /// A year before any that TOML can write (0000–9999), so no real date shows as it.
    pub const MASKERAD: Datum = Datum(Date::constant(-9999, 1, 1));
    /// A second stand-in, never shown: `crate::sekretess` compares derivations under both.
    pub const MASKERAD_ALT: Datum = Datum(Date::constant(-9998, 1, 1));
    pub const MASKERAD_TEXT: &'static str = "sekretessbelagt datum";

    pub fn new(year: i16, month: i8, day: i8) -> Option<Datum> {
        Date::new(year, month, day).ok().map(Datum)
    }

    /// The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb).
    pub fn plus_months(self, months: i32) -> Datum {
        Datum(self.0.saturating_add(jiff::Span::new().months(months)))
    }

    pub fn plus_days(self, days: i32) -> Datum {
        Datum(self.0.saturating_add(jiff::Span::new().days(days)))
    }

    pub fn parse(s: &str) -> Option<Datum> {
        s.parse::<Date>().ok().map(Datum)
    }
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Datum::MASKERAD {
            return f.write_str(Datum::MASKERAD_TEXT);
        }
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for Datum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::value::Datetime::deserialize(deserializer)?;
        match (value.date, value.time, value.offset) {
            (Some(d), None, None) => Datum::new(d.year as i16, d.month as i8, d.day as i8)
                .ok_or_else(|| D::Error::custom(format!("ogiltigt datum `{value}`"))),
            _ => Err(D::Error::custom(format!(
                "`{value}` är inte ett datum; skriv bara datumet, till exempel 2026-03-01"
            ))),
        }
    }
}

impl Serialize for Datum {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl JsonSchema for Datum {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Datum".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "description": "Datum, till exempel 2026-03-01"
        })
    }
}
