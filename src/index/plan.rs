//! From a parsed query to what a patent must match and how it scores: the query's concepts.
//!
//! A default-scope word is one concept. It matches a patent that holds the word whole: the
//! word (or its precise cut) in a word field, or its characters in sequence in the bigram
//! field — never a lone sub-word or bigram of it (材料 does not match 正极材料). Its sub-words and
//! bigrams, and the terms of its thesaurus aliases at a lower weight, only score. Juxtaposed
//! concepts must all match; when no patent matches them all, the search relaxes to the most
//! concepts any patent matches (see `search.rs`). Field-prefixed terms, `+x`, `-x` and explicit
//! `AND` / `OR` keep their meaning and are never relaxed.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;

use super::fields::PatentFields;
use super::leaves::{Builder, weighted};
use super::query::{Node, Scope};
use super::saturated::Saturated;
use super::union::SkipUnion;
use crate::error::Result;
use crate::text::{Alias, Analyzer, Thesaurus};

/// Field boosts of the default scope, and the weight of thesaurus aliases.
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
    /// A thesaurus alias's terms, relative to the word as typed.
    pub alias: f32,
}

impl Default for Boosts {
    fn default() -> Boosts {
        // Tuned on the development query sets (README "Measured", search quality): titles
        // are short, so a title match already scores high under BM25 and needs no extra boost;
        // the bigram field catches compounds that jieba cuts differently. The alias weight was
        // chosen on every dev search set together (dev topical nDCG@10 / paraphrase MRR@10:
        // 0.3 measured 0.902 / 0.695, 0.4 0.895 / 0.702, 0.5 0.895 / 0.718).
        Boosts {
            title: 0.4,
            abstract_text: 1.0,
            claims: 0.8,
            promotion: 0.6,
            bigrams: 0.7,
            alias: 0.5,
        }
    }
}

/// How much a concept's other ways of matching add to its best one in a relaxed search (a
/// strict one, whose hits hold every concept whole, sums them). Chosen on every dev search
/// set together, before [`CONCEPT_KNEE`] (with it, 1.0 / 0.3 / 0.1 measured topical 0.931 /
/// 0.939 / 0.940, dev2 0.982 / 0.982 / 0.974, paraphrase 0.742 / 0.744 / 0.745): topical nDCG@10 / paraphrase MRR@10 measured 0.895 / 0.718 at 1.0 (the sum),
/// 0.897 / 0.719 at 0.8, 0.904 / 0.716 at 0.5, 0.911 / 0.718 at 0.3, 0.912 / 0.719 at 0.2;
/// dev2 MRR@10 0.972–0.974 throughout.
pub(super) const CONCEPT_TIE: f32 = 0.3;

/// The score past which a concept's evidence counts ever less in a relaxed search: each
/// concept's disjunction-max `s` scores `k · ln(1 + s / k)`, so a patent with some evidence for
/// every concept outranks one with much evidence for one (a known item described in other
/// words holds a little of each). Every dev search set together, dev known-item / topical /
/// dev2 / paraphrase: without it 0.940 / 0.911 / 0.972 / 0.725; k = 3: 0.964 / 0.929 / 0.978 /
/// 0.740; 5: 0.964 / 0.937 / 0.979 / 0.750; 8: 0.964 / 0.939 / 0.982 / 0.744; 12: 0.946 /
/// 0.928 / 0.979 / 0.741; 20: 0.946 / 0.927 / 0.973 / 0.748.
pub(super) const CONCEPT_KNEE: f32 = 8.0;

/// Most aliases one query word is expanded with.
pub(super) const MAX_ALIASES: usize = 8;

/// One concept of a query: what a patent must hold to match it.
pub struct Concept {
    /// The concept as typed.
    pub label: String,
    /// The match condition (scoring or not, see `scored`).
    pub matcher: Box<dyn Query>,
    /// Whether `matcher` scores (phrases, names); otherwise only the plan's scoring terms do.
    pub scored: bool,
    /// The thesaurus aliases it also matches.
    pub aliases: Vec<Alias>,
    /// The terms it is the union of, when its condition is one (for unscored bitset search).
    pub terms: Option<Vec<Term>>,
    /// Its scoring terms grouped by the way they match it (the word's own words, its bigrams,
    /// each alias): a relaxed search scores the concept by the best group, plus a share of
    /// the others (a disjunction-max), so one concept matched many ways does not outweigh two.
    pub groups: Vec<Vec<(Term, f32)>>,
}

