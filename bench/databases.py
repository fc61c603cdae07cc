"""The benchmark's own database, never the portal's.

SQLite: a file in a new temporary directory (or ``<tmp>/ipops_bench_<N>.sqlite3`` when it is
kept for another run). PostgreSQL: a database ``ipops_bench_<N>`` created on the server that
``DATABASE_URL`` names, through its maintenance database ``postgres``, and dropped afterwards.
The measuring process runs with ``DATABASE_URL`` pointing at it and refuses any database whose
name does not say it is a benchmark database.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

MARK = "ipops_bench"  # every benchmark database's name holds this


@dataclass
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    url: str  # DATABASE_URL of the benchmark database
    name: str  # the file path or the database name
    server_url: str = ""  # PostgreSQL: DATABASE_URL of the portal, for the server's address
    tmpdir: str = ""  # SQLite: the temporary directory to remove

    def exists(self) -> bool:
        if self.vendor == "sqlite":
            return Path(self.name).exists()
        with _maintenance(self.server_url) as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            return cursor.fetchone() is not None

    def create(self) -> None:
        if self.vendor == "sqlite":
            Path(self.name).unlink(missing_ok=True)
            return
        with _maintenance(self.server_url) as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            cursor.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.vendor == "sqlite":
            Path(self.name).unlink(missing_ok=True)
            if self.tmpdir:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
            return
        with _maintenance(self.server_url) as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def bench_database(*, portal_url: str | None, districts: int, keep: bool) -> BenchDatabase:
    """Where to build the data set of ``districts`` districts: PostgreSQL when ``portal_url``
    (the portal's DATABASE_URL) names a PostgreSQL server, else SQLite."""
    if portal_url and dj_database_url.parse(portal_url)["ENGINE"].endswith("postgresql"):
        name = f"{MARK}_{districts}"
        parts = urlsplit(portal_url)
        url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
        return BenchDatabase("postgresql", url, name, server_url=portal_url)
    if keep:
        path, tmpdir = Path(tempfile.gettempdir()) / f"{MARK}_{districts}.sqlite3", ""
    else:
        tmpdir = tempfile.mkdtemp(prefix="ipops-bench-")
        path = Path(tmpdir) / f"{MARK}_{districts}.sqlite3"
    return BenchDatabase("sqlite", f"sqlite:///{path}", str(path), tmpdir=tmpdir)


def is_bench_database(settings_database: dict) -> bool:
    """Whether Django's database settings name a benchmark database (ipops_bench_<N>)."""
    name = Path(str(settings_database.get("NAME", ""))).name
    return re.fullmatch(rf"{MARK}_\d+(\.sqlite3)?", name) is not None


class _maintenance:
    """A cursor on the server's ``postgres`` database, in autocommit (CREATE/DROP DATABASE)."""

    def __init__(self, server_url: str):
        config = dj_database_url.parse(server_url)
        self.params = {"dbname": "postgres", "user": config.get("USER") or None,
                       "password": config.get("PASSWORD") or None,
                       "host": config.get("HOST") or None, "port": config.get("PORT") or None}

    def __enter__(self):
        import psycopg2

        self.connection = psycopg2.connect(**{k: v for k, v in self.params.items() if v})
        self.connection.autocommit = True
        return self.connection.cursor()

    def __exit__(self, *exc):
        self.connection.close()
