//! The tantivy schema of the patent index and typed handles to its fields.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::schema::contract;

/// Typed handles to every field of the patent index.
#[derive(Debug, Clone)]
pub struct PatentFields {
    /// The tantivy schema.
    pub schema: Schema,
    /// Canonical application number: exact term, stored; the delete key.
    pub application_number: Field,
    /// Publication numbers without their kind code (`CN110165321`): exact terms, for
    /// looking a patent up by the number on its A or B publication.
    pub publication_number: Field,
    /// Dense patent ordinal from the catalog (fast field; keys the score table).
    pub ordinal: Field,
    /// 标题, analysed and stored.
    pub title: Field,
    /// 摘要, analysed (stored in `long_texts`).
    pub abstract_text: Field,
    /// 权利要求书, analysed (stored in `long_texts`).
    pub claims: Field,
    /// 说明书, analysed, not stored (the archive keeps it).
    pub description: Field,
    /// Applicants and current assignees, analysed (the `ap:` field).
    pub applicants: Field,
    /// Inventors, analysed.
    pub inventors: Field,
    /// Promotion packet text: problem solved and advantages, analysed.
    pub promotion: Field,
    /// Character bigrams of title, abstract and promotion text (not claims: they are most of
    /// the text, and their words and phrases are searched on the claims field).
    pub bigrams: Field,
    /// IPC codes as exact terms (`H01L21/66`), stored.
    pub ipc: Field,
    /// IPC hierarchy facet: `/H/H01/H01L/21/66`.
    pub ipc_facet: Field,
    /// Institution facet: `/清华大学`.
    pub institution: Field,
    /// Patent type facet: `/invention`.
    pub patent_type: Field,
    /// Legal status facet: `/in_force`.
    pub legal_status: Field,
    /// Application year facet: `/2021`.
    pub year_facet: Field,
    /// Application year, fast and indexed (ranges).
    pub year: Field,
    /// Application date as days since 1970-01-01, fast and indexed (ranges, date sort).
    pub application_day: Field,
    /// The rest of the record as JSON, stored only.
    pub record: Field,
    /// Abstract and claims, compressed together, stored only: a hit shown without snippets
    /// neither decompresses nor checks them (they are two thirds of a stored patent).
    pub long_texts: Field,
}

/// Name of the character-bigram analyser.
pub const BIGRAM_ANALYSER: &str = "zh_bigram";

/// Field names, also used by the query syntax.
pub mod names {
    /// Application number.
    pub const APPLICATION_NUMBER: &str = "application_number";
    /// Ordinal fast field.
    pub const ORDINAL: &str = "ordinal";
    /// Application day fast field.
    pub const APPLICATION_DAY: &str = "application_day";
    /// Year fast field.
    pub const YEAR: &str = "year";
    /// Legal status facet.
    pub const LEGAL_STATUS: &str = "legal_status";
    /// Patent type facet.
    pub const PATENT_TYPE: &str = "patent_type";
}

impl PatentFields {
    /// Builds the schema.
    pub fn build() -> PatentFields {
        let analyser = &contract().analysis.tokenizer;
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyser)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text_stored = TextOptions::default()
            .set_indexing_options(indexing.clone())
            .set_stored();
        let text = TextOptions::default().set_indexing_options(indexing);
        let bigram_text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(BIGRAM_ANALYSER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut b = Schema::builder();
        let application_number = b.add_text_field(names::APPLICATION_NUMBER, STRING | STORED);
        let publication_number = b.add_text_field("publication_number", STRING);
        let ordinal = b.add_u64_field(names::ORDINAL, FAST | STORED);
        let title = b.add_text_field("title", text_stored);
        let abstract_text = b.add_text_field("abstract", text.clone());
        let claims = b.add_text_field("claims", text.clone());
        let description = b.add_text_field("description", text.clone());
        let applicants = b.add_text_field("applicants", text.clone());
        let inventors = b.add_text_field("inventors", text.clone());
        let promotion = b.add_text_field("promotion", text);
        let bigrams = b.add_text_field("bigrams", bigram_text);
        let ipc = b.add_text_field("ipc", STRING | STORED);
        let ipc_facet = b.add_facet_field("ipc_tree", tantivy::schema::FacetOptions::default());
        let institution =
            b.add_facet_field("institution", tantivy::schema::FacetOptions::default());
        let patent_type =
            b.add_facet_field(names::PATENT_TYPE, tantivy::schema::FacetOptions::default());
        let legal_status = b.add_facet_field(
            names::LEGAL_STATUS,
            tantivy::schema::FacetOptions::default(),
        );
        let year_facet = b.add_facet_field("year_facet", tantivy::schema::FacetOptions::default());
        let year = b.add_u64_field(names::YEAR, FAST | INDEXED);
        let application_day = b.add_i64_field(names::APPLICATION_DAY, FAST | INDEXED);
        let record = b.add_text_field("record", STORED);
        let long_texts = b.add_bytes_field("long_texts", STORED);
        PatentFields {
            schema: b.build(),
            application_number,
            publication_number,
            ordinal,
            title,
            abstract_text,
            claims,
            description,
            applicants,
            inventors,
            promotion,
            bigrams,
            ipc,
            ipc_facet,
            institution,
            patent_type,
            legal_status,
            year_facet,
            year,
            application_day,
            record,
            long_texts,
        }
    }

    /// Resolves the fields of an existing index's schema by name.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<PatentFields> {
        let built = PatentFields::build();
        if built.schema != *schema {
            return Err(tantivy::TantivyError::SchemaError(
                "the index was built with another field layout".into(),
            ));
        }
        Ok(built)
    }
}
