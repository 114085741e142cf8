//! `FirstClaim`: the independent claim 1 — preamble and technical features — whose breadth
//! (length, feature count) follows the patent's latent quality.

use std::fmt::Write as _;

use super::phrases::{
    ELECTRONIC_FEATURES, ELECTRONIC_MATERIALS, FORMULAS, MATERIALS, MECHANICAL_FEATURES,
    PARAMETERS, PROPERTIES, SOFTWARE_STEPS, SUBSTITUENTS, Words, fill,
};
use super::random::{PatentRng, between, chance, distinct, normal, ordered_subset, pick};
use super::subject::Subject;
use super::vocab::Form;
use rand::RngExt;

/// One technical feature of claim 1.
pub(crate) struct Feature {
    /// The feature as the abstract may quote it.
    pub base: String,
    /// The feature as claimed, with any further limitation (其中，…).
    pub full: String,
}

/// Claim 1 in pieces, kept for the abstract and the rest of the claim set.
pub(crate) struct FirstClaim {
    /// `一种…，其特征在于，包括：`.
    pub preamble: String,
    /// The features, in order.
    pub features: Vec<Feature>,
    /// Method claims: steps are written `S1、…`.
    pub numbered: bool,
    /// Methods: positions of the claimed steps in their pool ([`SOFTWARE_STEPS`] or the
    /// topic's steps).
    pub steps: Vec<usize>,
    /// Nouns claim 1 introduced (components, raw materials, elements, data).
    pub parts: Vec<&'static str>,
}

impl FirstClaim {
    /// Appends claim 1 as written (without its number).
    pub(crate) fn write(&self, out: &mut String) {
        out.push_str(&self.preamble);
        for (at, feature) in self.features.iter().enumerate() {
            if at > 0 {
                out.push('；');
            }
            if self.numbered {
                let _ = write!(out, "S{}、", at + 1);
            }
            out.push_str(&feature.full);
        }
        out.push('。');
    }
}

