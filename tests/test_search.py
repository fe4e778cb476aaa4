"""The organizations page: search, filters, sort orders, facets, export, query counts.

Runs on SQLite and PostgreSQL, all of it on both.
"""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from organizations.models import Kind, Organization, Sector, Status
from organizations.search import MAX_TERMS, Term, read_query, search_organizations
from organizations.views import EXPORT_LIMIT
from tests.data import CORDIS_IMI2
from tests.factories import (
    Page,
    make_capability,
    make_expertise,
    make_keyword,
    make_organization,
    make_participation,
    make_project,
)

LIST = reverse("organizations:list")


def found(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content[:500]
    return [organization.slug for organization in response.context["object_list"]]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return Organization.objects.get(slug="gpoh")


# Search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "pediatric",  # the expertise names' and early focus's spelling
        "paediatric oncology",  # the narrative's British spelling
        "GPOH",
        "gemeinnutzige",
        '"paediatric oncology"',
        "haematology",
        "HARMONY alliance",
    ],
)
def test_search_finds_the_demo_profile(client, demo, q):
    assert "gpoh" in found(client, q=q)


def test_search_finds_nothing_for_words_nobody_uses(client, demo):
    assert found(client, q="volcanology") == []


def test_expertise_area_names_are_searched(client, db):
    organization = make_organization(name="Plain Name")
    make_expertise(organization, name="Cryogenic microscopy")
    make_organization(name="Other")
    assert found(client, q="cryogenic microscopy") == [organization.slug]


def test_expertise_area_changes_are_searchable_at_once(client, db):
    organization = make_organization(name="Plain Name")
    area = make_expertise(organization, name="Cryogenic microscopy")
    area.name = "Volcano sampling"
    area.save()
    assert found(client, q="cryogenic") == []
    assert found(client, q="volcano") == [organization.slug]
    area.delete()
    assert found(client, q="volcano") == []


def test_names_are_found_by_any_part(client, db):
    jena = make_organization(name="Universitätsklinikum Jena")
    make_organization(name="Technische Universität")
    assert found(client, q="klinikum") == [jena.slug]


@pytest.mark.parametrize("q", ["pediatrc oncolgy", "paediatrik", "oncolgy"])
def test_misspelt_words_are_corrected(client, demo, q):
    response = client.get(LIST, {"q": q})
    assert [o.slug for o in response.context["object_list"]] == ["gpoh"]
    assert "Showing results for" in response.text


@pytest.mark.parametrize("q", ["universitatsklinikum jena", "Universitaetsklinikum", "jéna"])
def test_accents_are_ignored(client, db, q):
    jena = make_organization(name="Universitätsklinikum Jena")
    make_organization(name="Charité")
    assert jena.slug in found(client, q=q)


def test_misspelt_names_are_found(client, db):
    charite = make_organization(name="Charité Universitätsmedizin Berlin")
    assert charite.slug in found(client, q="universitatsmedizn")


def test_websearch_syntax(client, demo):
    other = make_organization(name="Kestrel Leukaemia Fund", tagline="Paediatric leukaemia.")
    assert set(found(client, q="paediatric")) == {"gpoh", other.slug}
    assert found(client, q="paediatric -oncology") == [other.slug]
    assert found(client, q='"paediatric oncology"') == ["gpoh"]
    assert found(client, q='"oncology paediatric"') == []
    assert set(found(client, q="volcanology or kestrel")) == {other.slug}
    assert set(found(client, q="volcanology OR gpoh or kestrel")) == {"gpoh", other.slug}


def test_websearch_is_read_the_same_way_on_sqlite():
    assert read_query('a "b c" -d or -"e f" !').alternatives == [
        [Term(False, "a"), Term(False, "b c", phrase=True), Term(True, "d")],
        [Term(True, "e f", phrase=True)],
    ]
    assert read_query('or "" -').alternatives == []


def test_the_query_is_read_into_clean_terms():
    query = read_query('- -- !!! cancer --tumour "a - b" or or !-!-x (-(-y) --- z:* or')
    assert query.text == 'cancer -tumour "a - b" or x y z'
    assert read_query(query.text) == query  # the clean text reads back the same
    words = " ".join(f"w{n}" for n in range(MAX_TERMS + 3))
    assert read_query(words).terms_left_out == 3
    assert read_query(words).text == " ".join(f"w{n}" for n in range(MAX_TERMS))


