"""import_cordis and the companion files (euroSciVoc.csv, topics.csv, legalBasis.csv), on
hand-made dumps; the real HORIZON zip is in tests/test_import_horizon.py."""

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Organization
from projects.models import FieldOfScience, Participation, ProgrammePart, Project, Topic
from tests.test_import_cordis import run_import, table, write_csv

pytestmark = pytest.mark.django_db

FOS_HEADER = ["projectID", "euroSciVocCode", "euroSciVocPath", "euroSciVocTitle"]
FOS_HEADER += ["euroSciVocDescription"]
ONCOLOGY = ["/3/31/311", "/medical sciences/clinical medicine/oncology", "oncology", "Cancer."]
GENETICS = ["/3/32", "/medical sciences/genetics", "genetics", ""]
ROBOTICS = ["/2/21", "/engineering/robotics", "robotics", ""]


def write_dump(folder, *, projects=("1001", "1002"), fields=None, topics=None, parts=None):
    """project.csv and organization.csv for `projects`, and the companion files given."""
    folder.mkdir(exist_ok=True)
    write_csv(
        folder / "project.csv",
        [["id", "acronym", "title"]] + [[p, f"P{p}", f"Project {p}"] for p in projects],
    )
    header = ["projectID", "organisationID", "name", "role", "endOfParticipation"]
    rows = [[p, "1", "ACME GMBH", "coordinator", "false"] for p in projects]
    write_csv(folder / "organization.csv", [header, *rows])
    for name, file_header, file_rows in [
        ("euroSciVoc.csv", FOS_HEADER, fields),
        ("topics.csv", ["projectID", "topic", "title"], topics),
        ("legalBasis.csv", ["projectID", "legalBasis", "title", "uniqueProgrammePart"], parts),
    ]:
        path = folder / name
        if file_rows is None:
            path.unlink(missing_ok=True)
        else:
            write_csv(path, [file_header, *file_rows])
    return folder


def links():
    """{cordis_id: (fields of science, topics, programme parts with their unique flag)}."""
    return {
        project.cordis_id: (
            sorted(project.fields_of_science.values_list("code", flat=True)),
            sorted(project.topics.values_list("code", flat=True)),
            sorted(
                project.projectprogrammepart_set.values_list("programme_part__code", "is_unique")
            ),
        )
        for project in Project.objects.all()
    }


def full_dump(folder):
    return write_dump(
        folder,
        fields=[["1001", *ONCOLOGY], ["1001", *GENETICS], ["1002", *ROBOTICS]],
        topics=[["1001", "T-1", "Cancer research"], ["1002", "T-2", "Robots"]],
        parts=[["1001", "H.2.1", "Health", "true"], ["1001", "H.1", "Excellence", ""]],
    )


def test_companion_files_make_a_hierarchy_and_links(tmp_path):
    summary = run_import(full_dump(tmp_path / "dump"))

    oncology = FieldOfScience.objects.get(code="/3/31/311")
    assert (oncology.title, oncology.description) == ("oncology", "Cancer.")
    assert oncology.parent.code == "/3/31" and oncology.parent.title == "clinical medicine"
    assert (
        oncology.parent.parent.path == "/medical sciences" and oncology.parent.parent.parent is None
    )
    assert FieldOfScience.objects.count() == 6  # 3/31/311, 3/31, 3, 3/32, 2/21, 2
    assert links() == {
        "1001": (["/3/31/311", "/3/32"], ["T-1"], [("H.1", False), ("H.2.1", True)]),
        "1002": (["/2/21"], ["T-2"], []),
    }
    assert "fields of science         6        0          0        0" in summary
    assert "programme parts           2        0          0        0" in summary

    again = run_import(tmp_path / "dump")
    assert "No changes." in again
    assert FieldOfScience.objects.count() == 6


def test_a_newer_file_replaces_the_links_of_the_projects_it_names(tmp_path):
    run_import(full_dump(tmp_path / "dump"))

    newer = write_dump(
        tmp_path / "dump",
        fields=[["1001", *GENETICS]],  # 1002 not named: its robotics stays
        topics=[["1001", "T-1", "Cancer research, renamed"]],
        parts=[["1001", "H.2.1", "Health", ""], ["1001", "H.1", "Excellence", "true"]],
    )
    summary = run_import(newer)

    assert links() == {
        "1001": (["/3/32"], ["T-1"], [("H.1", True), ("H.2.1", False)]),
        "1002": (["/2/21"], ["T-2"], []),
    }
    assert Topic.objects.get(code="T-1").title == "Cancer research, renamed"
    assert table(summary)["projects"] == (0, 1, 1)  # 1001's links changed
    # A field no longer linked stays (other projects may name it again).
    assert FieldOfScience.objects.filter(code="/3/31/311").exists()