/// Draws claim 1: higher quality means fewer features and fewer limitations, i.e. a broader claim.
pub(crate) fn first_claim(rng: &mut PatentRng, subject: &Subject, quality: f64) -> FirstClaim {
    let count = (5.3 - 1.1 * quality + 1.1 * normal(rng))
        .round()
        .clamp(3.0, 8.0) as usize;
    let elaborate = (0.36 - 0.2 * quality + 0.1 * normal(rng)).clamp(0.03, 0.9);
    let topic = subject.topic;
    let name = &subject.name;
    let mut claim = FirstClaim {
        preamble: String::new(),
        features: Vec::with_capacity(count + 1),
        numbered: false,
        steps: Vec::new(),
        parts: Vec::new(),
    };
    match topic.form {
        Form::Software | Form::Process => {
            claim.numbered = chance(rng, 0.6);
            claim.preamble = if chance(rng, 0.7) {
                format!("一种{name}，其特征在于，包括以下步骤：")
            } else {
                format!("一种{name}，其特征在于，所述方法包括：")
            };
            let pool = if topic.form == Form::Software {
                SOFTWARE_STEPS.len()
            } else {
                topic.steps.len()
            };
            let chosen = ordered_subset(rng, pool, count);
            claim.parts = distinct(rng, &topic.parts, 6);
            for &at in &chosen {
                let template = if topic.form == Form::Software {
                    SOFTWARE_STEPS[at].1
                } else {
                    topic.steps[at]
                };
                let (p, q) = two(rng, &topic.parts);
                let words = Words {
                    o: subject.object,
                    h: subject.head,
                    m: &subject.modifier,
                    p,
                    q,
                    r: "",
                };
                let mut base = String::with_capacity(96);
                fill(rng, &mut base, template, &words);
                let full = elaborate_method(rng, subject, &base, p, q, elaborate);
                claim.features.push(Feature { base, full });
            }
            claim.steps = chosen;
        }
        Form::Electronic | Form::Mechanical => {
            claim.preamble = format!("一种{name}，其特征在于，包括：");
            claim.parts = distinct(rng, &topic.parts, count);
            let templates: &[&str] = if topic.form == Form::Electronic {
                &ELECTRONIC_FEATURES
            } else {
                &MECHANICAL_FEATURES
            };
            for at in 0..claim.parts.len() {
                let p = claim.parts[at];
                let mut base = String::with_capacity(64);
                if at == 0 {
                    base.push_str(p);
                    if topic.form == Form::Mechanical && chance(rng, 0.4) {
                        fill(rng, &mut base, "，所述{p}{shape}", &words_p(p));
                    }
                } else {
                    let q = claim.parts[rng.random_range(..at)];
                    let r = claim.parts[rng.random_range(..at)];
                    let mut template = templates[rng.random_range(..templates.len())];
                    if template.contains("{r}") && (q == r) {
                        template = templates[0];
                    }
                    let words = Words {
                        o: subject.object,
                        h: subject.head,
                        m: &subject.modifier,
                        p,
                        q,
                        r,
                    };
                    fill(rng, &mut base, template, &words);
                }
                let full = elaborate_product(rng, topic.form, &base, p, elaborate);
                claim.features.push(Feature { base, full });
            }
        }
        Form::Composition => {
            claim.preamble = format!("一种{name}，其特征在于，按重量份计，包括以下原料：");
            claim.parts = distinct(rng, &topic.parts, count);
            for &p in &claim.parts {
                let low = between(rng, 1, 12) * 5;
                let base = format!("{p}{low}～{}份", low + between(rng, 1, 6) * 5);
                let full = elaborate_product(rng, Form::Composition, &base, p, elaborate);
                claim.features.push(Feature { base, full });
            }
        }
        Form::Alloy => {
            claim.preamble = format!("一种{name}，其特征在于，按质量百分比计，其化学成分包括：");
            let balance = balance_element(subject.head);
            let elements: Vec<&'static str> = topic
                .parts
                .iter()
                .copied()
                .filter(|e| *e != balance)
                .collect();
            claim.parts = distinct(rng, &elements, count.saturating_sub(1).max(2));
            for &element in &claim.parts {
                let low = f64::from(between(rng, 1, 60)) / 10.0;
                let high = low + f64::from(between(rng, 2, 30)) / 10.0;
                let base = format!("{element}：{low:.1}%～{high:.1}%");
                let full = elaborate_product(rng, Form::Alloy, &base, element, elaborate);
                claim.features.push(Feature { base, full });
            }
            let base = format!("余量为{balance}及不可避免的杂质");
            claim.features.push(Feature {
                full: base.clone(),
                base,
            });
        }
        Form::Compound => {
            claim.preamble =
                format!("一种式(I)所示的{name}或其药学上可接受的盐，其特征在于，式(I)中：");
            claim.parts = distinct(rng, &topic.parts, 3);
            let mut group = 0;
            for at in 0..count {
                let (base, substituent) = match at {
                    0 if chance(rng, 0.5) => ("X选自N或CH".to_string(), false),
                    1 if chance(rng, 0.4) => {
                        ("环A选自苯环、吡啶环、嘧啶环或噻吩环".to_string(), false)
                    }
                    2 if chance(rng, 0.4) => ("n为0、1、2或3".to_string(), false),
                    _ => {
                        let how_many = between(rng, 3, 6) as usize;
                        let choices = distinct(rng, &SUBSTITUENTS, how_many);
                        group += 1;
                        (format!("R{group}选自{}", join_or(&choices)), true)
                    }
                };
                let full = if substituent && chance(rng, elaborate) {
                    format!("{base}，所述烷基任选被1～3个卤素或羟基取代")
                } else {
                    base.clone()
                };
                claim.features.push(Feature { base, full });
            }
        }
        Form::Biologic => {
            claim.preamble = format!("一种{name}，其特征在于，包括：");
            claim.parts = distinct(rng, &topic.parts, count);
            let mut sequence = 1;
            for &p in &claim.parts {
                let base = if p.contains("引物") || p.contains("探针") || p.contains("sgRNA") {
                    sequence += 1;
                    format!("{p}，其核苷酸序列如SEQ ID NO.{}所示", sequence - 1)
                } else {
                    let low = between(rng, 1, 20);
                    format!(
                        "{p}，其终浓度为{}～{}μmol/L",
                        f64::from(low) / 10.0,
                        f64::from(low + between(rng, 2, 20)) / 10.0
                    )
                };
                let full = if chance(rng, elaborate) {
                    format!("{base}，且保存于-20℃条件下")
                } else {
                    base.clone()
                };
                claim.features.push(Feature { base, full });
            }
        }
    }
    claim
}

fn words_p(p: &str) -> Words<'_> {
    Words {
        o: "",
        h: "",
        m: "",
        p,
        q: "",
        r: "",
    }
}

/// Picks two different nouns (or the same one when the list has one).
pub(crate) fn two(rng: &mut PatentRng, list: &[&'static str]) -> (&'static str, &'static str) {
    let chosen = distinct(rng, list, 2);
    let p = chosen.first().copied().unwrap_or("");
    (p, chosen.get(1).copied().unwrap_or(p))
}

/// Joins choices as `a、b、c或d`.
pub(crate) fn join_or(choices: &[&str]) -> String {
    let mut out = String::new();
    for (at, choice) in choices.iter().enumerate() {
        if at > 0 {
            out.push_str(if at + 1 == choices.len() {
                "或"
            } else {
                "、"
            });
        }
        out.push_str(choice);
    }
    out
}

/// The element an alloy is based on.
pub(crate) fn balance_element(head: &str) -> &'static str {
    match head.chars().next() {
        Some('铝') => "Al",
        Some('钛') => "Ti",
        Some('镁') => "Mg",
        Some('铜') => "Cu",
        Some('高') if head.contains("温") => "Ni",
        _ => "Fe",
    }
}

