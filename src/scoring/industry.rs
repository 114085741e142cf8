//! Industry fit: places a patent in Beijing's ten high-end industries by IPC rules (core,
//! extension, exclusion) on its main and secondary IPC and an Aho–Corasick keyword pass over
//! its title, abstract and claim 1 (docs/value-model.md, "Industry fit"). Every fit keeps the rules and
//! keywords that produced it, for the score card.

use aho_corasick::AhoCorasick;
use serde::Serialize;

use super::config::{IndustriesConfig, MatchWeights, RuleKind, Strength};
use crate::error::{Error, Result};
use crate::model::IpcCode;
use crate::text::normalize;

/// An IPC prefix of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpcPattern {
    /// The prefix as written (normalised).
    text: String,
    /// `true` for a subgroup prefix (`H01L21/67`), matched as a string prefix; otherwise the
    /// code's hierarchy must contain the pattern (`G06F1` does not match `G06F16/35`).
    subgroup: bool,
}

impl IpcPattern {
    /// Parses a rule prefix: `H`, `H01`, `H01L`, `H01L21` or `H01L21/67`.
    pub fn parse(raw: &str) -> std::result::Result<IpcPattern, String> {
        let text: String = raw.trim().to_ascii_uppercase().replace(' ', "");
        let bytes = text.as_bytes();
        let shape_ok = match bytes.len() {
            0 => false,
            1 => (b'A'..=b'H').contains(&bytes[0]) || bytes[0] == b'Y',
            3 => bytes[1].is_ascii_digit() && bytes[2].is_ascii_digit(),
            _ => {
                bytes.len() >= 4 && bytes[3].is_ascii_uppercase() && {
                    let rest = text.get(4..).unwrap_or_default();
                    let (group, sub) = rest.split_once('/').unwrap_or((rest, ""));
                    group.bytes().all(|b| b.is_ascii_digit())
                        && sub.bytes().all(|b| b.is_ascii_digit())
                        && (rest.is_empty() || !group.is_empty())
                }
            }
        };
        if !shape_ok {
            return Err(format!("'{raw}' is not an IPC prefix"));
        }
        Ok(IpcPattern {
            subgroup: text.contains('/'),
            text,
        })
    }

    /// Whether `code` falls under this prefix.
    pub fn matches(&self, code: &IpcCode) -> bool {
        let code = code.as_str();
        if self.subgroup {
            return code.starts_with(&self.text);
        }
        if self.text.len() <= 4 {
            return code.starts_with(&self.text);
        }
        // A main group: same subclass and group number.
        code.split_once('/')
            .is_some_and(|(group, _)| group == self.text)
    }

    /// Specificity: longer prefixes win.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the pattern is empty (never: parse rejects it).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Why a patent fits an industry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Evidence {
    /// An IPC rule fired.
    Ipc {
        /// The rule id.
        rule: String,
        /// The patent's IPC code.
        code: String,
        /// Whether it is the main IPC.
        main: bool,
        /// Core or ext.
        core: bool,
        /// The weight it contributed.
        weight: f64,
    },
    /// A keyword was found.
    Keyword {
        /// The keyword list id.
        list: String,
        /// The keyword.
        word: String,
        /// Strong or weak.
        strong: bool,
        /// Found in the title.
        in_title: bool,
    },
}

/// The fit of one patent to one industry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndustryFit {
    /// Industry index in the configuration.
    pub industry: usize,
    /// Alignment A in [0, 1].
    pub fit: f64,
    /// What produced it.
    pub evidence: Vec<Evidence>,
}

/// The classification of one patent.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndustryMatch {
    /// Fit per industry, in configuration order.
    pub fits: Vec<f64>,
    /// The primary industry, or `None` for 无 (none of the ten fits).
    pub primary: Option<usize>,
    /// Evidence for every industry with a non-zero fit.
    pub details: Vec<IndustryFit>,
}

struct CompiledRule {
    id: String,
    kind: RuleKind,
    patterns: Vec<IpcPattern>,
}

struct Keyword {
    industry: usize,
    list: String,
    word: String,
    strong: bool,
}

