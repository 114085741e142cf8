//! The technical thesaurus: rings of terms that name one concept (an abbreviation and its full
//! name, a trade or colloquial name and the drafter's term, near-synonyms), curated in
//! `schema/thesaurus/` and mined from the library's own text (`全称（缩写）` and the like).
//!
//! A query word that is a term of a ring also matches the ring's other terms, at a lower
//! weight than the word as typed. Terms are looked up by their normalised form (NFKC, lower
//! case, spaces removed), so `UHMW PE`, `uhmw-pe` and `ＵＨＭＷ－ＰＥ` find the same rings.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Where a ring came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Origin {
    /// A section of the curated thesaurus.
    Curated {
        /// The section's name.
        section: String,
        /// Its kind (abbreviation, synonym, trade_name, colloquial).
        kind: String,
    },
    /// Mined from the library's text: how many patents define the pair.
    Mined {
        /// Patents whose text defines it.
        patents: u32,
    },
}

/// A ring: terms that name one concept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ring {
    /// The terms, the preferred one first.
    pub terms: Vec<String>,
    /// Where it came from.
    pub origin: Origin,
}

/// Another name of a query term, found in a ring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    /// The other term.
    pub term: String,
    /// The ring's origin.
    pub origin: Origin,
}

/// Rings indexed by their normalised terms.
#[derive(Debug, Clone, Default)]
pub struct Thesaurus {
    rings: Vec<Ring>,
    by_term: HashMap<String, Vec<u32>>,
}

/// The key a term is looked up by.
pub fn key(term: &str) -> String {
    super::normalize(term)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

impl Thesaurus {
    /// A thesaurus of `rings`.
    pub fn new(rings: impl IntoIterator<Item = Ring>) -> Thesaurus {
        let mut thesaurus = Thesaurus::default();
        thesaurus.extend(rings);
        thesaurus
    }

    /// Adds rings.
    pub fn extend(&mut self, rings: impl IntoIterator<Item = Ring>) {
        for ring in rings {
            let at = self.rings.len() as u32;
            let mut keys: Vec<String> = ring.terms.iter().map(|t| key(t)).collect();
            keys.sort_unstable();
            keys.dedup();
            for k in keys {
                if !k.is_empty() {
                    self.by_term.entry(k).or_default().push(at);
                }
            }
            self.rings.push(ring);
        }
    }

    /// Number of rings.
    pub fn len(&self) -> usize {
        self.rings.len()
    }

    /// Whether there are no rings.
    pub fn is_empty(&self) -> bool {
        self.rings.is_empty()
    }

    /// The rings.
    pub fn rings(&self) -> &[Ring] {
        &self.rings
    }

    /// The other names of `term`: every other term of every ring holding it, each once, in
    /// ring order (curated before mined), at most `limit`.
    pub fn aliases(&self, term: &str, limit: usize) -> Vec<Alias> {
        let own = key(term);
        let Some(rings) = self.by_term.get(&own) else {
            return Vec::new();
        };
        let mut seen = vec![own];
        let mut out = Vec::new();
        for &at in rings {
            let Some(ring) = self.rings.get(at as usize) else {
                continue;
            };
            for other in &ring.terms {
                let k = key(other);
                if seen.contains(&k) {
                    continue;
                }
                seen.push(k);
                out.push(Alias {
                    term: other.clone(),
                    origin: ring.origin.clone(),
                });
                if out.len() == limit {
                    return out;
                }
            }
        }
        out
    }

    /// [`Thesaurus::aliases`] less those holding `term` or held by it (区块链技术 for 区块链):
    /// they find nothing `term` does not.
    pub fn distinct_aliases(&self, term: &str, limit: usize) -> Vec<Alias> {
        let typed = super::normalize(term).to_lowercase();
        let mut aliases = self.aliases(term, limit);
        aliases.retain(|alias| {
            let folded = super::normalize(&alias.term).to_lowercase();
            !folded.contains(&typed) && !typed.contains(&folded)
        });
        aliases
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curated(terms: &[&str]) -> Ring {
        Ring {
            terms: terms.iter().map(ToString::to_string).collect(),
            origin: Origin::Curated {
                section: "test".into(),
                kind: "abbreviation".into(),
            },
        }
    }

    #[test]
    fn aliases_are_found_by_any_spelling_of_any_term() {
        let thesaurus = Thesaurus::new([
            curated(&["超高分子量聚乙烯", "UHMWPE", "UHMW-PE"]),
            curated(&["聚碳酸酯", "PC"]),
            curated(&["个人计算机", "PC"]),
        ]);
        let aliases: Vec<String> = thesaurus
            .aliases("ｕｈｍｗｐｅ", 10)
            .into_iter()
            .map(|a| a.term)
            .collect();
        assert_eq!(aliases, ["超高分子量聚乙烯", "UHMW-PE"]);
        let pc: Vec<String> = thesaurus
            .aliases("pc", 10)
            .into_iter()
            .map(|a| a.term)
            .collect();
        assert_eq!(pc, ["聚碳酸酯", "个人计算机"]);
        assert_eq!(thesaurus.aliases("pc", 1).len(), 1);
        assert!(thesaurus.aliases("石墨烯", 10).is_empty());
    }
}
