//! Conversion between [`Patent`]s and tantivy documents.

use chrono::NaiveDate;
use serde::Deserialize;
use tantivy::TantivyDocument;
use tantivy::schema::{Facet, Value};

use super::fields::PatentFields;
use crate::error::{Error, Result};
use crate::model::{ApplicationNumber, LegalStatus, Patent, PatentType, publication_stem};

/// Days since 1970-01-01.
pub fn epoch_day(date: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (date - epoch).num_days()
}

/// Root segment of every facet path. Counting the children of a named root (`/f/…`) avoids
/// tantivy 0.27's `FacetCollector` miscounting children of the bare root `/`.
pub const FACET_ROOT: &str = "f";

/// A facet path under [`FACET_ROOT`].
pub fn facet<S: AsRef<str>>(segments: impl IntoIterator<Item = S>) -> Facet {
    let mut path = vec![FACET_ROOT.to_string()];
    path.extend(segments.into_iter().map(|s| s.as_ref().to_string()));
    Facet::from_path(path)
}

/// The facet path of an IPC prefix or code: `/f/H/H01/H01L/H01L21/00/H01L21/66`.
pub fn ipc_facet(ancestry: &[String]) -> Facet {
    facet(ancestry)
}

/// Builds the index document of a patent (never called for withdrawals).
pub fn to_document(
    fields: &PatentFields,
    patent: &Patent,
    ordinal: u64,
) -> Result<TantivyDocument> {
    let mut doc = TantivyDocument::new();
    doc.add_text(
        fields.application_number,
        patent.application_number.as_str(),
    );
    for stem in patent
        .publication_numbers
        .iter()
        .filter_map(|n| publication_stem(n))
    {
        doc.add_text(fields.publication_number, stem);
    }
    doc.add_u64(fields.ordinal, ordinal);
    doc.add_text(fields.title, &patent.title);
    doc.add_text(fields.bigrams, &patent.title);
    if let Some(text) = &patent.abstract_text {
        doc.add_text(fields.abstract_text, text);
        doc.add_text(fields.bigrams, text);
    }
    if let Some(text) = &patent.claims {
        doc.add_text(fields.claims, text);
    } else {
        // An export's claim 1 and independent claims are the claims there are to search.
        for text in [&patent.first_claim, &patent.independent_claims]
            .into_iter()
            .flatten()
        {
            doc.add_text(fields.claims, text);
        }
    }
    if patent.abstract_text.is_some() || patent.claims.is_some() {
        doc.add_bytes(
            fields.long_texts,
            &encode_long_texts(patent.abstract_text.as_deref(), patent.claims.as_deref()),
        );
    }
    if let Some(text) = &patent.description {
        doc.add_text(fields.description, text);
    }
    for name in patent.applicants.iter().chain(&patent.current_assignees) {
        doc.add_text(fields.applicants, name);
    }
    for name in &patent.inventors {
        doc.add_text(fields.inventors, name);
    }
    for text in patent.problem_solved.iter().chain(&patent.advantages) {
        doc.add_text(fields.promotion, text);
        doc.add_text(fields.bigrams, text);
    }
    for code in &patent.ipc {
        doc.add_text(fields.ipc, code.as_str());
        doc.add_facet(fields.ipc_facet, ipc_facet(&code.ancestry()));
    }
    if let Some(institution) = &patent.institution {
        doc.add_facet(fields.institution, facet([institution]));
    }
    if let Some(t) = patent.effective_type() {
        doc.add_facet(fields.patent_type, facet([t.as_str()]));
    }
    if let Some(s) = patent.legal_status {
        doc.add_facet(fields.legal_status, facet([s.as_str()]));
    }
    let year = patent.application_year();
    doc.add_facet(fields.year_facet, facet([year.to_string()]));
    doc.add_u64(fields.year, u64::from(year));
    if let Some(date) = patent.application_date {
        doc.add_i64(fields.application_day, epoch_day(date));
    }
    // Everything but the analysed long texts, to rebuild the record for display.
    doc.add_text(
        fields.record,
        serde_json::to_string(&patent.without_long_texts())?,
    );
    Ok(doc)
}

/// Rebuilds a patent from its stored document (the description is not stored in the index).
pub fn from_document(fields: &PatentFields, doc: &TantivyDocument) -> Result<Patent> {
    let mut patent = without_long_texts(fields, doc)?;
    (patent.abstract_text, patent.claims) = long_texts(fields, doc)?;
    Ok(patent)
}

/// Rebuilds a patent from its stored document without its abstract and claims.
pub fn without_long_texts(fields: &PatentFields, doc: &TantivyDocument) -> Result<Patent> {
    Ok(serde_json::from_str(stored_record(fields, doc)?)?)
}

fn stored_record<'a>(fields: &PatentFields, doc: &'a TantivyDocument) -> Result<&'a str> {
    doc.get_first(fields.record)
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::Corrupt("an indexed patent has no stored record".into()))
}

/// The fields of a stored patent a search hit shows, read from its record without building
/// the rest (events, citations, family, promotion packet).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HitFields {
    /// Application number.
    pub application_number: ApplicationNumber,
    /// Patent type as recorded.
    #[serde(default)]
    pub patent_type: Option<PatentType>,
    /// Institution.
    #[serde(default)]
    pub institution: Option<String>,
    /// Title.
    pub title: String,
    /// IPC codes as recorded (canonical), main first.
    #[serde(default)]
    pub ipc: Vec<String>,
    /// Applicants.
    #[serde(default)]
    pub applicants: Vec<String>,
    /// Application date.
    #[serde(default)]
    pub application_date: Option<NaiveDate>,
    /// Legal status.
    #[serde(default)]
    pub legal_status: Option<LegalStatus>,
    /// When it lapsed, expired or was invalidated.
    #[serde(default)]
    pub lapse_date: Option<NaiveDate>,
}

