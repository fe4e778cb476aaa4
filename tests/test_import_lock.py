"""One CORDIS import at a time per database: a second one waits for the first to finish or,
with --no-wait, stops and says so. Neither ends in a traceback.

The lock is held for real by a second connection: on PostgreSQL the import's advisory lock,
on SQLite the write lock of a database file (BEGIN IMMEDIATE), with the import in another
process (the SQLite test database is in memory, which other processes cannot open).
"""

import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cordis.lock import ADVISORY_LOCK_KEY, WAITING
from projects.models import Project
from tests.data import CORDIS_IMI2 as DATA
from tests.test_import_cordis import run_import

MANAGE = Path(settings.BASE_DIR) / "manage.py"
REFUSED = "Another import is running on this database; nothing was imported."


def manage_command(database_url, *args):
    """manage.py `args` in another process, on the database at `database_url`."""
    return [sys.executable, str(MANAGE), *args], {**os.environ, "DATABASE_URL": database_url}


# SQLite -------------------------------------------------------------------------------------

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock; PostgreSQL's lock is below"
)


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("migrated") / "portal.db"
    command, env = manage_command(f"sqlite:///{path}", "migrate", "--verbosity=0")
    subprocess.run(command, env=env, check=True, timeout=300)
    return path


@pytest.fixture
def sqlite_file(migrated_file, tmp_path):
    """A migrated SQLite database file, and a second connection to it that holds its write
    lock (as a running import does)."""
    path = tmp_path / "portal.db"
    shutil.copy(migrated_file, path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield path, holder
    holder.close()


def projects_in(path):
    with sqlite3.connect(path) as reader:
        return reader.execute("SELECT count(*) FROM projects_project").fetchone()[0]


@sqlite_only
def test_sqlite_no_wait_refuses_while_another_import_writes(sqlite_file):
    path, holder = sqlite_file
    command, env = manage_command(f"sqlite:///{path}", "import_cordis", str(DATA), "--no-wait")

    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    holder.execute("ROLLBACK")
    assert result.returncode == 1
    assert REFUSED in result.stderr
    assert "Traceback" not in result.stderr
    assert projects_in(path) == 0


@sqlite_only
def test_sqlite_import_waits_for_the_other_then_imports(sqlite_file):
    path, holder = sqlite_file
    command, env = manage_command(f"sqlite:///{path}", "import_cordis", str(DATA))
    importer = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    before = []
    for line in importer.stderr:  # until it says it waits (or ends)
        before.append(line)
        if WAITING in line:
            break

    holder.execute("ROLLBACK")  # the other import ends
    out, err = importer.communicate(timeout=300)

    assert WAITING in "".join(before), "".join(before) + err
    assert importer.returncode == 0, err
    assert "Traceback" not in err
    assert re.search(r"^projects\s+107\s", out, re.MULTILINE)
    assert projects_in(path) == 107


# PostgreSQL -------------------------------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's advisory lock"
)


@pytest.fixture
def advisory_lock_held(db):
    """A second connection to the test database, holding the import's advisory lock in an
    open transaction, as a running import does."""
    holder = connection.get_new_connection(connection.get_connection_params())
    holder.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
    yield holder
    holder.close()


def someone_waits_for_the_lock(holder):
    waiting = holder.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    return waiting.fetchone()[0] > 0


def release_when_someone_waits(holder):
    for _ in range(1200):  # at most a minute: a test that fails does not hang
        if someone_waits_for_the_lock(holder):
            break
        time.sleep(0.05)
    holder.commit()


@postgresql_only
def test_postgresql_no_wait_refuses_while_another_import_runs(advisory_lock_held):
    with pytest.raises(CommandError, match=REFUSED):
        run_import(DATA, "--no-wait")

    assert not Project.objects.exists()


@postgresql_only
def test_postgresql_import_waits_for_the_other_then_imports(advisory_lock_held):
    releaser = threading.Thread(target=release_when_someone_waits, args=[advisory_lock_held])
    releaser.start()
    err = io.StringIO()
    try:
        call_command("import_cordis", str(DATA), "--quiet", stdout=io.StringIO(), stderr=err)
    finally:
        releaser.join()

    assert err.getvalue().strip() == WAITING  # with --quiet too: it says why it waits
    assert Project.objects.count() == 107
