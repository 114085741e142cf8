//! The query syntax: words, "phrases", `AND` / `OR` / `NOT`, `+`/`-`, parentheses and field
//! prefixes (`ti: ab: cl: ap: in: ipc: inst: type: status: an:`), parsed into an AST and then
//! into a tantivy query over the analysed fields.
//!
//! Words are analysed like the index (jieba search mode): a word becomes the disjunction of
//! its words and sub-words over title, abstract and claims with field boosts. A phrase becomes
//! a phrase query over the same token sequence, so it matches exactly where the text says it.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};

use super::document::{facet, ipc_facet};
use super::fields::PatentFields;
use crate::error::{Error, Result};
use crate::model::{ApplicationNumber, IpcCode, LegalStatus, PatentType};
use crate::text::{Analyzer, SegmentMode, normalize_name};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 2000;

/// Which field a query clause is restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Title, abstract, claims and the promotion packet, with boosts.
    Default,
    /// `ti:` title.
    Title,
    /// `ab:` abstract.
    Abstract,
    /// `cl:` claims.
    Claims,
    /// `desc:` description.
    Description,
    /// `ap:` applicants and current assignees.
    Applicants,
    /// `in:` inventors.
    Inventors,
    /// `ipc:` an IPC prefix (section, class, subclass, group or full symbol).
    Ipc,
    /// `inst:` the owning institution (exact name).
    Institution,
    /// `type:` patent type.
    Type,
    /// `status:` legal status.
    Status,
    /// `an:` application number.
    ApplicationNumber,
}

impl Scope {
    fn from_prefix(prefix: &str) -> Option<Scope> {
        Some(match prefix.to_ascii_lowercase().as_str() {
            "ti" | "title" => Scope::Title,
            "ab" | "abstract" => Scope::Abstract,
            "cl" | "claims" => Scope::Claims,
            "desc" | "description" => Scope::Description,
            "ap" | "applicant" | "applicants" => Scope::Applicants,
            "in" | "inventor" | "inventors" => Scope::Inventors,
            "ipc" => Scope::Ipc,
            "inst" | "institution" | "univ" => Scope::Institution,
            "type" => Scope::Type,
            "status" => Scope::Status,
            "an" => Scope::ApplicationNumber,
            _ => return None,
        })
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A word in a scope.
    Word(Scope, String),
    /// A quoted phrase in a scope.
    Phrase(Scope, String),
    /// All children must match (`a AND b`).
    And(Vec<Node>),
    /// Alternatives; `+x` children must match, `-x` / `NOT x` children must not.
    Or(Vec<(Occur, Node)>),
    /// Everything (`*` or an empty query).
    All,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Phrase(String),
    Open,
    Close,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Field(Scope),
}

fn lex(query: &str) -> Result<Vec<Token>> {
    let text = normalize_name(query).replace(['“', '”', '「', '」', '『', '』'], "\"");
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' => {
                chars.next();
                let mut phrase = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '"' {
                        closed = true;
                        break;
                    }
                    phrase.push(c);
                }
                if !closed {
                    return Err(Error::invalid("query", "a quoted phrase is not closed"));
                }
                tokens.push(Token::Phrase(phrase));
            }
            '+' if tokens_allow_prefix(&tokens) => {
                chars.next();
                tokens.push(Token::Plus);
            }
            '-' if tokens_allow_prefix(&tokens) => {
                chars.next();
                tokens.push(Token::Minus);
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                    if c == ':'
                        && let Some(scope) =
                            Scope::from_prefix(word.strip_suffix(':').unwrap_or(&word))
                    {
                        tokens.push(Token::Field(scope));
                        word.clear();
                        break;
                    }
                }
                match word.as_str() {
                    "" => {}
                    "AND" | "&&" => tokens.push(Token::And),
                    "OR" | "||" => tokens.push(Token::Or),
                    "NOT" => tokens.push(Token::Not),
                    _ => tokens.push(Token::Word(word)),
                }
            }
        }
    }
    Ok(tokens)
}

