//! Key terms of a text, the basis of matchmaking, patent → demands and similar patents: jieba
//! search-mode terms (a compound and its dictionary sub-words, the sub-words weighted lower)
//! picked by TF-IDF over the library, with numbers, stopwords, function words (by part of
//! speech) and demand boilerplate dropped, and a title weighted above the text under it.

use std::collections::HashMap;

use crate::error::Result;
use crate::index::PatentIndex;
use crate::model::{NewDemand, Patent};
use crate::text::{Analyzer, SegmentMode, Thesaurus, parts_of_speech};

/// Most key terms taken from a text. More lets the incidental words of a long demand in
/// (dev nDCG@10 0.49 with 32, 0.53 with 16 and 24).
pub(super) const KEY_TERMS: usize = 24;
/// Share of the library above which a key term is dropped, once [`MIN_KEY_TERMS`] are kept.
pub(super) const MAX_DF_SHARE: f64 = 0.10;
/// Key terms kept whatever their document frequency.
pub(super) const MIN_KEY_TERMS: usize = 8;
/// Weight of an occurrence in a demand's title (its name) against one in its description.
pub(super) const TITLE_WEIGHT: f32 = 2.0;
/// Weight of an occurrence in a patent's title against one in its abstract.
pub(super) const PATENT_TITLE_WEIGHT: f32 = 2.0;
/// Weight of a dictionary sub-word (保温 of 保温材料) whose compound is also a term: the index
/// holds both, so full weight would count the compound twice.
pub(super) const SUB_WORD_WEIGHT: f32 = 0.3;
/// Power of the IDF in a term's query weight. BM25 applies its own IDF on top, so 1 would
/// square it and let one rare incidental word decide the ranking.
pub(super) const IDF_POWER: f64 = 0.5;
/// Most thesaurus aliases a key term is also searched by.
pub(super) const ALIASES_PER_TERM: usize = 3;

/// Words enterprises write in every demand ("our company seeks cooperation to solve the
/// problem of improving the product …"): they say that something is needed, not what. Dropped
/// from demand and patent key terms (jieba search mode also yields them as sub-words, e.g.
/// 公司 of 我公司). Domain words that are merely common (材料, 系统, 工艺) are left to IDF.
#[rustfmt::skip]
const BOILERPLATE: &[&str] = &[
    "企业", "公司", "我公司", "本公司", "我司", "厂家", "需求", "需要", "急需", "希望", "寻求",
    "征集", "合作", "技术", "问题", "目前", "现有", "现阶段", "现在", "要求", "能够", "可以",
    "实现", "解决", "产品", "项目", "研发", "研究", "开发", "提供", "方式", "方法", "进行",
    "提高", "提升", "改进", "改良", "改善", "达到", "效果", "目标", "市场", "成本", "质量",
    "生产", "应用", "相关", "通过", "利用", "采用", "使用", "新型", "关键", "共性", "领域",
    "行业", "国内外", "国内", "国际", "国外", "传统", "存在", "导致", "影响", "以上", "我们",
    "具备", "满足", "开展", "引进", "转让", "许可", "委托", "联合", "攻关", "难题", "难点",
    "瓶颈", "方案", "能力", "水平", "竞争", "优势", "效益", "经济", "社会", "发展", "创新",
    "高新技术", "很多", "各种", "一定", "显著", "有效", "不同", "其他", "主要", "具有", "一些",
    "以及", "如何", "方面", "情况", "工作", "设计", "增加", "降低", "减少", "较高", "较低",
    "不足", "缺点", "优点", "特点", "功能", "作用", "性能", "效率", "时候", "过程", "基本",
    "特征", "进一步", "大量", "广泛", "不断", "非常", "容易", "无法", "不能", "位于", "两个",
    "两种", "多种", "若干", "一款", "一套", "获得", "构建", "部分", "简单", "良好", "合理",
    "最佳", "核心", "综合", "整体", "阶段", "实际", "具体", "目的", "用途", "保证", "确保",
    "突破", "研制", "时间", "前景", "市场前景", "广阔", "价格", "昂贵", "价格昂贵", "进口",
    "进口产品", "国产", "低成本", "需求量", "客户", "用户", "满足要求", "涉及", "得到",
];

/// Parts of speech (jieba's tag set) of words that say how, not what: conjunctions (但是,
/// 因此), adverbs (通常, 难以), prepositions (为了, 随着), pronouns (某些, 这个), particles,
/// modal, interjection and onomatopoeic words. Patents rarely use them, so their IDF is high
/// and a wordy demand would otherwise pick them as key terms.
#[rustfmt::skip]
const FUNCTION_TAGS: &[&str] = &[
    "c", "d", "p", "r", "rr", "rz", "u", "uj", "ul", "ud", "ug", "uv", "uz", "y", "e", "o",
    "dg", "df",
];

