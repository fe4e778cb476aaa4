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
from organizations.chunks import recount_in_rounds
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


def project_subjects(data) -> dict[int, tuple[tuple[str, str], ...]]:
    """{project pk: its distinct (kind, code)} of the projects of a round
    (organizations.chunks.Round), from the classifications it read. The programme part is
    the project's own (as on the profiles). Tuples of shared tuples: a round holds tens of
    thousands of projects (sets of their own took 40 MB at H2020's size)."""
    levels = {}  # a field's code -> its levels; a topic's or part's (kind, code)

    def subjects_of(project):
        found = []
        for code, _ in data.fields.get(project, ()):
            if code not in levels:
                levels[code] = tuple(field_levels(code))
            found += levels[code]
        for code, _ in data.topics.get(project, ()):
            found.append(levels.setdefault((SubjectKind.TOPIC, code), (SubjectKind.TOPIC, code)))
        if part := data.parts.get(project):
            kind_code = (SubjectKind.PROGRAMME_PART, part[0])
            found.append(levels.setdefault(kind_code, kind_code))
        return tuple(dict.fromkeys(found))

    projects = data.fields.keys() | data.topics.keys() | data.parts.keys()
    return {project: subjects_of(project) for project in projects}


def refresh_subjects(organization_pks) -> int:
    """Count and store the subjects of the organizations `organization_pks`; return how
    many organizations."""
    return recount_in_rounds([(store_subjects, organization_pks)])


def store_subjects(pks, data):
    """Count and store the subjects of `pks` (sorted) from what their round read."""
    subjects = project_subjects(data)
    counts = defaultdict(Counter)
    for organization in pks:
        counted = counts[organization]
        for project, *_, programme in data.participations.get(organization, []):
            counted.update(subjects.get(project, ()))
            if programme:
                counted[SubjectKind.PROGRAMME, programme] += 1
    # Only the rows that differ (as the search evidence). Not bulk_create: its queries would
    # grow with the rows on SQLite (999 parameters each).
    rewrite_rows(
        OrganizationSubject,
        ["organization_id", "kind", "code", "projects"],
        pks,
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