/// What a query asks for.
#[derive(Default)]
pub struct Plan {
    /// Clauses every hit satisfies whatever the relaxation: filters, `+x`, `-x`, `AND`.
    pub fixed: Vec<(Occur, Box<dyn Query>)>,
    /// The concepts of the top-level group, in query order; all must match unless relaxed.
    pub concepts: Vec<Concept>,
    /// Terms that only score, with their weights.
    pub scoring: Vec<(Term, f32)>,
    /// Whether the fixed clauses are facet filters only (which unscored searches can apply as
    /// term groups).
    pub fixed_are_facets: bool,
    /// Whether few patents can match every concept (see [`Plan::sparse_below`]): the strict
    /// query's concept unions are then sought clause by clause ([`SkipUnion`]) rather than
    /// buffered.
    pub sparse: bool,
}

/// One built clause of a query.
pub(super) struct Part {
    /// The match condition.
    pub(super) matcher: Box<dyn Query>,
    /// Whether the condition scores.
    pub(super) scored: bool,
    /// Terms that only score.
    pub(super) scoring: Vec<(Term, f32)>,
    /// The thesaurus aliases it also matches.
    pub(super) aliases: Vec<Alias>,
    /// The terms its condition is the union of, when it is one.
    pub(super) terms: Option<Vec<Term>>,
    /// A facet filter (ipc:, inst:, type:, status:, an:): intersects, never a concept.
    pub(super) facet: bool,
    /// Its scoring terms as alternative ways to match (see [`Concept::groups`]).
    pub(super) groups: Vec<Vec<(Term, f32)>>,
}

impl Part {
    /// A facet filter.
    pub(super) fn facet(query: Box<dyn Query>) -> Part {
        Part {
            matcher: query,
            scored: false,
            scoring: Vec::new(),
            aliases: Vec::new(),
            terms: None,
            facet: true,
            groups: Vec::new(),
        }
    }

    /// The matcher as a clause: scoring when it scores, else weightless.
    fn clause(self) -> Box<dyn Query> {
        if self.scored {
            self.matcher
        } else {
            Box::new(ConstScoreQuery::new(self.matcher, 0.0))
        }
    }
}

/// Builds the plan of a parsed query. `thesaurus` expands default-scope words (none when
/// expansion is off). Returns `None` when nothing searchable is left (only stopwords).
pub fn plan(
    fields: &PatentFields,
    node: &Node,
    boosts: &Boosts,
    thesaurus: Option<&Thesaurus>,
) -> Result<Option<Plan>> {
    let mut builder = Builder {
        fields,
        boosts,
        thesaurus,
        analyzer: Analyzer::default(),
    };
    let items: Vec<(Occur, &Node)> = match node {
        Node::Group(items) => items.iter().map(|(o, n)| (*o, n)).collect(),
        Node::All => return Ok(Some(Plan::everything())),
        other => vec![(Occur::Should, other)],
    };
    let mut plan = Plan {
        fixed_are_facets: true,
        ..Plan::default()
    };
    for (occur, node) in items {
        let label = label(node);
        // A word typed twice (数据 数据 实时) is one concept: requiring and scoring it again
        // changes no match and doubled the search's work.
        if occur == Occur::Should && is_concept(node) {
            let key = |l: &str| crate::text::normalize(l).to_lowercase();
            let typed = key(&label);
            if plan.concepts.iter().any(|c| key(&c.label) == typed) {
                continue;
            }
        }
        let Some(part) = builder.part(node)? else {
            continue;
        };
        match occur {
            Occur::Should if !part.facet && is_concept(node) => {
                plan.scoring.extend(part.scoring);
                plan.concepts.push(Concept {
                    label,
                    matcher: part.matcher,
                    scored: part.scored,
                    aliases: part.aliases,
                    terms: part.terms,
                    groups: part.groups,
                });
            }
            Occur::MustNot => {
                plan.fixed_are_facets = false;
                plan.fixed.push((Occur::MustNot, part.matcher));
            }
            _ => {
                plan.fixed_are_facets &= part.facet;
                plan.scoring.extend(part.scoring.iter().cloned());
                plan.fixed.push((Occur::Must, part.clause()));
            }
        }
    }
    if plan.concepts.is_empty() && plan.fixed.iter().all(|(o, _)| *o == Occur::MustNot) {
        if plan.fixed.is_empty() {
            return Ok(None);
        }
        plan.fixed.push((Occur::Must, Box::new(AllQuery)));
    }
    Ok(Some(plan))
}

