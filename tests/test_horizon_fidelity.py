"""Every organization's figures, kind, SME flag and address after importing the real HORIZON dump,
against a count made straight from its organization.csv.

The count here is plain Python over the csv module's rows, on purpose not the importer's
code: it follows the definitions of organizations/stats.py. Projects, projects as
coordinator and projects with a published contribution count distinct projects (an
organization listed twice in a project, which the dump does 64 times, counts once); the EC
contribution sums every row's published amount; partners are the other organizations in
its projects, counted once however many projects they share; partner countries are their
distinct countries, whatever the code (UK, EL, XK). An organization's country, kind, SME
flag and address are those of its first row, as the import takes them.
"""

import csv
import io
import zipfile
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from tests.data import CORDIS_HORIZON

pytestmark = pytest.mark.skipif(not CORDIS_HORIZON.exists(), reason=f"{CORDIS_HORIZON} missing")

FIGURES = ["projects", "coordinated", "funding", "partners", "countries", "funded"]
KINDS = {"PRC": "company", "HES": "university", "REC": "research", "PUB": "public_body"}
KINDS |= {"OTH": "other", "": "other"}  # an empty cell: a new organization's default


def organization_rows():
    with zipfile.ZipFile(CORDIS_HORIZON) as archive, archive.open("organization.csv") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        yield from csv.DictReader(text, delimiter=";")


@pytest.fixture(scope="module")
def from_the_file():
    """{pic: {figure: value}} and {pic: first row}, counted from organization.csv."""
    first_row = {}
    members = defaultdict(set)  # project -> PICs
    projects, coordinated = defaultdict(set), defaultdict(set)
    funding, funded = defaultdict(Decimal), defaultdict(set)
    for row in organization_rows():
        pic, project = row["organisationID"], row["projectID"]
        first_row.setdefault(pic, row)
        members[project].add(pic)
        projects[pic].add(project)
        if row["role"] == "coordinator":
            coordinated[pic].add(project)
        if row["ecContribution"]:
            funding[pic] += Decimal(row["ecContribution"])
            funded[pic].add(project)
    figures = {}
    for pic in first_row:
        partners = set().union(*(members[project] for project in projects[pic])) - {pic}
        countries = {first_row[partner]["country"] for partner in partners} - {""}
        figures[pic] = {
            "projects": len(projects[pic]),
            "coordinated": len(coordinated[pic]),
            "funding": funding[pic],
            "partners": len(partners),
            "countries": len(countries),
            "funded": len(funded[pic]),
        }
    return figures, first_row


@pytest.fixture(scope="module")
def in_the_database(horizon_database):
    rows = horizon_database.query(
        "SELECT pic, project_count, coordinator_count, total_ec_funding, partner_count, "
        "partner_country_count, funded_project_count, kind, sme, country, post_code, "
        "nuts_code, latitude, longitude "
        "FROM organizations_organization"
    )
    imported = {}
    for pic, *figures, kind, sme, country, post_code, nuts_code, latitude, longitude in rows:
        figures[2] = Decimal(str(figures[2])).quantize(Decimal("0.01"))  # SQLite: a float
        imported[pic] = dict(zip(FIGURES, figures, strict=True))
        imported[pic] |= {"kind": kind, "sme": None if sme is None else bool(sme)}
        imported[pic] |= {"country": country, "post_code": post_code, "nuts_code": nuts_code}
        imported[pic]["geolocation"] = "" if latitude is None else f"{latitude!r},{longitude!r}"
    return imported


def test_the_dump_holds_what_sources_md_says(from_the_file):
    figures, _ = from_the_file
    assert len(figures) == 23_270
    assert sum(f["projects"] for f in figures.values()) == 80_276 - 64  # merged duplicates


@pytest.mark.parametrize("figure", FIGURES)
def test_every_organizations_figure_equals_the_count_from_the_file(
    from_the_file, in_the_database, figure
):
    figures, _ = from_the_file
    assert in_the_database.keys() == figures.keys()
    wrong = {
        pic: (in_the_database[pic][figure], expected[figure])
        for pic, expected in figures.items()
        if in_the_database[pic][figure] != expected[figure]
    }
    examples = list(wrong.items())[:5]
    assert len(wrong) == 0, f"{len(wrong)} wrong (imported, counted), e.g. {examples}"


def test_kosovo_is_a_country_and_counts_as_a_partner_country(from_the_file, in_the_database):
    _, first_row = from_the_file
    in_kosovo = {pic for pic, row in first_row.items() if row["country"] == "XK"}
    assert len(in_kosovo) > 0
    assert {pic for pic, row in in_the_database.items() if row["country"] == "XK"} == in_kosovo


def test_kinds_per_activity_type_equal_the_file(from_the_file, in_the_database):
    _, first_row = from_the_file
    counted = Counter(KINDS[row["activityType"]] for row in first_row.values())
    imported = Counter(row["kind"] for row in in_the_database.values())
    assert imported == counted
    assert counted["university"] > 1000 and counted["public_body"] > 500


def test_sme_flags_per_kind_equal_the_file(from_the_file, in_the_database):
    _, first_row = from_the_file
    flags = {"true": True, "false": False, "": None}
    counted = Counter((KINDS[row["activityType"]], flags[row["SME"]]) for row in first_row.values())
    imported = Counter((row["kind"], row["sme"]) for row in in_the_database.values())
    assert imported == counted
    assert counted["company", True] > 1000


def test_post_codes_nuts_codes_and_geolocations_equal_the_file(from_the_file, in_the_database):
    _, first_row = from_the_file
    columns = {"post_code": "postCode", "nuts_code": "nutsCode"}
    for field, column in columns.items():
        wrong = [p for p, row in first_row.items() if in_the_database[p][field] != row[column]]
        assert wrong == [], field

    def as_floats(text):
        return tuple(float(part) for part in text.split(",")) if text else ()

    wrong = [
        pic
        for pic, row in first_row.items()
        if as_floats(in_the_database[pic]["geolocation"]) != as_floats(row["geolocation"])
    ]
    assert wrong == []
    assert sum(1 for row in first_row.values() if row["geolocation"]) > 20_000
