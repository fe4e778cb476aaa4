"""The admin pages editors use, checked by axe-core at 1440 and 1280 px wide, and a profile
edited with the keyboard alone.

axe-core's script comes from the axe-playwright-python package (its axe.min.js); Playwright
injects it into each page.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from organizations.drafting import draft_from_data
from organizations.models import Curation
from tests.conftest import PASSWORD, requires_chromium
from tests.factories import make_organization
from tests.profiles import make_imported_profile

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

WIDTHS = [1440, 1280]


def log_in(page, user):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#queue-heading")


def profile_with_history(page):
    """A profile with projects, drafted and then saved twice: two versions to compare."""
    organization = make_imported_profile(
        name="Institute of Examples", pic="999777111", keyword="sensors"
    )
    draft_from_data(organization)  # expertise areas and a note: every inline has rows
    assert organization.expertise_areas.exists()
    change = reverse("admin:organizations_organization_change", args=[organization.pk])
    page.goto(change)
    page.fill("#id_tagline", "An institute of examples.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    page.fill("#id_tagline", "An institute of many examples.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    return organization


def violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def test_the_editors_admin_pages_have_no_axe_violations(page, editor):
    log_in(page, editor)
    organization = profile_with_history(page)
    base = "admin:organizations_organization"
    history = reverse(f"{base}_history", args=[organization.pk])
    page.goto(history)
    versions = page.locator("#change-history input[name=version_id1]")
    assert versions.count() == 2
    compare = reverse(f"{base}_compare", args=[organization.pk])
    ids = page.eval_on_selector_all(
        "#change-history input[name=version_id1]", "inputs => inputs.map(i => i.value)"
    )
    pages = {
        "home": reverse("admin:index"),
        "profile list": reverse(f"{base}_changelist"),
        "change form": reverse(f"{base}_change", args=[organization.pk]),
        "history": history,
        "compare": f"{compare}?version_id1={ids[1]}&version_id2={ids[0]}",
    }

    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            if problems := violations(page):
                found[f"{name} at {width} px"] = problems
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_a_profile_edited_with_the_keyboard_alone(page, editor):
    organization = make_organization(name="Keyboard Institute", curation=Curation.IMPORTED)
    log_in(page, editor)
    page.goto(reverse("admin:organizations_organization_change", args=[organization.pk]))

    # Tab from the top of the page to the tagline, type, then on to the save button.
    page.keyboard.press("Tab")
    for _ in range(60):
        if page.evaluate("document.activeElement.id") == "id_tagline":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_tagline"
    page.keyboard.type("Typed without a mouse.")
    for _ in range(200):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name")
        if name == "_reviewed":
            break
    assert page.evaluate("document.activeElement.name") == "_reviewed"
    # The focused control shows it has the focus.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_selector(".messagelist .success")

    organization.refresh_from_db()
    assert organization.tagline == "Typed without a mouse."
    assert organization.curation == Curation.CURATED
