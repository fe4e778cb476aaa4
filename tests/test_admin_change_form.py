"""The profile's change form at the size of the real data: an organization with 1,000
participations gets a fixed number of queries, a handful of inputs for its projects, and
its figures formatted, read-only."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from organizations.admin.display import NOTABLE_CANDIDATES, PROJECTS_LISTED
from organizations.admin.forms import MAX_ROWS, rows_for
from organizations.models import Organization
from organizations.stats import refresh_figures
from projects.models import Participation, Project
from tests.factories import make_organization

pytestmark = pytest.mark.django_db

PARTICIPATIONS = 1000


@pytest.fixture
def large():
    organization = make_organization(name="Large Institute", pic="999123456")
    start = date(2014, 1, 1)
    projects = Project.objects.bulk_create(
        Project(
            cordis_id=str(800000 + n),
            acronym=f"LARGE{n}",
            title=f"Large project {n}",
            slug=f"large-{n}",
            framework_programme="HORIZON",
            start_date=start + timedelta(days=3 * n),
        )
        for n in range(PARTICIPATIONS)
    )
    Participation.objects.bulk_create(
        Participation(
            project=project,
            organization=organization,
            role=Participation.Role.PARTICIPANT,
            ec_contribution=Decimal(1000 + n),
            notable_rank=1 if n == 0 else None,
        )
        for n, project in enumerate(projects)
    )
    refresh_figures(Organization.objects.filter(pk=organization.pk))
    organization.refresh_from_db()
    return organization


def change_url(organization):
    return reverse("admin:organizations_organization_change", args=[organization.pk])


def test_the_change_form_of_1000_participations_in_a_fixed_number_of_queries(
    editor_client, large, django_assert_num_queries
):
    editor_client.get(change_url(large))  # sessions, permissions and content types cached
    with django_assert_num_queries(16):
        response = editor_client.get(change_url(large))
    assert response.status_code == 200


def test_the_change_form_lists_projects_compactly_and_offers_a_handful_as_notable(
    editor_client, large
):
    content = editor_client.get(change_url(large)).content.decode()

    # The newest projects, linked, read-only; the rest a link away.
    listing = content[content.index('class="module aligned projects-list"') :]
    rows = re.findall(r'<a href="/projects/large-(\d+)/">', listing)
    assert len(rows) == PROJECTS_LISTED
    assert rows[0] == str(PARTICIPATIONS - 1)  # the newest first
    assert f"All {PARTICIPATIONS} projects" in listing
    # Inputs: the chosen notable project and a few candidates, no more.
    ranks = re.findall(r'name="participations-\d+-notable_rank"', content)
    assert len(ranks) == 1 + NOTABLE_CANDIDATES
    assert not re.search(r'name="participations-\d+-(ec_contribution|role|project)"', content)
    # Figures read-only and formatted.
    assert "€" + f"{large.total_ec_funding:,.0f}" in content
    assert 'name="total_ec_funding"' not in content and 'name="project_count"' not in content


def test_the_form_keeps_the_notable_projects_and_their_highlights(editor_client, large):
    from tests.admin_forms import change_form_data

    form = change_form_data(editor_client.get(change_url(large)))
    prefix = next(
        name.removesuffix("-notable_rank")
        for name, value in form.items()
        if name.endswith("-notable_rank") and value == ["1"]
    )
    form[f"{prefix}-highlight"] = ["Why it matters."]
    form["_save"] = ["Save"]
    assert editor_client.post(change_url(large), form).status_code == 302
    chosen = Participation.objects.get(organization=large, notable_rank=1)
    assert chosen.highlight == "Why it matters."


@pytest.mark.parametrize(
    "text, rows",
    [("", 2), ("One line.", 2), ("x" * 400, 6), ("line\n" * 40, MAX_ROWS)],
)
def test_text_boxes_are_as_tall_as_their_text(text, rows):
    assert rows_for(text) == rows
