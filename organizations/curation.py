"""The editors' work on profiles, apart from publication: curation states and the queue.

A profile moves through the states of Curation:

- imported: the import created it; the page shows its computed sections and no narrative;
- drafted: "Draft from data" filled sections (organizations/drafting.py); the text is hidden
  from the public (models.sees_drafted_text) until an editor marks it reviewed;
- curated: an editor reviewed the profile, or wrote some of its text;
- stale: curated, but its data changed since (an import brought projects or changed figures,
  or refresh_stats found other figures); reviewing it makes it curated again.

Data changes are applied set-wise (one UPDATE per chunk), as the import writes.
"""

from contextlib import contextmanager
from datetime import date

from django.db.models import Count
from django.utils import timezone

from base.database import update_rows
from organizations.models import Curation, Organization

# The narrative an editor writes: writing any of it makes an imported profile curated.
NARRATIVE_FIELDS = [
    "tagline",
    "core_work",
    "early_focus",
    "recent_focus",
    "trajectory",
    "trajectory_summary",
    "collaboration_role",
    "reach",
    "collaboration_narrative",
    "network_narrative",
    "why_partner",
]
# The figures whose change makes a curated profile stale.
FIGURES = ["project_count", "coordinator_count", "total_ec_funding", "partner_count"]

# Attention: each project weighs PROJECT_WEIGHT, a project started in the last RECENT_YEARS
# calendar years weighs it twice, and every FUNDING_UNIT euros of EC funding one point
# (EUR 1 million weighs as much as a project).
PROJECT_WEIGHT = 10
RECENT_YEARS = 3
FUNDING_UNIT = 100_000
# What attention reads of a project, besides its members' figures: a change of another field
# of a project (its status, its fields of science) leaves its members' attention as it was.
PROJECT_FIELDS_IN_ATTENTION = frozenset({"start_date"})
CHUNK = 5000


def _chunks(pks):
    pks = sorted(set(pks))
    for start in range(0, len(pks), CHUNK):
        yield pks[start : start + CHUNK]


def after_data_change(organization_pks, *, attention=None) -> int:
    """The data of these organizations changed (new projects, changed figures): their
    curated profiles become stale, and the attention of those in `attention` (None: of all
    of them; the import passes those whose figures or projects' start dates changed) is
    counted again. Returns how many became stale."""
    stale = 0
    for chunk in _chunks(organization_pks):
        stale += mark_stale(chunk)
    for chunk in _chunks(organization_pks if attention is None else attention):
        refresh_attention(chunk)
    return stale


def mark_stale(organization_pks) -> int:
    return Organization.objects.filter(pk__in=organization_pks, curation=Curation.CURATED).update(
        curation=Curation.STALE
    )


@contextmanager
def tracking_figures(organizations):
    """Around a refresh of the figures of `organizations` (a queryset) that does not know
    what changed (refresh_stats): the curated profiles whose figures differ afterwards
    become stale, and the attention of all is counted again."""
    curated = organizations.filter(curation=Curation.CURATED)
    before = {pk: rest for pk, *rest in curated.values_list("pk", *FIGURES)}
    yield
    after = {pk: rest for pk, *rest in curated.values_list("pk", *FIGURES)}
    changed = [pk for pk, figures in before.items() if after.get(pk) != figures]
    for chunk in _chunks(changed):
        mark_stale(chunk)
    for chunk in _chunks(organizations.values_list("pk", flat=True)):
        refresh_attention(chunk)


def recent_since(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return date(today.year - RECENT_YEARS + 1, 1, 1)


def refresh_attention(organization_pks) -> int:
    """Count the attention of these organizations again, and write it where it changed (an
    UPDATE rewrites the whole row, its search vector computed again, and most of those an
    import touches keep theirs); return how many changed.

    Counted in Python from two queries: as one UPDATE, the recent projects were a
    correlated subquery per organization, evaluated twice (to choose the rows, then to set
    them): 2.7 s of the 5%-changed re-import at H2020's size."""
    from projects.models import Participation

    pks = sorted(set(organization_pks))
    recent = dict(
        Participation.objects.filter(
            organization_id__in=pks, project__start_date__gte=recent_since()
        )
        .order_by()
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    chosen = Organization.objects.filter(pk__in=pks).order_by()
    changed = []
    for pk, project_count, funding, stored in chosen.values_list(
        "pk", "project_count", "total_ec_funding", "attention"
    ):
        attention = attention_of(project_count, recent.get(pk, 0), funding)
        if attention != stored:
            changed.append(Organization(pk=pk, attention=attention))
    update_rows(Organization, changed, ["attention"])
    return len(changed)


def attention_of(project_count, recent_projects, total_ec_funding) -> int:
    """What refresh_attention stores, for one organization (tests check the two agree)."""
    return (project_count + recent_projects) * PROJECT_WEIGHT + int(
        total_ec_funding // FUNDING_UNIT
    )


def record_edit(organization, user, changed_fields) -> None:
    """An editor saved `organization` in the admin (before its save): note who and when;
    text written on an imported profile makes it curated."""
    organization.edited_by = user
    organization.edited_at = timezone.now()
    wrote = any(name in NARRATIVE_FIELDS for name in changed_fields)
    if organization.curation == Curation.IMPORTED and wrote:
        organization.curation = Curation.CURATED
        organization.reviewed_at = organization.edited_at


def mark_reviewed(organization, user) -> None:
    """An editor reviewed the profile's text (before its save): it becomes public."""
    record_edit(organization, user, [])
    organization.curation = Curation.CURATED
    organization.reviewed_at = organization.edited_at


def mark_drafted(organization) -> None:
    """Text was drafted from data (before its save): hidden until reviewed."""
    organization.curation = Curation.DRAFTED


def counts_by_state() -> dict:
    """{Curation: number of profiles}, every state present: one query."""
    counted = dict(
        Organization.objects.order_by()
        .values_list("curation")
        .annotate(n=Count("pk"))
        .values_list("curation", "n")
    )
    return {state: counted.get(state.value, 0) for state in Curation}
