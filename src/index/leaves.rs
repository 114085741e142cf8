//! The leaves of a query plan: what a word or phrase in each scope matches and scores by.
//!
//! A default-scope word matches a patent that holds it whole (see [`Builder::whole`]) or
//! holds one of its thesaurus aliases whole; its precise cut and character bigrams, and its
//! aliases' at the alias weight, score. A quoted phrase matches exactly where the text has
//! it. A scoped word matches its terms in sequence in that field; names match all their words;
//! facet scopes (`ipc: inst: type: status: an:`) are filters.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::document::facet;
use super::fields::PatentFields;
use super::guard::Guarded;
use super::plan::{Boosts, MAX_ALIASES, Part, boolean, combine};
use super::query::{Node, Scope, ipc_prefix_facet};
use super::union::SkipUnion;
use crate::error::{Error, Result};
use crate::model::{ApplicationNumber, LegalStatus, PatentType, Vocabulary, publication_stem};
use crate::text::{Analyzer, SegmentMode, Thesaurus};

/// Builds the parts of a query.
pub(super) struct Builder<'a> {
    pub(super) fields: &'a PatentFields,
    pub(super) boosts: &'a Boosts,
    pub(super) thesaurus: Option<&'a Thesaurus>,
    pub(super) analyzer: Analyzer,
}

