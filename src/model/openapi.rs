//! How the model's text newtypes appear in the OpenAPI document: as strings, in the form they
//! are serialised (`CN201810100024.2`, `H01L21/66`, `清华大学`).

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use super::{ApplicationNumber, Institution, IpcCode};

fn text(description: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .examples([example])
        .into()
}

impl PartialSchema for ApplicationNumber {
    fn schema() -> RefOr<Schema> {
        text(
            "a CN application number with its check digit",
            "CN201810100024.2",
        )
    }
}

impl ToSchema for ApplicationNumber {}

impl PartialSchema for IpcCode {
    fn schema() -> RefOr<Schema> {
        text(
            "an IPC code: subclass, main group and subgroup",
            "H01L21/66",
        )
    }
}

impl ToSchema for IpcCode {}

impl PartialSchema for Institution {
    fn schema() -> RefOr<Schema> {
        text("an institution's name, normalised", "清华大学")
    }
}

impl ToSchema for Institution {}
