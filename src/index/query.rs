//! The query syntax: words, "phrases", `AND` / `OR` / `NOT`, `+`/`-`, parentheses and field
//! prefixes (`ti: ab: cl: ap: in: ipc: inst: type: status: an:`), parsed into an AST
//! ([`Node`]); `plan.rs` turns it into concepts and tantivy queries.
//!
//! Juxtaposed clauses are a group of concepts that must all match (as Google Patents and Lens
//! read them); `OR` binds tighter than juxtaposition, `AND` tighter than `OR`.

use tantivy::query::Occur;
use tantivy::schema::Facet;

use super::document::ipc_facet;
use crate::error::{Error, Result};
use crate::model::IpcCode;
use crate::text::normalize_name;

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
    /// The prefix that selects this scope (`None` for the default scope).
    pub fn prefix(self) -> Option<&'static str> {
        Some(match self {
            Scope::Default => return None,
            Scope::Title => "ti",
            Scope::Abstract => "ab",
            Scope::Claims => "cl",
            Scope::Description => "desc",
            Scope::Applicants => "ap",
            Scope::Inventors => "in",
            Scope::Ipc => "ipc",
            Scope::Institution => "inst",
            Scope::Type => "type",
            Scope::Status => "status",
            Scope::ApplicationNumber => "an",
        })
    }

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
    /// Clauses side by side (`a b +c -d`): each plain clause is a concept that every hit
    /// matches (relaxed, and said so, when no patent matches them all); `+x` must match and
    /// `-x` / `NOT x` must not.
    Group(Vec<(Occur, Node)>),
    /// `a AND b` (and `a AND NOT b`): every `Must` child matches, no `MustNot` child does;
    /// never relaxed.
    And(Vec<(Occur, Node)>),
    /// `a OR b`: any of the alternatives.
    Or(Vec<Node>),
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

    /// Clauses side by side, up to a `)` or the end.
    fn group(&mut self, scope: Scope) -> Result<Node> {
        let mut items = Vec::new();
        while let Some(token) = self.peek() {
            match token {
                Token::Close => break,
                Token::Or | Token::And => {
                    return Err(Error::invalid("query", "AND/OR needs a term on both sides"));
                }
                _ => items.push(self.or_expr(scope)?),
            }
        }
        Ok(match items.len() {
            0 => Node::All,
            1 if items[0].0 == Occur::Should => items.pop().map_or(Node::All, |(_, n)| n),
            _ => Node::Group(items),
        })
    }

    /// `a OR b OR …` (OR binds tighter than juxtaposition, as in Google Patents).
    fn or_expr(&mut self, scope: Scope) -> Result<(Occur, Node)> {
        let first = self.and_expr(scope)?;
        if self.peek() != Some(&Token::Or) {
            return Ok(first);
        }
        let mut alternatives = vec![first];
        while self.peek() == Some(&Token::Or) {
            self.next();
            if matches!(
                self.peek(),
                None | Some(Token::Close | Token::Or | Token::And)
            ) {
                return Err(Error::invalid("query", "AND/OR needs a term on both sides"));
            }
            alternatives.push(self.and_expr(scope)?);
        }
        let nodes = alternatives
            .into_iter()
            .map(|(occur, node)| match occur {
                Occur::MustNot => Err(Error::invalid(
                    "query",
                    "NOT cannot be an alternative of OR; group it: (a OR b) NOT c",
                )),
                _ => Ok(node),
            })
            .collect::<Result<_>>()?;
        Ok((Occur::Should, Node::Or(nodes)))
    }

    /// `a AND b AND …`.
    fn and_expr(&mut self, scope: Scope) -> Result<(Occur, Node)> {
        let first = self.unary(scope)?;
        if self.peek() != Some(&Token::And) {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.peek() == Some(&Token::And) {
            self.next();
            if matches!(
                self.peek(),
                None | Some(Token::Close | Token::Or | Token::And)
            ) {
                return Err(Error::invalid("query", "AND must be followed by a term"));
            }
            parts.push(self.unary(scope)?);
        }
        let children = parts
            .into_iter()
            .map(|(occur, node)| match occur {
                Occur::MustNot => (Occur::MustNot, node),
                _ => (Occur::Must, node),
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
                let node = self.group(scope)?;
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
    let node = parser.group(Scope::Default)?;
    if parser.at < parser.tokens.len() {
        return Err(Error::invalid("query", "unexpected ')'"));
    }
    Ok(node)
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
        // Juxtaposed words are a group of concepts; OR binds tighter.
        assert_eq!(
            parse("锂电池 回收").unwrap(),
            Node::Group(vec![
                (Occur::Should, words(Scope::Default, "锂电池")),
                (Occur::Should, words(Scope::Default, "回收"))
            ])
        );
        assert_eq!(
            parse("锂电池 回收 OR 再生").unwrap(),
            Node::Group(vec![
                (Occur::Should, words(Scope::Default, "锂电池")),
                (
                    Occur::Should,
                    Node::Or(vec![
                        words(Scope::Default, "回收"),
                        words(Scope::Default, "再生")
                    ])
                )
            ])
        );
        assert_eq!(
            parse("ti:锂电池 AND -ab:钠").unwrap(),
            Node::And(vec![
                (Occur::Must, words(Scope::Title, "锂电池")),
                (Occur::MustNot, words(Scope::Abstract, "钠"))
            ])
        );
        assert_eq!(
            parse("“正极材料”").unwrap(),
            Node::Phrase(Scope::Default, "正极材料".into())
        );
        assert_eq!(
            parse("ipc:H01L21 +石墨烯").unwrap(),
            Node::Group(vec![
                (Occur::Should, words(Scope::Ipc, "H01L21")),
                (Occur::Must, words(Scope::Default, "石墨烯")),
            ])
        );
        assert_eq!(
            parse("(a b) OR c").unwrap(),
            Node::Or(vec![
                Node::Group(vec![
                    (Occur::Should, words(Scope::Default, "a")),
                    (Occur::Should, words(Scope::Default, "b"))
                ]),
                words(Scope::Default, "c")
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
            ("电池 OR", "needs a term on both sides"),
            ("OR 电池", "needs a term on both sides"),
            ("电池 OR NOT 钠", "NOT cannot be an alternative of OR"),
        ] {
            let message = parse(q).unwrap_err().to_string();
            assert!(
                message.starts_with("invalid query: ") && message.contains(expected),
                "{q}: {message}"
            );
        }
        assert!(parse(&"电".repeat(MAX_QUERY_CHARS + 1)).is_err());
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
