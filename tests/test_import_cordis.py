"""import_cordis: the real IMI2 data, its variants (bad, truncated, newer), and samples.

The real data lives beside the repository (../shared/data/cordis-imi2) and is never copied
into it; variants are written into tmp_path.
"""

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from cordis import bulk
from organizations.models import FiguresSource, Organization
from projects.models import Keyword, Participation, Project
from tests.data import CORDIS_IMI2 as DATA
from tests.factories import make_keyword, make_organization, make_participation, make_project

GPOH_PIC = "923133869"
HARMONY, HARMONY_PLUS = "116026", "945406"

pytestmark = pytest.mark.django_db


def run_import(path, *options):
    """Run the command; return its summary (stdout)."""
    out = io.StringIO()
    call_command("import_cordis", str(path), *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def table(summary):
    """{"projects": (created, updated, unchanged), ...} from the summary's table."""
    counts = {}
    for line in summary.splitlines():
        match = re.match(
            r"(projects|organizations|participations|keywords)\s+([\d,]+)\s+"
            r"([\d,]+)\s+([\d,]+)",
            line,
        )
        if match:
            counts[match[1]] = tuple(int(n.replace(",", "")) for n in match.groups()[1:])
    return counts


def snapshot():
    """Everything an import writes, to compare before and after."""
    return (
        list(Project.objects.order_by("pk").values()),
        list(Organization.objects.order_by("pk").values()),
        list(Participation.objects.order_by("pk").values()),
        list(Keyword.objects.order_by("pk").values()),
        list(Project.keywords.through.objects.order_by("pk").values()),
    )


def copy_data(folder, edit_projects=None, edit_organizations=None):
    """The real files in `folder`, each text passed through an edit function if given."""
    folder.mkdir(exist_ok=True)
    for name, edit in [("project.csv", edit_projects), ("organization.csv", edit_organizations)]:
        text = (DATA / name).read_text(encoding="utf-8")
        (folder / name).write_text(edit(text) if edit else text, encoding="utf-8", newline="")
    return folder


def line_of(text, fragment):
    """The physical line (from 1) on which `fragment` starts."""
    return text[: text.index(fragment)].count("\n") + 1


def write_csv(path, rows, *, bom=False):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode())


# The real data -------------------------------------------------------------------------------


def test_imports_the_real_data_and_a_second_run_changes_nothing():
    summary = run_import(DATA)

    assert Project.objects.count() == 107
    assert Organization.objects.count() == 957
    assert Participation.objects.count() == 2529  # 2,530 rows, one pair listed twice
    assert table(summary) == {
        "projects": (107, 0, 0),
        "organizations": (957, 0, 0),
        "participations": (2529, 0, 0),
        "keywords": (0, 0, 0),
    }
    assert "Merged duplicate rows: 1" in summary
    assert "organisation 999717018 in project 777389 again" in summary
    merged = Participation.objects.get(project__cordis_id="777389", organization__pic="999717018")
    assert merged.order == 27  # participant 27 and 47: the lowest order

    before = snapshot()
    again = run_import(DATA)
    assert "No changes." in again
    assert table(again)["participations"] == (0, 0, 2529)
    assert snapshot() == before


def test_gpoh_figures_are_computed_from_the_data():
    run_import(DATA)

    gpoh = Organization.objects.get(pic=GPOH_PIC)
    assert gpoh.project_count == 2
    assert gpoh.coordinator_count == 0
    assert gpoh.total_ec_funding == Decimal("842000")  # 751,855 + 90,145
    assert gpoh.partner_count == 57
    partners = Organization.objects.filter(
        participations__project__cordis_id__in=[HARMONY, HARMONY_PLUS]
    ).exclude(pk=gpoh.pk)
    countries = set(partners.exclude(country="").values_list("country", flat=True))
    assert gpoh.partner_country_count == len(countries)
    # The reference profile says 13 countries; the data has 12 (AT BE CH CZ DE ES FI FR IT NL
    # GB US): the partners SOURCES.md says could not be matched to a PIC are not in it.
    assert len(countries) == 12
    assert gpoh.figures_source == FiguresSource.COMPUTED
    assert gpoh.figures_computed_at is not None
    # A new organization gets a readable name, the CORDIS name as legal name, and is public.
    assert gpoh.legal_name == "GPOH GEMEINNUTZIGE GMBH"
    assert gpoh.name == "Gpoh Gemeinnutzige GmbH"
    assert gpoh.status == "published"
    assert gpoh.published_at is not None
    assert gpoh.city == "Berlin"
    assert Organization.objects.filter(country="GB").count() > 0  # CORDIS writes UK
    assert not Organization.objects.filter(country="UK").exists()


