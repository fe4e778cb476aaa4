"""How the search's SQL lets PostgreSQL plan it (organizations/search/postgresql.py, id_in):
the results looked up by id from one array of the matching ids when only the search narrows
the organizations, IN when other filters do too. The results are the same either way
(tests/test_search.py, on both databases); these pin the plans' starting point."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_organization, make_participation, make_project

LIST = reverse("organizations:list")
SMES_COUNTED = 'COUNT("organizations_organization"."id") FILTER'  # the cube's alone

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans"),
]


@pytest.fixture
def hydrogen():
    for n in range(3):
        organization = make_organization(name=f"Hydrogen Aviation {n}", country="DE")
        make_participation(make_project(title="Hydrogen aircraft"), organization)


def cube(client, params):
    """The statement that counts the results per country, kind and sector."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.context["paginator"].count == 3
    (sql,) = [q["sql"] for q in queries.captured_queries if SMES_COUNTED in q["sql"]]
    return sql


def test_a_search_alone_looks_its_results_up_by_id_from_one_array(client, hydrogen):
    sql = cube(client, {"q": "hydrogen aviation"})
    # One array for both words (an array each made the index search every pair of ids).
    assert sql.count("= ANY(ARRAY(") == 1
    assert " INTERSECT " in sql


def test_with_other_filters_the_search_is_in_a_subquery(client, hydrogen):
    sql = cube(client, {"q": "hydrogen aviation", "country": "DE"})
    assert "ANY(ARRAY(" not in sql
    assert ".id IN (SELECT organization_id" in sql
