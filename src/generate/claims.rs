//! The full claim set: claim 1, its dependent claims, and the counterpart independent claims
//! the title announces (system, device, medium, manufacturing, preparation, use).

use std::fmt::Write as _;

use super::claim_one::FirstClaim;
use super::dependents::{group_dependent, noun_pair, own_dependent};
use super::phrases::{
    ALLOY_STEPS, MECHANICAL_USE_STEPS, PREPARATION_STEPS, SOFTWARE_STEPS, Words, fill,
};
use super::random::{PatentRng, between, chance, distinct, ordered_subset, pick, weighted};
use super::subject::{Extra, Subject};
use super::vocab::Form;
use rand::RngExt;

/// Relative frequency of total claim counts 5..=20 (ten claims is the usual drafting habit).
const TOTAL_WEIGHTS: [u32; 16] = [4, 6, 7, 10, 10, 24, 5, 6, 4, 4, 4, 2, 2, 2, 1, 3];

/// One independent claim beyond claim 1, with how many dependents follow it.
struct Group {
    text: String,
    dependents: usize,
    kind: GroupKind,
}

/// What a counterpart independent claim protects, which decides its dependents' wording.
#[derive(Clone, Copy)]
pub(crate) enum GroupKind {
    /// A system or apparatus of modules.
    System,
    /// An electronic device (processor and memory).
    Device,
    /// A storage medium.
    Medium,
    /// A manufacturing method.
    Manufacture,
    /// A use claim.
    Use,
    /// A preparation or detection method.
    Preparation,
    /// Anything else (equipment systems, control methods, products containing claim 1).
    Plain,
}

/// Writes the whole claim set: claims `1.` … `N.` separated by newlines.
pub(crate) fn claim_set(rng: &mut PatentRng, subject: &Subject, first: &FirstClaim) -> String {
    let total = 5 + weighted(rng, &super::random::cumulate(TOTAL_WEIGHTS));
    let groups = counterpart_groups(rng, subject, first);
    let others: usize = groups.iter().map(|g| 1 + g.dependents).sum();
    let own = total.saturating_sub(1 + others).max(2);
    let last_own = 1 + own;
    let mut out = String::with_capacity(256 * (total + 1));
    out.push_str("1.");
    first.write(&mut out);
    let mut bodies: Vec<String> = Vec::with_capacity(own);
    for number in 2..=last_own {
        let _ = write!(out, "\n{number}.");
        write_reference(rng, &mut out, 1, number);
        out.push_str(&subject.name);
        out.push_str("，其特征在于，");
        // Redraw a limitation already claimed, as a drafter would not repeat one.
        let mut body = String::with_capacity(96);
        for _ in 0..4 {
            body.clear();
            own_dependent(rng, &mut body, subject, first);
            let shape: String = body.chars().filter(|c| !c.is_ascii_digit()).collect();
            if !bodies.contains(&shape) {
                break;
            }
        }
        out.push_str(&body);
        out.push('。');
        bodies.push(body.chars().filter(|c| !c.is_ascii_digit()).collect());
    }
    let mut number = last_own;
    for group in groups {
        number += 1;
        let head = number;
        let text = group.text.replace("{N}", &last_own.to_string());
        let _ = write!(out, "\n{number}.{text}");
        for _ in 0..group.dependents {
            number += 1;
            let _ = write!(out, "\n{number}.");
            write_reference(rng, &mut out, head, number);
            group_dependent(rng, &mut out, subject, first, group.kind);
            out.push('。');
        }
    }
    out
}

/// Writes `根据权利要求…所述的` for a dependent claim `number` of the group headed by `head`.
fn write_reference(rng: &mut PatentRng, out: &mut String, head: usize, number: usize) {
    let previous = number - 1;
    let roll: f64 = rng.random();
    if previous > head && roll < 0.08 {
        let _ = write!(out, "根据权利要求{head}或{}所述的", head + 1);
    } else if previous > head + 1 && roll < 0.18 {
        let _ = write!(out, "根据权利要求{head}-{previous}任一项所述的");
    } else if previous > head && roll < 0.55 {
        let _ = write!(
            out,
            "根据权利要求{}所述的",
            rng.random_range(head..=previous)
        );
    } else {
        let _ = write!(out, "根据权利要求{head}所述的");
    }
}

