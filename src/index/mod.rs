//! The tantivy index of the library: schema, the single writer, reader reloads, queries,
//! facets and snippets.
//!
//! The index is derived state: it can always be rebuilt from the batch archive. Each commit
//! carries a [`CommitState`] payload (the analysis fingerprint and the last batch applied), so
//! opening checks that the index was built under the same analysis rules, and recovery knows
//! which accepted batches still have to be replayed.

mod attributes;
mod concepts;
mod directory;
mod document;
mod facets;
mod fields;
mod filter;
mod guard;
mod halves;
mod leaves;
mod matches;
mod maxscore;
mod plan;
mod query;
mod saturated;
mod scores;
mod search;
mod snippets;
mod terms;
mod union;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::SegmentMeta;
use tantivy::merge_policy::{LogMergePolicy, MergeCandidate, MergePolicy, NoMergePolicy};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use document::{epoch_day, from_document, to_document};
pub use fields::PatentFields;
pub use plan::Boosts;
pub use query::{MAX_QUERY_CHARS, Node, Scope, parse};
pub use scores::{ScoreFilter, ScoreLookup, industry_index};
pub use search::{
    Expansion, FacetCounts, Filters, Highlight, Hit, MAX_LIMIT, Relaxation, SearchRequest,
    SearchResults, SortOrder,
};

use crate::error::{Error, IoContext, Result};
use crate::model::{ApplicationNumber, Patent};
use crate::schema;
use crate::text::{BigramTokenizer, SegmentMode, Thesaurus, ZhTokenizer};

/// What the last commit of the index records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitState {
    /// The analysis fingerprint the index was built under.
    pub fingerprint: String,
    /// The id of the last batch applied (0 for none).
    pub last_batch: i64,
}

/// The patent index: a tantivy index with the `zh` analyser registered and a reader.
pub struct PatentIndex {
    index: Index,
    fields: PatentFields,
    reader: IndexReader,
    attributes: attributes::AttributeCache,
    boosts: Boosts,
    thesaurus: std::sync::RwLock<Arc<Thesaurus>>,
    /// Distinct for every index opened in this process.
    instance: u64,
}

/// The instance of the next index opened.
static NEXT_INSTANCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Which searcher answers: the index opened (a reindex opens a new one) and the generation of
/// its reader (each reload makes a new one). Results computed under one version hold until it
/// changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexVersion {
    instance: u64,
    generation: u64,
}

impl PatentIndex {
    /// Opens the index in `dir`, creating it when absent. An index built under another
    /// analysis fingerprint is refused.
    pub fn open_or_create(dir: &Path) -> Result<PatentIndex> {
        std::fs::create_dir_all(dir).at(dir)?;
        let directory = directory::HybridDirectory::open(dir)?;
        let fields = PatentFields::build();
        let index = if Index::exists(&directory).map_err(|e| Error::Index(e.into()))? {
            let index = Index::open(directory)?;
            PatentFields::from_schema(&index.schema())
                .map_err(|_| stale(dir, "another field layout"))?;
            index
        } else {
            Index::create(
                directory,
                fields.schema.clone(),
                tantivy::IndexSettings {
                    docstore_blocksize: 4096,
                    ..tantivy::IndexSettings::default()
                },
            )?
        };
        register_tokenizers(&index);
        let this = PatentIndex {
            reader: index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()?,
            index,
            fields,
            attributes: attributes::AttributeCache::default(),
            boosts: Boosts::default(),
            thesaurus: std::sync::RwLock::new(Arc::new(Thesaurus::default())),
            instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
        };
        if let Some(state) = this.commit_state()?
            && state.fingerprint != schema::fingerprint()
        {
            return Err(stale(dir, &format!("analysis rules {}", state.fingerprint)));
        }
        Ok(this)
    }

    /// Returns the state recorded by the last commit, if any commit has a payload.
    pub fn commit_state(&self) -> Result<Option<CommitState>> {
        let metas = self.index.load_metas()?;
        match metas.payload {
            Some(payload) => Ok(Some(serde_json::from_str(&payload)?)),
            None => Ok(None),
        }
    }

    /// Returns the field handles.
    pub fn fields(&self) -> &PatentFields {
        &self.fields
    }

