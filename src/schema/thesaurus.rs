//! The curated technical thesaurus of `schema/thesaurus/*.toml`: sections of rings of terms
//! that name one concept, each section with the public source its entries are checked
//! against. Loaded with unknown keys rejected and every ring checked; a malformed file is a
//! configuration error naming the file, the section and the ring.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The files, in the order their rings are used (a term's aliases come in file order).
const FILES: [(&str, &str); 8] = [
    (
        "materials.toml",
        include_str!("../../schema/thesaurus/materials.toml"),
    ),
    ("ict.toml", include_str!("../../schema/thesaurus/ict.toml")),
    (
        "life.toml",
        include_str!("../../schema/thesaurus/life.toml"),
    ),
    (
        "engineering.toml",
        include_str!("../../schema/thesaurus/engineering.toml"),
    ),
    (
        "drafting.toml",
        include_str!("../../schema/thesaurus/drafting.toml"),
    ),
    (
        "digital.toml",
        include_str!("../../schema/thesaurus/digital.toml"),
    ),
    (
        "chemicals.toml",
        include_str!("../../schema/thesaurus/chemicals.toml"),
    ),
    (
        "shortforms.toml",
        include_str!("../../schema/thesaurus/shortforms.toml"),
    ),
];

/// The thesaurus format version these files are written in.
const VERSION: u32 = 1;

/// Longest term, in characters.
const MAX_TERM_CHARS: usize = 40;

/// The field a section belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Materials.
    Materials,
    /// Chemicals and chemistry.
    Chemicals,
    /// Telecommunications.
    Telecom,
    /// Semiconductors, integrated circuits, displays, sensors.
    Semiconductors,
    /// Computing and software.
    Computing,
    /// Artificial intelligence.
    Ai,
    /// Medicine and medical devices.
    Medicine,
    /// Biotechnology.
    Biotech,
    /// Agriculture and food.
    Agriculture,
    /// Energy and power.
    Energy,
    /// Machinery and manufacturing.
    Machinery,
    /// Vehicles, rail, aerospace.
    Vehicles,
    /// Environmental engineering.
    Environment,
    /// Construction and civil engineering.
    Construction,
    /// Across fields.
    General,
}

/// What kind of names a section's rings join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Abbreviations and acronyms with their full names.
    Abbreviation,
    /// Near-synonyms.
    Synonym,
    /// Trade names.
    TradeName,
    /// Colloquial and everyday names.
    Colloquial,
}

impl Kind {
    /// The kind's code.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Abbreviation => "abbreviation",
            Kind::Synonym => "synonym",
            Kind::TradeName => "trade_name",
            Kind::Colloquial => "colloquial",
        }
    }
}

/// One section of a thesaurus file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Its name.
    pub name: String,
    /// What its technical area is called where users read it, when the name says what kind
    /// of names the section holds (`塑料与聚合物` for `塑料与聚合物的缩写`); the name otherwise.
    #[serde(default)]
    pub label: Option<String>,
    /// Its field.
    pub area: Area,
    /// The kind of names it joins.
    pub kind: Kind,
    /// The public source its entries are checked against.
    pub source: String,
    /// Rings: the preferred term first.
    pub entries: Vec<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    section: Vec<Section>,
}

impl Section {
    /// The technical area its terms tell, as users read it (its label, else its name); `None`
    /// for a section across fields ([`Area::General`]). Sections with the same label form one
    /// area.
    pub fn technical_area(&self) -> Option<&str> {
        (self.area != Area::General).then(|| self.label.as_deref().unwrap_or(&self.name))
    }
}

/// Parses and checks one thesaurus file.
pub fn parse(name: &str, text: &str) -> Result<Vec<Section>> {
    let bad = |reason: String| Error::Config(format!("schema/thesaurus/{name}: {reason}"));
    let file: File = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
    if file.version != VERSION {
        return Err(bad(format!(
            "version {} is not the thesaurus format this binary reads ({VERSION})",
            file.version
        )));
    }
    for section in &file.section {
        if section.name.trim().is_empty() || section.source.trim().is_empty() {
            return Err(bad(
                "every section needs a name and the source its entries are checked against".into(),
            ));
        }
        if section.label.as_ref().is_some_and(|l| {
            l.trim().is_empty() || l.trim() != l || l.chars().count() > MAX_TERM_CHARS
        }) {
            return Err(bad(format!(
                "section '{}': a label is 1 to {MAX_TERM_CHARS} characters with no space at either end",
                section.name
            )));
        }
        for (at, ring) in section.entries.iter().enumerate() {
            let ring_name = || format!("section '{}', ring {}", section.name, at + 1);
            if ring.len() < 2 {
                return Err(bad(format!(
                    "{}: a ring needs at least two terms",
                    ring_name()
                )));
            }
            let mut keys = Vec::with_capacity(ring.len());
            for term in ring {
                let chars = term.chars().count();
                if term.trim().is_empty() || chars > MAX_TERM_CHARS || term.contains(['\n', '\r']) {
                    return Err(bad(format!(
                        "{}: '{term}' is not a term (1 to {MAX_TERM_CHARS} characters on one line)",
                        ring_name()
                    )));
                }
                // Case and spaces fold here; the lookup also folds full-width forms (NFKC).
                let key: String = term
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .flat_map(char::to_lowercase)
                    .collect();
                if keys.contains(&key) {
                    return Err(bad(format!(
                        "{}: '{term}' is in the ring twice",
                        ring_name()
                    )));
                }
                keys.push(key);
            }
        }
    }
    Ok(file.section)
}

