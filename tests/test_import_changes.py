"""A newer dump: only the figures its changes affect are recomputed, and they are exact; and
what the import says while it runs, piped or quiet."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from base import database
from cordis.importer import import_cordis
from cordis.records import ROLES
from organizations.models import Organization
from organizations.stats import COMPUTED, refresh_figures
from projects.models import Participation, Project, ProjectStems
from tests.test_import_cordis import generate, write_small_dump

pytestmark = pytest.mark.django_db


def participations(folder):
    """{(project, pic): (role, contribution)} and {pic: country}, straight from the file."""
    pairs, countries = {}, {}
    with open(folder / "organization.csv", encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file, delimiter=";"):
            amount = row["ecContribution"].replace(",", ".")
            pair = (row["projectID"], row["organisationID"])
            pairs[pair] = (ROLES[row["role"].lower()], Decimal(amount) if amount else None)
            countries.setdefault(row["organisationID"], row["country"])
    return pairs, countries


def affected(before, after):
    """The pics whose figures the change from `before` to `after` affects, in plain Python:
    an organization whose role or contribution changed; every member of a project someone
    joined; the partners of an organization whose country changed."""
    old, old_countries = participations(before)
    new, new_countries = participations(after)
    members = {}
    for project, pic in new:
        members.setdefault(project, set()).add(pic)
    pics = {
        pic for (project, pic), values in new.items() if old.get((project, pic), values) != values
    }
    for project, _ in new.keys() - old.keys():
        pics |= members[project]
    moved = {pic for pic, country in new_countries.items() if old_countries.get(pic) != country}
    for project_members in members.values():
        for pic in project_members & moved:
            pics |= project_members - {pic}
    return pics


def figures():
    return {o["pic"]: o for o in Organization.objects.values("pic", *COMPUTED)}


def first_import_and_newer_dump(tmp_path):
    """A sample, imported, and its newer dump (5% of the rows changed), not yet."""
    before = generate(tmp_path / "before", 300, 400, 1_500, seed=4)
    after = generate(tmp_path / "after", 300, 400, 1_500, seed=4, changed=5)
    import_cordis(before)
    return before, after


LONG_AGO = timezone.now() - timedelta(days=365)


def test_a_dump_with_5_percent_changed_recomputes_only_the_affected_figures(tmp_path):
    before, after = first_import_and_newer_dump(tmp_path)
    Organization.objects.update(figures_computed_at=LONG_AGO)

    result = import_cordis(after)

    expected = affected(before, after)
    assert 0 < len(expected) < Organization.objects.count()
    assert result.figures_refreshed == len(expected)
    recomputed = Organization.objects.filter(figures_computed_at__gt=LONG_AGO)
    assert set(recomputed.values_list("pic", flat=True)) == expected
    counts = result.counts
    assert counts["participations"].created > 0 and counts["participations"].updated > 0
    assert counts["projects"].updated > 0 and counts["organizations"].updated > 0
    # Every figure is what a recomputation of every organization gives.
    imported = figures()
    refresh_figures(Organization.objects.all())
    assert figures() == imported


def test_after_a_newer_dump_every_stored_profile_counts_what_its_projects_say(tmp_path):
    from organizations.models import ComputedProfile
    from organizations.sections import live_tally
    from organizations.sections.stored import stored_tally

    before = generate(tmp_path / "before", 300, 400, 1_500, seed=4)
    after = generate(tmp_path / "after", 300, 400, 1_500, seed=4, changed=5)
    assert import_cordis(before).sections_refreshed == 400  # a first import: every one
    ComputedProfile.objects.update(computed_at=LONG_AGO)

    result = import_cordis(after)

    # Some, not all (which ones: the test below).
    assert 0 < result.sections_refreshed < Organization.objects.count()
    assert ComputedProfile.objects.filter(computed_at__gt=LONG_AGO).count() == (
        result.sections_refreshed
    )
    for organization in Organization.objects.select_related("computed"):
        assert stored_tally(organization) == live_tally(organization)[0], organization.pic


def rows_by_project(folder, name, columns):
    """{project: set of the values of `columns` on its rows} of a file, straight from it."""
    rows = {}
    with open(folder / name, encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file, delimiter=";"):
            value = tuple(row[column] for column in columns)
            rows.setdefault(row["projectID" if "projectID" in row else "id"], set()).add(value)
    return rows


def test_a_newer_dump_recounts_the_sections_of_exactly_the_organizations_it_affects(tmp_path):
    """Those whose own participations changed (new ones, roles, contributions), and the
    members of the projects whose start date or fields of science changed; not those affected
    through their partners only, nor the members of a project whose status alone changed."""
    from organizations.models import ComputedProfile

    before, after = first_import_and_newer_dump(tmp_path)
    ComputedProfile.objects.update(computed_at=LONG_AGO)

    result = import_cordis(after)

    old_dates = rows_by_project(before, "project.csv", ["startDate"])
    new_dates = rows_by_project(after, "project.csv", ["startDate"])
    old_fields = rows_by_project(before, "euroSciVoc.csv", ["euroSciVocCode"])
    new_fields = rows_by_project(after, "euroSciVoc.csv", ["euroSciVocCode"])
    changed = {p for p in new_dates if old_dates.get(p) != new_dates[p]}
    changed |= {
        p for p in old_fields.keys() | new_fields.keys() if old_fields.get(p) != new_fields.get(p)
    }
    old_pairs, new_pairs = participations(before)[0], participations(after)[0]
    members = {}
    for project, pic in new_pairs:
        members.setdefault(project, set()).add(pic)
    own = {pair[1] for pair, values in new_pairs.items() if old_pairs.get(pair) != values}
    expected = own.union(*(members.get(p, set()) for p in changed))
    recounted = ComputedProfile.objects.filter(computed_at__gt=LONG_AGO)
    assert set(recounted.values_list("organization__pic", flat=True)) == expected
    assert result.sections_refreshed == len(expected)
    assert not expected.issuperset(affected(before, after))  # partners' changes count not
    # The projects whose status changed are more than those: their members are left out.
    old_status = rows_by_project(before, "project.csv", ["status"])
    new_status = rows_by_project(after, "project.csv", ["status"])
    status_only = {p for p in new_status if old_status[p] != new_status[p]} - changed
    assert status_only
    assert not expected.issuperset(set().union(*(members.get(p, set()) for p in status_only)))


def test_a_newer_dump_counts_the_attention_of_exactly_those_whose_figures_or_dates_changed(
    tmp_path,
):
    """The curation queue's attention counts projects, recent ones and funding: it is
    counted again for the organizations whose figures may differ and the members of a
    project whose start date changed, not for those of a project whose status or fields of
    science alone changed; and it is what counting every organization again gives."""
    from organizations.curation import refresh_attention

    before, after = first_import_and_newer_dump(tmp_path)
    not_counted = 999_999
    Organization.objects.update(attention=not_counted)

    import_cordis(after)

    old_dates = rows_by_project(before, "project.csv", ["startDate"])
    new_dates = rows_by_project(after, "project.csv", ["startDate"])
    members = {}
    for project, pic in participations(after)[0]:
        members.setdefault(project, set()).add(pic)
    redated = [members.get(p, set()) for p in new_dates if old_dates.get(p) != new_dates[p]]
    expected = affected(before, after).union(*redated)
    counted = Organization.objects.exclude(attention=not_counted)
    assert set(counted.values_list("pic", flat=True)) == expected
    stored = dict(counted.values_list("pk", "attention"))
    assert refresh_attention(stored) == 0  # counting them again changes none


def test_the_same_files_again_put_back_what_a_script_changed_and_recount_it(tmp_path):
    """The file rows did not change, the database did (a script, behind the import's back):
    the import puts the file's values back, and recounts the organizations concerned."""
    from organizations.models import ComputedProfile

    folder = generate(tmp_path / "sample", 30, 40, 150, seed=2)
    import_cordis(folder)
    participation = Participation.objects.exclude(ec_contribution=None).order_by("pk").first()
    project = participation.project
    Participation.objects.filter(pk=participation.pk).update(ec_contribution=Decimal("1"))
    Project.objects.filter(pk=project.pk).update(start_date=None)
    Organization.objects.update(figures_computed_at=LONG_AGO)
    ComputedProfile.objects.update(computed_at=LONG_AGO)

    result = import_cordis(folder)

    assert Participation.objects.get(pk=participation.pk).ec_contribution == (
        participation.ec_contribution
    )
    assert Project.objects.get(pk=project.pk).start_date == project.start_date
    assert (result.counts["participations"].updated, result.counts["projects"].updated) == (1, 1)
    recomputed = Organization.objects.filter(figures_computed_at__gt=LONG_AGO)
    assert list(recomputed.values_list("pk", flat=True)) == [participation.organization_id]
    members = set(project.participations.values_list("organization_id", flat=True))
    recounted = ComputedProfile.objects.filter(computed_at__gt=LONG_AGO)
    assert set(recounted.values_list("organization_id", flat=True)) == members


def test_the_same_dump_again_recomputes_no_figure(tmp_path):
    folder = generate(tmp_path / "sample", 30, 40, 150, seed=2)
    assert import_cordis(folder).figures_refreshed == 40
    assert import_cordis(folder).figures_refreshed == 0


# Progress ---------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_piped_progress_is_plain_lines(tmp_path):
    folder = generate(tmp_path / "sample", 30, 40, 150)
    err = io.StringIO()  # not a terminal, as in a pipe or a log
    call_command("import_cordis", str(folder), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert "\r" not in err.getvalue()
    assert any(line.startswith("participations: 150 created, 0 updated") for line in lines)
    assert any(line.startswith("projects: 30 created, 0 updated, 0 unchanged") for line in lines)
    assert any(line.startswith("figures: 40 organizations") for line in lines)
    quiet = io.StringIO()
    call_command("import_cordis", str(folder), "--quiet", stdout=io.StringIO(), stderr=quiet)
    assert quiet.getvalue() == ""


def test_a_terminal_shows_progress_bars(tmp_path):
    folder = write_small_dump(tmp_path / "small")
    err = Terminal()
    out = io.StringIO()
    call_command("import_cordis", str(folder), stdout=out, stderr=err)
    shown = err.getvalue()
    assert "project.csv:" in shown and "organization.csv:" in shown  # a bar per file
    assert "participations:" in shown and " rows/s" in shown  # and phase, with a rate
    assert "\r" in shown  # redrawn in place
    assert "Done in" in out.getvalue()  # the summary, on stdout as before


def test_update_rows_updates_many_rows_as_bulk_update_would(tmp_path):
    # PostgreSQL's path: COPY into a temporary table, one UPDATE; elsewhere, bulk_update.
    import_cordis(generate(tmp_path / "sample", 300, 400, 1_500, seed=3))
    changed = list(Participation.objects.order_by("pk"))
    assert len(changed) >= database.UPDATE_BATCH_SIZE
    for number, participation in enumerate(changed):
        participation.ec_contribution = Decimal(number) + Decimal("0.25")
        participation.ended_early = number % 2 == 0
    untouched = list(Participation.objects.order_by("pk").values_list("role", "order"))

    database.update_rows(Participation, changed, ["ec_contribution", "ended_early"])

    stored = Participation.objects.order_by("pk")
    assert [p.ec_contribution for p in stored] == [p.ec_contribution for p in changed]
    assert [p.ended_early for p in stored] == [number % 2 == 0 for number in range(len(changed))]
    assert list(stored.values_list("role", "order")) == untouched


def test_after_a_newer_dump_subjects_and_search_evidence_are_what_a_full_refresh_gives(tmp_path):
    """The import rewrites them only for the organizations whose projects or whose projects'
    classifications, programme, acronym, title or keywords changed: the rest must be right
    as they are."""
    from organizations.models import OrganizationSubject, SearchEvidence
    from organizations.search.evidence import refresh_search
    from organizations.subjects import refresh_subjects

    before, after = first_import_and_newer_dump(tmp_path)
    # What the newer dump changes besides: a title and a programme (not in the sample's changes).
    with open(after / "project.csv", encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file, delimiter=";"))
    rows[0][header.index("title")] = "Glaciology of tropical reefs"
    rows[1][header.index("frameworkProgramme")] = "HORIZON"
    with open(after / "project.csv", "w", encoding="utf-8", newline="") as file:
        csv.writer(file, delimiter=";").writerows([header, *rows])
    # And a field of science renamed: its projects' links are the same, their text is not.
    with open(after / "euroSciVoc.csv", encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file, delimiter=";"))
    code, title, path = (
        header.index(c) for c in ("euroSciVocCode", "euroSciVocTitle", "euroSciVocPath")
    )
    renamed = rows[0][code]
    for row in rows:
        if row[code] == renamed:
            row[title] = "Speleothem dating"
            row[path] = row[path].rsplit("/", 1)[0] + "/Speleothem dating"
    with open(after / "euroSciVoc.csv", "w", encoding="utf-8", newline="") as file:
        csv.writer(file, delimiter=";").writerows([header, *rows])

    import_cordis(after)

    def stored():
        subjects = set(
            OrganizationSubject.objects.values_list("organization", "kind", "code", "projects")
        )
        evidence = set(SearchEvidence.objects.values_list("organization", "word", "projects"))
        stems = set(ProjectStems.objects.values_list("project", "stems"))
        return subjects, evidence, stems

    imported = stored()
    everyone = list(Organization.objects.values_list("pk", flat=True))
    refresh_subjects(everyone)
    refresh_search(everyone)  # every project's subjects stemmed again
    assert stored() == imported
    assert any(word == "glaciolog" for _, word, _ in imported[1])
    assert any(word == "speleothem" for _, word, _ in imported[1])
    assert len(imported[2]) == Project.objects.count()


