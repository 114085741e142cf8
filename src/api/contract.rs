//! What the generated OpenAPI document states beyond the handlers' annotations: how each
//! operation authenticates (public operations declare nothing), the 401 and 400 every
//! authenticated or parameterised operation can return, and the exact shapes of path
//! parameters and JSON bodies, so that a request the document allows is one the server
//! accepts (checked by schemathesis in `.ci/run`).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, SchemaType, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required, Schema};

/// Operations anyone may call: no key, no session.
const PUBLIC_OPERATIONS: [&str; 4] = ["healthz", "readyz", "metrics", "sign_in"];

/// The operation that reads the console's session: the session cookie only.
const SESSION_OPERATIONS: [&str; 1] = ["get_session"];

/// An application number path parameter the server always parses: 12 digits, optionally
/// after `CN` or `ZL` (the check digit follows from them). The server also takes the forms
/// with a check digit and publication numbers; a generator must not invent wrong check
/// digits, so the document names only this form.
const NUMBER_PATTERN: &str = "^(CN|ZL)?[0-9]{12}$";

/// An institution name path parameter: Chinese characters, Latin letters and digits.
const INSTITUTION_PATTERN: &str = "^[\u{4e00}-\u{9fa5}A-Za-z0-9]{1,60}$";

/// A text with something besides white space.
const NOT_BLANK: &str = "\\S";

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
    } else if SESSION_OPERATIONS.contains(&id) {
        vec![requirement("session")]
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
            (ParameterIn::Path, "name") => Some(text().pattern(Some(INSTITUTION_PATTERN))),
            (ParameterIn::Query, "q") => {
                parameter.required = Required::False;
                None
            }
            (ParameterIn::Query, name) => query_schema(id, name),
            _ => None,
        };
        if let Some(schema) = schema {
            parameter.schema = Some(schema.into());
        }
    }
}

/// The values a query parameter takes, as the handlers check them: page sizes, file formats,
/// sort orders, and comma-separated lists of codes. (A server started with another
/// `--max-page` takes other page sizes; the document states the default.)
fn query_schema(id: &str, name: &str) -> Option<ObjectBuilder> {
    let codes = |values: &[&str]| text().enum_values(Some(values.iter().map(|v| v.to_string())));
    let list = |values: &[&str]| {
        let one = values.join("|");
        text().pattern(Some(format!("^({one})(,({one}))*$")))
    };
    let count = |max: Option<u64>| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(max)
    };
    Some(match (id, name) {
        ("get_shortlist", "limit") => count(None),
        (_, "limit") => count(Some(200)),
        (_, "errors_limit") => count(Some(1000)),
        ("get_batch_errors", "format") => codes(&["csv", "xlsx"]),
        ("get_batch_report", "format") => codes(&["json", "csv", "xlsx"]),
        ("get_shortlist", "format") => codes(&["json", "csv", "xlsx", "parquet"]),
        ("submit_batch", "format") => codes(&["jsonl", "csv", "xlsx", "parquet"]),
        (_, "mode") => codes(&["merge", "replace"]),
        (_, "sort") => codes(&[
            "relevance",
            "newest",
            "oldest",
            "value",
            "industry_rank",
            "blended",
        ]),
        (_, "type") => list(&["invention", "utility_model", "design"]),
        (_, "status") => list(&["pending", "in_force", "lapsed", "expired", "invalidated"]),
        ("get_shortlist", "tier") => list(&["A", "B", "C", "D", "lapsed"]),
        (_, "tier") => list(&["A", "B", "C", "D", "lapsed", "unscored"]),
        (_, "source_name") => text()
            .min_length(Some(1))
            .max_length(Some(255))
            .pattern(Some("^[^\\x00-\\x1f\\x7f]*\\S[^\\x00-\\x1f\\x7f]*$")),
        (_, "institution") => {
            let one = INSTITUTION_PATTERN
                .trim_start_matches('^')
                .trim_end_matches('$');
            text().pattern(Some(format!("^{one}(,{one})*$")))
        }
        _ => return None,
    })
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
                    .pattern(Some(NOT_BLANK))
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