/// The compiled industry rules.
pub struct IndustryMatcher {
    names: Vec<String>,
    ids: Vec<String>,
    rules: Vec<Vec<CompiledRule>>,
    keywords: Vec<Keyword>,
    automaton: AhoCorasick,
    weights: MatchWeights,
}

impl IndustryMatcher {
    /// Compiles the configuration.
    pub fn new(config: &IndustriesConfig) -> Result<IndustryMatcher> {
        let mut rules = Vec::new();
        let mut keywords = Vec::new();
        for (i, industry) in config.industries.iter().enumerate() {
            let mut compiled = Vec::new();
            for rule in &industry.rules {
                let patterns = rule
                    .ipc
                    .iter()
                    .map(|p| IpcPattern::parse(p).map_err(Error::Config))
                    .collect::<Result<_>>()?;
                compiled.push(CompiledRule {
                    id: rule.id.clone(),
                    kind: rule.kind,
                    patterns,
                });
            }
            rules.push(compiled);
            for list in &industry.keywords {
                for word in &list.words {
                    keywords.push(Keyword {
                        industry: i,
                        list: list.id.clone(),
                        word: normalize(word.trim()),
                        strong: list.strength == Strength::Strong,
                    });
                }
            }
        }
        let automaton = AhoCorasick::new(keywords.iter().map(|k| k.word.as_str()))
            .map_err(|e| Error::Config(format!("scoring/industries.toml keywords: {e}")))?;
        Ok(IndustryMatcher {
            names: config.industries.iter().map(|i| i.name.clone()).collect(),
            ids: config.industries.iter().map(|i| i.id.clone()).collect(),
            rules,
            keywords,
            automaton,
            weights: config.weights.clone(),
        })
    }

    /// A keyword that starts or ends with a Latin letter or digit must not be part of a longer
    /// Latin word: `led` does not match inside `controlled`, `5g` not inside `0.5g`.
    fn whole_word(&self, text: &str, keyword: usize, start: usize, end: usize) -> bool {
        let word = self.keywords[keyword].word.as_bytes();
        let alnum = |b: u8| b.is_ascii_alphanumeric();
        let before_ok = !word.first().copied().is_some_and(alnum)
            || start == 0
            || !(alnum(text.as_bytes()[start - 1]) || text.as_bytes()[start - 1] == b'.');
        let after_ok = !word.last().copied().is_some_and(alnum)
            || end >= text.len()
            || !alnum(text.as_bytes()[end]);
        before_ok && after_ok
    }

    /// Returns the industry names in configuration order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Returns the industry ids in configuration order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Returns the fit at which a patent is labelled with an industry.
    pub fn label_threshold(&self) -> f64 {
        self.weights.label_threshold
    }

    /// Classifies a patent from its IPC codes (main first) and text.
    pub fn classify(
        &self,
        ipc: &[IpcCode],
        title: &str,
        abstract_text: Option<&str>,
        claim_one: Option<&str>,
    ) -> IndustryMatch {
        let n = self.names.len();
        let w = &self.weights;
        let found = self.keywords_found(title, abstract_text, claim_one);
        let mut details: Vec<IndustryFit> = (0..n)
            .map(|i| IndustryFit {
                industry: i,
                fit: 0.0,
                evidence: Vec::new(),
            })
            .collect();
        let tally = self.tally_keywords(&found, &mut details);
        let best_ipc = self.best_ipc_hits(ipc, &tally.distinct, &mut details);
        let fits: Vec<f64> = (0..n)
            .map(|i| {
                industry_fit(
                    w,
                    best_ipc[i].0,
                    tally.distinct[i],
                    tally.strong[i],
                    tally.strong_any[i],
                )
            })
            .collect();
        for (detail, fit) in details.iter_mut().zip(&fits) {
            detail.fit = *fit;
        }
        let primary = primary_industry(w, &fits, &best_ipc, &tally);
        IndustryMatch {
            fits,
            primary,
            details: ordered_details(details),
        }
    }

