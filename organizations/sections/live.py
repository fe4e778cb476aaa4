"""An organization's tally read straight from its projects: four queries, whatever its size.

Used where nothing is stored yet (profiles made in the admin or by the demo, tests) and by
drafting, which needs the counts project by project.
"""

from collections import defaultdict

from organizations.sections.tally import tally


def live_tally(organization):
    """(Tally, ByProject) of `organization`."""
    from projects.models import Participation

    participations = list(
        Participation.objects.filter(organization=organization)
        .order_by()
        .values_list("project_id", "role", "ec_contribution", "project__start_date")
    )
    if not participations:
        return tally([], {}, {}, {})
    # Its projects, as a subquery: each query reads them by index, not by a list of ids.
    projects = Participation.objects.filter(organization=organization).values("project_id")
    topics, fields, parts = classifications(projects)
    return tally(participations, topics, fields, parts)


def classifications(projects):
    """({project: [(topic code, title)]}, {project: [(field code, path)]}, {project: (own
    programme part's code, title)}) of `projects` (a subquery of project ids): three
    queries."""
    from projects.models import Project, ProjectProgrammePart

    topics = _by_project(
        Project.topics.through.objects.filter(project_id__in=projects).values_list(
            "project_id", "topic__code", "topic__title"
        )
    )
    fields = _by_project(
        Project.fields_of_science.through.objects.filter(project_id__in=projects).values_list(
            "project_id", "fieldofscience__code", "fieldofscience__path"
        )
    )
    parts, shared = {}, {}
    for project, *part in (
        ProjectProgrammePart.objects.filter(project_id__in=projects, is_unique=True)
        .order_by()
        .values_list("project_id", "programme_part__code", "programme_part__title")
    ):
        part = tuple(part)
        parts[project] = shared.setdefault(part, part)
    return topics, fields, parts


def _by_project(rows):
    grouped = defaultdict(list)
    # One tuple for each classification, shared by its projects: an import's round reads
    # the classifications of tens of thousands of projects, each a copy of a few hundred.
    shared = {}
    for project, *values in rows.order_by():
        values = tuple(values)
        grouped[project].append(shared.setdefault(values, values))
    return dict(grouped)