def test_search_reads_the_stems_stored_for_the_projects_an_import_did_not_change(tmp_path):
    """A newer dump recounts the search evidence of the members of the projects it changed,
    and of those with a new participation: their other projects' stems are read as stored,
    not their subjects stemmed again; refresh_stats stems every project again."""
    from organizations.models import SearchEvidence
    from projects.models import ProjectStems

    before, after = first_import_and_newer_dump(tmp_path)
    new_pairs = participations(after)[0].keys() - participations(before)[0].keys()
    changed = {project for project, _ in new_pairs}
    for name in ("project.csv", "euroSciVoc.csv", "topics.csv", "legalBasis.csv"):
        with open(before / name, encoding="utf-8", newline="") as file:
            columns = next(csv.reader(file, delimiter=";"))
        old, new = rows_by_project(before, name, columns), rows_by_project(after, name, columns)
        changed |= {p for p in old.keys() | new.keys() if old.get(p) != new.get(p)}
    organization = Organization.objects.get(pic=sorted(pic for _, pic in new_pairs)[0])
    unchanged = (
        organization.participations.exclude(project__cordis_id__in=changed)
        .order_by("project_id")
        .first()
        .project_id
    )
    ProjectStems.objects.filter(project_id=unchanged).update(stems="zzmarked")

    import_cordis(after)

    def marked():
        return set(
            SearchEvidence.objects.filter(word="zzmarked").values_list("organization", flat=True)
        )

    assert organization.pk in marked()
    call_command("refresh_stats", verbosity=0)
    assert not marked()
    assert "zzmarked" not in ProjectStems.objects.get(project_id=unchanged).stems


