"""Benchmark (issue 9): the busiest pages served by gunicorn over a generated province-scale database.

    make bench                                              # SQLite, 3,000 projects
    .venv/bin/python benchmarks/run.py --projects 100000 --postgres

For each page: p50/p95 over real HTTP, bytes, and beside it the FLOOR: the page's own SQL
statements (captured in-process) replayed straight through the driver, plus a minimal response
(/healthz through the same gunicorn). ratio = page p50 / (floor + minimal): near 1 means the
database does the work; far above 1 means Python (ORM, templates, serialisation) does.
Then requests per second of the ledger for one gunicorn vs two sharing the database.
Prints a table and writes benchmarks/results-<backend>.md; asserts nothing (not a test).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.httpclient import Client, login, wait_until_up  # noqa: E402
from tests.pg import TempPostgres, _free_port  # noqa: E402

BIN = ROOT / ".venv" / "bin"


def pages(ids: dict) -> list[tuple[str, str, int]]:
    """(label, url, requests): the big exports and the PDFs get fewer runs (0: --repeat).
    A page that answers 404 (a route not built yet, e.g. the dispatch PDF) is reported as n/a."""
    return [
        ("home", "/", 0), ("ledger page 1", "/projects", 0), ("ledger page 200", "/projects?page=200", 0),
        ("ledger search q=qc", "/projects?q=qc", 0), ("ledger filters", "/projects?stage=signed&tier=100m", 0),
        ("project page", f"/projects/{ids['project']}", 0), ("screenings", "/screenings", 0),
        ("API list 200", "/api/v1/projects?per_page=200", 0),
        (f"export {ids['export_rows']:,} rows", f"/projects/export.xlsx?created_from={ids['export_from']}", 5),
        (f"export all {ids['projects']:,}", "/projects/export.xlsx", 5),
        ("funnel (this year)", "/funnel", 0), ("API funnel", "/api/v1/funnel", 0),
        ("trips list", "/trips", 0), ("trip page", f"/trips/{ids['trip']}", 0),
        ("API trips list", "/api/v1/trips", 0),
        ("payouts ledger", "/payouts", 0), ("API payouts list", "/api/v1/payouts", 0),
        ("project brief PDF", f"/projects/{ids['project']}/brief.pdf", 10),
        ("meeting pack PDF, 20 projects", "/reports/meeting-pack.pdf?" + urlencode(
            [("project_id", i) for i in ids["pack"]] + [("meeting_name", "基准测试评审会"),
                                                         ("meeting_date", ids["today"])]), 5),
        ("dispatch PDF, 30 days", f"/reports/dispatch.pdf?from={ids['month_ago']}&to={ids['today']}", 5),
    ]


def environment(url: str) -> dict:
    return {**os.environ, "INVESTTRACK_CONFIG": "development", "DATABASE_URL": url, "FLASK_APP": "wsgi.py",
            "SECRET_KEY": "bench-secret-key-0123456789abcdef-not-for-production", "LOGIN_RATE_LIMIT": "100000 per minute"}


def generate(url: str, projects: int) -> tuple[float, str]:
    env = environment(url)
    subprocess.run([BIN / "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    began = time.perf_counter()
    done = subprocess.run([BIN / "flask", "bench", "generate", "--projects", str(projects)], env=env, cwd=ROOT,
                          check=True, capture_output=True, text=True)
    # Drop the progress lines; keep rows and seconds per table.
    return time.perf_counter() - began, "\n".join(x for x in done.stdout.splitlines() if "projects, " not in x)


class Gunicorn:
    def __init__(self, url: str) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "-w", "2", "--threads", "4", "--timeout", "600", "-b", f"127.0.0.1:{self.port}",
             "wsgi:app"], env=environment(url), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_up(self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


SLOW_MS = 2000  # a page slower than this gets 5 timed runs, not --repeat: the point is made


class NotThere(Exception):
    """The route answers 404: the page does not exist in this build (a row for a later feature)."""


def time_page(client: Client, url: str, runs: int, timeout: float) -> dict:
    began = time.perf_counter()
    if client.get(url, timeout=timeout)[0] == 404:  # warm-up
        raise NotThere(url)
    if (time.perf_counter() - began) * 1000 > SLOW_MS:
        runs = min(runs, 5)
    times, size = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        status, body = client.get(url, timeout=timeout)
        times.append((time.perf_counter() - began) * 1000)
        size = len(body)
        if status != 200:
            raise RuntimeError(f"{url}: HTTP {status}")
    times.sort()
    return {"p50": statistics.median(times), "p95": times[max(0, round(0.95 * len(times)) - 1)], "bytes": size,
            "runs": runs}


def throughput(ports: list[int], cookie: str, url: str, threads: int, seconds: float) -> float:
    """Requests per second of `url` with `threads` clients spread over the servers' ports."""
    done, stop = [0] * threads, time.perf_counter() + seconds

    def worker(i: int) -> None:
        client = Client(ports[i % len(ports)], cookie=cookie)
        while time.perf_counter() < stop:
            status, _body = client.get(url, timeout=120)
            done[i] += status == 200

    began = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / (time.perf_counter() - began)


