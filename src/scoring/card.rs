//! The score card of one patent: the value and its exact decomposition, the top drivers and
//! drags in plain Chinese, industry fits with the rules and keywords that fired, the CNIPA
//! high-value checklist with evidence, the remaining term and the data gaps.

use serde::Serialize;

use super::config::{ConfidenceLevels, DimensionSpec, ModelConfig};
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
/// Builds the card of a patent from its score row, its record and its industry match.
pub fn card(
    patent: &Patent,
    row: &ScoreRow,
    found: &IndustryMatch,
    industry_names: &[String],
    model: &ModelConfig,
    meta: &TableMeta,
) -> ScoreCard {
    let (drivers, drags) = drivers_and_drags(reasons(patent, row, model));
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
        confidence_level: confidence_level(row.confidence, &model.confidence),
        dimensions: dimension_lines(row, model),
        drivers,
        drags,
        cohort: row.cohort.to_string(),
        cohort_size: row.cohort_size,
        remaining_years: row.remaining_years.map(|y| (y * 10.0).round() / 10.0),
        industries: industry_lines(found, row, industry_names),
        policy: policy_lines(patent, row, found, industry_names, model, meta),
        data_gaps: data_gaps(row.gaps),
        provenance: meta.clone(),
    }
}

/// The four dimensions in model order (技术影响, 保护范围, 法律与维持, 运用证据).
fn dimension_specs(model: &ModelConfig) -> [&DimensionSpec; 4] {
    let d = &model.dimensions;
    [&d.technical_impact, &d.scope, &d.legal, &d.market]
}

/// The dimension lines: each dimension's score, prior weight and points.
fn dimension_lines(row: &ScoreRow, model: &ModelConfig) -> Vec<DimensionLine> {
    dimension_specs(model)
        .iter()
        .enumerate()
        .map(|(k, spec)| DimensionLine {
            name: spec.name_zh.clone(),
            score: row.dimensions[k].map(hundredths),
            weight: spec.weight,
            points: hundredths(row.contributions[k]),
        })
        .collect()
}

/// A candidate reason for or against the value, with its effect on the value:
/// the dimension's weight share × the signal's share in the dimension × (score − 0.5).
type Reason = (f64, String);

/// Each dimension's share of the total prior weight.
fn weight_shares(model: &ModelConfig) -> [f64; 4] {
    let specs = dimension_specs(model);
    let total_weight: f64 = specs.iter().map(|s| s.weight).sum();
    specs.map(|s| s.weight / total_weight)
}

/// Every candidate reason, in dimension order (citations, scope, legal, market).
fn reasons(patent: &Patent, row: &ScoreRow, model: &ModelConfig) -> Vec<Reason> {
    let shares = weight_shares(model);
    let mut reasons: Vec<Reason> = Vec::new();
    reasons.extend(citation_reason(row, model, shares[0]));
    reasons.extend(scope_reasons(patent, row, model, shares[1]));
    reasons.extend(legal_reasons(patent, row, model, shares[2]));
    reasons.extend(market_reason(patent, row, shares[3]));
    reasons
}

/// The forward-citation reason (技术影响): counts, self-citations, age correction, percentile.
fn citation_reason(row: &ScoreRow, model: &ModelConfig, share: f64) -> Option<Reason> {
    let c = row.citations?;
    let mut detail = Vec::new();
    if let Some(s) = c.supplied {
        detail.push(format!("导出数据 {s} 次"));
    }
    detail.push(format!("库内 {} 次，已剔除自引", c.in_library));
    if c.age_years < f64::from(model.citations.window_years) {
        detail.push(format!("公开 {:.1} 年，已按年龄校正", c.age_years));
    }
    Some((
        share * (c.percentile - 0.5),
        format!(
            "被引 {} 次（{}），位于同队列第 {} 百分位",
            c.used(),
            detail.join("；"),
            pct(c.percentile)
        ),
    ))
}

