//! Reports: the screening report of a batch (tiers, industries, duplicates, data gaps,
//! expiring patents, the difference from the institution's previous batch), the report of an
//! institution, and the summary of the ten industries.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::Library;
use crate::error::{Error, Result};
use crate::ingest::RowIssue;
use crate::scoring::{ScoreRow, ScoreTable, Tier};
use crate::store::BatchRecord;

/// Counts per tier, A to D, and of the patents without one (lapsed, unscored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TierCounts {
    /// Tier A.
    #[serde(rename = "A")]
    pub a: usize,
    /// Tier B.
    #[serde(rename = "B")]
    pub b: usize,
    /// Tier C.
    #[serde(rename = "C")]
    pub c: usize,
    /// Tier D.
    #[serde(rename = "D")]
    pub d: usize,
    /// Lapsed, expired or invalidated: valued, not promoted (失效).
    pub lapsed: usize,
    /// Too few observed signals for a value (未评分 · 数据不足).
    pub unscored: usize,
}

impl TierCounts {
    /// From counts in [`Tier::STATES`] order.
    fn from_slots(slots: [usize; 6]) -> TierCounts {
        let [a, b, c, d, lapsed, unscored] = slots;
        TierCounts {
            a,
            b,
            c,
            d,
            lapsed,
            unscored,
        }
    }

    fn add(&mut self, tier: Tier) {
        match tier {
            Tier::A => self.a += 1,
            Tier::B => self.b += 1,
            Tier::C => self.c += 1,
            Tier::D => self.d += 1,
            Tier::Lapsed => self.lapsed += 1,
            Tier::Unscored => self.unscored += 1,
        }
    }
}

/// A patent close to the end of its term.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Expiring {
    /// Application number.
    pub application_number: String,
    /// Years left.
    pub remaining_years: f64,
    /// Its tier.
    pub tier: Tier,
}

/// The screening report of an accepted batch.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchScreening {
    /// The API batch (submission) id.
    pub id: i64,
    /// Institution.
    pub institution: String,
    /// Rows read, accepted, rejected.
    pub rows_total: usize,
    /// Rows accepted.
    pub rows_accepted: usize,
    /// Rows rejected.
    pub rows_rejected: usize,
    /// Patents new to the library.
    pub patents_new: usize,
    /// Patents replacing an earlier version.
    pub patents_updated: usize,
    /// Withdrawals.
    pub withdrawals: usize,
    /// Tiers of the batch's patents (as currently scored).
    pub tiers: TierCounts,
    /// Industries of the batch's patents (fit ≥ the label threshold).
    pub industries: BTreeMap<String, usize>,
    /// Patents with no industry.
    pub no_industry: usize,
    /// Rows rejected because the patent is another institution's or repeated in the batch.
    pub duplicates: Vec<RowIssue>,
    /// Optional fields missing, by field (rows).
    pub data_gaps: BTreeMap<String, usize>,
    /// Patents with less than two years of term left.
    pub expiring: Vec<Expiring>,
    /// Compared with the institution's previous accepted batch.
    pub diff: Option<BatchDiff>,
}

/// The difference between two batches of one institution.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchDiff {
    /// The previous batch's API id.
    pub previous_id: i64,
    /// Numbers in this batch but not the previous one.
    pub added: Vec<String>,
    /// Numbers in both.
    pub repeated: usize,
    /// Numbers in the previous batch but not this one.
    pub not_resubmitted: Vec<String>,
}

/// One industry in the summary.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndustrySummary {
    /// Name.
    pub name: String,
    /// Patents with fit ≥ the label threshold.
    pub patents: usize,
    /// Of those, per tier.
    pub tiers: TierCounts,
    /// Of those, in force or pending.
    pub available: usize,
}