static CURATED: LazyLock<std::result::Result<Vec<Section>, String>> = LazyLock::new(|| {
    let mut all = Vec::new();
    for (name, text) in FILES {
        all.extend(parse(name, text).map_err(|e| e.to_string())?);
    }
    Ok(all)
});

/// The curated thesaurus's sections, every file in order.
pub fn curated() -> Result<&'static [Section]> {
    CURATED
        .as_deref()
        .map_err(|reason| Error::Config(reason.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_thesaurus_is_valid_and_large() {
        let sections = curated().unwrap();
        let rings: usize = sections.iter().map(|s| s.entries.len()).sum();
        assert!(rings >= 2000, "{rings} rings");
        assert!(sections.iter().all(|s| !s.source.is_empty()));
        // An area is shown to users as a field, never as the kind of names a section holds.
        for area in sections.iter().filter_map(Section::technical_area) {
            assert!(
                ![
                    "缩写",
                    "缩略语",
                    "简称",
                    "俗称",
                    "别称",
                    "别名",
                    "商品名",
                    "说法",
                    "称谓"
                ]
                .iter()
                .any(|kind| area.ends_with(kind)),
                "{area}"
            );
        }
    }

    #[test]
    fn malformed_files_are_refused_naming_what_is_wrong() {
        let section = |entries: &str| {
            format!(
                "version = 1\n[[section]]\nname = \"测试\"\narea = \"materials\"\nkind = \"abbreviation\"\nsource = \"GB/T 1844.1\"\nentries = {entries}\n"
            )
        };
        for (text, expected) in [
            (
                section("[[\"聚碳酸酯\", \"PC\"]]").replace("version = 1", "version = 2"),
                "version 2",
            ),
            (
                section("[[\"聚碳酸酯\"]]"),
                "ring 1: a ring needs at least two terms",
            ),
            (
                section("[[\"聚碳酸酯\", \"PC\", \"pc\"]]"),
                "'pc' is in the ring twice",
            ),
            (section("[[\"聚碳酸酯\", \" \"]]"), "is not a term"),
            (
                section(&format!("[[\"聚碳酸酯\", \"{}\"]]", "长".repeat(41))),
                "is not a term",
            ),
            (
                section("[[\"a\", \"b\"]]").replace("area = \"materials\"", "area = \"magic\""),
                "unknown variant",
            ),
            (
                section("[[\"a\", \"b\"]]") + "colour = \"red\"\n",
                "unknown field",
            ),
            (
                section("[[\"a\", \"b\"]]").replace("source = \"GB/T 1844.1\"", "source = \"\""),
                "needs a name and the source",
            ),
            (
                section("[[\"a\", \"b\"]]").replace("area =", "label = \" \"\narea ="),
                "section '测试': a label is 1 to 40 characters",
            ),
            (
                section("[[\"a\", \"b\"]]").replace("area =", "label = \"塑料 \"\narea ="),
                "no space at either end",
            ),
            (
                section("[[\"a\", \"b\"]]").replace(
                    "area =",
                    &format!("label = \"{}\"\narea =", "长".repeat(41)),
                ),
                "a label is 1 to 40 characters",
            ),
        ] {
            let message = parse("bad.toml", &text).unwrap_err().to_string();
            assert!(message.contains("schema/thesaurus/bad.toml"), "{message}");
            assert!(message.contains(expected), "{expected}: {message}");
        }
        let ok = parse("ok.toml", &section("[[\"聚碳酸酯\", \"PC\"]]")).unwrap();
        assert_eq!(ok[0].entries[0], ["聚碳酸酯", "PC"]);
        assert_eq!(ok[0].technical_area(), Some("测试"));
        let labelled = section("[[\"a\", \"b\"]]").replace("area =", "label = \"塑料\"\narea =");
        assert_eq!(
            parse("ok.toml", &labelled).unwrap()[0].technical_area(),
            Some("塑料")
        );
        let general = section("[[\"a\", \"b\"]]").replace("\"materials\"", "\"general\"");
        assert_eq!(
            parse("ok.toml", &general).unwrap()[0].technical_area(),
            None
        );
    }
}
