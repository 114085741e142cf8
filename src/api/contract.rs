//! What the generated OpenAPI document states beyond the handlers' annotations: how each
//! operation authenticates (public operations declare nothing), the 401 and 400 every
//! authenticated or parameterised operation can return, the exact shapes of path and query
//! parameters and of bodies (closed sets of values from their [`Vocabulary`]), and links from
//! what an operation creates to where it is read; so that a request the document allows is
//! one the server accepts, and one it does not is refused (checked by schemathesis and a
//! generated client in `.ci/contract`).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::schema::{
    AdditionalProperties, KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required, Schema};

use crate::engine::MAX_SHORTLIST_ROWS;
use crate::index::SortOrder;
use crate::model::{INVISIBLE_CLASS, LegalStatus, MAX_CHARS, PatentType, Vocabulary};
use crate::scoring::Tier;

/// Operations anyone may call: no key, no session.
const PUBLIC_OPERATIONS: [&str; 4] = ["healthz", "readyz", "metrics", "sign_in"];

/// An application number path parameter the server always parses: 12 digits, optionally
/// after `CN` or `ZL` (the check digit follows from them). The server also takes the forms
/// with a check digit and publication numbers; a generator must not invent wrong check
/// digits, so the document names only this form.
const NUMBER_PATTERN: &str = "^(CN|ZL)?[0-9]{12}$";

/// An institution name: up to [`MAX_CHARS`] characters, not all blank, none invisible (as
/// [`crate::model::Institution`] parses it).
fn institution_pattern() -> String {
    format!("^[^{INVISIBLE_CLASS}]*{PRINTING}[^{INVISIBLE_CLASS}]*$")
}

/// A comma-separated list of institution names (blank items are skipped).
fn institution_list_pattern() -> String {
    let item = format!("[^,{INVISIBLE_CLASS}]{{0,{MAX_CHARS}}}");
    format!("^{item}(,{item})*$")
}

/// One character that prints: not white space (as Rust's `trim` reads it) and not a control.
/// Spelled out rather than `\\S`, whose meaning differs between pattern dialects (Python's
/// counts U+001C–U+001F as white space, and generators disagree with it).
const PRINTING: &str =
    "[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

/// The document's modifier.
pub struct Contract;

impl utoipa::Modify for Contract {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(super::session::COOKIE))),
        );
        openapi.security = None;
        // A stored demand flattens the submitted fields beside its id: the component may not
        // refuse other properties (the request bodies state their own, closed, schema).
        if let Some(RefOr::T(Schema::Object(new_demand))) = components.schemas.get_mut("NewDemand")
        {
            new_demand.additional_properties = None;
        }
        let industries = industry_names();
        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in [&mut item.get, &mut item.post, &mut item.delete]
                .into_iter()
                .flatten()
            {
                let id = operation.operation_id.clone().unwrap_or_default();
                secure(operation, &id);
                shape_parameters(operation, path, &industries);
                shape_body(operation, &id, &industries);
                if id == "submit_batch" {
                    shape_upload(operation);
                }
                link(operation, &id);
            }
        }
    }
}

/// The ten industries' names, from the embedded configuration.
fn industry_names() -> Vec<String> {
    crate::scoring::IndustriesConfig::embedded()
        .map(|c| c.industries.into_iter().map(|i| i.name).collect())
        .unwrap_or_default()
}

/// Security per operation, and the 401 and 400 an operation can return.
fn secure(operation: &mut Operation, id: &str) {
    let requirement = |name: &str| SecurityRequirement::new(name, Vec::<String>::new());
    let security = if PUBLIC_OPERATIONS.contains(&id) {
        Vec::new()
    } else {
        vec![requirement("api_key"), requirement("session")]
    };
    let authenticated = !security.is_empty();
    operation.security = Some(security);
    let takes_input = operation.parameters.as_ref().is_some_and(|p| !p.is_empty())
        || operation.request_body.is_some();
    let responses = &mut operation.responses.responses;
    if authenticated {
        responses
            .entry("401".into())
            .or_insert_with(|| problem("no key or session, or a wrong one"));
    }
    if takes_input {
        responses
            .entry("400".into())
            .or_insert_with(|| problem("a parameter is invalid: the problem names it"));
    }
}

/// Path parameters as the server parses them; `q` may be left out.
fn shape_parameters(operation: &mut Operation, path: &str, industries: &[String]) {
    let id = operation.operation_id.clone().unwrap_or_default();
    let id = id.as_str();
    for parameter in operation.parameters.iter_mut().flatten() {
        let RefOr::T(parameter) = parameter else {
            continue;
        };
        let schema = match (&parameter.parameter_in, parameter.name.as_str()) {
            (ParameterIn::Path, "number") => Some(text().pattern(Some(NUMBER_PATTERN))),
            (ParameterIn::Path, "name") if path.starts_with("/v1/industries") => {
                Some(text().enum_values(Some(industries.iter().cloned())))
            }
            (ParameterIn::Path, "name") => Some(
                text()
                    .pattern(Some(institution_pattern()))
                    .max_length(Some(MAX_CHARS)),
            ),
            (ParameterIn::Query, "q") => {
                parameter.required = Required::False;
                None
            }
            (ParameterIn::Query, "industry") => Some(list(industries)),
            (ParameterIn::Query, "ipc") => Some(list_of(IPC_PREFIX)),
            (ParameterIn::Query, name) => query_schema(id, name),
            _ => None,
        };
        if let Some(schema) = schema {
            parameter.schema = Some(schema.into());
        }
    }
}

