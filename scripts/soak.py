#!/usr/bin/env python3
"""A bounded soak run of `patscreen serve` on loopback, with fault injection.

What it does, in order (every figure it prints is measured here, on this machine):

1. Builds a library of generated patents and starts `serve` on a free loopback port.
2. Memory before authentication: three concurrent anonymous uploads of 200 MiB each; the
   server's RSS is sampled every 20 ms and the largest rise reported.
3. Silent and half-sent connections: 100 of each are opened at once and the time until the
   server closes each is measured (the configured --header-timeout).
4. A soak of mixed searches (plain, filtered, faceted, value-sorted, paged by cursor) from
   several threads while a submitter posts good batches and every file of
   data-samples/bad/ (with its institution) in turn. Any 5xx, any batch ending `failed`,
   any connection error counts as a fault.
5. Fault injection: the server is killed (SIGKILL) while a batch is processing, restarted,
   and every acknowledged batch must end accepted or rejected, none lost, the server ready.
6. A full disk: a copy of the library on a size-limited tmpfs (when this user may mount
   one; skipped with a message otherwise) is fed a batch that does not fit. The batch must
   end `failed` with the disk named, the server must stay up and ready, and after space is
   freed the next batch must be accepted.

Usage: scripts/soak.py --binary target/release/patscreen [--minutes 5] [--json out.json]
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Server:
    def __init__(self, binary, data, extra=()):
        self.binary, self.data, self.extra = binary, data, list(extra)
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--data-dir", self.data, "--quiet", "serve",
             "--listen", f"127.0.0.1:{self.port}", *self.extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                status, _ = self.request("GET", "/readyz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not become ready")

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=120)

    def request(self, method, path, key=None, body=None, headers=None, timeout=60):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        all_headers = dict(headers or {})
        if key:
            all_headers["Authorization"] = f"Bearer {key}"
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            payload = response.read()
            return response.status, payload
        finally:
            connection.close()


def run(binary, *args, data):
    return subprocess.run([binary, "--data-dir", data, "--quiet", *args],
                          check=True, capture_output=True, text=True).stdout


def build_library(binary, data, count):
    os.makedirs(data, exist_ok=True)
    corpus = os.path.join(data, "corpus.jsonl")
    subprocess.run([binary, "generate", "--count", str(count), "--out", corpus],
                   check=True, capture_output=True)
    run(binary, "ingest", corpus, "--institution", "清华大学", data=data)
    os.remove(corpus)
    admin = run(binary, "keys", "create", "--role", "admin", data=data).strip()
    reader = run(binary, "keys", "create", "--role", "reader", data=data).strip()
    return admin, reader


def anonymous_uploads(server, count=3, size=200 << 20):
    """Three concurrent anonymous uploads of `size` bytes; returns the largest RSS rise."""
    pid = server.process.pid
    baseline = rss_kib(pid)
    peak = [baseline]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(pid))
            time.sleep(0.02)

    statuses = []

    def upload():
        chunk = b"x" * (1 << 20)
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(
            (f"POST /v1/batches?institution=%E6%B8%85%E5%8D%8E%E5%A4%A7%E5%AD%A6 HTTP/1.1\r\n"
             f"Host: x\r\nContent-Type: text/csv\r\nContent-Length: {size}\r\n\r\n").encode())
        sent = 0
        try:
            while sent < size:
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server answered 401 and closed: the rest is never read
        try:
            s.settimeout(10)
            reply = s.recv(200).decode(errors="replace")
            statuses.append(reply.split(" ")[1] if " " in reply else "closed")
        except OSError:
            statuses.append("reset")
        s.close()
        statuses.append(f"sent {sent >> 20} MiB")

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=upload) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(0.5)
    done.set()
    sampler.join()
    return {"baseline_mib": round(baseline / 1024, 1), "peak_mib": round(peak[0] / 1024, 1),
            "rise_mib": round((peak[0] - baseline) / 1024, 1), "replies": statuses}


def silent_connections(server, count=100):
    """Opens `count` silent and `count` half-header connections; returns how long each took
    to be closed by the server (seconds: min, median, max)."""
    def watch(half, results):
        s = socket.create_connection(("127.0.0.1", server.port))
        if half:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.time()
        s.settimeout(120)
        try:
            while s.recv(1024):
                pass
        except OSError:
            pass
        results.append(time.time() - started)
        s.close()

    summary = {}
    for half in (False, True):
        results = []
        threads = [threading.Thread(target=watch, args=(half, results)) for _ in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        results.sort()
        summary["half_header" if half else "silent"] = {
            "connections": len(results), "closed_after_s_min": round(results[0], 2),
            "median": round(results[len(results) // 2], 2), "max": round(results[-1], 2)}
    return summary


SEARCHES = [
    "/v1/search?q=%E7%94%B5%E6%B1%A0&limit=10",
    "/v1/search?q=%E4%BC%A0%E6%84%9F%E5%99%A8&status=in_force&limit=10",
    "/v1/search?q=%E7%AE%97%E6%B3%95&facets=true&limit=10",
    "/v1/search?q=*&sort=value&limit=20",
    "/v1/search?q=ipc%3AH01M&sort=newest&limit=5",
    "/v1/industries",
]


def soak(server, admin, reader, minutes, bad_dir):
    stop = time.time() + minutes * 60
    counts = {"requests": 0, "2xx": 0, "4xx": 0, "5xx": 0, "errors": 0, "batches": 0}
    lock = threading.Lock()
    batch_ids = []

    def count(status):
        with lock:
            counts["requests"] += 1
            if status is None:
                counts["errors"] += 1
            else:
                counts[f"{status // 100}xx"] = counts.get(f"{status // 100}xx", 0) + 1

    def searcher(seed):
        rng = random.Random(seed)
        while time.time() < stop:
            path = rng.choice(SEARCHES)
            try:
                status, body = server.request("GET", path, reader)
                count(status)
                if status == 200 and "search" in path:
                    cursor = json.loads(body).get("next_cursor")
                    if cursor:
                        status, _ = server.request("GET", f"{path}&cursor={cursor}", reader)
                        count(status)
            except OSError:
                count(None)

    manifest = [json.loads(line) for line in open(os.path.join(bad_dir, "manifest.jsonl"))]

    def submitter():
        serial = 0
        while time.time() < stop:
            sample = manifest[serial % len(manifest)]
            serial += 1
            with open(os.path.join(bad_dir, sample["name"]), "rb") as f:
                body = f.read()
            extension = sample["name"].rsplit(".", 1)[-1]
            fmt = {"json": "jsonl"}.get(extension, extension)
            query = urllib.parse.urlencode({"institution": sample["institution"],
                                            "source_name": sample["name"], "format": fmt})
            try:
                status, payload = server.request("POST", f"/v1/batches?{query}", admin, body)
                count(status)
                if status == 202:
                    with lock:
                        batch_ids.append(json.loads(payload)["id"])
                        counts["batches"] += 1
            except OSError:
                count(None)
            time.sleep(0.5)

    threads = [threading.Thread(target=searcher, args=(i,)) for i in range(4)]
    threads.append(threading.Thread(target=submitter))
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - started
    counts["requests_per_s"] = round(counts["requests"] / elapsed, 1)
    counts["failed_batches"] = wait_batches(server, admin, batch_ids)
    return counts


def wait_batches(server, admin, ids, timeout=600):
    """Waits for batches to end; returns the ids of those that ended `failed` or vanished."""
    deadline = time.time() + timeout
    bad = []
    for batch in ids:
        while True:
            status, body = server.request("GET", f"/v1/batches/{batch}", admin)
            state = json.loads(body).get("status") if status == 200 else None
            if state in ("accepted", "rejected"):
                break
            if state in ("failed", "quarantined") or status != 200 or time.time() > deadline:
                bad.append((batch, state or status))
                break
            time.sleep(0.2)
    return bad


def generated_batch(binary, workdir, count, seed):
    path = os.path.join(workdir, f"batch-{seed}.jsonl")
    subprocess.run([binary, "generate", "--count", str(count), "--seed", str(seed),
                    "--first-serial", str(5_000_000 + seed * 10_000), "--out", path],
                   check=True, capture_output=True)
    with open(path, "rb") as f:
        return f.read()


def kill_mid_batch(server, binary, admin, workdir, trials):
    """SIGKILLs the server while a batch is processing; after each restart every
    acknowledged batch must end accepted."""
    results = []
    for trial in range(trials):
        body = generated_batch(binary, workdir, 20_000, 100 + trial)
        status, payload = server.request(
            "POST", "/v1/batches?institution=%E5%8C%97%E4%BA%AC%E5%A4%A7%E5%AD%A6&format=jsonl",
            admin, body)
        assert status == 202, (status, payload)
        batch = json.loads(payload)["id"]
        status2, payload2 = server.request(
            "POST", "/v1/batches?institution=%E5%8C%97%E4%BA%AC%E5%A4%A7%E5%AD%A6&format=jsonl",
            admin, generated_batch(binary, workdir, 50, 200 + trial))
        queued = json.loads(payload2)["id"]
        while True:
            _, state = server.request("GET", f"/v1/batches/{batch}", admin)
            if json.loads(state)["status"] == "processing":
                break
            time.sleep(0.02)
        time.sleep(random.uniform(0.0, 2.0))
        server.stop(signal.SIGKILL)
        server.start()
        lost = wait_batches(server, admin, [batch, queued])
        states = [json.loads(server.request("GET", f"/v1/batches/{b}", admin)[1])["status"]
                  for b in (batch, queued)]
        ready = server.request("GET", "/readyz")[0]
        results.append({"trial": trial, "states": states, "lost": lost, "ready": ready})
    return results


def fill(path, size):
    with open(path, "wb") as f:
        block = b"\0" * (1 << 20)
        for _ in range(max(0, size) >> 20):
            f.write(block)


def upload_raw(port, key, body):
    """Posts a batch over a raw socket, reading the answer even if the server stops reading
    the body early; returns (status, first line of the problem)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall((f"POST /v1/batches?institution=%E6%B8%85%E5%8D%8E%E5%A4%A7%E5%AD%A6&format=jsonl "
               f"HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode())
    try:
        s.sendall(body)
    except OSError:
        pass
    s.settimeout(30)
    reply = b""
    try:
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    except OSError:
        pass
    s.close()
    text = reply.decode(errors="replace")
    status = int(text.split(" ")[1]) if text.startswith("HTTP/") else None
    return status, text.split("\r\n\r\n", 1)[-1][:300]


def full_disk(binary, workdir):
    """Builds a small library on a 200 MiB tmpfs and feeds it a batch that cannot fit."""
    mount = os.path.join(workdir, "small-disk")
    os.makedirs(mount, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200m", "tmpfs", mount],
                             capture_output=True)
    if mounted.returncode != 0:
        print("SKIPPED full-disk trial: cannot mount a size-limited tmpfs here "
              f"({mounted.stderr.decode().strip()})", file=sys.stderr)
        return {"skipped": mounted.stderr.decode().strip()}
    try:
        copy = os.path.join(mount, "library")
        admin, _ = build_library(binary, copy, 2_000)
        server = Server(binary, copy)
        server.start()
        body = generated_batch(binary, workdir, 20_000, 300)
        filler = os.path.join(mount, "filler")
        outcome = {"batch_mib": round(len(body) / (1 << 20), 1)}
        # First a disk too full to take the upload itself: a 507, nothing stored.
        fill(filler, shutil.disk_usage(mount).free - (1 << 20))
        status, payload = upload_raw(server.port, admin, body)
        outcome["upload_when_full"] = {"status": status, "problem": payload}
        # Then room for the upload, not for archiving and indexing it: the batch fails.
        os.remove(filler)
        fill(filler, shutil.disk_usage(mount).free - len(body) - (4 << 20))
        status, payload = server.request(
            "POST", "/v1/batches?institution=%E6%B8%85%E5%8D%8E%E5%A4%A7%E5%AD%A6&format=jsonl",
            admin, body)
        outcome["upload_status"] = status
        batch = json.loads(payload)["id"] if status == 202 else None
        if batch is not None:
            seen = {}
            deadline = time.time() + 60
            state = {}
            while time.time() < deadline:
                code, body = server.request("GET", f"/v1/batches/{batch}", admin)
                seen[code] = seen.get(code, 0) + 1
                state = json.loads(body) if code == 200 else {}
                if state.get("status") not in (None, "queued", "processing"):
                    break
                time.sleep(0.2)
            outcome["status_codes_while_full"] = seen
            outcome["batch_while_full"] = state.get("status")
        else:
            outcome["problem"] = json.loads(payload)
        outcome["ready_when_full"] = server.request("GET", "/readyz")[0]
        os.remove(filler)
        if batch is not None:
            wait_batches(server, admin, [batch], timeout=120)
            state = json.loads(server.request("GET", f"/v1/batches/{batch}", admin)[1])
            outcome["batch_after_space_freed"] = {"status": state["status"],
                                                  "error": state.get("error")}
        status, payload = server.request(
            "POST", "/v1/batches?institution=%E6%B8%85%E5%8D%8E%E5%A4%A7%E5%AD%A6&format=jsonl",
            admin, generated_batch(binary, workdir, 500, 301))
        batch = json.loads(payload)["id"]
        wait_batches(server, admin, [batch])
        outcome["after_space_freed"] = json.loads(
            server.request("GET", f"/v1/batches/{batch}", admin)[1])["status"]
        outcome["search_after"] = server.request("GET", "/v1/search?q=*&limit=1", admin)[0]
        server.stop()
        return outcome
    finally:
        subprocess.run(["umount", mount], capture_output=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/patscreen"))
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--patents", type=int, default=20_000)
    parser.add_argument("--kill-trials", type=int, default=5)
    parser.add_argument("--json")
    parser.add_argument("--parts", default="uploads,slow,soak,kill,disk",
                        help="which parts to run, comma-separated")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    workdir = tempfile.mkdtemp(prefix="patscreen-soak-")
    data = os.path.join(workdir, "data")
    report = {}
    try:
        if parts & {"uploads", "slow", "soak", "kill"}:
            admin, reader = build_library(args.binary, data, args.patents)
            server = Server(args.binary, data, ["--header-timeout", "5"])
            server.start()
            if "uploads" in parts:
                report["anonymous_uploads"] = anonymous_uploads(server)
                print("anonymous uploads:", report["anonymous_uploads"], flush=True)
            if "slow" in parts:
                report["slow_connections"] = silent_connections(server)
                print("slow connections:", report["slow_connections"], flush=True)
            if "soak" in parts:
                report["soak"] = soak(server, admin, reader, args.minutes,
                                      os.path.join(ROOT, "data-samples/bad"))
                print("soak:", report["soak"], flush=True)
            if "kill" in parts:
                report["kill_mid_batch"] = kill_mid_batch(server, args.binary, admin, workdir,
                                                          args.kill_trials)
                print("kill mid-batch:", report["kill_mid_batch"], flush=True)
            server.stop()
        if "disk" in parts:
            report["full_disk"] = full_disk(args.binary, workdir)
            print("full disk:", report["full_disk"], flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, ensure_ascii=False, indent=1)
    soaked = report.get("soak", {})
    faults = (soaked.get("5xx", 0) + soaked.get("errors", 0)
              + len(soaked.get("failed_batches", []))
              + sum(len(t["lost"]) for t in report.get("kill_mid_batch", [])))
    disk = report.get("full_disk", {})
    if disk and not disk.get("skipped") and disk.get("after_space_freed") != "accepted":
        faults += 1
    print("faults:", faults)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
