"""The computed sections of real organizations after importing the HORIZON dump, against
counts made straight from its files in plain Python: the largest organization, a small one
and a one-project one (an organization without participations: test_profile_sections.py).

The sections are read in a manage.py shell on the imported database (tests/imported.py),
with the page rendered there too, its queries counted.
"""

import csv
import io
import json
import re
import zipfile
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from base.templatetags.formatting import country_name
from tests.data import CORDIS_HORIZON
from tests.test_profile_page import PROFILE_QUERIES_UNCURATED, programmes_query

pytestmark = pytest.mark.skipif(not CORDIS_HORIZON.exists(), reason=f"{CORDIS_HORIZON} missing")

ROLES = {"coordinator": "Coordinator", "participant": "Participant"}
ROLES |= {"associatedPartner": "Associated partner", "thirdParty": "Third party"}
COUNTRIES = {"UK": "GB", "EL": "GR"}

# Runs on the imported database: each organization's sections as JSON, and its page's
# status, section titles and number of queries.
SCRIPT = """
import json, sys
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from organizations.models import Organization
from organizations.sections import computed_sections, live_tally
from organizations.sections.stored import stored_tally
from django.contrib.auth.models import AnonymousUser

def items(items):
    return [[item.detail, item.label, item.count] for item in items]

out = {}
for pic in sys.argv[1:] or PICS:
    organization = Organization.objects.get(pic=pic)
    s = computed_sections(organization, AnonymousUser())
    a = s.activity
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(organization.get_absolute_url(), HTTP_HOST="localhost")
    out[pic] = {
        "stored": stored_tally(organization) is not None,
        "stored is live": stored_tally(organization) == live_tally(organization)[0],
        "fields": items(s.fields),
        "topics": items(s.topics),
        "parts": items(s.programme_parts),
        "roles": items(a.roles),
        "years": [[y.year, y.projects, str(y.funding)] for y in a.years],
        "undated": a.undated.projects,
        "countries": items(s.partner_countries),
        "status": response.status_code,
        "queries": len(queries),
        "page": response.content.decode(),
    }
print(json.dumps(out))
"""


def rows(name):
    with zipfile.ZipFile(CORDIS_HORIZON) as archive, archive.open(name) as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig"), delimiter=";")


@pytest.fixture(scope="module")
def files():
    """What the sections need, read from the zip: by organization and by project."""
    data = {"projects": defaultdict(set), "first_row": {}, "members": defaultdict(set)}
    data["roles"] = defaultdict(dict)  # pic -> project -> role (coordinator wins a repeat)
    data["funding"] = defaultdict(lambda: defaultdict(Decimal))  # pic -> project -> amount
    for row in rows("organization.csv"):
        pic, project = row["organisationID"], row["projectID"]
        data["projects"][pic].add(project)
        data["first_row"].setdefault(pic, row)
        data["members"][project].add(pic)
        roles = data["roles"][pic]
        if row["role"] == "coordinator" or project not in roles:
            roles[project] = row["role"]
        if row["ecContribution"]:
            data["funding"][pic][project] += Decimal(row["ecContribution"])
    data["start"] = {row["id"]: row["startDate"][:4] for row in rows("project.csv")}
    data["fields"] = defaultdict(set)
    for row in rows("euroSciVoc.csv"):
        data["fields"][row["projectID"]].add((row["euroSciVocCode"], row["euroSciVocPath"]))
    data["topics"] = defaultdict(set)
    for row in rows("topics.csv"):
        data["topics"][row["projectID"]].add((row["topic"], row["title"].strip()))
    data["parts"] = {}
    for row in rows("legalBasis.csv"):
        if row["uniqueProgrammePart"] == "true":
            data["parts"][row["projectID"]] = row["title"].strip()
    return data


@pytest.fixture(scope="module")
def chosen(files):
    """The largest organization, the first with three projects, the first with one."""
    sizes = {pic: len(projects) for pic, projects in files["projects"].items()}
    largest = max(sizes, key=sizes.get)
    small = next(pic for pic, size in sizes.items() if size == 3)
    single = next(pic for pic, size in sizes.items() if size == 1)
    return {"largest": largest, "small": small, "single": single}