fn counterpart_groups(rng: &mut PatentRng, subject: &Subject, first: &FirstClaim) -> Vec<Group> {
    let name = &subject.name;
    let short = &subject.short;
    let form = subject.topic.form;
    let mut groups = Vec::new();
    let mut push = |text: String, dependents: usize, kind: GroupKind| {
        groups.push(Group {
            text,
            dependents,
            kind,
        });
    };
    let device = format!(
        "一种电子设备，其特征在于，包括：至少一个处理器；以及与所述至少一个处理器通信连接的存储器；其中，所述存储器存储有可被所述至少一个处理器执行的指令，所述指令被所述至少一个处理器执行，以使所述至少一个处理器能够执行权利要求1-{{N}}任一项所述的{name}。"
    );
    let medium = format!(
        "一种计算机可读存储介质，其上存储有计算机程序，其特征在于，所述计算机程序被处理器执行时实现权利要求1-{{N}}任一项所述的{name}的步骤。"
    );
    match (subject.extra, form) {
        (Extra::System | Extra::Apparatus | Extra::Full, Form::Software) => {
            let noun = if subject.extra == Extra::System {
                "系统"
            } else {
                "装置"
            };
            push(
                modules(short, noun, first),
                between(rng, 0, 2) as usize,
                GroupKind::System,
            );
            if subject.extra == Extra::Full {
                push(device, 0, GroupKind::Device);
                push(medium, 0, GroupKind::Medium);
            }
        }
        (Extra::DeviceAndMedium, _) => {
            push(device, 0, GroupKind::Device);
            push(medium, 0, GroupKind::Medium);
        }
        (Extra::System, _) => {
            let equipment = distinct(rng, &subject.topic.parts, 4);
            let text = format!(
                "一种用于实施权利要求1-{{N}}任一项所述{name}的系统，其特征在于，包括依次连通的{}。",
                join_and(&equipment)
            );
            push(text, between(rng, 0, 1) as usize, GroupKind::Plain);
        }
        (Extra::Method, Form::Electronic) => {
            push(
                manufacture(rng, name, first),
                between(rng, 1, 2) as usize,
                GroupKind::Manufacture,
            );
        }
        (Extra::Method, _) => {
            let verb = if subject.title.ends_with("使用方法") {
                "使用"
            } else {
                "控制"
            };
            // Drafters either build on claim 1 or restate the method on its own.
            let mut text = if chance(rng, 0.5) {
                format!(
                    "一种{name}的{verb}方法，其特征在于，采用权利要求1-{{N}}任一项所述的{name}，包括以下步骤："
                )
            } else {
                format!("一种{name}的{verb}方法，其特征在于，包括以下步骤：")
            };
            steps(rng, &mut text, subject, first, &MECHANICAL_USE_STEPS, 3, 5);
            push(text, between(rng, 0, 1) as usize, GroupKind::Plain);
        }
        (Extra::Product(system), _) => {
            push(
                format!("一种{system}，其特征在于，包括权利要求1-{{N}}任一项所述的{name}。"),
                0,
                GroupKind::Plain,
            );
        }
        (Extra::Preparation | Extra::PreparationAndUse, _) => {
            let mut text = if form == Form::Biologic {
                format!(
                    "一种{}的检测方法，其特征在于，采用权利要求1-{{N}}任一项所述的{name}，包括以下步骤：",
                    subject.object.trim_end_matches("检测")
                )
            } else if chance(rng, 0.5) {
                format!(
                    "一种权利要求1-{{N}}任一项所述的{name}的制备方法，其特征在于，包括以下步骤："
                )
            } else {
                format!("一种{name}的制备方法，其特征在于，包括以下步骤：")
            };
            let pool: Vec<&'static str> = preparation_pool(subject);
            steps(rng, &mut text, subject, first, &pool, 3, 6);
            push(text, between(rng, 1, 3) as usize, GroupKind::Preparation);
            if subject.extra == Extra::PreparationAndUse {
                push(use_claim(subject), 0, GroupKind::Use);
            }
        }
        (Extra::Use, _) => push(use_claim(subject), 0, GroupKind::Use),
        _ => {}
    }
    if form == Form::Compound && matches!(subject.extra, Extra::Use | Extra::PreparationAndUse) {
        push(
            format!(
                "一种药物组合物，其特征在于，包括权利要求1-{{N}}任一项所述的{name}或其药学上可接受的盐，以及药学上可接受的辅料。"
            ),
            0,
            GroupKind::Plain,
        );
    }
    groups
}

