"""The projects page's filters, the keywords pages' counts and the keyword page's limits;
the list pages' query counts."""

from datetime import date

import pytest
from django.urls import reverse

from organizations.models import Organization, Status
from projects.views import KEYWORD_ORGANIZATIONS_SHOWN, KEYWORD_PROJECTS_SHOWN
from tests.factories import (
    Page,
    make_keyword,
    make_organization,
    make_participation,
    make_project,
)

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
    return {"harmony": harmony, "solar": solar, "cancer": cancer, "german": german}


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
        ({"organization": projects["german"].slug}, [harmony]),
        ({"organization": "no-such-organization"}, []),
        ({"q": "a", "programme": "H2020", "country": "DE"}, [harmony]),
    ]
    for params, expected in cases:
        assert listed(client, PROJECTS, **params) == expected, params


def test_programme_choices_come_from_the_data(client, projects):
    response = client.get(PROJECTS)
    assert 'value="HORIZON" id="id_programme_1"> Horizon Europe</label>' in response.text
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


# The keyword page ------------------------------------------------------------------------


@pytest.fixture
def busy_keyword(db):
    """A keyword with 5 more projects and organizations than its page shows: the last project
    is the newest, Maker BAT01 is in two of them, and a draft is in one."""
    keyword = make_keyword("Battery", slug="battery")
    size = max(KEYWORD_PROJECTS_SHOWN, KEYWORD_ORGANIZATIONS_SHOWN) + 5
    projects = [
        make_project(acronym=f"BAT{i:02}", start_date=date(2000 + i, 1, 1), keywords=[keyword])
        for i in range(size)
    ]
    for project in projects:
        make_participation(project, make_organization(name=f"Maker {project.acronym}"))
    make_participation(projects[1], make_organization(name="Draft maker", status=Status.DRAFT))
    make_participation(projects[2], Organization.objects.get(name="Maker BAT01"))
    return keyword, size


def test_keyword_page_shows_the_first_of_many_and_links_to_the_rest(client, busy_keyword):
    keyword, size = busy_keyword
    page = Page.of(client.get(keyword.get_absolute_url()))

    assert len(page.find_all("article", **{"class": "project-card"})) == KEYWORD_PROJECTS_SHOWN
    assert len(page.find_all("li", **{"class": "partners__item"})) == KEYWORD_ORGANIZATIONS_SHOWN
    assert page.titles() == [f"Projects ({size})", f"Organizations ({size})"]  # drafts aside
    assert f"Showing the newest {KEYWORD_PROJECTS_SHOWN} of {size} projects." in page.text
    assert f"Showing {KEYWORD_ORGANIZATIONS_SHOWN} of {size} organizations" in page.text
    assert page.text.index("BAT24") < page.text.index("BAT23")  # newest first
    assert page.text.index("Maker BAT01 Germany · 2 projects") < page.text.index("Maker BAT00")
    assert "Draft maker" not in page.text

    # The links lead to every project and every published organization.
    for path in ["/projects/?keyword=battery", "/organizations/?keyword=battery"]:
        assert page.find_all("a", href=path)
        assert client.get(path).context["paginator"].count == size


def test_keyword_page_with_few_entries_shows_them_all(client, db):
    keyword = make_keyword("Rare", slug="rare")
    make_participation(make_project(keywords=[keyword]), make_organization(name="Only maker"))
    page = Page.of(client.get(keyword.get_absolute_url()))

    assert page.titles() == ["Projects (1)", "Organizations (1)"]
    assert "Only maker" in page.text
    assert "Showing" not in page.text
    assert not page.find_all("a", href="/organizations/?keyword=rare")


def test_staff_see_drafts_on_the_keyword_page(client, staff, busy_keyword):
    keyword, size = busy_keyword
    client.force_login(staff)
    page = Page.of(client.get(keyword.get_absolute_url()))

    assert f"Organizations ({size + 1})" in page.titles()


def add_projects(n):
    keyword = make_keyword()
    for _ in range(n):
        make_participation(make_project(keywords=[keyword]), make_organization())


# Projects: the programme choices, the count, the pks counted, the programme facets, the
# fields of science, the page (the subjects' titles: tests/test_facets.py).
# Keywords: the count, the page.
@pytest.mark.parametrize(
    "url, params, queries",
    [
        (PROJECTS, {}, 6),
        (PROJECTS, {"q": "proj", "country": "DE", "programme": "H2020"}, 6),
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
