//! `Tables`: the vocabularies split into lists, IPC codes parsed and weights cumulated, built
//! once per process and shared by every generator.

use std::sync::OnceLock;

use super::industry::Industry;
use super::people::{NameTables, university_table};
use super::vocab::{Form, IndustrySpec, TopicSpec, industry_specs};
use crate::model::IpcCode;

/// One topic, ready to draw from.
pub(crate) struct Topic {
    /// Claim and title shape.
    pub form: Form,
    /// Products only: objects are applications (用于{o}的).
    pub applied: bool,
    /// The technical field.
    pub field: &'static str,
    /// IPC codes, the most typical first.
    pub ipc: Vec<IpcCode>,
    /// Cumulative weights of `ipc` (earlier codes are likelier main IPCs).
    pub ipc_cumulative: Vec<u32>,
    /// Objects.
    pub objects: Vec<&'static str>,
    /// Head nouns.
    pub heads: Vec<&'static str>,
    /// Techniques or adjectives.
    pub modifiers: Vec<&'static str>,
    /// Claim-feature nouns.
    pub parts: Vec<&'static str>,
    /// Ordered process or preparation steps (may be empty).
    pub steps: Vec<&'static str>,
    /// Topic-specific prior-art problems (empty: use the industry's).
    pub problems: Vec<&'static str>,
    /// Topic-specific effects (empty: use the industry's).
    pub effects: Vec<&'static str>,
}

/// One industry, ready to draw from.
pub(crate) struct IndustryTable {
    /// Its topics.
    pub topics: Vec<Topic>,
    /// Cumulative topic weights for inventions.
    pub topic_cumulative: Vec<u32>,
    /// Positions of product topics (the only ones a utility model can use).
    pub product_topics: Vec<usize>,
    /// Prior-art problems.
    pub problems: Vec<&'static str>,
    /// Effect nouns.
    pub effects: Vec<&'static str>,
    /// Companies of the industry.
    pub companies: Vec<&'static str>,
    /// Systems a product is built into.
    pub systems: Vec<&'static str>,
    /// Cumulative university weights.
    pub universities: Vec<u32>,
}

/// Every table of the generator.
pub(crate) struct Tables {
    /// Industries, in the order of [`Industry::ALL`].
    pub industries: Vec<IndustryTable>,
    /// Inventor-name tables.
    pub names: NameTables,
}

impl Tables {
    /// Returns the table of an industry.
    pub(crate) fn industry(&self, industry: Industry) -> &IndustryTable {
        &self.industries[industry.ordinal()]
    }
}

/// Returns the shared tables, building them on first use.
pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(build)
}

fn words(list: &'static str) -> Vec<&'static str> {
    list.split_whitespace().collect()
}

fn build_topic(spec: &TopicSpec) -> Topic {
    // Constant table: every code is checked by a test, so a code that does not parse is dropped
    // rather than failing at run time.
    let ipc: Vec<IpcCode> = spec
        .ipc
        .split_whitespace()
        .filter_map(|code| IpcCode::parse(code).ok())
        .collect();
    // The first code is the topic's core group; weights fall off 8, 5, 4, 3, 3, …
    let ipc_cumulative = super::random::cumulate(
        (0..ipc.len()).map(|at| [8, 5, 4, 3].get(at).copied().unwrap_or(3)),
    );
    Topic {
        form: spec.form,
        applied: spec.applied,
        field: spec.field,
        ipc,
        ipc_cumulative,
        objects: words(spec.objects),
        heads: words(spec.heads),
        modifiers: words(spec.modifiers),
        parts: words(spec.parts),
        steps: words(spec.steps),
        problems: words(spec.problems),
        effects: words(spec.effects),
    }
}

fn build_industry(spec: &IndustrySpec) -> IndustryTable {
    let topics: Vec<Topic> = spec.topics.iter().map(build_topic).collect();
    let topic_cumulative = super::random::cumulate(spec.topics.iter().map(|t| t.weight));
    let product_topics = topics
        .iter()
        .enumerate()
        .filter(|(_, t)| t.form.is_product())
        .map(|(at, _)| at)
        .collect();
    IndustryTable {
        topics,
        topic_cumulative,
        product_topics,
        problems: words(spec.problems),
        effects: words(spec.effects),
        companies: words(spec.companies),
        systems: words(spec.systems),
        universities: university_table(spec.industry),
    }
}

fn build() -> Tables {
    Tables {
        industries: industry_specs().iter().map(|s| build_industry(s)).collect(),
        names: NameTables::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constant_ipc_code_parses_and_fits_its_industry() {
        for spec in industry_specs() {
            for topic in spec.topics {
                for code in topic.ipc.split_whitespace() {
                    let parsed = IpcCode::parse(code).expect("constant IPC code parses");
                    assert_eq!(parsed.as_str(), code, "codes are written normalised");
                    assert!(
                        spec.industry
                            .ipc_prefixes()
                            .iter()
                            .any(|p| code.starts_with(p)),
                        "{code} does not fit {}",
                        spec.industry
                    );
                }
            }
        }
    }

    #[test]
    fn tables_have_products_and_universities() {
        let tables = tables();
        assert_eq!(tables.industries.len(), 10);
        for table in &tables.industries {
            assert!(!table.product_topics.is_empty());
            assert!(table.universities.last().copied().unwrap_or(0) > 0);
            for topic in &table.topics {
                assert!(topic.ipc.len() >= 4, "{}", topic.field);
                assert_eq!(topic.ipc.len(), topic.ipc_cumulative.len());
            }
        }
    }
}
