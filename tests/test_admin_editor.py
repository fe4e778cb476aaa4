"""An editor curates a profile in the admin, and the public page shows it."""

import html
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from organizations.models import FiguresSource, Organization
from projects.models import Participation
from tests.admin_forms import change_form_data
from tests.factories import Page, make_organization, make_participation, make_project
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
    "Notable projects": "Notable projects",
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


# What the CORDIS import owns is read-only, for editors and superusers alike ----------------

IMPORTED_PROJECT_INPUTS = ["cordis_id", "acronym", "title", "total_cost", "ec_max_contribution"]
IMPORTED_PROJECT_INPUTS += ["start_date", "end_date", "objective", "status", "call"]
# Each inline also posts its parent's key (hidden): "project" in the project's, and so on.
IMPORTED_PARTICIPATION_INPUTS = ["role", "order", "ec_contribution"]


def inputs(response):
    return set(change_form_data(response))


def test_the_project_admin_ignores_changes_to_what_the_import_owns(editor_client):
    project = make_project(total_cost=Decimal("1000000"), objective="From CORDIS.")
    participation = make_participation(project, role="participant", ec_contribution=None)
    url = reverse("admin:projects_project_change", args=[project.pk])

    response = editor_client.get(url)

    assert response.status_code == 200
    shown = inputs(response)
    assert "slug" in shown and "keywords" in shown  # the editors'
    assert not shown & set(IMPORTED_PROJECT_INPUTS)
    assert "participations-0-highlight" in shown
    imported = ["organization", *IMPORTED_PARTICIPATION_INPUTS]
    assert not shown & {f"participations-0-{name}" for name in imported}
    assert 'name="participations-0-DELETE"' not in response.content.decode()

    data = change_form_data(response)
    # A browser could still post them, and an inline form for a new participation.
    data["total_cost"] = ["12345678"]
    data["cordis_id"] = ["1"]
    data["participations-0-ec_contribution"] = ["12345678"]
    data["participations-0-role"] = ["coordinator"]
    data["participations-0-highlight"] = ["Why it matters to them."]
    data["participations-TOTAL_FORMS"] = ["2"]
    data["participations-1-organization"] = [str(make_organization().pk)]
    data["participations-1-ec_contribution"] = ["5"]
    data["_save"] = ["Save"]
    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    project.refresh_from_db()
    assert (project.total_cost, project.cordis_id) == (Decimal("1000000"), project.cordis_id)
    participation.refresh_from_db()
    assert (participation.ec_contribution, participation.role) == (None, "participant")
    assert participation.highlight == "Why it matters to them."
    assert Participation.objects.count() == 1


def test_the_organization_admin_ignores_changes_to_participations(editor_client):
    organization = make_organization(pic="999000111")
    participation = make_participation(organization=organization, ec_contribution="100")

    response = editor_client.get(change_url(organization))
    shown = inputs(response)
    assert "participations-0-notable_rank" in shown
    imported = ["project", *IMPORTED_PARTICIPATION_INPUTS]
    assert not shown & {f"participations-0-{name}" for name in imported}
    data = change_form_data(response)
    data["participations-0-ec_contribution"] = ["12345678"]
    data["participations-0-notable_rank"] = ["1"]
    data["_save"] = ["Save"]
    response = editor_client.post(change_url(organization), data)

    assert response.status_code == 302, form_errors(response)
    participation.refresh_from_db()
    assert (participation.ec_contribution, participation.notable_rank) == (Decimal("100"), 1)


def test_superusers_see_what_the_import_owns_read_only_too(admin_client):
    participation = make_participation()

    project_form = inputs(
        admin_client.get(reverse("admin:projects_project_change", args=[participation.project_id]))
    )
    organization_form = inputs(admin_client.get(change_url(participation.organization)))

    assert "total_cost" not in project_form and "slug" in project_form
    assert "participations-0-ec_contribution" not in project_form | organization_form
    assert "participations-0-highlight" in project_form & organization_form


def test_an_imported_profiles_cordis_fields_are_read_only_but_its_kind_is_not(editor_client):
    imported = make_organization(pic="999000222", legal_name="NORTHBRIDGE GMBH", city="Graz")
    shown = inputs(editor_client.get(change_url(imported)))
    assert not shown & {"pic", "legal_name", "short_name", "city", "country", "website"}
    assert {"name", "kind", "tagline"} <= shown

    response = save(editor_client, imported, kind="ngo", legal_name="Changed", city="Vienna")

    assert response.status_code == 302, form_errors(response)
    imported.refresh_from_db()
    assert (imported.kind, imported.legal_name, imported.city) == (
        "ngo",
        "NORTHBRIDGE GMBH",
        "Graz",
    )
    # A profile the editors made (no PIC yet) is theirs to fill in.
    assert {"pic", "legal_name", "city"} <= inputs(
        editor_client.get(change_url(make_organization()))
    )
