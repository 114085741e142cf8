//! `Subject`: what one patent is about — its topic, object, head and modifier — and its title.

use super::phrases::{
    BIOLOGIC_TARGETS, COMPOUND_FRAGMENTS, ELECTRONIC_FEATURE_PHRASES, MECHANICAL_FEATURE_PHRASES,
    PROCESS_ADJECTIVES, SOFTWARE_ADJECTIVES, SOFTWARE_CONTEXTS,
};
use super::random::{PatentRng, chance, pick, weighted};
use super::tables::{IndustryTable, Topic};
use super::vocab::Form;

/// The counterpart claimed beside claim 1, which the title names after 及.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extra {
    /// Claim 1's category alone.
    Alone,
    /// 方法及系统: a system of modules (software) or of equipment (process).
    System,
    /// 方法及装置: an apparatus of modules.
    Apparatus,
    /// 方法、装置、电子设备及存储介质.
    Full,
    /// 方法、电子设备及存储介质.
    DeviceAndMedium,
    /// 及其制造方法 (electronic) or 及其控制方法 / 及其使用方法 (mechanical).
    Method,
    /// 及{system}: a system that contains the product.
    Product(&'static str),
    /// 及其制备方法.
    Preparation,
    /// 及其制备方法和应用.
    PreparationAndUse,
    /// 及其应用 / 及其在{o}中的应用.
    Use,
}

/// What one patent claims, in words.
pub(crate) struct Subject {
    /// The topic it belongs to.
    pub topic: &'static Topic,
    /// Object or application.
    pub object: &'static str,
    /// Head noun.
    pub head: &'static str,
    /// Technique or adjective, possibly two joined.
    pub modifier: String,
    /// The noun phrase claims repeat (基于…的遥感图像目标检测方法, 晶圆级封装结构).
    pub name: String,
    /// The short form used to name systems (遥感图像目标检测).
    pub short: String,
    /// The full title (一种…及系统).
    pub title: String,
    /// The counterpart claimed beside claim 1.
    pub extra: Extra,
    /// `true` for a utility model.
    pub utility: bool,
}

impl Subject {
    /// Draws the topic and words of one patent of `industry`.
    pub(crate) fn draw(
        rng: &mut PatentRng,
        industry: &'static IndustryTable,
        utility: bool,
    ) -> Subject {
        let topic_at = if utility {
            let at = rng_index(rng, industry.product_topics.len());
            industry.product_topics.get(at).copied().unwrap_or(0)
        } else {
            weighted(rng, &industry.topic_cumulative)
        };
        let topic = &industry.topics[topic_at.min(industry.topics.len() - 1)];
        let object = pick(rng, &topic.objects);
        let head = pick(rng, &topic.heads);
        let mut modifier = pick(rng, &topic.modifiers).to_string();
        for _ in 0..3 {
            // 纳米 + 纳米粉体 would stutter.
            if !head.contains(modifier.as_str()) {
                break;
            }
            modifier = pick(rng, &topic.modifiers).to_string();
        }
        let double = matches!(
            topic.form,
            Form::Electronic | Form::Mechanical | Form::Composition | Form::Alloy | Form::Compound
        );
        if double && chance(rng, 0.3) {
            let second = pick(rng, &topic.modifiers);
            if !modifier.contains(second) {
                modifier.push_str(second);
            }
        }
        let mut subject = Subject {
            topic,
            object,
            head,
            modifier,
            name: String::new(),
            short: String::new(),
            title: String::new(),
            extra: Extra::Alone,
            utility,
        };
        subject.compose(rng, industry);
        subject
    }