/// `+` and `-` are operators only at the start of a clause.
fn tokens_allow_prefix(tokens: &[Token]) -> bool {
    !matches!(tokens.last(), Some(Token::Field(_)))
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn or_expr(&mut self, scope: Scope) -> Result<Node> {
        let mut items = Vec::new();
        while let Some(token) = self.peek() {
            match token {
                Token::Close => break,
                Token::Or => {
                    self.next();
                }
                _ => {
                    let (occur, node) = self.and_expr(scope)?;
                    items.push((occur, node));
                }
            }
        }
        Ok(if items.len() == 1 && items[0].0 == Occur::Should {
            items.pop().map_or(Node::All, |(_, n)| n)
        } else {
            Node::Or(items)
        })
    }

    fn and_expr(&mut self, scope: Scope) -> Result<(Occur, Node)> {
        let first = self.unary(scope)?;
        if self.peek() != Some(&Token::And) {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.peek() == Some(&Token::And) {
            self.next();
            if matches!(self.peek(), None | Some(Token::Close)) {
                return Err(Error::invalid("query", "AND must be followed by a term"));
            }
            parts.push(self.unary(scope)?);
        }
        let children = parts
            .into_iter()
            .map(|(occur, node)| match occur {
                Occur::MustNot => Node::Or(vec![(Occur::MustNot, node)]),
                _ => node,
            })
            .collect();
        Ok((Occur::Should, Node::And(children)))
    }

    fn unary(&mut self, scope: Scope) -> Result<(Occur, Node)> {
        match self.peek() {
            Some(Token::Not | Token::Minus) => {
                self.next();
                let (_, node) = self.unary(scope)?;
                Ok((Occur::MustNot, node))
            }
            Some(Token::Plus) => {
                self.next();
                let (_, node) = self.unary(scope)?;
                Ok((Occur::Must, node))
            }
            _ => Ok((Occur::Should, self.primary(scope)?)),
        }
    }

    fn primary(&mut self, scope: Scope) -> Result<Node> {
        match self.next() {
            Some(Token::Word(w)) if w == "*" => Ok(Node::All),
            Some(Token::Word(w)) => Ok(Node::Word(scope, w)),
            Some(Token::Phrase(p)) => Ok(Node::Phrase(scope, p)),
            Some(Token::Field(inner)) => {
                if scope != Scope::Default {
                    return Err(Error::invalid("query", "field prefixes cannot be nested"));
                }
                self.primary(inner)
            }
            Some(Token::Open) => {
                self.depth += 1;
                if self.depth > 16 {
                    return Err(Error::invalid("query", "parentheses are nested too deeply"));
                }
                let node = self.or_expr(scope)?;
                self.depth -= 1;
                match self.next() {
                    Some(Token::Close) => Ok(node),
                    _ => Err(Error::invalid("query", "a parenthesis is not closed")),
                }
            }
            Some(Token::Close) => Err(Error::invalid("query", "unexpected ')'")),
            Some(Token::And | Token::Or) => {
                Err(Error::invalid("query", "AND/OR needs a term on both sides"))
            }
            Some(Token::Not | Token::Minus | Token::Plus) | None => Err(Error::invalid(
                "query",
                "an operator is not followed by a term",
            )),
        }
    }
}

/// Parses query text into a [`Node`].
pub fn parse(query: &str) -> Result<Node> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(
            "query",
            format!("longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let tokens = lex(query)?;
    if tokens.is_empty() {
        return Ok(Node::All);
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    let node = parser.or_expr(Scope::Default)?;
    if parser.at < parser.tokens.len() {
        return Err(Error::invalid("query", "unexpected ')'"));
    }
    Ok(node)
}

/// Field boosts of the default scope.
#[derive(Debug, Clone, Copy)]
pub struct Boosts {
    /// Title.
    pub title: f32,
    /// Abstract.
    pub abstract_text: f32,
    /// Claims.
    pub claims: f32,
    /// Promotion packet (problem solved, advantages).
    pub promotion: f32,
    /// The character-bigram field.
    pub bigrams: f32,
}

impl Default for Boosts {
    fn default() -> Boosts {
        // Tuned on ../shared/eval search_queries_dev (see README "Search quality"): titles
        // are short, so a title match already scores high under BM25 and needs no extra boost;
        // the bigram field catches compounds that jieba cuts differently.
        Boosts {
            title: 0.4,
            abstract_text: 1.0,
            claims: 0.8,
            promotion: 0.6,
            bigrams: 0.7,
        }
    }
}

/// Turns a parsed query into a tantivy query. Returns `None` when nothing searchable is left
/// (for example a query made only of stopwords).
pub fn build(fields: &PatentFields, node: &Node, boosts: &Boosts) -> Result<Option<TextQuery>> {
    let mut analyzer = Analyzer::default();
    Ok(match build_node(fields, node, boosts, &mut analyzer)? {
        Some(Built::Terms(terms)) => {
            let any_of = terms.iter().map(|(term, _)| term.clone()).collect();
            Built::Terms(terms).into_query().map(|query| TextQuery {
                query,
                any_of: Some(any_of),
            })
        }
        Some(built) => built.into_query().map(|query| TextQuery {
            query,
            any_of: None,
        }),
        None => None,
    })
}

/// A text query as built.
pub struct TextQuery {
    /// The query.
    pub query: Box<dyn Query>,
    /// Its terms, when a patent matches it by holding any one of them (plain words, with no
    /// phrase, operator or facet scope).
    pub any_of: Option<Vec<Term>>,
}

/// A query under construction. Alternatives made only of words stay a flat list of weighted
/// terms up to the top, so the final query is one disjunction of term queries, which tantivy
/// scores by the same sum as nested disjunctions but can prune (block-WAND) when only the
/// best hits are wanted.
enum Built {
    /// Any of these terms, each score multiplied by its weight and summed.
    Terms(Vec<(Term, f32)>),
    /// Anything else.
    Query(Box<dyn Query>),
}

impl Built {
    fn into_query(self) -> Option<Box<dyn Query>> {
        match self {
            Built::Query(q) => Some(q),
            Built::Terms(terms) => boolean(
                terms
                    .into_iter()
                    .map(|(term, weight)| -> (Occur, Box<dyn Query>) {
                        let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                        (Occur::Should, weighted(Box::new(q), weight))
                    })
                    .collect(),
            ),
        }
    }
}

fn build_node(
    fields: &PatentFields,
    node: &Node,
    boosts: &Boosts,
    analyzer: &mut Analyzer,
) -> Result<Option<Built>> {
    Ok(match node {
        Node::All => Some(Built::Query(Box::new(AllQuery))),
        Node::Word(scope, text) => leaf(fields, *scope, text, false, boosts, analyzer)?,
        Node::Phrase(scope, text) => leaf(fields, *scope, text, true, boosts, analyzer)?,
        Node::And(children) => {
            let mut clauses = Vec::new();
            for child in children {
                let (occur, node) = match child {
                    Node::Or(items) if items.len() == 1 && items[0].0 == Occur::MustNot => {
                        (Occur::MustNot, &items[0].1)
                    }
                    other => (Occur::Must, other),
                };
                let built = build_node(fields, node, boosts, analyzer)?;
                if let Some(q) = built.and_then(Built::into_query) {
                    clauses.push((occur, q));
                }
            }
            boolean(clauses).map(Built::Query)
        }
        Node::Or(items) => {
            let mut terms = Vec::new();
            let mut clauses = Vec::new();
            for (occur, child) in items {
                match build_node(fields, child, boosts, analyzer)? {
                    Some(Built::Terms(more)) if *occur == Occur::Should => terms.extend(more),
                    Some(built) => clauses.extend(built.into_query().map(|q| (*occur, q))),
                    None => {}
                }
            }
            if clauses.is_empty() {
                (!terms.is_empty()).then_some(Built::Terms(terms))
            } else {
                clauses.extend(Built::Terms(terms).into_query().map(|q| (Occur::Should, q)));
                boolean(clauses).map(Built::Query)
            }
        }
    })
}

fn boolean(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Option<Box<dyn Query>> {
    if clauses.is_empty() {
        return None;
    }
    if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    if clauses.len() == 1 && clauses[0].0 != Occur::MustNot {
        return clauses.pop().map(|(_, q)| q);
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn exact(query: impl Query) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(query), 1.0))
}

fn facet_term(field: Field, facet: &Facet) -> Box<dyn Query> {
    exact(TermQuery::new(
        Term::from_facet(field, facet),
        IndexRecordOption::Basic,
    ))
}

fn leaf(
    fields: &PatentFields,
    scope: Scope,
    text: &str,
    phrase: bool,
    boosts: &Boosts,
    analyzer: &mut Analyzer,
) -> Result<Option<Built>> {
    let targets: Vec<(Field, f32)> = match scope {
        Scope::Default => vec![
            (fields.title, boosts.title),
            (fields.abstract_text, boosts.abstract_text),
            (fields.claims, boosts.claims),
            (fields.promotion, boosts.promotion),
        ],
        Scope::Title => vec![(fields.title, 1.0)],
        Scope::Abstract => vec![(fields.abstract_text, 1.0)],
        Scope::Claims => vec![(fields.claims, 1.0)],
        Scope::Description => vec![(fields.description, 1.0)],
        Scope::Applicants => vec![(fields.applicants, 1.0)],
        Scope::Inventors => vec![(fields.inventors, 1.0)],
        Scope::Ipc => {
            return Ok(Some(Built::Query(facet_term(
                fields.ipc_facet,
                &ipc_prefix_facet(text, "query")?,
            ))));
        }
        Scope::Institution => {
            let name = Error::institution("query", text)?;
            return Ok(Some(Built::Query(facet_term(
                fields.institution,
                &facet([name.as_str()]),
            ))));
        }
        Scope::Type => {
            let t = PatentType::ALL
                .into_iter()
                .find(|t| t.as_str() == text.to_ascii_lowercase() || t.label_zh() == text)
                .ok_or_else(|| {
                    Error::invalid(
                        "query",
                        format!("type:{text} is not invention, utility_model or design"),
                    )
                })?;
            return Ok(Some(Built::Query(facet_term(
                fields.patent_type,
                &facet([t.as_str()]),
            ))));
        }
        Scope::Status => {
            let s = LegalStatus::ALL
                .into_iter()
                .find(|s| s.as_str() == text.to_ascii_lowercase())
                .ok_or_else(|| {
                    Error::invalid(
                        "query",
                        format!(
                            "status:{text} is not pending, in_force, lapsed, expired or invalidated"
                        ),
                    )
                })?;
            return Ok(Some(Built::Query(facet_term(
                fields.legal_status,
                &facet([s.as_str()]),
            ))));
        }
        Scope::ApplicationNumber => {
            let number = ApplicationNumber::parse(text)
                .map_err(|e| Error::invalid("query", format!("an:{text}: {e}")))?;
            return Ok(Some(Built::Query(exact(TermQuery::new(
                Term::from_field_text(fields.application_number, number.as_str()),
                IndexRecordOption::Basic,
            )))));
        }
    };
    if matches!(scope, Scope::Applicants | Scope::Inventors) {
        // A name matches when all its words do: 北京邮电大学 must not match every 北京…大学.
        let words: Vec<(Occur, Box<dyn Query>)> = analyzer
            .terms(text, SegmentMode::Precise)
            .into_iter()
            .map(|t| -> (Occur, Box<dyn Query>) {
                let term = Term::from_field_text(targets[0].0, &t.text);
                (
                    Occur::Must,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                )
            })
            .collect();
        return Ok(boolean(words).map(Built::Query));
    }
    // Default-scope words are looked up as jieba's precise cut (编码方法), not also as every
    // dictionary sub-word (编码, 方法) the index holds: a common sub-word matched half of 10^6
    // patents. The character bigrams of title, abstract and promotion text still catch partial
    // and differently cut matches. Dev set: nDCG@10 0.886 → 0.902, MRR@10 0.940 unchanged; at
    // 10^6 patents plain p99 8.9 → 5.3 ms. Scoped words (no bigrams behind them), phrases (their
    // positions) and a word whose precise cut is only stopwords (本实用新型) keep search mode.
    let precise = if scope == Scope::Default && !phrase {
        analyzer.terms(text, SegmentMode::Precise)
    } else {
        Vec::new()
    };
    let terms = if precise.is_empty() {
        analyzer.terms(text, SegmentMode::Search)
    } else {
        precise
    };
    if terms.is_empty() {
        return Ok(None);
    }
    if scope == Scope::Default && phrase {
        // Title, abstract and promotion text have character bigrams, claims only words.
        let mut either: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        either.extend(bigram_phrase(fields, text).map(|q| (Occur::Should, q)));
        let claims = boosted(field_phrase(fields.claims, &terms), boosts.claims);
        either.extend(claims.map(|q| (Occur::Should, q)));
        return Ok(boolean(either).map(Built::Query));
    }
    if phrase {
        return Ok(field_phrase(targets[0].0, &terms).map(Built::Query));
    }
    let mut weighted = Vec::new();
    if scope == Scope::Default && boosts.bigrams > 0.0 {
        crate::text::bigrams(&crate::text::normalize(text), |gram, _, _| {
            weighted.push((Term::from_field_text(fields.bigrams, gram), boosts.bigrams));
        });
    }
    for (field, boost) in targets {
        weighted.extend(
            terms
                .iter()
                .map(|t| (Term::from_field_text(field, &t.text), boost)),
        );
    }
    Ok(Some(Built::Terms(weighted)))
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
        return Some(Box::new(PhraseQuery::new_with_offset(with_offsets)));
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
fn boosted(query: Option<Box<dyn Query>>, boost: f32) -> Option<Box<dyn Query>> {
    query.map(|q| weighted(q, boost))
}

/// `query` weighted by `boost` (unchanged at 1).
fn weighted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() > f32::EPSILON {
        Box::new(BoostQuery::new(query, boost))
    } else {
        query
    }
}

/// A phrase in the default scope matches exactly where the text has it: a phrase query over
/// the character bigrams, independent of how jieba cut the text.
fn bigram_phrase(fields: &PatentFields, text: &str) -> Option<Box<dyn Query>> {
    let mut grams = Vec::new();
    crate::text::bigrams(&crate::text::normalize(text), |gram, _, _| {
        grams.push(Term::from_field_text(fields.bigrams, gram));
    });
    match grams.len() {
        0 => None,
        1 => grams
            .pop()
            .map(|t| Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>),
        _ => Some(Box::new(PhraseQuery::new(grams))),
    }
}

/// Parses an IPC prefix (`H`, `H01`, `H01L`, `H01L21`, `H01L21/66`) into its facet;
/// `parameter` names the request parameter in the error.
pub fn ipc_prefix_facet(prefix: &str, parameter: &str) -> Result<Facet> {
    let upper: String = normalize_name(prefix).to_ascii_uppercase().replace(' ', "");
    let bad = || {
        Error::invalid(
            parameter,
            format!("'{prefix}' is not an IPC prefix (e.g. H01L, H01L21, H01L21/66)"),
        )
    };
    let first_ok = upper
        .chars()
        .next()
        .is_some_and(|c| ('A'..='H').contains(&c));
    let ancestry: Vec<String> = match upper.len() {
        1 if first_ok => vec![upper.clone()],
        3 if first_ok && upper.bytes().skip(1).all(|b| b.is_ascii_digit()) => {
            let section: String = upper.chars().take(1).collect();
            vec![section, upper.clone()]
        }
        _ => {
            let code = if upper.len() > 4 && !upper.contains('/') {
                format!("{upper}/00")
            } else {
                upper.clone()
            };
            IpcCode::parse(&code).map_err(|_| bad())?.ancestry()
        }
    };
    Ok(ipc_facet(&ancestry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(scope: Scope, w: &str) -> Node {
        Node::Word(scope, w.to_string())
    }

    #[test]
    fn syntax_parses_into_nodes() {
        assert_eq!(parse("锂电池").unwrap(), words(Scope::Default, "锂电池"));
        assert_eq!(
            parse("锂电池 回收").unwrap(),
            Node::Or(vec![
                (Occur::Should, words(Scope::Default, "锂电池")),
                (Occur::Should, words(Scope::Default, "回收"))
            ])
        );
        assert_eq!(
            parse("ti:锂电池 AND -ab:钠").unwrap(),
            Node::And(vec![
                words(Scope::Title, "锂电池"),
                Node::Or(vec![(Occur::MustNot, words(Scope::Abstract, "钠"))])
            ])
        );
        assert_eq!(
            parse("“正极材料”").unwrap(),
            Node::Phrase(Scope::Default, "正极材料".into())
        );
        assert_eq!(
            parse("ipc:H01L21 +石墨烯").unwrap(),
            Node::Or(vec![
                (Occur::Should, words(Scope::Ipc, "H01L21")),
                (Occur::Must, words(Scope::Default, "石墨烯")),
            ])
        );
        assert_eq!(parse("  ").unwrap(), Node::All);
        // A hyphen inside a word is not an operator.
        assert_eq!(parse("Li-ion").unwrap(), words(Scope::Default, "Li-ion"));
        // Full-width colon and parentheses fold.
        assert_eq!(parse("（ti：电池）").unwrap(), words(Scope::Title, "电池"));
    }

    #[test]
    fn malformed_queries_name_the_problem() {
        for (q, expected) in [
            ("\"未闭合", "not closed"),
            ("(电池", "not closed"),
            ("电池)", "unexpected ')'"),
            ("电池 AND", "followed by a term"),
            ("NOT", "not followed by a term"),
        ] {
            let message = parse(q).unwrap_err().to_string();
            assert!(
                message.starts_with("invalid query: ") && message.contains(expected),
                "{q}: {message}"
            );
        }
        assert!(parse(&"电".repeat(MAX_QUERY_CHARS + 1)).is_err());
    }

    #[test]
    fn leaves_build_queries_and_bad_prefixes_fail() {
        let fields = PatentFields::build();
        let boosts = Boosts::default();
        for q in [
            "电池",
            "\"锂离子电池正极材料\"",
            "ipc:H01L",
            "ipc:H01L21/66",
            "ipc:G06",
            "ipc:H",
            "inst:清华大学",
            "type:invention",
            "an:CN202110123456.7",
            "NOT 电池",
        ] {
            assert!(
                build(&fields, &parse(q).unwrap(), &boosts)
                    .unwrap()
                    .is_some(),
                "{q}"
            );
        }
        assert!(
            build(&fields, &parse("的 所述").unwrap(), &boosts)
                .unwrap()
                .is_none()
        );
        for q in ["ipc:Z99", "type:patent", "status:alive", "an:123"] {
            assert!(build(&fields, &parse(q).unwrap(), &boosts).is_err(), "{q}");
        }
    }

    /// Whether `query` is one disjunction of (possibly boosted) term queries.
    fn is_flat_union(query: &dyn Query) -> bool {
        query.downcast_ref::<BooleanQuery>().is_some_and(|b| {
            b.clauses().iter().all(|(occur, q)| {
                *occur == Occur::Should
                    && (q.downcast_ref::<TermQuery>().is_some()
                        || q.downcast_ref::<BoostQuery>().is_some())
            })
        })
    }

    #[test]
    fn word_alternatives_stay_one_flat_union() {
        let fields = PatentFields::build();
        let boosts = Boosts::default();
        for q in [
            "电池",
            "锂离子电池 回收",
            "石墨烯 OR ti:传感器",
            "正极 (负极 OR 隔膜)",
        ] {
            let built = build(&fields, &parse(q).unwrap(), &boosts)
                .unwrap()
                .unwrap();
            assert!(is_flat_union(&*built.query), "{q}: {:?}", built.query);
            assert!(built.any_of.is_some_and(|t| !t.is_empty()), "{q}");
        }
        // Required words, exclusions and phrases keep their structure.
        for q in [
            "石墨烯 AND 传感器",
            "+电池 回收",
            "电池 -钠",
            "\"锂离子电池\" 回收",
        ] {
            let built = build(&fields, &parse(q).unwrap(), &boosts)
                .unwrap()
                .unwrap();
            assert!(!is_flat_union(&*built.query), "{q}: {:?}", built.query);
            assert!(built.any_of.is_none(), "{q}");
        }
    }

    #[test]
    fn words_are_looked_up_whole_and_phrases_by_their_sub_words() {
        let fields = PatentFields::build();
        let boosts = Boosts::default();
        let title_terms = |q: &str| -> String {
            let built = build(&fields, &parse(q).unwrap(), &boosts)
                .unwrap()
                .unwrap();
            format!("{:?}", built.query)
        };
        let title = fields.title.field_id();
        let on_title = |word: &str| format!("field={title}, type=Str, {word:?}");
        let word = title_terms("锂离子");
        assert!(word.contains(&on_title("锂离子")), "{word}");
        assert!(!word.contains(&on_title("离子")), "{word}");
        // A word whose precise cut is a stopword is still searched by its sub-words.
        assert!(
            build(&fields, &parse("本实用新型").unwrap(), &boosts)
                .unwrap()
                .is_some()
        );
        // In a phrase and under a field prefix the sub-words stay.
        for scoped in ["ti:\"锂离子\"", "ti:锂离子"] {
            let built = title_terms(scoped);
            assert!(built.contains(&on_title("离子")), "{scoped}: {built}");
        }
        // The sub-word is still found through the index's search-mode terms.
        let sub_word = title_terms("离子");
        assert!(sub_word.contains(&on_title("离子")), "{sub_word}");
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any query text parses or is a typed error naming the query, never a panic.
        #[test]
        fn any_query_parses_or_is_refused(
            raw in "\\PC{0,40}|[\"()+\\-: 中电池ab*]{0,24}|(ti|ab|cl|ap|in|ipc|inst|type|status|an):[\\PC]{0,12}( (AND|OR|NOT) )?"
        ) {
            if let Err(e) = parse(&raw) {
                prop_assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
            }
        }
    }
}
