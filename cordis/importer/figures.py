"""Which organizations' figures an import recomputes: only those its changes affect.

organizations/stats.py computes the figures and says what they are computed from
(PARTICIPATION_FIELDS_IN_FIGURES, ORGANIZATION_FIELDS_IN_FIGURES); the writer notes what of
that changed, and this module turns it into the organizations to recompute. A re-import of a
dump in which 5% of the rows changed thus recomputes a fraction of the organizations, not all.
"""

import time

from cordis.bulk import where_in
from organizations.chunks import recount_in_rounds
from organizations.curation import after_data_change
from organizations.models import FiguresSource, Organization
from organizations.search.evidence import refresh_search
from organizations.search.reimport import shift_search
from organizations.sections.stored import store_sections
from organizations.stats import refresh_figures
from organizations.subjects import store_subjects
from projects.models import Participation


def organizations_affected(
    *, joined_projects=(), participations_changed=(), countries_changed=()
) -> set[int]:
    """The pks of the organizations whose figures may differ after these changes:

    - joined_projects: projects with a new participation: each of their members has a
      partner more, and the organization that joined, a project more;
    - participations_changed: organizations with a new participation, or one whose role or
      contribution changed (PARTICIPATION_FIELDS_IN_FIGURES);
    - countries_changed: organizations whose country changed: their partners' partner
      countries (ORGANIZATION_FIELDS_IN_FIGURES).

    The import never removes a participation, so no figure changes by one going.
    """
    affected = set(participations_changed)
    for chosen in where_in(Participation.objects, "project_id", joined_projects):
        affected.update(chosen.values_list("organization_id", flat=True))
    moved = {}  # project -> the organizations in it whose country changed
    for chosen in where_in(Participation.objects, "organization_id", countries_changed):
        for project, organization in chosen.values_list("project_id", "organization_id"):
            moved.setdefault(project, set()).add(organization)
    for chosen in where_in(Participation.objects, "project_id", moved):
        for project, organization in chosen.values_list("project_id", "organization_id"):
            if moved[project] - {organization}:  # a partner moved, not (only) itself
                affected.add(organization)
    return affected


def refresh_after_import(writer, result, progress):
    """Recompute the figures the import's changes affect; set result.figures_refreshed.

    The dump's organizations have their editor-entered figures replaced (keep_edited=False):
    the import has just brought the data they come from, so they are recomputed even when
    nothing of theirs changed. Other organizations in the same projects keep theirs.
    """
    started = time.monotonic()
    # Those whose partners may differ (their projects gained a member, or a partner moved)
    # are counted whole; those whose own participations alone changed (a role, a
    # contribution: most of a newer dump's changes), without the partner pairs.
    whole = organizations_affected(
        joined_projects=writer.joined_projects, countries_changed=writer.countries_changed
    )
    in_dump = set(writer.organization_pks.values())
    edited = Organization.objects.filter(figures_source=FiguresSource.EDITORS)
    whole.update(in_dump.intersection(edited.values_list("pk", flat=True)))
    own = set(writer.participations_changed) - whole
    refreshed = refresh_figures_of(whole & in_dump, keep_edited=False)
    refreshed += refresh_figures_of(whole - in_dump, keep_edited=True)
    refreshed += refresh_figures_of(own & in_dump, keep_edited=False, partners=False)
    refreshed += refresh_figures_of(own - in_dump, keep_edited=True, partners=False)
    affected = whole | own
    result.figures_refreshed = refreshed
    progress.line(f"figures: {refreshed:,} organizations ({time.monotonic() - started:.1f} s)")

    # What is computed from an organization's projects: the members of every new or changed
    # project are affected too.
    figures_affected = set(affected)
    started = time.monotonic()
    changed = writer.new_projects | writer.changed_projects
    for chosen in where_in(Participation.objects, "project_id", changed):
        affected.update(chosen.values_list("organization_id", flat=True))
    sections = recounted(writer, "sections")
    # One round of reading for both: mostly the same organizations.
    recount_in_rounds([(store_sections, sections), (store_subjects, recounted(writer, "subjects"))])
    result.sections_refreshed = len(sections)
    # Curated profiles of these organizations are stale now; the queue's order changes
    # where what it counts changed.
    after_data_change(affected, attention=figures_affected | recounted(writer, "attention"))
    elapsed = time.monotonic() - started
    progress.line(
        f"computed sections: {result.sections_refreshed:,} organizations ({elapsed:.1f} s)"
    )
    started = time.monotonic()
    # What their projects are about, for search; and the words of their own names. After a
    # newer dump, the members of a project whose subjects alone changed have their rows
    # moved by the stems it gained or lost; those with a new participation or a changed row
    # are counted whole. A first import (a bulk load) has nothing to move: all counted.
    whole = set(writer.joined_organizations) | writer.organizations_changed
    restemmed = writer.projects_changed_in["search"]
    if writer.bulk:
        searched = refresh_search(recounted(writer, "search") | whole, projects_changed=restemmed)
    else:
        shifted, distrusted = shift_search(restemmed, counted_whole=whole)
        searched = len(shifted) + refresh_search(whole | distrusted, projects_changed=set())
    progress.line(f"search: {searched:,} organizations ({time.monotonic() - started:.1f} s)")


def recounted(writer, what) -> set[int]:
    """The organizations whose `what` ("sections", "subjects" or "search", stored per
    organization, or "attention" besides the figures) may differ after the import: those
    with a new participation; for the sections, also those with a participation whose role
    or contribution changed; and the members of the projects new or changed in what it
    reads (Writer.projects_changed_in).
    Of the affected ones, not those affected only through their partners: none of them
    counts partners (organizations/sections/tally.py)."""
    if what == "sections":  # they count roles and contributions
        recounted = set(writer.participations_changed)
    else:
        recounted = set(writer.joined_organizations)
    for chosen in where_in(Participation.objects, "project_id", writer.projects_changed_in[what]):
        recounted.update(chosen.values_list("organization_id", flat=True))
    return recounted


def refresh_figures_of(organization_pks, *, keep_edited, partners=True):
    refreshed = 0
    for organizations in where_in(Organization.objects, "pk", organization_pks):
        refreshed += refresh_figures(organizations, keep_edited=keep_edited, partners=partners)
    return refreshed