    /// Builds name, short form, counterpart and title.
    fn compose(&mut self, rng: &mut PatentRng, industry: &IndustryTable) {
        let (o, h, m) = (self.object, self.head, self.modifier.as_str());
        let roll: f64 = rand::RngExt::random(rng);
        match self.topic.form {
            Form::Software | Form::Process => {
                let adjectives: &[&str] = if self.topic.form == Form::Software {
                    &SOFTWARE_ADJECTIVES
                } else {
                    &PROCESS_ADJECTIVES
                };
                // A title without a technique names an adjective instead (实时目标检测).
                let technique = chance(rng, 0.8);
                let mut adjective =
                    if !technique || self.topic.form == Form::Process || chance(rng, 0.7) {
                        pick(rng, adjectives)
                    } else {
                        ""
                    };
                if h.contains(adjective) {
                    adjective = ""; // 协同 + 协同处理 would stutter
                }
                self.short = format!("{o}{adjective}{h}");
                let short = &self.short;
                let pairs = if self.topic.form == Form::Process {
                    0.4
                } else {
                    0.2
                };
                if chance(rng, pairs) {
                    let second = pick(rng, &self.topic.modifiers);
                    if second != m {
                        self.modifier = format!("{m}和{second}");
                    }
                }
                let m = self.modifier.as_str();
                self.name = match (technique, self.topic.form) {
                    (true, Form::Software) if chance(rng, 0.25) => {
                        format!("面向{}的{short}方法", pick(rng, &SOFTWARE_CONTEXTS))
                    }
                    (true, _) => format!("基于{m}的{short}方法"),
                    (false, Form::Process) => format!("{o}的{adjective}{h}方法"),
                    (false, _) => format!("{short}方法"),
                };
                self.extra = if self.topic.form == Form::Process {
                    if roll < 0.6 {
                        Extra::Alone
                    } else {
                        Extra::System
                    }
                } else {
                    match roll {
                        r if r < 0.22 => Extra::Alone,
                        r if r < 0.52 => Extra::System,
                        r if r < 0.66 => Extra::Apparatus,
                        r if r < 0.88 => Extra::Full,
                        _ => Extra::DeviceAndMedium,
                    }
                };
            }
            Form::Electronic | Form::Mechanical => {
                // Utility-model style feature phrases (便于拆卸的, 具有遮光层的) multiply the
                // otherwise small space of product names.
                let verb = if self.topic.form == Form::Electronic {
                    "具有"
                } else {
                    "带有"
                };
                let (p, q) = (pick(rng, &self.topic.parts), pick(rng, &self.topic.parts));
                let feature = if chance(rng, 0.85) {
                    let kind: f64 = rand::RngExt::random(rng);
                    if kind < 0.4 && p != q {
                        format!("{verb}{p}和{q}的")
                    } else if kind < 0.75 {
                        format!("{verb}{p}的")
                    } else if self.topic.form == Form::Electronic {
                        pick(rng, &ELECTRONIC_FEATURE_PHRASES).to_string()
                    } else {
                        pick(rng, &MECHANICAL_FEATURE_PHRASES).to_string()
                    }
                } else {
                    String::new()
                };
                let o = if h.contains(o) { "" } else { o }; // 烟气 + 烟气处理装置
                self.name = if self.topic.applied && !o.is_empty() {
                    if chance(rng, 0.75) {
                        format!("用于{o}的{feature}{m}{h}")
                    } else {
                        format!("{feature}{m}{h}")
                    }
                } else {
                    format!("{feature}{m}{o}{h}")
                };
                self.short = self.name.clone();
                let system = pick(rng, &industry.systems);
                self.extra = if self.utility {
                    if roll < 0.85 {
                        Extra::Alone
                    } else {
                        Extra::Product(system)
                    }
                } else {
                    match roll {
                        r if r < 0.4 => Extra::Alone,
                        r if r < 0.75 => Extra::Method,
                        _ => Extra::Product(system),
                    }
                };
            }
            Form::Biologic => {
                self.name = if chance(rng, 0.6) {
                    format!("针对{}的{m}{h}", pick(rng, &BIOLOGIC_TARGETS))
                } else {
                    format!("用于{o}的{m}{h}")
                };
                self.short = self.name.clone();
                self.extra = match roll {
                    r if r < 0.3 => Extra::Alone,
                    r if r < 0.7 => Extra::Use,
                    _ => Extra::Preparation,
                };
            }
            Form::Composition | Form::Alloy | Form::Compound => {
                let material = self.topic.form != Form::Compound;
                let applied = material && chance(rng, 0.4);
                // Real material titles name key ingredients: 含…的, 含…和…的, 基于…的.
                // An alloy is not "containing" its own base element.
                let base = super::claim_one::balance_element(h);
                let ingredients: Vec<&'static str> = if self.topic.form == Form::Alloy {
                    self.topic
                        .parts
                        .iter()
                        .copied()
                        .filter(|e| *e != base)
                        .collect()
                } else {
                    self.topic.parts.clone()
                };
                let (p, q) = (pick(rng, &ingredients), pick(rng, &ingredients));
                let roll: f64 = rand::RngExt::random(rng);
                let (f, g) = (
                    pick(rng, &COMPOUND_FRAGMENTS),
                    pick(rng, &COMPOUND_FRAGMENTS),
                );
                let containing = match roll {
                    r if !material && r < 0.5 && f != g => format!("含{f}和{g}的"),
                    r if !material && r < 0.9 => format!("含{f}的"),
                    _ if !material => String::new(),
                    r if r < 0.05 => String::new(),
                    r if r < 0.35 => format!("含{p}的"),
                    r if r < 0.8 && p != q => format!("含{p}和{q}的"),
                    _ if self.topic.form == Form::Alloy => format!("含{p}的"),
                    _ => format!("基于{p}的"),
                };
                self.name = if applied {
                    format!("用于{o}的{containing}{m}{h}")
                } else {
                    format!("{containing}{m}{h}")
                };
                self.short = self.name.clone();
                self.extra = match roll {
                    r if r < 0.1 => Extra::Alone,
                    r if r < 0.55 => Extra::Preparation,
                    r if r < 0.85 => Extra::PreparationAndUse,
                    _ => Extra::Use,
                };
            }
        }
        self.title = format!("一种{}{}", self.name, self.title_suffix());
    }

    /// Returns the words the title adds after the name.
    fn title_suffix(&self) -> String {
        let form = self.topic.form;
        match self.extra {
            Extra::Alone => String::new(),
            Extra::System => "及系统".into(),
            Extra::Apparatus => "及装置".into(),
            Extra::Full => "、装置、电子设备及存储介质".into(),
            Extra::DeviceAndMedium => "、电子设备及存储介质".into(),
            Extra::Method if form == Form::Electronic => {
                if self.head.ends_with("材料") {
                    "及其制备方法".into()
                } else {
                    "及其制造方法".into()
                }
            }
            Extra::Method => {
                if self.head.contains("装置") || self.head.contains("器械") {
                    "及其使用方法".into()
                } else {
                    "及其控制方法".into()
                }
            }
            Extra::Product(system) => format!("及{system}"),
            Extra::Preparation if form == Form::Biologic => "及检测方法".into(),
            Extra::Preparation => "及其制备方法".into(),
            Extra::PreparationAndUse => "及其制备方法和应用".into(),
            Extra::Use if self.name.starts_with("用于") => "及其应用".into(),
            Extra::Use => format!("及其在{}中的应用", self.object),
        }
    }

    /// Returns `true` when claim 1 is a method (software or process topics).
    pub(crate) fn is_method(&self) -> bool {
        matches!(self.topic.form, Form::Software | Form::Process)
    }
}

