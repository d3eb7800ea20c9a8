//! Swedish names of countries, for the pages and for the hint on a mistyped country code.

/// The countries a supplier or subprocessor is likely to be in: the EU/EEA, and the others
/// that host cloud services. `celes` has English names only.
#[rustfmt::skip]
pub const LANDER: &[(&str, &str)] = &[
    ("AT", "Österrike"), ("AU", "Australien"), ("BE", "Belgien"), ("BG", "Bulgarien"), ("CA", "Kanada"),
    ("CH", "Schweiz"), ("CN", "Kina"), ("CY", "Cypern"), ("CZ", "Tjeckien"), ("DE", "Tyskland"),
    ("DK", "Danmark"), ("EE", "Estland"), ("ES", "Spanien"), ("FI", "Finland"), ("FR", "Frankrike"),
    ("GB", "Storbritannien"), ("GR", "Grekland"), ("HR", "Kroatien"), ("HU", "Ungern"), ("IE", "Irland"),
    ("IL", "Israel"), ("IN", "Indien"), ("IS", "Island"), ("IT", "Italien"), ("JP", "Japan"),
    ("KR", "Sydkorea"), ("LI", "Liechtenstein"), ("LT", "Litauen"), ("LU", "Luxemburg"), ("LV", "Lettland"),
    ("MT", "Malta"), ("NL", "Nederländerna"), ("NO", "Norge"), ("NZ", "Nya Zeeland"), ("PL", "Polen"),
    ("PT", "Portugal"), ("RO", "Rumänien"), ("SE", "Sverige"), ("SG", "Singapore"), ("SI", "Slovenien"),
    ("SK", "Slovakien"), ("UA", "Ukraina"), ("US", "USA"),
];

/// A country's Swedish name from its alpha-2 code, in any case.
pub fn land_namn(kod: &str) -> Option<&'static str> {
    LANDER.iter().find(|(k, _)| k.eq_ignore_ascii_case(kod)).map(|(_, n)| *n)
}