    /// Creates the single writer. `threads` indexing threads share `memory_bytes`.
    pub fn writer(&self, threads: usize, memory_bytes: usize) -> Result<PatentWriter> {
        let threads = threads.max(1);
        let budget = memory_bytes.max(threads * 32 * 1024 * 1024);
        let writer: IndexWriter<TantivyDocument> =
            self.index.writer_with_num_threads(threads, budget)?;
        let merges = Arc::new(AtomicBool::new(false));
        writer.set_merge_policy(Box::new(AfterCommit {
            log: AfterCommit::log(),
            open: merges.clone(),
        }));
        Ok(PatentWriter {
            writer,
            fields: self.fields.clone(),
            merges,
        })
    }

    /// Creates a writer that merges nothing in the background (for a rebuild, merged once at
    /// the end with [`PatentWriter::merge_all`]).
    pub fn writer_without_merges(
        &self,
        threads: usize,
        memory_bytes: usize,
    ) -> Result<PatentWriter> {
        let writer = self.writer(threads, memory_bytes)?;
        writer.writer.set_merge_policy(Box::new(NoMergePolicy));
        Ok(writer)
    }

    /// The version searches see now.
    pub fn version(&self) -> IndexVersion {
        IndexVersion {
            instance: self.instance,
            generation: self.reader.searcher().generation().generation_id(),
        }
    }

    /// Makes the last commit visible to searches.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }

    /// Reads the in-memory attributes of the searched segments not read yet (searches read
    /// them when missing), so that the first search at startup does not pay for them.
    pub fn warm(&self) -> Result<()> {
        self.attributes.of(&self.reader.searcher())?;
        Ok(())
    }

    /// Returns the number of indexed patents.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a search; `scores` enables value, tier and industry options.
    pub fn search(
        &self,
        request: &SearchRequest,
        scores: Option<&std::sync::Arc<dyn ScoreLookup>>,
    ) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let thesaurus = self.thesaurus();
        concepts::search(
            &searcher,
            self.attributes.of(&searcher)?,
            &self.fields,
            request,
            &self.boosts,
            &thesaurus,
            scores,
        )
    }

    /// The thesaurus query words are expanded with.
    pub fn thesaurus(&self) -> Arc<Thesaurus> {
        self.thesaurus
            .read()
            .map_or_else(|_| Arc::new(Thesaurus::default()), |t| t.clone())
    }

    /// Replaces the thesaurus query words are expanded with.
    pub fn set_thesaurus(&self, thesaurus: Arc<Thesaurus>) {
        if let Ok(mut slot) = self.thesaurus.write() {
            *slot = thesaurus;
        }
    }

    /// Runs a search without scores.
    pub fn search_plain(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.search(request, None)
    }

    /// Returns the ordinal of the indexed patent with this number.
    pub fn ordinal(&self, number: &ApplicationNumber) -> Result<Option<u64>> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.application_number, number.as_str());
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        match top.first() {
            Some((_, address)) => {
                let doc: TantivyDocument = searcher.doc(*address)?;
                Ok(document::ordinal(&self.fields, &doc))
            }
            None => Ok(None),
        }
    }

    /// Returns the application number of the indexed patent one of whose publications has this
    /// stem (see [`crate::model::publication_stem`]).
    pub fn find_publication(&self, stem: &str) -> Result<Option<ApplicationNumber>> {
        use tantivy::schema::Value;
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.publication_number, stem);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, address)) = top.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(*address)?;
        let number = doc
            .get_first(self.fields.application_number)
            .and_then(|v| v.as_str())
            .and_then(|n| ApplicationNumber::parse(n).ok());
        Ok(number)
    }

    /// Returns the indexed patent with this number (without its description).
    pub fn get(&self, number: &ApplicationNumber) -> Result<Option<Patent>> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.application_number, number.as_str());
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        match top.first() {
            Some((_, address)) => {
                let doc: TantivyDocument = searcher.doc(*address)?;
                Ok(Some(from_document(&self.fields, &doc)?))
            }
            None => Ok(None),
        }
    }
}

fn stale(dir: &Path, what: &str) -> Error {
    Error::Config(format!(
        "the index at {} was built with {what}; this binary expects {}: run `patscreen reindex`",
        dir.display(),
        schema::fingerprint()
    ))
}

/// Registers the analysers on an index handle (tantivy does not persist them).
fn register_tokenizers(index: &Index) {
    let mode = match schema::contract().analysis.index_mode.as_str() {
        "precise" => SegmentMode::Precise,
        _ => SegmentMode::Search,
    };
    index.tokenizers().register(
        &schema::contract().analysis.tokenizer,
        TextAnalyzer::from(ZhTokenizer::new(mode)),
    );
    index.tokenizers().register(
        fields::BIGRAM_ANALYSER,
        TextAnalyzer::from(BigramTokenizer::default()),
    );
}