def test_import_keeps_what_editors_curated():
    """load_demo's GPOH, HARMONY and HARMONY PLUS, then the real data over them."""
    gpoh = make_organization(
        pic=GPOH_PIC,
        slug="gpoh",
        name="GPOH",
        kind="ngo",
        tagline="Paediatric oncology society.",
        core_work="What they do, in the editors' words.",
        figures_source=FiguresSource.EDITORS,
        project_count=2,
        partner_count=57,
        partner_country_count=13,
    )
    leukemia = make_keyword("leukemia")
    harmony = make_project(
        cordis_id=HARMONY, acronym="HARMONY", slug="harmony", keywords=[leukemia]
    )
    plus = make_project(cordis_id=HARMONY_PLUS, acronym="HARMONY PLUS", slug="harmony-plus")
    make_participation(harmony, gpoh, notable_rank=1, highlight="The flagship.")
    make_participation(plus, gpoh, notable_rank=2, highlight="The sequel.", ec_contribution=1)

    summary = run_import(DATA)

    gpoh.refresh_from_db()
    assert (gpoh.name, gpoh.slug) == ("GPOH", "gpoh")
    # GPOH's activityType cell is empty: CORDIS does not classify it, the editors' kind stays.
    assert gpoh.kind == "ngo"
    assert gpoh.core_work == "What they do, in the editors' words."
    assert gpoh.tagline == "Paediatric oncology society."
    assert gpoh.legal_name == "GPOH GEMEINNUTZIGE GMBH"  # what CORDIS says is refreshed
    assert gpoh.version == 2  # an editor's form opened before the import is now stale
    # Editor-entered figures are replaced by computed ones.
    assert gpoh.figures_source == FiguresSource.COMPUTED
    assert gpoh.total_ec_funding == Decimal("842000")
    assert gpoh.partner_country_count == 12
    highlights = dict(gpoh.participations.values_list("project__cordis_id", "highlight"))
    assert highlights == {HARMONY: "The flagship.", HARMONY_PLUS: "The sequel."}
    ranks = dict(gpoh.participations.values_list("project__cordis_id", "notable_rank"))
    assert ranks == {HARMONY: 1, HARMONY_PLUS: 2}
    assert gpoh.participations.get(project=plus).ec_contribution == Decimal("90145")
    harmony.refresh_from_db()
    assert harmony.slug == "harmony"
    assert harmony.title.startswith("Healthcare Alliance")  # CORDIS's title
    assert list(harmony.keywords.all()) == [leukemia]  # no keywords column: left alone
    assert table(summary)["organizations"] == (956, 1, 0)
    assert table(summary)["projects"] == (105, 2, 0)
    assert Organization.objects.filter(slug__startswith="gpoh").count() == 1


# Bad input writes nothing ------------------------------------------------------------------


def truncated(text):
    # Cut inside the first project's quoted objective: the quote never closes.
    return text[: text.index("The EBODAC consortium consists")]


def bad_amount(text):
    return text.replace(";751855;", ";75x855;")


def missing_role(text):
    header, rest = text.split("\n", 1)
    return header.replace(";role;", ";rank;") + "\n" + rest


@pytest.mark.parametrize(
    ("edit_projects", "edit_organizations", "message"),
    [
        (truncated, None, r"project\.csv, line 2: a quoted field is not closed .*truncated"),
        (None, bad_amount, r'organization\.csv, line (\d+): ecContribution "75x855" is not'),
        (None, missing_role, r'organization\.csv, line 1: the required column "role" is missing'),
    ],
    ids=["truncated", "bad-row", "missing-column"],
)
def test_bad_files_leave_the_database_as_it_was(
    tmp_path, edit_projects, edit_organizations, message
):
    run_import(DATA)
    before = snapshot()

    # The variant also changes a title: it must not land either.
    def edit(text):
        text = text.replace(";EBOMAN;;Manufacturing", ";EBOMAN;;Remanufacturing")
        return edit_projects(text) if edit_projects else text

    folder = copy_data(tmp_path / "dump", edit, edit_organizations)
    with pytest.raises(CommandError, match=message) as error:
        run_import(folder)

    assert snapshot() == before
    assert not Project.objects.filter(title__startswith="Remanufacturing").exists()
    if edit_organizations is bad_amount:
        text = (folder / "organization.csv").read_text(encoding="utf-8")
        line = re.search(message, str(error.value))[1]
        assert int(line) == line_of(text, "116026;HARMONY;923133869")
        assert "--skip-bad-rows" in str(error.value)


