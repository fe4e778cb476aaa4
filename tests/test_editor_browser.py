"""The editor's task, in a real browser: edit, publish the change, look at history, restore."""

import pytest
from django.core.management import call_command

from organizations.models import Curation, Organization
from organizations.stats import refresh_figures
from projects.models import Participation, Project
from tests.conftest import PASSWORD, requires_chromium
from tests.factories import make_organization
from tests.profiles import make_imported_profile

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


def public_text(page, url):
    """The page as an anonymous visitor sees it."""
    visitor = page.context.browser.new_context(base_url=page.url.split("/admin")[0])
    content = visitor.new_page()
    content.goto(url)
    text = content.content()
    visitor.close()
    return text


def test_the_editors_day(page, editor):
    organization = make_imported_profile(
        name="Institute of Light", pic="999555111", keyword="optics"
    )

    # Log in; the admin home shows the queue.
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.click(".curation-queue a:text-is('Imported')")
    assert "curation__exact=imported" in page.url

    # Draft one profile from the list.
    page.check(f"input[name=_selected_action][value='{organization.pk}']")
    page.select_option("select[name=action]", "draft_from_data")
    page.click("button[name=index]")
    page.wait_for_selector(f".messagelist :text('{organization.name}: drafted')")
    organization.refresh_from_db()
    assert organization.curation == Curation.DRAFTED
    drafted = organization.network_narrative.splitlines()[0]
    assert drafted not in public_text(page, organization.get_absolute_url())

    # Review and edit it.
    page.goto("/admin/organizations/organization/?curation__exact=drafted")
    page.click(f"#result_list a:text-is('{organization.name}')")
    assert "Drafted" in page.inner_text(".curation-note")
    page.fill("#id_tagline", "Light, measured and shaped.")
    page.click("input[name=_reviewed]")
    page.wait_for_selector(".messagelist .success")

    # The public sees it.
    public = public_text(page, organization.get_absolute_url())
    assert "Light, measured and shaped." in public
    assert drafted in public
    organization.refresh_from_db()
    assert (organization.curation, organization.edited_by) == (Curation.CURATED, editor)


@pytest.mark.parametrize("width", [1440, 1280])
def test_the_change_form_of_1000_projects_is_short_before_the_projects(page, editor, width):
    organization = make_organization(name="Large Institute", pic="999123456")
    projects = Project.objects.bulk_create(
        Project(cordis_id=str(800000 + n), acronym=f"LARGE{n}", slug=f"large-{n}")
        for n in range(1000)
    )
    Participation.objects.bulk_create(
        Participation(project=project, organization=organization, ec_contribution=1000 + n)
        for n, project in enumerate(projects)
    )
    refresh_figures(Organization.objects.filter(pk=organization.pk))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.goto(f"/admin/organizations/organization/{organization.pk}/change/")
    top = page.evaluate(
        "document.querySelector('.projects-list').getBoundingClientRect().top + window.scrollY"
    )
    assert 0 < top < 3000