impl Builder<'_> {
    /// The part of one clause (`None`: nothing searchable, only stopwords).
    pub(super) fn part(&mut self, node: &Node) -> Result<Option<Part>> {
        match node {
            Node::All => Ok(Some(Part {
                matcher: Box::new(AllQuery),
                scored: false,
                scoring: Vec::new(),
                aliases: Vec::new(),
                terms: None,
                facet: false,
                groups: Vec::new(),
            })),
            Node::Word(scope, text) => self.leaf(*scope, text, false),
            Node::Phrase(scope, text) => self.leaf(*scope, text, true),
            Node::Or(items) => {
                let mut parts = Vec::new();
                for item in items {
                    parts.extend(self.part(item)?);
                }
                Ok(combine(parts, Occur::Should))
            }
            Node::And(items) | Node::Group(items) => {
                let mut must = Vec::new();
                let mut not = Vec::new();
                for (occur, item) in items {
                    if let Some(part) = self.part(item)? {
                        if *occur == Occur::MustNot {
                            not.push(part.matcher);
                        } else {
                            must.push(part);
                        }
                    }
                }
                let Some(mut all) = combine(must, Occur::Must) else {
                    return Ok(None);
                };
                if !not.is_empty() {
                    let mut clauses = vec![(Occur::Must, all.matcher)];
                    clauses.extend(not.into_iter().map(|q| (Occur::MustNot, q)));
                    all.matcher = Box::new(BooleanQuery::new(clauses));
                    all.terms = None;
                }
                Ok(Some(all))
            }
        }
    }

    fn leaf(&mut self, scope: Scope, text: &str, phrase: bool) -> Result<Option<Part>> {
        let fields = self.fields;
        let field = match scope {
            Scope::Default => None,
            Scope::Title => Some(fields.title),
            Scope::Abstract => Some(fields.abstract_text),
            Scope::Claims => Some(fields.claims),
            Scope::Description => Some(fields.description),
            Scope::Applicants => Some(fields.applicants),
            Scope::Inventors => Some(fields.inventors),
            Scope::Ipc => {
                let facet = ipc_prefix_facet(text, "query")?;
                return Ok(Some(Part::facet(facet_term(fields.ipc_facet, &facet))));
            }
            Scope::Institution => {
                let name = Error::institution("query", text)?;
                let facet = facet([name.as_str()]);
                return Ok(Some(Part::facet(facet_term(fields.institution, &facet))));
            }
            Scope::Type => {
                let t: PatentType = scoped_value("type", text)?;
                let facet = facet([t.as_str()]);
                return Ok(Some(Part::facet(facet_term(fields.patent_type, &facet))));
            }
            Scope::Status => {
                let s: LegalStatus = scoped_value("status", text)?;
                let facet = facet([s.as_str()]);
                return Ok(Some(Part::facet(facet_term(fields.legal_status, &facet))));
            }
            Scope::ApplicationNumber => {
                // Any of a patent's numbers: its application number (with or without check
                // digit) or the stem of its A or B publication number.
                let number = ApplicationNumber::parse(text);
                let stem = publication_stem(text);
                let mut terms = Vec::new();
                if let Ok(number) = &number {
                    terms.push(Term::from_field_text(
                        fields.application_number,
                        number.as_str(),
                    ));
                }
                if let Some(stem) = &stem {
                    terms.push(Term::from_field_text(fields.publication_number, stem));
                }
                if terms.is_empty() {
                    let reason = number.err().map(|e| e.to_string()).unwrap_or_default();
                    return Err(Error::invalid(
                        "query",
                        format!(
                            "an:{text}: {reason}, nor a publication number such as CN110165321B"
                        ),
                    ));
                }
                let query = ConstScoreQuery::new(Box::new(TermSetQuery::new(terms)), 1.0);
                return Ok(Some(Part::facet(Box::new(query))));
            }
        };
        if matches!(scope, Scope::Applicants | Scope::Inventors) {
            // A name matches when all its words do: 北京邮电大学 must not match every 北京…大学.
            let Some(field) = field else { return Ok(None) };
            let words: Vec<(Occur, Box<dyn Query>)> = self
                .analyzer
                .terms(text, SegmentMode::Precise)
                .into_iter()
                .map(|t| -> (Occur, Box<dyn Query>) {
                    let term = Term::from_field_text(field, &t.text);
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    )
                })
                .collect();
            return Ok(boolean(words).map(|matcher| Part {
                groups: Vec::new(),
                matcher,
                scored: true,
                scoring: Vec::new(),
                aliases: Vec::new(),
                terms: None,
                facet: false,
            }));
        }
        match field {
            Some(field) => Ok(self.field_leaf(field, text, phrase)),
            None => Ok(self.default_leaf(text, phrase)),
        }
    }

    /// A word or phrase in one text field: it matches where the field holds it whole (its
    /// search-mode terms in sequence); a word scores by each of its terms.
    fn field_leaf(&mut self, field: Field, text: &str, phrase: bool) -> Option<Part> {
        let terms = self.analyzer.terms(text, SegmentMode::Search);
        let matcher = field_phrase(field, &terms)?;
        let scoring = if phrase {
            Vec::new()
        } else {
            terms
                .iter()
                .map(|t| (Term::from_field_text(field, &t.text), 1.0))
                .collect()
        };
        Some(Part {
            matcher,
            scored: phrase,
            scoring,
            aliases: Vec::new(),
            terms: None,
            facet: false,
            groups: Vec::new(),
        })
    }

    /// A default-scope word or phrase.
    fn default_leaf(&mut self, text: &str, phrase: bool) -> Option<Part> {
        let (matcher, terms) = self.whole(text, !phrase)?;
        if phrase {
            return Some(Part {
                matcher,
                scored: true,
                scoring: Vec::new(),
                aliases: Vec::new(),
                terms: None,
                facet: false,
                groups: Vec::new(),
            });
        }
        let mut scoring = self.word_terms(text, 1.0);
        // The word's own words and its bigrams score as two alternatives, each alias as one.
        let bigrams = self.fields.bigrams;
        let of_field = |bigram: bool| -> Vec<(Term, f32)> {
            scoring
                .iter()
                .filter(|(t, _)| (t.field() == bigrams) == bigram)
                .cloned()
                .collect()
        };
        let mut groups: Vec<Vec<(Term, f32)>> = [of_field(false), of_field(true)]
            .into_iter()
            .filter(|g| !g.is_empty())
            .collect();
        let mut alternatives: Vec<Box<dyn Query>> = vec![matcher];
        let mut union = terms;
        let aliases = match self.thesaurus {
            Some(thesaurus) => thesaurus.distinct_aliases(text, MAX_ALIASES),
            None => Vec::new(),
        };
        let mut used = Vec::new();
        let mut scored: std::collections::HashSet<Term> =
            scoring.iter().map(|(t, _)| t.clone()).collect();
        for alias in aliases {
            let Some((alias_matcher, alias_terms)) = self.whole(&alias.term, true) else {
                continue;
            };
            alternatives.push(alias_matcher);
            union = match (union, alias_terms) {
                (Some(mut a), Some(b)) => {
                    a.extend(b);
                    Some(a)
                }
                _ => None,
            };
            // Terms the word or an earlier alias already scores by (身份 of 身份验证 for
            // 身份认证) count once, so a word with many aliases does not outweigh the others.
            let fresh: Vec<(Term, f32)> = self
                .word_terms(&alias.term, self.boosts.alias)
                .into_iter()
                .filter(|(t, _)| scored.insert(t.clone()))
                .collect();
            if !fresh.is_empty() {
                groups.push(fresh.clone());
            }
            scoring.extend(fresh);
            used.push(alias);
        }
        // Sought alternative by alternative: under an intersection a buffered union would
        // decode (and phrase-match) every alternative over each 4,096-document window.
        let matcher = SkipUnion::boxed(alternatives);
        Some(Part {
            matcher,
            scored: false,
            scoring,
            aliases: used,
            terms: union,
            facet: false,
            groups,
        })
    }

    /// What holding `text` whole means in the default scope: its characters in sequence in
    /// the bigram field (title, abstract, promotion text) or its terms in sequence in the
    /// claims, or (`loose`, for words as opposed to quoted phrases) every word of its precise
    /// cut anywhere; and, when that is a union of single terms, those terms.
    fn whole(&mut self, text: &str, loose: bool) -> Option<Whole> {
        let fields = self.fields;
        let search = self.analyzer.terms(text, SegmentMode::Search);
        if search.is_empty() {
            return None;
        }
        let mut grams = Vec::new();
        crate::text::bigrams(&crate::text::normalize(text), |gram, _, _| {
            grams.push(Term::from_field_text(fields.bigrams, gram));
        });
        let precise = self.analyzer.terms(text, SegmentMode::Precise);
        // A word the dictionary knows whole is held where the text has it as a word: the
        // analysis cuts text the same way. Its character sequence (a phrase over the bigram
        // field) is left to words the dictionary does not know, whose postings are short:
        // over the common words of 10^6 patents that phrase cost 20–40 ms a query, and every
        // dev search set measured the same without it.
        let known = loose
            && precise.len() == 1
            && grams.len() > 1
            && search.iter().any(|t| t.text == precise[0].text);
        // A two-character word (one bigram, one word) is also held where that bigram is.
        let short = grams.len() <= 1 && precise.len() == 1 && search.len() == 1;
        if known || short {
            let word = &precise[0].text;
            let mut terms: Vec<Term> = [
                fields.title,
                fields.abstract_text,
                fields.claims,
                fields.promotion,
            ]
            .into_iter()
            .map(|f| Term::from_field_text(f, word))
            .collect();
            if short {
                terms.extend(grams);
            }
            let any: Vec<(Occur, Box<dyn Query>)> = terms
                .iter()
                .map(|t| -> (Occur, Box<dyn Query>) {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic)),
                    )
                })
                .collect();
            return Some((Box::new(BooleanQuery::new(any)), Some(terms)));
        }
        // Its ways of matching, sought one by one (see `default_leaf`).
        let mut either: Vec<Box<dyn Query>> = Vec::new();
        match grams.len() {
            0 => {}
            1 => either.extend(grams.pop().map(|t| -> Box<dyn Query> {
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
            })),
            _ => either.push(Guarded::boxed(Box::new(PhraseQuery::new(grams)))),
        }
        // Title, abstract and promotion text have the bigrams, claims only words.
        let claims = field_phrase(fields.claims, &search);
        either.extend(claims.map(|q| weighted(q, self.boosts.claims)));
        // Or every word of its precise cut, anywhere in the text (a coined compound such as
        // 点击率预估 is found where the text says 预估 … 点击率); never one word alone.
        if loose && precise.len() > 1 {
            let all: Vec<(Occur, Box<dyn Query>)> = precise
                .iter()
                .map(|word| -> (Occur, Box<dyn Query>) {
                    let any: Vec<Box<dyn Query>> = [
                        fields.title,
                        fields.abstract_text,
                        fields.claims,
                        fields.promotion,
                    ]
                    .into_iter()
                    .map(|f| -> Box<dyn Query> {
                        let term = Term::from_field_text(f, &word.text);
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
                    })
                    .collect();
                    // The intersection seeks each word's fields to its lead's documents: a
                    // union sought clause by clause, not one that refills a 4,096-document
                    // window of every field on each seek (工控机 = 工控 … 机 at 10^6 patents:
                    // those refills were 45 % of the query).
                    (Occur::Must, SkipUnion::boxed(any))
                })
                .collect();
            either.push(Box::new(BooleanQuery::new(all)));
        }
        (!either.is_empty()).then(|| (SkipUnion::boxed(either), None))
    }

    /// The weighted terms a default-scope word scores by: its precise cut (or search-mode
    /// terms when that is only stopwords) over the text fields, and its character bigrams.
    fn word_terms(&mut self, text: &str, weight: f32) -> Vec<(Term, f32)> {
        let fields = self.fields;
        let boosts = self.boosts;
        let precise = self.analyzer.terms(text, SegmentMode::Precise);
        let terms = if precise.is_empty() {
            self.analyzer.terms(text, SegmentMode::Search)
        } else {
            precise
        };
        let mut weighted = Vec::new();
        if boosts.bigrams > 0.0 {
            crate::text::bigrams(&crate::text::normalize(text), |gram, _, _| {
                weighted.push((
                    Term::from_field_text(fields.bigrams, gram),
                    boosts.bigrams * weight,
                ));
            });
        }
        for (field, boost) in [
            (fields.title, boosts.title),
            (fields.abstract_text, boosts.abstract_text),
            (fields.claims, boosts.claims),
            (fields.promotion, boosts.promotion),
        ] {
            weighted.extend(
                terms
                    .iter()
                    .map(|t| (Term::from_field_text(field, &t.text), boost * weight)),
            );
        }
        weighted
    }
}

