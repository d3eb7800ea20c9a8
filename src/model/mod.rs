//! The domain types: the policy source and the assessment record, as serde reads them.

mod bedomning;
mod datum;
mod land;
mod policy;

pub use bedomning::*;
pub use datum::Datum;
pub use land::{LANDER, land_namn};
pub use policy::*;
