"""Backing up the database to one file, and restoring it from one (manage.py backup, restore).

PostgreSQL: pg_dump's custom format, restored by pg_restore (dropping and recreating every
object, in one transaction: a restore that fails leaves the database as it was). SQLite: the
sqlite3 backup API, a consistent copy even while the site writes.
"""

import os
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection, connections

from base.caching import bump_generation

POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """What went wrong, in a sentence for the person at the terminal."""


def default_path(folder: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
    return folder / f"portal-{stamp}.{suffix}"


def backup(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}"])
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
    else:
        raise BackupError(f"No backup for {connection.vendor} databases.")
    return path


def restore(path: Path) -> None:
    """Replace the database's contents with the backup's; cached pages go stale."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    with path.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    if connection.vendor == "postgresql":
        if not start.startswith(POSTGRES_MAGIC):
            raise BackupError(f"{path} is not a PostgreSQL backup (pg_dump's custom format).")
        connections.close_all()  # our own connection must not hold a lock pg_restore needs
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"], path)
    elif connection.vendor == "sqlite":
        if start != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite backup.")
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
    else:
        raise BackupError(f"No restore for {connection.vendor} databases.")
    # The backup holds the token of its time; templates and code may have changed since.
    bump_generation()


def _run(command: list[str], *files: Path) -> None:
    """Run a PostgreSQL client on this database, naming it through libpq's variables."""
    settings = connection.settings_dict
    environment = {
        **os.environ,
        "PGHOST": settings["HOST"] or "",
        "PGPORT": str(settings["PORT"] or ""),
        "PGUSER": settings["USER"] or "",
        "PGPASSWORD": settings["PASSWORD"] or "",
        "PGDATABASE": settings["NAME"],
    }
    command = [*command, *(["--dbname", settings["NAME"]] if command[0] == "pg_restore" else [])]
    try:
        result = subprocess.run(
            [*command, *map(str, files)], env=environment, capture_output=True, text=True
        )
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
