import os
import shutil
import sqlite3
import subprocess
import sys

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections

from portal.roles import make_editor
from tests.data import CORDIS_HORIZON

PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(db):
    """Staff with the content permissions of the Editors group; not a superuser."""
    user = get_user_model().objects.create_user("editor", "editor@example.org", PASSWORD)
    return make_editor(user)


@pytest.fixture
def staff(db):
    """Staff without any content permission: sees drafts, edits nothing."""
    return get_user_model().objects.create_user(
        "staff", "staff@example.org", PASSWORD, is_staff=True
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# Browser tests: Playwright driving Debian's Chromium; nothing here downloads a browser.
CHROMIUM = "/usr/bin/chromium"

requires_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason=f"{CHROMIUM} is missing (apt-get install -y chromium); .ci/run installs it",
)


@pytest.fixture
def page(live_server):
    # Django's live server runs in a thread beside Playwright's event loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()
        # The test's ORM calls inside this block ran in Playwright's greenlet, whose context
        # has a database connection of its own; left open, PostgreSQL refused to drop the
        # test database at the end of the run ("being accessed by other users").
        connections.close_all()


class ImportedDatabase:
    """A database of its own, read back with plain SQL (no Django connection)."""

    def __init__(self, url):
        self.url = url
        self.config = dj_database_url.parse(url)

    def connect(self):
        if self.config["ENGINE"].endswith("sqlite3"):
            return sqlite3.connect(self.config["NAME"])
        return psycopg.connect(**postgres_parameters(self.config))

    def rows(self, sql):
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(sql)
            return cursor.fetchall()
        finally:
            connection.close()


def postgres_parameters(config, dbname=None):
    parameters = {"dbname": dbname or config["NAME"], "user": config["USER"]}
    parameters |= {"host": config["HOST"], "port": config["PORT"] or 5432}
    if config["PASSWORD"]:
        parameters["password"] = config["PASSWORD"]
    return parameters


@pytest.fixture(scope="session")
def horizon_database(tmp_path_factory):
    """The real HORIZON dump, imported once per test session by manage.py migrate and
    import_cordis in a child process, into a database of its own: a SQLite file, or, when
    the tests run on PostgreSQL, the test database's name with "_horizon" (created here, and
    dropped at the end)."""
    url = os.environ.get("DATABASE_URL", "")
    created = None
    if url.startswith("postgres"):
        config = dj_database_url.parse(url)
        created = f"test_{config['NAME']}_horizon"
        with psycopg.connect(**postgres_parameters(config, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{created}"')
            admin.execute(f'CREATE DATABASE "{created}"')
        url = url.rsplit("/", 1)[0] + "/" + created
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('horizon') / 'horizon.sqlite3'}"
    environment = os.environ | {"DATABASE_URL": url}
    for command in [["migrate", "--verbosity", "0"], ["import_cordis", str(CORDIS_HORIZON)]]:
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    yield ImportedDatabase(url)
    if created:
        with psycopg.connect(**postgres_parameters(config, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
