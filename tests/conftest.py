import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from portal.roles import make_editor

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