@pytest.mark.parametrize(
    "q",
    [
        "-" * 33,
        "cancer " + "-" * 40,
        "- " * 40,
        "cancer " + "- " * 40,
        "!-" * 40 + "cancer",
        "(-" * 40 + "cancer",
        "cancer " + "|-" * 40,
        "cancer -" + "-" * 150,
    ],
)
def test_runs_of_operators_are_searched_for_their_words(client, db, q):
    cancer = make_organization(name="Cancer Research Centre")
    make_organization(name="Other")
    assert found(client, q=q) in ([], [cancer.slug])
    if "cancer" in q:
        assert found(client, q=q) == [cancer.slug]


def test_words_past_the_limit_are_left_out_and_the_page_says_so(client, db):
    cancer = make_organization(name="Cancer Research Centre")
    words = ["cancer", *(f"research{n}" for n in range(MAX_TERMS + 1))]
    response = client.get(LIST, {"q": " ".join(words)})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []  # ten words, all of them required
    q = " or ".join(["cancer", *(f"w{n}" for n in range(MAX_TERMS))])
    response = client.get(LIST, {"q": q})
    assert [o.slug for o in response.context["object_list"]] == [cancer.slug]
    assert (
        f"Only the first {MAX_TERMS} words or phrases were searched; 1 more was left out."
        in response.text
    )


def test_search_ranks_names_first(client, db):
    in_text = make_organization(name="Alpha", core_work="We study zebrafish all day.")
    in_name = make_organization(name="Zebrafish Centre")
    assert found(client, q="zebrafish") == [in_name.slug, in_text.slug]


def test_search_function_strips_nul_and_blank_queries(db):
    organization = make_organization(name="Nul Test")
    everyone = Organization.objects.all()
    assert list(search_organizations(everyone, "  ").organizations) == [organization]
    assert list(search_organizations(everyone, "nul\x00 test").organizations) == [organization]


def test_drafts_are_found_by_staff_only(client, staff, db):
    draft = make_organization(name="Hidden Institute", status=Status.DRAFT)
    assert found(client, q="hidden") == []
    client.force_login(staff)
    assert found(client, q="hidden") == [draft.slug]


@pytest.mark.skipif(not CORDIS_IMI2.exists(), reason=f"no CORDIS sample at {CORDIS_IMI2}")
def test_search_on_the_imported_cordis_data(client, demo):
    call_command("import_cordis", str(CORDIS_IMI2), quiet=True, stdout=io.StringIO())
    assert Organization.objects.count() > 900
    assert "gpoh" in found(client, q="pediatric")
    assert "gpoh" in found(client, q="paediatric oncology")
    klinikum = found(client, q="klinikum")
    assert len(klinikum) > 5
    jena = Organization.objects.get(name="Universitätsklinikum Jena")
    assert jena.slug in found(client, q="klinikum jena")
    if connection.vendor == "postgresql":
        assert found(client, q="universitatsklinikum jena")[0] == jena.slug
        assert "gpoh" in found(client, q="pediatrc oncolgy")


# Filters ---------------------------------------------------------------------------------


@pytest.fixture
def three(db):
    """Three organizations that differ in every filtered field."""
    cancer = make_keyword("Childhood cancer")
    imaging = make_capability("Imaging")
    a = make_organization(
        name="Alpha", country="DE", kind=Kind.UNIVERSITY, sector=Sector.HEALTH,
        total_ec_funding=Decimal("500000"), project_count=5, partner_count=10,
        coordinator_count=2, capabilities=[imaging],
    )  # fmt: skip
    b = make_organization(
        name="Beta", country="FR", kind=Kind.COMPANY, sector=Sector.ENERGY,
        total_ec_funding=Decimal("2000000"), project_count=1, partner_count=30, sme=True,
    )  # fmt: skip
    c = make_organization(
        name="Gamma", country="FR", kind=Kind.NGO, sector=Sector.HEALTH,
        total_ec_funding=Decimal("0"), project_count=12, partner_count=3,
    )  # fmt: skip
    make_participation(make_project(keywords=[cancer]), a)
    make_participation(make_project(keywords=[cancer]), c)
    make_participation(make_project(), b)
    return {"a": a, "b": b, "c": c, "cancer": cancer, "imaging": imaging}


