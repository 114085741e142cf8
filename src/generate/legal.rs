//! Life of a patent: publication and grant dates, legal status at the batch date, and legal or
//! market events (transfer, licence, pledge, litigation, open licence, award).

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::random::{PatentRng, between, chance, pick};
use super::skeleton::Skeleton;
use crate::model::{EventKind, LegalEvent, LegalStatus};
use rand::RngExt;

/// The date the generated corpus describes: nothing happens after it.
pub(crate) fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
}

/// Dates and status of one patent.
pub(crate) struct Timeline {
    /// Filing date.
    pub filed: NaiveDate,
    /// Publication date (utility models: the grant announcement), if published by [`as_of`].
    pub published: Option<NaiveDate>,
    /// Grant date, if granted by [`as_of`].
    pub granted: Option<NaiveDate>,
    /// Status at [`as_of`].
    pub status: LegalStatus,
    /// When the rights ended (lapse, expiry, invalidation, refusal), if they did.
    pub ended: Option<NaiveDate>,
}

impl Timeline {
    /// Returns the last day events can happen on.
    pub(crate) fn active_until(&self) -> NaiveDate {
        self.ended.unwrap_or_else(as_of)
    }
}

fn plus_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(date)
}

fn plus_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(date)
}

/// Moves a date forward to the next CNIPA gazette day (Tuesday or Friday).
fn gazette_day(date: NaiveDate) -> NaiveDate {
    let shift = match date.weekday() {
        Weekday::Tue | Weekday::Fri => 0,
        Weekday::Mon | Weekday::Thu => 1,
        Weekday::Sun | Weekday::Wed => 2,
        Weekday::Sat => 3,
    };
    plus_days(date, shift)
}

/// Returns a uniform date in `from..=to` (or `from` when the window is empty).
pub(crate) fn date_between(rng: &mut PatentRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days();
    if span <= 0 {
        return from;
    }
    plus_days(from, rng.random_range(0..=span as u32))
}

/// Draws publication, grant and the status at [`as_of`]; quality raises the grant rate and
/// lowers the yearly lapse hazard.
pub(crate) fn timeline(rng: &mut PatentRng, skeleton: &Skeleton) -> Timeline {
    let filed = skeleton.application_date();
    let today = as_of();
    let quality = skeleton.quality;
    let mut line = Timeline {
        filed,
        published: None,
        granted: None,
        status: LegalStatus::Pending,
        ended: None,
    };
    let (term_years, hazard) = if skeleton.is_utility_model() {
        let grant = gazette_day(plus_days(
            plus_months(filed, between(rng, 4, 10)),
            between(rng, 0, 30),
        ));
        if grant > today {
            return line;
        }
        if chance(rng, 0.04) {
            line.status = LegalStatus::Lapsed;
            line.ended = Some(grant);
            return line;
        }
        line.published = Some(grant);
        line.granted = Some(grant);
        (10, 0.15)
    } else {
        let months = if chance(rng, 0.2) {
            between(rng, 3, 12)
        } else {
            18
        };
        let published = gazette_day(plus_days(plus_months(filed, months), between(rng, 0, 20)));
        if published <= today {
            line.published = Some(published);
        }
        let decision = gazette_day(plus_days(
            plus_months(filed, between(rng, 22, 50)),
            between(rng, 0, 28),
        ));
        if decision > today {
            return line;
        }
        let grant_rate = (0.62 + 0.12 * quality).clamp(0.25, 0.93);
        if !chance(rng, grant_rate) {
            line.status = LegalStatus::Lapsed;
            line.ended = Some(decision);
            return line;
        }
        line.granted = Some(decision);
        (20, 0.06)
    };
    line.status = LegalStatus::InForce;
    let Some(granted) = line.granted else {
        return line;
    };
    let hazard = hazard * (-0.7 * quality).exp();
    let term_end = plus_months(filed, 12 * term_years);
    // Annual fees fall due on each anniversary of filing after the grant.
    let first_due = (granted.year() - filed.year()).max(1) as u32;
    for year in first_due..term_years {
        let due = plus_months(filed, 12 * year);
        let lapse = gazette_day(plus_months(due, 6));
        if lapse > today {
            break;
        }
        if due > granted && chance(rng, hazard) {
            line.status = LegalStatus::Lapsed;
            line.ended = Some(lapse);
            break;
        }
    }
    if line.status == LegalStatus::InForce && term_end <= today {
        line.status = LegalStatus::Expired;
        line.ended = Some(term_end);
    }
    if chance(rng, 0.004 * (0.5 * quality).exp()) {
        let when = plus_months(granted, between(rng, 12, 60));
        if when <= line.active_until() && when <= today {
            line.status = LegalStatus::Invalidated;
            line.ended = Some(when);
        }
    }
    line
}

