//! Plain domain data: patents, their identifiers and classification codes.
//!
//! Identifiers are parsed once at the boundary ("parse, don't validate"): an
//! [`ApplicationNumber`] or [`IpcCode`] that exists is already normalised and valid.

mod application_number;
mod demand;
mod institution;
mod ipc;
mod openapi;
mod patent;
mod vocabulary;

pub use application_number::{
    ApplicationNumber, ApplicationNumberError, check_digit, publication_stem,
};
pub use demand::{Demand, NewDemand};
pub use institution::{INVISIBLE_CLASS, Institution, InstitutionError, MAX_CHARS};
pub use ipc::{IpcCode, IpcCodeError};
pub use patent::{EventKind, LegalEvent, LegalStatus, LicenceTerms, Patent, PatentType};
pub use vocabulary::{UnknownValue, Vocabulary, parse_list};
