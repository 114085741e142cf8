//! The technical thesaurus: rings of terms that name one concept (an abbreviation and its full
//! name, a trade or colloquial name and the drafter's term, near-synonyms), curated in
//! `schema/thesaurus/` and mined from the library's own text (`全称（缩写）` and the like).
//!
//! A query word that is a term of a ring also matches the ring's other terms, at a lower
//! weight than the word as typed. Terms are looked up by their normalised form (NFKC, lower
//! case, spaces removed), so `UHMW PE`, `uhmw-pe` and `ＵＨＭＷ－ＰＥ` find the same rings.
//!
//! The curated sections double as technical areas (电池与电化学储能, 涂料、胶粘剂与油墨, …): the
//! terms of a text tell which areas it is about ([`Thesaurus::areas`]).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};

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
        /// The technical area its terms tell (the section's label, else its name); `None` for
        /// a section across fields (components, defects, measurement, institutions), whose
        /// terms do not tell what a text is about.
        area: Option<String>,
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
    /// The curated terms by area, built on first use.
    areas: OnceLock<Arc<Areas>>,
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
        self.areas = OnceLock::new();
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

    /// The technical areas (curated sections) whose terms occur in texts.
    pub fn areas(&self) -> Arc<Areas> {
        self.areas
            .get_or_init(|| Arc::new(Areas::new(&self.rings)))
            .clone()
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

/// The curated sections of one technical field as technical areas: every distinctive term of
/// such a section (two or more Chinese characters, or a Latin name of three or more letters)
/// marks a text as being about that area.
#[derive(Debug, Clone)]
pub struct Areas {
    names: Vec<String>,
    /// The terms, each with the area it marks.
    finder: Option<AhoCorasick>,
    area_of: Vec<u32>,
}

/// Which areas a text is about: each area it names, weighted ln(1 + the distinct terms of the
/// area it holds), highest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AreaProfile(Vec<(u32, f32)>);

impl Areas {
    fn new(rings: &[Ring]) -> Areas {
        let mut names: Vec<String> = Vec::new();
        let mut terms: HashSet<(String, u32)> = HashSet::new();
        let mut patterns = Vec::new();
        let mut area_of = Vec::new();
        for ring in rings {
            let Origin::Curated {
                area: Some(name), ..
            } = &ring.origin
            else {
                continue;
            };
            let area = match names.iter().position(|n| n == name) {
                Some(at) => at as u32,
                None => {
                    names.push(name.clone());
                    (names.len() - 1) as u32
                }
            };
            for term in &ring.terms {
                let folded = fold(term);
                if distinctive(&folded) && terms.insert((folded.clone(), area)) {
                    patterns.push(folded);
                    area_of.push(area);
                }
            }
        }
        let finder = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        Areas {
            names,
            finder,
            area_of,
        }
    }

    /// The areas `text` is about.
    pub fn profile(&self, text: &str) -> AreaProfile {
        let Some(finder) = &self.finder else {
            return AreaProfile::default();
        };
        let folded = fold(text);
        let bytes = folded.as_bytes();
        let latin = |at: usize| bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric());
        let mut found: Vec<u32> = Vec::new();
        for m in finder.find_overlapping_iter(&folded) {
            // A Latin term counts as a word, not inside a longer one (LED in controlled).
            let (start, end) = (m.start(), m.end());
            if latin(start) && ((start > 0 && latin(start - 1)) || latin(end)) {
                continue;
            }
            found.push(m.pattern().as_usize() as u32);
        }
        found.sort_unstable();
        found.dedup();
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for pattern in found {
            if let Some(&area) = self.area_of.get(pattern as usize) {
                *counts.entry(area).or_default() += 1;
            }
        }
        let mut weights: Vec<(u32, f32)> = counts
            .into_iter()
            .map(|(area, n)| (area, (1.0 + n as f32).ln()))
            .collect();
        weights.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        AreaProfile(weights)
    }

    /// How alike two profiles are: the cosine of their weights, 0 when either is empty.
    pub fn similarity(a: &AreaProfile, b: &AreaProfile) -> f32 {
        let dot: f32 =
            a.0.iter()
                .filter_map(|(area, x)| b.weight(*area).map(|y| x * y))
                .sum();
        if dot == 0.0 {
            return 0.0;
        }
        dot / (a.norm() * b.norm())
    }

    /// The areas both profiles name, by the product of their weights (highest first), at most
    /// `limit`.
    pub fn shared(&self, a: &AreaProfile, b: &AreaProfile, limit: usize) -> Vec<String> {
        let mut both: Vec<(f32, u32)> =
            a.0.iter()
                .filter_map(|(area, x)| b.weight(*area).map(|y| (x * y, *area)))
                .collect();
        both.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        both.into_iter()
            .filter_map(|(_, area)| self.names.get(area as usize).cloned())
            .take(limit)
            .collect()
    }

    /// The area names, in the thesaurus's order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

impl AreaProfile {
    fn weight(&self, area: u32) -> Option<f32> {
        self.0.iter().find(|(a, _)| *a == area).map(|(_, w)| *w)
    }

    fn norm(&self) -> f32 {
        self.0.iter().map(|(_, w)| w * w).sum::<f32>().sqrt()
    }
}

/// A text as area terms are found in it: normalised (NFKC, lower case), each run of
/// whitespace one space, so Latin words keep their bounds.
fn fold(text: &str) -> String {
    super::normalize(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a folded term tells an area: two or more Chinese characters, or a Latin name of
/// three or more characters starting with a letter (PC, PE name too many things).
fn distinctive(folded: &str) -> bool {
    let han = folded
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    if han > 0 {
        return folded.chars().count() >= 2;
    }
    folded.len() >= 3
        && folded
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && folded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
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
                area: Some("test".into()),
            },
        }
    }

    fn in_section(section: &str, terms: &[&str]) -> Ring {
        let area = (section != "器具").then(|| section.trim_end_matches("的俗称").to_string());
        Ring {
            terms: terms.iter().map(ToString::to_string).collect(),
            origin: Origin::Curated {
                section: section.into(),
                kind: "synonym".into(),
                area,
            },
        }
    }

    #[test]
    fn a_text_is_about_the_areas_whose_terms_it_holds() {
        let mut thesaurus = Thesaurus::new([
            in_section("电机", &["伺服电动机", "伺服电机", "servo motor"]),
            // A section labelled 电机 joins the area of that name.
            in_section("电机的俗称", &["同步电动机", "同步电机"]),
            in_section("涂料", &["环氧树脂", "EP"]),
            in_section("光源", &["发光二极管", "LED"]),
            // Across fields: names no area.
            in_section("器具", &["伺服电机", "马达"]),
        ]);
        let areas = thesaurus.areas();
        assert_eq!(areas.names(), ["电机", "涂料", "光源"]);
        // Two distinct terms of 电机 (a repeated term counts once), one of 涂料; EP is too
        // short to tell an area, and led inside "controlled" is no LED.
        let motor = areas.profile("伺服电机驱动的同步电机，伺服电机外壳涂环氧树脂 EP, controlled");
        assert_eq!(
            motor,
            AreaProfile(vec![(0, 3f32.ln()), (1, 2f32.ln())]),
            "{motor:?}"
        );
        let servo = areas.profile("Servo Motor 控制");
        assert_eq!(servo, AreaProfile(vec![(0, 2f32.ln())]));
        assert!((Areas::similarity(&motor, &motor) - 1.0).abs() < 1e-6);
        let light = areas.profile("LED 灯珠");
        assert_eq!(Areas::similarity(&motor, &light), 0.0);
        assert_eq!(Areas::similarity(&motor, &AreaProfile::default()), 0.0);
        let partly = Areas::similarity(&motor, &servo);
        assert!(partly > 0.5 && partly < 1.0, "{partly}");
        assert_eq!(areas.shared(&motor, &servo, 3), ["电机"]);
        assert!(areas.shared(&motor, &light, 3).is_empty());
        // Mined rings name no area; added rings are seen by the next call.
        thesaurus.extend([Ring {
            terms: vec!["液压缸".into(), "油缸".into()],
            origin: Origin::Mined { patents: 3 },
        }]);
        assert_eq!(thesaurus.areas().names().len(), 3);
        thesaurus.extend([in_section("液压", &["液压缸", "油缸"])]);
        let hydraulic = thesaurus.areas().profile("油缸");
        assert_eq!(hydraulic, AreaProfile(vec![(3, 2f32.ln())]));
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