/// Segments of similar size are merged as soon as there are two (tantivy's default waits for
/// eight): a query pays a term lookup and a scorer per segment and term, and at 10^6 patents
/// nine segments against one cost a third of a plain query's time. Batches of equal size then
/// merge like a binary counter, so each patent is rewritten about log2(batches) times and a
/// library keeps a few segments of decreasing size.
///
/// Merges start only once a batch is committed, not while its segments are being written:
/// merging the segments a batch flushes while it is still indexing took CPU from indexing
/// on two cores.
#[derive(Debug, Clone)]
struct AfterCommit {
    log: LogMergePolicy,
    /// Whether merges may start (from a commit until the next batch is written).
    open: Arc<AtomicBool>,
}

impl AfterCommit {
    fn log() -> LogMergePolicy {
        let mut log = LogMergePolicy::default();
        log.set_min_num_segments(2);
        log
    }
}

impl MergePolicy for AfterCommit {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        if self.open.load(Ordering::SeqCst) {
            self.log.compute_merge_candidates(segments)
        } else {
            Vec::new()
        }
    }
}

/// The index's single writer.
pub struct PatentWriter {
    writer: IndexWriter<TantivyDocument>,
    fields: PatentFields,
    /// Opens and closes [`AfterCommit`]'s merges.
    merges: Arc<AtomicBool>,
}

impl PatentWriter {
    /// Applies a batch: every listed patent replaces its previous version; withdrawals only
    /// delete. `ordinals[i]` is the catalog ordinal of `patents[i]`.
    pub fn apply(&mut self, patents: &[Patent], ordinals: &[u64]) -> Result<()> {
        debug_assert_eq!(patents.len(), ordinals.len());
        let items: Vec<(&Patent, u64)> = patents.iter().zip(ordinals.iter().copied()).collect();
        self.write(&items, true)
    }

    /// Adds patents with their ordinals. With `replace`, any earlier version of each is
    /// deleted first and withdrawals only delete; without, the patents must be new to the
    /// index (the catalog has never held them), which spares a delete per document at commit.
    /// Documents are built on the rayon pool; tantivy's indexing threads segment them.
    pub fn write(&mut self, items: &[(&Patent, u64)], replace: bool) -> Result<()> {
        self.merges.store(false, Ordering::SeqCst);
        let documents: Vec<Option<TantivyDocument>> = items
            .par_iter()
            .map(|(patent, ordinal)| {
                if patent.withdrawn {
                    Ok(None)
                } else {
                    to_document(&self.fields, patent, *ordinal).map(Some)
                }
            })
            .collect::<Result<_>>()?;
        for ((patent, _), document) in items.iter().zip(documents) {
            if replace {
                self.writer.delete_term(Term::from_field_text(
                    self.fields.application_number,
                    patent.application_number.as_str(),
                ));
            }
            if let Some(document) = document {
                self.writer.add_document(document)?;
            }
        }
        Ok(())
    }