/// The values a query parameter takes, as the handlers check them: page sizes, file formats,
/// sort orders, and comma-separated lists of codes (an empty value is no filter). Closed sets
/// of values come from their [`Vocabulary`]: codes and Chinese labels. (A server started with
/// another `--max-page` takes other page sizes; the document states the default.)
fn query_schema(id: &str, name: &str) -> Option<ObjectBuilder> {
    let codes = |values: &[&str]| text().enum_values(Some(values.iter().map(|v| v.to_string())));
    let count = |max: usize| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(max as f64))
    };
    Some(match (id, name) {
        ("get_shortlist", "limit") => count(MAX_SHORTLIST_ROWS),
        (_, "limit") => count(crate::api::DEFAULT_MAX_PAGE),
        (_, "errors_limit") => count(1000),
        (_, "errors_offset") => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .maximum(Some(super::batches::MAX_ERRORS_OFFSET as f64)),
        (_, "year_from" | "year_to") => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .maximum(Some(f64::from(u16::MAX))),
        (_, "min_value") => ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(0))
            .maximum(Some(100)),
        ("get_batch_errors", "format") => codes(&["csv", "xlsx"]),
        ("get_batch_report", "format") => codes(&["json", "csv", "xlsx"]),
        ("get_shortlist", "format") => codes(&["json", "csv", "xlsx", "parquet"]),
        ("submit_batch", "format") => codes(&["jsonl", "csv", "xlsx", "parquet"]),
        (_, "mode") => codes(&["merge", "replace"]),
        (_, "sort") => text().enum_values(Some(spellings::<SortOrder>(|_| true))),
        (_, "type") => list(&spellings::<PatentType>(|_| true)),
        (_, "status") => list(&spellings::<LegalStatus>(|_| true)),
        ("get_shortlist", "tier") => list(&spellings::<Tier>(|t| *t != Tier::Unscored)),
        (_, "tier") => list(&spellings::<Tier>(|_| true)),
        (_, "source_name") => text()
            .min_length(Some(1))
            .max_length(Some(255))
            .pattern(Some(format!(
                "^[^\\x00-\\x1f\\x7f-\\x9f]*{PRINTING}[^\\x00-\\x1f\\x7f-\\x9f]*$"
            ))),
        ("submit_batch", "institution") => text()
            .pattern(Some(format!("^[^{INVISIBLE_CLASS}]*$")))
            .max_length(Some(MAX_CHARS)),
        (_, "institution") => text().pattern(Some(institution_list_pattern())),
        _ => return None,
    })
}

/// Every way a request may spell the values of `V` that `keep` keeps: codes, then labels.
fn spellings<V: Vocabulary>(keep: impl Fn(&V) -> bool) -> Vec<String> {
    let kept: Vec<V> = V::values().iter().copied().filter(|v| keep(v)).collect();
    let codes = kept.iter().map(|v| v.code().to_string());
    let labels = kept.iter().map(|v| v.label_zh().to_string());
    codes.chain(labels).collect()
}

/// A comma-separated list of `values`, or nothing.
fn list(values: &[String]) -> ObjectBuilder {
    let one = values
        .iter()
        .map(|v| regex_escape(v))
        .collect::<Vec<_>>()
        .join("|");
    list_of(&format!("({one})"))
}

/// A comma-separated list of items matching `item` (blank items are skipped).
fn list_of(item: &str) -> ObjectBuilder {
    text().pattern(Some(format!("^{item}?(,{item}?)*$")))
}

/// An IPC prefix as the `ipc` filter reads it: a section (`H`), class (`H01`), subclass
/// (`H01L`), main group (`H01L21`) or group (`H01L21/66`).
const IPC_PREFIX: &str = "([A-Ha-h]([0-9]{2}([A-Za-z](0*[1-9][0-9]{0,3}(/[0-9]{0,6})?)?)?)?)";