/// Whether a top-level clause is a concept (relaxable): words, phrases and explicit `OR`s of
/// them in any scope but the facet ones; an explicit `AND` or a nested group is strict.
fn is_concept(node: &Node) -> bool {
    match node {
        Node::Word(..) | Node::Phrase(..) => true,
        Node::Or(items) => items.iter().all(is_concept),
        Node::Group(_) | Node::And(_) | Node::All => false,
    }
}

/// A concept's label: the clause as the user wrote it (near enough).
fn label(node: &Node) -> String {
    let scoped = |scope: &Scope, text: String| match scope.prefix() {
        Some(prefix) => format!("{prefix}:{text}"),
        None => text,
    };
    match node {
        Node::Word(scope, w) => scoped(scope, w.clone()),
        Node::Phrase(scope, p) => scoped(scope, format!("\"{p}\"")),
        Node::Or(items) => items.iter().map(label).collect::<Vec<_>>().join(" OR "),
        Node::And(items) => items
            .iter()
            .map(|(o, n)| match o {
                Occur::MustNot => format!("NOT {}", label(n)),
                _ => label(n),
            })
            .collect::<Vec<_>>()
            .join(" AND "),
        Node::Group(items) => format!(
            "({})",
            items
                .iter()
                .map(|(o, n)| match o {
                    Occur::MustNot => format!("-{}", label(n)),
                    Occur::Must => format!("+{}", label(n)),
                    Occur::Should => label(n),
                })
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Node::All => "*".into(),
    }
}

impl Plan {
    /// Matches everything.
    fn everything() -> Plan {
        Plan {
            fixed: vec![(Occur::Must, Box::new(AllQuery))],
            fixed_are_facets: false,
            ..Plan::default()
        }
    }

    /// The query whose hits match every concept, in two parts: the clauses every hit
    /// matches, and the weighted terms that only score (scored with the first by
    /// [`MaxScore`](super::maxscore::MaxScore)).
    ///
    /// A concept that is a union of terms the plan also scores by is required as the union of
    /// those scoring terms, which then score there and nowhere else: the same matches and
    /// scores, with each posting list read once.
    pub fn strict_parts(&self) -> (Box<dyn Query>, Vec<(Term, f32)>) {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = self
            .fixed
            .iter()
            .map(|(o, q)| (*o, q.box_clone()))
            .collect();
        let mut remaining: Vec<Option<(Term, f32)>> =
            self.scoring.iter().cloned().map(Some).collect();
        for concept in &self.concepts {
            let scored_union = match (&concept.terms, concept.scored) {
                (Some(terms), false) => take_scoring(&mut remaining, terms, self.sparse),
                _ => None,
            };
            let clause: Box<dyn Query> = match scored_union {
                Some(union) => union,
                None if concept.scored => concept.matcher.box_clone(),
                None => Box::new(ConstScoreQuery::new(concept.matcher.box_clone(), 0.0)),
            };
            clauses.push((Occur::Must, clause));
        }
        let rest: Vec<(Term, f32)> = remaining.into_iter().flatten().collect();
        (boolean(clauses).unwrap_or_else(|| Box::new(AllQuery)), rest)
    }

    /// Marks the plan sparse when some concept is a union of terms that together occur in
    /// fewer than `share` of the `docs` documents (`doc_freq` gives a term's): its matches,
    /// and so the strict query's, are at most that many.
    pub fn sparse_below(
        &mut self,
        share: f64,
        docs: u64,
        mut doc_freq: impl FnMut(&Term) -> Result<u64>,
    ) -> Result<()> {
        let mut least = f64::INFINITY;
        for concept in &self.concepts {
            if let Some(terms) = &concept.terms {
                let mut sum = 0u64;
                for term in terms {
                    sum = sum.saturating_add(doc_freq(term)?);
                }
                least = least.min(sum as f64);
            }
        }
        self.sparse = docs > 0 && least < share * docs as f64;
        Ok(())
    }

    /// The query whose hits match at least `least` concepts; each concept matched adds
    /// `coordination` to the score, and with `scoring` the scoring terms add their BM25 (so
    /// without them the score is `coordination` × the concepts matched).
    pub fn relaxed(&self, least: usize, coordination: f32, scoring: bool) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = self
            .fixed
            .iter()
            .map(|(o, q)| -> (Occur, Box<dyn Query>) {
                // Fixed clauses weigh nothing here: the score counts concepts.
                (*o, Box::new(ConstScoreQuery::new(q.box_clone(), 0.0)))
            })
            .collect();
        let any: Vec<(Occur, Box<dyn Query>)> = self
            .concepts
            .iter()
            .map(|c| -> (Occur, Box<dyn Query>) {
                let counted = ConstScoreQuery::new(c.matcher.box_clone(), coordination);
                (Occur::Should, Box::new(counted))
            })
            .collect();
        if least == 0 {
            // Not even one concept whole: any patent sharing a scoring term with the query,
            // those matching concepts first.
            clauses.extend(any);
        } else {
            clauses.push((
                Occur::Must,
                Box::new(BooleanQuery::with_minimum_required_clauses(any, least)),
            ));
        }
        if scoring {
            self.with_concept_scoring(clauses)
        } else {
            if least == 0 && !self.scoring.is_empty() {
                // The same matches as with scoring (any shared term), scored by concepts only.
                let terms: Vec<(Occur, Box<dyn Query>)> = self
                    .scoring
                    .iter()
                    .map(|(term, _)| -> (Occur, Box<dyn Query>) {
                        let q = TermQuery::new(term.clone(), IndexRecordOption::Basic);
                        (Occur::Should, Box::new(q))
                    })
                    .collect();
                let any = ConstScoreQuery::new(Box::new(BooleanQuery::new(terms)), 0.0);
                clauses.push((Occur::Should, Box::new(any)));
            }
            boolean(clauses).unwrap_or_else(|| Box::new(AllQuery))
        }
    }

    /// The concepts' matchers, to tell which ones a hit matches.
    pub fn matchers(&self) -> Vec<Box<dyn Query>> {
        self.concepts
            .iter()
            .map(|c| c.matcher.box_clone())
            .collect()
    }

    /// When every concept is a union of terms and nothing else constrains the matches but
    /// facet filters, those unions (a patent matches when it holds a term of each).
    pub fn term_groups(&self) -> Option<(Vec<Vec<Term>>, bool)> {
        let groups: Option<Vec<Vec<Term>>> =
            self.concepts.iter().map(|c| c.terms.clone()).collect();
        let groups = groups.filter(|g| !g.is_empty())?;
        Some((groups, self.fixed.is_empty()))
    }

    /// `clauses` with each concept scored by a disjunction-max over its groups, and the
    /// scoring terms of no concept as one union.
    fn with_concept_scoring(&self, mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
        let mut grouped: std::collections::HashSet<&Term> = std::collections::HashSet::new();
        for concept in &self.concepts {
            let disjuncts: Vec<Box<dyn Query>> = concept
                .groups
                .iter()
                .map(|group| union(weighted_terms(group), false))
                .collect();
            if disjuncts.is_empty() {
                continue;
            }
            grouped.extend(concept.groups.iter().flatten().map(|(t, _)| t));
            let best = DisjunctionMaxQuery::with_tie_breaker(disjuncts, CONCEPT_TIE);
            clauses.push((
                Occur::Should,
                Saturated::boxed(Box::new(best), CONCEPT_KNEE),
            ));
        }
        let rest: Vec<(Term, f32)> = self
            .scoring
            .iter()
            .filter(|(t, _)| !grouped.contains(t))
            .cloned()
            .collect();
        scoring_clauses(&rest, clauses)
    }
}

