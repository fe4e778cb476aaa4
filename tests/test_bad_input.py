"""No query string gives a server error on a list page: bad values give the page with form
errors (400), out-of-range pages are clamped, unknown parameters are ignored, and an export
is a complete file."""

import csv
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organizations.filters import OrganizationFilterSet, OrganizationSearchForm
from organizations.models import Organization
from organizations.search import read_query, search_organizations
from organizations.views import EXPORT_FIELDS
from projects.filters import KeywordFilterSet, ProjectFilterSet
from tests.factories import make_organization

# Every form field of each page, and a few parameters no form has.
EXTRA_PARAMETERS = ["page", "format", "unknown"]
ORGANIZATION_PARAMETERS = [
    *OrganizationSearchForm.base_fields,
    *OrganizationFilterSet.base_filters,
    *EXTRA_PARAMETERS,
]
PAGES = {
    reverse("organizations:list"): ORGANIZATION_PARAMETERS,
    reverse("organizations:export", kwargs={"fmt": "csv"}): ORGANIZATION_PARAMETERS,
    reverse("organizations:export", kwargs={"fmt": "json"}): ORGANIZATION_PARAMETERS,
    reverse("projects:list"): [*ProjectFilterSet.base_filters, *EXTRA_PARAMETERS],
    reverse("projects:keywords"): [*KeywordFilterSet.base_filters, *EXTRA_PARAMETERS],
}
BAD_VALUES = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "1e400",
    "-1e400",
    "99999999999999999999",
    "9" * 5000,  # more digits than Python's int() reads from a string
    "NaN",
    "Infinity",
    "unknown-choice",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "'; DROP TABLE organizations_organization; --",
    "\x00",
    "a\x00b",
    "%00",
    "x" * 10_000,
    '"unbalanced',
    "or or -",
    "!:*&|()",
    "ä ß ñ 🙂 中文",
]
# Runs of what full-text parsers read as operators, with and without words: websearch reads
# each "-" before a word as one more "not", and 33 of them overflowed PostgreSQL's stack.
OPERATOR_VALUES = [
    "-" * 33,
    "-" * 200,
    "cancer " + "-" * 40,
    "- " * 40,
    "cancer " + "- " * 40 + "cancer",
    "!-" * 40 + "cancer",
    "(-" * 40 + "cancer" + ")" * 40,
    "cancer" + "&-" * 40,
    "cancer " + "|" * 60 + " -cancer",
    ":*" * 40 + "cancer:*",
    '"' * 41 + "cancer",
    '-"' * 40 + "cancer",
    "cancer <-> " * 10 + "<->" * 20,
    "cancer or " * 15 + "or or - or",
    "-or " * 40,
    "'" * 40 + "\\" * 40 + "cancer",
    "cancer " * 28,  # more words than are searched
    '"cancer ' + "- " * 40 + '"',
]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    for n in range(25):  # two pages of organizations
        make_organization(name=f"Filler {n}")


def get(client, path, query_string):
    response = client.get(f"{path}?{query_string}")
    if response.streaming:  # an export: errors while streaming count too
        assert_complete(path, b"".join(response.streaming_content).decode())
    return response


def assert_complete(path, content):
    if path.endswith(".csv"):
        header, *rows = csv.reader(io.StringIO(content))
        assert header == [*EXPORT_FIELDS, "url"]
        assert all(len(row) == len(header) for row in rows)
    else:
        assert isinstance(json.loads(content), list)


@pytest.mark.parametrize("path", PAGES)
def test_every_parameter_with_every_bad_value(client, demo, path):
    for name in PAGES[path]:
        for value in BAD_VALUES + OPERATOR_VALUES:
            response = get(client, path, urlencode({name: value}))
            assert response.status_code in (200, 400), (name, value[:50], response.status_code)


@pytest.mark.parametrize("path", PAGES)
def test_repeated_and_raw_parameters(client, demo, path):
    for query_string in [
        "country=DE&country=DE&country=XX",
        "sector=health&sector=energy&sector=health",
        "q=a&q=b&q=c&page=1&page=2",
        "kind=university&kind=university",
        "q=%ff%fe%00",  # not UTF-8
        "q=%zz&page=%",
        "q",  # a name without a value
        "=&&&==",
        "q%00name=1",
        "page=1&page=abc",
    ]:
        response = get(client, path, query_string)
        assert response.status_code in (200, 400), (query_string, response.status_code)