/// The report of an institution.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InstitutionReport {
    /// Name.
    pub institution: String,
    /// Patents in the library.
    pub patents: usize,
    /// Per tier.
    pub tiers: TierCounts,
    /// Per industry.
    pub industries: BTreeMap<String, usize>,
    /// Batches submitted (accepted or rejected).
    pub batches: usize,
    /// Demands whose top matches include the institution's patents, with how many.
    pub demands_matched: Vec<DemandHit>,
}

/// A demand that matched an institution's patents.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DemandHit {
    /// Demand id.
    pub demand_id: i64,
    /// Its title (left out for anonymous readers of a public library: demands need a key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The institution's patents among its top matches.
    pub patents: Vec<String>,
}

/// How many top matches of each demand the institution report looks at.
const DEMAND_TOP: usize = 10;

fn tally<'a>(
    rows: impl Iterator<Item = &'a ScoreRow>,
    scores: &ScoreTable,
) -> (TierCounts, BTreeMap<String, usize>, usize) {
    let mut tiers = TierCounts::default();
    let mut industries = BTreeMap::new();
    let mut none = 0;
    let threshold = scores.meta.label_threshold;
    for row in rows {
        tiers.add(row.tier);
        let mut any = false;
        for (i, name) in scores.industries.iter().enumerate() {
            if f64::from(row.fits[i]) >= threshold {
                *industries.entry(name.clone()).or_default() += 1;
                any = true;
            }
        }
        if !any {
            none += 1;
        }
    }
    (tiers, industries, none)
}

impl Library {
    /// The accepted batch of this id; a batch not yet (or never) accepted has no report.
    pub(super) fn accepted_batch(&self, id: i64) -> Result<BatchRecord> {
        let status = self.batch_status(id)?;
        // The report of a batch not accepted is not there (yet): a 404, as for any batch
        // without one, whose key says why.
        status.batch.ok_or_else(|| Error::NotFound {
            what: "screening report",
            key: format!(
                "batch {id} is {}: its report exists once it is accepted",
                status.submission.status
            ),
        })
    }

    /// The screening report of a batch (by its API id).
    pub fn batch_screening(&self, id: i64) -> Result<BatchScreening> {
        let batch = self.accepted_batch(id)?;
        let scores = self
            .scores()
            .unwrap_or_else(|| std::sync::Arc::new(ScoreTable::empty()));
        let (current, previous) = {
            let catalog = self.catalog()?;
            let current = catalog.patents_of_batch(batch.id)?;
            let previous = catalog
                .submissions(Some(&batch.institution))?
                .into_iter()
                .rfind(|s| s.id < id && s.batch_id.is_some());
            (current, previous)
        };
        let rows: Vec<&ScoreRow> = current
            .iter()
            .filter(|(_, _, w)| !w)
            .filter_map(|(_, o, _)| scores.get(*o))
            .collect();
        let (tiers, industries, no_industry) = tally(rows.iter().copied(), &scores);
        let mut expiring: Vec<Expiring> = rows
            .iter()
            .filter_map(|r| {
                r.remaining_years.filter(|y| *y < 2.0).map(|y| Expiring {
                    application_number: r.application_number.clone(),
                    remaining_years: y,
                    tier: r.tier,
                })
            })
            .collect();
        expiring.sort_by(|a, b| a.remaining_years.total_cmp(&b.remaining_years));
        let duplicates = batch
            .report
            .errors
            .iter()
            .filter(|e| e.reason.contains("also appears in row") || e.reason.contains("belongs to"))
            .cloned()
            .collect();
        let diff = match previous.and_then(|p| p.batch_id.map(|b| (p.id, b))) {
            Some((previous_id, previous_batch)) => {
                // The catalog is locked only to look the batches up, not while their
                // archives are read (other requests wait for that lock).
                let (current_record, previous_record) = {
                    let catalog = self.catalog()?;
                    (catalog.batch(batch.id)?, catalog.batch(previous_batch)?)
                };
                let archived = |record: &BatchRecord| -> Result<HashSet<String>> {
                    Ok(self
                        .archive
                        .read(&record.archive_file, &record.institution)?
                        .into_iter()
                        .map(|p| p.application_number.to_string())
                        .collect())
                };
                let now = archived(&current_record)?;
                let before = archived(&previous_record)?;
                let mut added: Vec<String> = now.difference(&before).cloned().collect();
                let mut not_resubmitted: Vec<String> = before.difference(&now).cloned().collect();
                added.sort();
                not_resubmitted.sort();
                Some(BatchDiff {
                    previous_id,
                    repeated: now.intersection(&before).count(),
                    added,
                    not_resubmitted,
                })
            }
            None => None,
        };
        Ok(BatchScreening {
            id,
            institution: batch.institution.clone(),
            rows_total: batch.report.rows_total,
            rows_accepted: batch.report.rows_accepted,
            rows_rejected: batch.report.rows_rejected,
            patents_new: batch.patents_new,
            patents_updated: batch.patents_updated,
            withdrawals: batch.report.withdrawals,
            tiers,
            industries,
            no_industry,
            duplicates,
            data_gaps: batch.report.gaps.clone(),
            expiring,
            diff,
        })
    }

