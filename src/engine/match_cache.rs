//! The top matches of stored demands, kept while the index, the scores and the thesaurus
//! they were ranked with stay the same.
//!
//! A stored demand never changes, so its matches change only when what ranks them does: a
//! batch (a new searcher generation and score table), a reindex (a new index) or a new
//! thesaurus. The institution report ranks every demand; without this it would run every
//! demand's search on each view.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::index::IndexVersion;
use crate::text::Thesaurus;

use super::PatentMatch;

/// At most this many (demand, limit) lists are kept; past it the cache starts again.
const MAX_ENTRIES: usize = 4096;

/// What the matches were ranked with.
#[derive(Clone)]
pub(super) struct RankedWith {
    /// The searcher.
    pub index: IndexVersion,
    /// The score table's id (none before the first scoring).
    pub scores: Option<u64>,
    /// The thesaurus; held, so that its address cannot be reused while it is compared.
    pub thesaurus: Arc<Thesaurus>,
}

impl PartialEq for RankedWith {
    fn eq(&self, other: &RankedWith) -> bool {
        self.index == other.index
            && self.scores == other.scores
            && Arc::ptr_eq(&self.thesaurus, &other.thesaurus)
    }
}

struct Entries {
    with: RankedWith,
    lists: HashMap<(i64, usize), Arc<Vec<PatentMatch>>>,
}

/// Matches of stored demands by (demand id, limit).
#[derive(Default)]
pub(super) struct MatchCache {
    entries: Mutex<Option<Entries>>,
}

impl MatchCache {
    /// The matches of demand `id` ranked with `with`, if kept.
    pub fn get(&self, with: &RankedWith, id: i64, limit: usize) -> Option<Arc<Vec<PatentMatch>>> {
        let entries = self.entries.lock().ok()?;
        let entries = entries.as_ref().filter(|e| e.with == *with)?;
        entries.lists.get(&(id, limit)).cloned()
    }

    /// Keeps the matches of demand `id` ranked with `with`; lists ranked with anything else
    /// are dropped.
    pub fn put(&self, with: RankedWith, id: i64, limit: usize, matches: Arc<Vec<PatentMatch>>) {
        let Ok(mut slot) = self.entries.lock() else {
            return;
        };
        let entries = match slot.take() {
            Some(entries) if entries.with == with && entries.lists.len() < MAX_ENTRIES => {
                slot.insert(entries)
            }
            _ => slot.insert(Entries {
                with,
                lists: HashMap::new(),
            }),
        };
        entries.lists.insert((id, limit), matches);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(scores: u64, thesaurus: &Arc<Thesaurus>, index: IndexVersion) -> RankedWith {
        RankedWith {
            index,
            scores: Some(scores),
            thesaurus: thesaurus.clone(),
        }
    }

    fn list(title: &str) -> Arc<Vec<PatentMatch>> {
        Arc::new(vec![PatentMatch {
            reasons: super::super::MatchReasons::default(),
            application_number: "CN201910000001.0".into(),
            title: title.into(),
            institution: None,
            score: 1.0,
            value: None,
            legal_status: None,
            lapse_date: None,
            remaining_years: None,
            lapsed: None,
            industries: Vec::new(),
        }])
    }

    #[test]
    fn a_list_is_kept_only_for_what_ranked_it() {
        let dir = tempfile::tempdir().unwrap();
        let index = crate::index::PatentIndex::open_or_create(dir.path()).unwrap();
        let version = index.version();
        let thesaurus = Arc::new(Thesaurus::default());
        let cache = MatchCache::default();
        cache.put(with(1, &thesaurus, version), 7, 10, list("甲"));
        let kept = cache.get(&with(1, &thesaurus, version), 7, 10).unwrap();
        assert_eq!(kept[0].title, "甲");
        assert!(cache.get(&with(1, &thesaurus, version), 7, 20).is_none());
        assert!(cache.get(&with(1, &thesaurus, version), 8, 10).is_none());
        assert!(cache.get(&with(2, &thesaurus, version), 7, 10).is_none());
        let other = Arc::new(Thesaurus::default());
        assert!(cache.get(&with(1, &other, version), 7, 10).is_none());
        let reopened = crate::index::PatentIndex::open_or_create(dir.path()).unwrap();
        assert_ne!(reopened.version(), version);
        assert!(
            cache
                .get(&with(1, &thesaurus, reopened.version()), 7, 10)
                .is_none()
        );
        // Keeping a list ranked with something new drops the old ones.
        cache.put(with(2, &thesaurus, version), 8, 10, list("乙"));
        assert!(cache.get(&with(1, &thesaurus, version), 7, 10).is_none());
        assert_eq!(
            cache.get(&with(2, &thesaurus, version), 8, 10).unwrap()[0].title,
            "乙"
        );
    }
}