def slugs(three, *names):
    return [three[name].slug for name in names]


def test_each_filter(client, three):
    cases = [
        ({"country": "FR"}, "bc"),
        ({"country": ["DE", "FR"]}, "abc"),
        ({"kind": [Kind.UNIVERSITY, Kind.NGO]}, "ac"),
        ({"sector": Sector.HEALTH}, "ac"),
        ({"keyword": three["cancer"].slug}, "ac"),
        ({"keyword": "no-such-keyword"}, ""),
        ({"capability": three["imaging"].slug}, "a"),
        ({"coordinator": "on"}, "a"),
        ({"sme": "on"}, "b"),
        ({"sme": "on", "kind": [Kind.COMPANY, Kind.NGO]}, "b"),
        ({"funding_min": "500000"}, "ab"),
        ({"funding_max": "500000.00"}, "ac"),
        ({"funding_min": "1", "funding_max": "1000000"}, "a"),
        ({"projects_min": "5"}, "ac"),
        ({"projects_max": "5"}, "ab"),
        ({"country": "FR", "sector": Sector.HEALTH, "projects_min": "2"}, "c"),
    ]
    for params, expected in cases:
        assert found(client, **params) == slugs(three, *expected), params


def test_smes_carry_a_badge_on_their_card(client, three):
    page = Page.of(client.get("/organizations/"))
    badges = page.find_all("span", **{"class": "badge badge--sme"})
    assert len(badges) == 1
    assert "Beta SME" in page.text and "Alpha SME" not in page.text


def test_each_sort_order(client, three):
    orders = {
        "": "abc",  # by name when nothing is searched
        "relevance": "abc",
        "name": "abc",
        "funding": "bac",
        "projects": "cab",
        "partners": "bac",
    }
    for sort, expected in orders.items():
        assert found(client, sort=sort) == slugs(three, *expected), sort


def test_relevance_is_the_default_when_searching(client, db):
    text = make_organization(name="Aardvark", tagline="Robotics for farms.")
    name = make_organization(name="Zulu Robotics")
    assert found(client, q="robotics") == [name.slug, text.slug]
    assert found(client, q="robotics", sort="name") == [text.slug, name.slug]


def test_pages_keep_the_filters(client, db):
    for n in range(25):
        make_organization(name=f"Org {n:02}", country="FR")
    response = client.get(LIST, {"country": "FR", "sort": "name"})
    assert response.context["paginator"].count == 25
    assert 'href="?country=FR&amp;sort=name&amp;page=2"' in response.text
    second = client.get(LIST, {"country": "FR", "sort": "name", "page": 2})
    assert [o.name for o in second.context["object_list"]] == [f"Org {n}" for n in range(20, 25)]


# Facets ----------------------------------------------------------------------------------


def facet_counts(response):
    return {
        facet.name: {value.label: value.count for value in facet.values}
        for facet in response.context["facets"]
    }


@pytest.mark.parametrize(
    "params", [{}, {"country": "FR"}, {"sector": Sector.HEALTH}, {"q": "alpha or gamma"}]
)
def test_facet_counts_equal_direct_counts(client, three, params):
    response = client.get(LIST, params)
    results = Organization.objects.filter(slug__in=found(client, **params))
    assert response.context["paginator"].count == results.count()
    counts = facet_counts(response)
    labels = {"country": {"DE": "Germany", "FR": "France"}, "kind": dict(Kind.choices)}
    labels["sector"] = dict(Sector.choices)
    for field in ["country", "kind", "sector"]:
        expected = {
            labels[field][value]: results.filter(**{field: value}).count()
            for value in results.values_list(field, flat=True).distinct()
        }
        assert counts[field] == expected, field
    keyword = three["cancer"]
    expected = results.filter(participations__project__keywords=keyword).distinct().count()
    assert counts["keyword"] == {keyword.name: expected}


