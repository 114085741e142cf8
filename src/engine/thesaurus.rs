//! The thesaurus the library expands query words with: the curated rings of
//! `schema/thesaurus/` and the aliases the library's own text defines (`全称（缩写）` …),
//! mined from each batch as it is applied and again by a reindex.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::Library;
use crate::error::Result;
use crate::model::Patent;
use crate::schema;
use crate::store::{Catalog, MinedAliasRecord};
use crate::text::{Origin, Ring, Thesaurus, mine_aliases};

/// Application numbers kept per mined alias and batch.
const EXAMPLES: usize = 3;

/// The aliases `patents` define, with how many patents define each and a few of them.
pub(super) fn mine(patents: &[Patent]) -> Vec<MinedAliasRecord> {
    let found: Vec<(String, Vec<(String, String)>)> = patents
        .par_iter()
        .filter(|p| !p.withdrawn)
        .map(|p| {
            let mut text = p.title.clone();
            for part in [
                &p.abstract_text,
                &p.claims,
                &p.problem_solved,
                &p.advantages,
            ]
            .into_iter()
            .flatten()
            {
                text.push('\n');
                text.push_str(part);
            }
            let pairs = mine_aliases(&text)
                .into_iter()
                .map(|a| (a.full, a.short))
                .collect();
            (p.application_number.to_string(), pairs)
        })
        .collect();
    let mut by_pair: HashMap<(String, String), (u32, Vec<String>)> = HashMap::new();
    for (number, pairs) in found {
        for pair in pairs {
            let entry = by_pair.entry(pair).or_default();
            entry.0 += 1;
            if entry.1.len() < EXAMPLES {
                entry.1.push(number.clone());
            }
        }
    }
    let mut records: Vec<MinedAliasRecord> = by_pair
        .into_iter()
        .map(|((full, short), (patents, examples))| MinedAliasRecord {
            full,
            short,
            patents,
            examples,
        })
        .collect();
    records.sort_by(|a, b| (&a.full, &a.short).cmp(&(&b.full, &b.short)));
    records
}

/// The curated rings, then the mined aliases of `catalog`, most often defined first.
pub(super) fn thesaurus(catalog: &Catalog) -> Result<Thesaurus> {
    let mut rings = Vec::new();
    for section in schema::thesaurus::curated()? {
        for entry in &section.entries {
            rings.push(Ring {
                terms: entry.clone(),
                origin: Origin::Curated {
                    section: section.name.clone(),
                    kind: section.kind.as_str().to_string(),
                    area: section.technical_area().map(str::to_string),
                },
            });
        }
    }
    for alias in catalog.mined_aliases()? {
        rings.push(Ring {
            terms: vec![alias.full, alias.short],
            origin: Origin::Mined {
                patents: alias.patents,
            },
        });
    }
    Ok(Thesaurus::new(rings))
}

impl Library {
    /// Gives the index the thesaurus query words are expanded with: the curated rings, then
    /// the mined aliases, most often defined first.
    pub(super) fn load_thesaurus(&self) -> Result<()> {
        let thesaurus = thesaurus(&*self.catalog()?)?;
        self.index_read()?.set_thesaurus(Arc::new(thesaurus));
        Ok(())
    }

    /// Mines the aliases a batch's patents define, records them and reloads the thesaurus.
    pub(super) fn record_aliases(&self, batch_id: i64, patents: &[Patent]) -> Result<()> {
        let mined = mine(patents);
        self.catalog()?.put_mined_aliases(batch_id, &mined)?;
        self.load_thesaurus()
    }

    /// The aliases the library's text defines, the most often defined first.
    pub fn mined_aliases(&self) -> Result<Vec<MinedAliasRecord>> {
        self.catalog()?.mined_aliases()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApplicationNumber;

    #[test]
    fn a_pair_defined_by_two_patents_counts_two() {
        let patent = |number: &str, text: &str| {
            let mut p = Patent::new(ApplicationNumber::parse(number).unwrap(), "一种终端");
            p.abstract_text = Some(text.into());
            p
        };
        let mined = mine(&[
            patent("CN202110123456.7", "基于窄带物联网（NB-IoT）的终端。"),
            patent("CN201919000000.1", "一种窄带物联网（NB-IoT）模组。"),
            patent("CN201919000001.6", "没有定义。"),
        ]);
        assert_eq!(mined.len(), 1);
        assert_eq!(
            (mined[0].full.as_str(), mined[0].short.as_str()),
            ("窄带物联网", "NB-IoT")
        );
        assert_eq!(mined[0].patents, 2);
        assert_eq!(mined[0].examples.len(), 2);
    }
}