def test_skip_bad_rows_imports_the_rest_and_lists_what_it_skipped(tmp_path):
    def edit_projects(text):
        return text.replace(";2014-12-01;2020-11-30;", ";2014-13-01;2020-11-30;", 1)  # EBODAC

    def edit_organizations(text):
        text = bad_amount(text)
        text = text.replace(";90145;", ";-90145;")
        return text + "999999;NOPE;999999999;;NOWHERE LTD;;;;;;;DE;;;;;;;1;participant;;;;;\r\n"

    folder = copy_data(tmp_path / "dump", edit_projects, edit_organizations)
    summary = run_import(folder, "--skip-bad-rows")

    projects = (folder / "project.csv").read_text(encoding="utf-8")
    organizations = (folder / "organization.csv").read_text(encoding="utf-8")
    ebodac_line = line_of(projects, "115847;EBODAC")
    assert ebodac_line > 1
    assert f'project.csv, line {ebodac_line}: startDate "2014-13-01" is not a date' in summary
    assert (
        f"organization.csv, line {line_of(organizations, '116026;HARMONY;923133869')}: "
        'ecContribution "75x855" is not an amount' in summary
    )
    assert (
        f"organization.csv, line {line_of(organizations, '945406;HARMONY PLUS;923133869')}: "
        'ecContribution "-90145" is negative' in summary
    )
    assert f"line {line_of(organizations, '999999;NOPE')}: project 999999 is not in" in summary
    # EBODAC's 4 participations go with it, as bad rows that name its line.
    assert summary.count(f"project 115847 was skipped (project.csv, line {ebodac_line})") == 4
    assert "Skipped rows: 8" in summary

    assert Project.objects.count() == 106
    assert not Project.objects.filter(cordis_id="115847").exists()
    assert Participation.objects.count() == 2529 - 4 - 2
    assert table(summary)["participations"] == (2523, 0, 0)


def test_a_file_that_is_not_utf8_is_an_error_naming_file_and_line(tmp_path):
    folder = copy_data(tmp_path / "dump")
    text = (folder / "organization.csv").read_text(encoding="utf-8")
    text = text.replace("MEDIZINISCHE UNIVERSITAT GRAZ", "MEDIZINISCHE UNIVERSITÄT GRAZ")
    (folder / "organization.csv").write_bytes(text.encode("latin-1", errors="replace"))

    with pytest.raises(CommandError, match=r"organization\.csv, line 4: not UTF-8"):
        run_import(folder)
    assert Project.objects.count() == 0


def test_a_missing_file_or_path_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run_import(tmp_path / "nowhere")
    (tmp_path / "project.csv").write_text("id;acronym;title\n")
    with pytest.raises(CommandError, match="organization.csv not found"):
        run_import(tmp_path)


# Formats and mappings --------------------------------------------------------------------------


def write_small_dump(folder):
    """A hand-made dump that exercises the format: BOM, CRLF, quotes, decimal commas."""
    folder.mkdir(exist_ok=True)
    write_csv(
        folder / "project.csv",
        [
            [
                "id",
                "acronym",
                "title",
                "startDate",
                "totalCost",
                "ecMaxContribution",
                "status",
                "keywords",
                "somethingNew",
            ],
            [
                "1001",
                "ALPHA",
                "Alpha",
                "2020-01-01",
                "1234,5",
                "1000.25",
                "SIGNED",
                "Leukemia, big data,LEUKEMIA",
                "x",
            ],
            [
                "1002",
                "BETA",
                'Beta; with "quotes"\nand a line break',
                "",
                "",
                "",
                "CLOSED",
                "",
                "y",
            ],
        ],
        bom=True,
    )
    header = [
        "projectID",
        "organisationID",
        "name",
        "shortName",
        "role",
        "activityType",
        "country",
        "city",
        "order",
        "ecContribution",
        "organizationURL",
    ]
    rows = [
        [
            "1001",
            "1",
            "UNIVERSITY OF NORTHBRIDGE",
            "",
            "coordinator",
            "HES",
            "UK",
            "NORTHBRIDGE",
            "1",
            "10,5",
            "www.northbridge.example",
        ],
        ["1001", "2", "HELLENIC LAB", "HLAB", "participant", "REC", "EL", "", "2", "20", ""],
        ["1001", "3", "ACME GMBH", "", "partner", "PRC", "DE", "", "3", "", ""],
        ["1001", "4", "CITY OF EASTMERE", "", "thirdParty", "PUB", "FR", "", "4", "", ""],
        ["1002", "5", "SOME FOUNDATION", "", "associatedPartner", "OTH", "XX", "", "1", "", ""],
        ["1002", "6", "FAR AWAY INSTITUTE", "", "internationalPartner", "", "US", "", "2", "", ""],
        ["1002", "1", "UNIVERSITY OF NORTHBRIDGE", "", "coordinator", "HES", "UK", "", "3", "", ""],
    ]
    write_csv(folder / "organization.csv", [header, *rows], bom=True)
    return folder


