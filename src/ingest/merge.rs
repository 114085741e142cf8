//! Corrections merge: a newer row of a patent already in the library updates the fields its
//! file carries and keeps the ones it lacks; an explicit empty cell (or JSON `null`) clears
//! a field. Which fields a row carries is a [`FieldSet`].

use crate::model::Patent;
use crate::schema::RecordField;

use super::write::cell_text;

/// A set of record fields, as bits in [`RecordField::ALL`] order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FieldSet(u64);

impl FieldSet {
    /// Every field.
    pub const ALL: FieldSet = FieldSet((1 << RecordField::ALL.len()) - 1);

    fn bit(field: RecordField) -> u64 {
        RecordField::ALL
            .iter()
            .position(|f| *f == field)
            .map_or(0, |i| 1 << i)
    }

    /// Adds a field.
    pub fn insert(&mut self, field: RecordField) {
        self.0 |= Self::bit(field);
    }

    /// Whether the set holds `field`.
    pub fn contains(self, field: RecordField) -> bool {
        self.0 & Self::bit(field) != 0
    }

    /// The fields, in contract order.
    pub fn fields(self) -> impl Iterator<Item = RecordField> {
        RecordField::ALL
            .into_iter()
            .filter(move |f| self.contains(*f))
    }
}

impl FromIterator<RecordField> for FieldSet {
    fn from_iter<I: IntoIterator<Item = RecordField>>(fields: I) -> Self {
        let mut set = FieldSet::default();
        for field in fields {
            set.insert(field);
        }
        set
    }
}

/// Copies one field of `from` into `to`.
fn copy_field(to: &mut Patent, from: &Patent, field: RecordField) {
    // An event column (转让次数 …) carried the events of its kind: those replace the kind's.
    if let Some((kind, _)) = field.event_column() {
        to.events.retain(|e| e.kind != kind);
        to.events
            .extend(from.events.iter().filter(|e| e.kind == kind).cloned());
        to.events.sort_by_key(|e| e.date);
        return;
    }
    match field {
        // The number is the key: both already have it.
        RecordField::ApplicationNumber => {}
        RecordField::PublicationNumbers => {
            to.publication_numbers = from.publication_numbers.clone()
        }
        RecordField::PatentType => to.patent_type = from.patent_type,
        RecordField::Institution => to.institution = from.institution.clone(),
        RecordField::Title => to.title = from.title.clone(),
        RecordField::Abstract => to.abstract_text = from.abstract_text.clone(),
        RecordField::Claims => to.claims = from.claims.clone(),
        RecordField::FirstClaim => to.first_claim = from.first_claim.clone(),
        RecordField::IndependentClaims => to.independent_claims = from.independent_claims.clone(),
        RecordField::ClaimCount => to.claim_count = from.claim_count,
        RecordField::IndependentClaimCount => {
            to.independent_claim_count = from.independent_claim_count
        }
        RecordField::Description => to.description = from.description.clone(),
        RecordField::Ipc => to.ipc = from.ipc.clone(),
        RecordField::Applicants => to.applicants = from.applicants.clone(),
        RecordField::CurrentAssignees => to.current_assignees = from.current_assignees.clone(),
        RecordField::Inventors => to.inventors = from.inventors.clone(),
        RecordField::ApplicationDate => to.application_date = from.application_date,
        RecordField::PublicationDate => to.publication_date = from.publication_date,
        RecordField::GrantDate => to.grant_date = from.grant_date,
        RecordField::LegalStatus => to.legal_status = from.legal_status,
        RecordField::LapseDate => to.lapse_date = from.lapse_date,
        RecordField::Events => to.events = from.events.clone(),
        RecordField::CitedPatents => to.cited_patents = from.cited_patents.clone(),
        RecordField::CitingPatents => to.citing_patents = from.citing_patents.clone(),
        RecordField::ForwardCitations => to.forward_citations = from.forward_citations,
        RecordField::FamilyMembers => to.family_members = from.family_members.clone(),
        RecordField::FamilyCountries => to.family_countries = from.family_countries.clone(),
        RecordField::Maturity => to.maturity = from.maturity.clone(),
        RecordField::ProblemSolved => to.problem_solved = from.problem_solved.clone(),
        RecordField::Advantages => to.advantages = from.advantages.clone(),
        RecordField::LicenceTerms => to.licence_terms = from.licence_terms.clone(),
        RecordField::Withdrawn => to.withdrawn = from.withdrawn,
        // Event columns were handled above.
        _ => {}
    }
}

/// The fields whose values differ between two versions of a patent.
pub fn changed_fields(old: &Patent, new: &Patent) -> Vec<RecordField> {
    RecordField::ALL
        .into_iter()
        .filter(|f| f.is_stored())
        .filter(|f| cell_text(old, *f, "\u{1f}") != cell_text(new, *f, "\u{1f}"))
        .collect()
}

/// `old` updated with the fields of `new` that its row carried (`supplied`); the other fields
/// keep their values. A supplied field that is empty in `new` is cleared.
pub fn merge(old: &Patent, new: &Patent, supplied: FieldSet) -> Patent {
    let mut merged = old.clone();
    for field in supplied.fields() {
        copy_field(&mut merged, new, field);
    }
    merged
}

/// The kind code's order among publications of one application: A (application published)
/// before B/C (granted), U/Y (utility models) and S (designs) after A; unknown last.
fn kind_rank(number: &str) -> u8 {
    match number
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .chars()
        .last()
    {
        Some('A') => 1,
        Some('B' | 'C' | 'U' | 'Y' | 'S') => 2,
        _ => 3,
    }
}