/// The claim reasons (保护范围): claim 1 length and features, independent claims, claim count.
fn scope_reasons(patent: &Patent, row: &ScoreRow, model: &ModelConfig, share: f64) -> Vec<Reason> {
    let scope = &model.scope;
    let scope_total =
        scope.claim1_breadth + scope.claim1_features + scope.independent_claims + scope.claim_count;
    let mut reasons = Vec::new();
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
            share * scope.claim1_breadth / scope_total * (breadth - 0.5),
            text,
        ));
    }
    // No technical feature found in claim 1 means it was not parsed, not a broad claim.
    if let Some(v) = row.claim1_features.filter(|v| v.raw > 0.0) {
        let breadth = 1.0 - v.percentile;
        reasons.push((
            share * scope.claim1_features / scope_total * (breadth - 0.5),
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
            share * scope.independent_claims / scope_total * (v.percentile - 0.5),
            format!(
                "{} 项独立权利要求，覆盖{}",
                facts.independent_count.unwrap_or(0),
                facts.category_names_zh().join("、")
            ),
        ));
    }
    if let Some(v) = row.claim_count {
        reasons.push((
            share * scope.claim_count / scope_total * (v.percentile - 0.5),
            format!(
                "共 {} 项权利要求（同队列第 {} 百分位）",
                v.raw,
                pct(v.percentile)
            ),
        ));
    }
    reasons
}

/// The legal reasons (法律与维持): survival against cohort peers, family coverage abroad.
fn legal_reasons(patent: &Patent, row: &ScoreRow, model: &ModelConfig, share: f64) -> Vec<Reason> {
    let legal_total = model.legal.survival + model.legal.coverage;
    let mut reasons = Vec::new();
    if let Some(v) = row.survival {
        let text = match patent.legal_status {
            Some(LegalStatus::InForce) => {
                format!("仍有效；同期同领域 {}% 的专利已失效", pct(1.0 - v.raw))
            }
            Some(LegalStatus::Expired) => "已维持至期限届满".to_string(),
            _ => format!("已失效；同期同领域 {}% 的专利仍有效", pct(v.raw)),
        };
        reasons.push((
            share * model.legal.survival / legal_total * (v.percentile - 0.5),
            text,
        ));
    }
    if let Some(v) = row.coverage {
        let abroad: Vec<&str> = patent
            .family_countries
            .iter()
            .map(String::as_str)
            .filter(|c| *c != "CN")
            .collect();
        let text = if abroad.is_empty() {
            "无海外同族".to_string()
        } else {
            format!(
                "在 {} 有同族（海外布局第 {} 百分位）",
                abroad.join("、"),
                pct(v.percentile)
            )
        };
        reasons.push((
            share * model.legal.coverage / legal_total * (v.percentile - 0.5),
            text,
        ));
    }
    reasons
}

/// The market reason (运用证据): the kinds of transfer, licence, pledge… events on record.
fn market_reason(patent: &Patent, row: &ScoreRow, share: f64) -> Option<Reason> {
    (row.market > 0.0).then(|| {
        let kinds: Vec<&str> = EventKind::ALL
            .iter()
            .filter(|k| patent.events.iter().any(|e| e.kind == **k))
            .map(|k| k.label_zh())
            .collect();
        (
            share * row.market,
            format!("有{}记录（运用证据 {:.2}）", kinds.join("、"), row.market),
        )
    })
}

/// Up to three drivers (largest positive effect first) and two drags (most negative first);
/// ties keep the reasons' order.
fn drivers_and_drags(reasons: Vec<Reason>) -> (Vec<String>, Vec<String>) {
    let mut drivers: Vec<Reason> = reasons.iter().filter(|(e, _)| *e > 0.0).cloned().collect();
    drivers.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut drags: Vec<Reason> = reasons.into_iter().filter(|(e, _)| *e < 0.0).collect();
    drags.sort_by(|a, b| a.0.total_cmp(&b.0));
    (
        drivers.into_iter().take(3).map(|(_, t)| t).collect(),
        drags.into_iter().take(2).map(|(_, t)| t).collect(),
    )
}

/// One line per industry with a non-zero fit, in the match's order (best first).
fn industry_lines(found: &IndustryMatch, row: &ScoreRow, names: &[String]) -> Vec<IndustryLine> {
    found
        .details
        .iter()
        .map(|fit| IndustryLine {
            name: names.get(fit.industry).cloned().unwrap_or_default(),
            fit: hundredths(fit.fit),
            rank: row
                .ranks
                .get(fit.industry)
                .filter(|r| !r.is_nan())
                .map(|r| hundredths(f64::from(*r))),
            primary: found.primary == Some(fit.industry),
            evidence: fit.evidence.iter().map(describe).collect(),
            rule_ids: rule_ids(&fit.evidence),
        })
        .collect()
}