/// Legal and market events of one patent, with who holds it now.
pub(crate) struct Market {
    /// Events in date order.
    pub events: Vec<LegalEvent>,
    /// The company that bought the patent, if any.
    pub transferee: Option<&'static str>,
    /// Whether an open-licence declaration was made.
    pub open_licence: bool,
}

fn event(kind: EventKind, date: NaiveDate, note: String) -> LegalEvent {
    LegalEvent {
        kind,
        date: Some(date),
        note: Some(note),
    }
}

/// An event whose note names its parties the way export columns give them back.
fn with_parties(kind: EventKind, date: NaiveDate, parties: &[(&str, &str)]) -> LegalEvent {
    LegalEvent::with_parties(kind, Some(date), parties)
}

/// Draws the events: about 3–5% transfers, 1–2% licences, 1% pledges and open-licence
/// declarations, 0.3% awards, 0.2% litigation, all likelier for high-quality patents.
pub(crate) fn market(
    rng: &mut PatentRng,
    skeleton: &Skeleton,
    line: &Timeline,
    applicant: &str,
    companies: &[&'static str],
    has_company: bool,
) -> Market {
    let lift = (0.6 * skeleton.quality - 0.18).exp();
    let until = line.active_until();
    let mut out = Market {
        events: Vec::new(),
        transferee: None,
        open_licence: false,
    };
    let refused = line.granted.is_none() && line.ended.is_some();
    if !refused && chance(rng, 0.045 * lift) {
        let from = plus_days(line.filed, 180);
        if from <= until {
            let buyer = pick(rng, companies);
            let date = date_between(rng, from, until);
            out.transferee = Some(buyer);
            out.events.push(with_parties(
                EventKind::Transfer,
                date,
                &[("转让人", applicant), ("受让人", buyer)],
            ));
        }
    }
    if let Some(granted) = line.granted.filter(|g| *g <= until) {
        let holder = out.transferee.unwrap_or(applicant);
        if chance(rng, 0.022 * lift) {
            let kind = pick(rng, &["普通许可", "普通许可", "独占许可", "排他许可"]);
            let licensee = pick(rng, companies);
            let date = date_between(rng, granted, until);
            out.events.push(with_parties(
                EventKind::Licence,
                date,
                &[("许可类型", kind), ("被许可人", licensee)],
            ));
        }
        let pledge_rate = if out.transferee.is_some() {
            0.22
        } else if has_company {
            0.04
        } else {
            0.0
        };
        if chance(rng, pledge_rate) {
            let from = out
                .events
                .first()
                .and_then(|e| e.date)
                .unwrap_or(granted)
                .max(granted);
            let bank = pick(
                rng,
                &[
                    "北京银行股份有限公司中关村分行",
                    "中国银行股份有限公司北京中关村中心支行",
                    "招商银行股份有限公司北京分行",
                    "北京中关村科技融资担保有限公司",
                ],
            );
            let date = date_between(rng, from, until);
            out.events.push(with_parties(
                EventKind::Pledge,
                date,
                &[("出质人", holder), ("质权人", bank)],
            ));
        }
        if chance(rng, 0.0025 * lift * lift) {
            let date = date_between(rng, granted, until);
            out.events.push(with_parties(
                EventKind::Litigation,
                date,
                &[("原告", holder)],
            ));
        }
        if chance(rng, 0.003 * lift * lift) {
            let date = date_between(rng, granted, until);
            let requester = pick(rng, companies);
            out.events.push(with_parties(
                EventKind::Reexamination,
                date,
                &[("请求人", requester)],
            ));
        }
        let open_from = NaiveDate::from_ymd_opt(2021, 6, 1)
            .unwrap_or(granted)
            .max(granted);
        if line.status == LegalStatus::InForce && open_from <= until && chance(rng, 0.03 * lift) {
            let date = date_between(rng, open_from, until);
            out.open_licence = true;
            out.events
                .push(event(EventKind::OpenLicence, date, "开放许可声明".into()));
        }
        if chance(rng, 0.004 * (skeleton.quality - 0.5).exp()) {
            let year = granted.year() + between(rng, 2, 4) as i32;
            if let Some(date) =
                NaiveDate::from_ymd_opt(year, 12, between(rng, 1, 28)).filter(|d| *d <= as_of())
            {
                let note = if chance(rng, 0.5) {
                    format!("第{}届中国专利奖优秀奖", chinese_ordinal(year - 1999))
                } else {
                    format!(
                        "北京市发明专利奖{}",
                        pick(rng, &["一等奖", "二等奖", "三等奖"])
                    )
                };
                out.events.push(event(EventKind::Award, date, note));
            }
        }
    }
    out.events.sort_by_key(|e| e.date);
    out
}

/// Writes 1–99 in Chinese numerals (二十四).
fn chinese_ordinal(n: i32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let n = n.clamp(1, 99) as usize;
    let (tens, units) = (n / 10, n % 10);
    let mut out = String::new();
    if tens > 1 {
        out.push_str(DIGITS[tens]);
    }
    if tens > 0 {
        out.push('十');
    }
    if units > 0 {
        out.push_str(DIGITS[units]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::random::patent_rng;

    #[test]
    fn ordinals_read_chinese() {
        assert_eq!(chinese_ordinal(24), "二十四");
        assert_eq!(chinese_ordinal(10), "十");
        assert_eq!(chinese_ordinal(13), "十三");
        assert_eq!(chinese_ordinal(7), "七");
    }

    #[test]
    fn timelines_are_ordered_and_never_in_the_future() {
        for index in 0..20_000 {
            let skeleton = Skeleton::of(2, index);
            let line = timeline(&mut patent_rng(2, index), &skeleton);
            let today = as_of();
            for date in [line.published, line.granted, line.ended]
                .into_iter()
                .flatten()
            {
                assert!(
                    date > line.filed && date <= today,
                    "{date} vs {}",
                    line.filed
                );
            }
            if let (Some(p), Some(g)) = (line.published, line.granted) {
                assert!(p <= g || skeleton.is_utility_model());
            }
            if line.granted.is_none() {
                assert!(matches!(
                    line.status,
                    LegalStatus::Pending | LegalStatus::Lapsed
                ));
            }
        }
    }

    #[test]
    fn old_grants_lapse_often() {
        let mut old = 0;
        let mut lapsed = 0;
        let cutoff = NaiveDate::from_ymd_opt(2020, 11, 28).unwrap_or_default();
        for index in 0..40_000 {
            let skeleton = Skeleton::of(3, index);
            if skeleton.is_utility_model() {
                continue;
            }
            let line = timeline(&mut patent_rng(3, index), &skeleton);
            if line.granted.is_some_and(|g| g <= cutoff) {
                old += 1;
                lapsed += usize::from(line.status == LegalStatus::Lapsed);
            }
        }
        let share = lapsed as f64 / old as f64;
        assert!((0.3..=0.6).contains(&share), "{share} of {old}");
    }
}
