"""Every public page answers, hides drafts from the public and has the base template's parts."""

import pytest

from organizations.models import Status
from tests.factories import (
    Page,
    make_keyword,
    make_organization,
    make_participation,
    make_project,
)
from tests.test_profile_page import EDITORS_LISTS, PROFILE_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    """A published organization and a draft one, in one project with one keyword."""
    keyword = make_keyword("oncology", slug="oncology")
    project = make_project(acronym="ONCO", slug="onco", keywords=[keyword])
    published = make_organization(name="Published Org", slug="published-org")
    draft = make_organization(name="Draft Org", slug="draft-org", status=Status.DRAFT)
    make_participation(project, published)
    make_participation(project, draft)
    return {"keyword": keyword, "project": project, "published": published, "draft": draft}


HTML_PAGES = [
    "/",
    "/organizations/",
    "/organizations/published-org/",
    "/projects/",
    "/projects/onco/",
    "/keywords/",
    "/keywords/oncology/",
]
SITEMAPS = [
    "/sitemap.xml",  # the index of the sections' sitemaps
    "/sitemap-organizations.xml",
    "/sitemap-projects.xml",
    "/sitemap-keywords.xml",
]
OTHER_PAGES = ["/healthz", "/robots.txt", *SITEMAPS]


@pytest.mark.parametrize("url", HTML_PAGES + OTHER_PAGES)
def test_page_answers(client, content, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/organizations/missing/", "/projects/missing/", "/keywords/missing/"]
)
def test_missing_slug_is_404(client, content, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "Page not found" in Page.of(response).titles("h1")


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")

    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_robots_txt_points_to_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()

    assert "Disallow: /admin/" in text.splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()


# Drafts -------------------------------------------------------------------------------------

DRAFT_BANNER = "Draft: this profile is not public."


def test_draft_profile_is_404_to_the_public(client, content):
    assert client.get("/organizations/draft-org/").status_code == 404


def test_draft_profile_is_shown_to_staff_with_a_banner(staff_client, content):
    response = staff_client.get("/organizations/draft-org/")

    assert response.status_code == 200
    page = Page.of(response)
    assert DRAFT_BANNER in page.text
    assert page.find_all("p", role="status")


def test_published_profile_has_no_draft_banner(staff_client, content):
    page = Page.of(staff_client.get("/organizations/published-org/"))

    assert DRAFT_BANNER not in page.text


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/organizations/",
        "/sitemap-organizations.xml",
        "/keywords/oncology/",
        "/organizations/published-org/",
    ],
)
def test_drafts_are_not_listed_to_the_public(client, content, url):
    html = client.get(url).content.decode()

    assert "/organizations/draft-org/" not in html
    if not url.endswith(".xml"):
        assert "Draft Org" not in html
    assert "/organizations/published-org/" in html


def test_project_page_names_a_draft_partner_without_linking_it(client, content):
    page = Page.of(client.get("/projects/onco/"))

    assert "Draft Org" in page.text  # CORDIS data: the partner table is complete
    assert not page.find_all("a", href="/organizations/draft-org/")
    assert page.find_all("a", href="/organizations/published-org/")


def test_project_page_says_not_published_for_a_contribution_cordis_does_not_give(client, content):
    make_participation(content["project"], make_organization(), ec_contribution="1500")
    page = Page.of(client.get("/projects/onco/"))

    cells = [cell for tag, cell in page.elements if tag == "td" and "num" in cell.get("class", "")]
    assert len(cells) == 3
    assert page.text.count("not published") == 2 and "€1,500" in page.text


def test_staff_see_drafts_in_the_list_with_a_badge(staff_client, content):
    page = Page.of(staff_client.get("/organizations/"))

    assert page.find_all("a", href="/organizations/draft-org/")
    assert page.find_all("span", **{"class": "badge badge--draft"})


def test_home_counts_published_organizations_only(client, content):
    page = Page.of(client.get("/"))

    assert "1 organization " in page.text


