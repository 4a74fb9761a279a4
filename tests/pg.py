"""A throwaway PostgreSQL server for the test suite: initdb + pg_ctl in a temp directory."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL binary {name!r} not found; run `make test` (it installs postgresql).")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    """Start with `start()`, get a SQLAlchemy URL from `url(dbname)`, stop with `stop()`."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="investtrack-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        # As root, PostgreSQL refuses to run: run it as the `postgres` system user.
        self.as_user = {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, **self.as_user)

    def start(self) -> None:
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        opts = f"-p {self.port} -k {self.root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off " \
               "-c full_page_writes=off"
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start")

    def create_database(self, name: str) -> None:
        self._run(_pg_bin("createdb") if shutil.which("createdb") else _pg_bin("createdb"),
                  "-h", str(self.root), "-p", str(self.port), "-U", "postgres", name)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@/{name}?host={self.root}&port={self.port}"

    def stop(self) -> None:
        try:
            self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
