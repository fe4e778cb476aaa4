"""The projects page's filters and the keywords page's counts; both pages' query counts."""

from datetime import date

import pytest
from django.urls import reverse

from organizations.models import Status
from tests.factories import make_keyword, make_organization, make_participation, make_project

PROJECTS = reverse("projects:list")
KEYWORDS = reverse("projects:keywords")


def listed(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return [item.slug for item in response.context["object_list"]]


@pytest.fixture
def projects(db):
    cancer = make_keyword("Childhood cancer")
    german = make_organization(country="DE")
    french = make_organization(country="FR")
    harmony = make_project(
        acronym="HARMONY",
        title="Big data for blood cancers",
        framework_programme="H2020",
        start_date=date(2017, 1, 1),
        keywords=[cancer],
    )
    solar = make_project(
        acronym="SOLAR",
        title="Photovoltaic roofs",
        objective="Cheaper panels for every roof.",
        framework_programme="HORIZON",
        start_date=date(2022, 6, 1),
    )
    make_participation(harmony, german)
    make_participation(harmony, make_organization(country="DE"))  # a second German partner
    make_participation(solar, french)
    return {"harmony": harmony, "solar": solar, "cancer": cancer}


def test_each_project_filter(client, projects):
    harmony, solar = projects["harmony"].slug, projects["solar"].slug
    cases = [
        ({}, [harmony, solar]),
        ({"q": "harmony"}, [harmony]),  # acronym
        ({"q": "photovoltaic"}, [solar]),  # title
        ({"q": "PANELS"}, [solar]),  # objective, any case
        ({"programme": "HORIZON"}, [solar]),
        ({"start_year": "2017"}, [harmony]),
        ({"start_year": "2030"}, []),
        ({"country": "DE"}, [harmony]),  # listed once for two German partners
        ({"country": ["DE", "FR"]}, [harmony, solar]),
        ({"keyword": projects["cancer"].slug}, [harmony]),
        ({"keyword": "no-such-keyword"}, []),
        ({"q": "a", "programme": "H2020", "country": "DE"}, [harmony]),
    ]
    for params, expected in cases:
        assert listed(client, PROJECTS, **params) == expected, params


def test_programme_choices_come_from_the_data(client, projects):
    response = client.get(PROJECTS)
    assert '<option value="HORIZON">HORIZON</option>' in response.text
    assert client.get(PROJECTS, {"programme": "FP9"}).status_code == 400


def test_keywords_count_projects_and_published_organizations(client, staff, db):
    cancer = make_keyword("Cancer")
    lonely = make_keyword("Lonely")
    draft = make_organization(status=Status.DRAFT)
    published = make_organization()
    first, second = make_project(keywords=[cancer]), make_project(keywords=[cancer])
    make_participation(first, published)
    make_participation(second, published)  # counted once
    make_participation(second, draft)
    counts = {
        k.name: (k.num_projects, k.num_organizations)
        for k in client.get(KEYWORDS).context["object_list"]
    }
    assert counts == {"Cancer": (2, 1), "Lonely": (0, 0)}
    client.force_login(staff)
    counts = {k.name: k.num_organizations for k in client.get(KEYWORDS).context["object_list"]}
    assert counts == {"Cancer": 2, "Lonely": 0}
    assert listed(client, KEYWORDS, q="LONE") == [lonely.slug]


def add_projects(n):
    keyword = make_keyword()
    for _ in range(n):
        make_participation(make_project(keywords=[keyword]), make_organization())


# Projects: the programme choices, the count, the page. Keywords: the count, the page.
@pytest.mark.parametrize(
    "url, params, queries",
    [
        (PROJECTS, {}, 3),
        (PROJECTS, {"q": "proj", "country": "DE", "programme": "H2020"}, 3),
        (KEYWORDS, {}, 2),
        (KEYWORDS, {"q": "keyword"}, 2),
    ],
)
def test_query_count_is_constant(client, db, django_assert_num_queries, url, params, queries):
    add_projects(3)
    with django_assert_num_queries(queries):
        client.get(url, params)
    add_projects(27)
    with django_assert_num_queries(queries):
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(response.context["object_list"]) >= 2
