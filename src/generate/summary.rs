//! Prose: the abstract (150–300 characters) and the optional promotion packet (maturity, problem
//! solved, advantages, licence terms).

use std::fmt::Write as _;

use super::claim_one::FirstClaim;
use super::random::{PatentRng, between, chance, distinct, normal, pick};
use super::subject::Subject;
use super::tables::{IndustryTable, Topic};
use super::vocab::Form;
use crate::model::LicenceTerms;
use rand::RngExt;

/// What the patent fixes and improves, shared by the abstract and the promotion packet.
pub(crate) struct Pitch {
    /// Prior-art problems (two, distinct when possible).
    pub problems: Vec<&'static str>,
    /// Effects improved (two, distinct when possible).
    pub effects: Vec<&'static str>,
}

impl Pitch {
    /// Draws the pitch of one patent, from its topic's lists when it has them.
    pub(crate) fn draw(rng: &mut PatentRng, industry: &IndustryTable, topic: &Topic) -> Pitch {
        let problems = if topic.problems.is_empty() {
            &industry.problems
        } else {
            &topic.problems
        };
        let effects = if topic.effects.is_empty() {
            &industry.effects
        } else {
            &topic.effects
        };
        Pitch {
            problems: distinct(rng, problems, 2),
            effects: distinct(rng, effects, 2),
        }
    }

    fn problem(&self, at: usize) -> &'static str {
        self.problems
            .get(at)
            .or(self.problems.first())
            .copied()
            .unwrap_or("效率低")
    }

    fn effect(&self, at: usize) -> &'static str {
        self.effects
            .get(at)
            .or(self.effects.first())
            .copied()
            .unwrap_or("效率")
    }
}

const MIN_CHARS: usize = 150;
const MAX_CHARS: usize = 300;

/// Writes the abstract: 本发明公开了一种…，包括…；通过…，解决了…的问题，提高了…。
pub(crate) fn abstract_text(
    rng: &mut PatentRng,
    subject: &Subject,
    first: &FirstClaim,
    pitch: &Pitch,
) -> String {
    let topic = subject.topic;
    let who = if subject.utility {
        "本实用新型"
    } else {
        "本发明"
    };
    let mut head = String::with_capacity(160);
    match rng.random_range(0..4) {
        0 => {
            let _ = write!(
                head,
                "{who}涉及{}技术领域，具体公开了{}",
                topic.field, subject.title
            );
        }
        1 => {
            let _ = write!(head, "{who}提供了{}", subject.title);
        }
        _ => {
            let _ = write!(head, "{who}公开了{}", subject.title);
        }
    }
    head.push_str(match topic.form {
        Form::Software | Form::Process => "，该方法包括：",
        Form::Composition => "，按重量份计，包括以下原料：",
        Form::Alloy => "，按质量百分比计，其化学成分包括：",
        Form::Compound => "，其结构如式(I)所示，其中：",
        _ => "，包括：",
    });
    let mut tail = String::with_capacity(160);
    tail.push('。');
    let (p, q) = (pick(rng, &first.parts), pick(rng, &topic.parts));
    let _ = match topic.form {
        Form::Software => write!(tail, "{who}通过{}对{p}进行建模与分析，", subject.modifier),
        Form::Process => write!(tail, "{who}通过{}与{p}的协同作用，", subject.modifier),
        Form::Electronic | Form::Mechanical => write!(tail, "{who}通过{p}与{q}的配合，"),
        Form::Composition | Form::Alloy => write!(tail, "{who}通过{p}与{q}的协同作用，"),
        Form::Compound => write!(tail, "{who}的化合物结构新颖，"),
        Form::Biologic => write!(tail, "{who}的{}特异性强，", subject.head),
    };
    let (p1, e1, e2) = (pitch.problem(0), pitch.effect(0), pitch.effect(1));
    let _ = match rng.random_range(0..3) {
        0 => write!(tail, "解决了现有技术中{p1}的问题，提高了{e1}和{e2}。"),
        1 => write!(tail, "有效提升了{e1}，改善了{e2}，克服了{p1}的缺陷。"),
        _ => write!(tail, "解决了{p1}的问题，具有{e1}高、{e2}好的优点。"),
    };
    let fixed = head.chars().count() + tail.chars().count();
    let mut body = String::with_capacity(240);
    let mut used = 0;
    for feature in &first.features {
        let length = feature.base.chars().count() + 1;
        if used > 0 && fixed + used + length > MAX_CHARS - 10 {
            break;
        }
        if used > 0 {
            body.push('；');
        }
        body.push_str(&feature.base);
        used += length;
    }
    let mut text = head;
    text.push_str(&body);
    text.push_str(&tail);
    if text.chars().count() < MIN_CHARS {
        let _ = write!(
            text,
            "{who}可广泛应用于{}等领域，易于实现，具有良好的应用前景和推广价值。",
            subject.object
        );
    }
    if text.chars().count() < MIN_CHARS {
        text.push_str("该技术方案实施方式灵活，可根据实际需求对各组成部分及工艺参数进行调整，适于工业化推广应用。");
    }
    if text.chars().count() > MAX_CHARS {
        text = text.chars().take(MAX_CHARS - 1).collect();
        text.push('。');
    }
    text
}