fn use_claim(subject: &Subject) -> String {
    format!(
        "权利要求1-{{N}}任一项所述的{}在{}中的应用。",
        subject.name, subject.object
    )
}

fn preparation_pool(subject: &Subject) -> Vec<&'static str> {
    if !subject.topic.steps.is_empty() {
        return subject.topic.steps.clone();
    }
    match subject.topic.form {
        Form::Alloy => ALLOY_STEPS.to_vec(),
        _ => PREPARATION_STEPS.to_vec(),
    }
}

/// Appends `S1、…；S2、…。` drawn in order from `pool`.
fn steps(
    rng: &mut PatentRng,
    out: &mut String,
    subject: &Subject,
    first: &FirstClaim,
    pool: &[&str],
    low: u32,
    high: u32,
) {
    let how_many = between(rng, low, high) as usize;
    let chosen = ordered_subset(rng, pool.len(), how_many);
    for (at, &index) in chosen.iter().enumerate() {
        if at > 0 {
            out.push('；');
        }
        let _ = write!(out, "S{}、", at + 1);
        let (p, q) = noun_pair(rng, subject, first);
        let r = pick(rng, &first.parts);
        let words = Words {
            o: subject.object,
            h: subject.head,
            m: &subject.modifier,
            p,
            q,
            r,
        };
        fill(rng, out, pool[index], &words);
    }
    out.push('。');
}

fn modules(short: &str, noun: &str, first: &FirstClaim) -> String {
    let mut text = format!("一种{short}{noun}，其特征在于，包括：");
    for (at, (&step, feature)) in first.steps.iter().zip(&first.features).enumerate() {
        if at > 0 {
            text.push('；');
        }
        let module = SOFTWARE_STEPS.get(step).map_or("处理模块", |s| s.0);
        let _ = write!(text, "{module}，用于{}", feature.base);
    }
    text.push('。');
    text
}

fn manufacture(rng: &mut PatentRng, name: &str, first: &FirstClaim) -> String {
    let mut text = format!("一种{name}的制造方法，其特征在于，包括：");
    for (at, part) in first.parts.iter().enumerate() {
        match at {
            0 => {
                let _ = write!(text, "提供{part}");
            }
            _ => {
                let below = first.parts[rng.random_range(..at)];
                let process = pick(rng, &["沉积", "形成", "制备", "键合"]);
                let _ = write!(text, "；在所述{below}上{process}{part}");
                if chance(rng, 0.25) {
                    let _ = write!(text, "，并对所述{part}进行图形化处理");
                }
            }
        }
    }
    text.push('。');
    text
}

fn join_and(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}和{last}", rest.join("、")),
        Some((last, _)) => (*last).to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::generate::claim_one::first_claim;
    use crate::generate::industry::Industry;
    use crate::generate::random::patent_rng;
    use crate::generate::tables::tables;

    /// Checks the shape of a claim set and returns its claim count.
    pub(crate) fn check_claims(text: &str) -> usize {
        let lines: Vec<&str> = text.split('\n').collect();
        for (at, line) in lines.iter().enumerate() {
            let number = at + 1;
            let prefix = format!("{number}.");
            assert!(
                line.starts_with(&prefix),
                "claim {number} is not numbered: {line}"
            );
            assert!(line.ends_with('。'), "{line}");
            let body = line.strip_prefix(&prefix).unwrap();
            if let Some(rest) = body.strip_prefix("根据权利要求") {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let cited: usize = digits.parse().expect("a claim number follows 根据权利要求");
                assert!(
                    cited >= 1 && cited < number,
                    "claim {number} cites {cited}: {line}"
                );
            }
            assert!(!line.contains('{') && !line.contains('}'), "{line}");
        }
        assert!(lines[0].contains("其特征在于"), "{}", lines[0]);
        lines.len()
    }

    #[test]
    fn claim_sets_are_well_formed_for_every_form() {
        let tables = tables();
        for i in 0..3_000u64 {
            let industry = Industry::ALL[(i % 10) as usize];
            let mut rng = patent_rng(6, i);
            let subject = Subject::draw(&mut rng, tables.industry(industry), i % 9 == 0);
            let first = first_claim(&mut rng, &subject, 0.0);
            let text = claim_set(&mut rng, &subject, &first);
            let count = check_claims(&text);
            assert!((5..=20).contains(&count), "{count}: {text}");
        }
    }
}
