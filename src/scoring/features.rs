//! Per-patent scoring inputs, extracted once when a batch is accepted: claim measures, dates,
//! legal facts, citations, family, events and the industry fits. Rescoring the library works
//! on these alone, so it never re-reads or re-tokenises the text.

use chrono::NaiveDate;

use super::industry::IndustryMatcher;
use crate::error::{Error, Result};
use crate::model::{EventKind, IpcCode, LegalStatus, Patent, PatentType};
use crate::store::{ColumnData, ColumnTable};
use crate::text::{Claim, ClaimCategory, ClaimSet};

/// Version of the feature extraction; a change re-extracts features from the archive.
pub const FEATURES_VERSION: &str = "features-2";

/// Claim measures of one patent. Each is `None` when the record does not say: a first claim
/// alone (an export's 首项权利要求) gives the claim-1 measures but no claim count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimStats {
    /// Characters of claim 1 (no whitespace).
    pub claim1_chars: Option<u32>,
    /// Technical features of claim 1.
    pub claim1_features: Option<u32>,
    /// Category of claim 1 (index into [`CATEGORIES`]).
    pub claim1_category: Option<u8>,
    /// Number of independent claims.
    pub independent: Option<u32>,
    /// Bit set of the categories of the independent claims whose text is known.
    pub categories: Option<u8>,
    /// Number of claims.
    pub total: Option<u32>,
}

/// What a record says about its claims: from the full claims when it has them, else from an
/// export's first claim, independent claims and counts.
#[derive(Debug, Clone, Default)]
pub struct ClaimFacts {
    /// Claim 1.
    pub first: Option<Claim>,
    /// The independent claims whose text is known (at least claim 1 when it is known).
    pub independent: Vec<Claim>,
    /// Number of independent claims, when known.
    pub independent_count: Option<u32>,
    /// Number of claims, when known.
    pub total: Option<u32>,
}

impl ClaimFacts {
    /// Reads the claim fields of a patent.
    pub fn of(patent: &Patent) -> ClaimFacts {
        let full = patent
            .claims
            .as_deref()
            .map(ClaimSet::parse)
            .filter(|s| !s.is_empty());
        if let Some(set) = full {
            let independent: Vec<Claim> = set.independent().cloned().collect();
            return ClaimFacts {
                first: set.first().cloned(),
                independent_count: Some(independent.len() as u32),
                independent,
                total: Some(set.len() as u32),
            };
        }
        let first = patent
            .first_claim
            .as_deref()
            .and_then(|text| ClaimSet::parse(text).claims.into_iter().next());
        let listed = patent
            .independent_claims
            .as_deref()
            .map(|text| ClaimSet::parse_independent(text).claims)
            .unwrap_or_default();
        let independent_count = patent
            .independent_claim_count
            .or_else(|| (!listed.is_empty()).then_some(listed.len() as u32));
        let independent = if listed.is_empty() {
            first.iter().cloned().collect()
        } else {
            listed
        };
        ClaimFacts {
            first,
            independent,
            independent_count,
            total: patent.claim_count,
        }
    }

    /// The claim measures, or `None` when the record says nothing about its claims.
    pub fn stats(&self) -> Option<ClaimStats> {
        let categories = (!self.independent.is_empty()).then(|| {
            self.independent
                .iter()
                .fold(0u8, |bits, c| bits | 1 << category_index(c.category()))
        });
        let stats = ClaimStats {
            claim1_chars: self.first.as_ref().map(|c| c.chars() as u32),
            claim1_features: self.first.as_ref().map(|c| c.features() as u32),
            claim1_category: self.first.as_ref().map(|c| category_index(c.category())),
            independent: self.independent_count,
            categories,
            total: self.total,
        };
        (stats.claim1_chars.is_some() || stats.independent.is_some() || stats.total.is_some())
            .then_some(stats)
    }