def test_zip_bom_decimal_commas_countries_roles_and_kinds(tmp_path):
    folder = write_small_dump(tmp_path / "small")
    archive = tmp_path / "cordis-h2020projects-csv.zip"
    with zipfile.ZipFile(archive, "w") as zip_file:  # in a subfolder, as CORDIS zips are
        for name in ["project.csv", "organization.csv"]:
            zip_file.write(folder / name, f"csv/{name}")
    existing = make_keyword("leukemia")

    summary = run_import(archive)

    alpha = Project.objects.get(cordis_id="1001")
    assert alpha.total_cost == Decimal("1234.50")
    assert alpha.ec_max_contribution == Decimal("1000.25")
    assert (alpha.slug, alpha.status, str(alpha.start_date)) == ("alpha", "SIGNED", "2020-01-01")
    assert sorted(alpha.keywords.values_list("name", flat=True)) == ["big data", "leukemia"]
    assert alpha.keywords.get(name="leukemia") == existing  # reused, ignoring case
    assert Project.objects.get(cordis_id="1002").title == 'Beta; with "quotes"\nand a line break'

    by_pic = {o.pic: o for o in Organization.objects.all()}
    assert by_pic["1"].country == "GB" and by_pic["2"].country == "GR"
    assert by_pic["5"].country == ""  # unknown code: left blank, with a warning
    assert 'organization.csv, line 6: country "XX" unknown, left out' in summary
    kinds = {pic: o.kind for pic, o in by_pic.items()}
    assert kinds == {
        "1": "university",
        "2": "research",
        "3": "company",
        "4": "public_body",
        "5": "other",
        "6": "other",
    }
    assert by_pic["1"].name == "University of Northbridge"
    assert by_pic["1"].website == "http://www.northbridge.example"
    # The readable legal name; the short name says little ("HLAB") and is shown beside it.
    assert (by_pic["2"].name, by_pic["2"].slug) == ("Hellenic Lab", "hellenic-lab")
    roles = dict(Participation.objects.values_list("organization__pic", "role"))
    assert roles == {
        "1": "coordinator",
        "2": "participant",
        "3": "partner",
        "4": "third_party",
        "5": "associated",
        "6": "international",
    }
    contributions = dict(
        Participation.objects.filter(project=alpha).values_list(
            "organization__pic", "ec_contribution"
        )
    )
    assert contributions["1"] == Decimal("10.50")
    assert contributions["2"] == Decimal("20")
    assert table(summary)["keywords"] == (1, 0, 1)
    assert by_pic["1"].project_count == 2
    assert by_pic["1"].coordinator_count == 2


def test_slugs_are_unique_and_stable(tmp_path):
    make_project(slug="alpha")
    make_organization(slug="university-of-northbridge")
    run_import(write_small_dump(tmp_path / "small"))

    assert Project.objects.get(cordis_id="1001").slug == "alpha-2"
    assert Organization.objects.get(pic="1").slug == "university-of-northbridge-2"

    # A newer dump renames them: the slugs stay, the links keep working.
    folder = tmp_path / "small"
    for name in ["project.csv", "organization.csv"]:
        path = folder / name
        path.write_bytes(path.read_bytes().replace(b"ALPHA", b"OMEGA").replace(b"NORTH", b"SOUTH"))
    run_import(folder)
    assert Project.objects.get(cordis_id="1001").acronym == "OMEGA"
    assert Project.objects.get(cordis_id="1001").slug == "alpha-2"
    organization = Organization.objects.get(pic="1")
    assert organization.legal_name == "UNIVERSITY OF SOUTHBRIDGE"
    assert organization.name == "University of Northbridge"  # the name is the editors'
    assert organization.slug == "university-of-northbridge-2"


