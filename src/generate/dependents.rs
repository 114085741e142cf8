//! Dependent claims: the further limitations drafters add under claim 1 and under the
//! counterpart independent claims, per claim form.

use std::fmt::Write as _;

use super::claim_one::{FirstClaim, balance_element, join_or, two};
use super::claims::GroupKind;
use super::phrases::{
    ELECTRONIC_MATERIALS, FORMULAS, MATERIALS, PARAMETERS, POSITIONS, PROPERTIES, SOFTWARE_STEPS,
    SUBSTITUENTS, Words, fill,
};
use super::random::{PatentRng, between, distinct, pick};
use super::subject::Subject;
use super::vocab::Form;
use rand::RngExt;

pub(crate) fn noun_pair(
    rng: &mut PatentRng,
    subject: &Subject,
    first: &FirstClaim,
) -> (&'static str, &'static str) {
    if first.parts.len() >= 2 {
        two(rng, &first.parts)
    } else {
        two(rng, &subject.topic.parts)
    }
}

/// Picks a noun different from `p` and `q` when the list allows it.
fn third(rng: &mut PatentRng, list: &[&'static str], p: &str, q: &str) -> &'static str {
    let mut r = pick(rng, list);
    for _ in 0..6 {
        if r != p && r != q {
            break;
        }
        r = pick(rng, list);
    }
    r
}

/// Picks a noun claim 1 did not introduce, for "还包括…" limitations.
fn fresh(
    rng: &mut PatentRng,
    list: &[&'static str],
    used: &[&'static str],
) -> Option<&'static str> {
    (0..8).map(|_| pick(rng, list)).find(|r| !used.contains(r))
}

/// Writes the body of a dependent claim of claim 1.
pub(crate) fn own_dependent(
    rng: &mut PatentRng,
    out: &mut String,
    subject: &Subject,
    first: &FirstClaim,
) {
    let topic = subject.topic;
    let (p, q) = noun_pair(rng, subject, first);
    let r =
        fresh(rng, &topic.parts, &first.parts).unwrap_or_else(|| third(rng, &topic.parts, p, q));
    let choice = rng.random_range(0..6);
    match topic.form {
        Form::Software | Form::Process => match choice {
            0 if first.numbered && !first.features.is_empty() => {
                let step = rng.random_range(1..=first.features.len());
                let (a, b) = two(rng, &topic.parts);
                let _ = write!(
                    out,
                    "步骤S{step}具体包括：根据所述{a}确定{b}；对所述{b}进行校验，得到校验后的{b}"
                );
            }
            1 if topic.form == Form::Software => {
                let _ = write!(out, "所述{}模型包括{p}、{q}和{r}", subject.head);
            }
            2 if topic.form == Form::Software => {
                let formula = pick(rng, &FORMULAS);
                let _ = write!(
                    out,
                    "所述{p}的计算公式为：{formula}，其中，各系数根据所述{q}确定"
                );
            }
            3 => {
                let (name, range) = PARAMETERS[rng.random_range(..PARAMETERS.len())];
                if topic.form == Form::Software {
                    let _ = write!(out, "所述{name}的取值范围为{range}");
                } else {
                    let _ = write!(
                        out,
                        "所述{p}与所述{q}的体积比为1:({}～{})",
                        between(rng, 1, 3),
                        between(rng, 4, 10)
                    );
                }
            }
            4 => {
                let technique = pick(rng, &topic.modifiers);
                let _ = write!(out, "所述{p}通过{technique}获得");
            }
            _ => {
                out.push_str("还包括：");
                // A further step: one of the pool that claim 1 did not already claim.
                let pool: Vec<&str> = if topic.form == Form::Software {
                    SOFTWARE_STEPS.iter().map(|s| s.1).collect()
                } else {
                    topic.steps.clone()
                };
                let unclaimed: Vec<&str> = pool
                    .iter()
                    .enumerate()
                    .filter(|(at, _)| !first.steps.contains(at))
                    .map(|(_, step)| *step)
                    .collect();
                let template = pick(
                    rng,
                    if unclaimed.is_empty() {
                        &pool
                    } else {
                        &unclaimed
                    },
                );
                let words = Words {
                    o: subject.object,
                    h: subject.head,
                    m: &subject.modifier,
                    p,
                    q,
                    r,
                };
                fill(rng, out, template, &words);
            }
        },
        Form::Electronic => match choice {
            0 => {
                let _ = write!(out, "所述{p}的材料为{}", pick(rng, &ELECTRONIC_MATERIALS));
            }
            1 => {
                let low = between(rng, 5, 300);
                let _ = write!(
                    out,
                    "所述{p}的厚度为{low}～{}nm",
                    low * 2 + between(rng, 10, 500)
                );
            }
            2 => {
                let _ = write!(out, "还包括{r}，所述{r}位于所述{p}与所述{q}之间");
            }
            3 => {
                let _ = write!(
                    out,
                    "所述{p}包括第一{p}和第二{p}，所述第一{p}与所述第二{p}间隔设置"
                );
            }
            4 => {
                let _ = write!(out, "所述{p}的宽度沿远离所述{q}的方向逐渐减小");
            }
            _ => {
                let _ = write!(out, "所述{p}的数量为多个，多个所述{p}呈阵列排布");
            }
        },
        Form::Mechanical => match choice {
            0 => {
                let _ = write!(out, "所述{p}采用{}制成", pick(rng, &MATERIALS));
            }
            1 => {
                let low = between(rng, 2, 200);
                let _ = write!(
                    out,
                    "所述{p}的长度为{low}～{}mm",
                    low + between(rng, 5, 300)
                );
            }
            2 => {
                let _ = write!(
                    out,
                    "还包括{r}，所述{r}设置于所述{p}的{}",
                    pick(rng, &POSITIONS)
                );
            }
            3 => {
                let n = between(rng, 2, 8);
                let _ = write!(
                    out,
                    "所述{p}的数量为{n}个，{n}个所述{p}沿所述{q}的周向均匀分布"
                );
            }
            4 => {
                let _ = write!(
                    out,
                    "所述{p}包括第一{p}和第二{p}，所述第一{p}与所述第二{p}铰接"
                );
            }
            _ => {
                let _ = write!(out, "所述{p}与所述{q}之间设置有缓冲垫");
            }
        },
        Form::Composition => match choice {
            0 | 1 => {
                let (name, range) = PROPERTIES[rng.random_range(..PROPERTIES.len())];
                let _ = write!(out, "所述{p}的{name}为{range}");
            }
            2 => {
                let _ = write!(
                    out,
                    "所述{p}与所述{q}的质量比为1:({}～{})",
                    between(rng, 1, 3),
                    between(rng, 4, 12)
                );
            }
            3 => {
                let low = between(rng, 1, 8);
                let _ = write!(out, "还包括{r}{low}～{}份", low + between(rng, 1, 8));
            }
            4 => {
                let treatment = pick(rng, &["表面改性", "球磨", "酸洗", "干燥", "超声分散"]);
                let _ = write!(out, "所述{p}为经{treatment}处理的{p}");
            }
            _ => {
                let _ = write!(
                    out,
                    "所述{}的{}为{}",
                    subject.head, PROPERTIES[0].0, PROPERTIES[0].1
                );
            }
        },
        Form::Alloy => match choice {
            0 | 1 => {
                let low = f64::from(between(rng, 1, 40)) / 10.0;
                let _ = write!(out, "所述{p}的质量百分比为{low:.1}%～{:.1}%", low + 0.5);
            }
            2 => {
                let phase = pick(
                    rng,
                    &[
                        "等轴α相和β相",
                        "奥氏体和马氏体",
                        "γ'强化相",
                        "纳米析出相",
                        "铁素体和贝氏体",
                    ],
                );
                let _ = write!(out, "所述{}的显微组织包括{phase}", subject.head);
            }
            3 => {
                let _ = write!(
                    out,
                    "所述{}的抗拉强度不低于{}MPa，断后伸长率不低于{}%",
                    subject.head,
                    50 * between(rng, 6, 30),
                    between(rng, 5, 25)
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "所述不可避免的杂质的总含量不超过0.{}%，余量为{}",
                    between(rng, 1, 5),
                    balance_element(subject.head)
                );
            }
        },
        Form::Compound => match choice {
            0..=2 => {
                let choices = distinct(rng, &SUBSTITUENTS, 2);
                let _ = write!(out, "R{}选自{}", between(rng, 1, 4), join_or(&choices));
            }
            3 => out.push_str("所述药学上可接受的盐为盐酸盐、硫酸盐、甲磺酸盐或马来酸盐"),
            4 => out.push_str("X为N，环A为吡啶环"),
            _ => {
                let _ = write!(
                    out,
                    "所述化合物选自化合物1至化合物{}中的任意一种",
                    between(rng, 8, 60)
                );
            }
        },
        Form::Biologic => match choice {
            0 | 1 => {
                let _ = write!(
                    out,
                    "所述{p}的5'端标记有FAM荧光基团，3'端标记有BHQ1淬灭基团"
                );
            }
            2 => {
                let _ = write!(out, "所述反应体系的总体积为{}μL", 5 * between(rng, 2, 10));
            }
            3 => {
                let _ = write!(out, "还包括{r}");
            }
            _ => {
                let low = between(rng, 1, 9);
                let _ = write!(
                    out,
                    "所述{p}的终浓度为0.{low}～{}μmol/L",
                    low + between(rng, 1, 9)
                );
            }
        },
    }
}

/// Writes a dependent claim of a counterpart group, subject included.
pub(crate) fn group_dependent(
    rng: &mut PatentRng,
    out: &mut String,
    subject: &Subject,
    first: &FirstClaim,
    kind: GroupKind,
) {
    let (p, q) = noun_pair(rng, subject, first);
    match kind {
        GroupKind::System => {
            let _ = write!(
                out,
                "{}系统，其特征在于，还包括存储模块，用于存储所述{p}和所述{q}",
                subject.short
            );
        }
        GroupKind::Manufacture => {
            let process = pick(
                rng,
                &[
                    "化学气相沉积",
                    "物理气相沉积",
                    "原子层沉积",
                    "磁控溅射",
                    "电镀",
                ],
            );
            let _ = write!(out, "制造方法，其特征在于，采用{process}工艺形成所述{p}");
        }
        GroupKind::Preparation if subject.topic.form == Form::Biologic => {
            let _ = write!(
                out,
                "检测方法，其特征在于，扩增反应中所述{p}与所述{q}的体积比为1:1"
            );
        }
        GroupKind::Preparation => {
            let low = 100 * between(rng, 2, 12);
            match rng.random_range(0..3) {
                0 => {
                    let _ = write!(
                        out,
                        "制备方法，其特征在于，所述搅拌的转速为{low}～{}r/min",
                        low + 100 * between(rng, 1, 8)
                    );
                }
                1 => out.push_str("制备方法，其特征在于，所述保护气氛为氮气或氩气"),
                _ => {
                    let _ = write!(
                        out,
                        "制备方法，其特征在于，所述{p}与所述{q}的摩尔比为1:({}～{})",
                        between(rng, 1, 2),
                        between(rng, 3, 6)
                    );
                }
            }
        }
        GroupKind::Device | GroupKind::Medium | GroupKind::Use | GroupKind::Plain => {
            let _ = write!(
                out,
                "{}，其特征在于，所述{p}与所述{q}{}",
                if subject.is_method() {
                    "系统"
                } else {
                    "方法"
                },
                pick(rng, &["相连通", "协同工作", "依次设置"])
            );
        }
    }
}
