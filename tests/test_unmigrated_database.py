"""Commands that read or write the portal's tables, on a database without them (never
migrated): a message naming the database and saying to migrate, exit status 1, no traceback."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.data import CORDIS_IMI2 as DATA

MANAGE = Path(settings.BASE_DIR) / "manage.py"
MIGRATE_FIRST = "is not migrated"


def run_manage(database_url, *args):
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "command", [["import_cordis", str(DATA)], ["refresh_stats"]], ids=lambda c: c[0]
)
def test_on_a_new_sqlite_file_commands_say_to_migrate(tmp_path, command):
    path = tmp_path / "new.db"

    result = run_manage(f"sqlite:///{path}", *command)

    assert result.returncode == 1
    assert result.stderr.startswith(f"CommandError: The SQLite database {path} {MIGRATE_FIRST}")
    assert "Run `manage.py migrate` first." in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def empty_postgresql_database(db):
    """A PostgreSQL database with no tables, beside the test database; its URL."""
    name = f"{connection.settings_dict['NAME']}_empty"
    admin = connection.get_new_connection(connection.get_connection_params())
    admin.autocommit = True
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    yield name, urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL database")
@pytest.mark.parametrize(
    "command",
    [["import_cordis", str(DATA)], ["benchmark_import"], ["refresh_stats"]],
    ids=lambda c: c[0],
)
def test_on_an_empty_postgresql_database_commands_say_to_migrate(
    empty_postgresql_database, command
):
    name, url = empty_postgresql_database

    result = run_manage(url, *command)

    assert result.returncode == 1
    assert result.stderr.startswith(f"CommandError: The PostgreSQL database {name} {MIGRATE_FIRST}")
    assert "Traceback" not in result.stderr