    /// Which keywords occur, by keyword index: `Some(true)` in the title, `Some(false)` only in
    /// the abstract or claim 1, `None` nowhere (whole Latin words only, see `whole_word`).
    fn keywords_found(
        &self,
        title: &str,
        abstract_text: Option<&str>,
        claim_one: Option<&str>,
    ) -> Vec<Option<bool>> {
        let title_norm = normalize(title);
        let mut body = String::with_capacity(title_norm.len() + 1024);
        for part in [abstract_text, claim_one].into_iter().flatten() {
            body.push_str(&normalize(part));
            body.push('\n');
        }
        let mut found: Vec<Option<bool>> = vec![None; self.keywords.len()];
        for m in self.automaton.find_overlapping_iter(&title_norm) {
            if self.whole_word(&title_norm, m.pattern().as_usize(), m.start(), m.end()) {
                found[m.pattern().as_usize()] = Some(true);
            }
        }
        for m in self.automaton.find_overlapping_iter(&body) {
            let slot = &mut found[m.pattern().as_usize()];
            if slot.is_none() && self.whole_word(&body, m.pattern().as_usize(), m.start(), m.end())
            {
                *slot = Some(false);
            }
        }
        found
    }

    /// Counts the keywords found per industry and adds each as evidence to its industry.
    fn tally_keywords(&self, found: &[Option<bool>], details: &mut [IndustryFit]) -> KeywordTally {
        let n = details.len();
        let w = &self.weights;
        let mut tally = KeywordTally {
            distinct: vec![0usize; n],
            strong: vec![0f64; n],
            strong_any: vec![false; n],
        };
        for (k, in_title) in found.iter().enumerate() {
            let Some(in_title) = *in_title else { continue };
            let keyword = &self.keywords[k];
            let i = keyword.industry;
            tally.distinct[i] += 1;
            if keyword.strong {
                tally.strong_any[i] = true;
                tally.strong[i] += if in_title {
                    w.title_keyword_factor
                } else {
                    1.0
                };
            }
            details[i].evidence.push(Evidence::Keyword {
                list: keyword.list.clone(),
                word: keyword.word.clone(),
                strong: keyword.strong,
                in_title,
            });
        }
        tally
    }

    /// The IPC rules: per industry the best hit as (weight, specificity of the rule's pattern),
    /// `(0.0, 0)` without one; each hit is added as evidence to its industry. An extension
    /// rule counts only when a keyword of the industry was found (`distinct`).
    fn best_ipc_hits(
        &self,
        ipc: &[IpcCode],
        distinct: &[usize],
        details: &mut [IndustryFit],
    ) -> Vec<(f64, usize)> {
        let mut best_ipc = vec![(0.0f64, 0usize); self.rules.len()];
        for (position, code) in ipc.iter().enumerate() {
            let main = position == 0;
            for (i, rules) in self.rules.iter().enumerate() {
                let Some((rule, len)) = inclusion(rules, code) else {
                    continue;
                };
                let core = rule.kind == RuleKind::Core;
                let Some(weight) = ipc_weight(&self.weights, core, main, distinct[i] > 0) else {
                    continue;
                };
                details[i].evidence.push(Evidence::Ipc {
                    rule: rule.id.clone(),
                    code: code.to_string(),
                    main,
                    core,
                    weight,
                });
                if (weight, len) > best_ipc[i] {
                    best_ipc[i] = (weight, len);
                }
            }
        }
        best_ipc
    }
}

/// What the keywords found say about each industry, by industry index.
struct KeywordTally {
    /// Distinct keywords found.
    distinct: Vec<usize>,
    /// Strong keywords found, a title hit counting `title_keyword_factor`.
    strong: Vec<f64>,
    /// Whether any strong keyword was found.
    strong_any: Vec<bool>,
}

/// The most specific inclusion (core or extension) rule of an industry matching `code`, with
/// the length of its matching pattern; `None` when none matches or an exclusion pattern at
/// least as specific matches.
fn inclusion<'r>(rules: &'r [CompiledRule], code: &IpcCode) -> Option<(&'r CompiledRule, usize)> {
    let mut inclusion: Option<(&CompiledRule, usize)> = None;
    let mut exclusion = 0usize;
    for rule in rules {
        for pattern in rule.patterns.iter().filter(|p| p.matches(code)) {
            match rule.kind {
                RuleKind::Exclude => exclusion = exclusion.max(pattern.len()),
                _ => {
                    if inclusion.is_none_or(|(_, len)| pattern.len() > len) {
                        inclusion = Some((rule, pattern.len()));
                    }
                }
            }
        }
    }
    inclusion.filter(|(_, len)| exclusion < *len)
}