/// The optional promotion packet of one patent.
pub(crate) struct Promotion {
    /// Technology maturity.
    pub maturity: Option<String>,
    /// Problem solved.
    pub problem_solved: Option<String>,
    /// Advantages.
    pub advantages: Option<String>,
    /// Licence terms.
    pub licence_terms: Option<LicenceTerms>,
}

/// Draws the promotion packet: about a quarter of patents have one, more among better ones.
pub(crate) fn promotion(
    rng: &mut PatentRng,
    subject: &Subject,
    pitch: &Pitch,
    quality: f64,
    university: &str,
    open_licence: bool,
) -> Promotion {
    let mut out = Promotion {
        maturity: None,
        problem_solved: None,
        advantages: None,
        licence_terms: None,
    };
    let packet = chance(rng, (0.22 * (0.4 * quality).exp()).min(0.8));
    if packet || chance(rng, 0.08) {
        let level = 1.2 + 0.7 * quality + 0.8 * normal(rng);
        out.maturity = Some(if chance(rng, 0.25) {
            format!(
                "TRL {}",
                (3.5 + 1.5 * level.max(-2.0)).round().clamp(1.0, 9.0)
            )
        } else {
            match level {
                l if l < 1.0 => "实验室阶段",
                l if l < 2.0 => "小试",
                l if l < 2.8 => "中试",
                _ => "量产",
            }
            .to_string()
        });
    }
    if packet {
        let field = subject.topic.field;
        out.problem_solved = Some(format!(
            "现有{field}技术存在{}、{}等问题，难以满足实际应用需求。",
            pitch.problem(0),
            pitch.problem(1)
        ));
        out.advantages = Some(format!(
            "与现有技术相比，{}提高{}%以上，{}显著改善；{}",
            pitch.effect(0),
            between(rng, 10, 60),
            pitch.effect(1),
            pick(
                rng,
                &[
                    "成本降低约30%。",
                    "工艺简单，易于规模化应用。",
                    "已完成样机验证。",
                    "可与现有产线兼容。"
                ]
            )
        ));
    }
    if open_licence || (packet && chance(rng, 0.35)) {
        let price = if open_licence {
            format!("年许可使用费{}万元", between(rng, 1, 20))
        } else {
            match rng.random_range(0..4) {
                0 | 1 => "面议".to_string(),
                2 => format!("{}万元", 5 * between(rng, 2, 60)),
                _ => format!(
                    "入门费{}万元+销售额{}%提成",
                    between(rng, 5, 50),
                    between(rng, 2, 8)
                ),
            }
        };
        let office = pick(rng, &["技术转移中心", "科技成果转化办公室", "知识产权中心"]);
        let phone = 60_000_000 + between(rng, 0, 29_999_999);
        out.licence_terms = Some(LicenceTerms {
            open_licence: Some(open_licence),
            price: Some(price),
            contact: Some(format!("{university}{office}，电话010-{phone}")),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::claim_one::first_claim;
    use crate::generate::industry::Industry;
    use crate::generate::random::patent_rng;
    use crate::generate::tables::tables;

    #[test]
    fn abstracts_are_within_bounds() {
        let tables = tables();
        for i in 0..3_000u64 {
            let industry = tables.industry(Industry::ALL[(i % 10) as usize]);
            let mut rng = patent_rng(9, i);
            let subject = Subject::draw(&mut rng, industry, i % 6 == 0);
            let quality = normal(&mut rng);
            let first = first_claim(&mut rng, &subject, quality);
            let pitch = Pitch::draw(&mut rng, industry, subject.topic);
            let text = abstract_text(&mut rng, &subject, &first, &pitch);
            let chars = text.chars().count();
            assert!((MIN_CHARS..=MAX_CHARS).contains(&chars), "{chars}: {text}");
            assert!(
                text.starts_with("本发明") || text.starts_with("本实用新型"),
                "{text}"
            );
            assert!(text.ends_with('。'));
        }
    }
}
