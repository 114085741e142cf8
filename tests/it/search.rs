//! Searching in Chinese: phrases, AND/OR/NOT, field prefixes, filters, facets, snippets, and
//! the CLI's JSON output.

use chrono::Datelike;
use patscreen::index::{Hit, SearchRequest, SortOrder};
use patscreen::model::{ApplicationNumber, IpcCode, LegalStatus, Patent};
use patscreen::progress::Silent;

use crate::common::{cli, found, jsonl, library};

fn patent(number: &str, title: &str, abstract_text: &str, ipc: &str, year: i32) -> Patent {
    let mut p = Patent::new(ApplicationNumber::parse(number).unwrap(), title);
    p.abstract_text = Some(abstract_text.into());
    p.ipc = vec![IpcCode::parse(ipc).unwrap()];
    p.application_date = chrono::NaiveDate::from_ymd_opt(year, 3, 1);
    p.legal_status = Some(if year < 2015 {
        LegalStatus::Lapsed
    } else {
        LegalStatus::InForce
    });
    p
}

fn fixture() -> Vec<Patent> {
    let mut patents = vec![
        patent(
            "CN202110123456.7",
            "一种锂离子电池正极材料及其制备方法",
            "本发明涉及锂离子电池正极材料，通过掺杂提高循环稳定性。",
            "H01M4/505",
            2021,
        ),
        patent(
            "CN201919000000.1",
            "一种废旧锂电池回收装置",
            "回收废旧锂电池中的有价金属，正极与材料分别处理。",
            "H01M10/54",
            2019,
        ),
        patent(
            "CN201919000001.6",
            "基于卷积神经网络的人脸活体检测方法",
            "利用卷积神经网络识别人脸图像，防止照片攻击。",
            "G06V40/40",
            2019,
        ),
        patent(
            "CN201919000002.0",
            "一种电池热管理系统",
            "动力电池包的加热与散热，保持电芯温度均匀。",
            "H01M10/613",
            2012,
        ),
    ];
    patents[2].claims = Some(
        "1.一种人脸活体检测方法，其特征在于，采用红外双目摄像头采集人脸图像。\n2.根据权利要求1所述的方法，其特征在于，所述图像经卷积神经网络分类。".into(),
    );
    patents
}

#[test]
fn chinese_phrases_booleans_fields_and_filters() {
    let (_dir, library) = library();
    library
        .submit(jsonl("f.jsonl", "清华大学", &fixture()), &Silent)
        .unwrap();
    let [a, b, c, d] = [
        "CN202110123456.7",
        "CN201919000000.1",
        "CN201919000001.6",
        "CN201919000002.0",
    ];
    // A phrase matches only where the characters stand together: 正极 and 材料 are apart in b.
    assert_eq!(found(&library, "\"正极材料\""), [a]);
    assert_eq!(found(&library, "“人脸活体检测”"), [c]);
    assert!(found(&library, "\"材料正极\"").is_empty());
    // A scoped phrase uses the word field.
    assert_eq!(found(&library, "ti:\"锂离子电池正极材料\""), [a]);
    // Claims have no bigrams: an unscoped phrase finds them through their words.
    assert_eq!(found(&library, "\"红外双目摄像头\""), [c]);
    assert!(found(&library, "\"摄像头双目\"").is_empty());
    let hit = &library.search(&SearchRequest::new("红外", 1)).unwrap().hits[0];
    assert!(
        hit.snippets["claims"].marked("[", "]").contains("[红外]"),
        "{:?}",
        hit.snippets
    );
    // Boolean operators.
    let mut both = found(&library, "锂电池 AND 回收");
    both.sort();
    assert_eq!(both, [b]);
    assert_eq!(found(&library, "电池 -回收 -热管理"), [a]);
    assert_eq!(found(&library, "+电池 +散热"), [d]);
    let mut either = found(&library, "ti:回收 OR ti:热管理");
    either.sort();
    assert_eq!(either, [b, d]);
    assert_eq!(found(&library, "(神经网络 OR 正极) AND ipc:G06V"), [c]);
    assert_eq!(found(&library, "ipc:H01M10 AND NOT 回收"), [d]);
    assert_eq!(found(&library, "inst:清华大学").len(), 4);
    assert!(found(&library, "inst:北京大学").is_empty());
    // Filters and date sort.
    let mut request = SearchRequest::new("电池", 10);
    request.filters.year_from = Some(2015);
    request.sort = SortOrder::Newest;
    request.facets = true;
    let results = library.search(&request).unwrap();
    let numbers: Vec<_> = results
        .hits
        .iter()
        .map(|h| h.application_number.as_str())
        .collect();
    assert_eq!(numbers, [a, b]);
    assert_eq!(results.total, 2);
    let facets = results.facets.unwrap();
    assert_eq!(
        facets["year"],
        [("2019".to_string(), 1), ("2021".to_string(), 1)]
    );
    assert_eq!(facets["ipc_section"], [("H".to_string(), 2)]);
    request.filters.legal_statuses = vec![LegalStatus::Lapsed];
    request.filters.year_from = None;
    let lapsed = library.search(&request).unwrap();
    assert_eq!(lapsed.hits.len(), 1);
    assert_eq!(lapsed.hits[0].application_number, d);
    // Snippets mark the matched words in the original text.
    let hit = &library
        .search(&SearchRequest::new("有价金属", 1))
        .unwrap()
        .hits[0];
    assert!(
        hit.snippets["abstract"]
            .marked("[", "]")
            .contains("[有价金属]"),
        "{:?}",
        hit.snippets
    );
}