/// The weight of an IPC hit: core or extension rule, main or secondary code; an extension
/// hit needs a keyword of the industry (`None` without one).
fn ipc_weight(w: &MatchWeights, core: bool, main: bool, has_keyword: bool) -> Option<f64> {
    match (core, main) {
        (true, true) => Some(w.core_main),
        (true, false) => Some(w.core_secondary),
        (false, _) if !has_keyword => None,
        (false, true) => Some(w.ext_main),
        (false, false) => Some(w.ext_secondary),
    }
}

/// The fit of one industry: the best IPC weight or, with enough keywords and a strong one,
/// the keyword-only fit, plus the capped strong-keyword bonus; at most 1, and 0 without a base.
fn industry_fit(
    w: &MatchWeights,
    ipc_weight: f64,
    distinct: usize,
    strong: f64,
    strong_any: bool,
) -> f64 {
    let keyword_only = if distinct >= w.keyword_only_min_hits && strong_any {
        w.keyword_only
    } else {
        0.0
    };
    let bonus = (w.strong_keyword_bonus * strong).min(w.strong_keyword_bonus_cap);
    let base = ipc_weight.max(keyword_only);
    if base > 0.0 {
        (base + bonus).min(1.0)
    } else {
        0.0
    }
}

/// The primary industry: of those at or above the primary threshold, the highest fit, then
/// the most specific IPC hit, the most strong keywords, the most keywords, the first in
/// configuration order.
fn primary_industry(
    w: &MatchWeights,
    fits: &[f64],
    best_ipc: &[(f64, usize)],
    tally: &KeywordTally,
) -> Option<usize> {
    (0..fits.len())
        .filter(|&i| fits[i] >= w.primary_threshold)
        .max_by(|&a, &b| {
            let key = |i: usize| (fits[i], best_ipc[i].1, tally.strong[i], tally.distinct[i]);
            let (ka, kb) = (key(a), key(b));
            ka.partial_cmp(&kb)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(b.cmp(&a))
        })
}

/// The order of evidence on the card: IPC rules first (strongest first), then strong keywords
/// (title first), then weak ones.
fn evidence_order(e: &Evidence) -> (i32, i64) {
    match e {
        Evidence::Ipc { weight, .. } => (0, -(weight * 100.0) as i64),
        Evidence::Keyword {
            strong: true,
            in_title,
            ..
        } => (1, i64::from(!*in_title)),
        Evidence::Keyword { .. } => (2, 0),
    }
}