    /// Commits everything applied so far with `state` as the commit payload.
    pub fn commit(&mut self, state: &CommitState) -> Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        // The batch's last segments are flushed; the commit considers merges before it
        // returns (tantivy's segment updater).
        self.merges.store(true, Ordering::SeqCst);
        prepared.set_payload(&serde_json::to_string(state)?);
        prepared.commit()?;
        Ok(())
    }

    /// Drops uncommitted changes.
    pub fn rollback(&mut self) -> Result<()> {
        self.writer.rollback()?;
        Ok(())
    }

    /// Merges every segment into one and waits for it (for a rebuilt index before it goes
    /// live; its writer must merge nothing else meanwhile, see
    /// [`PatentIndex::writer_without_merges`]).
    pub fn merge_all(&mut self) -> Result<()> {
        let ids = self.writer.index().searchable_segment_ids()?;
        if ids.len() > 1 {
            self.writer.merge(&ids).wait()?;
        }
        Ok(())
    }

    /// Waits for background merges to finish (call before the process exits).
    pub fn finish(self) -> Result<()> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IpcCode;

    /// An index in `dir` holding `patents` (ordinals 1, 2, …), committed and reloaded.
    pub(super) fn indexed(dir: &Path, patents: &[Patent]) -> PatentIndex {
        let index = PatentIndex::open_or_create(dir).unwrap();
        let ordinals: Vec<u64> = (1..=patents.len() as u64).collect();
        commit(&index, patents, &ordinals, 1);
        index.reload().unwrap();
        index
    }

    /// Applies `patents` with their `ordinals` to `index` as batch `last_batch` and commits
    /// (without reloading).
    pub(super) fn commit(
        index: &PatentIndex,
        patents: &[Patent],
        ordinals: &[u64],
        last_batch: i64,
    ) {
        // No merges: tests that commit twice look at more than one segment.
        let mut writer = index.writer_without_merges(1, 50_000_000).unwrap();
        writer.apply(patents, ordinals).unwrap();
        writer
            .commit(&CommitState {
                fingerprint: schema::fingerprint(),
                last_batch,
            })
            .unwrap();
        writer.finish().unwrap();
    }

    fn patent(number: &str, title: &str, abstract_text: &str) -> Patent {
        let mut p = Patent::new(ApplicationNumber::parse(number).unwrap(), title);
        p.abstract_text = Some(abstract_text.into());
        p
    }

    fn numbers(results: &SearchResults) -> Vec<&str> {
        results
            .hits
            .iter()
            .map(|h| h.application_number.as_str())
            .collect()
    }

    #[test]
    fn index_search_phrase_boolean_facets_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = patent(
            "CN202110123456.7",
            "一种锂离子电池正极材料的制备方法",
            "本发明涉及锂离子电池正极材料，提高了循环稳定性。",
        );
        a.ipc = vec![IpcCode::parse("H01M4/505").unwrap()];
        a.institution = Some("清华大学".into());
        let mut b = patent(
            "CN201919000000.1",
            "一种废旧电池回收装置",
            "用于回收废旧锂电池中的有价金属，正极和材料分离。",
        );
        b.ipc = vec![IpcCode::parse("H01M10/54").unwrap()];
        b.institution = Some("北京大学".into());
        let c = patent(
            "CN201919000001.6",
            "一种图像识别方法",
            "基于卷积神经网络识别图像。",
        );
        let index = indexed(dir.path(), &[a, b, c]);
        assert_eq!(index.num_docs(), 3);

        let r = index.search_plain(&SearchRequest::new("电池", 10)).unwrap();
        assert_eq!(r.total, 2);
        // The phrase matches only where the words stand together.
        let r = index
            .search_plain(&SearchRequest::new("\"正极材料\"", 10))
            .unwrap();
        assert_eq!(numbers(&r), ["CN202110123456.7"]);
        let r = index
            .search_plain(&SearchRequest::new("电池 AND NOT 回收", 10))
            .unwrap();
        assert_eq!(numbers(&r), ["CN202110123456.7"]);
        let r = index
            .search_plain(&SearchRequest::new("ipc:H01M10 OR inst:清华大学", 10))
            .unwrap();
        assert_eq!(r.total, 2);
        let mut request = SearchRequest::new("电池", 10);
        request.filters.institutions = vec!["北京大学".into()];
        request.facets = true;
        let r = index.search_plain(&request).unwrap();
        assert_eq!(numbers(&r), ["CN201919000000.1"]);
        assert_eq!(
            r.facets.unwrap()["institution"],
            [("北京大学".to_string(), 1)]
        );
        let hit = &index
            .search_plain(&SearchRequest::new("正极材料", 10))
            .unwrap()
            .hits[0];
        let title = &hit.snippets["title"];
        assert!(title.marked("[", "]").contains("[正极材料]"), "{title:?}");

        // Replace one, withdraw one; then reopen from disk.
        let replaced = patent("CN202110123456.7", "一种钠离子电池", "钠离子电池负极。");
        let withdrawn = Patent::withdrawal(ApplicationNumber::parse("CN201919000001.6").unwrap());
        commit(&index, &[replaced, withdrawn], &[1, 3], 2);
        drop(index);
        let index = PatentIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.num_docs(), 2);
        assert_eq!(index.commit_state().unwrap().unwrap().last_batch, 2);
        let got = index
            .get(&ApplicationNumber::parse("CN202110123456.7").unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(got.title, "一种钠离子电池");
        assert!(
            index
                .search_plain(&SearchRequest::new("图像", 10))
                .unwrap()
                .hits
                .is_empty()
        );
    }

    #[test]
    fn a_foreign_fingerprint_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let index = PatentIndex::open_or_create(dir.path()).unwrap();
        let mut writer = index.writer(1, 50_000_000).unwrap();
        writer
            .commit(&CommitState {
                fingerprint: "v0-old".into(),
                last_batch: 0,
            })
            .unwrap();
        writer.finish().unwrap();
        drop(index);
        let message = PatentIndex::open_or_create(dir.path())
            .err()
            .unwrap()
            .to_string();
        assert!(
            message.contains("v0-old") && message.contains("patscreen reindex"),
            "{message}"
        );
    }
    /// Three batches of two patents each, committed one by one through `writer`.
    fn commit_three(writer: &mut PatentWriter) {
        for batch in 0..3u64 {
            let patents: Vec<Patent> = (0..2u64)
                .map(|i| {
                    let body = format!("2021101234{:02}", batch * 2 + i);
                    let number = format!("CN{body}.{}", crate::model::check_digit(&body));
                    patent(&number, "一种电池", "电池正极。")
                })
                .collect();
            let ordinals = [batch * 2 + 1, batch * 2 + 2];
            writer.apply(&patents, &ordinals).unwrap();
            writer
                .commit(&CommitState {
                    fingerprint: schema::fingerprint(),
                    last_batch: batch as i64 + 1,
                })
                .unwrap();
        }
    }

    fn segments(index: &PatentIndex) -> usize {
        index.reload().unwrap();
        index.reader.searcher().segment_readers().len()
    }

    #[test]
    fn segments_of_similar_size_merge_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let index = PatentIndex::open_or_create(dir.path()).unwrap();
        let mut writer = index.writer(1, 50_000_000).unwrap();
        commit_three(&mut writer);
        writer.finish().unwrap();
        assert_eq!(segments(&index), 1);
        assert_eq!(index.num_docs(), 6);
        assert_eq!(index.commit_state().unwrap().unwrap().last_batch, 3);
    }

    #[test]
    fn a_rollback_drops_what_was_written_since_the_last_commit() {
        let dir = tempfile::tempdir().unwrap();
        let index = PatentIndex::open_or_create(dir.path()).unwrap();
        let kept = patent("CN202110123456.7", "一种电池", "电池。");
        commit(&index, std::slice::from_ref(&kept), &[1], 1);
        let mut writer = index.writer(1, 50_000_000).unwrap();
        let dropped = patent("CN201910000001.9", "一种电池外壳", "电池。");
        let replacement = patent("CN202110123456.7", "一种传感器", "传感器。");
        writer.write(&[(&dropped, 2)], false).unwrap();
        writer.write(&[(&replacement, 1)], true).unwrap();
        writer.rollback().unwrap();
        let other = patent("CN201920000002.9", "一种电池盖", "电池。");
        writer.write(&[(&other, 3)], false).unwrap();
        writer
            .commit(&CommitState {
                fingerprint: schema::fingerprint(),
                last_batch: 2,
            })
            .unwrap();
        writer.finish().unwrap();
        index.reload().unwrap();
        let found = index.search_plain(&SearchRequest::new("电池", 10)).unwrap();
        let mut numbers = numbers(&found);
        numbers.sort_unstable();
        // The rolled-back addition is gone and the rolled-back replacement deleted nothing.
        assert_eq!(numbers, ["CN201920000002.9", "CN202110123456.7"]);
    }

    #[test]
    fn merges_wait_for_a_commit() {
        let dir = tempfile::tempdir().unwrap();
        let index = PatentIndex::open_or_create(dir.path()).unwrap();
        let metas: Vec<SegmentMeta> = (0..2)
            .map(|_| {
                index
                    .index
                    .new_segment_meta(tantivy::index::SegmentId::generate_random(), 5_000)
            })
            .collect();
        let policy = AfterCommit {
            log: AfterCommit::log(),
            open: Arc::new(AtomicBool::new(false)),
        };
        assert!(policy.compute_merge_candidates(&metas).is_empty());
        policy.open.store(true, Ordering::SeqCst);
        let candidates = policy.compute_merge_candidates(&metas);
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].0.len(), 2);
    }

    #[test]
    fn a_rebuild_merges_only_when_asked_and_keeps_its_commit_state() {
        let dir = tempfile::tempdir().unwrap();
        let index = PatentIndex::open_or_create(dir.path()).unwrap();
        let mut writer = index.writer_without_merges(1, 50_000_000).unwrap();
        commit_three(&mut writer);
        assert_eq!(segments(&index), 3);
        writer.merge_all().unwrap();
        writer.finish().unwrap();
        assert_eq!(segments(&index), 1);
        assert_eq!(index.num_docs(), 6);
        assert_eq!(index.commit_state().unwrap().unwrap().last_batch, 3);
        let r = index.search_plain(&SearchRequest::new("电池", 10)).unwrap();
        assert_eq!(r.total, 6);
    }
}
