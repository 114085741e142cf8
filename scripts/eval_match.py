#!/usr/bin/env python3
"""Scores patscreen's matchmaking on both matchmaking sets of ../shared/eval, over HTTP.

Sets: match_qrels_dev.jsonl (15 demands) and match_qrels_dev2.jsonl (19 demands), against the
2,946 technology offers of offers_51jishu.jsonl. Each demand is posted with `POST /v1/demands`
(title = the demand's name, description = its context) and its top 10 is read from
`GET /v1/demands/{id}/matches?limit=10`. As ../shared/eval/README.md defines them: nDCG@10 with
gain 2^grade - 1 over the demands with a relevant offer, P@10 (grade >= 1) over all demands,
and judged@10, the share of the top 10 that is judged (unjudged hits count as non-relevant;
read them before trusting a drop). The other way round, with every demand of both sets
posted, each relevant offer's `GET /v1/patents/{n}/demands` is read and the reciprocal rank of
its demand averaged over the relevant demand–offer pairs (patent → demands MRR, per set; a
demand posted again by an earlier run counts once, and other demands already in a reused
`--data-dir` count as misses ranked above, so use a library without them).

    python3 scripts/eval_match.py --bin target/release/patscreen [--data-dir DIR] [--verbose]
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
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
SETS = {"dev": "match_qrels_dev.jsonl", "dev2": "match_qrels_dev2.jsonl"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, key, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {key}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "patscreen"))
    ap.add_argument("--data-dir")
    ap.add_argument("--shared", default=SHARED)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    batches = os.path.join(args.shared, "data", "batches")
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="patscreen-match-")
    if not os.path.exists(os.path.join(data_dir, "catalog.sqlite")):
        subprocess.run([args.bin, "--data-dir", data_dir, "-q", "ingest",
                        os.path.join(batches, "offers_51jishu.jsonl"), "--institution", "51jishu"],
                       check=True, capture_output=True)
    key = subprocess.run([args.bin, "--data-dir", data_dir, "-q", "keys", "create", "--role", "reader"],
                         check=True, capture_output=True, text=True).stdout.strip()
    to_id = {}
    with open(os.path.join(batches, "offers_51jishu.idmap.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            source, number = line.rstrip("\n").split("\t")
            to_id[number] = source
    demands = {}
    with open(os.path.join(args.shared, "data", "tech-demands-51jishu", "demands.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            demands[d["id"]] = d
    port = free_port()
    server = subprocess.Popen([args.bin, "--data-dir", data_dir, "-q", "serve", "--listen", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = {}
    all_ndcg = []
    relevant_pairs = {}
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        for name, file in SETS.items():
            qrels = {}
            with open(os.path.join(args.shared, "eval", file), encoding="utf-8") as f:
                for line in f:
                    q = json.loads(line)
                    qrels.setdefault(q["demand_id"], {})[q["achievement_id"]] = q["grade"]
            ndcg, precision, judged, left_out = [], [], [], 0
            relevant_pairs[name] = [(d, a) for d, g in qrels.items() for a, v in g.items() if v >= 1]
            for demand_id in sorted(qrels):
                grades = qrels[demand_id]
                demand = demands[demand_id]
                stored = call(port, key, "POST", "/v1/demands",
                              {"title": demand["name"], "description": demand.get("context") or ""})
                matches = call(port, key, "GET", f"/v1/demands/{stored['id']}/matches?limit=10")["matches"]
                ranked = [grades.get(to_id.get(m["application_number"])) for m in matches]
                dcg = sum((2 ** (g or 0) - 1) / math.log2(i + 2) for i, g in enumerate(ranked))
                ideal = sorted(grades.values(), reverse=True)[:10]
                idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
                if idcg > 0:
                    ndcg.append(dcg / idcg)
                    all_ndcg.append(dcg / idcg)
                else:
                    left_out += 1
                precision.append(sum(1 for g in ranked if g and g >= 1) / 10)
                judged.append(sum(1 for g in ranked if g is not None) / 10)
                if args.verbose:
                    shown = " ".join(f"{m['title'][:10]}[{'?' if g is None else g}]"
                                     for m, g in zip(matches, ranked))
                    score = f"{dcg / idcg:.3f}" if idcg > 0 else "-"
                    print(f"{demand_id} {demand['name']}: nDCG@10 {score} | {shown}")
            mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
            report[name] = {"demands": len(qrels), "ndcg_demands": len(ndcg), "left_out": left_out,
                            "ndcg@10": round(mean(ndcg), 3), "p@10": round(mean(precision), 3),
                            "judged@10": round(mean(judged), 3)}
            print(f"{name:<5} nDCG@10 {mean(ndcg):.3f} over {len(ndcg)} demands ({left_out} without a "
                  f"relevant offer left out) | P@10 {mean(precision):.3f} | judged@10 {mean(judged):.3f}",
                  flush=True)
        print(f"all   nDCG@10 {sum(all_ndcg) / len(all_ndcg):.3f} over {len(all_ndcg)} demands")
        report["all"] = {"ndcg@10": round(sum(all_ndcg) / len(all_ndcg), 3), "ndcg_demands": len(all_ndcg)}
        # Patent -> demands: every demand of both sets is in the library by now.
        posted = {d for pairs in relevant_pairs.values() for d, _ in pairs}
        source_of = {demands[i]["name"]: i for i in posted}
        to_number = {v: k for k, v in to_id.items()}
        all_rr = []
        for name, pairs in relevant_pairs.items():
            rr = []
            for demand_id, offer in pairs:
                number = to_number[offer]
                found = call(port, key, "GET", f"/v1/patents/{number}/demands?limit=100")["demands"]
                ranked = []
                for m in found:
                    source = source_of.get(m["demand"]["title"], m["demand"]["title"])
                    if source not in ranked:
                        ranked.append(source)
                rr.append(1 / (ranked.index(demand_id) + 1) if demand_id in ranked else 0.0)
            all_rr += rr
            report[name]["patent_demands_mrr"] = round(sum(rr) / len(rr), 3)
            print(f"{name:<5} patent -> demands MRR {sum(rr) / len(rr):.3f} over {len(rr)} relevant pairs")
        print(f"all   patent -> demands MRR {sum(all_rr) / len(all_rr):.3f} over {len(all_rr)} relevant pairs")
        report["all"]["patent_demands_mrr"] = round(sum(all_rr) / len(all_rr), 3)
    finally:
        server.terminate()
        server.wait(timeout=60)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
