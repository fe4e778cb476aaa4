"""What the CORDIS import owns: it writes the file's value, an empty cell included, whatever
an editor or a script stored; a column the file does not have leaves its field alone."""

from datetime import date
from decimal import Decimal

import pytest

from organizations.models import Organization
from projects.models import Participation, Project
from tests.data import CORDIS_IMI2 as DATA
from tests.test_import_cordis import (
    GPOH_PIC,
    HARMONY,
    copy_data,
    run_import,
    table,
    write_csv,
    write_small_dump,
)

pytestmark = pytest.mark.django_db


def test_an_empty_cell_clears_what_an_editor_stored_and_the_figures_follow(tmp_path):
    run_import(DATA)
    harmony = Participation.objects.get(project__cordis_id=HARMONY, organization__pic=GPOH_PIC)
    # As the editor did in the admin: a contribution CORDIS does not give.
    Participation.objects.filter(pk=harmony.pk).update(ec_contribution=Decimal("12345678"))
    ebodac = Project.objects.filter(cordis_id="115847")
    ebodac.update(total_cost=Decimal("1"), ec_max_contribution=Decimal("2"), objective="Ours.")

    def empty_gpoh_contribution(text):
        return text.replace(";751855;", ";;")

    summary = run_import(copy_data(tmp_path / "newer", None, empty_gpoh_contribution))

    harmony.refresh_from_db()
    assert harmony.ec_contribution is None
    gpoh = Organization.objects.get(pic=GPOH_PIC)
    assert gpoh.total_ec_funding == Decimal("90145")  # HARMONY PLUS alone
    assert table(summary)["participations"] == (0, 1, 2528)
    project = ebodac.get()  # the file's values again, not ours
    assert (project.total_cost, project.ec_max_contribution) != (Decimal("1"), Decimal("2"))
    assert "The EBODAC consortium consists" in project.objective


def test_empty_cells_clear_and_absent_columns_leave_alone(tmp_path):
    folder = write_small_dump(tmp_path / "small")
    run_import(folder)
    # Values a script stored over the import's (the small dump has no endDate column).
    Project.objects.filter(cordis_id="1002").update(
        start_date=date(2001, 1, 1), total_cost=Decimal("5"), end_date=date(2002, 2, 2)
    )
    Organization.objects.filter(pic="1").update(short_name="NB", kind="ngo", city="Elsewhere")
    Organization.objects.filter(pic="5").update(country="NL")
    Participation.objects.filter(organization__pic="3").update(ec_contribution=Decimal("7"))
    # A re-import of the same files, and one whose organization.csv has no ecContribution
    # and no city column (as in older dumps).
    run_import(folder)

    beta = Project.objects.get(cordis_id="1002")
    assert (beta.start_date, beta.total_cost) == (None, None)  # empty cells
    assert beta.end_date == date(2002, 2, 2)  # no endDate column: left alone
    northbridge = Organization.objects.get(pic="1")
    assert (northbridge.short_name, northbridge.kind) == ("", "university")
    assert northbridge.city == "Northbridge"
    assert Organization.objects.get(pic="5").country == "NL"  # "XX" is unusable: left alone
    acme = Participation.objects.get(organization__pic="3")
    assert acme.ec_contribution is None

    Participation.objects.filter(pk=acme.pk).update(ec_contribution=Decimal("7"))
    Organization.objects.filter(pic="1").update(city="Elsewhere")
    header, *rows = [line.split(";") for line in small_organizations(folder)]
    dropped = [header.index("ecContribution"), header.index("city")]
    kept = [[cell for i, cell in enumerate(row) if i not in dropped] for row in [header, *rows]]
    write_csv(folder / "organization.csv", kept)
    run_import(folder)

    assert Participation.objects.get(pk=acme.pk).ec_contribution == Decimal("7")
    assert Organization.objects.get(pic="1").city == "Elsewhere"
    assert Participation.objects.get(organization__pic="1", project__cordis_id="1001").order == 1


def small_organizations(folder):
    text = (folder / "organization.csv").read_text(encoding="utf-8-sig")
    return text.rstrip("\r\n").split("\r\n")