/// `text` with the characters a regular expression gives meaning escaped.
fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// A text that may also be `null` (the handler reads it as absent).
fn optional_text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// JSON bodies as the handlers read them (unknown fields are refused).
fn shape_body(operation: &mut Operation, id: &str, industries: &[String]) {
    let schema: Schema = match id {
        "create_demand" | "match_demand_text" => ObjectBuilder::new()
            .schema_type(Type::Object)
            .property(
                "title",
                text()
                    .min_length(Some(1))
                    .max_length(Some(500))
                    .pattern(Some(format!("^[\\s\\S]*{PRINTING}[\\s\\S]*$")))
                    .description(Some("what the enterprise needs, in a line")),
            )
            .required("title")
            .property(
                "description",
                text()
                    .max_length(Some(20_000))
                    .description(Some("the need in full")),
            )
            .property(
                "industry",
                optional_text()
                    .enum_values(Some(
                        industries
                            .iter()
                            .map(|n| serde_json::Value::from(n.as_str()))
                            .chain([serde_json::Value::Null]),
                    ))
                    .description(Some("one of the ten industries")),
            )
            .property("region", optional_text().max_length(Some(500)))
            .property("contact", optional_text().max_length(Some(500)))
            .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)))
            .examples([serde_json::json!({
                "title": "动力电池热管理",
                "description": "需要电池包液冷散热方案，降低电芯温差",
            })])
            .into(),
        "sign_in" => ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("key", text().description(Some("an API key, psk_…")))
            .required("key")
            .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)))
            .into(),
        _ => return,
    };
    if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
        json_body(body, schema);
    }
}

/// The media types a batch file may be sent as, with its bytes as the body.
const BATCH_MEDIA_TYPES: [&str; 4] = [
    "text/csv",
    "application/x-ndjson",
    super::XLSX_MEDIA_TYPE,
    "application/vnd.apache.parquet",
];

/// The body of `POST /v1/batches`: the file's bytes under its media type (any bytes but none:
/// a file that cannot be read is rejected by the worker, with its report), or a form with the file
/// and the query's fields. (`application/octet-stream` is taken too when `source_name` or the
/// `Content-Disposition` names the file; a document cannot say "one of them required", so it
/// is described, not declared.)
fn shape_upload(operation: &mut Operation) {
    let Some(RefOr::T(body)) = operation.request_body.as_mut() else {
        return;
    };
    body.content.clear();
    for media in BATCH_MEDIA_TYPES {
        body.content.insert(
            media.into(),
            utoipa::openapi::content::ContentBuilder::new()
                .schema(Some(Schema::Object(
                    ObjectBuilder::new()
                        .schema_type(SchemaType::AnyValue)
                        .min_length(Some(1))
                        .build(),
                )))
                .build()
                .into(),
        );
    }
    let field = |name: &str| query_schema("submit_batch", name).unwrap_or_else(text);
    let form = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "file",
            text()
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
                .content_media_type("application/octet-stream")
                .min_length(Some(1))
                .description(Some("the batch file")),
        )
        .required("file")
        .property(
            "format",
            field("format").description(Some(
                "the file's format; else the file name's extension, else its first bytes",
            )),
        )
        .property("institution", field("institution"))
        .property("source_name", field("source_name"))
        .property(
            "all_or_nothing",
            // A form's fields are text: a checkbox sends `on`, scripts `true` or `1`.
            text().enum_values(Some(["true", "false", "1", "0", "on", "off", ""])),
        )
        .property("mode", field("mode"))
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)));
    body.content.insert(
        "multipart/form-data".into(),
        utoipa::openapi::content::ContentBuilder::new()
            .schema(Some(Schema::from(form)))
            .build()
            .into(),
    );
}

/// Links from what an operation creates to where it is read: schemathesis's stateful phase
/// follows them (a batch queued, then its status and report; a demand stored, then read and
/// matched; a search, then its first hit's page).
fn link(operation: &mut Operation, id: &str) {
    let links: &[(&str, &str, &str, &str, &str)] = match id {
        "submit_batch" => &[
            ("202", "status", "get_batch", "id", "$response.body#/id"),
            (
                "202",
                "report",
                "get_batch_report",
                "id",
                "$response.body#/id",
            ),
        ],
        "create_demand" => &[
            ("201", "read", "get_demand", "id", "$response.body#/id"),
            (
                "201",
                "matches",
                "get_demand_matches",
                "id",
                "$response.body#/id",
            ),
        ],
        "search" => &[
            (
                "200",
                "first_hit",
                "get_patent",
                "number",
                "$response.body#/hits/0/application_number",
            ),
            (
                "200",
                "demands",
                "get_patent_demands",
                "number",
                "$response.body#/hits/0/application_number",
            ),
            (
                "200",
                "similar",
                "get_similar_patents",
                "number",
                "$response.body#/hits/0/application_number",
            ),
        ],
        _ => return,
    };
    for (status, name, target, parameter, expression) in links {
        if let Some(RefOr::T(response)) = operation.responses.responses.get_mut(*status) {
            response.links.insert(
                (*name).into(),
                utoipa::openapi::link::LinkBuilder::new()
                    .operation_id(*target)
                    .parameter(*parameter, *expression)
                    .build()
                    .into(),
            );
        }
    }
}

fn json_body(body: &mut RequestBody, schema: Schema) {
    body.required = Some(Required::True);
    body.content.insert(
        "application/json".into(),
        utoipa::openapi::content::ContentBuilder::new()
            .schema(Some(schema))
            .build()
            .into(),
    );
}

/// A problem+json response.
fn problem(description: &str) -> RefOr<utoipa::openapi::response::Response> {
    utoipa::openapi::response::ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            utoipa::openapi::content::ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}
