//! Hand-written Chinese vocabularies of the ten industries: topics, their IPC codes and words.
//!
//! Every list is one `&'static str` of whitespace-separated phrases (Chinese phrases carry no
//! spaces), split once when the generator's tables are built. Within a topic every object can
//! be combined with every head and modifier, so titles are combinatorial but still read as
//! real CNIPA titles. Placeholders in step phrases (`{o}`, `{p}`, `{T}` …) are described in
//! `phrases.rs`.

mod digital;
mod industrial;
mod life;
mod services;

use super::industry::Industry;

/// How a topic's inventions are claimed, which decides title, abstract and claim shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// A computer-implemented method (方法及系统/装置/电子设备/存储介质).
    Software,
    /// A physical or chemical process (处理方法/检测方法), its steps written per topic.
    Process,
    /// A layered or wired product: semiconductor devices, packages, circuits, displays.
    Electronic,
    /// A mechanical product: machines, instruments, medical devices.
    Mechanical,
    /// A material or composition given in parts by weight, with a preparation method.
    Composition,
    /// An alloy given in mass percent, with a metallurgical preparation method.
    Alloy,
    /// A small-molecule compound claimed by a Markush formula, with synthesis and use.
    Compound,
    /// A biological product or kit (primers, vectors, strains), with its detection method.
    Biologic,
}

impl Form {
    /// Returns `true` for forms whose claim 1 is a product (the only ones a utility model can have).
    pub(crate) fn is_product(self) -> bool {
        matches!(self, Form::Electronic | Form::Mechanical)
    }
}

/// One technology topic of an industry, as written by hand.
pub(crate) struct TopicSpec {
    /// Claim and title shape.
    pub form: Form,
    /// Relative weight of the topic within its industry.
    pub weight: u32,
    /// Products only: objects are applications (一种用于{o}的{h}) rather than kinds ({o}{h}).
    pub applied: bool,
    /// The technical field, as in 本发明涉及{field}技术领域.
    pub field: &'static str,
    /// IPC symbols, the most typical first.
    pub ipc: &'static str,
    /// What the invention works on or is used for (遥感图像, 功率器件, 锂离子电池 …).
    pub objects: &'static str,
    /// The invention's head noun: a task (目标检测), a product (封装结构) or a material.
    pub heads: &'static str,
    /// Techniques (基于…的) for methods, adjectives (高散热, 柔性) for products and materials.
    pub modifiers: &'static str,
    /// Components, intermediate data, raw materials: the nouns of claim features.
    pub parts: &'static str,
    /// Ordered process or preparation steps; empty means the form's generic steps.
    pub steps: &'static str,
    /// Prior-art problems specific to the topic; empty means the industry's.
    pub problems: &'static str,
    /// Effects specific to the topic; empty means the industry's.
    pub effects: &'static str,
}

/// One industry's hand-written vocabulary.
pub(crate) struct IndustrySpec {
    /// The industry.
    pub industry: Industry,
    /// Its topics.
    pub topics: &'static [TopicSpec],
    /// Problems of the prior art (解决了现有技术中…的问题).
    pub problems: &'static str,
    /// Effect nouns (提高了…).
    pub effects: &'static str,
    /// Beijing companies that co-apply, buy or license patents of this industry.
    pub companies: &'static str,
    /// Systems a product of this industry is built into (一种…，包括权利要求1所述的…).
    pub systems: &'static str,
}

/// Returns the ten industries' vocabularies, in the order of [`Industry::ALL`].
pub(crate) fn industry_specs() -> [&'static IndustrySpec; 10] {
    [
        &digital::NEXT_GEN_IT,
        &digital::INTEGRATED_CIRCUITS,
        &life::HEALTH,
        &industrial::INTELLIGENT_EQUIPMENT,
        &life::ENERGY_SAVING,
        &industrial::NEW_ENERGY_VEHICLES,
        &industrial::NEW_MATERIALS,
        &services::ARTIFICIAL_INTELLIGENCE,
        &services::SOFTWARE_SERVICES,
        &services::TECHNOLOGY_SERVICES,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_follow_industry_order_and_lists_are_full() {
        for (spec, industry) in industry_specs().iter().zip(Industry::ALL) {
            assert_eq!(spec.industry, industry);
            assert!(spec.topics.len() >= 3, "{industry}");
            assert!(
                spec.topics.iter().any(|t| t.form.is_product()),
                "{industry} needs a product topic for utility models"
            );
            for list in [spec.problems, spec.effects, spec.companies, spec.systems] {
                assert!(list.split_whitespace().count() >= 3, "{industry}: {list}");
            }
            for topic in spec.topics {
                for list in [topic.objects, topic.heads, topic.modifiers, topic.parts] {
                    assert!(
                        list.split_whitespace().count() >= 4,
                        "{}: {list}",
                        topic.field
                    );
                }
                if topic.form == Form::Process {
                    assert!(
                        topic.steps.split_whitespace().count() >= 5,
                        "{}",
                        topic.field
                    );
                }
            }
        }
    }

    #[test]
    fn phrases_are_clean() {
        for spec in industry_specs() {
            for topic in spec.topics {
                for list in [
                    topic.objects,
                    topic.heads,
                    topic.modifiers,
                    topic.parts,
                    topic.steps,
                ] {
                    for phrase in list.split_whitespace() {
                        assert!(!phrase.contains('；'), "{phrase}");
                        assert!(!phrase.ends_with('。'), "{phrase}");
                    }
                }
            }
        }
    }
}
