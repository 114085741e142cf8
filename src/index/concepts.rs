//! The concepts of a search: a request's plan, how far it is relaxed when too few patents
//! match every concept (counted in one pass by the number of concepts each patent matches),
//! the query for that level, and which concepts each relaxed hit lacks.

use std::sync::Arc;

use tantivy::Searcher;
use tantivy::collector::{Collector, TopDocs};
use tantivy::query::Query;

use super::attributes::Attributes;
use super::fields::PatentFields;
use super::matches::TermGroups;
use super::maxscore::MaxScore;
use super::plan::{Boosts, Plan, plan};
use super::query::parse;
use super::scores::ScoreLookup;
use super::search::{
    Expansion, Hit, Relaxation, SearchRequest, SearchResults, SortOrder, check_limit, collect,
    filter_for, filter_groups, run, with_filter_groups,
};
use crate::error::Result;
use crate::text::Thesaurus;

/// A request's plan (its concepts, parsed from the text with the thesaurus unless expansion
/// is off) and filter groups (institutions, IPC prefixes); `None` when nothing searchable is
/// left.
fn request_plan(
    fields: &PatentFields,
    request: &SearchRequest,
    boosts: &Boosts,
    thesaurus: &Thesaurus,
) -> Result<Option<(Plan, TermGroups)>> {
    check_limit(request)?;
    let node = parse(&request.query)?;
    let expansions = (request.expand && !thesaurus.is_empty()).then_some(thesaurus);
    let Some(plan) = plan(fields, &node, boosts, expansions)? else {
        return Ok(None);
    };
    Ok(Some((plan, filter_groups(fields, request)?)))
}

/// The answer to a query of nothing but stopwords and punctuation (`的`, `§`): no hits, and a
/// note that says why, rather than an error for text a person may well type.
fn nothing_searchable(request: &SearchRequest) -> SearchResults {
    SearchResults {
        total: 0,
        hits: Vec::new(),
        facets: request.facets.then(Default::default),
        concepts: Vec::new(),
        relaxed: None,
        expansions: Vec::new(),
        unscored_note: None,
        note: Some(NOTHING_SEARCHABLE.to_string()),
    }
}

/// What [`nothing_searchable`] says.
pub const NOTHING_SEARCHABLE: &str =
    "nothing searchable is left after removing stopwords and punctuation (查询中只有停用词或标点)";

/// The query and, when its matches are the patents holding a term of every group, those
/// groups: the plan's strict query, or the one whose hits match at least `need` concepts
/// (scored so that hits rank by the concepts they match first), with the filters.
fn plan_query(
    plan: &Plan,
    filters: &TermGroups,
    need: usize,
    sort: SortOrder,
) -> (Box<dyn Query>, Option<TermGroups>) {
    if need >= plan.concepts.len() {
        let groups = plan
            .term_groups()
            .filter(|(_, alone)| *alone)
            .map(|(mut groups, _)| {
                groups.extend(filters.iter().cloned());
                groups
            });
        // The filter groups are required too; the scoring terms are added last, so a page
        // by relevance seeks them only for matches that can reach it.
        let (required, scoring) = plan.strict_parts();
        let strict = MaxScore::boxed(with_filter_groups(required, filters.clone()), scoring);
        return (strict, groups);
    }
    let _ = sort;
    // Every order scores by relevance: value and date orders put the on-topic hits first.
    let query = plan.relaxed(need, COORDINATION, true);
    (with_filter_groups(query, filters.clone()), None)
}

/// What each concept a hit matches adds to its relevance when a search is relaxed. Tuned on
/// every dev search set together (dev, dev2, paraphrase; 290 queries): 1000 (concepts first,
/// then BM25) measured known-item MRR@10 0.910 / 0.952 / 0.556 and topical nDCG@10 0.886;
/// 1.0 measured 0.940 / 0.972 / 0.689 and 0.902. Value and date sorts order by the concepts
/// matched first whatever this weight.
const COORDINATION: f32 = 1.0;

/// A search is relaxed when fewer patents than this match every concept: the hits are then
/// the patents that match the most concepts, at least this many of them where there are
/// (dev sets: 10 measured paraphrase MRR@10 0.655, 20 measured 0.689, with the same
/// known-item and topical figures).
const RELAX_BELOW: usize = 20;

/// A relaxed search takes the patents matching this many concepts fewer than the most that
/// [`RELAX_BELOW`] patents match. Every dev search set together: 0 measured paraphrase MRR@10
/// 0.718, 1 measured 0.725 (recall@10 0.860 both), and so did taking every patent that shares
/// a word with the query; dev, dev2 and topical figures were the same for all three.
const WIDEN_BY: usize = 1;

