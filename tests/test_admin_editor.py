"""An editor curates a profile in the admin, and the public page shows it."""

import html
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from organizations.models import FiguresSource, Organization
from tests.admin_forms import change_form_data
from tests.factories import Page, make_organization
from tests.test_profile_page import SECTIONS as PROFILE_SECTIONS

pytestmark = pytest.mark.django_db


def change_url(organization):
    return reverse("admin:organizations_organization_change", args=[organization.pk])


def form_errors(response):
    """The change form's errors, to show why a save that should pass did not."""
    if response.context is None or "adminform" not in response.context:
        return None
    errors = dict(response.context["adminform"].form.errors)
    for formset in response.context["inline_admin_formsets"]:
        errors[formset.formset.prefix] = formset.formset.errors
    return errors


def save(client, organization, **changes):
    """Open the change form, change some fields, and press "Save", as an editor would."""
    response = client.get(change_url(organization))
    assert response.status_code == 200
    data = change_form_data(response)
    for name, value in changes.items():
        data[name] = [str(value)]
    data["_save"] = ["Save"]
    return client.post(change_url(organization), data)


@pytest.fixture
def gpoh():
    call_command("load_demo", verbosity=0)
    return Organization.objects.get(slug="gpoh")


def test_editor_changes_why_partner_and_the_public_page_shows_it(editor_client, client, gpoh):
    response = save(
        editor_client,
        gpoh,
        why_partner="They open doors to **every** children's cancer centre in Germany.",
    )

    assert response.status_code == 302, form_errors(response)
    assert response["Location"] == reverse("admin:organizations_organization_changelist")
    client.logout()
    page = Page.of(client.get("/organizations/gpoh/"))
    assert "They open doors to every children's cancer centre in Germany." in page.text
    assert "<strong>every</strong>" in page.html


def test_saving_the_full_form_keeps_everything_else(editor_client, gpoh):
    before = Organization.objects.get(pk=gpoh.pk)

    response = save(editor_client, gpoh, why_partner="Changed.")

    assert response.status_code == 302, form_errors(response)
    after = Organization.objects.get(pk=gpoh.pk)
    for field in ["core_work", "tagline", "total_ec_funding", "partner_count", "status"]:
        assert getattr(after, field) == getattr(before, field)
    assert after.expertise_areas.count() == 5
    assert after.participations.filter(notable_rank__isnull=False).count() == 2
    assert after.capabilities.count() == 3
    assert after.analysis_notes.count() == 1


def test_editor_cannot_open_users(editor_client, editor):
    assert not editor.is_superuser
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get(f"/admin/auth/user/{editor.pk}/change/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, gpoh):
    response = client.get(change_url(gpoh))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Charité", "charite"),
        ("medizin berlin", "charite"),  # legal name only
        ("999111222", "charite"),
        ("Karolinska", "karolinska"),
        ("99911", None),  # the PIC is matched whole, not in part
    ],
)
def test_changelist_search_by_name_legal_name_and_pic(editor_client, query, found):
    make_organization(
        name="Charité",
        slug="charite",
        legal_name="CHARITE - UNIVERSITÄTSMEDIZIN BERLIN",
        pic="999111222",
    )
    make_organization(name="Karolinska Institutet", slug="karolinska", pic="999333444")

    response = editor_client.get(
        reverse("admin:organizations_organization_changelist"), {"q": query}
    )

    assert response.status_code == 200
    slugs = [organization.slug for organization in response.context["cl"].result_list]
    assert slugs == ([found] if found else [])


# The profile page's sections, in order, and the admin's headings that edit them.
PAGE_ORDER = ["Header", "Headline figures", *PROFILE_SECTIONS]
INLINE_SECTIONS = {
    "Expertise areas": "Core expertise",
    "Projects and notable projects": "Notable projects",
    "Analysis notes": "Analysis note",
}


def admin_headings(response, kind):
    pattern = rf'<h2[^>]*class="{kind}-heading"[^>]*>(.*?)</h2>'
    return [
        " ".join(html.unescape(text).split())
        for text in re.findall(pattern, response.content.decode(), flags=re.S)
    ]


def test_change_form_follows_the_order_of_the_page(editor_client, gpoh):
    response = editor_client.get(change_url(gpoh))

    fieldsets = admin_headings(response, "fieldset")
    inlines = [INLINE_SECTIONS[title] for title in admin_headings(response, "inline")]
    # Django shows inlines after the fieldsets: each group is in the page's order.
    assert fieldsets == [title for title in PAGE_ORDER if title in fieldsets]
    assert fieldsets[:3] == ["Header", "Headline figures", "What they do"]
    assert inlines == ["Core expertise", "Notable projects", "Analysis note"]


def test_figures_typed_in_need_the_editors_source(editor_client):
    organization = make_organization()  # no participations: figures can be typed in
    assert organization.figures_source == FiguresSource.COMPUTED

    response = save(editor_client, organization, project_count=4, partner_count=12)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Entered by the editors" in " ".join(errors["figures_source"])
    organization.refresh_from_db()
    assert organization.project_count == 0


def test_figures_typed_in_with_the_editors_source_are_saved(editor_client, client):
    organization = make_organization()

    response = save(
        editor_client,
        organization,
        figures_source=FiguresSource.EDITORS,
        project_count=4,
        total_ec_funding="1250000",
    )

    assert response.status_code == 302, form_errors(response)
    organization.refresh_from_db()
    assert (organization.project_count, organization.figures_source) == (4, "editors")
    client.logout()
    text = Page.of(client.get(organization.get_absolute_url())).text
    assert "Total EC funding €1.3M" in text
    assert "Entered by the editors." in text