def test_a_dump_without_companion_files_leaves_the_links_alone(tmp_path):
    run_import(full_dump(tmp_path / "dump"))
    before = links()

    summary = run_import(write_dump(tmp_path / "dump"))

    assert links() == before
    assert "fields of science" not in summary and "No changes." in summary


def test_rows_naming_projects_not_in_the_dump_are_counted_not_errors(tmp_path):
    dump = write_dump(
        tmp_path / "dump",
        fields=[["1001", *ROBOTICS], ["9999", *GENETICS], ["9999", *ONCOLOGY]],
        topics=[["9998", "T-9", "Elsewhere"]],
    )
    summary = run_import(dump)

    assert "euroSciVoc.csv: 2 rows name 1 projects not in project.csv" in summary
    assert "topics.csv: 1 rows name 1 projects not in project.csv" in summary
    assert not FieldOfScience.objects.filter(code="/3/32").exists()
    assert not Topic.objects.exists()


def test_a_bad_companion_row_names_file_line_and_reason(tmp_path):
    dump = write_dump(
        tmp_path / "dump",
        fields=[["1001", *ROBOTICS], ["1002", "/1/2", "/only one level", "x", ""]],
        parts=[["1001", "", "Health", "true"]],
    )
    with pytest.raises(CommandError) as error:
        run_import(dump)
    message = str(error.value)
    assert 'euroSciVoc.csv, line 3: euroSciVocCode "/1/2" and euroSciVocPath' in message
    assert 'legalBasis.csv, line 2: no value in the required column "legalBasis"' in message
    assert not Project.objects.exists() and not FieldOfScience.objects.exists()

    summary = run_import(dump, "--skip-bad-rows")
    assert "Skipped rows: 2" in summary
    assert links()["1001"] == (["/2/21"], [], [])
    assert not ProgrammePart.objects.exists()


def test_end_of_participation_is_stored_and_checked(tmp_path):
    dump = write_dump(tmp_path / "dump")
    text = (dump / "organization.csv").read_text()
    (dump / "organization.csv").write_text(text.replace("false", "true", 1))
    run_import(dump)
    assert dict(Participation.objects.values_list("project__cordis_id", "ended_early")) == {
        "1001": True,
        "1002": False,
    }

    (dump / "organization.csv").write_text(text.replace("false", "maybe", 1))
    with pytest.raises(CommandError, match='line 2: endOfParticipation "maybe" is neither'):
        run_import(dump)


def count_queries(folder):
    with CaptureQueriesContext(connection) as queries:
        run_import(folder)
    return len(queries)


def classified_dump(folder, projects):
    """Each project with two fields of science (of the same depths), a topic and a part."""
    ids = [str(1000 + n) for n in range(projects)]
    fields = []
    for n, p in enumerate(ids):
        fields += [[p, f"/1/{n}", f"/top/field {n}", f"field {n}", ""]]
        fields += [[p, f"/2/{n}/{n}", f"/other/sub {n}/leaf {n}", f"leaf {n}", ""]]
    return write_dump(
        folder,
        projects=ids,
        fields=fields,
        topics=[[p, f"T-{p}", f"Topic {p}"] for p in ids],
        parts=[[p, f"H.{p}", f"Part {p}", "true"] for p in ids],
    )


def test_the_number_of_queries_does_not_grow_with_the_classifications(tmp_path):
    # 6x the rows, within one batch of inserts on SQLite (999 parameters a query).
    small = classified_dump(tmp_path / "small", 5)
    large = classified_dump(tmp_path / "large", 30)

    first_small, again_small = count_queries(small), count_queries(small)
    for model in (Project, Organization, FieldOfScience, Topic, ProgrammePart):
        model.objects.all().delete()
    first_large, again_large = count_queries(large), count_queries(large)

    assert FieldOfScience.objects.count() == 2 + 30 * 3
    assert first_large == first_small
    assert again_large == again_small