/// A relaxed search sorted by value, industry rank or date lists first, in that order, the
/// patents whose relevance is at least this share of the best match's (its on-topic hits),
/// then the others in that order. On the dev topical queries (CCF, where every value is 0 so
/// the order within each block is the index's) P@10 with sort=value measured 0.575 at 0.4,
/// 0.683 at 0.5 and 0.608 at 0.6 against 0.717 by relevance, with relevance summed over each
/// concept's evidence; with each concept's evidence saturating (`CONCEPT_KNEE`), relevances lie
/// closer together, and 0.5 measured 0.592, 0.6 0.675 and 0.7 0.517 against 0.758.
const ON_TOPIC: f32 = 0.6;

/// A strict query's concept unions are sought clause by clause when some concept occurs in fewer
/// than this share of the library (see `union.rs`). 10^6 generated patents, 200 harness
/// queries, one client over HTTP: below 1/32 mean 3.3–3.5 ms, 1/8 3.05–3.1, 1/4 4.5–4.6.
const SPARSE_BELOW: f64 = 1.0 / 8.0;

/// Hits of a relaxed search by relevance re-ranked by the characters of the concepts they hold
/// (see [`rerank_by_characters`]). Every dev search set together (dev, dev2, paraphrase; 290
/// queries), known-item MRR@10 dev / dev2 / paraphrase and topical nDCG@10: without it 0.964 /
/// 0.982 / 0.744 and 0.939; with 10, 20 or 30 hits and weights 1 to 5, paraphrase 0.80–0.815,
/// the others within 0.01 (20 and 1: 0.964 / 0.981 / 0.812 and 0.940).
const RERANK_DEPTH: usize = 20;

/// Weight of the character share in that re-ranking (1: a hit holding every concept's
/// characters counts double).
const CHARACTER_WEIGHT: f32 = 1.0;