def test_a_newer_dump_updates_what_changed(tmp_path):
    run_import(DATA)

    def edit_projects(text):
        return text.replace(";EBOMAN;;Manufacturing", ";EBOMAN;;Remanufacturing")

    def edit_organizations(text):
        return text + (
            "116026;HARMONY;888888888;;FICTIONAL NEWCOMER INSTITUTE;;;REC;;;;EL;;;;;;;99;"
            "participant;1000,5;;;;\r\n"
        )

    summary = run_import(copy_data(tmp_path / "newer", edit_projects, edit_organizations))

    assert table(summary) == {
        "projects": (0, 1, 106),
        "organizations": (1, 0, 957),
        "participations": (1, 0, 2529),
        "keywords": (0, 0, 0),
    }
    assert Project.objects.get(cordis_id="115850").title.startswith("Remanufacturing")
    newcomer = Organization.objects.get(pic="888888888")
    assert (newcomer.country, newcomer.kind) == ("GR", "research")
    assert newcomer.participations.get().ec_contribution == Decimal("1000.50")
    gpoh = Organization.objects.get(pic=GPOH_PIC)
    assert gpoh.partner_count == 58  # the newcomer is a new partner in HARMONY


def test_progress_goes_to_stderr_unless_quiet(tmp_path):
    folder = write_small_dump(tmp_path / "small")
    err = io.StringIO()
    call_command("import_cordis", str(folder), stdout=io.StringIO(), stderr=err)
    assert "projects: 2 created" in err.getvalue()
    err = io.StringIO()
    call_command("import_cordis", str(folder), "--quiet", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


# Scale ----------------------------------------------------------------------------------------


def generate(folder, projects, organizations, participations, seed=1, changed=None):
    """generate_cordis_sample; `changed`: the percentage of rows of its newer dump."""
    call_command(
        "generate_cordis_sample",
        str(folder),
        f"--projects={projects}",
        f"--organizations={organizations}",
        f"--participations={participations}",
        f"--seed={seed}",
        *([f"--changed={changed}"] if changed is not None else []),
        stdout=io.StringIO(),
    )
    return folder


def count_queries(folder):
    with CaptureQueriesContext(connection) as queries:
        run_import(folder)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(tmp_path):
    # 5x the rows, within one batch of inserts on both databases (SQLite takes 999 parameters
    # per query, so Django splits bulk inserts: 111 participations, 21 organizations).
    small = generate(tmp_path / "small", 5, 6, 20)
    large = generate(tmp_path / "large", 30, 20, 100)

    first_small = count_queries(small)
    again_small = count_queries(small)
    for model in (Organization, Project, Keyword):
        model.objects.all().delete()
    first_large = count_queries(large)
    again_large = count_queries(large)

    assert Participation.objects.count() == 100
    assert first_large == first_small
    assert again_large == again_small


def test_generated_samples_import_with_the_requested_numbers(tmp_path):
    folder = generate(tmp_path / "sample", 40, 60, 300, seed=7)
    summary = run_import(folder)

    assert Project.objects.count() == 40
    assert Organization.objects.count() == 60
    assert Participation.objects.count() == 300
    assert Participation.objects.filter(role="coordinator").count() == 40  # one per project
    assert Organization.objects.filter(country="GB").exists()
    assert not Organization.objects.exclude(legal_name__startswith="FICTIONAL ").exists()
    assert Keyword.objects.exists()
    assert "Merged duplicate rows" not in summary and "Skipped rows" not in summary

    again = generate(tmp_path / "again", 40, 60, 300, seed=7)
    for name in ["project.csv", "organization.csv"]:
        assert (again / name).read_bytes() == (folder / name).read_bytes()
        header = (DATA / name).read_text(encoding="utf-8").split("\n", 1)[0].strip()
        assert (folder / name).read_text().startswith(header)  # the real files' header


def test_generate_cordis_sample_refuses_impossible_numbers(tmp_path):
    with pytest.raises(CommandError, match="--participations must be at least"):
        generate(tmp_path / "sample", 10, 10, 5)


def test_benchmark_import_needs_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("runs at full size on PostgreSQL: a command, not a test")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("benchmark_import", stdout=io.StringIO())


def foreign_keys():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"
        )
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's bulk-load path")
def test_a_bulk_import_keeps_every_foreign_key(tmp_path):
    # From BULK_ROWS new rows, insert_rows drops a table's foreign keys and adds them back.
    before = foreign_keys()
    folder = generate(tmp_path / "bulk", 2_000, 3_000, bulk.BULK_ROWS, seed=3)
    run_import(folder)

    assert Participation.objects.count() == bulk.BULK_ROWS
    assert foreign_keys() == before
    assert any("projects_participation" in table for table, _, _ in before)
    organization = Organization.objects.order_by("?").first()
    assert organization.project_count == organization.participations.count()
    # And they are checked again: a participation of no organization is refused.
    Participation.objects.create(project=Project.objects.first(), organization_id=0)
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="benchmark_import needs PostgreSQL")
def test_benchmark_import_refuses_a_database_with_data():
    make_organization()
    with pytest.raises(CommandError, match="times a first import"):
        call_command("benchmark_import", stdout=io.StringIO())


