"""The whole CORDIS zip and several programmes in one database: the real HORIZON dump
imported after the IMI2 (H2020) sample, once per session (the `horizon_imports` fixture).

Every count is made from the files in plain Python, and compared with what the import wrote.
"""

import csv
import functools
import io
import re
import zipfile

from tests.conftest import ORGANIZATION_TABLE, PARTICIPATION_TABLE, PROJECT_TABLE
from tests.data import CORDIS_HORIZON, CORDIS_IMI2


@functools.cache
def horizon_rows(name):
    with zipfile.ZipFile(CORDIS_HORIZON) as archive:
        text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


@functools.cache
def horizon_projects():
    return {row["id"] for row in horizon_rows("project.csv")}


def known(rows):
    """The rows naming a project of project.csv."""
    return [row for row in rows if row["projectID"] in horizon_projects()]


def counted(database, sql):
    [(count,)] = database.query(sql)
    return count


def test_fields_of_science_topics_and_programme_parts_match_the_files(horizon_imports):
    database = horizon_imports.database
    fields = known(horizon_rows("euroSciVoc.csv"))
    topics = known(horizon_rows("topics.csv"))
    parts = known(horizon_rows("legalBasis.csv"))
    # Every field named, and every field above one ("/27/81/30021" is under "/27/81", "/27").
    codes = set()
    for row in fields:
        segments = row["euroSciVocCode"].strip("/").split("/")
        codes |= {"/" + "/".join(segments[:depth]) for depth in range(1, len(segments) + 1)}

    assert counted(database, "SELECT COUNT(*) FROM projects_fieldofscience") == len(codes)
    assert counted(database, "SELECT COUNT(*) FROM projects_project_fields_of_science") == len(
        {(row["projectID"], row["euroSciVocCode"]) for row in fields}
    )
    top = counted(database, "SELECT COUNT(*) FROM projects_fieldofscience WHERE parent_id IS NULL")
    assert top == len({code for code in codes if code.count("/") == 1})
    assert counted(database, "SELECT COUNT(*) FROM projects_topic") == len(
        {row["topic"] for row in topics}
    )
    assert counted(database, "SELECT COUNT(*) FROM projects_project_topics") == len(
        {(row["projectID"], row["topic"]) for row in topics}
    )
    assert counted(database, "SELECT COUNT(*) FROM projects_programmepart") == len(
        {row["legalBasis"] for row in parts}
    )
    assert counted(database, "SELECT COUNT(*) FROM projects_projectprogrammepart") == len(
        {(row["projectID"], row["legalBasis"]) for row in parts}
    )
    unique = [row for row in parts if row["uniqueProgrammePart"] == "true"]
    assert counted(
        database, "SELECT COUNT(*) FROM projects_projectprogrammepart WHERE is_unique"
    ) == len(unique)
    # A field's title and path as the file writes them.
    [(title, path)] = database.query(
        "SELECT title, path FROM projects_fieldofscience WHERE code = '/27/81/30021/30833628'"
    )
    assert (title, path) == (
        "grains and oilseeds",
        "/agricultural sciences/agriculture, forestry, and fisheries/agriculture"
        "/grains and oilseeds",
    )


def test_rows_naming_projects_not_in_the_dump_are_counted_in_the_summary(horizon_imports):
    summary = horizon_imports.summaries["horizon"]
    for name in ["euroSciVoc.csv", "topics.csv", "legalBasis.csv"]:
        rows = horizon_rows(name)
        unknown = [row["projectID"] for row in rows if row["projectID"] not in horizon_projects()]
        line = (
            f"{name}: {len(unknown):,} rows name {len(set(unknown)):,} projects not in project.csv"
        )
        assert line in summary
    assert "euroSciVoc.csv: 5,759 rows name 2,106 projects" in summary  # as SOURCES.md says
    assert "Skipped rows" not in summary


def test_participations_that_ended_early_are_stored(horizon_imports):
    # One participation per (project, organization); listed twice, it ended early only if
    # both rows say so.
    ended = {}
    for row in horizon_rows("organization.csv"):
        pair = (row["projectID"], row["organisationID"])
        ended[pair] = ended.get(pair, True) and row["endOfParticipation"] == "true"
    stored = counted(
        horizon_imports.database, f"SELECT COUNT(*) FROM {PARTICIPATION_TABLE} WHERE ended_early"
    )
    # SOURCES.md: 625 rows say true; fewer participations, as the merged pairs count once
    # and ended early only if both rows say so.
    assert stored == sum(ended.values()) == 569


def test_a_second_run_changes_nothing(horizon_imports):
    again = horizon_imports.summaries["horizon again"]

    assert "No changes." in again
    for table in ["projects", "organizations", "participations", "fields of science", "topics"]:
        assert re.search(rf"^{table}\s+0\s+0\s+[\d,]+\s", again, re.MULTILINE), table
    assert (
        horizon_imports.states["horizon again"]["tables"]
        == (horizon_imports.states["horizon"]["tables"])
    )


