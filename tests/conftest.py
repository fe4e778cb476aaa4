import os
import shutil
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from organizations.models import Organization
from portal.roles import make_editor
from projects.models import (
    FieldOfScience,
    Keyword,
    Participation,
    ProgrammePart,
    Project,
    ProjectProgrammePart,
    Topic,
)
from tests.data import CORDIS_HORIZON, CORDIS_IMI2
from tests.imported import ImportedDatabase

PROJECT_TABLE = Project._meta.db_table
ORGANIZATION_TABLE = Organization._meta.db_table
PARTICIPATION_TABLE = Participation._meta.db_table
IMPORT_TABLES = [
    model._meta.db_table
    for model in [
        Project,
        Organization,
        Participation,
        Keyword,
        Project.keywords.through,
        FieldOfScience,
        Topic,
        ProgrammePart,
        Project.fields_of_science.through,
        Project.topics.through,
        ProjectProgrammePart,
    ]
]

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _pages_built_and_unlimited(settings):
    """Tests see pages as built (their query counts are pinned) and request faster than any
    visitor: the page cache and the rate limits are off, except where a test turns them on
    (the `page_cache` and `rate_limits` fixtures)."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def page_cache(settings):
    """The page cache on, empty: a test's pages are never another test's."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rate_limits(settings):
    from django.core.cache import cache

    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield
    cache.clear()


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


# The real dumps, imported once per session ------------------------------------------------


@dataclass
class HorizonImports:
    """IMI2 (H2020), then the HORIZON zip twice, then IMI2 again, into one database: the
    summaries of each run, and what the database held after each (tests/imported.py)."""

    database: ImportedDatabase
    summaries: dict = field(default_factory=dict)  # run -> stdout
    states: dict = field(default_factory=dict)  # run -> state() after it

    def state(self):
        h2020 = "WHERE framework_programme = 'H2020'"
        h2020_projects = f"SELECT id FROM {PROJECT_TABLE} {h2020}"
        figures = self.database.query(
            "SELECT pic, project_count, coordinator_count, total_ec_funding, partner_count, "
            f"partner_country_count FROM {ORGANIZATION_TABLE}"
        )
        return {
            "tables": {table: self.database.digest(table) for table in IMPORT_TABLES},
            "h2020 projects": self.database.digest(PROJECT_TABLE, h2020),
            "h2020 participations": self.database.digest(
                PARTICIPATION_TABLE, f"WHERE project_id IN ({h2020_projects})"
            ),
            "figures": {pic: tuple(str(value) for value in rest) for pic, *rest in figures},
        }


@pytest.fixture(scope="session")
def horizon_imports(tmp_path_factory):
    database = ImportedDatabase(tmp_path_factory.mktemp("horizon"))
    imports = HorizonImports(database)
    for run, path in [
        ("imi2", CORDIS_IMI2),
        ("horizon", CORDIS_HORIZON),
        ("horizon again", CORDIS_HORIZON),
        ("imi2 again", CORDIS_IMI2),
    ]:
        imports.summaries[run] = database.manage("import_cordis", "--quiet", str(path))
        imports.states[run] = imports.state()
    yield imports
    database.drop()


@pytest.fixture(scope="session")
def horizon_database(tmp_path_factory):
    """The real HORIZON dump alone, imported once per test session into a database of its
    own: the figures of its organizations are then the dump's alone (horizon_imports holds
    the IMI2 dump too)."""
    database = ImportedDatabase(tmp_path_factory.mktemp("horizon-alone"), suffix="horizon_alone")
    database.manage("import_cordis", "--quiet", str(CORDIS_HORIZON))
    yield database
    database.drop()