#[test]
fn bad_queries_and_parameters_are_named() {
    let (_dir, library) = library();
    library
        .submit(jsonl("f.jsonl", "清华大学", &fixture()), &Silent)
        .unwrap();
    for (query, expected) in [
        ("\"电池", "invalid query"),
        ("ipc:XYZ", "invalid query: 'XYZ' is not an IPC prefix"),
    ] {
        let message = library
            .search(&SearchRequest::new(query, 10))
            .unwrap_err()
            .to_string();
        assert!(message.starts_with(expected), "{query}: {message}");
    }
    // Text a person may well type with nothing searchable in it is no error: no hits, and a
    // note that says why.
    for query in ["的", "§", "，。"] {
        let results = library.search(&SearchRequest::new(query, 10)).unwrap();
        assert_eq!((results.total, results.hits.len()), (0, 0), "{query}");
        assert!(
            results
                .note
                .as_deref()
                .is_some_and(|n| n.contains("nothing searchable")),
            "{query}: {:?}",
            results.note
        );
    }
    let message = library
        .search(&SearchRequest::new("电池", 0))
        .unwrap_err()
        .to_string();
    assert!(message.starts_with("invalid limit"), "{message}");
    let mut request = SearchRequest::new("电池", 10);
    request.filters.ipc = vec!["电池".into()];
    assert!(
        library
            .search(&request)
            .unwrap_err()
            .to_string()
            .starts_with("invalid ipc")
    );
}

