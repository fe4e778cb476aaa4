"""A file row the last import wrote from is not read again (cordis/digests.py), and what a
script or an editor changed behind the import's back is still read and put back."""

import csv
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Value
from django.db.models.functions import Concat

from cordis.importer import import_cordis
from organizations.models import ORGANIZATION_IMPORTED_FIELDS, Organization
from projects.models import (
    PARTICIPATION_IMPORTED_FIELDS,
    PROJECT_IMPORTED_FIELDS,
    Participation,
    Project,
)
from tests.test_import_changes import participations
from tests.test_import_cordis import generate

pytestmark = pytest.mark.django_db


def not_read(result):
    tables = ("projects", "organizations", "participations")
    return {table: result.counts[table].not_read for table in tables}


def test_the_same_files_again_are_not_read_again(tmp_path):
    folder = generate(tmp_path / "sample", 30, 40, 150, seed=2)
    first = import_cordis(folder)
    assert not_read(first) == {"projects": 0, "organizations": 0, "participations": 0}

    lines = []
    again = import_cordis(folder, progress=lines.append)

    assert not_read(again) == {"projects": 30, "organizations": 40, "participations": 150}
    assert not again.data_changed
    assert "participations: 0 created, 0 updated, 150 unchanged, 150 of them not read again" in (
        "\n".join(lines)
    )


def file_rows(folder, name):
    """The rows of a file, as tuples of text, and {column: position}."""
    with open(folder / name, encoding="utf-8", newline="") as file:
        header, *rows = csv.reader(file, delimiter=";")
    return [tuple(row) for row in rows], {column: i for i, column in enumerate(header)}


def test_a_newer_dump_reads_exactly_its_changed_rows_and_applies_them(tmp_path):
    before = generate(tmp_path / "before", 300, 400, 1_500, seed=4)
    after = generate(tmp_path / "after", 300, 400, 1_500, seed=4, changed=5)
    import_cordis(before)

    result = import_cordis(after)

    # Every row of the newer dump that is in the first one as it was is not read; every
    # other row is (the sample has no duplicate pairs, so a participation is one row).
    old = set(file_rows(before, "organization.csv")[0])
    new, _ = file_rows(after, "organization.csv")
    assert result.counts["participations"].not_read == sum(1 for row in new if row in old)
    assert 0 < result.counts["participations"].not_read < len(new)
    old_projects = set(file_rows(before, "project.csv")[0])
    new_projects = file_rows(after, "project.csv")[0]
    assert result.counts["projects"].not_read == sum(1 for r in new_projects if r in old_projects)
    assert 0 < result.counts["projects"].not_read < len(new_projects)
    # What it read is applied: the database holds the newer dump's values.
    stored = Participation.objects.values_list(
        "project__cordis_id", "organization__pic", "role", "ec_contribution"
    )
    assert {(p, o): (r, c) for p, o, r, c in stored} == participations(after)[0]
    # The same files again: nothing left to read.
    again = import_cordis(after)
    assert again.counts["participations"].not_read == len(new)
    assert not again.data_changed


def test_a_pair_again_after_its_unchanged_row_is_merged_with_what_is_stored(tmp_path):
    """The first row of the pair is the one the last import wrote from (held by its line
    alone, not read); a second row of the same pair is merged with it as a first import
    merges two rows: the lower order, coordinator if either is, the contributions summed."""
    folder = generate(tmp_path / "sample", 30, 40, 150, seed=2)
    import_cordis(folder)
    rows, column = file_rows(folder, "organization.csv")
    first = rows[5]
    again = list(first)
    again[column["role"]] = "coordinator"
    again[column["order"]] = "0"
    again[column["ecContribution"]] = "1000.50"
    with open(folder / "organization.csv", "a", encoding="utf-8", newline="") as file:
        csv.writer(file, delimiter=";").writerow(again)

    result = import_cordis(folder)

    assert result.counts["participations"].not_read == 149
    assert result.counts["participations"].updated == 1
    assert len(result.merged) == 1 and "(first on line 7); merged" in result.merged[0]
    merged = Participation.objects.get(
        project__cordis_id=first[column["projectID"]],
        organization__pic=first[column["organisationID"]],
    )
    assert (merged.role, merged.order) == ("coordinator", 0)
    amount = Decimal(first[column["ecContribution"]].replace(",", ".") or 0) + Decimal("1000.50")
    assert merged.ec_contribution == amount
    # The same as a first import of the same files makes of them.
    stored = Participation.objects.values_list(
        "project__cordis_id", "organization__pic", *PARTICIPATION_IMPORTED_FIELDS
    )
    reread = set(stored)
    Participation.objects.update(import_digest=None)
    import_cordis(folder)
    assert set(stored) == reread


