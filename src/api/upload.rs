//! Receiving a batch upload as people send it: a raw body (its format from `?format=`, the
//! Content-Type, or for `application/octet-stream` the file name), or a `multipart/form-data`
//! form with one `file` part and the submission's settings as fields. Either way the file
//! streams into the queue's folder within the size limit, each piece arriving within the idle
//! timeout.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use super::error::{ApiError, ApiResult};
use crate::engine::Library;
use crate::ingest::Format;

/// The longest a form's text field may be, in bytes.
const MAX_FIELD_BYTES: usize = 4096;

/// The form fields a multipart upload may carry besides its file: the query parameters of
/// `POST /v1/batches`, for clients that cannot set a query string.
pub const FORM_FIELDS: [&str; 5] = [
    "institution",
    "source_name",
    "format",
    "all_or_nothing",
    "mode",
];

/// What arrived: the file (in the queue's folder), its format, the name the client gave it
/// and the form's fields.
#[derive(Debug)]
pub struct Received {
    /// Where the bytes are.
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// The file name the client sent (a part's or Content-Disposition's `filename`).
    pub file_name: Option<String>,
    /// Form fields by name (only [`FORM_FIELDS`]).
    pub fields: Vec<(String, String)>,
}

impl Received {
    /// The value of form field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How a body is to be read, decided from the headers before any of it is read.
pub enum BodyKind {
    /// The file itself, in this format, perhaps with a file name.
    Raw(Format, Option<String>),
    /// A form with this boundary.
    Form(String),
}

/// The format of a raw body or the boundary of a form. `format` is `?format=`,
/// `source_name` the `?source_name=`.
pub fn body_kind(
    headers: &HeaderMap,
    format: Option<&str>,
    source_name: Option<&str>,
) -> ApiResult<BodyKind> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media == "multipart/form-data" {
        let boundary = multer::parse_boundary(content_type).map_err(|e| {
            ApiError::bad(
                "Content-Type",
                format!("multipart/form-data needs a boundary: {e}"),
            )
        })?;
        return Ok(BodyKind::Form(boundary));
    }
    let file_name = disposition_file_name(headers);
    if let Some(name) = format {
        return Ok(BodyKind::Raw(named_format(name)?, file_name));
    }
    if let Some(found) = Format::parse(content_type) {
        return Ok(BodyKind::Raw(found, file_name));
    }
    if media == "application/octet-stream" || media.is_empty() {
        let named = source_name.or(file_name.as_deref());
        return match named.and_then(|n| Format::from_path(Path::new(n))) {
            Some(found) => Ok(BodyKind::Raw(found, file_name)),
            None => Err(ApiError::bad(
                "format",
                format!(
                    "{}: name the file (source_name=….csv, or Content-Disposition's filename) or give ?format=jsonl|csv|xlsx|parquet",
                    match named {
                        Some(n) => format!("the file name '{n}' has no known extension"),
                        None => "an application/octet-stream body has no format".into(),
                    }
                ),
            )),
        };
    }
    Err(ApiError::bad(
        "Content-Type",
        format!(
            "'{content_type}' names no batch format: use text/csv, application/x-ndjson, the XLSX or Parquet media type, application/octet-stream with a file name, multipart/form-data, or ?format="
        ),
    ))
}

fn named_format(name: &str) -> ApiResult<Format> {
    Format::parse(name).ok_or_else(|| {
        ApiError::bad(
            "format",
            format!("'{name}' is not jsonl, csv, xlsx or parquet"),
        )
    })
}

/// The `filename` of a `Content-Disposition` header, if any.
fn disposition_file_name(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_DISPOSITION)?.to_str().ok()?;
    value.split(';').find_map(|part| {
        let (key, name) = part.trim().split_once('=')?;
        (key.trim().eq_ignore_ascii_case("filename"))
            .then(|| name.trim().trim_matches('"').to_string())
            .filter(|n| !n.is_empty())
    })
}

/// The limits a body is read under.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most bytes of the file.
    pub bytes: u64,
    /// Longest wait for the next piece.
    pub idle: Duration,
}

/// Reads a body of `kind` into a new upload file of `library`; the file is removed on error.
/// `format` is the query's `?format=`, which a form's part cannot override.
pub async fn receive(
    library: &std::sync::Arc<Library>,
    kind: BodyKind,
    body: Body,
    format: Option<&str>,
    limits: Limits,
) -> ApiResult<Received> {
    match kind {
        BodyKind::Raw(found, file_name) => {
            let path = new_upload(library, found).await?;
            let mut stream = body.into_data_stream();
            finish(
                write_stream(&path, &mut stream, limits).await,
                &path,
                Received {
                    path: path.clone(),
                    format: found,
                    file_name,
                    fields: Vec::new(),
                },
            )
            .await
        }
        BodyKind::Form(boundary) => receive_form(library, boundary, body, format, limits).await,
    }
}