/// `clauses` with the weighted scoring terms as one optional clause.
fn scoring_clauses(
    scoring: &[(Term, f32)],
    mut clauses: Vec<(Occur, Box<dyn Query>)>,
) -> Box<dyn Query> {
    if !scoring.is_empty() {
        clauses.push((Occur::Should, union(weighted_terms(scoring), false)));
    }
    boolean(clauses).unwrap_or_else(|| Box::new(AllQuery))
}

/// Each term as a query at its weight.
fn weighted_terms(scoring: &[(Term, f32)]) -> Vec<Box<dyn Query>> {
    scoring
        .iter()
        .map(|(term, weight)| {
            let q = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
            weighted(Box::new(q), *weight)
        })
        .collect()
}

/// The scored union of `queries`: sought clause by clause when `sparse`, else buffered.
fn union(queries: Vec<Box<dyn Query>>, sparse: bool) -> Box<dyn Query> {
    if sparse {
        SkipUnion::boxed(queries)
    } else {
        Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))
    }
}

/// When every term of a concept's union is still among the scoring terms, takes them out and
/// returns their scored union.
fn take_scoring(
    remaining: &mut [Option<(Term, f32)>],
    terms: &[Term],
    sparse: bool,
) -> Option<Box<dyn Query>> {
    let held = |t: &Term| remaining.iter().flatten().any(|(s, _)| s == t);
    if terms.is_empty() || !terms.iter().all(held) {
        return None;
    }
    let mut taken = Vec::new();
    for slot in remaining.iter_mut() {
        if slot.as_ref().is_some_and(|(s, _)| terms.contains(s)) {
            taken.extend(slot.take());
        }
    }
    Some(union(weighted_terms(&taken), sparse))
}