/// One key term of a text.
#[derive(Debug, Clone)]
pub(super) struct KeyTerm {
    /// The term.
    pub(super) text: String,
    /// Its weight: the square root of its weighted count × IDF^[`IDF_POWER`].
    pub(super) weight: f32,
    /// Patents containing it (or, when none does, its likeliest thesaurus alias).
    pub(super) df: u64,
    /// Whether no patent holds the term as written, only aliases of it.
    pub(super) alias_only: bool,
}

/// A part of a text with the weight of its occurrences.
pub(super) struct Section<'a> {
    /// The text.
    pub(super) text: &'a str,
    /// The weight of an occurrence in it.
    pub(super) weight: f32,
}

/// Document frequencies over the library, cached for one request.
pub(super) struct DocFreqs<'a> {
    index: &'a PatentIndex,
    pub(super) n: f64,
    cache: HashMap<String, u64>,
}

impl<'a> DocFreqs<'a> {
    pub(super) fn new(index: &'a PatentIndex) -> DocFreqs<'a> {
        DocFreqs {
            n: index.num_docs().max(1) as f64,
            index,
            cache: HashMap::new(),
        }
    }

    pub(super) fn get(&mut self, term: &str) -> Result<u64> {
        if let Some(df) = self.cache.get(term) {
            return Ok(*df);
        }
        let df = self.index.doc_freq(term)?;
        self.cache.insert(term.to_string(), df);
        Ok(df)
    }

    /// BM25's IDF.
    pub(super) fn idf(&self, df: u64) -> f64 {
        let df = df as f64;
        ((self.n - df + 0.5) / (df + 0.5) + 1.0).ln()
    }
}

/// Whether an analysed term can be a key term at all: two characters or more, not a number,
/// not boilerplate.
fn keyable(term: &str) -> bool {
    term.chars().nth(1).is_some()
        && !term
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '%' | '-' | '+'))
        && !BOILERPLATE.contains(&term)
}

/// Weighted occurrence counts of the keyable terms of some sections.
fn occurrences(sections: &[Section<'_>]) -> HashMap<String, f32> {
    let mut analyzer = Analyzer::default();
    let mut counts: HashMap<String, f32> = HashMap::new();
    for section in sections {
        if section.text.trim().is_empty() {
            continue;
        }
        let terms = analyzer.terms(section.text, SegmentMode::Search);
        let tags = parts_of_speech(section.text);
        for (i, term) in terms.iter().enumerate() {
            if !keyable(&term.text) {
                continue;
            }
            // Search mode orders terms by offset, so a compound covering this one is near.
            let cover = terms[i.saturating_sub(8)..(i + 8).min(terms.len())]
                .iter()
                .filter(|o| {
                    o.offset_from <= term.offset_from
                        && term.offset_to <= o.offset_to
                        && o.offset_to - o.offset_from > term.offset_to - term.offset_from
                })
                .max_by_key(|o| o.offset_to - o.offset_from);
            // A sub-word takes the part of speech of the word it is part of.
            let word = cover.map_or(term.text.as_str(), |c| c.text.as_str());
            if tags
                .get(word)
                .is_some_and(|t| FUNCTION_TAGS.contains(&t.as_str()))
            {
                continue;
            }
            let mut weight = section.weight;
            if cover.is_some_and(|c| keyable(&c.text)) {
                weight *= SUB_WORD_WEIGHT;
            }
            *counts.entry(term.text.clone()).or_default() += weight;
        }
    }
    counts
}

/// Key terms of some sections, best first: sqrt of the weighted count × IDF^[`IDF_POWER`];
/// terms no patent contains are dropped.
pub(super) fn key_terms_of(
    sections: &[Section<'_>],
    freqs: &mut DocFreqs<'_>,
    limit: usize,
) -> Result<Vec<KeyTerm>> {
    key_terms_with(sections, freqs, limit, None)
}

/// [`key_terms_of`], where a term no patent contains is kept when one of its thesaurus
/// aliases is in the library (油缸 where patents say 液压缸), weighted by the alias's
/// frequency.
pub(super) fn key_terms_with(
    sections: &[Section<'_>],
    freqs: &mut DocFreqs<'_>,
    limit: usize,
    thesaurus: Option<&Thesaurus>,
) -> Result<Vec<KeyTerm>> {
    let mut weighted = Vec::new();
    for (term, count) in occurrences(sections) {
        let mut df = freqs.get(&term)?;
        let alias_only = df == 0;
        if df == 0
            && let Some(thesaurus) = thesaurus
        {
            for alias in thesaurus.aliases(&term, ALIASES_PER_TERM) {
                // Patents holding every word of the alias, at most.
                let mut alias_df = u64::MAX;
                for word in alias_words(&alias.term) {
                    alias_df = alias_df.min(freqs.get(&word)?);
                }
                if alias_df != u64::MAX {
                    df = df.max(alias_df);
                }
            }
        }
        if df == 0 {
            continue;
        }
        let weight = f64::from(count).sqrt() * freqs.idf(df).powf(IDF_POWER);
        weighted.push(KeyTerm {
            text: term,
            weight: weight as f32,
            df,
            alias_only,
        });
    }
    weighted.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.text.cmp(&b.text))
    });
    let mut kept = without_frequent(weighted, (freqs.n * MAX_DF_SHARE).max(1.0) as u64);
    kept.truncate(limit);
    Ok(kept)
}