    /// The Chinese names of the independent claims' categories, each once.
    pub fn category_names_zh(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for claim in &self.independent {
            let name = CATEGORY_NAMES_ZH[usize::from(category_index(claim.category()))];
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

/// Claim categories in bit order.
pub const CATEGORIES: [ClaimCategory; 6] = [
    ClaimCategory::Product,
    ClaimCategory::Method,
    ClaimCategory::Apparatus,
    ClaimCategory::System,
    ClaimCategory::Medium,
    ClaimCategory::Use,
];

/// Chinese names of the claim categories, in [`CATEGORIES`] order.
pub const CATEGORY_NAMES_ZH: [&str; 6] = ["产品", "方法", "装置", "系统", "存储介质", "用途"];

fn category_index(category: ClaimCategory) -> u8 {
    CATEGORIES.iter().position(|c| *c == category).unwrap_or(0) as u8
}

/// Everything scoring needs to know about one patent.
#[derive(Debug, Clone, PartialEq)]
pub struct PatentFeatures {
    /// Dense ordinal from the catalog.
    pub ordinal: u32,
    /// Canonical application number.
    pub application_number: String,
    /// Publication numbers (citations may name these).
    pub publication_numbers: Vec<String>,
    /// Owning institution.
    pub institution: String,
    /// Applicants (self-citation detection).
    pub applicants: Vec<String>,
    /// Patent type.
    pub patent_type: Option<PatentType>,
    /// Main IPC, if any.
    pub main_ipc: Option<IpcCode>,
    /// Application year.
    pub year: u16,
    /// Application date.
    pub application_date: Option<NaiveDate>,
    /// Publication date.
    pub publication_date: Option<NaiveDate>,
    /// Grant date.
    pub grant_date: Option<NaiveDate>,
    /// Legal status.
    pub legal_status: Option<LegalStatus>,
    /// Forward citations supplied by the exporting tool.
    pub forward_citations: Option<u32>,
    /// Backward citations, normalised numbers.
    pub cited: Vec<String>,
    /// Family offices outside CN.
    pub family_countries: Vec<String>,
    /// Whether a foreign family member is a granted publication (kind B/C), if family is known.
    pub family_granted_abroad: Option<bool>,
    /// Bit set of event kinds (index in [`EventKind::ALL`]).
    pub events: u8,
    /// Claim measures, when claims were supplied.
    pub claims: Option<ClaimStats>,
    /// Fit per industry (configuration order).
    pub fits: Vec<f32>,
    /// Primary industry, if any.
    pub primary: Option<u8>,
}

impl PatentFeatures {
    /// Features with nothing known but the application number (for tests).
    #[cfg(test)]
    pub(super) fn blank(number: &str) -> PatentFeatures {
        PatentFeatures {
            ordinal: 0,
            application_number: number.to_string(),
            publication_numbers: vec![],
            institution: String::new(),
            applicants: vec![],
            patent_type: None,
            main_ipc: None,
            year: 0,
            application_date: None,
            publication_date: None,
            grant_date: None,
            legal_status: None,
            forward_citations: None,
            cited: vec![],
            family_countries: vec![],
            family_granted_abroad: None,
            events: 0,
            claims: None,
            fits: vec![],
            primary: None,
        }
    }

    /// Extracts the features of a patent.
    pub fn extract(patent: &Patent, ordinal: u32, matcher: &IndustryMatcher) -> PatentFeatures {
        let facts = ClaimFacts::of(patent);
        let claims = facts.stats();
        let claim_one = facts.first.as_ref().map(|c| c.text.as_str());
        let found = matcher.classify(
            &patent.ipc,
            &patent.title,
            patent.abstract_text.as_deref(),
            claim_one,
        );
        let foreign: Vec<&String> = patent
            .family_members
            .iter()
            .filter(|m| !m.starts_with("CN"))
            .collect();
        let family_countries: Vec<String> = patent
            .family_countries
            .iter()
            .filter(|c| c.as_str() != "CN")
            .cloned()
            .chain(
                foreign
                    .iter()
                    .map(|m| m.chars().take(2).collect::<String>()),
            )
            .fold(Vec::new(), |mut acc, c| {
                if !acc.contains(&c) {
                    acc.push(c);
                }
                acc
            });
        let family_known = !patent.family_members.is_empty() || !patent.family_countries.is_empty();
        let family_granted_abroad = family_known.then(|| {
            foreign.iter().any(|m| {
                let kind = m.trim_end_matches(|c: char| c.is_ascii_digit());
                kind.ends_with('B') || kind.ends_with('C')
            })
        });
        let mut events = 0u8;
        for event in &patent.events {
            if let Some(i) = EventKind::ALL.iter().position(|k| *k == event.kind) {
                events |= 1 << i;
            }
        }
        PatentFeatures {
            ordinal,
            application_number: patent.application_number.to_string(),
            publication_numbers: patent.publication_numbers.clone(),
            institution: patent.institution.clone().unwrap_or_default(),
            applicants: patent.applicants.clone(),
            patent_type: patent.effective_type(),
            main_ipc: patent.main_ipc().cloned(),
            year: patent.application_year(),
            application_date: patent.application_date,
            publication_date: patent.publication_date,
            grant_date: patent.grant_date,
            legal_status: patent.legal_status,
            // An export that lists the citing patents but not their number counts them.
            forward_citations: patent.forward_citations.or_else(|| {
                (!patent.citing_patents.is_empty()).then_some(patent.citing_patents.len() as u32)
            }),
            cited: patent.cited_patents.clone(),
            family_countries,
            family_granted_abroad,
            events,
            claims,
            fits: found.fits.iter().map(|f| *f as f32).collect(),
            primary: found.primary.map(|p| p as u8),
        }
    }

    /// Whether the patent had an event of this kind.
    pub fn has_event(&self, kind: EventKind) -> bool {
        EventKind::ALL
            .iter()
            .position(|k| *k == kind)
            .is_some_and(|i| self.events & (1 << i) != 0)
    }
}

const NO_DAY: i32 = i32::MIN;
const NO_COUNT: u32 = u32::MAX;
const NO_CODE: u8 = u8::MAX;

fn day(date: Option<NaiveDate>) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    date.map_or(NO_DAY, |d| (d - epoch).num_days() as i32)
}

fn undo_day(days: i32) -> Option<NaiveDate> {
    if days == NO_DAY {
        return None;
    }
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(i64::from(days)))
}

/// Writes features as a column table.
pub fn to_table(features: &[PatentFeatures], industries_version: &str) -> ColumnTable {
    let n_industries = features.first().map_or(0, |f| f.fits.len());
    let col_u32 =
        |f: &dyn Fn(&PatentFeatures) -> u32| ColumnData::U32(features.iter().map(f).collect());
    let col_u8 =
        |f: &dyn Fn(&PatentFeatures) -> u8| ColumnData::U8(features.iter().map(f).collect());
    let col_i32 =
        |f: &dyn Fn(&PatentFeatures) -> i32| ColumnData::I32(features.iter().map(f).collect());
    let col_str =
        |f: &dyn Fn(&PatentFeatures) -> String| ColumnData::Str(features.iter().map(f).collect());
    let col_list = |f: &dyn Fn(&PatentFeatures) -> Vec<String>| {
        ColumnData::StrList(features.iter().map(f).collect())
    };
    let claim = |f: &dyn Fn(&ClaimStats) -> Option<u32>| {
        col_u32(&|p| p.claims.as_ref().and_then(f).unwrap_or(NO_COUNT))
    };
    let mut columns = vec![
        ("ordinal".to_string(), col_u32(&|p| p.ordinal)),
        (
            "application_number".into(),
            col_str(&|p| p.application_number.clone()),
        ),
        (
            "publication_numbers".into(),
            col_list(&|p| p.publication_numbers.clone()),
        ),
        ("institution".into(), col_str(&|p| p.institution.clone())),
        ("applicants".into(), col_list(&|p| p.applicants.clone())),
        (
            "patent_type".into(),
            col_u8(&|p| {
                p.patent_type
                    .and_then(|t| PatentType::ALL.iter().position(|x| *x == t))
                    .map_or(NO_CODE, |i| i as u8)
            }),
        ),
        (
            "main_ipc".into(),
            col_str(&|p| {
                p.main_ipc
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            }),
        ),
        ("year".into(), col_u32(&|p| u32::from(p.year))),
        (
            "application_day".into(),
            col_i32(&|p| day(p.application_date)),
        ),
        (
            "publication_day".into(),
            col_i32(&|p| day(p.publication_date)),
        ),
        ("grant_day".into(), col_i32(&|p| day(p.grant_date))),
        (
            "legal_status".into(),
            col_u8(&|p| {
                p.legal_status
                    .and_then(|s| LegalStatus::ALL.iter().position(|x| *x == s))
                    .map_or(NO_CODE, |i| i as u8)
            }),
        ),
        (
            "forward_citations".into(),
            col_u32(&|p| p.forward_citations.unwrap_or(NO_COUNT)),
        ),
        ("cited".into(), col_list(&|p| p.cited.clone())),
        (
            "family_countries".into(),
            col_list(&|p| p.family_countries.clone()),
        ),
        (
            "family_granted_abroad".into(),
            col_u8(&|p| p.family_granted_abroad.map_or(NO_CODE, u8::from)),
        ),
        ("events".into(), col_u8(&|p| p.events)),
        ("claim1_chars".into(), claim(&|c| c.claim1_chars)),
        ("claim1_features".into(), claim(&|c| c.claim1_features)),
        (
            "claim1_category".into(),
            claim(&|c| c.claim1_category.map(u32::from)),
        ),
        ("independent_claims".into(), claim(&|c| c.independent)),
        (
            "claim_categories".into(),
            claim(&|c| c.categories.map(u32::from)),
        ),
        ("claims".into(), claim(&|c| c.total)),
        (
            "has_claims".into(),
            col_u8(&|p| u8::from(p.claims.is_some())),
        ),
        (
            "primary_industry".into(),
            col_u8(&|p| p.primary.unwrap_or(NO_CODE)),
        ),
    ];
    for i in 0..n_industries {
        columns.push((
            format!("fit_{i}"),
            ColumnData::F32(features.iter().map(|p| p.fits[i]).collect()),
        ));
    }
    let mut table = ColumnTable {
        columns,
        ..ColumnTable::default()
    };
    table
        .metadata
        .insert("features_version".into(), FEATURES_VERSION.into());
    table
        .metadata
        .insert("industries_version".into(), industries_version.into());
    table
        .metadata
        .insert("industries".into(), n_industries.to_string());
    table
}

/// Reads features written by [`to_table`]; `None` when they were made by another feature or
/// industries version (they must then be extracted again).
pub fn from_table(
    mut table: ColumnTable,
    industries_version: &str,
) -> Result<Option<Vec<PatentFeatures>>> {
    if table.metadata.get("features_version").map(String::as_str) != Some(FEATURES_VERSION)
        || table.metadata.get("industries_version").map(String::as_str) != Some(industries_version)
    {
        return Ok(None);
    }
    let n_industries: usize = table
        .metadata
        .get("industries")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let corrupt = |name: &str| Error::Corrupt(format!("features column {name} has the wrong type"));
    // Columns are taken out of the table, so that the strings move into the features
    // instead of being copied (10^6 patents hold several million of them).
    macro_rules! col {
        ($name:expr, $variant:ident) => {
            match table.take($name)? {
                ColumnData::$variant(v) => v,
                _ => return Err(corrupt($name)),
            }
        };
    }
    let rows = table.rows();
    let ordinal = col!("ordinal", U32);
    let mut number = col!("application_number", Str);
    let mut publications = col!("publication_numbers", StrList);
    let mut institution = col!("institution", Str);
    let mut applicants = col!("applicants", StrList);
    let patent_type = col!("patent_type", U8);
    let main_ipc = col!("main_ipc", Str);
    let year = col!("year", U32);
    let application_day = col!("application_day", I32);
    let publication_day = col!("publication_day", I32);
    let grant_day = col!("grant_day", I32);
    let legal_status = col!("legal_status", U8);
    let forward = col!("forward_citations", U32);
    let mut cited = col!("cited", StrList);
    let mut family = col!("family_countries", StrList);
    let granted_abroad = col!("family_granted_abroad", U8);
    let events = col!("events", U8);
    let c1_chars = col!("claim1_chars", U32);
    let c1_features = col!("claim1_features", U32);
    let c1_category = col!("claim1_category", U32);
    let independent = col!("independent_claims", U32);
    let categories = col!("claim_categories", U32);
    let total = col!("claims", U32);
    let has_claims = col!("has_claims", U8);
    let known = |v: u32| (v != NO_COUNT).then_some(v);
    let primary = col!("primary_industry", U8);
    let mut fits = Vec::with_capacity(n_industries);
    for i in 0..n_industries {
        fits.push(col!(&format!("fit_{i}"), F32));
    }
    let mut out = Vec::with_capacity(rows);
    for r in 0..rows {
        out.push(PatentFeatures {
            ordinal: ordinal[r],
            application_number: std::mem::take(&mut number[r]),
            publication_numbers: std::mem::take(&mut publications[r]),
            institution: std::mem::take(&mut institution[r]),
            applicants: std::mem::take(&mut applicants[r]),
            patent_type: PatentType::ALL.get(usize::from(patent_type[r])).copied(),
            main_ipc: IpcCode::parse(&main_ipc[r]).ok(),
            year: year[r] as u16,
            application_date: undo_day(application_day[r]),
            publication_date: undo_day(publication_day[r]),
            grant_date: undo_day(grant_day[r]),
            legal_status: LegalStatus::ALL.get(usize::from(legal_status[r])).copied(),
            forward_citations: (forward[r] != NO_COUNT).then_some(forward[r]),
            cited: std::mem::take(&mut cited[r]),
            family_countries: std::mem::take(&mut family[r]),
            family_granted_abroad: (granted_abroad[r] != NO_CODE).then_some(granted_abroad[r] == 1),
            events: events[r],
            claims: (has_claims[r] == 1).then(|| ClaimStats {
                claim1_chars: known(c1_chars[r]),
                claim1_features: known(c1_features[r]),
                claim1_category: known(c1_category[r]).map(|c| c as u8),
                independent: known(independent[r]),
                categories: known(categories[r]).map(|c| c as u8),
                total: known(total[r]),
            }),
            fits: fits.iter().map(|f| f[r]).collect(),
            primary: (primary[r] != NO_CODE).then_some(primary[r]),
        });
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ApplicationNumber, LegalEvent};
    use crate::scoring::IndustriesConfig;

    #[test]
    fn features_round_trip_through_a_table() {
        let matcher = IndustryMatcher::new(&IndustriesConfig::embedded().unwrap()).unwrap();
        let mut p = Patent::new(
            ApplicationNumber::parse("CN202110123456.7").unwrap(),
            "一种半导体器件的刻蚀方法",
        );
        p.claims = Some("1.一种刻蚀方法，包括：提供晶圆；刻蚀所述晶圆。\n2.根据权利要求1所述的方法，其中刻蚀为干法刻蚀。\n3.一种半导体器件，由权利要求1的方法制成。".into());
        p.ipc = vec![IpcCode::parse("H01L21/3065").unwrap()];
        p.family_members = vec!["US11223344B2".into(), "CN112233445A".into()];
        p.events = vec![LegalEvent {
            kind: EventKind::Licence,
            date: None,
            note: None,
        }];
        p.application_date = NaiveDate::from_ymd_opt(2021, 3, 4);
        p.legal_status = Some(LegalStatus::InForce);
        let f = PatentFeatures::extract(&p, 42, &matcher);
        assert_eq!(f.family_countries, ["US"]);
        assert_eq!(f.family_granted_abroad, Some(true));
        assert!(f.has_event(EventKind::Licence) && !f.has_event(EventKind::Pledge));
        let claims = f.claims.unwrap();
        assert_eq!((claims.total, claims.claim1_features), (Some(3), Some(2)));
        assert!(f.primary.is_some());
        let table = to_table(std::slice::from_ref(&f), "v");
        assert_eq!(from_table(table.clone(), "v").unwrap().unwrap(), vec![f]);
        assert!(from_table(table, "other").unwrap().is_none());
    }
}