# Address, SME and place ----------------------------------------------------------------------

ADDRESS_HEADER = ["projectID", "organisationID", "name", "role", "SME", "street", "postCode"]
ADDRESS_HEADER += ["city", "nutsCode", "geolocation"]


def test_address_sme_and_geolocation_are_imported_and_a_bad_value_costs_only_itself(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    write_csv(folder / "project.csv", [["id", "acronym", "title"], ["1", "ONE", "One"]])
    rows = [
        ["1", "10", "A SA", "coordinator", "true", "RUE  DESCARTES 1", "75005", "PARIS"],
        ["1", "11", "B SA", "participant", "maybe", "", "", ""],
        ["1", "12", "C SA", "participant", "", "", "", ""],
    ]
    rows[0] += ["FR101", "48.8473434,2.3487498"]
    rows[1] += ["", "48.8;north"]
    rows[2] += ["", ""]
    write_csv(folder / "organization.csv", [ADDRESS_HEADER, *rows])

    summary = run_import(folder)

    by_pic = {o.pic: o for o in Organization.objects.all()}
    a = by_pic["10"]
    assert (a.sme, a.street, a.post_code, a.city) == (True, "Rue Descartes 1", "75005", "Paris")
    assert (a.nuts_code, a.latitude, a.longitude) == ("FR101", 48.8473434, 2.3487498)
    # A value that cannot be read is left out, with a warning; the row is imported.
    assert 'line 3: SME "maybe" is not true or false, left out' in summary
    assert 'line 3: geolocation "48.8;north" is not "latitude,longitude", left out' in summary
    assert (by_pic["11"].sme, by_pic["11"].latitude) == (None, None)
    assert by_pic["12"].sme is None  # CORDIS does not say

    # An empty cell empties the field at the next import, as for every imported field.
    rows[0][4:] = ["false", "", "", "", "", ""]
    write_csv(folder / "organization.csv", [ADDRESS_HEADER, *rows])
    run_import(folder)
    a.refresh_from_db()
    assert (a.sme, a.street, a.post_code, a.city, a.nuts_code, a.latitude) == (
        False, "", "", "", "", None,
    )  # fmt: skip


def test_each_programme_records_the_dump_it_came_from(tmp_path):
    from datetime import date

    from projects.models import CordisDump

    project_header = ["id", "acronym", "title", "frameworkProgramme", "contentUpdateDate"]
    write_csv(
        tmp_path / "project.csv",
        [
            project_header,
            ["1", "ONE", "One", "HORIZON", "2024-05-29 16:06:19"],
            ["2", "TWO", "Two", "HORIZON", "not a date"],  # says nothing of the dump's date
            ["3", "THREE", "Three", "H2020", "2024-13-45 10:00:00"],  # nor does this
        ],
    )
    write_csv(
        tmp_path / "organization.csv",
        [
            ["projectID", "organisationID", "name", "role", "contentUpdateDate"],
            ["1", "111111111", "A", "coordinator", "2024-06-02 09:00:00"],
            ["3", "111111111", "A", "coordinator", ""],
        ],
    )
    run_import(tmp_path)
    dumps = {d.framework_programme: d for d in CordisDump.objects.all()}
    assert dumps.keys() == {"H2020", "HORIZON"}
    assert (dumps["HORIZON"].source, dumps["HORIZON"].data_date) == (
        tmp_path.name,
        date(2024, 6, 2),
    )
    assert dumps["HORIZON"].programme_name == "Horizon Europe"

    run_import(DATA)  # IMI2's files give no date: its programme's dump has none
    h2020 = CordisDump.objects.get(framework_programme="H2020")
    assert (h2020.source, h2020.data_date) == ("cordis-imi2", None)
    assert CordisDump.objects.get(framework_programme="HORIZON").source == tmp_path.name
