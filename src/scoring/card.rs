//! The score card of one patent: the value and its exact decomposition, the top drivers and
//! drags in plain Chinese, industry fits with the rules and keywords that fired, the CNIPA
//! high-value checklist with evidence, the remaining term and the data gaps.

use serde::Serialize;

use super::config::ModelConfig;
use super::features::ClaimFacts;
use super::industry::{Evidence, IndustryMatch};
use super::table::TableMeta;
use super::value::{Check, ScoreRow, Tier, gaps};
use crate::model::{EventKind, LegalStatus, Patent};

/// One dimension line.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DimensionLine {
    /// Chinese name.
    pub name: String,
    /// Score 0–1, when observed.
    pub score: Option<f64>,
    /// Prior weight.
    pub weight: f64,
    /// Points contributed to the value.
    pub points: f64,
}

/// One industry line.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndustryLine {
    /// Industry name.
    pub name: String,
    /// Rule fit 0–1.
    pub fit: f64,
    /// Rank score within the industry (value × fit factor), when fit ≥ the label threshold.
    pub rank: Option<f64>,
    /// Whether it is the primary industry.
    pub primary: bool,
    /// The rules and keywords that fired, in words.
    pub evidence: Vec<String>,
    /// The ids of the rules and keyword lists that fired (`scoring/industries.toml`).
    pub rule_ids: Vec<String>,
}

/// One checklist line.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PolicyLine {
    /// The category.
    pub category: &'static str,
    /// Yes, no, unknown or not applicable.
    pub check: Check,
    /// The evidence.
    pub evidence: String,
}

/// The score card.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScoreCard {
    /// Application number.
    pub application_number: String,
    /// Title.
    pub title: String,
    /// Owning institution.
    pub institution: String,
    /// Value 0–100 (the sum of the dimension points); `None` when unscored.
    pub value: Option<f64>,
    /// Percentile of the value among the library's scored patents; `None` when unscored.
    pub value_percentile: Option<f64>,
    /// Tier (`A`–`D`), or `lapsed` / `unscored`.
    pub tier: Tier,
    /// 重点推广 / 推广 / 储备 / 评估是否维持 / 已失效 · 不推广 / 未评分 · 数据不足.
    pub tier_role: &'static str,
    /// When the patent lapsed, expired or was invalidated (失效日), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lapse_date: Option<chrono::NaiveDate>,
    /// Why the patent has no value, when it is unscored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unscored: Option<Unscored>,
    /// Confidence 0–1.
    pub confidence: f64,
    /// 高 / 中 / 低.
    pub confidence_level: &'static str,
    /// The four dimensions.
    pub dimensions: Vec<DimensionLine>,
    /// Up to three reasons that raise the value.
    pub drivers: Vec<String>,
    /// Up to two reasons that lower it.
    pub drags: Vec<String>,
    /// The cohort compared in and its size.
    pub cohort: String,
    /// Cohort size.
    pub cohort_size: u32,
    /// Years of term left (the second clock, not in the value).
    pub remaining_years: Option<f64>,
    /// Industries with a non-zero fit, best first.
    pub industries: Vec<IndustryLine>,
    /// The CNIPA 高价值发明专利 checklist.
    pub policy: Vec<PolicyLine>,
    /// What was missing.
    pub data_gaps: Vec<String>,
    /// Model, taxonomy and as-of date of the scores.
    pub provenance: TableMeta,
}

/// Why a patent is unscored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unscored {
    /// The reason, in Chinese.
    pub reason: String,
    /// The inputs that would give it a value (record-contract field names).
    pub missing_inputs: Vec<&'static str>,
}

/// The reason and missing inputs of an unscored row.
fn unscored(row: &ScoreRow) -> Unscored {
    let mut missing = Vec::new();
    if row.gaps & gaps::CITATIONS != 0 {
        missing.push("forward_citations");
    }
    if row.gaps & gaps::CLAIMS != 0 {
        missing.push("claims");
    }
    if row.gaps & gaps::LEGAL_STATUS != 0 {
        missing.push("legal_status");
    }
    if row.gaps & gaps::FAMILY != 0 {
        missing.push("family_countries");
    }
    Unscored {
        reason: "未评分 · 数据不足：被引、权利要求、法律状态与同族信息均未提供，无法可靠计算价值；补充其中任一项后重新提交即可评分（产业匹配仍按文本计算）".into(),
        missing_inputs: missing,
    }
}