/// The industries with a non-zero fit, best first, each with its evidence in card order.
fn ordered_details(mut details: Vec<IndustryFit>) -> Vec<IndustryFit> {
    details.retain(|d| d.fit > 0.0);
    for d in &mut details {
        d.evidence.sort_by_key(evidence_order);
    }
    details.sort_by(|a, b| {
        b.fit
            .partial_cmp(&a.fit)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    details
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> IndustryMatcher {
        IndustryMatcher::new(&IndustriesConfig::embedded().unwrap()).unwrap()
    }

    fn codes(codes: &[&str]) -> Vec<IpcCode> {
        codes.iter().map(|c| IpcCode::parse(c).unwrap()).collect()
    }

    fn index(m: &IndustryMatcher, name: &str) -> usize {
        m.names().iter().position(|n| n == name).unwrap()
    }

    #[test]
    fn patterns_respect_the_ipc_hierarchy() {
        let g06f1 = IpcPattern::parse("G06F1").unwrap();
        assert!(g06f1.matches(&IpcCode::parse("G06F1/32").unwrap()));
        assert!(!g06f1.matches(&IpcCode::parse("G06F16/35").unwrap()));
        let sub = IpcPattern::parse("H01L21/67").unwrap();
        assert!(sub.matches(&IpcCode::parse("H01L21/677").unwrap()));
        assert!(!sub.matches(&IpcCode::parse("H01L21/02").unwrap()));
        assert!(IpcPattern::parse("H01L21/6x").is_err());
    }

    #[test]
    fn core_ipc_places_a_patent_and_exclusions_win() {
        let m = matcher();
        let ic = index(&m, "集成电路");
        let chip = m.classify(
            &codes(&["H01L21/3065"]),
            "一种等离子体刻蚀方法",
            Some("对晶圆进行刻蚀"),
            None,
        );
        assert_eq!(chip.primary, Some(ic));
        assert!(chip.fits[ic] >= 0.99);
        let evidence = &chip.details[0].evidence;
        assert!(
            evidence
                .iter()
                .any(|e| matches!(e, Evidence::Ipc { rule, .. } if rule == "ic.core.devices")),
            "{evidence:?}"
        );
        // Solar cells under H01L31/04 go to 节能环保, not 集成电路.
        let solar = m.classify(
            &codes(&["H01L31/0445"]),
            "一种太阳能电池片",
            Some("光伏组件"),
            None,
        );
        assert_eq!(solar.fits[ic], 0.0);
        assert_eq!(solar.primary, Some(index(&m, "节能环保")));
    }

    #[test]
    fn ext_rules_need_a_keyword_and_text_alone_can_place() {
        let m = matcher();
        let equipment = index(&m, "智能装备");
        let with = m.classify(&codes(&["B23K26/00"]), "一种机器人激光焊接装置", None, None);
        assert!(with.fits[equipment] >= 0.6, "{with:?}");
        let without = m.classify(&codes(&["B23K26/00"]), "一种钳子", None, None);
        assert_eq!(without.fits[equipment], 0.0);
        let ai = index(&m, "人工智能");
        let text_only = m.classify(
            &[],
            "一种基于深度学习的人脸识别方法",
            Some("利用卷积神经网络提取特征"),
            None,
        );
        assert_eq!(text_only.primary, Some(ai));
        assert!(text_only.fits[ai] >= 0.5);
        let nothing = m.classify(&[], "一种防烫水杯", Some("杯体外设有隔热层"), None);
        assert_eq!(nothing.primary, None);
        // Latin keywords match whole words only.
        let ngit = index(&m, "新一代信息技术");
        let grams = m.classify(&[], "一种营养粉", Some("每份含0.5g网络状蛋白，基站"), None);
        assert!(
            !grams
                .details
                .iter()
                .flat_map(|d| &d.evidence)
                .any(|e| matches!(e, Evidence::Keyword { word, .. } if word.contains("5g"))),
            "{grams:?}"
        );
        let whole = m.classify(&[], "一种5g网络基站天线", None, None);
        assert!(
            whole
                .details
                .iter()
                .flat_map(|d| &d.evidence)
                .any(|e| matches!(e, Evidence::Keyword { word, .. } if word == "5g网络")),
            "{whole:?}"
        );
        assert!(whole.fits[ngit] >= 0.5);
    }

    fn weights() -> MatchWeights {
        MatchWeights {
            core_main: 1.0,
            core_secondary: 0.6,
            ext_main: 0.6,
            ext_secondary: 0.4,
            keyword_only: 0.4,
            keyword_only_min_hits: 2,
            strong_keyword_bonus: 0.1,
            strong_keyword_bonus_cap: 0.3,
            title_keyword_factor: 3.0,
            label_threshold: 0.5,
            primary_threshold: 0.4,
        }
    }

    fn rule(id: &str, kind: RuleKind, patterns: &[&str]) -> CompiledRule {
        CompiledRule {
            id: id.into(),
            kind,
            patterns: patterns
                .iter()
                .map(|p| IpcPattern::parse(p).unwrap())
                .collect(),
        }
    }

    #[test]
    fn keywords_found_tell_title_from_body_hits() {
        let m = matcher();
        let position = |word: &str| m.keywords.iter().position(|k| k.word == word).unwrap();
        let found = m.keywords_found("神经网络训练方法", Some("一种芯片"), None);
        assert_eq!(found[position("神经网络")], Some(true));
        assert_eq!(found[position("芯片")], Some(false));
        let body_only = m.keywords_found("方法", None, Some("基于神经网络"));
        assert_eq!(body_only[position("神经网络")], Some(false));
        assert!(m.keywords_found("", None, None).iter().all(Option::is_none));
    }

    #[test]
    fn inclusion_takes_the_most_specific_rule_unless_excluded() {
        let rules = [
            rule("broad", RuleKind::Core, &["H01L"]),
            rule("narrow", RuleKind::Ext, &["H01L21"]),
            rule("no-displays", RuleKind::Exclude, &["H01L27"]),
        ];
        let code = |c: &str| IpcCode::parse(c).unwrap();
        let (best, len) = inclusion(&rules, &code("H01L21/67")).unwrap();
        assert_eq!(best.id, "narrow");
        assert!(len > IpcPattern::parse("H01L").unwrap().len());
        assert_eq!(inclusion(&rules, &code("H01L33/00")).unwrap().0.id, "broad");
        assert!(inclusion(&rules, &code("H01L27/32")).is_none());
        assert!(inclusion(&rules, &code("G06F16/35")).is_none());
    }

    #[test]
    fn ipc_weight_needs_a_keyword_for_extension_rules_only() {
        let w = weights();
        assert_eq!(ipc_weight(&w, true, true, false), Some(1.0));
        assert_eq!(ipc_weight(&w, true, false, false), Some(0.6));
        assert_eq!(ipc_weight(&w, false, true, false), None);
        assert_eq!(ipc_weight(&w, false, true, true), Some(0.6));
        assert_eq!(ipc_weight(&w, false, false, true), Some(0.4));
    }

    #[test]
    fn industry_fit_adds_a_capped_bonus_to_a_base() {
        let w = weights();
        assert_eq!(industry_fit(&w, 0.0, 5, 2.0, false), 0.0, "no base, no fit");
        assert_eq!(
            industry_fit(&w, 0.0, 1, 1.0, true),
            0.0,
            "one keyword is too few"
        );
        assert!((industry_fit(&w, 0.0, 2, 1.0, true) - 0.5).abs() < 1e-12);
        assert!((industry_fit(&w, 0.6, 1, 9.0, true) - 0.9).abs() < 1e-12);
        assert_eq!(industry_fit(&w, 1.0, 0, 0.0, false), 1.0);
        assert_eq!(industry_fit(&w, 1.0, 3, 3.0, true), 1.0, "at most 1");
    }

    #[test]
    fn primary_industry_breaks_ties_by_specificity_then_order() {
        let w = weights();
        let tally = KeywordTally {
            distinct: vec![0, 0, 0, 1],
            strong: vec![0.0; 4],
            strong_any: vec![false; 4],
        };
        let fits = [0.6, 0.6, 0.3, 0.6];
        let best_ipc = [(0.6, 4), (0.6, 6), (0.3, 9), (0.6, 6)];
        assert_eq!(primary_industry(&w, &fits, &best_ipc, &tally), Some(3));
        let same = [(0.6, 4); 4];
        let no_keywords = KeywordTally {
            distinct: vec![0; 4],
            ..tally
        };
        assert_eq!(
            primary_industry(&w, &fits, &same, &no_keywords),
            Some(0),
            "the first in configuration order"
        );
        assert_eq!(primary_industry(&w, &[0.39; 4], &same, &no_keywords), None);
    }

    #[test]
    fn ordered_details_drop_zero_fits_and_put_ipc_evidence_first() {
        let keyword = |word: &str, strong: bool, in_title: bool| Evidence::Keyword {
            list: "l".into(),
            word: word.into(),
            strong,
            in_title,
        };
        let ipc = |weight: f64| Evidence::Ipc {
            rule: "r".into(),
            code: "H01L21/67".into(),
            main: true,
            core: true,
            weight,
        };
        let details = vec![
            IndustryFit {
                industry: 0,
                fit: 0.0,
                evidence: Vec::new(),
            },
            IndustryFit {
                industry: 1,
                fit: 0.5,
                evidence: vec![
                    keyword("weak", false, true),
                    keyword("body", true, false),
                    ipc(0.6),
                    keyword("title", true, true),
                    ipc(1.0),
                ],
            },
            IndustryFit {
                industry: 2,
                fit: 0.9,
                evidence: Vec::new(),
            },
        ];
        let ordered = ordered_details(details);
        assert_eq!(
            ordered.iter().map(|d| d.industry).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(
            ordered[1].evidence,
            [
                ipc(1.0),
                ipc(0.6),
                keyword("title", true, true),
                keyword("body", true, false),
                keyword("weak", false, true)
            ]
        );
    }
}