    /// The ten industries with their counts and tier distribution (from the score table's
    /// counts: no scan per request).
    pub fn industries(&self) -> Result<Vec<IndustrySummary>> {
        let scores = self.scores();
        let counts = scores.as_ref().map(|s| &s.summary().industries);
        Ok(self
            .scorer
            .industry_names()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let counts = counts.and_then(|c| c.get(i)).cloned().unwrap_or_default();
                IndustrySummary {
                    name: name.clone(),
                    patents: counts.patents,
                    tiers: TierCounts::from_slots(counts.tiers),
                    available: counts.available,
                }
            })
            .collect())
    }

    /// The report of an institution.
    pub fn institution_report(&self, name: &str) -> Result<InstitutionReport> {
        let institution = Error::institution("name", name)?.into_string();
        let scores = self.scores();
        let (from_catalog, batches) = {
            let catalog = self.catalog()?;
            if !catalog.institutions()?.contains(&institution) {
                return Err(Error::NotFound {
                    what: "institution",
                    key: institution,
                });
            }
            // The score table holds every patent of the library as of its last scoring (each
            // batch ends with one) and counts them once per table; the catalog would build a
            // string per patent on every view.
            let from_catalog = match scores {
                Some(_) => Vec::new(),
                None => catalog.patents_of_institution(&institution)?,
            };
            (from_catalog, catalog.submissions(Some(&institution))?.len())
        };
        let counts = scores.as_ref().and_then(|s| {
            let counts = s.summary().institutions.get(institution.as_str())?;
            Some((counts.clone(), s.industries.clone()))
        });
        let (tiers, industries, patents) = match counts {
            Some((counts, names)) => (
                TierCounts::from_slots(counts.tiers),
                names
                    .into_iter()
                    .zip(counts.industries)
                    .filter(|(_, n)| *n > 0)
                    .collect(),
                counts.patents,
            ),
            // Without scores the catalog gave the patents.
            None => (TierCounts::default(), BTreeMap::new(), from_catalog.len()),
        };
        let mut demands_matched = Vec::new();
        for demand in self.demands()? {
            let matches = self.kept_matches(demand.id, DEMAND_TOP)?;
            let hits: Vec<String> = matches
                .iter()
                .filter(|m| m.institution.as_deref() == Some(institution.as_str()))
                .map(|m| m.application_number.clone())
                .collect();
            if !hits.is_empty() {
                demands_matched.push(DemandHit {
                    demand_id: demand.id,
                    title: Some(demand.fields.title.clone()),
                    patents: hits,
                });
            }
        }
        Ok(InstitutionReport {
            institution,
            patents,
            tiers,
            industries,
            batches,
            demands_matched,
        })
    }
}