@pytest.fixture(scope="module")
def imported(horizon_database, chosen):
    pics = list(chosen.values())
    script = SCRIPT.replace("sys.argv[1:] or PICS", repr(pics))
    return json.loads(horizon_database.manage("shell", "--no-imports", "-c", script))


def expected_fields(files, projects):
    """{(trail above, title): projects} at depth 3 of euroSciVoc (a shallower field as it
    is)."""
    counted = defaultdict(set)
    for project in projects:
        for code, path in files["fields"][project]:
            codes, titles = code.strip("/").split("/"), path.strip("/").split("/")
            if len(codes) > 3 and len(codes) == len(titles):
                codes, titles = codes[:3], titles[:3]
            counted[("/".join(codes), tuple(titles))].add(project)
    return Counter(
        {(" › ".join(titles[:-1]), titles[-1]): len(p) for (_, titles), p in counted.items()}
    )


def as_counter(items):
    return Counter({(detail, label): count for detail, label, count in items})


@pytest.mark.parametrize("which", ["largest", "small", "single"])
def test_computed_sections_equal_the_files(files, chosen, imported, which):
    pic = chosen[which]
    projects = files["projects"][pic]
    sections = imported[pic]

    assert as_counter(sections["fields"]) == expected_fields(files, projects)

    topics = Counter(topic for p in projects for topic in files["topics"][p])
    assert as_counter(sections["topics"]) == Counter(
        {(code, title): n for (code, title), n in topics.items()}
    )
    parts = Counter(files["parts"][p] for p in projects if p in files["parts"])
    assert Counter({label: n for _, label, n in sections["parts"]}) == parts

    roles = Counter(ROLES[role] for role in files["roles"][pic].values())
    assert Counter({label: n for _, label, n in sections["roles"]}) == roles

    # Years: the start year, else the earliest call year its topics name, else undated.
    years, undated = Counter(), 0
    funding = defaultdict(Decimal)
    for project in projects:
        found = [
            int(m.group(1))
            for code, _ in files["topics"][project]
            if (m := re.search(r"(?:^|-)((?:19|20)\d\d)(?:-|$)", code))
        ]
        year = int(files["start"][project]) if files["start"][project] else min(found, default=0)
        if not year:
            undated += 1
            continue
        years[year] += 1
        funding[year] += files["funding"][pic].get(project, Decimal(0))
    assert {y: n for y, n, _ in sections["years"] if n} == dict(years)
    assert {y: Decimal(f) for y, n, f in sections["years"] if n} == dict(funding)
    assert sections["undated"] == undated

    partners = set().union(*(files["members"][p] for p in projects)) - {pic}
    countries = Counter(files["first_row"][partner]["country"] for partner in partners)
    del countries[""]
    named = Counter({country_name(COUNTRIES.get(c, c)): n for c, n in countries.items()})
    assert Counter({label: n for _, label, n in sections["countries"]}) == named


def test_the_largest_organization_has_hundreds_of_projects_and_many_fields(files, chosen):
    projects = files["projects"][chosen["largest"]]
    assert len(projects) > 500
    assert len(expected_fields(files, projects)) > 50


@pytest.mark.parametrize("which", ["largest", "small", "single"])
def test_the_profile_renders_from_what_the_import_stored(files, chosen, imported, which):
    page = imported[chosen[which]]
    assert page["status"] == 200
    assert page["stored"] and page["stored is live"]  # the import stored what counting gives
    projects = len(files["projects"][chosen[which]])
    # The import writes none of the lists editors write.
    assert page["queries"] == PROFILE_QUERIES_UNCURATED + programmes_query(projects)
    for title in ("Activity over time", "Collaboration in figures", "Programmes and topics"):
        assert f">{title}</h2>" in page["page"]
    assert "in CORDIS's Horizon Europe dump (cordis-HORIZONprojects-csv.zip" in page["page"]
