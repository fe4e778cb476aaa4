"""A database of its own for imports of the real dumps, made once per test session.

The HORIZON zip takes tens of seconds to import: tests read one import made by a
session-scoped fixture (tests/conftest.py, `horizon_imports`), never one per test. The
imports run as the commands would (`manage.py` in a subprocess) into a SQLite file or a
PostgreSQL database beside the test database; tests read it back with raw SQL.
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


class ImportedDatabase:
    """A migrated database of its own, on the test run's database engine."""

    def __init__(self, tmp_dir: Path, *, suffix: str = "horizon"):
        default = settings.DATABASES["default"]
        self.postgresql = default["ENGINE"] == "django.db.backends.postgresql"
        if self.postgresql:
            self.name = f"test_{default['NAME']}_{suffix}"
            self.url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{self.name}").geturl()
            self.params = {
                key: value
                for key, value in [
                    ("host", default.get("HOST")),
                    ("port", default.get("PORT")),
                    ("user", default.get("USER")),
                    ("password", default.get("PASSWORD")),
                ]
                if value
            }
            with self.server() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                server.execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.path = tmp_dir / "imported.sqlite3"
            self.url = f"sqlite:///{self.path}"
        self.manage("migrate", "--verbosity=0")

    def server(self):
        return psycopg.connect(dbname="postgres", autocommit=True, **self.params)

    def drop(self):
        if self.postgresql:
            with self.server() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def manage(self, *args) -> str:
        """Run a manage.py command on this database; return its stdout."""
        result = subprocess.run(
            [sys.executable, str(MANAGE), *args],
            # Pages as built, as in the other tests (tests/conftest.py).
            env={**os.environ, "DATABASE_URL": self.url, "PAGE_CACHE_SECONDS": "0"},
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def query(self, sql: str) -> list[tuple]:
        """The rows of a query (no parameters: the tests' own SQL)."""
        if self.postgresql:
            with psycopg.connect(dbname=self.name, **self.params) as connection:
                return connection.execute(sql).fetchall()
        with sqlite3.connect(self.path) as connection:
            return connection.execute(sql).fetchall()

    def digest(self, table: str, where: str = "") -> str:
        """A fingerprint of a table's rows (or some of them), to compare before and after."""
        rows = self.query(f"SELECT * FROM {table} {where} ORDER BY 1")
        return hashlib.sha256(repr(rows).encode()).hexdigest()
