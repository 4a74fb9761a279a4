"""Benchmark: time the busiest pages and count their SQL statements on a demo database.

    make bench                      # SQLite, 300 demo projects
    .venv/bin/python benchmarks/run.py --projects 2000 --postgres

Prints a table; asserts nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from config import TestingConfig  # noqa: E402
from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402

PAGES = ("/", "/projects", "/projects?q=qc", "/projects?stage=signed&tier=100m", "/projects/export.xlsx",
         "/projects/{pid}", "/api/v1/projects?per_page=200")


def build(url: str, projects: int):
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    app = create_app(config)
    with app.app_context():
        upgrade()
        from crm.demo.loader import load_demo

        started = time.perf_counter()
        load_demo(app.config, project_count=projects)
        db.session.commit()
        print(f"demo load: {projects} projects in {time.perf_counter() - started:.1f} s")
    return app


def measure(app, repeat: int) -> None:
    client = app.test_client()
    page = client.get("/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "leader", "password": "Demo@2026", "csrf_token": token})
    api_token = client.post("/api/v1/auth/token", json={"username": "leader", "password": "Demo@2026"}).json["token"]
    with app.app_context():
        from crm.projects.models import Project

        pid = db.session.scalar(select(Project.id).where(Project.stage == "started").limit(1))
        engine = db.engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    print(f"{'page':45} {'median ms':>10} {'max ms':>8} {'queries':>8} {'bytes':>9}")
    for path in PAGES:
        url = path.format(pid=pid)
        headers = {"Authorization": f"Bearer {api_token}"} if url.startswith("/api/") else {}
        times, counts = [], []
        for _ in range(repeat):
            statements.clear()
            began = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - began) * 1000)
            counts.append(len(statements))
            assert response.status_code == 200, (url, response.status_code)
        print(f"{url:45} {statistics.median(times):10.1f} {max(times):8.1f} {max(counts):8d} {len(response.data):9d}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also run on a throwaway PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"== SQLite, {args.projects} projects")
        measure(build(f"sqlite:///{tmp}/bench.sqlite", args.projects), args.repeat)
    if args.postgres:
        from tests.pg import TempPostgres

        server = TempPostgres()
        server.start()
        try:
            server.create_database("bench")
            print(f"== PostgreSQL, {args.projects} projects")
            measure(build(server.url("bench"), args.projects), args.repeat)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