/// The ids of the rules and keyword lists that fired, consecutive repeats removed.
fn rule_ids(evidence: &[Evidence]) -> Vec<String> {
    let mut ids: Vec<String> = evidence.iter().map(|e| rule_id(e).to_string()).collect();
    ids.dedup();
    ids
}

/// 高, 中 or 低 by the model's confidence levels.
fn confidence_level(confidence: f64, levels: &ConfidenceLevels) -> &'static str {
    if confidence >= levels.high {
        "高"
    } else if confidence >= levels.medium {
        "中"
    } else {
        "低"
    }
}

/// The descriptions of the data gaps set in `bits`, in [`gaps::DESCRIPTIONS`] order.
fn data_gaps(bits: u32) -> Vec<String> {
    gaps::DESCRIPTIONS
        .iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, text)| (*text).to_string())
        .collect()
}

/// The CNIPA 高价值发明专利 checklist: the five categories with the row's checks and evidence.
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
    let evidence = |i: usize| -> String {
        if row.policy[i] == Check::NotApplicable {
            return "仅统计有效的发明专利".to_string();
        }
        match i {
            0 => industry_evidence(found, names),
            1 => family_evidence(patent),
            2 => maintained_evidence(patent, model, meta),
            3 => pledge_evidence(patent),
            _ => award_evidence(patent),
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

/// Checklist 1 (战略性新兴产业): the best industry fit, when at least 0.5, and its first evidence.
fn industry_evidence(found: &IndustryMatch, names: &[String]) -> String {
    match found.details.first() {
        Some(best) if best.fit >= 0.5 => format!(
            "按十大产业规则近似：{} {:.2}（{}）",
            names.get(best.industry).map_or("", String::as_str),
            best.fit,
            best.evidence.first().map(describe).unwrap_or_default()
        ),
        _ => "未命中任何产业规则".to_string(),
    }
}

/// Checklist 2 (海外同族): the foreign family members and countries.
fn family_evidence(patent: &Patent) -> String {
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

/// Checklist 3 (维持年限): the years from the application date to the as-of date.
fn maintained_evidence(patent: &Patent, model: &ModelConfig, meta: &TableMeta) -> String {
    match patent.application_date {
        Some(d) => {
            let as_of = chrono::NaiveDate::parse_from_str(&meta.as_of, "%Y-%m-%d").unwrap_or(d);
            let years = (as_of - d).num_days() as f64 / 365.25;
            format!(
                "申请日 {d}，至 {as_of} 已 {years:.1} 年（要求有效且超过 {} 年）",
                model.policy.maintained_years
            )
        }
        None => "缺少申请日".into(),
    }
}

/// Checklist 4 (质押融资): whether a pledge is on record (amounts are never supplied).
fn pledge_evidence(patent: &Patent) -> String {
    if patent.events.iter().any(|e| e.kind == EventKind::Pledge) {
        "有质押记录，融资金额未提供".into()
    } else if patent.events.is_empty() {
        "未提供法律事件".into()
    } else {
        "无质押记录".into()
    }
}

/// Checklist 5 (获奖): the awards on record, by their notes.
fn award_evidence(patent: &Patent) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ApplicationNumber, LegalEvent};
    use crate::scoring::industry::IndustryFit;

    fn patent() -> Patent {
        Patent::new(
            ApplicationNumber::parse("CN202110123456.7").unwrap(),
            "一种压力传感器",
        )
    }

    fn event(kind: EventKind, note: Option<&str>) -> LegalEvent {
        LegalEvent {
            kind,
            date: None,
            note: note.map(str::to_string),
        }
    }

    fn keyword(list: &str, word: &str) -> Evidence {
        Evidence::Keyword {
            list: list.into(),
            word: word.into(),
            strong: true,
            in_title: false,
        }
    }

    #[test]
    fn drivers_are_the_three_largest_and_drags_the_two_most_negative() {
        let reasons = vec![
            (0.1, "a".to_string()),
            (-0.2, "b".to_string()),
            (0.3, "c".to_string()),
            (0.0, "zero".to_string()),
            (0.1, "d".to_string()),
            (-0.05, "e".to_string()),
            (0.2, "f".to_string()),
            (-0.3, "g".to_string()),
        ];
        let (drivers, drags) = drivers_and_drags(reasons);
        assert_eq!(drivers, ["c", "f", "a"], "ties keep the reasons' order");
        assert_eq!(drags, ["g", "b"]);
        assert_eq!(drivers_and_drags(Vec::new()), (Vec::new(), Vec::new()));
    }

    #[test]
    fn weight_shares_divide_the_prior_weights_by_their_total() {
        let model = ModelConfig::embedded().unwrap();
        let shares = weight_shares(&model);
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let d = &model.dimensions;
        let ratio = d.technical_impact.weight / d.market.weight;
        assert!((shares[0] / shares[3] - ratio).abs() < 1e-12);
    }

    #[test]
    fn confidence_levels_are_inclusive_from_below() {
        let levels = ConfidenceLevels {
            high: 0.7,
            medium: 0.4,
        };
        assert_eq!(confidence_level(0.7, &levels), "高");
        assert_eq!(confidence_level(0.69, &levels), "中");
        assert_eq!(confidence_level(0.4, &levels), "中");
        assert_eq!(confidence_level(0.39, &levels), "低");
    }

    #[test]
    fn data_gaps_follow_the_description_order() {
        assert!(data_gaps(0).is_empty());
        let texts = data_gaps(gaps::EVENTS | gaps::CITATIONS);
        assert_eq!(texts.len(), 2);
        assert!(texts[0].starts_with("无被引数据"));
        assert!(texts[1].starts_with("未提供转让"));
    }

    #[test]
    fn rule_ids_drop_consecutive_repeats_only() {
        let evidence = [
            keyword("ai.strong", "神经网络"),
            keyword("ai.strong", "深度学习"),
            keyword("ai.weak", "识别"),
            keyword("ai.strong", "机器学习"),
        ];
        assert_eq!(rule_ids(&evidence), ["ai.strong", "ai.weak", "ai.strong"]);
    }

    #[test]
    fn family_evidence_tells_missing_from_domestic_from_foreign() {
        let mut p = patent();
        assert_eq!(family_evidence(&p), "未提供同族信息");
        p.family_countries = vec!["CN".into()];
        assert_eq!(family_evidence(&p), "无海外同族");
        p.family_members = vec!["CN112233445A".into(), "US2021001A1".into()];
        p.family_countries = vec!["CN".into(), "JP".into()];
        assert_eq!(family_evidence(&p), "海外同族：US2021001A1、JP");
    }

    #[test]
    fn pledge_and_award_evidence_tell_no_events_from_none_of_the_kind() {
        let mut p = patent();
        assert_eq!(pledge_evidence(&p), "未提供法律事件");
        assert_eq!(award_evidence(&p), "未提供法律事件");
        p.events = vec![event(EventKind::Transfer, None)];
        assert_eq!(pledge_evidence(&p), "无质押记录");
        assert_eq!(award_evidence(&p), "无获奖记录");
        p.events.push(event(EventKind::Pledge, None));
        p.events
            .push(event(EventKind::Award, Some("中国专利奖优秀奖")));
        p.events.push(event(EventKind::Award, None));
        assert_eq!(pledge_evidence(&p), "有质押记录，融资金额未提供");
        assert_eq!(award_evidence(&p), "中国专利奖优秀奖；获奖");
    }

    #[test]
    fn industry_evidence_needs_a_fit_of_one_half() {
        let names = vec!["人工智能".to_string()];
        let mut found = IndustryMatch {
            fits: vec![0.49],
            details: vec![IndustryFit {
                industry: 0,
                fit: 0.49,
                evidence: vec![keyword("ai.strong", "神经网络")],
            }],
            primary: Some(0),
        };
        assert_eq!(industry_evidence(&found, &names), "未命中任何产业规则");
        found.details[0].fit = 0.5;
        assert_eq!(
            industry_evidence(&found, &names),
            "按十大产业规则近似：人工智能 0.50（文本出现强相关关键词「神经网络」）"
        );
    }
}