def test_members_of_a_project_whose_stored_stems_disagree_are_counted_whole(tmp_path):
    """A newer dump moves the evidence of a changed project's members by the stems it gained
    and lost since the stems stored for it. Where those stems say it lost a stem that its
    members have no row of, the shift cannot be trusted: they are counted whole, and come out
    as a full refresh gives (not an import failing on a count below zero)."""
    from organizations.models import SearchEvidence
    from organizations.search.evidence import refresh_search

    before, after = first_import_and_newer_dump(tmp_path)
    columns = ["euroSciVocCode"]
    old = rows_by_project(before, "euroSciVoc.csv", columns)
    new = rows_by_project(after, "euroSciVoc.csv", columns)
    reclassified = [p for p in old if old[p] != new.get(p)]
    assert reclassified
    stored = ProjectStems.objects.filter(project__cordis_id__in=reclassified)
    for stems in stored:
        stems.stems += " zzgone"
        stems.save()

    import_cordis(after)

    imported = set(SearchEvidence.objects.values_list("organization", "word", "projects", "rank"))
    refresh_search(list(Organization.objects.values_list("pk", flat=True)))
    refreshed = set(SearchEvidence.objects.values_list("organization", "word", "projects", "rank"))
    assert imported == refreshed
    assert not SearchEvidence.objects.filter(word="zzgone").exists()