impl HitFields {
    /// Reads the hit fields of a stored document.
    pub fn of(fields: &PatentFields, doc: &TantivyDocument) -> Result<HitFields> {
        Ok(serde_json::from_str(stored_record(fields, doc)?)?)
    }

    /// The hit fields of a patent.
    pub fn from_patent(patent: &Patent) -> HitFields {
        HitFields {
            application_number: patent.application_number.clone(),
            patent_type: patent.patent_type,
            institution: patent.institution.clone(),
            title: patent.title.clone(),
            ipc: patent.ipc.iter().map(ToString::to_string).collect(),
            applicants: patent.applicants.clone(),
            application_date: patent.application_date,
            legal_status: patent.legal_status,
            lapse_date: patent.lapse_date,
        }
    }

    /// The recorded type, or the one the application number implies.
    pub fn effective_type(&self) -> Option<PatentType> {
        PatentType::effective(self.patent_type, &self.application_number)
    }
}

/// The stored abstract and claims of a document.
pub fn long_texts(
    fields: &PatentFields,
    doc: &TantivyDocument,
) -> Result<(Option<String>, Option<String>)> {
    match doc.get_first(fields.long_texts).and_then(|v| v.as_bytes()) {
        Some(bytes) => decode_long_texts(bytes),
        None => Ok((None, None)),
    }
}

/// Which of the two texts a stored blob holds.
const HAS_ABSTRACT: u8 = 1;
const HAS_CLAIMS: u8 = 2;

/// Abstract and claims as one LZ4 block: a flag byte, the abstract's length (u32, little
/// endian), the abstract, the claims.
fn encode_long_texts(abstract_text: Option<&str>, claims: Option<&str>) -> Vec<u8> {
    let a = abstract_text.unwrap_or_default();
    let c = claims.unwrap_or_default();
    let mut raw = Vec::with_capacity(5 + a.len() + c.len());
    let flags = if abstract_text.is_some() {
        HAS_ABSTRACT
    } else {
        0
    } | if claims.is_some() { HAS_CLAIMS } else { 0 };
    raw.push(flags);
    raw.extend_from_slice(&u32::try_from(a.len()).unwrap_or(u32::MAX).to_le_bytes());
    raw.extend_from_slice(a.as_bytes());
    raw.extend_from_slice(c.as_bytes());
    lz4_flex::compress_prepend_size(&raw)
}

fn decode_long_texts(bytes: &[u8]) -> Result<(Option<String>, Option<String>)> {
    let corrupt = |what: &str| Error::Corrupt(format!("stored abstract and claims: {what}"));
    let raw = lz4_flex::decompress_size_prepended(bytes).map_err(|e| corrupt(&e.to_string()))?;
    let (&flags, rest) = raw.split_first().ok_or_else(|| corrupt("empty"))?;
    let (length, rest) = rest
        .split_at_checked(4)
        .ok_or_else(|| corrupt("truncated"))?;
    let length = u32::from_le_bytes(length.try_into().map_err(|_| corrupt("truncated"))?);
    let (a, c) = rest
        .split_at_checked(usize::try_from(length).map_err(|_| corrupt("length"))?)
        .ok_or_else(|| corrupt("truncated"))?;
    let text = |bytes: &[u8], flag: u8| -> Result<Option<String>> {
        if flags & flag == 0 {
            return Ok(None);
        }
        String::from_utf8(bytes.to_vec())
            .map(Some)
            .map_err(|_| corrupt("not UTF-8"))
    };
    Ok((text(a, HAS_ABSTRACT)?, text(c, HAS_CLAIMS)?))
}

/// Returns the stored ordinal of a document.
pub fn ordinal(fields: &PatentFields, doc: &TantivyDocument) -> Option<u64> {
    doc.get_first(fields.ordinal).and_then(|v| v.as_u64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ApplicationNumber, IpcCode};

    #[test]
    fn documents_round_trip() {
        let fields = PatentFields::build();
        let mut p = Patent::new(
            ApplicationNumber::parse("CN202110123456.7").unwrap(),
            "一种压力传感器",
        );
        p.abstract_text = Some("摘要".into());
        p.claims = Some("1.一种压力传感器。".into());
        p.ipc = vec![IpcCode::parse("G01L1/14").unwrap()];
        p.institution = Some("清华大学".into());
        let doc = to_document(&fields, &p, 7).unwrap();
        assert_eq!(from_document(&fields, &doc).unwrap(), p);
        let mut short = p.clone();
        (short.abstract_text, short.claims) = (None, None);
        assert_eq!(without_long_texts(&fields, &doc).unwrap(), short);
        // A hit reads its fields alone, the same as from the whole record.
        let hit = HitFields::of(&fields, &doc).unwrap();
        assert_eq!(hit, HitFields::from_patent(&p));
        assert_eq!(hit.ipc, ["G01L1/14"]);
        assert_eq!(hit.institution.as_deref(), Some("清华大学"));
        // Either text alone, or neither, comes back as it went in.
        for (a, c) in [(Some("摘要"), None), (None, Some("1.一种。")), (None, None)] {
            let mut q = short.clone();
            q.abstract_text = a.map(str::to_string);
            q.claims = c.map(str::to_string);
            let doc = to_document(&fields, &q, 8).unwrap();
            assert_eq!(from_document(&fields, &doc).unwrap(), q);
        }
        assert!(decode_long_texts(&[1, 2, 3]).is_err());
        let cut = encode_long_texts(Some("摘要"), Some("权利"));
        assert!(decode_long_texts(&cut[..cut.len() - 2]).is_err());
        assert_eq!(ordinal(&fields, &doc), Some(7));
        assert_eq!(epoch_day(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
    }
}
