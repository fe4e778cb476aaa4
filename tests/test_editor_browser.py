"""The editor's task, in a real browser: edit, publish the change, look at history, restore."""

import pytest
from django.core.management import call_command

from organizations.models import Organization
from tests.conftest import PASSWORD, requires_chromium

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

NEW_WHY = "A brand new reason to partner with GPOH, written in the browser."
NEW_EVIDENCE = "Evidence rewritten by the editor in the browser."


def test_editor_edits_sees_history_and_restores(page, editor):
    call_command("load_demo", verbosity=0)
    gpoh = Organization.objects.get(slug="gpoh")
    old_why = gpoh.why_partner.split("\n")[0]

    # Log in.
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("text=Profiles, projects and keywords")

    # Edit "why partner" and the first expertise area, and save.
    page.goto(f"/admin/organizations/organization/{gpoh.pk}/change/")
    page.fill("#id_why_partner", NEW_WHY)
    page.fill("#id_expertise_areas-0-evidence", NEW_EVIDENCE)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    # The public page shows the change.
    page.goto("/organizations/gpoh/")
    assert NEW_WHY in page.content()
    assert NEW_EVIDENCE in page.content()
    assert old_why not in page.content()

    # History: two versions, the editor's named; compare shows the field-level difference.
    page.goto(f"/admin/organizations/organization/{gpoh.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    assert rows.count() == 2
    assert editor.username in rows.nth(0).inner_text()
    page.locator("#change-history input[name=version_id1]").nth(1).check()
    page.locator("#change-history input[name=version_id2]").nth(0).check()
    page.click("#change-history input[type=submit]")
    page.wait_for_selector("text=why partner with them", timeout=15_000)
    assert "brand new reason" in page.content()

    # Restore the version before the edit.
    page.goto(f"/admin/organizations/organization/{gpoh.pk}/history/")
    page.locator("#change-history tbody tr").nth(1).locator("a").first.click()
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    # The public page shows the old text again.
    page.goto("/organizations/gpoh/")
    content = page.content()
    assert old_why in content
    assert NEW_WHY not in content
    assert NEW_EVIDENCE not in content