/// Runs a search; `scores` enables value and industry filters, sorts and facets.
pub fn search(
    searcher: &Searcher,
    attributes: Attributes,
    fields: &PatentFields,
    request: &SearchRequest,
    boosts: &Boosts,
    thesaurus: &Thesaurus,
    scores: Option<&Arc<dyn ScoreLookup>>,
) -> Result<SearchResults> {
    let Some((mut plan, filters)) = request_plan(fields, request, boosts, thesaurus)? else {
        return Ok(nothing_searchable(request));
    };
    plan.sparse_below(SPARSE_BELOW, searcher.num_docs(), |term| {
        Ok(searcher.doc_freq(term)?)
    })?;
    let n = plan.concepts.len();
    let relaxable = n >= 2 || (n == 1 && !plan.scoring.is_empty());
    // Strict first: most searches have enough patents matching every concept, and then the
    // counting pass below (a union of every concept's phrases over the library) is not needed
    // (10^6 patents, 200 generated queries, one client: median 8.6 → see BENCHMARKS.md).
    // Its total is exact unless the request asked for the top hits only.
    if !relaxable || !request.top_only {
        let query = plan_query(&plan, &filters, n, request.sort);
        let strict = run(
            searcher,
            attributes.clone(),
            fields,
            request,
            query,
            scores,
            None,
        )?;
        if !relaxable || strict.total >= RELAX_BELOW {
            return Ok(described(strict, &plan));
        }
    }
    let mut need = n;
    if n >= 2 {
        // How many patents match each number of concepts, in one pass.
        let counting = with_filter_groups(plan.relaxed(1, 1.0, false), filters.clone());
        let levels = count_levels(searcher, &attributes, request, &*counting, n, scores)?;
        // Patents matching at least k concepts, for k = n, n-1, …, and none whole at last.
        let mut at_least = 0;
        need = 0;
        for level in (1..=n).rev() {
            at_least += levels.get(level).copied().unwrap_or(0);
            if at_least >= RELAX_BELOW {
                need = level;
                break;
            }
        }
    } else if n == 1 && !plan.scoring.is_empty() {
        // One concept: when too few patents hold it whole, those sharing its words too.
        let counting = with_filter_groups(plan.relaxed(1, 1.0, false), filters.clone());
        let levels = count_levels(searcher, &attributes, request, &*counting, n, scores)?;
        if levels.get(1).copied().unwrap_or(0) < RELAX_BELOW {
            need = 0;
        }
    }
    if need < n {
        // One concept fewer than that level: a patent described in other words than the query's
        // often holds none of a concept's wording whole.
        need = need.saturating_sub(WIDEN_BY);
    }
    let query = plan_query(&plan, &filters, need, request.sort);
    // A relaxed search in another order than relevance: the relevance its on-topic hits reach.
    let on_topic = match request.sort {
        _ if need >= n => None,
        SortOrder::Relevance | SortOrder::Blended => None,
        _ => {
            let (doc_filter, _) = filter_for(request, &attributes, scores)?;
            let best = collect(
                searcher,
                &*query.0,
                &doc_filter,
                TopDocs::with_limit(1).order_by_score(),
            )?;
            Some(best.first().map_or(0.0, |(score, _)| score * ON_TOPIC))
        }
    };
    // A relaxed search by relevance re-ranks its first hits by how much of each concept's
    // wording they hold, so every page of it is cut from the same re-ranked list.
    let rerank = need < n && request.sort == SortOrder::Relevance && request.offset < RERANK_DEPTH;
    let wide;
    let run_request = if rerank {
        wide = SearchRequest {
            offset: 0,
            limit: RERANK_DEPTH.max(request.offset + request.limit),
            records: true,
            ..request.clone()
        };
        &wide
    } else {
        request
    };
    let mut results = run(
        searcher,
        attributes,
        fields,
        run_request,
        query,
        scores,
        on_topic,
    )?;
    if need < n {
        let mut note = if need == 0 {
            format!(
                "fewer than {RELAX_BELOW} patents match the query's concepts whole: hits share words with it, ranked by the concepts they match and their relevance; missing_concepts says what each lacks"
            )
        } else {
            format!(
                "fewer than {RELAX_BELOW} patents match all {n} concepts: hits match at least {need}, ranked by the concepts they match and their relevance; missing_concepts says what each lacks"
            )
        };
        if rerank {
            note.push_str(&format!(
                "; the first {RERANK_DEPTH} are ranked again by how much of each concept's Chinese characters they hold"
            ));
        }
        if on_topic.is_some() {
            note.push_str(&format!(
                "; in this order the on-topic hits (relevance at least {:.0}% of the best match's, on_topic) come first",
                ON_TOPIC * 100.0
            ));
        }
        results.relaxed = Some(Relaxation {
            matched: need,
            of: n,
            note,
        });
        mark_missing(searcher, &plan, &mut results.hits)?;
    }
    if rerank {
        rerank_by_characters(&plan, &mut results.hits);
        results.hits = results
            .hits
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|mut hit| {
                if !request.records {
                    hit.record = None;
                }
                hit
            })
            .collect();
        if request.top_only {
            results.total = request.offset + results.hits.len();
        }
    }
    Ok(described(results, &plan))
}

/// Multiplies the relevance of the first [`RERANK_DEPTH`] hits of a relaxed search by
/// `1 + CHARACTER_WEIGHT × c`, where `c` is the mean over the query's concepts of 1 for a
/// concept the hit matches and otherwise the share of the concept's Chinese characters found
/// in the hit's title or abstract, then sorts them again. Chinese compounds that name the same
/// thing in other words share characters (减震 and 避震, 泵体 and 泵壳) where no word, bigram
/// or alias of them matches.
fn rerank_by_characters(plan: &Plan, hits: &mut [Hit]) {
    let depth = hits.len().min(RERANK_DEPTH);
    let Some(first) = hits.get_mut(..depth) else {
        return;
    };
    let concepts: Vec<(&str, Vec<char>)> = plan
        .concepts
        .iter()
        .map(|c| (c.label.as_str(), han_characters(&c.label)))
        .collect();
    let n = concepts.len().max(1) as f32;
    for hit in first.iter_mut() {
        let abstract_text = hit
            .record
            .as_ref()
            .and_then(|r| r.abstract_text.as_deref())
            .unwrap_or_default();
        let coverage: f32 = concepts
            .iter()
            .map(|(label, characters)| {
                if !hit.missing_concepts.iter().any(|m| m == label) {
                    return 1.0;
                }
                share_found(characters, &[&hit.title, abstract_text])
            })
            .sum::<f32>()
            / n;
        hit.score *= 1.0 + CHARACTER_WEIGHT * coverage;
    }
    first.sort_by(|a, b| b.score.total_cmp(&a.score));
}

/// The distinct Chinese characters of a label (Latin letters and digits say nothing: every
/// text has some).
fn han_characters(label: &str) -> Vec<char> {
    let mut characters: Vec<char> = label.chars().filter(|c| is_han(*c)).collect();
    characters.sort_unstable();
    characters.dedup();
    characters
}

