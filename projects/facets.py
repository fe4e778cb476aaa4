"""The projects page's facets: the number of results, and counts per programme, field of
science (top level and the next), programme part and topic over the current results, as on
the organizations page (organizations/facets.py)."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import CharField, Count, Value

from organizations.facets import (
    SUBJECT_EXACT_MAX,
    Facet,
    current_params,
    sampled,
    subject_groups,
)
from organizations.models import SubjectKind
from organizations.subjects import SUBJECT_FACETS, field_levels
from projects.models import Project, ProjectProgrammePart


@dataclass
class ProjectFacets:
    count: int  # the number of results
    groups: list[Facet]


def project_facets(filterset, request) -> ProjectFacets:
    """Five queries: the number of results; the pks of the results counted (all, or past
    SUBJECT_EXACT_MAX a sample, as on the organizations page); their programmes, programme
    parts and topics (one UNION); their fields of science; the titles of the values shown.
    The filters run twice, not once per count: the counts read the pks."""
    data = filterset.form.cleaned_data
    results = filterset.qs.order_by()
    count = results.count()
    counts = {kind: Counter() for kind in SUBJECT_FACETS}
    if count:
        results, step = sampled(results, count)
        pks = list(results.values_list("pk", flat=True))
        for kind, code, n in _subject_counts(pks):
            counts[kind][code] = n * step
        counts[SubjectKind.PROGRAMME].pop("", None)  # not given: no link
        _count_fields(pks, counts, step)
    estimated = SUBJECT_FACETS if count > SUBJECT_EXACT_MAX else ()
    params = current_params(request)
    return ProjectFacets(count, subject_groups(counts, data, params, estimated=estimated))


def _tagged(queryset, kind, code):
    """(kind, code, number of rows) per code of `queryset`."""
    tag = Value(kind, output_field=CharField())
    return queryset.order_by().values_list(tag, code).annotate(n=Count("*"))


def _subject_counts(projects):
    """(kind, code, projects) of the programmes, own programme parts and topics of
    `projects` (pks), in one query: a project has one programme and one own
    part, and a topic once."""
    programmes = _tagged(
        Project.objects.filter(pk__in=projects), SubjectKind.PROGRAMME, "framework_programme"
    )
    parts = ProjectProgrammePart.objects.filter(project__in=projects, is_unique=True)
    topics = Project.topics.through.objects.filter(project__in=projects)
    return programmes.union(
        _tagged(parts, SubjectKind.PROGRAMME_PART, "programme_part__code"),
        _tagged(topics, SubjectKind.TOPIC, "topic__code"),
        all=True,
    )


def _count_fields(projects, counts, step):
    """Add the fields of science of `projects` to `counts`, each project once per field
    (it may have several fields under one), times `step`."""
    links = Project.fields_of_science.through.objects.filter(project__in=projects).order_by()
    levels = defaultdict(set)
    for project, code in links.values_list("project_id", "fieldofscience__code"):
        levels[project].update(field_levels(code))
    for subjects in levels.values():
        for kind, code in subjects:
            counts[kind][code] += step