/// Merges rows of one application that are its different publications (the A and B rows an
/// export lists): in publication order (date, else kind code), each later row's values win
/// the fields it has; the publication numbers are all kept, the publication date is the
/// first one, and a grant row's date is the grant date when no row gives one. `None` unless every row names
/// publication numbers and no two rows share one (true duplicates are not merged).
pub(super) fn merge_publications(rows: &[(&Patent, FieldSet)]) -> Option<(Patent, FieldSet)> {
    if rows.len() < 2
        || rows
            .iter()
            .any(|(p, _)| p.publication_numbers.is_empty() || p.withdrawn)
    {
        return None;
    }
    let mut seen = std::collections::HashSet::new();
    for (patent, _) in rows {
        for number in &patent.publication_numbers {
            if !seen.insert(number.as_str()) {
                return None;
            }
        }
    }
    let mut ordered: Vec<&(&Patent, FieldSet)> = rows.iter().collect();
    ordered.sort_by_key(|(p, _)| {
        (
            p.publication_date,
            p.publication_numbers.iter().map(|n| kind_rank(n)).max(),
        )
    });
    let (first, first_fields) = ordered[0];
    let mut merged = (*first).clone();
    let mut fields = *first_fields;
    let mut numbers = first.publication_numbers.clone();
    for (patent, supplied) in &ordered[1..] {
        let present: FieldSet = supplied
            .fields()
            .filter(|f| cell_text(patent, *f, "；").is_some())
            .collect();
        merged = merge(&merged, patent, present);
        numbers.extend(patent.publication_numbers.iter().cloned());
        for field in supplied.fields() {
            fields.insert(field);
        }
    }
    merged.publication_numbers = numbers;
    // 公开日 is the first publication; a grant row's 公开(公告)日 is its grant date.
    merged.publication_date = rows.iter().filter_map(|(p, _)| p.publication_date).min();
    if merged.grant_date.is_none() {
        merged.grant_date = rows
            .iter()
            .filter(|(p, _)| p.publication_numbers.iter().any(|n| kind_rank(n) == 2))
            .filter_map(|(p, _)| p.publication_date)
            .max();
    }
    Some((merged, fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Generator, GeneratorConfig};

    fn sample() -> Patent {
        Generator::new(GeneratorConfig {
            seed: 9,
            count: 1,
            with_claims: true,
            institution: None,
            first_serial: 0,
        })
        .next()
        .unwrap()
    }

    #[test]
    fn an_event_column_replaces_only_its_kind_of_events() {
        use crate::model::{EventKind, LegalEvent};
        let day = |d| chrono::NaiveDate::from_ymd_opt(2022, 1, d);
        let mut old = sample();
        old.events = vec![
            LegalEvent::with_parties(EventKind::Licence, day(3), &[("被许可人", "甲公司")]),
            LegalEvent::with_parties(EventKind::Transfer, day(5), &[("受让人", "乙公司")]),
        ];
        let mut new = Patent::new(old.application_number.clone(), old.title.clone());
        new.events = vec![
            LegalEvent::with_parties(EventKind::Transfer, day(1), &[("受让人", "丙公司")]),
            LegalEvent::with_parties(EventKind::Transfer, day(9), &[("受让人", "丁公司")]),
        ];
        // A correction sheet with 转让次数 and 受让人 only.
        let supplied: FieldSet = [RecordField::TransferCount, RecordField::Transferees]
            .into_iter()
            .collect();
        let merged = merge(&old, &new, supplied);
        let kinds: Vec<(EventKind, Option<String>)> = merged
            .events
            .iter()
            .map(|e| (e.kind, e.note.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                (EventKind::Transfer, Some("受让人：丙公司".into())),
                (EventKind::Licence, Some("被许可人：甲公司".into())),
                (EventKind::Transfer, Some("受让人：丁公司".into())),
            ]
        );
        assert_eq!(changed_fields(&old, &merged), [RecordField::Events]);
    }

    #[test]
    fn a_partial_row_updates_what_it_carries_and_keeps_the_rest() {
        let old = sample();
        let mut new = Patent::new(old.application_number.clone(), "新的标题");
        new.forward_citations = Some(99);
        // The row carried title, forward citations and claims (empty: cleared).
        let supplied: FieldSet = [
            RecordField::ApplicationNumber,
            RecordField::Title,
            RecordField::ForwardCitations,
            RecordField::Claims,
        ]
        .into_iter()
        .collect();
        let merged = merge(&old, &new, supplied);
        assert_eq!(merged.title, "新的标题");
        assert_eq!(merged.forward_citations, Some(99));
        assert_eq!(merged.claims, None, "an explicit empty cell clears");
        assert_eq!(merged.abstract_text, old.abstract_text);
        assert_eq!(merged.ipc, old.ipc);
        assert_eq!(merged.events, old.events);
        let changed = changed_fields(&old, &merged);
        assert!(changed.contains(&RecordField::Title));
        assert!(changed.contains(&RecordField::Claims));
        assert!(!changed.contains(&RecordField::Abstract));
        // Every field supplied is a whole replacement.
        assert_eq!(merge(&old, &new, FieldSet::ALL), new);
        assert_eq!(FieldSet::ALL.fields().count(), RecordField::ALL.len());
    }
}