/// What holding a text whole means: the condition, and the terms it is the union of when it
/// is one.
type Whole = (Box<dyn Query>, Option<Vec<Term>>);

/// A `type:` or `status:` value of the query text, parsed as the `type` and `status`
/// parameters are: by code or Chinese label, the error naming the prefix and listing the
/// accepted values.
fn scoped_value<V: Vocabulary>(prefix: &str, text: &str) -> Result<V> {
    V::parse_value(text).map_err(|e| Error::invalid("query", format!("{prefix}:{text}: {e}")))
}

fn facet_term(field: Field, facet: &tantivy::schema::Facet) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_facet(field, facet),
            IndexRecordOption::Basic,
        )),
        0.0,
    ))
}

/// The analysed terms on one field as a phrase at their positions (a single term: any of its
/// words).
fn field_phrase(field: Field, terms: &[crate::text::Term]) -> Option<Box<dyn Query>> {
    if terms.len() > 1 {
        let first = terms[0].position;
        let with_offsets = terms
            .iter()
            .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
            .collect();
        return Some(Guarded::boxed(Box::new(PhraseQuery::new_with_offset(
            with_offsets,
        ))));
    }
    let words: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|t| -> (Occur, Box<dyn Query>) {
            let term = Term::from_field_text(field, &t.text);
            (
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            )
        })
        .collect();
    boolean(words)
}

/// `query` weighted by `boost` (unchanged at 1).
pub(super) fn weighted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() > f32::EPSILON {
        Box::new(BoostQuery::new(query, boost))
    } else {
        query
    }
}
