#![allow(missing_docs, clippy::unwrap_used)]
use std::collections::HashSet;
fn f1(jieba: &jieba_rs::Jieba, gold: &str) -> f64 {
    let (mut m, mut p, mut e) = (0, 0, 0);
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let toks: Vec<&str> = line.split(' ').filter(|t| !t.is_empty()).collect();
        let text: String = toks.concat();
        let sp = |it: &mut dyn Iterator<Item = usize>| {
            let mut a = 0;
            let mut o = HashSet::new();
            for l in it {
                o.insert((a, a + l));
                a += l;
            }
            o
        };
        let g = sp(&mut toks.iter().map(|t| t.chars().count()));
        let c = jieba.cut(&text, true);
        let q = sp(&mut c.iter().map(|t| t.word.chars().count()));
        m += g.intersection(&q).count();
        p += q.len();
        e += g.len();
    }
    let pr = m as f64 / p as f64;
    let rc = m as f64 / e as f64;
    2.0 * pr * rc / (pr + rc)
}
fn main() {
    let gold = std::fs::read_to_string("../shared/data/ud-patentchar-claims/gold_segmentation.txt")
        .unwrap();
    let dict = std::fs::read_to_string("schema/user_dict.txt").unwrap();
    let plain = jieba_rs::Jieba::new();
    println!("none {:.4}", f1(&plain, &gold));
    let mut full = jieba_rs::Jieba::new();
    let mut kept = jieba_rs::Jieba::new();
    let mut dropped = Vec::new();
    for line in dict.lines() {
        let mut parts = line.split_whitespace();
        let Some(w) = parts.next() else { continue };
        let f = parts.next().and_then(|x| x.parse().ok());
        full.add_word(w, f, None);
        let pieces = plain.cut(w, true);
        let compound = pieces.len() > 1 && pieces.iter().all(|t| t.word.chars().count() >= 2);
        if compound {
            dropped.push(w.to_string());
        } else {
            kept.add_word(w, f, None);
        }
        let mut one = jieba_rs::Jieba::new();
        one.add_word(w, f, None);
        let d = f1(&one, &gold) - f1(&plain, &gold);
        if d.abs() > 0.0005 {
            println!("  {w}: {d:+.4}");
        }
    }
    println!("full {:.4}", f1(&full, &gold));
    println!(
        "kept {:.4} dropped {}: {:?}",
        f1(&kept, &gold),
        dropped.len(),
        dropped
    );
}