def test_one_database_holds_both_programmes(horizon_imports):
    database = horizon_imports.database
    programmes = dict(
        database.query(
            f"SELECT framework_programme, COUNT(*) FROM {PROJECT_TABLE} GROUP BY 1 ORDER BY 1"
        )
    )
    imi2_projects = sum(1 for _ in csv_rows(CORDIS_IMI2 / "project.csv"))
    assert programmes == {"H2020": imi2_projects, "HORIZON": len(horizon_projects())}


def test_importing_one_programme_leaves_the_other_alone(horizon_imports):
    states = horizon_imports.states
    imi2, horizon = states["imi2"], states["horizon"]

    # HORIZON's import changed no H2020 project or participation ...
    assert horizon["h2020 projects"] == imi2["h2020 projects"]
    assert horizon["h2020 participations"] == imi2["h2020 participations"]
    # ... nor the figures of an organization in no HORIZON project; those in both count both.
    horizon_projects_of = {}  # pic -> its HORIZON projects
    for row in horizon_rows("organization.csv"):
        horizon_projects_of.setdefault(row["organisationID"], set()).add(row["projectID"])
    both = 0
    for pic, figures in imi2["figures"].items():
        if pic not in horizon_projects_of:
            assert horizon["figures"][pic] == figures, pic
        else:
            both += 1
            expected = int(figures[0]) + len(horizon_projects_of[pic])
            assert int(horizon["figures"][pic][0]) == expected, pic
    assert both > 50

    # IMI2 again, after HORIZON: no project, participation, keyword or classification
    # changes, HORIZON's included, and no figure. (The organizations in both dumps take the
    # name, city and website of the dump imported last: their rows are not the same.)
    again, before = states["imi2 again"], states["horizon again"]
    projects, organizations = table_counts(horizon_imports.summaries["imi2 again"])[:2]
    assert projects == ("projects", 0, 0)
    # Only organizations in both dumps can differ (name, city, address, SME...).
    assert organizations[:2] == ("organizations", 0) and 0 < organizations[2] <= both
    assert table_counts(horizon_imports.summaries["imi2 again"])[2] == ("participations", 0, 0)
    tables = [table for table in before["tables"] if table != ORGANIZATION_TABLE]
    assert {t: again["tables"][t] for t in tables} == {t: before["tables"][t] for t in tables}
    # One organization is in Belgium for IMI2 and in Sweden for HORIZON: back in Belgium, it
    # changes the partner countries of its partners (in either programme), and no other
    # figure of anyone's.
    countries = {}  # pic -> {country in IMI2, country in HORIZON}
    members = {}  # project -> its organizations, in both dumps
    for rows in [csv_rows(CORDIS_IMI2 / "organization.csv"), horizon_rows("organization.csv")]:
        for row in rows:
            countries.setdefault(row["organisationID"], set()).add(row["country"])
            members.setdefault(row["projectID"], set()).add(row["organisationID"])
    moved = {pic for pic, seen in countries.items() if len(seen) > 1}
    assert moved == {"997491644"}
    partners = {pic for project in members.values() if project & moved for pic in project}
    differing = {
        pic for pic in before["figures"] if again["figures"][pic] != before["figures"][pic]
    }
    assert differing and differing <= partners - moved
    for pic in differing:
        assert again["figures"][pic][:4] == before["figures"][pic][:4], pic


def table_counts(summary):
    """[(table, created, updated)] from an import's summary."""
    return [
        (match[1], int(match[2].replace(",", "")), int(match[3].replace(",", "")))
        for match in re.finditer(r"^([a-z ]+?)\s+([\d,]+)\s+([\d,]+)\s+[\d,]+", summary, re.M)
    ]


def test_organizations_of_both_programmes_count_the_projects_of_both(horizon_imports):
    database = horizon_imports.database
    rows = database.query(
        f"SELECT o.pic, o.project_count, COUNT(*) FROM {ORGANIZATION_TABLE} o "
        f"JOIN {PARTICIPATION_TABLE} p ON p.organization_id = o.id GROUP BY o.pic, o.project_count"
    )
    assert all(stored == participations for _, stored, participations in rows)


def csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as file:
        yield from csv.DictReader(file, delimiter=";")


def test_each_programme_names_its_dump_and_date(horizon_imports):
    rows = horizon_imports.database.query(
        "SELECT framework_programme, source, data_date FROM projects_cordisdump ORDER BY 1"
    )
    # The newest contentUpdateDate of the HORIZON files is a project row's (organization.csv
    # goes to 29 May 2024); the IMI2 files give none.
    assert [(p, s, str(d) if d else None) for p, s, d in rows] == [
        ("H2020", "cordis-imi2", None),
        ("HORIZON", "cordis-HORIZONprojects-csv.zip", "2024-09-06"),
    ]
