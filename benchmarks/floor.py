"""The floor of a page: its own SQL statements, captured in-process, replayed on a raw driver connection."""

from __future__ import annotations

import contextvars
import os
import re
import statistics
import time
from datetime import timedelta

from sqlalchemy import event, func, select

REPLAYS = 5


class Floor:
    """The app in-process on the same database, signed in as the leader, recording its statements."""

    def __init__(self, env: dict) -> None:
        os.environ.update({k: env[k] for k in ("INVESTTRACK_CONFIG", "DATABASE_URL", "SECRET_KEY",
                                                "LOGIN_RATE_LIMIT")})
        from config import config_from_env
        from crm import create_app
        from crm.extensions import db

        config = config_from_env()
        # Config reads DATABASE_URL when config.py is first imported: a second backend in the same
        # run (--sqlite --postgres) must not inherit the first one's (by then deleted) database.
        config.SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]
        self.app, self.db = create_app(config), db
        self.client = self.app.test_client()
        self.statements: list | None = None
        page = self._get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        self._run(self.client.post, "/login", data={"username": "leader", "password": "Demo@2026", "csrf_token": token})
        answer = self._run(self.client.post, "/api/v1/auth/token", json={"username": "leader", "password": "Demo@2026"})
        self.api_headers = {"Authorization": f"Bearer {answer.json['token']}"}
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._capture)

    def _capture(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.statements is not None:
            self.statements.append((statement, parameters, executemany))

    def _run(self, method, *args, **kwargs):
        # Each request in a fresh context, like a real server (no app context shared between requests).
        return contextvars.Context().run(method, *args, **kwargs)

    def _get(self, url: str, **kwargs):
        # Buffered: a streamed body (the ledger export) runs its SQL inside the request, where it is captured.
        return self._run(self.client.get, url, buffered=True, **kwargs)

    def ids(self) -> dict:
        """The project with the longest history, a created_from date that exports ~10,000 rows, the trip
        with the most targets, 20 projects for a meeting pack, and the last 30 days."""
        from crm.core.dates import local_date, local_today, start_of_local_day
        from crm.followups.models import FollowUp
        from crm.projects.models import Project
        from crm.trips.models import TripTarget

        with self.app.app_context():
            s = self.db.session
            busiest = s.scalar(select(FollowUp.project_id).group_by(FollowUp.project_id)
                               .order_by(func.count().desc(), FollowUp.project_id).limit(1))
            total = s.scalar(select(func.count()).select_from(Project))
            nth = min(10_000, total)
            created = s.scalar(select(Project.created_at).order_by(Project.created_at.desc()).offset(nth - 1).limit(1))
            from_day = local_date(created)
            rows = s.scalar(select(func.count()).select_from(Project).where(   # the ledger's created_from rule
                Project.created_at >= start_of_local_day(from_day)))
            trip = s.scalar(select(TripTarget.trip_id).group_by(TripTarget.trip_id)
                            .order_by(func.count().desc(), TripTarget.trip_id).limit(1))
            # A meeting's worth of projects: the 20 that have gone furthest (fullest briefs).
            pack = list(s.scalars(select(Project.id).order_by(Project.updated_at.desc(), Project.id).limit(20)))
        today = local_today()
        return {"project": busiest, "projects": total, "export_from": from_day.isoformat(), "export_rows": rows,
                "trip": trip, "pack": pack, "today": today.isoformat(),
                "month_ago": (today - timedelta(days=30)).isoformat()}

    def measure(self, url: str) -> dict:
        """The page's statements (count) and the median time to replay them through the driver."""
        self.statements = []
        headers = self.api_headers if url.startswith("/api/") else {}
        response = self._get(url, headers=headers)
        captured, self.statements = self.statements, None
        if response.status_code != 200:
            raise RuntimeError(f"in-process {url}: HTTP {response.status_code}")
        times = []
        raw = self.engine.raw_connection()
        try:
            for _ in range(REPLAYS):
                cursor = raw.cursor()
                began = time.perf_counter()
                for statement, parameters, many in captured:
                    (cursor.executemany if many else cursor.execute)(statement, parameters)
                    if cursor.description is not None:
                        cursor.fetchall()
                times.append((time.perf_counter() - began) * 1000)
                cursor.close()
                raw.rollback()  # a page may write (last-used stamps): leave nothing behind
        finally:
            raw.close()
        return {"count": len(captured), "ms": statistics.median(times)}