async fn new_upload(library: &std::sync::Arc<Library>, format: Format) -> ApiResult<PathBuf> {
    let library = library.clone();
    Ok(
        tokio::task::spawn_blocking(move || library.new_upload(format))
            .await
            .map_err(ApiError::internal)??,
    )
}

/// Returns `received` when `outcome` is fine, else removes the file and returns the error.
async fn finish(outcome: ApiResult<()>, path: &Path, received: Received) -> ApiResult<Received> {
    if let Err(e) = outcome {
        let path = path.to_path_buf();
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(path)).await;
        return Err(e);
    }
    Ok(received)
}

async fn receive_form(
    library: &std::sync::Arc<Library>,
    boundary: String,
    body: Body,
    format: Option<&str>,
    limits: Limits,
) -> ApiResult<Received> {
    let mut form = multer::Multipart::new(body.into_data_stream(), boundary);
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file: Option<Received> = None;
    // Whether the file part's name or type named its format.
    let mut named = false;
    let outcome = async {
        loop {
            let next = tokio::time::timeout(limits.idle, form.next_field())
                .await
                .map_err(|_| stalled(limits.idle, 0))?;
            let Some(mut part) = next.map_err(form_error)? else {
                break;
            };
            let name = part.name().unwrap_or("").to_string();
            if name == "file" {
                if file.is_some() {
                    return Err(ApiError::bad("file", "the form has more than one file part"));
                }
                let file_name = part.file_name().map(str::to_string);
                // The format may also come in a field after the file: until the form has
                // ended, the part's name or type is only a candidate.
                let candidate = file_name
                    .as_deref()
                    .and_then(|n| Format::from_path(Path::new(n)))
                    .or_else(|| part.content_type().and_then(|m| Format::parse(m.as_ref())));
                let path = new_upload(library, candidate.unwrap_or(Format::Csv)).await?;
                // Kept before the write, so that a failed write removes it.
                file = Some(Received {
                    path: path.clone(),
                    format: candidate.unwrap_or(Format::Csv),
                    file_name,
                    fields: Vec::new(),
                });
                named = candidate.is_some();
                write_stream(&path, &mut part, limits).await?;
            } else if FORM_FIELDS.contains(&name.as_str()) {
                if fields_value(&fields, &name).is_some() {
                    return Err(ApiError::bad(&name, "the form gives this field twice"));
                }
                let mut value = Vec::new();
                while let Some(chunk) = part.chunk().await.map_err(form_error)? {
                    value.extend_from_slice(&chunk);
                    if value.len() > MAX_FIELD_BYTES {
                        return Err(ApiError::bad(
                            &name,
                            format!("longer than {MAX_FIELD_BYTES} bytes"),
                        ));
                    }
                }
                let value = String::from_utf8(value)
                    .map_err(|_| ApiError::bad(&name, "is not UTF-8 text"))?;
                fields.push((name, value));
            } else {
                return Err(ApiError::bad(
                    if name.is_empty() { "form" } else { name.as_str() },
                    format!(
                        "'{name}' is not a field of this form: send the file as 'file' and settings as {}",
                        FORM_FIELDS.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
    .await;
    let outcome = outcome.and_then(|()| {
        // A form's format field is checked even when the query's is the one used.
        if let Some(field) = fields_value(&fields, "format") {
            named_format(field)?;
        }
        // The query's format, else the form's field, else the part's name or type.
        format
            .or(fields_value(&fields, "format"))
            .map(named_format)
            .transpose()
    });
    if let (Ok(found), Some(received)) = (&outcome, file.as_mut()) {
        received.format = match found {
            Some(found) => *found,
            None if named => received.format,
            // Nothing names the format (no field, and a name like `file` or `notes.docx`): the
            // file's first bytes say it, and a file that is no batch is rejected by the worker
            // with the reason, as any unreadable file is.
            None => sniff(received.path.clone()).await,
        };
    }
    match (outcome.map(|_| ()), file) {
        (Ok(()), Some(mut received)) => {
            received.fields = fields;
            Ok(received)
        }
        (Ok(()), None) => Err(ApiError::bad(
            "file",
            "the form has no part named 'file' holding the batch",
        )),
        (Err(e), Some(received)) => finish(Err(e), &received.path.clone(), received).await,
        (Err(e), None) => Err(e),
    }
}

/// The format of a file that nothing names, from its first bytes: Parquet's and XLSX's (zip)
/// magic numbers, a JSON object for JSON Lines, else CSV (whose reader then says what is
/// wrong with it, if anything).
async fn sniff(path: PathBuf) -> Format {
    let head = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut head = Vec::with_capacity(512);
        std::fs::File::open(&path)
            .and_then(|f| f.take(512).read_to_end(&mut head))
            .map(|_| head)
            .unwrap_or_default()
    })
    .await
    .unwrap_or_default();
    format_of(&head)
}

/// The format [`sniff`] reads from a file's first bytes.
fn format_of(head: &[u8]) -> Format {
    let text = head
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(head);
    if head.starts_with(b"PAR1") {
        Format::Parquet
    } else if head.starts_with(b"PK\x03\x04") {
        Format::Xlsx
    } else if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        Format::Jsonl
    } else {
        Format::Csv
    }
}

fn fields_value<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn form_error(error: multer::Error) -> ApiError {
    match error {
        multer::Error::StreamReadFailed(e) => {
            ApiError::bad("body", format!("the body could not be read: {e}"))
        }
        other => ApiError::bad("body", format!("not a readable multipart form: {other}")),
    }
}

fn stalled(idle: Duration, received: u64) -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "upload stalled",
        format!(
            "no part of the body arrived for {} s after {received} bytes",
            idle.as_secs()
        ),
    )
}

/// A failed write of an upload: a full disk is a 507, anything else a 500.
fn write_error(error: std::io::Error) -> ApiError {
    if error.kind() == std::io::ErrorKind::StorageFull {
        ApiError::storage_full()
    } else {
        ApiError::internal(error)
    }
}

/// The 413 of an upload over `limit` bytes.
pub fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body too large",
        format!("the upload is larger than the limit of {limit} bytes; split the batch"),
    )
}