/// The share of `characters` that occur in any of `texts` (0 when there are none).
fn share_found(characters: &[char], texts: &[&str]) -> f32 {
    if characters.is_empty() {
        return 0.0;
    }
    let found = characters
        .iter()
        .filter(|c| texts.iter().any(|t| t.contains(**c)))
        .count();
    found as f32 / characters.len() as f32
}

/// Whether a character is a CJK unified ideograph.
fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// Results with the plan's concepts and expansions.
fn described(mut results: SearchResults, plan: &Plan) -> SearchResults {
    results.concepts = plan.concepts.iter().map(|c| c.label.clone()).collect();
    results.expansions = plan
        .concepts
        .iter()
        .filter(|c| !c.aliases.is_empty())
        .map(|c| Expansion {
            concept: c.label.clone(),
            also_matched: c.aliases.iter().map(|a| a.term.clone()).collect(),
        })
        .collect();
    results
}

/// Lists on each hit the concepts of `plan` it does not match.
fn mark_missing(searcher: &Searcher, plan: &Plan, hits: &mut [Hit]) -> Result<()> {
    let enable = tantivy::query::EnableScoring::disabled_from_searcher(searcher);
    let weights = plan
        .matchers()
        .iter()
        .map(|q| q.weight(enable))
        .collect::<tantivy::Result<Vec<_>>>()?;
    for hit in hits {
        let Some(address) = hit.address else { continue };
        let segment = searcher.segment_reader(address.segment_ord);
        for (concept, weight) in plan.concepts.iter().zip(&weights) {
            // A fresh scorer stands on its first match: one past the hit means no match.
            let mut scorer = weight.scorer(segment, 1.0)?;
            let target = address.doc_id;
            let matched = match scorer.doc() {
                doc if doc == target => true,
                doc if doc > target => false,
                _ => scorer.seek(target) == target,
            };
            if !matched {
                hit.missing_concepts.push(concept.label.clone());
            }
        }
    }
    Ok(())
}

/// How many of the filtered hits of `query` (whose score is the number of concepts a patent
/// matches) match each number of concepts, `0..=n`.
fn count_levels(
    searcher: &Searcher,
    attributes: &Attributes,
    request: &SearchRequest,
    query: &dyn Query,
    n: usize,
    scores: Option<&Arc<dyn ScoreLookup>>,
) -> Result<Vec<usize>> {
    let (doc_filter, _) = filter_for(request, attributes, scores)?;
    collect(searcher, query, &doc_filter, LevelCounter { levels: n })
}

/// Counts hits by their score rounded to a whole number (the number of concepts matched).
struct LevelCounter {
    levels: usize,
}

struct SegmentLevels {
    counts: Vec<usize>,
}

impl Collector for LevelCounter {
    type Fruit = Vec<usize>;
    type Child = SegmentLevels;

    fn for_segment(
        &self,
        _segment_local_id: tantivy::SegmentOrdinal,
        _segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentLevels> {
        Ok(SegmentLevels {
            counts: vec![0; self.levels + 1],
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<usize>>) -> tantivy::Result<Vec<usize>> {
        let mut total = vec![0; self.levels + 1];
        for fruit in fruits {
            for (sum, count) in total.iter_mut().zip(fruit) {
                *sum += count;
            }
        }
        Ok(total)
    }
}

impl tantivy::collector::SegmentCollector for SegmentLevels {
    type Fruit = Vec<usize>;

    fn collect(&mut self, _doc: tantivy::DocId, score: tantivy::Score) {
        let level = (score.round().max(0.0) as usize).min(self.counts.len().saturating_sub(1));
        if let Some(count) = self.counts.get_mut(level) {
            *count += 1;
        }
    }

    fn harvest(self) -> Vec<usize> {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn character_share(label: &str, text: &str) -> f32 {
        share_found(&han_characters(label), &[text])
    }

    #[test]
    fn character_shares_count_distinct_chinese_characters_only() {
        assert_eq!(character_share("避震弹簧", "泵体下方设有减震弹簧"), 0.75);
        assert_eq!(character_share("弹弹簧", "弹簧秤"), 1.0);
        assert_eq!(character_share("泵壳", "弹簧秤"), 0.0);
        // Latin letters and digits say nothing: every text has some.
        assert_eq!(character_share("UHMWPE", "uhmwpe 纤维"), 0.0);
        assert_eq!(character_share("5G基站", "基于5g的站点"), 1.0);
        // Title and abstract are read apart.
        assert_eq!(share_found(&han_characters("泵壳"), &["水泵", "外壳"]), 1.0);
    }
}
