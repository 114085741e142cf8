#!/usr/bin/env python3
"""Scores patscreen's search on every search set of ../shared/eval, through the HTTP API.

Sets: search_queries_dev.jsonl (known-item and topical), search_queries_dev2.jsonl (known-item)
and search_queries_paraphrase_dev.jsonl (known-item, in the searcher's vocabulary).
Known-item: MRR@10 and recall@10; topical: nDCG@10 (binary gains, log2 discount, ideal from
min(|relevant|, 10)) and P@10, as ../shared/eval/README.md defines them. Topical queries are
also run with sort=value, to compare P@10 of a value-sorted search with relevance order.

    python3 scripts/eval_search.py --bin target/release/patscreen [--data-dir DIR] [--verbose]
        [--sets dev,dev2,paraphrase] [--json out.json]

The CCF batch is ingested into DIR when it holds no library (a temporary directory by default),
`patscreen serve --public-reads` is started on a free loopback port, and every query is sent as
`GET /v1/search?q=…&limit=10`. Application numbers are mapped back to CCF ids through
ccf_patents.idmap.tsv.
"""
import argparse
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
SETS = {
    "dev": "search_queries_dev.jsonl",
    "dev2": "search_queries_dev2.jsonl",
    "paraphrase": "search_queries_paraphrase_dev.jsonl",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def search(port, query, **params):
    params = {"q": query, "limit": 10, "snippets": "false", **params}
    url = f"http://127.0.0.1:{port}/v1/search?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def score(port, queries, to_id, verbose, label):
    ki_rr, ki_hit, ndcg, p10, p10_value, relaxed = [], [], [], [], [], 0
    for q in queries:
        answer = search(port, q["query"])
        relaxed += 1 if answer.get("relaxed") else 0
        ranked = [to_id.get(h["application_number"]) for h in answer["hits"]]
        relevant = set(q["relevant"])
        if q["kind"] == "known_item":
            rank = next((i + 1 for i, r in enumerate(ranked) if r in relevant), None)
            ki_rr.append(1.0 / rank if rank else 0.0)
            ki_hit.append(1.0 if rank else 0.0)
            if verbose:
                print(f"{q['qid']} rank={rank} total={answer['total']} {q['query']}")
        else:
            dcg = sum(1.0 / math.log2(i + 2) for i, r in enumerate(ranked) if r in relevant)
            ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
            ndcg.append(dcg / ideal)
            p10.append(sum(1 for r in ranked if r in relevant) / 10)
            by_value = search(port, q["query"], sort="value")
            value_ranked = [to_id.get(h["application_number"]) for h in by_value["hits"]]
            p10_value.append(sum(1 for r in value_ranked if r in relevant) / 10)
            if verbose:
                print(f"{q['qid']} ndcg={dcg / ideal:.3f} p10={p10[-1]:.1f} "
                      f"p10(value)={p10_value[-1]:.1f} total={answer['total']} {q['query']}")
    result = {"queries": len(queries), "relaxed": relaxed}
    if ki_rr:
        result.update({"known_item": len(ki_rr), "mrr@10": round(mean(ki_rr), 3),
                       "recall@10": round(mean(ki_hit), 3)})
    if ndcg:
        result.update({"topical": len(ndcg), "ndcg@10": round(mean(ndcg), 3),
                       "p@10": round(mean(p10), 3), "p@10_sort_value": round(mean(p10_value), 3)})
    line = f"{label:<11}"
    if ki_rr:
        line += f" known-item ({len(ki_rr)}): MRR@10 {result['mrr@10']:.3f} recall@10 {result['recall@10']:.3f}"
    if ndcg:
        line += (f" | topical ({len(ndcg)}): nDCG@10 {result['ndcg@10']:.3f} P@10 {result['p@10']:.3f}"
                 f" P@10 sort=value {result['p@10_sort_value']:.3f}")
    line += f" | relaxed {relaxed}/{len(queries)}"
    print(line, flush=True)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "patscreen"))
    ap.add_argument("--data-dir")
    ap.add_argument("--shared", default=SHARED)
    ap.add_argument("--sets", default="dev,dev2,paraphrase")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    batches = os.path.join(args.shared, "data", "batches")
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="patscreen-eval-")
    if not os.path.exists(os.path.join(data_dir, "catalog.sqlite")):
        subprocess.run([args.bin, "--data-dir", data_dir, "-q", "ingest",
                        os.path.join(batches, "ccf_patents.jsonl"), "--institution", "CCF"],
                       check=True, capture_output=True)
    to_id = {}
    with open(os.path.join(batches, "ccf_patents.idmap.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            source, number = line.rstrip("\n").split("\t")
            to_id[number] = source
    port = free_port()
    server = subprocess.Popen([args.bin, "--data-dir", data_dir, "-q", "serve", "--public-reads",
                               "--listen", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        report = {}
        for name in args.sets.split(","):
            path = os.path.join(args.shared, "eval", SETS[name])
            queries = [json.loads(l) for l in open(path, encoding="utf-8")]
            report[name] = score(port, queries, to_id, args.verbose, name)
    finally:
        server.terminate()
        server.wait(timeout=60)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