# The base template --------------------------------------------------------------------------


@pytest.mark.parametrize("url", HTML_PAGES)
def test_page_has_canonical_link_and_description(client, content, url):
    page = Page.of(client.get(url))

    assert page.find_all("link", rel="canonical") == [
        {"rel": "canonical", "href": f"http://testserver{url}"}
    ]
    (description,) = page.find_all("meta", name="description")
    assert description["content"].strip()


def test_profile_description_is_the_tagline(client, db):
    organization = make_organization(tagline="Registries for rare diseases.")

    page = Page.of(client.get(organization.get_absolute_url()))

    assert page.find_all("meta", name="description")[0]["content"] == (
        "Registries for rare diseases."
    )


@pytest.mark.parametrize("url", HTML_PAGES)
def test_base_template_is_accessible(client, content, url):
    page = Page.of(client.get(url))

    assert page.find_all("html", lang="en")
    # The skip link is the first link on the page and leads to <main id="main">.
    first_link = next(attrs for tag, attrs in page.elements if tag == "a")
    assert first_link["href"] == "#main"
    assert len(page.find_all("main", id="main")) == 1
    navs = page.find_all("nav")
    assert navs and all(nav.get("aria-label") or nav.get("aria-labelledby") for nav in navs)
    assert len(page.titles("h1")) == 1


def test_current_section_is_marked_in_the_navigation(client, content):
    page = Page.of(client.get("/projects/"))

    assert page.find_all("a", href="/projects/", **{"aria-current": "page"})
    assert not page.find_all("a", href="/organizations/", **{"aria-current": "page"})


# Query counts -------------------------------------------------------------------------------


def make_rows(size):
    """`size` published organizations, each in its own project with its own keyword and a
    shared one, and as many drafts."""
    keyword = make_keyword("shared", slug="shared")
    for _ in range(size):
        organization = make_organization()
        project = make_project(keywords=[keyword, make_keyword()])
        make_participation(project, organization)
        make_participation(project, make_organization(status=Status.DRAFT))


# Pinned: a change here is a change in how a page reads the database. Anonymous visitors
# cost no session query.
QUERIES = {
    "/": 4,  # three counts, recent profiles
    "/organizations/": 5,  # count with facets, subjects, any keyword?, keyword facet, page
    "/projects/": 6,  # programme choices, count, pks counted, subject facets, fields, page
    "/keywords/": 2,  # count, page
    "/keywords/shared/": 3,  # keyword with its counts, first projects, first organizations
    "/healthz": 1,
    "/robots.txt": 0,
    "/sitemap.xml": 4,  # a count per section; organizations' last change
    "/sitemap-organizations.xml": 2,  # count, items
    "/sitemap-projects.xml": 2,
    "/sitemap-keywords.xml": 2,
}


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("url", QUERIES)
def test_query_count(client, django_assert_num_queries, url, size):
    make_rows(size)

    with django_assert_num_queries(QUERIES[url]):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 30])
def test_project_page_query_count(client, django_assert_num_queries, size):
    project = make_project(keywords=[make_keyword() for _ in range(size)])
    for _ in range(size):
        make_participation(project, make_organization())

    # project, keywords, fields of science, topics, programme parts, participations with
    # their organizations
    with django_assert_num_queries(6):
        response = client.get(project.get_absolute_url())

    assert len(Page.of(response).find_all("tr")) == size + 1  # header row


@pytest.mark.parametrize("size", [1, 30])
def test_organization_page_query_count_for_staff(staff_client, django_assert_num_queries, size):
    organization = make_organization(status=Status.DRAFT)
    for _ in range(size):
        make_participation(organization=organization)

    # session, user, then the profile's queries: it has no list editors write
    with django_assert_num_queries(2 + PROFILE_QUERIES - EDITORS_LISTS):
        response = staff_client.get(organization.get_absolute_url())

    assert response.status_code == 200


def test_missing_page_query_count(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/organizations/missing/")

    assert response.status_code == 404
