"""What the search page renders in Python is the templates' output to the byte: the result
cards (organizations.cards; includes/organization_card.html, which the home page includes)
and the facets (base.facets_html; includes/facets.html)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from base.facets_html import facets_html
from organizations.cards import organization_card
from organizations.facets import Facet, FacetValue
from organizations.models import Curation, FiguresSource, Kind, Organization, Status
from tests.factories import make_organization

CASES = [
    {},
    {"name": 'Ärzte & <Söhne> "GmbH"', "sme": True, "kind": Kind.COMPANY},
    {"status": Status.DRAFT, "country": "", "project_count": 1},
    {"tagline": "Oncology <b>and</b> haematology.", "project_count": 12_345},
    {"tagline": "Drafted text.", "curation": Curation.DRAFTED},
    {"total_ec_funding": Decimal("842123.50"), "project_count": 3},
    {
        "figures_source": FiguresSource.COMPUTED,
        "total_ec_funding": Decimal("1234567"),
        "funded_project_count": 2,
        "project_count": 1_007,
    },
    {"figures_source": FiguresSource.COMPUTED, "funded_project_count": 0, "project_count": 2},
    {"country": "XK", "kind": Kind.PUBLIC_BODY, "why_matched": "name · 12 projects on <x>"},
]


@pytest.mark.parametrize("fields", CASES)
@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_the_python_card_is_the_templates(db, fields, who, staff):
    fields = dict(fields)
    why = fields.pop("why_matched", None)
    make_organization(**fields)
    organization = Organization.objects.for_cards().get()  # the columns the page reads
    if why:
        organization.why_matched = why
    user = staff if who == "staff" else AnonymousUser()
    expected = render_to_string(
        "includes/organization_card.html", {"organization": organization, "user": user}
    )
    assert str(organization_card(organization, user)) == expected.lstrip("\n")


FACETS = [
    Facet(
        "country",
        "Country",
        [
            FacetValue("Germany", 12_345, False, "?q=a&country=DE"),
            FacetValue("Côte d'Ivoire <&>", 3, True, '?q="a"&x=<b>', estimated=True),
        ],
    ),
    Facet("sme", "Size", [FacetValue("SME", 7, True, "?")]),
]


@pytest.mark.parametrize("facets", [FACETS, FACETS[:1], []])
def test_the_python_facets_are_the_templates(facets):
    expected = render_to_string("includes/facets.html", {"facets": facets})
    assert str(facets_html(facets)) == expected