def test_a_newer_dump_rewrites_only_the_subjects_and_evidence_rows_that_differ(tmp_path):
    """Of the organizations recounted, the rows that come out as stored are left alone (their
    pks stay): only those that differ are deleted and written."""
    from organizations.models import OrganizationSubject, SearchEvidence

    before, after = first_import_and_newer_dump(tmp_path)
    models = {
        # The rank follows the organization's projects in all: a row of an organization whose
        # project count changed is written again.
        SearchEvidence: ["organization", "word", "projects", "tier", "rank"],
        OrganizationSubject: ["organization", "kind", "code", "projects"],
    }

    def rows(model):
        return {row[:-1]: row[-1] for row in model.objects.values_list(*models[model], "pk")}

    stored = {model: rows(model) for model in models}

    import_cordis(after)

    for model in models:
        now = rows(model)
        kept = {row: pk for row, pk in now.items() if stored[model].get(row) == pk}
        written = now.keys() - kept.keys()
        assert written == now.keys() - stored[model].keys(), model  # nothing written twice
        assert 0 < len(written) < len(now) / 5, model  # a few, not all the recounted ones'


def test_organization_chunks_choose_dense_pks_by_range_and_sparse_ones_by_pk():
    from organizations.chunks import CHUNK, organization_chunks, sparse_chunk_size

    sparse_chunk = sparse_chunk_size()

    dense = list(organization_chunks(range(1, CHUNK + 11)))
    assert [len(chunk) for chunk, _ in dense] == [CHUNK, 10]
    assert "organization_id__gte" in str(dense[0][1])
    every_third = range(1, 6 * CHUNK, 3)
    sparse = list(organization_chunks(every_third))
    assert {len(chunk) for chunk, _ in sparse[:-1]} == {sparse_chunk}
    assert all("organization_id__in" in str(chosen_by) for _, chosen_by in sparse)
    assert [pk for chunk, _ in sparse for pk in chunk] == list(every_third)


def test_sections_and_subjects_recounted_together_read_each_round_once(
    tmp_path, django_assert_num_queries
):
    """The import recounts both for mostly the same organizations: a round's participations
    and classifications (four queries) are read once for both, not once each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.chunks import recount_in_rounds
    from organizations.sections.stored import store_sections
    from organizations.subjects import store_subjects

    import_cordis(generate(tmp_path / "sample", 30, 40, 150, seed=2))
    pks = list(Organization.objects.values_list("pk", flat=True))  # one round: dense pks
    alone = {}
    for store in (store_sections, store_subjects):
        with CaptureQueriesContext(connection) as queries:
            recount_in_rounds([(store, pks)])
        alone[store] = len(queries)
    with django_assert_num_queries(alone[store_sections] + alone[store_subjects] - 4):
        assert recount_in_rounds([(store_sections, pks), (store_subjects, pks)]) == len(pks)
