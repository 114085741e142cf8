//! Assembling one `Patent` from its skeleton, subject, claims, life, impact and promotion.

use rand::SeedableRng;

use super::GeneratorConfig;
use super::random::{self, PatentRng, chance, hash, pick, weighted};
use super::skeleton::{self, Skeleton};
use super::subject::Subject;
use super::tables::{IndustryTable, tables};
use super::{citations, claim_one, claims, legal, people, summary};
use crate::model::{ApplicationNumber, IpcCode, Patent, PatentType};

const SALT_CLAIMS: u64 = 0xc1a1_0000_0000_0001;
const SALT_PUBLICATION: u64 = 0x9b_0000_0000_0002;

/// Builds patent `index` of the corpus of `config`, whose application number is `number`.
pub(crate) fn build(config: &GeneratorConfig, number: ApplicationNumber, index: u64) -> Patent {
    let seed = config.seed;
    let tables = tables();
    let skeleton = Skeleton::of(seed, index);
    let industry = tables.industry(skeleton.industry);
    let mut rng = random::patent_rng(seed, index);
    let subject = Subject::draw(&mut rng, industry, skeleton.is_utility_model());
    let first = claim_one::first_claim(&mut rng, &subject, skeleton.quality);
    let pitch = summary::Pitch::draw(&mut rng, industry, subject.topic);

    let mut patent = Patent::new(number, subject.title.clone());
    patent.patent_type = Some(if skeleton.is_utility_model() {
        PatentType::UtilityModel
    } else {
        PatentType::Invention
    });
    patent.abstract_text = Some(summary::abstract_text(&mut rng, &subject, &first, &pitch));
    patent.ipc = ipc_codes(&mut rng, industry, &subject);

    let university = match &config.institution {
        Some(name) => name.clone(),
        None => people::draw_university(&mut rng, &industry.universities).to_string(),
    };
    patent.applicants.push(university.clone());
    if chance(&mut rng, 0.08) {
        let other = people::draw_university(&mut rng, &industry.universities);
        if other != university {
            patent.applicants.push(other.to_string());
        }
    }
    let company_rate = (0.13 * (0.3 * skeleton.quality).exp()).min(0.5);
    let has_company = chance(&mut rng, company_rate);
    if has_company {
        patent
            .applicants
            .push(pick(&mut rng, &industry.companies).to_string());
    }
    // `institution` stays empty: the library sets it from the submitter, never from a file.
    patent.inventors = tables.names.inventors(&mut rng, skeleton.quality);

    let line = legal::timeline(&mut rng, &skeleton);
    patent.application_date = Some(line.filed);
    patent.publication_date = line.published;
    patent.grant_date = line.granted;
    patent.legal_status = Some(line.status);
    patent.lapse_date = line.ended.filter(|_| !line.status.is_alive());
    patent.publication_numbers = publication_numbers(seed, index, &skeleton, &line);

    let market = legal::market(
        &mut rng,
        &skeleton,
        &line,
        &university,
        &industry.companies,
        has_company,
    );
    patent.current_assignees = match market.transferee {
        Some(buyer) => vec![buyer.to_string()],
        None => patent.applicants.clone(),
    };
    patent.events = market.events;

    patent.cited_patents =
        citations::backward(&mut rng, seed, config.first_serial, index, &skeleton);
    patent.forward_citations = citations::forward(&mut rng, &skeleton, line.published);
    let family = citations::family(&mut rng, &skeleton);
    patent.family_members = family.members;
    patent.family_countries = family.countries;

    let promotion = summary::promotion(
        &mut rng,
        &subject,
        &pitch,
        skeleton.quality,
        &university,
        market.open_licence,
    );
    patent.maturity = promotion.maturity;
    patent.problem_solved = promotion.problem_solved;
    patent.advantages = promotion.advantages;
    patent.licence_terms = promotion.licence_terms;

    if config.with_claims {
        let mut claims_rng = PatentRng::seed_from_u64(hash(seed, index, SALT_CLAIMS));
        patent.claims = Some(claims::claim_set(&mut claims_rng, &subject, &first));
    }
    patent
}

/// Draws 1–4 IPC codes: the main one from the topic's core groups, the others from the topic
/// or, now and then, a sibling topic of the same industry.
fn ipc_codes(rng: &mut PatentRng, industry: &IndustryTable, subject: &Subject) -> Vec<IpcCode> {
    let topic = subject.topic;
    let mut codes: Vec<IpcCode> = Vec::with_capacity(4);
    if let Some(main) = topic.ipc.get(weighted(rng, &topic.ipc_cumulative)) {
        codes.push(main.clone());
    }
    let extra = weighted(rng, &[35, 70, 90, 100]);
    let mut tries = 0;
    while codes.len() < 1 + extra && tries < 12 {
        tries += 1;
        let source = if chance(rng, 0.15) {
            &industry.topics[rand::RngExt::random_range(rng, ..industry.topics.len())]
        } else {
            topic
        };
        let at = rand::RngExt::random_range(rng, ..source.ipc.len().max(1));
        if let Some(code) = source.ipc.get(at)
            && !codes.contains(code)
        {
            codes.push(code.clone());
        }
    }
    codes
}

/// CN publication numbers: `…A` when published and `…B` when granted (inventions), `…U` for
/// granted utility models.
fn publication_numbers(
    seed: u64,
    index: u64,
    skeleton: &Skeleton,
    line: &legal::Timeline,
) -> Vec<String> {
    use chrono::Datelike;
    let Some(published) = line.published else {
        return Vec::new();
    };
    let offset = hash(seed, index, SALT_PUBLICATION);
    if skeleton.is_utility_model() {
        let number =
            skeleton::utility_publication_base(published.year()) + (offset % 2_000_000) as u32;
        return vec![format!("CN{number}U")];
    }
    let number =
        skeleton::invention_publication_base(published.year()) + (offset % 1_500_000) as u32;
    let mut out = vec![format!("CN{number}A")];
    if line.granted.is_some() {
        out.push(format!("CN{number}B"));
    }
    out
}
