"""The organizations export when the database fails: before the response starts, the error is
a 500; once rows are streaming, the download breaks (the error is raised on, and logged), so
that nobody gets a short file that looks complete.

The failures are real: another connection holds a lock, or ends the request's connection.
"""

import sqlite3

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from organizations.models import Organization, Status
from organizations.views import EXPORT_CHUNK

FORMATS = ["csv", "json"]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL lock or backend to end"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite table lock")


def export_url(fmt):
    return reverse("organizations:export", kwargs={"fmt": fmt})


@pytest.fixture
def other_connection(db):
    """A second connection to the test database, in a transaction of its own."""
    if connection.vendor == "postgresql":
        other = psycopg.connect(**connection.get_connection_params())
    else:  # the shared-cache in-memory database of the tests, by its URI
        other = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    yield other
    other.rollback()
    other.close()


@on_postgresql
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_query_that_fails_is_a_server_error_on_postgresql(db, other_connection, fmt):
    other_connection.execute("LOCK TABLE organizations_organization IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '100ms'")  # rolled back with the test
    response = Client(raise_request_exception=False).get(export_url(fmt))
    assert response.status_code == 500
    assert not response.streaming


@on_sqlite
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_query_that_fails_is_a_server_error_on_sqlite(transactional_db, other_connection, fmt):
    # In a shared cache, a table another connection is writing is locked to readers. (Not in
    # the test's transaction: that would hold the database's write lock itself.)
    other_connection.execute("BEGIN IMMEDIATE")
    other_connection.execute("DELETE FROM organizations_organization")
    response = Client(raise_request_exception=False).get(export_url(fmt))
    assert response.status_code == 500
    assert not response.streaming


@pytest.fixture
def many_organizations(transactional_db):
    """More organizations than one chunk of the export, committed."""
    Organization.objects.bulk_create(
        Organization(name=f"Org {n:05}", slug=f"org-{n:05}", status=Status.PUBLISHED)
        for n in range(EXPORT_CHUNK + 500)
    )


@on_postgresql
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failure_while_streaming_breaks_the_download(
    client, many_organizations, other_connection, caplog, fmt
):
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    response = client.get(export_url(fmt), {"sort": "name"})
    assert response.status_code == 200
    lines = iter(response.streaming_content)
    received = [next(lines), next(lines)]  # the header and the first row
    other_connection.execute("SELECT pg_terminate_backend(%s)", [backend])
    try:
        with pytest.raises(OperationalError):
            received.extend(lines)
    finally:
        connection.close()  # the test database is flushed through a new one
    assert len(received) <= EXPORT_CHUNK + 1  # the rows read before the end, no more
    assert not b"".join(received).endswith(b"]\n")  # the JSON is not closed either
    [record] = [r for r in caplog.records if r.name == "organizations.views"]
    assert record.levelname == "ERROR"
    assert f"{export_url(fmt)}?sort=name" in record.getMessage()
    assert record.exc_info is not None