fn rng_index(rng: &mut PatentRng, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        rand::RngExt::random_range(rng, ..len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::industry::Industry;
    use crate::generate::random::patent_rng;
    use crate::generate::tables::tables;
    use std::collections::HashSet;

    #[test]
    fn titles_read_like_cnipa_titles() {
        let tables = tables();
        for industry in Industry::ALL {
            let table = tables.industry(industry);
            for i in 0..200 {
                let subject = Subject::draw(&mut patent_rng(3, i), table, i % 7 == 0);
                assert!(subject.title.starts_with("一种"), "{}", subject.title);
                assert!(subject.title.contains(&subject.name));
                assert!(!subject.title.contains("{"), "{}", subject.title);
                let chars = subject.title.chars().count();
                assert!((5..=60).contains(&chars), "{}", subject.title);
                if subject.utility {
                    assert!(subject.topic.form.is_product(), "{}", subject.title);
                }
            }
        }
    }

    #[test]
    fn each_industry_has_tens_of_thousands_of_titles() {
        let tables = tables();
        let mut sizes = Vec::new();
        for industry in Industry::ALL {
            let table = tables.industry(industry);
            let titles: HashSet<String> = (0..60_000)
                .map(|i| Subject::draw(&mut patent_rng(11, i), table, i % 5 == 0).title)
                .collect();
            sizes.push((industry, titles.len()));
        }
        // 60k draws find only part of each industry's space of titles.
        assert!(sizes.iter().all(|(_, n)| *n > 20_000), "{sizes:?}");
    }
}