@pytest.mark.parametrize("page", ["0", "-5", "abc", "99999", "1e400", "2.5", "9" * 5000, ""])
def test_page_numbers_are_clamped(client, demo, page):
    response = client.get(reverse("organizations:list"), {"page": page})
    assert response.status_code == 200
    page_obj = response.context["page_obj"]
    assert 1 <= page_obj.number <= page_obj.paginator.num_pages


@pytest.mark.parametrize(
    "params, error",
    [
        ({"sort": "unknown"}, "Select a valid choice"),
        ({"country": "XX"}, "Select a valid choice"),
        ({"kind": "castle"}, "Select a valid choice"),
        ({"q": "gpoh\x00"}, "Null characters are not allowed"),
        ({"keyword": "\x00"}, "Null characters are not allowed"),
        ({"q": "x" * 10_000}, "at most 200 characters"),
        ({"funding_min": "1e400"}, "less than or equal to"),
        ({"funding_max": "NaN"}, "Enter a number"),
        ({"projects_min": "abc"}, "Enter a whole number"),
        ({"projects_max": "99999999999999999999"}, "less than or equal to"),
        ({"funding_min": "-1"}, "greater than or equal to 0"),
        ({"field": "/29/97"}, "is not a code such as /29"),
        ({"subfield": "29"}, "is not a code such as /29/97"),
        ({"programme": "\x00"}, "is not a code such as H2020"),
        ({"programme_part": "HORIZON 2"}, "is not a code such as HORIZON.2.1"),
        ({"topic": "-ERC"}, "is not a code such as ERC-2021-STG"),
        ({"topic": ["ERC"] * 11}, "Choose at most 10"),
    ],
)
def test_bad_values_show_the_form_with_errors(client, demo, params, error):
    response = client.get(reverse("organizations:list"), params)
    assert response.status_code == 400
    assert error in response.text
    assert 'role="alert"' in response.text
    assert list(response.context["object_list"]) == []


def test_html_in_parameters_is_escaped(client, demo):
    response = client.get(reverse("organizations:list"), {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


# Random query strings: names from the forms or anything, values anything (hypothesis's text
# leaves out lone surrogates, which no URL can carry) or strung from operators and words.
names = st.sampled_from(sorted({name for names in PAGES.values() for name in names}))
TOKENS = ["-", "!", "&", "|", "(", ")", ":*", ":", '"', "'", "<->", "\\", " ", "or", "cancer"]
operator_texts = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)
# The subject filters' codes: real ones, near misses and runs of their characters.
CODES = ["/29", "/29/97", "/29/97/543", "H2020", "HORIZON", "HORIZON.2.1", "ERC-2021-STG", "/"]
codes = st.sampled_from(CODES) | st.from_regex(r"[A-Za-z0-9/._ -]{0,40}", fullmatch=True)
values = st.text(max_size=300) | operator_texts | codes
query_strings = st.lists(st.tuples(names | st.text(max_size=8), values), max_size=6).map(urlencode)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(list(PAGES)), query_string=query_strings)
def test_random_query_strings(client, demo, path, query_string):
    response = get(client, path, query_string)
    assert response.status_code in (200, 400), (path, query_string)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=operator_texts | st.text(max_size=200))
def test_any_query_is_searched_cleanly(db, q):
    # The search alone, on both databases: many more examples than whole pages allow.
    list(search_organizations(Organization.objects.all(), q).organizations)
    query = read_query(q)
    assert read_query(query.text).alternatives == query.alternatives


# The editors' queue: the admin's list of profiles, its filters, sorting and pages.
QUEUE_PARAMETERS = ["curation__exact", "hidden", "kind__exact", "country__exact", "o", "p", "q"]


def test_the_editors_queue_with_every_bad_value(editor_client, demo):
    # The admin answers a lookup it cannot apply with a redirect to the list ("?e=1").
    queue = reverse("admin:organizations_organization_changelist")
    for name in QUEUE_PARAMETERS:
        for value in BAD_VALUES:
            response = editor_client.get(f"{queue}?{urlencode({name: value})}")
            assert response.status_code in (200, 302, 400), (name, value[:50])


@pytest.mark.parametrize("object_id", ["0", "abc", "9" * 30, "-1", "%00"])
def test_the_preview_and_progress_of_no_such_object(editor_client, object_id):
    for name in [
        "admin:organizations_organization_preview",
        "admin:organizations_bulkdraft_change",
    ]:
        response = editor_client.get(reverse(name, args=[object_id]), follow=True)
        assert response.status_code in (200, 404), (name, object_id)