fn pct(p: f64) -> u32 {
    (p * 100.0).round().clamp(0.0, 100.0) as u32
}

/// Evidence in words a non-expert reads (the rule ids are in [`IndustryLine::rule_ids`]).
fn describe(e: &Evidence) -> String {
    match e {
        Evidence::Ipc {
            code,
            main,
            core,
            weight,
            ..
        } => format!(
            "{}IPC {code} 属于本产业的{}（权重 {weight:.1}）",
            if *main { "主" } else { "副" },
            if *core {
                "核心分类"
            } else {
                "扩展分类，需关键词佐证"
            }
        ),
        Evidence::Keyword {
            word,
            strong,
            in_title,
            ..
        } => format!(
            "{}出现{}关键词「{word}」",
            if *in_title { "标题" } else { "文本" },
            if *strong { "强相关" } else { "弱相关" }
        ),
    }
}

fn rule_id(e: &Evidence) -> &str {
    match e {
        Evidence::Ipc { rule, .. } => rule,
        Evidence::Keyword { list, .. } => list,
    }
}

/// A figure rounded to hundredths, as reports show money (no float noise such as
/// 0.8999999999999999 in JSON).
fn hundredths(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Builds the card of a patent from its score row, its record and its industry match.
pub fn card(
    patent: &Patent,
    row: &ScoreRow,
    found: &IndustryMatch,
    industry_names: &[String],
    model: &ModelConfig,
    meta: &TableMeta,
) -> ScoreCard {
    let d = &model.dimensions;
    let specs = [&d.technical_impact, &d.scope, &d.legal, &d.market];
    let dimensions = specs
        .iter()
        .enumerate()
        .map(|(k, spec)| DimensionLine {
            name: spec.name_zh.clone(),
            score: row.dimensions[k].map(hundredths),
            weight: spec.weight,
            points: hundredths(row.contributions[k]),
        })
        .collect();
    // Each candidate reason carries its effect on the value: weight share × (score − 0.5).
    let total_weight: f64 = specs.iter().map(|s| s.weight).sum();
    let share = |k: usize| specs[k].weight / total_weight;
    let mut reasons: Vec<(f64, String)> = Vec::new();
    if let Some(c) = row.citations {
        let mut detail = Vec::new();
        if let Some(s) = c.supplied {
            detail.push(format!("导出数据 {s} 次"));
        }
        detail.push(format!("库内 {} 次，已剔除自引", c.in_library));
        if c.age_years < f64::from(model.citations.window_years) {
            detail.push(format!("公开 {:.1} 年，已按年龄校正", c.age_years));
        }
        reasons.push((
            share(0) * (c.percentile - 0.5),
            format!(
                "被引 {} 次（{}），位于同队列第 {} 百分位",
                c.used(),
                detail.join("；"),
                pct(c.percentile)
            ),
        ));
    }
    let scope = &model.scope;
    let scope_total =
        scope.claim1_breadth + scope.claim1_features + scope.independent_claims + scope.claim_count;
    if let Some(v) = row.claim1_chars {
        let breadth = 1.0 - v.percentile;
        let text = if breadth >= 0.5 {
            format!(
                "首项权利要求 {} 字，短于同队列 {}% 的专利 → 保护范围较宽",
                v.raw,
                pct(breadth)
            )
        } else {
            format!(
                "首项权利要求 {} 字，长于同队列 {}% 的专利 → 保护范围较窄",
                v.raw,
                pct(v.percentile)
            )
        };
        reasons.push((
            share(1) * scope.claim1_breadth / scope_total * (breadth - 0.5),
            text,
        ));
    }
    // No technical feature found in claim 1 means it was not parsed, not a broad claim.
    if let Some(v) = row.claim1_features.filter(|v| v.raw > 0.0) {
        let breadth = 1.0 - v.percentile;
        reasons.push((
            share(1) * scope.claim1_features / scope_total * (breadth - 0.5),
            format!(
                "首项权利要求含 {} 个技术特征（同队列第 {} 百分位）",
                v.raw,
                pct(v.percentile)
            ),
        ));
    }
    if let Some(v) = row.independent {
        let facts = ClaimFacts::of(patent);
        reasons.push((
            share(1) * scope.independent_claims / scope_total * (v.percentile - 0.5),
            format!(
                "{} 项独立权利要求，覆盖{}",
                facts.independent_count.unwrap_or(0),
                facts.category_names_zh().join("、")
            ),
        ));
    }
    if let Some(v) = row.claim_count {
        reasons.push((
            share(1) * scope.claim_count / scope_total * (v.percentile - 0.5),
            format!(
                "共 {} 项权利要求（同队列第 {} 百分位）",
                v.raw,
                pct(v.percentile)
            ),
        ));
    }
    let legal_total = model.legal.survival + model.legal.coverage;
    if let Some(v) = row.survival {
        let text = match patent.legal_status {
            Some(LegalStatus::InForce) => {
                format!("仍有效；同期同领域 {}% 的专利已失效", pct(1.0 - v.raw))
            }
            Some(LegalStatus::Expired) => "已维持至期限届满".to_string(),
            _ => format!("已失效；同期同领域 {}% 的专利仍有效", pct(v.raw)),
        };
        reasons.push((
            share(2) * model.legal.survival / legal_total * (v.percentile - 0.5),
            text,
        ));
    }
    if let Some(v) = row.coverage {
        let abroad: Vec<&String> = patent
            .family_countries
            .iter()
            .filter(|c| c.as_str() != "CN")
            .collect();
        let text = if abroad.is_empty() {
            "无海外同族".to_string()
        } else {
            format!(
                "在 {} 有同族（海外布局第 {} 百分位）",
                abroad
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                pct(v.percentile)
            )
        };
        reasons.push((
            share(2) * model.legal.coverage / legal_total * (v.percentile - 0.5),
            text,
        ));
    }
    let kinds: Vec<&str> = EventKind::ALL
        .iter()
        .filter(|k| patent.events.iter().any(|e| e.kind == **k))
        .map(|k| k.label_zh())
        .collect();
    if row.market > 0.0 {
        reasons.push((
            share(3) * row.market,
            format!("有{}记录（运用证据 {:.2}）", kinds.join("、"), row.market),
        ));
    }
    let mut drivers: Vec<(f64, String)> =
        reasons.iter().filter(|(e, _)| *e > 0.0).cloned().collect();
    drivers.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut drags: Vec<(f64, String)> = reasons.into_iter().filter(|(e, _)| *e < 0.0).collect();
    drags.sort_by(|a, b| a.0.total_cmp(&b.0));

    let industries = found
        .details
        .iter()
        .map(|fit| IndustryLine {
            name: industry_names
                .get(fit.industry)
                .cloned()
                .unwrap_or_default(),
            fit: hundredths(fit.fit),
            rank: row
                .ranks
                .get(fit.industry)
                .filter(|r| !r.is_nan())
                .map(|r| hundredths(f64::from(*r))),
            primary: found.primary == Some(fit.industry),
            evidence: fit.evidence.iter().map(describe).collect(),
            rule_ids: {
                let mut ids: Vec<String> = fit
                    .evidence
                    .iter()
                    .map(|e| rule_id(e).to_string())
                    .collect();
                ids.dedup();
                ids
            },
        })
        .collect();

    let policy = policy_lines(patent, row, found, industry_names, model, meta);
    let data_gaps = gaps::DESCRIPTIONS
        .iter()
        .filter(|(bit, _)| row.gaps & bit != 0)
        .map(|(_, text)| (*text).to_string())
        .collect();
    ScoreCard {
        application_number: patent.application_number.to_string(),
        title: patent.title.clone(),
        institution: row.institution.to_string(),
        value: row.shown_value().map(hundredths),
        value_percentile: (row.tier != Tier::Unscored).then_some(hundredths(row.value_percentile)),
        tier: row.tier,
        tier_role: row.tier.role_zh(),
        lapse_date: patent
            .lapse_date
            .filter(|_| patent.legal_status.is_some_and(|s| !s.is_alive())),
        unscored: (row.tier == Tier::Unscored).then(|| unscored(row)),
        confidence: hundredths(row.confidence),
        confidence_level: if row.confidence >= model.confidence.high {
            "高"
        } else if row.confidence >= model.confidence.medium {
            "中"
        } else {
            "低"
        },
        dimensions,
        drivers: drivers.into_iter().take(3).map(|(_, t)| t).collect(),
        drags: drags.into_iter().take(2).map(|(_, t)| t).collect(),
        cohort: row.cohort.to_string(),
        cohort_size: row.cohort_size,
        remaining_years: row.remaining_years.map(|y| (y * 10.0).round() / 10.0),
        industries,
        policy,
        data_gaps,
        provenance: meta.clone(),
    }
}

fn policy_lines(
    patent: &Patent,
    row: &ScoreRow,
    found: &IndustryMatch,
    names: &[String],
    model: &ModelConfig,
    meta: &TableMeta,
) -> Vec<PolicyLine> {
    let categories = [
        "战略性新兴产业的发明专利",
        "在海外有同族专利权的发明专利",
        "维持年限超过10年的发明专利",
        "实现较高质押融资金额的发明专利",
        "获得国家科学技术奖或中国专利奖的发明专利",
    ];
    let not_applicable = "仅统计有效的发明专利".to_string();
    let evidence = |i: usize| -> String {
        if row.policy[i] == Check::NotApplicable {
            return not_applicable.clone();
        }
        match i {
            0 => match found.details.first() {
                Some(best) if best.fit >= 0.5 => format!(
                    "按十大产业规则近似：{} {:.2}（{}）",
                    names.get(best.industry).map_or("", String::as_str),
                    best.fit,
                    best.evidence.first().map(describe).unwrap_or_default()
                ),
                _ => "未命中任何产业规则".to_string(),
            },
            1 => {
                let foreign: Vec<&String> = patent
                    .family_members
                    .iter()
                    .filter(|m| !m.starts_with("CN"))
                    .collect();
                if foreign.is_empty() && patent.family_countries.iter().all(|c| c == "CN") {
                    if patent.family_members.is_empty() && patent.family_countries.is_empty() {
                        "未提供同族信息".into()
                    } else {
                        "无海外同族".into()
                    }
                } else {
                    format!(
                        "海外同族：{}",
                        foreign
                            .iter()
                            .map(|s| s.as_str())
                            .chain(
                                patent
                                    .family_countries
                                    .iter()
                                    .map(String::as_str)
                                    .filter(|c| *c != "CN"),
                            )
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                }
            }
            2 => match patent.application_date {
                Some(d) => {
                    let as_of =
                        chrono::NaiveDate::parse_from_str(&meta.as_of, "%Y-%m-%d").unwrap_or(d);
                    let years = (as_of - d).num_days() as f64 / 365.25;
                    format!(
                        "申请日 {d}，至 {as_of} 已 {years:.1} 年（要求有效且超过 {} 年）",
                        model.policy.maintained_years
                    )
                }
                None => "缺少申请日".into(),
            },
            3 => {
                if patent.events.iter().any(|e| e.kind == EventKind::Pledge) {
                    "有质押记录，融资金额未提供".into()
                } else if patent.events.is_empty() {
                    "未提供法律事件".into()
                } else {
                    "无质押记录".into()
                }
            }
            _ => {
                let awards: Vec<String> = patent
                    .events
                    .iter()
                    .filter(|e| e.kind == EventKind::Award)
                    .map(|e| e.note.clone().unwrap_or_else(|| "获奖".into()))
                    .collect();
                if !awards.is_empty() {
                    awards.join("；")
                } else if patent.events.is_empty() {
                    "未提供法律事件".into()
                } else {
                    "无获奖记录".into()
                }
            }
        }
    };
    categories
        .iter()
        .enumerate()
        .map(|(i, category)| PolicyLine {
            category,
            check: row.policy[i],
            evidence: evidence(i),
        })
        .collect()
}