#[test]
fn cli_search_json_lists_hits_with_total_and_highlights() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("f.jsonl");
    std::fs::write(
        &file,
        patscreen::ingest::write_jsonl(Vec::new(), &fixture()).unwrap(),
    )
    .unwrap();
    let out = cli(
        &data,
        &[
            "ingest",
            file.to_str().unwrap(),
            "--institution",
            "清华大学",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(
        &data,
        &["search", "锂电池 回收", "--format", "json", "--facets"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["hits"][0]["application_number"], "CN201919000000.1");
    assert!(json["total"].as_u64().unwrap() >= 2);
    assert_eq!(json["hits"][0]["institution"], "清华大学");
    assert!(
        json["hits"][0]["snippets"]["title"]["ranges"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    assert!(json["facets"]["institution"].is_array());
    // The text output says why a search was relaxed in the library's words: the fixture is
    // too small for 20 patents to hold both concepts.
    let text = cli(&data, &["search", "锂电池 回收"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("relaxed (锂电池, 回收): fewer than 20 patents match"),
        "{text}"
    );
    assert!(!text.contains("at least 0"), "{text}");
    let bad = cli(&data, &["search", "ipc:Q99"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("the query: 'Q99' is not an IPC prefix"));
    // Reading a library that does not exist is an error, and creates nothing.
    let nowhere = dir.path().join("nowhere");
    let empty = cli(&nowhere, &["search", "电池"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("there is no library at"));
    assert!(!nowhere.exists());
}

#[test]
fn juxtaposed_words_are_concepts_that_all_match_and_relaxation_is_reported() {
    let (_dir, library) = library();
    let mut patents = fixture();
    let mut gene = patent(
        "CN201919000003.5",
        "一种水稻分蘖基因及其应用",
        "提供一种调控分蘖的基因材料。",
        "C12N15/82",
        2019,
    );
    gene.institution = Some("清华大学".into());
    patents.push(gene);
    library
        .submit(jsonl("f.jsonl", "清华大学", &patents), &Silent)
        .unwrap();
    let search = |q: &str| library.search(&SearchRequest::new(q, 10)).unwrap();
    // 正极材料 is one concept: 材料 alone (the gene) or 正极 … 材料 apart do not make it.
    let both = search("锂电池 正极材料");
    assert_eq!(both.concepts, ["锂电池", "正极材料"]);
    assert_eq!(both.hits[0].application_number, "CN202110123456.7");
    assert!(
        both.hits[0].missing_concepts.is_empty(),
        "{:?}",
        both.hits[0]
    );
    // Fewer patents than the relaxation threshold match every concept: the search relaxes,
    // says so, and names what each other hit lacks. The gene shares only the bigram 材料 with
    // the query: it matches no concept and is flagged so, after every hit that matches both
    // (the recycling patent does: 正极 … 材料 stand apart in its abstract).
    let relaxed = both.relaxed.expect("relaxed");
    assert_eq!((relaxed.matched, relaxed.of), (0, 2));
    let missing: Vec<usize> = both.hits.iter().map(|h| h.missing_concepts.len()).collect();
    assert!(missing.windows(2).all(|w| w[0] <= w[1]), "{missing:?}");
    let gene = both
        .hits
        .iter()
        .find(|h| h.application_number == "CN201919000003.5")
        .expect("the gene shares a bigram");
    assert_eq!(gene.missing_concepts, ["锂电池", "正极材料"]);
    // A relaxed value sort lists the on-topic hits (within half the best relevance) first, by
    // value, then the others by value: the best match is on topic, the gene is not.
    let mut by_value = SearchRequest::new("锂电池 正极材料", 10);
    by_value.sort = SortOrder::Value;
    let valued = library.search(&by_value).unwrap();
    assert_on_topic_first(&valued.hits, |h| h.value.unwrap_or(-1.0));
    let flag = |number: &str| {
        valued
            .hits
            .iter()
            .find(|h| h.application_number == number)
            .and_then(|h| h.on_topic)
    };
    assert_eq!(flag(&both.hits[0].application_number), Some(true));
    assert_eq!(flag("CN201919000003.5"), Some(false));
    assert!(valued.relaxed.expect("relaxed").note.contains("on_topic"));
    assert_eq!(valued.total, both.total);
    assert!(both.hits.iter().all(|h| h.on_topic.is_none()));
    // Field terms and filters always intersect.
    let scoped = search("ipc:H01M inst:清华大学 回收");
    let numbers: Vec<&str> = scoped
        .hits
        .iter()
        .map(|h| h.application_number.as_str())
        .collect();
    assert!(
        numbers.iter().all(|n| *n != "CN201919000001.6"),
        "{numbers:?}"
    );
    assert!(scoped.hits.iter().all(|h| h.ipc[0].starts_with("H01M")));
}

#[test]
fn thesaurus_aliases_match_at_a_lower_weight_and_are_shown() {
    let (_dir, library) = library();
    let mut patents = fixture();
    patents.push(patent(
        "CN201919000003.5",
        "一种超高分子量聚乙烯纤维及其制备方法",
        "以超高分子量聚乙烯为原料纺丝，提高纤维强度。",
        "D01F6/04",
        2019,
    ));
    library
        .submit(jsonl("f.jsonl", "清华大学", &patents), &Silent)
        .unwrap();
    // The curated thesaurus knows UHMWPE as 超高分子量聚乙烯.
    let results = library.search(&SearchRequest::new("UHMWPE", 10)).unwrap();
    assert_eq!(results.hits[0].application_number, "CN201919000003.5");
    assert_eq!(results.expansions.len(), 1);
    assert!(
        results.expansions[0]
            .also_matched
            .iter()
            .any(|a| a == "超高分子量聚乙烯"),
        "{:?}",
        results.expansions
    );
    // Quotes and expand=false search the word as typed.
    assert!(
        library
            .search(&SearchRequest::new("\"UHMWPE\"", 10))
            .unwrap()
            .hits
            .is_empty()
    );
    let mut plain = SearchRequest::new("UHMWPE", 10);
    plain.expand = false;
    let plain = library.search(&plain).unwrap();
    assert!(plain.hits.is_empty() && plain.expansions.is_empty());
}

#[test]
fn a_relaxed_date_sort_orders_on_topic_hits_first() {
    let (_dir, library) = library();
    library
        .submit(jsonl("f.jsonl", "清华大学", &fixture()), &Silent)
        .unwrap();
    let mut request = SearchRequest::new("电池 回收", 10);
    request.sort = SortOrder::Newest;
    let results = library.search(&request).unwrap();
    // Only a relevance order is ranked again by characters.
    let relaxed = results.relaxed.as_ref().expect("relaxed");
    assert!(
        !relaxed.note.contains("Chinese characters"),
        "{}",
        relaxed.note
    );
    assert_on_topic_first(&results.hits, |h| {
        h.application_date
            .map_or(f64::MIN, |d| f64::from(d.num_days_from_ce()))
    });
    // The recycling patent (2019) matches both concepts and leads the newer ones.
    assert_eq!(results.hits[0].application_number, "CN201919000000.1");
    assert!(results.hits.iter().any(|h| h.on_topic == Some(false)));
}

/// Asserts that every hit is flagged, the on-topic ones first, each block in descending `key`.
fn assert_on_topic_first(hits: &[Hit], key: impl Fn(&Hit) -> f64) {
    let flags: Vec<bool> = hits.iter().map(|h| h.on_topic.expect("flagged")).collect();
    assert!(flags.windows(2).all(|w| w[0] || !w[1]), "{flags:?}");
    assert!(flags.first() == Some(&true), "{flags:?}");
    for block in [true, false] {
        let keys: Vec<f64> = hits
            .iter()
            .filter(|h| h.on_topic == Some(block))
            .map(&key)
            .collect();
        assert!(keys.windows(2).all(|w| w[0] >= w[1]), "{keys:?}");
    }
}

#[test]
fn aliases_the_library_defines_are_mined_and_survive_a_reindex() {
    let (dir, library) = library();
    let mut patents = fixture();
    patents.push(patent(
        "CN201919000003.5",
        "一种终端的网络切换方法",
        "本发明涉及基于窄带光电互联（ZBGX-9）的终端切换。",
        "H04W36/00",
        2019,
    ));
    patents.push(patent(
        "CN201919000004.X",
        "一种窄带光电互联模组",
        "窄带光电互联模组的供电电路。",
        "H04W88/06",
        2019,
    ));
    library
        .submit(jsonl("f.jsonl", "清华大学", &patents), &Silent)
        .unwrap();
    let mined = library.mined_aliases().unwrap();
    assert!(
        mined
            .iter()
            .any(|a| a.full == "窄带光电互联" && a.short == "ZBGX-9" && a.patents == 1),
        "{mined:?}"
    );
    // The abbreviation finds the patent that only writes the full name.
    let found_by_abbreviation = |library: &patscreen::engine::Library| {
        let results = library.search(&SearchRequest::new("ZBGX-9", 10)).unwrap();
        results
            .hits
            .iter()
            .map(|h| h.application_number.clone())
            .collect::<Vec<_>>()
    };
    assert!(found_by_abbreviation(&library).contains(&"CN201919000004.X".to_string()));
    // Derived data: a reindex mines them again from the archive.
    library.close().unwrap();
    drop(library);
    let (library, _) =
        patscreen::engine::Library::open_and_reindex(dir.path(), crate::common::small(), &Silent)
            .unwrap();
    assert!(!library.mined_aliases().unwrap().is_empty());
    assert!(found_by_abbreviation(&library).contains(&"CN201919000004.X".to_string()));
}

#[test]
fn a_relaxed_search_ranks_hits_holding_more_of_each_concepts_characters_first() {
    let (_dir, library) = library();
    // Neither patent holds 避震弹簧 or 泵壳 whole; both share the word 弹簧. The scale holds it
    // more often and in its title, the pump holds it once, but also 震 and 泵: it says the
    // same thing in other words (减震弹簧, 泵体).
    let patents = vec![
        patent(
            "CN201919000000.1",
            "一种弹簧秤弹簧",
            "弹簧秤的弹簧用于称重。",
            "G01G3/02",
            2019,
        ),
        patent(
            "CN201919000003.5",
            "一种水泵",
            "泵体下方设有减震弹簧，运行平稳。",
            "F04D29/66",
            2019,
        ),
    ];
    library
        .submit(jsonl("r.jsonl", "清华大学", &patents), &Silent)
        .unwrap();
    let mut request = SearchRequest::new("避震弹簧 泵壳", 10);
    request.expand = false;
    let results = library.search(&request).unwrap();
    let relaxed = results.relaxed.as_ref().expect("relaxed");
    assert!(
        relaxed.note.contains("Chinese characters"),
        "{}",
        relaxed.note
    );
    let numbers: Vec<&str> = results
        .hits
        .iter()
        .map(|h| h.application_number.as_str())
        .collect();
    assert_eq!(numbers, ["CN201919000003.5", "CN201919000000.1"]);
    assert!(results.hits.iter().all(|h| h.record.is_none()));
    assert_eq!(results.total, 2);
    // Every page is cut from the same re-ranked list.
    request.offset = 1;
    request.limit = 1;
    let second = library.search(&request).unwrap();
    assert_eq!(second.hits.len(), 1);
    assert_eq!(second.hits[0].application_number, "CN201919000000.1");
    assert_eq!(second.total, 2);
}
