//! incoPat and PatSnap exports: the shipped fixtures are what the generator writes, and every
//! patent read from them has the value, tier, claim measures and events it has when read from
//! the generator's full JSONL, its A and B rows merged into one patent.

use patscreen::engine::{Library, Submission};
use patscreen::generate::ExportLayout;
use patscreen::ingest::Format;
use patscreen::model::{ApplicationNumber, LegalEvent, Patent};
use patscreen::progress::Silent;
use patscreen::scoring::ClaimFacts;

use crate::common::{jsonl, library, patents, samples};

/// The fixtures: file, layout, and the generator settings they were made with.
const FIXTURES: [(&str, ExportLayout, u64, u64, &str, u32); 2] = [
    (
        "incopat-bit.xlsx",
        ExportLayout::Incopat,
        5,
        120,
        "北京理工大学",
        500_000,
    ),
    (
        "patsnap-bit.csv",
        ExportLayout::Patsnap,
        5,
        120,
        "北京理工大学",
        500_000,
    ),
];

fn submit(library: &Library, name: &str, bytes: Vec<u8>, institution: &str) {
    let format = Format::from_path(std::path::Path::new(name)).unwrap();
    library
        .submit(
            Submission {
                source_name: name.into(),
                bytes,
                format,
                institution: institution.into(),
                // Any row in error refuses the whole file.
                all_or_nothing: true,
                replace: false,
            },
            &Silent,
        )
        .unwrap();
}

fn sorted_events(patent: &Patent) -> Vec<LegalEvent> {
    let mut events = patent.events.clone();
    events.sort_by(|a, b| {
        (a.date, a.kind.as_str(), &a.note).cmp(&(b.date, b.kind.as_str(), &b.note))
    });
    events
}

#[test]
fn fixtures_are_what_the_generator_writes() {
    for (name, layout, seed, count, institution, first_serial) in FIXTURES {
        let shipped = std::fs::read(samples().join(name)).unwrap();
        let made = layout
            .write(
                &patents(seed, count, institution, first_serial),
                name.ends_with(".xlsx"),
            )
            .unwrap();
        if name.ends_with(".csv") {
            assert_eq!(
                shipped, made,
                "{name}: regenerate it (data-samples/README.md)"
            );
        } else {
            // XLSX archives carry a creation time; compare what a reader gets.
            let read = |bytes: Vec<u8>| {
                patscreen::ingest::read_batch(
                    name,
                    bytes,
                    Format::Xlsx,
                    chrono::Utc::now().date_naive(),
                )
                .unwrap()
                .patents
            };
            assert_eq!(read(shipped), read(made), "{name}: regenerate it");
        }
    }
}

#[test]
fn every_export_row_scores_as_the_full_record_does() {
    for (name, layout, seed, count, institution, first_serial) in FIXTURES {
        let generated = patents(seed, count, institution, first_serial);
        let (_full_dir, full) = library();
        full.submit(jsonl("full.jsonl", institution, &generated), &Silent)
            .unwrap();
        let (_export_dir, export) = library();
        submit(
            &export,
            name,
            std::fs::read(samples().join(name)).unwrap(),
            institution,
        );

        // Inventions are exported as an A row and a B row; they merge into one patent.
        let rows = generated
            .iter()
            .map(|p| layout.rows(p).len())
            .sum::<usize>();
        assert!(rows > generated.len() + 20, "{name}: {rows} rows");
        assert_eq!(
            export.stats().unwrap().patents,
            generated.len() as u64,
            "{name}"
        );

        let mut with_claims = 0;
        let mut with_events = 0;
        let mut scored = 0;
        for patent in &generated {
            let number: &ApplicationNumber = &patent.application_number;
            let (a, b) = (full.patent(number).unwrap(), export.patent(number).unwrap());
            assert!(a.claims.is_some() && b.claims.is_none(), "{number}");
            assert_eq!(a.publication_numbers, b.publication_numbers, "{number}");
            assert_eq!(
                (
                    a.publication_date,
                    a.grant_date,
                    a.legal_status,
                    a.lapse_date
                ),
                (
                    b.publication_date,
                    b.grant_date,
                    b.legal_status,
                    b.lapse_date
                ),
                "{name} {number}"
            );
            let (fa, fb) = (ClaimFacts::of(&a).stats(), ClaimFacts::of(&b).stats());
            assert_eq!(fa, fb, "{name} {number}: claim measures");
            with_claims += usize::from(fb.is_some_and(|s| s.total.is_some()));
            assert_eq!(sorted_events(&a), sorted_events(&b), "{name} {number}");
            with_events += usize::from(!b.events.is_empty());
            let (ca, cb) = (full.card(number).unwrap(), export.card(number).unwrap());
            assert_eq!(
                (ca.value, ca.tier, ca.value_percentile),
                (cb.value, cb.tier, cb.value_percentile),
                "{name} {number}"
            );
            scored += usize::from(cb.value.is_some());
        }
        assert_eq!(with_claims, generated.len(), "{name}");
        assert!(
            with_events >= 5,
            "{name}: {with_events} patents with events"
        );
        assert!(scored > generated.len() / 2, "{name}: {scored} scored");
    }
}

#[test]
fn a_first_claim_alone_is_not_one_claim() {
    // The claim-1 measures count; the claim count and the independent claims stay gaps.
    let mut patent = patents(9, 1, "北京理工大学", 900_000).remove(0);
    let full = ClaimFacts::of(&patent).stats().unwrap();
    let first = ClaimFacts::of(&patent).first.unwrap().text;
    patent.claims = None;
    patent.first_claim = Some(first);
    let alone = ClaimFacts::of(&patent).stats().unwrap();
    assert_eq!(alone.claim1_chars, full.claim1_chars);
    assert_eq!(alone.claim1_features, full.claim1_features);
    assert_eq!((alone.total, alone.independent), (None, None));
    patent.claim_count = Some(12);
    assert_eq!(ClaimFacts::of(&patent).stats().unwrap().total, Some(12));
}