/// Streams `chunks` into `path`, at most `limits.bytes`, each piece within `limits.idle`.
async fn write_stream<S, E>(path: &Path, chunks: &mut S, limits: Limits) -> ApiResult<()>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut file = tokio::fs::File::create(path).await.map_err(write_error)?;
    let mut received: u64 = 0;
    loop {
        let next = tokio::time::timeout(limits.idle, chunks.next())
            .await
            .map_err(|_| stalled(limits.idle, received))?;
        let Some(chunk) = next else { break };
        let chunk =
            chunk.map_err(|e| ApiError::bad("body", format!("the body could not be read: {e}")))?;
        received += chunk.len() as u64;
        if received > limits.bytes {
            return Err(too_large(limits.bytes));
        }
        file.write_all(&chunk).await.map_err(write_error)?;
    }
    file.flush().await.map_err(write_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_nothing_names_is_known_by_its_first_bytes() {
        assert_eq!(format_of(b"PAR1\x15\x04"), Format::Parquet);
        assert_eq!(format_of(b"PK\x03\x04\x14\x00"), Format::Xlsx);
        assert_eq!(
            format_of(b"\xef\xbb\xbf \n{\"application_number\": 1}"),
            Format::Jsonl
        );
        assert_eq!(format_of("申请号,名称\n".as_bytes()), Format::Csv);
        assert_eq!(format_of(b""), Format::Csv);
    }

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), value.parse().unwrap());
        }
        map
    }

    fn raw(kind: ApiResult<BodyKind>) -> (Format, Option<String>) {
        match kind {
            Ok(BodyKind::Raw(format, name)) => (format, name),
            Ok(BodyKind::Form(_)) => panic!("read as a form"),
            Err(e) => panic!("refused: {e:?}"),
        }
    }

    #[test]
    fn a_body_says_its_format_by_parameter_type_or_file_name() {
        let csv = headers(&[(header::CONTENT_TYPE, "text/csv; charset=utf-8")]);
        assert_eq!(raw(body_kind(&csv, None, None)).0, Format::Csv);
        assert_eq!(raw(body_kind(&csv, Some("xlsx"), None)).0, Format::Xlsx);
        let octets = headers(&[(header::CONTENT_TYPE, "application/octet-stream")]);
        assert_eq!(
            raw(body_kind(&octets, None, Some("清华.XLSX"))).0,
            Format::Xlsx
        );
        let disposed = headers(&[
            (header::CONTENT_TYPE, "application/octet-stream"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"batch.parquet\"",
            ),
        ]);
        assert_eq!(
            raw(body_kind(&disposed, None, None)),
            (Format::Parquet, Some("batch.parquet".into()))
        );
        let unnamed = body_kind(&octets, None, None).err().unwrap();
        assert_eq!(unnamed.parameter(), Some("format"));
        let unknown = body_kind(&octets, None, Some("a.docx")).err().unwrap();
        assert_eq!(unknown.parameter(), Some("format"));
        let image = headers(&[(header::CONTENT_TYPE, "image/png")]);
        assert_eq!(
            body_kind(&image, None, None).err().unwrap().parameter(),
            Some("Content-Type")
        );
        let form = headers(&[(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")]);
        assert!(matches!(body_kind(&form, None, None), Ok(BodyKind::Form(b)) if b == "XyZ"));
        let no_boundary = headers(&[(header::CONTENT_TYPE, "multipart/form-data")]);
        assert_eq!(
            body_kind(&no_boundary, None, None)
                .err()
                .unwrap()
                .parameter(),
            Some("Content-Type")
        );
    }
}