def run(backend: str, url: str, args) -> None:
    from benchmarks.floor import Floor

    print(f"== {backend}: generating {args.projects:,} projects ...", flush=True)
    seconds, summary = generate(url, args.projects)
    print(summary.strip().splitlines()[-1], f"(wall {seconds:.0f} s)", flush=True)
    floor = Floor(environment(url))
    ids = floor.ids()
    server = Gunicorn(url)
    rows = []
    try:
        web, api_headers = login(server.port)
        minimal = time_page(web, "/healthz", args.repeat, 30)["p50"]
        print(f"{'page':28} {'p50 ms':>9} {'p95 ms':>9} {'bytes':>11} {'SQL':>5} {'floor ms':>9} {'ratio':>7}")
        for label, path, runs in pages(ids):
            if args.only and not any(word.lower() in label.lower() for word in args.only.split(",")):
                continue
            client = Client(server.port, headers=api_headers) if path.startswith("/api/") else web
            try:
                timing = time_page(client, path, runs or args.repeat, args.timeout)
            except NotThere:
                print(f"{label:28} n/a (404: not in this build)", flush=True)
                rows.append((label, path, "n/a", None))
                continue
            except Exception as err:  # noqa: BLE001 - a page that times out is a result, not a crash
                print(f"{label:28} FAILED: {err}", flush=True)
                rows.append((label, path, None, None))
                continue
            sql = floor.measure(path)
            ratio = timing["p50"] / (sql["ms"] + minimal)
            rows.append((label, path, timing, sql | {"ratio": ratio}))
            print(f"{label:28} {timing['p50']:9.1f} {timing['p95']:9.1f} {timing['bytes']:11,} {sql['count']:5d} "
                  f"{sql['ms']:9.1f} {ratio:7.1f}", flush=True)
        scale = _scale_out(url, server, web.cookie, args)
    finally:
        server.stop()
    _write(backend, args, seconds, summary, minimal, rows, scale)


def _scale_out(url: str, server: Gunicorn, cookie: str, args) -> dict:
    one = throughput([server.port], cookie, "/projects", args.threads, args.load_seconds)
    second = Gunicorn(url)
    try:
        two = throughput([server.port, second.port], cookie, "/projects", args.threads, args.load_seconds)
    finally:
        second.stop()
    print(f"ledger /projects, {args.threads} client threads, {args.load_seconds:.0f} s: "
          f"one gunicorn {one:.1f} req/s, two gunicorns {two:.1f} req/s", flush=True)
    return {"one": one, "two": two}


def _write(backend, args, seconds, summary, minimal, rows, scale) -> None:
    lines = [f"# Benchmark: {backend}, {args.projects:,} projects", "",
             f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, gunicorn -w 2 --threads 4, "
             f"{args.repeat} requests per page (fewer for exports and PDFs, see runs; 5 for pages slower than {SLOW_MS / 1000:.0f} s), minimal response (/healthz) p50 {minimal:.1f} ms.", "",
             f"Generated in {seconds:.0f} s (`flask bench generate --projects {args.projects}`):", "", "```",
             summary.strip(), "```", "",
             "| page | URL | runs | p50 ms | p95 ms | bytes | SQL statements | floor ms | page / (floor + minimal) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for label, path, timing, sql in rows:
        if timing == "n/a":
            lines.append(f"| {label} | `{path}` | | n/a (404: not in this build) | | | | | |")
        elif timing is None:
            lines.append(f"| {label} | `{path}` | | failed / timed out ({args.timeout:.0f} s) | | | | | |")
        else:
            lines.append(f"| {label} | `{path}` | {timing['runs']} | {timing['p50']:.1f} | {timing['p95']:.1f} | {timing['bytes']:,} | "
                         f"{sql['count']} | {sql['ms']:.1f} | {sql['ratio']:.1f} |")
    lines += ["", f"Scale-out, ledger page 1 under load ({args.threads} client threads, {args.load_seconds:.0f} s): "
              f"one gunicorn {scale['one']:.1f} req/s; two gunicorns on separate ports sharing the database "
              f"{scale['two']:.1f} req/s.", ""]
    out = ROOT / "benchmarks" / f"results-{backend.lower()}.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=3000, help="3000 for a quick run; issue 9's scale is 100000")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page (exports: 5)")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite (the default when --postgres is not given)")
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before one request counts as failed")
    parser.add_argument("--threads", type=int, default=8, help="client threads for the scale-out load")
    parser.add_argument("--load-seconds", type=float, default=15)
    parser.add_argument("--only", default="", help="comma-separated words: time only the pages whose label has one "
                                                    "(e.g. funnel,trip,payout,PDF)")
    args = parser.parse_args()
    if args.sqlite or not args.postgres:
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.sqlite", args)
    if args.postgres:
        server = TempPostgres()
        server.start()
        try:
            server.create_database("bench")
            run("PostgreSQL", server.url("bench"), args)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