fn elaborate_method(
    rng: &mut PatentRng,
    subject: &Subject,
    base: &str,
    p: &str,
    q: &str,
    rate: f64,
) -> String {
    let mut full = String::with_capacity(base.len() + 96);
    full.push_str(base);
    let mut rounds = 0;
    let mut previous = usize::MAX;
    while rounds < 3 && chance(rng, if rounds == 0 { rate } else { rate * 0.6 }) {
        rounds += 1;
        let mut choice = rng.random_range(0..5);
        if choice == previous {
            choice = (choice + 1) % 5;
        }
        previous = choice;
        match choice {
            0 => {
                let mut r = pick(rng, &subject.topic.parts);
                if r == p || r == q {
                    r = pick(rng, &subject.topic.parts);
                }
                let _ = write!(full, "，其中，所述{p}包括{q}和{r}");
            }
            1 => {
                let technique = pick(rng, &subject.topic.modifiers);
                let _ = write!(full, "，所述{q}采用{technique}确定");
            }
            2 => {
                let (name, range) = PARAMETERS[rng.random_range(..PARAMETERS.len())];
                let _ = write!(full, "，{name}的取值范围为{range}");
            }
            3 => {
                let formula = pick(rng, &FORMULAS);
                let _ = write!(full, "，其中，{formula}，各系数根据所述{p}自适应调整");
            }
            _ => {
                let _ = write!(full, "，并将所述{q}存储至数据库中以供后续调用");
            }
        }
    }
    full
}

fn elaborate_product(rng: &mut PatentRng, form: Form, base: &str, p: &str, rate: f64) -> String {
    let mut full = String::with_capacity(base.len() + 64);
    full.push_str(base);
    let mut rounds = 0;
    let mut previous = usize::MAX;
    while rounds < 3 && chance(rng, if rounds == 0 { rate } else { rate * 0.6 }) {
        rounds += 1;
        let mut choice = rng.random_range(0..3);
        if choice == previous {
            choice = (choice + 1) % 3;
        }
        previous = choice;
        match (form, choice) {
            (Form::Electronic, 0) => {
                let _ = write!(
                    full,
                    "，所述{p}的材料为{}",
                    pick(rng, &ELECTRONIC_MATERIALS)
                );
            }
            (Form::Electronic, 1) => {
                let low = between(rng, 5, 200);
                let _ = write!(
                    full,
                    "，所述{p}的厚度为{low}～{}nm",
                    low * 2 + between(rng, 10, 200)
                );
            }
            (Form::Mechanical, 0) => {
                let _ = write!(full, "，所述{p}采用{}制成", pick(rng, &MATERIALS));
            }
            (Form::Mechanical, 1) => {
                let low = between(rng, 2, 120);
                let _ = write!(
                    full,
                    "，所述{p}的厚度为{low}～{}mm",
                    low + between(rng, 2, 60)
                );
            }
            (Form::Composition, 0) => {
                let (name, range) = PROPERTIES[rng.random_range(..PROPERTIES.len())];
                let _ = write!(full, "，所述{p}的{name}为{range}");
            }
            (Form::Composition, _) => {
                let _ = write!(full, "，所述{p}的纯度不低于99.{}%", between(rng, 0, 9));
            }
            (Form::Alloy, _) => {
                let _ = write!(
                    full,
                    "，且{p}与其他合金元素的质量比满足1:({}～{})",
                    between(rng, 2, 4),
                    between(rng, 5, 9)
                );
            }
            (Form::Electronic, _) => {
                let _ = write!(full, "，所述{p}包括多个呈阵列排布的子部");
            }
            _ => {
                let _ = write!(
                    full,
                    "，所述{p}的数量为{}个且沿周向均匀分布",
                    between(rng, 2, 8)
                );
            }
        }
    }
    full
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::industry::Industry;
    use crate::generate::random::patent_rng;
    use crate::generate::tables::tables;

    #[test]
    fn breadth_follows_quality() {
        let tables = tables();
        let mut broad = 0usize;
        let mut narrow = 0usize;
        for i in 0..2_000 {
            let industry = Industry::ALL[(i % 10) as usize];
            let mut rng = patent_rng(4, i);
            let subject = Subject::draw(&mut rng, tables.industry(industry), false);
            let mut text = String::new();
            first_claim(&mut rng, &subject, 2.0).write(&mut text);
            broad += text.chars().count();
            text.clear();
            first_claim(&mut rng, &subject, -2.0).write(&mut text);
            narrow += text.chars().count();
            assert!(text.ends_with('。') && text.starts_with("一种"), "{text}");
            assert!(!text.contains('{'), "{text}");
        }
        assert!(broad * 3 < narrow * 2, "{broad} vs {narrow}");
    }

    #[test]
    fn joins_read_naturally() {
        assert_eq!(join_or(&["氢", "卤素", "羟基"]), "氢、卤素或羟基");
        assert_eq!(balance_element("高温合金"), "Ni");
        assert_eq!(balance_element("不锈钢"), "Fe");
    }
}
