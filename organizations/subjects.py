"""What organizations' projects are about, stored per organization (OrganizationSubject):
the fields of science (top level and the next), programmes, programme parts and topics of
its projects, each with its number of projects.

The import calls refresh_subjects for the organizations its changes touch, in its
transaction (as refresh_sections); refresh_stats for all. The organizations page filters
and counts its subject facets from these rows (organizations/facets.py).
"""

from collections import Counter, defaultdict

from django.db.models import QuerySet

from base.database import rewrite_rows
from organizations.chunks import refresh_in_chunks
from organizations.models import OrganizationSubject, SubjectKind

# The fields of a project its subjects read, besides its classifications (the import
# recounts the subjects of a project's members when one changes).
PROJECT_FIELDS_IN_SUBJECTS = frozenset({"framework_programme"})
SUBJECT_FACETS = [
    SubjectKind.FIELD,
    SubjectKind.SUBFIELD,
    SubjectKind.PROGRAMME,
    SubjectKind.PROGRAMME_PART,
    SubjectKind.TOPIC,
]


def field_levels(code: str) -> list[tuple[str, str]]:
    """[(kind, code)] of a euroSciVoc field's top level and the next, where it reaches
    them: "/29/97/543" -> [("field", "/29"), ("subfield", "/29/97")]."""
    parts = code.strip("/").split("/")
    levels = [(SubjectKind.FIELD, "/" + parts[0])]
    if len(parts) > 1:
        levels.append((SubjectKind.SUBFIELD, "/" + "/".join(parts[:2])))
    return levels


def project_subjects(projects) -> dict[int, set[tuple[str, str]]]:
    """{project pk: {(kind, code)}} of `projects` (a subquery of project pks): three
    queries. The programme part is the project's own (as on the profiles)."""
    from projects.models import Project, ProjectProgrammePart

    subjects = defaultdict(set)
    links = Project.fields_of_science.through.objects.filter(project_id__in=projects)
    for project, code in links.order_by().values_list("project_id", "fieldofscience__code"):
        subjects[project].update(field_levels(code))
    links = Project.topics.through.objects.filter(project_id__in=projects)
    for project, code in links.order_by().values_list("project_id", "topic__code"):
        subjects[project].add((SubjectKind.TOPIC, code))
    parts = ProjectProgrammePart.objects.filter(project_id__in=projects, is_unique=True)
    for project, code in parts.order_by().values_list("project_id", "programme_part__code"):
        subjects[project].add((SubjectKind.PROGRAMME_PART, code))
    return subjects


def refresh_subjects(organization_pks) -> int:
    """Count and store the subjects of the organizations `organization_pks`; return how
    many organizations."""
    return refresh_in_chunks(_refresh_chunk, organization_pks)


def _refresh_chunk(chunk, chosen_by):
    """Four queries for the organizations of `chunk` (sorted pks), whose participations
    `chosen_by` chooses (with others', left out here), as in sections/stored.py."""
    from projects.models import Participation

    chosen = set(chunk)
    participations = Participation.objects.filter(chosen_by).order_by()
    subjects = project_subjects(participations.values("project_id"))
    counts = defaultdict(Counter)
    rows = participations.values_list(
        "organization_id", "project_id", "project__framework_programme"
    )
    for organization, project, programme in rows:
        if organization in chosen:
            counted = counts[organization]
            counted.update(subjects.get(project, ()))
            if programme:
                counted[SubjectKind.PROGRAMME, programme] += 1
    # Only the rows that differ (as the search evidence). Not bulk_create: its queries would
    # grow with the rows on SQLite (999 parameters each).
    rewrite_rows(
        OrganizationSubject,
        ["organization_id", "kind", "code", "projects"],
        chunk,
        [
            (pk, kind, code, n)
            for pk, counted in counts.items()
            for (kind, code), n in counted.items()
        ],
    )


def with_subjects(queryset: QuerySet, kind: str, codes) -> QuerySet:
    """The organizations of `queryset` with a project that has one of `codes` of `kind`.
    A subquery: no duplicate rows."""
    if not codes:
        return queryset
    having = OrganizationSubject.objects.filter(kind=kind, code__in=codes)
    return queryset.filter(pk__in=having.values("organization_id"))