/// Parts combined by `occur` (`Should`: any, `Must`: all).
pub(super) fn combine(parts: Vec<Part>, occur: Occur) -> Option<Part> {
    if parts.len() <= 1 {
        return parts.into_iter().next();
    }
    let terms = if occur == Occur::Should {
        parts
            .iter()
            .map(|p| p.terms.clone())
            .collect::<Option<Vec<_>>>()
            .map(|all| all.concat())
    } else {
        None
    };
    let facet = parts.iter().all(|p| p.facet);
    let mut scoring = Vec::new();
    let mut aliases = Vec::new();
    let mut clauses = Vec::new();
    let mut groups = Vec::new();
    for part in parts {
        groups.extend(part.groups.iter().cloned());
        scoring.extend(part.scoring.iter().cloned());
        aliases.extend(part.aliases.iter().cloned());
        clauses.push((occur, part.clause()));
    }
    Some(Part {
        matcher: Box::new(BooleanQuery::new(clauses)),
        scored: true,
        scoring,
        aliases,
        terms,
        facet,
        groups,
    })
}

/// `clauses` as one query: none is nothing, one positive clause is itself, only exclusions
/// exclude from everything.
pub(super) fn boolean(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Option<Box<dyn Query>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::query::parse;
    use crate::text::{Origin, Ring};

    fn planned(q: &str, thesaurus: Option<&Thesaurus>) -> Result<Option<Plan>> {
        plan(
            &PatentFields::build(),
            &parse(q)?,
            &Boosts::default(),
            thesaurus,
        )
    }

    /// A thesaurus of one ring: 超高分子量聚乙烯 and its abbreviation UHMWPE.
    fn uhmwpe() -> Thesaurus {
        Thesaurus::new([Ring {
            terms: vec!["超高分子量聚乙烯".into(), "UHMWPE".into()],
            origin: Origin::Curated {
                section: "test".into(),
                kind: "abbreviation".into(),
                area: Some("test".into()),
            },
        }])
    }

    #[test]
    fn leaves_build_and_bad_prefixes_fail() {
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
            "ap:北京邮电大学 in:张三",
        ] {
            assert!(planned(q, None).unwrap().is_some(), "{q}");
        }
        assert!(planned("的 所述", None).unwrap().is_none());
        for q in ["ipc:Z99", "type:patent", "status:alive", "an:123"] {
            assert!(planned(q, None).is_err(), "{q}");
        }
    }

    #[test]
    fn juxtaposed_words_are_concepts_and_the_rest_is_fixed() {
        let plan = planned("锂电池 正极材料 ipc:H01M -钠 +回收", None)
            .unwrap()
            .unwrap();
        let labels: Vec<&str> = plan.concepts.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["锂电池", "正极材料"]);
        // The IPC facet, the required and the excluded word are fixed clauses.
        assert_eq!(plan.fixed.len(), 3);
        assert!(!plan.fixed_are_facets);
        // An OR of words is one concept; an explicit AND is strict.
        let or = planned("锂电池 (回收 OR 再生)", None).unwrap().unwrap();
        assert_eq!(or.concepts.len(), 2);
        assert_eq!(or.concepts[1].label, "回收 OR 再生");
        let and = planned("锂电池 AND 回收", None).unwrap().unwrap();
        assert!(and.concepts.is_empty());
        assert_eq!(and.fixed.len(), 1);
        // Two-character words are unions of terms (bitset search); longer ones are not.
        let short = planned("电池 回收", None).unwrap().unwrap();
        assert!(
            short
                .term_groups()
                .is_some_and(|(g, alone)| g.len() == 2 && alone)
        );
        let long = planned("正极材料", None).unwrap().unwrap();
        assert!(long.term_groups().is_none());
    }

    #[test]
    fn a_relaxed_search_scores_each_concept_by_its_best_way_of_matching() {
        let thesaurus = uhmwpe();
        let plan = planned("超高分子量聚乙烯 正极涂层", Some(&thesaurus))
            .unwrap()
            .unwrap();
        // The word's own words, its bigrams and its alias are three ways to match it.
        assert_eq!(plan.concepts[0].groups.len(), 3);
        assert_eq!(plan.concepts[1].groups.len(), 2);
        let text = format!("{:?}", plan.relaxed(1, 1.0, true));
        assert_eq!(text.matches("DisjunctionMaxQuery").count(), 2, "{text}");
        assert_eq!(text.matches("Saturated").count(), 2, "{text}");
        assert!(
            text.contains(&format!("tie_breaker: {CONCEPT_TIE}")),
            "{text}"
        );
        // Every scoring term is in some concept's groups: nothing else scores.
        let grouped: usize = plan
            .concepts
            .iter()
            .flat_map(|c| &c.groups)
            .map(Vec::len)
            .sum();
        assert_eq!(grouped, plan.scoring.len());
    }

    #[test]
    fn a_word_typed_twice_is_one_concept() {
        let twice = planned("数据 数据 实时", None).unwrap().unwrap();
        let once = planned("数据 实时", None).unwrap().unwrap();
        let labels = |p: &Plan| {
            p.concepts
                .iter()
                .map(|c| c.label.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(labels(&twice), vec!["数据", "实时"]);
        assert_eq!(twice.scoring, once.scoring);
        // Case and width do not make another concept; a phrase of the same word does.
        assert_eq!(
            planned("UHMWPE uhmwpe", None)
                .unwrap()
                .unwrap()
                .concepts
                .len(),
            1
        );
        assert_eq!(
            planned("数据 \"数据\"", None)
                .unwrap()
                .unwrap()
                .concepts
                .len(),
            2
        );
    }

    #[test]
    fn a_plan_is_sparse_when_some_concept_is_rare() {
        let mut plan = planned("电池 回收", None).unwrap().unwrap();
        let rare = plan.concepts[1].terms.clone().unwrap();
        // 回收's terms occur in 10 of 1,000 documents together; 电池's in 400.
        let mut freq = |t: &Term| Ok(if rare.contains(t) { 2 } else { 100 });
        plan.sparse_below(1.0 / 8.0, 1_000, &mut freq).unwrap();
        assert!(plan.sparse);
        plan.sparse_below(1.0 / 200.0, 1_000, &mut freq).unwrap();
        assert!(!plan.sparse);
        // A phrase is no union of terms: it bounds nothing.
        let mut phrase = planned("\"锂离子电池正极材料\"", None).unwrap().unwrap();
        phrase.sparse_below(1.0, 1_000, |_| Ok(0)).unwrap();
        assert!(!phrase.sparse);
    }

    #[test]
    fn aliases_widen_a_word_but_not_a_phrase() {
        let thesaurus = uhmwpe();
        let word = planned("UHMWPE 纤维", Some(&thesaurus)).unwrap().unwrap();
        assert_eq!(word.concepts[0].aliases[0].term, "超高分子量聚乙烯");
        // Alias terms score at the alias weight.
        let boosts = Boosts::default();
        assert!(
            word.scoring
                .iter()
                .any(|(_, w)| (*w - boosts.alias * boosts.abstract_text).abs() < 1e-6)
        );
        let phrase = planned("\"UHMWPE\"", Some(&thesaurus)).unwrap().unwrap();
        assert!(phrase.concepts[0].aliases.is_empty());
    }

    #[test]
    fn aliases_that_add_nothing_are_left_out_and_shared_terms_score_once() {
        let thesaurus = Thesaurus::new([Ring {
            terms: vec!["身份认证".into(), "身份认证技术".into(), "身份验证".into()],
            origin: Origin::Curated {
                section: "test".into(),
                kind: "synonym".into(),
                area: Some("test".into()),
            },
        }]);
        let plan = planned("身份认证", Some(&thesaurus)).unwrap().unwrap();
        let aliases: Vec<&str> = plan.concepts[0]
            .aliases
            .iter()
            .map(|a| a.term.as_str())
            .collect();
        // 身份认证技术 holds the word: it finds nothing the word does not.
        assert_eq!(aliases, ["身份验证"]);
        // 身份 (a word of both cuts, and their first bigram) scores at the word's weight only.
        let mut terms: Vec<&tantivy::Term> = plan.scoring.iter().map(|(t, _)| t).collect();
        let all = terms.len();
        terms.sort();
        terms.dedup();
        assert_eq!(terms.len(), all);
        let plain = planned("身份认证", None).unwrap().unwrap();
        assert!(plan.scoring.len() > plain.scoring.len());
    }
}