def test_a_value_changed_behind_the_imports_back_is_read_and_put_back(tmp_path):
    folder = generate(tmp_path / "sample", 30, 40, 150, seed=2)
    import_cordis(folder)
    participation = Participation.objects.exclude(ec_contribution=None).order_by("pk").first()
    project = Project.objects.exclude(start_date=None).order_by("pk").first()
    organization = Organization.objects.order_by("pk").first()
    Participation.objects.filter(pk=participation.pk).update(ec_contribution=Decimal("1"))
    Project.objects.filter(pk=project.pk).update(start_date=date(1999, 1, 1))
    Organization.objects.filter(pk=organization.pk).update(city="Elsewhere")

    result = import_cordis(folder)

    assert Participation.objects.get(pk=participation.pk).ec_contribution == (
        participation.ec_contribution
    )
    assert Project.objects.get(pk=project.pk).start_date == project.start_date
    assert Organization.objects.get(pk=organization.pk).city == organization.city
    assert not_read(result) == {"projects": 29, "organizations": 39, "participations": 149}
    for table in ("projects", "organizations", "participations"):
        assert result.counts[table].updated == 1, table
    # Put back with its digest again: the next import reads none of them.
    assert not_read(import_cordis(folder)) == {
        "projects": 30,
        "organizations": 40,
        "participations": 150,
    }


OTHER_VALUES = {
    "cordis_id": "X-1",
    "pic": "999999999",
    "acronym": "OTHER",
    "title": "Another title",
    "status": "OTHER",
    "start_date": date(1990, 1, 1),
    "end_date": date(1990, 2, 2),
    "total_cost": Decimal("1.5"),
    "ec_max_contribution": Decimal("2.5"),
    "framework_programme": "FP1",
    "funding_scheme": "OTHER",
    "call": "OTHER",
    "objective": "Another objective.",
    "legal_name": "ANOTHER NAME",
    "short_name": "AN",
    "kind": "ngo",
    "city": "Elsewhere",
    "country": "AQ",
    "website": "http://example.org/other",
    "sme": None,
    "street": "Another street 1",
    "post_code": "X1",
    "nuts_code": "MT001",
    "latitude": 1.5,
    "longitude": 2.5,
    "role": "third_party",
    "order": 99,
    "ec_contribution": Decimal("3.5"),
    "ended_early": None,  # the other boolean: see below
}


@pytest.mark.parametrize(
    ("model", "fields", "not_imported"),
    [
        (Project, ["cordis_id", *PROJECT_IMPORTED_FIELDS], {"slug": Concat("slug", Value("-x"))}),
        (Organization, ["pic", *ORGANIZATION_IMPORTED_FIELDS], {"name": "Ours", "version": 7}),
        (Participation, PARTICIPATION_IMPORTED_FIELDS, {"highlight": "Ours.", "notable_rank": 1}),
    ],
)
def test_changing_an_imported_column_forgets_the_digest_and_nothing_else_does(
    tmp_path, model, fields, not_imported
):
    import_cordis(generate(tmp_path / "sample", 15, 15, 40, seed=2))
    rows = list(model.objects.order_by("pk").values("pk", *fields))
    assert len(rows) >= len(fields)
    model.objects.update(**not_imported)  # the editors' fields
    assert not model.objects.filter(import_digest=None).exists()
    for row, name in zip(rows, fields, strict=False):
        value = OTHER_VALUES[name]
        if value is None:  # a boolean: the other one
            value = not row[name]
        assert value != row[name], name
        model.objects.filter(pk=row["pk"]).update(**{name: value})
    forgotten = model.objects.filter(import_digest=None)
    assert set(forgotten.values_list("pk", flat=True)) == {r["pk"] for r in rows[: len(fields)]}