/// Drops the terms (best first) found in more than `ceiling` patents once [`MIN_KEY_TERMS`]
/// are kept, as MoreLikeThis's max_doc_freq does: they separate little, and their postings are
/// the longest to search (at 10^6 generated patents this halves matchmaking time; the dev
/// set's nDCG@10 moved 0.526 → 0.523).
fn without_frequent(mut terms: Vec<KeyTerm>, ceiling: u64) -> Vec<KeyTerm> {
    let mut kept = 0;
    terms.retain(|t| {
        let keep = kept < MIN_KEY_TERMS || t.df <= ceiling;
        kept += usize::from(keep);
        keep
    });
    terms
}

/// The sections of a demand: its title (weighted) and description.
pub(super) fn demand_sections(demand: &NewDemand) -> [Section<'_>; 2] {
    [
        Section {
            text: demand.title.trim(),
            weight: TITLE_WEIGHT,
        },
        Section {
            text: demand.description.trim(),
            weight: 1.0,
        },
    ]
}

/// The sections of a patent: its title (weighted) and abstract.
pub(super) fn patent_sections(patent: &Patent) -> [Section<'_>; 2] {
    [
        Section {
            text: &patent.title,
            weight: PATENT_TITLE_WEIGHT,
        },
        Section {
            text: patent.abstract_text.as_deref().unwrap_or_default(),
            weight: 1.0,
        },
    ]
}

/// The indexed words of an alias (its precise cut, as the index analyses text).
pub(super) fn alias_words(alias: &str) -> Vec<String> {
    let mut analyzer = Analyzer::default();
    let mut words: Vec<String> = Vec::new();
    for term in analyzer.terms(alias, SegmentMode::Precise) {
        if !words.contains(&term.text) {
            words.push(term.text);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_terms_go_once_enough_are_kept() {
        let terms: Vec<KeyTerm> = (0..12u64)
            .map(|i| KeyTerm {
                text: format!("t{i}"),
                weight: 12.0 - i as f32,
                df: if i % 2 == 0 { 500 } else { 50 },
                alias_only: false,
            })
            .collect();
        let kept: Vec<String> = without_frequent(terms, 100)
            .into_iter()
            .map(|t| t.text)
            .collect();
        // The first eight stay whatever their frequency; after them only the rare ones.
        assert_eq!(
            kept,
            ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t9", "t11"]
        );
    }

    #[test]
    fn sub_words_weigh_less_and_boilerplate_and_function_words_are_dropped() {
        let counts = occurrences(&[
            Section {
                text: "我公司希望寻求保温材料技术",
                weight: 2.0,
            },
            Section {
                text: "但是目前某些保温材料寿命短，需要替代。",
                weight: 1.0,
            },
        ]);
        for dropped in [
            "公司",
            "我公司",
            "希望",
            "寻求",
            "技术",
            "但是",
            "目前",
            "某些",
        ] {
            assert!(!counts.contains_key(dropped), "{dropped}: {counts:?}");
        }
        let compound = counts["保温材料"];
        assert!((compound - 3.0).abs() < 1e-6, "{counts:?}");
        assert!(counts["保温"] < compound, "{counts:?}");
    }

    #[test]
    fn numbers_and_single_characters_are_not_key_terms() {
        assert!(!keyable("300"));
        assert!(!keyable("0.4"));
        assert!(!keyable("膜"));
        assert!(keyable("5g"));
        assert!(keyable("led"));
        assert!(!keyable("企业"));
    }
}
