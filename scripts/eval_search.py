#!/usr/bin/env python3
"""Scores `patscreen search --format json` on the dev search queries of ../shared/eval.

Known-item queries: MRR@10 and recall@10; topical queries: nDCG@10 (binary gains, log2
discount, ideal from min(|relevant|, 10)) and P@10, as ../shared/eval/README.md defines them.

    python3 scripts/eval_search.py --bin target/release/patscreen [--data-dir DIR] [--fresh]

With --fresh (or when DIR has no library) the CCF batch is ingested first. Application numbers
in the answers are mapped back to CCF ids through ccf_patents.idmap.tsv.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "patscreen"))
    ap.add_argument("--data-dir")
    ap.add_argument("--shared", default=SHARED)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    batches = os.path.join(args.shared, "data", "batches")
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="patscreen-eval-")
    if not os.path.exists(os.path.join(data_dir, "catalog.sqlite")):
        run([args.bin, "--data-dir", data_dir, "-q", "ingest", os.path.join(batches, "ccf_patents.jsonl"),
             "--institution", "CCF"])
    to_id = {}
    with open(os.path.join(batches, "ccf_patents.idmap.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            source, number = line.rstrip("\n").split("\t")
            to_id[number] = source
    queries = [json.loads(l) for l in open(os.path.join(args.shared, "eval", "search_queries_dev.jsonl"), encoding="utf-8")]
    mrr, recall, ndcg, p10 = [], [], [], []
    for q in queries:
        answer = json.loads(run([args.bin, "--data-dir", data_dir, "-q", "search", q["query"], "--format", "json", "--limit", "10"]))
        ranked = [to_id.get(h["application_number"]) for h in answer["hits"]]
        relevant = set(q["relevant"])
        if q["kind"] == "known_item":
            rank = next((i + 1 for i, r in enumerate(ranked) if r in relevant), None)
            mrr.append(1.0 / rank if rank else 0.0)
            recall.append(1.0 if rank else 0.0)
            if args.verbose:
                print(f"{q['qid']} rank={rank} {q['query']}")
        else:
            dcg = sum(1.0 / math.log2(i + 2) for i, r in enumerate(ranked) if r in relevant)
            ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
            ndcg.append(dcg / ideal)
            p10.append(sum(1 for r in ranked if r in relevant) / 10)
            if args.verbose:
                print(f"{q['qid']} ndcg={dcg / ideal:.3f} {q['query']}")
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
    print(f"known-item ({len(mrr)} queries): MRR@10 {mean(mrr):.3f}  recall@10 {mean(recall):.3f}")
    print(f"topical ({len(ndcg)} queries): nDCG@10 {mean(ndcg):.3f}  P@10 {mean(p10):.3f}")


if __name__ == "__main__":
    sys.exit(main())
