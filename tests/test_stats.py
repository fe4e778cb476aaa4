"""Headline figures computed from participations: refresh_stats and organizations.stats."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import FiguresSource, Organization
from organizations.stats import refresh_figures
from projects.models import Participation
from tests.factories import make_organization, make_participation, make_project

pytestmark = pytest.mark.django_db

COORDINATOR = Participation.Role.COORDINATOR


@pytest.fixture
def consortium():
    """Three projects and six organizations:

    P1: A (coordinator, 100), B (50), C (no amount)
    P2: A (200), B (no amount), D (30)
    P3: C (coordinator, 10), D (20), F (no amount)
    E takes part in nothing. Countries: A DE, B FR, C DE, D unknown, E DE, F IT.
    """
    orgs = {
        slug: make_organization(name=slug.upper(), slug=slug, country=country)
        for slug, country in [("a", "DE"), ("b", "FR"), ("c", "DE"), ("d", ""), ("e", "DE")]
    }
    orgs["f"] = make_organization(name="F", slug="f", country="IT")
    p1, p2, p3 = make_project(), make_project(), make_project()
    for project, slug, role, amount in [
        (p1, "a", COORDINATOR, 100),
        (p1, "b", None, 50),
        (p1, "c", None, None),
        (p2, "a", None, 200),
        (p2, "b", None, None),
        (p2, "d", None, 30),
        (p3, "c", COORDINATOR, 10),
        (p3, "d", None, 20),
        (p3, "f", None, None),
    ]:
        make_participation(
            project, orgs[slug], role=role or Participation.Role.PARTICIPANT, ec_contribution=amount
        )
    return orgs


# slug: (projects, as coordinator, EC funding, partners, partner countries)
EXPECTED = {
    "a": (2, 1, 300, 3, 2),  # B and D: one partner each, though shared twice; D's country unknown
    "b": (2, 0, 50, 3, 1),  # partners A, C (DE) and D (unknown): one country
    "c": (2, 1, 10, 4, 3),  # A, B, D, F: DE, FR, IT
    "d": (2, 0, 50, 4, 3),
    "e": (0, 0, 0, 0, 0),
    "f": (1, 0, 0, 2, 1),  # only unknown amounts: 0; partners C (DE) and D (unknown)
}


def figures(slug):
    organization = Organization.objects.get(slug=slug)
    return (
        organization.project_count,
        organization.coordinator_count,
        organization.total_ec_funding,
        organization.partner_count,
        organization.partner_country_count,
    )


def test_refresh_figures_computes_every_figure(consortium):
    updated = refresh_figures(Organization.objects.all())

    assert updated == 6
    assert {slug: figures(slug) for slug in EXPECTED} == EXPECTED
    for organization in Organization.objects.all():
        assert organization.figures_source == FiguresSource.COMPUTED
        assert organization.figures_computed_at is not None


def test_without_partners_only_the_figures_of_its_own_participations_are_counted(consortium):
    """What the import does for an organization whose role or contribution alone changed:
    its partners are as they were, and their counts are left as stored."""
    Organization.objects.update(partner_count=99, partner_country_count=98)

    assert refresh_figures(Organization.objects.all(), partners=False) == 6

    for slug, (projects, coordinated, funding, _, _) in EXPECTED.items():
        assert figures(slug) == (projects, coordinated, funding, 99, 98)


def test_funding_is_a_decimal_amount(consortium):
    refresh_figures(Organization.objects.filter(slug="a"))

    assert Organization.objects.get(slug="a").total_ec_funding == Decimal("300.00")


def test_refresh_stats_command(consortium, capsys):
    call_command("refresh_stats")

    assert {slug: figures(slug) for slug in EXPECTED} == EXPECTED
    assert "Refreshed the figures of 6 organization(s) and the computed sections of" in (
        capsys.readouterr().out
    )


def test_refresh_stats_for_some_organizations(consortium):
    call_command("refresh_stats", "a", "f", verbosity=0)

    assert figures("a") == EXPECTED["a"]
    assert figures("f") == EXPECTED["f"]
    assert figures("b") == (0, 0, 0, 0, 0)
    assert Organization.objects.get(slug="b").figures_computed_at is None


def test_figures_entered_by_the_editors_are_left_alone(consortium, capsys):
    Organization.objects.filter(slug="a").update(
        figures_source=FiguresSource.EDITORS, project_count=9, partner_count=57
    )

    call_command("refresh_stats")

    a = Organization.objects.get(slug="a")
    assert (a.project_count, a.partner_count, a.figures_source) == (9, 57, "editors")
    assert a.figures_computed_at is None
    assert figures("b") == EXPECTED["b"]
    assert "Left 1 with figures entered by the editors alone" in capsys.readouterr().out


def test_include_edited_replaces_editors_figures(consortium):
    Organization.objects.filter(slug="a").update(
        figures_source=FiguresSource.EDITORS, project_count=9
    )

    call_command("refresh_stats", "--include-edited", verbosity=0)

    assert figures("a") == EXPECTED["a"]
    assert Organization.objects.get(slug="a").figures_source == FiguresSource.COMPUTED


def test_refresh_figures_keep_edited_false_replaces_editors_figures(consortium):
    Organization.objects.filter(slug="e").update(
        figures_source=FiguresSource.EDITORS, project_count=4
    )

    refresh_figures(Organization.objects.all(), keep_edited=False)

    assert figures("e") == EXPECTED["e"]


def test_unknown_slug_is_an_error(consortium):
    with pytest.raises(CommandError, match="no-such-org"):
        call_command("refresh_stats", "a", "no-such-org")

    assert figures("a") == (0, 0, 0, 0, 0)  # nothing refreshed


def count_queries(size):
    for _ in range(size):
        organization = make_organization()
        make_participation(organization=organization, ec_contribution=10)
        make_participation(organization=organization, role=COORDINATOR)
    with CaptureQueriesContext(connection) as context:
        updated = refresh_figures(Organization.objects.all())
    assert updated == Organization.objects.count()
    return len(context.captured_queries)


# Pinned: one UPDATE whatever the number of organizations.
REFRESH_QUERIES = 1


@pytest.mark.parametrize("size", [3, 30])
def test_refresh_figures_query_count_is_constant(size):
    assert count_queries(size) == REFRESH_QUERIES