def test_keywords_are_counted_for_narrow_results_only(client, three, monkeypatch):
    monkeypatch.setattr("organizations.facets.KEYWORD_FACET_MAX_RESULTS", 2)
    assert "keyword" not in facet_counts(client.get(LIST))
    assert "keyword" in facet_counts(client.get(LIST, {"country": "FR"}))


def test_facet_links_add_and_remove_values(client, three):
    response = client.get(LIST, {"country": "FR", "page": "2"})
    links = {
        (facet.name, value.label): (value.url, value.selected)
        for facet in response.context["facets"]
        for value in facet.values
    }
    assert links[("country", "France")] == ("?", True)
    assert ("country", "Germany") not in links  # no result is German
    assert links[("sector", "Health")] == ("?country=FR&sector=health", False)
    assert links[("kind", "Company")] == ("?country=FR&kind=company", False)
    assert found(client, country="FR", kind="company") == slugs(three, "b")


# Export ----------------------------------------------------------------------------------


def export(client, fmt, **params):
    response = client.get(reverse("organizations:export", kwargs={"fmt": fmt}), params)
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize(
    "params", [{}, {"sort": "funding"}, {"country": "FR"}, {"q": "alpha or gamma"}]
)
def test_export_rows_equal_the_page_results(client, three, params):
    on_page = found(client, **params)
    rows = list(csv.DictReader(io.StringIO(export(client, "csv", **params))))
    assert [row["slug"] for row in rows] == on_page
    items = json.loads(export(client, "json", **params))
    assert [item["slug"] for item in items] == on_page
    if on_page:
        assert items[0]["url"].endswith(f"/organizations/{on_page[0]}/")


def test_export_quotes_spreadsheet_formulas(client, db):
    make_organization(name="=HYPERLINK(1)")
    row = next(csv.DictReader(io.StringIO(export(client, "csv"))))
    assert row["name"] == "'=HYPERLINK(1)"


def test_export_rejects_invalid_parameters(client, db):
    url = reverse("organizations:export", kwargs={"fmt": "csv"})
    assert client.get(url, {"funding_min": "lots"}).status_code == 400
    assert client.get("/organizations/export.xml").status_code == 404


def test_the_page_states_the_export_limit(client, three):
    assert f"{EXPORT_LIMIT:,}" in client.get(LIST).text


# Query counts ----------------------------------------------------------------------------


def add_organizations(n):
    keyword = make_keyword()
    for i in range(n):
        organization = make_organization(name=f"Robotics {i}", tagline="Robotics.")
        make_participation(make_project(keywords=[keyword]), organization)


# The count with the country, kind, sector and SME facets; the subject facets (with their
# titles: tests/test_facets.py); the page; whether any project has a keyword, and the
# keyword facet. A search looks its words up in the word list in one more, bounds its number
# of matches from the evidence index in another (whether to count a sample:
# facets.sample_step), and why its results matched in another.
QUERIES = {"": 5, "robotics": 8}


@pytest.mark.parametrize("q", QUERIES)
def test_query_count_is_constant(client, db, django_assert_num_queries, q):
    add_organizations(3)
    with django_assert_num_queries(QUERIES[q]):
        client.get(LIST, {"q": q, "country": "DE", "sort": "funding"})
    add_organizations(27)
    with django_assert_num_queries(QUERIES[q]):
        response = client.get(LIST, {"q": q, "country": "DE", "sort": "funding"})
    assert response.context["paginator"].count == 30


def test_words_of_an_edited_profile_are_corrected_at_once(client, db):
    # New organizations give their words to the word list once per INSERT statement, edited
    # ones once per row (0006_bulk_import): both must feed the spelling correction.
    organization = make_organization(name="Plain Name")
    assert found(client, q="cryogenik") == []
    organization.tagline = "Cryogenic microscopy"
    organization.save()
    assert found(client, q="cryogenik") == [organization.slug]


def test_words_are_stemmed_by_snowballs_compiled_stemmer():
    # PyStemmer (a dependency): the refresh of the search evidence stems every project's
    # words; snowballstemmer's pure-Python stemmers took most of a re-import's time.
    import Stemmer

    from organizations.search import words

    assert isinstance(words._english, Stemmer.Stemmer)
    assert words.stem("oncology") == "oncolog"
