"""The organizations page's facets: counts per country, kind, sector and SME, the subjects
of the results' projects (fields of science, programmes, programme parts, topics:
facets/subjects.py), and top keywords, over the current results."""

import math
from collections import Counter

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q, Sum
from django.utils.translation import get_language

from base.filters import country_choices
from organizations.facets.subjects import (
    SUBJECT_EXACT_MAX,
    SUBJECT_EXACT_PROJECTS,
    sampled,
    subject_facets,
    subject_groups,
    subject_step_of,
)
from organizations.facets.values import (
    Facet,
    Facets,
    FacetValue,
    current_params,
    toggle,
    with_params,
)
from organizations.filters import project_keywords
from organizations.models import Kind, Sector
from organizations.search import SAMPLES

__all__ = [  # what the projects page and the tests use from here
    "SAMPLES",
    "SUBJECT_EXACT_MAX",
    "SUBJECT_EXACT_PROJECTS",
    "Facet",
    "FacetValue",
    "current_params",
    "facets",
    "sampled",
    "subject_groups",
    "subject_step_of",
]

TOP_KEYWORDS = 10
FACET_TITLES = {"country": "Country", "kind": "Kind", "sector": "Sector"}
# Counting keywords joins every participation of every result: above this many results it
# costs more than the rest of the page, and the top ten say little anyway.
KEYWORD_FACET_MAX_RESULTS = 200


# A search that may match more than SAMPLE_FROM organizations (its words' rows in the
# evidence index: search.SearchResult.size_bound) is counted over a sample of about
# SAMPLE_SIZE of them, every step-th by id, and its counts are shown as "about": counting
# and grouping tens of thousands of results would cost more than the rest of the page. A
# sample that finds fewer than MIN_SAMPLED (filters cut it down) is counted exactly instead.
SAMPLE_FROM = 2000
SAMPLE_SIZE = 500
MIN_SAMPLED = 100
SUBJECT_SAMPLE_SHARE = 2  # the subject facets count every second organization of the sample
NEGATED_ONLY_STEP = 32
# The subject facets' step is twice the sample's: both divide the sample index's 256.
MAX_STEP = SAMPLES // SUBJECT_SAMPLE_SHARE


def sample_step(filterset) -> int:
    """1 (count every result), or the step of the sample to count."""
    search = filterset.search
    if not search.alternatives:
        return 1
    bound = search.size_bound(using=filterset.queryset.db)
    if bound is None:  # a search for -word alone: most organizations
        return NEGATED_ONLY_STEP
    if bound <= SAMPLE_FROM:
        return 1
    # The power of two nearest bound / SAMPLE_SIZE (up to MAX_STEP): the evidence's sample
    # index reads its sample; about SAMPLE_SIZE organizations (0.7 to 1.4 times).
    return min(1 << max(round(math.log2(bound / SAMPLE_SIZE)), 0), MAX_STEP)


def facets(filterset, request):
    """The number of results, counts per country, kind, sector and SME, the subjects of
    their projects, and the top keywords.

    Everything is counted over the current results (with every filter applied), so a count
    is the number of results that choosing the value would leave. The number of results
    and the four facets come from one query, the number of results per (country, kind,
    sector, SME), summed here. The subjects take one more (facets/subjects.py). Keywords
    take two more, made only when there are at most KEYWORD_FACET_MAX_RESULTS results (and
    one, when no project has a keyword). A search with many matches is counted over a
    sample (sample_step: one query), shown as "about".
    """
    data = filterset.form.cleaned_data
    params = current_params(request)
    step = sample_step(filterset)
    results = filterset.results(step) if step > 1 else filterset.qs
    # A search's results' projects bound its subject facets' work (subject_step).
    searching = bool(filterset.search.alternatives)
    count, smes, counts, projects = _cube(results, projects=searching)
    if step > 1 and count < MIN_SAMPLED:
        step, results = 1, filterset.qs
        count, smes, counts, projects = _cube(results, projects=searching)
    counted = count  # the organizations counted (of the sample, when step > 1)
    if step > 1:
        # Two significant digits, as the facets' "about" counts: a sample gives no more.
        count, smes = round(count * step, 2 - len(str(count * step))), smes * step
        counts = {
            field: Counter({v: n * step for v, n in c.items()}) for field, c in counts.items()
        }

    labels = {
        "country": dict(country_choices(get_language())),
        "kind": dict(Kind.choices),
        "sector": dict(Sector.choices),
    }
    groups = []
    for field, title in FACET_TITLES.items():
        chosen = _as_list(data.get(field))
        ranked = sorted(counts[field].items(), key=lambda item: (-item[1], item[0]))
        values = [
            FacetValue(
                labels[field].get(value, value),
                n,
                value in chosen,
                _toggled(params, field, value, chosen),
                step > 1,
            )
            for value, n in ranked
        ]
        groups.append(Facet(field, title, values))
    if smes:
        chosen = bool(data.get("sme"))
        url = with_params(params, sme=[] if chosen else ["on"])
        groups.append(Facet("sme", "Size", [FacetValue("SME", smes, chosen, url, step > 1)]))
    # The subjects' own sample: the count above stays exact when only they are sampled.
    subject_step = step
    if step > 1:
        # Each organization has a score of subjects to group: half the sample at most, and
        # within the projects an exact count may have ("technology" on HORIZON: a quarter
        # of its sample, 3,800 subject rows rather than 7,700).
        share = max(SUBJECT_SAMPLE_SHARE, subject_step_of(counted, projects))
        subject_step = min(step * share, SAMPLES)
    elif searching:
        subject_step = subject_step_of(count, projects)
    if subject_step > 1:
        # A search's subject sample read from the evidence's sample index, whose statistics
        # tell the planner its size: with MOD(id, step) it expected one organization and
        # sorted HORIZON's 23,000 subjects of "oncology" (30 ms) rather than hash them.
        results = filterset.results(subject_step)
    groups += subject_facets(results, count, data, params, step=subject_step)
    if 0 < count <= KEYWORD_FACET_MAX_RESULTS:
        keywords = top_keywords(filterset.qs, params, data.get("keyword"))
        groups.append(Facet("keyword", "Top project keywords", keywords))
    return Facets(count, [group for group in groups if group.values], step > 1)


def _cube(results, *, projects=False):
    """(results, SMEs, {field: Counter of value -> results}, their projects or 0) of
    `results`, in one query; their projects (the sum of project_count) only if asked."""
    # COUNT(*), not COUNT(id): the unfiltered page then reads organization_facets_idx alone
    # (which has no project_count: a search's results are read from the table anyway).
    total = {"projects": Sum("project_count")} if projects else {}
    cube = (
        results.order_by()
        .values_list(*FACET_TITLES)
        .annotate(n=Count("*"), smes=Count("pk", filter=Q(sme=True)), **total)
    )
    # Read with a plain cursor: plain strings and numbers, which the ORM would pass through
    # its converters one value at a time (1 ms of the 200-odd rows of a common word).
    try:
        sql, params = cube.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing ("id IN ()"): no query
        rows = []
    else:
        with connections[results.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    count, smes, counts = 0, 0, {field: Counter() for field in FACET_TITLES}
    projects = 0
    for country, kind, sector, n, sme_count, *value_projects in rows:
        count += n
        smes += sme_count
        projects += value_projects[0] or 0 if value_projects else 0
        # "" is "not given": no link for it
        for field, value in (("country", country), ("kind", kind), ("sector", sector)):
            if value:
                counts[field][value] += n
    return count, smes, counts, projects


def _as_list(value):
    return [value] if isinstance(value, str) and value else list(value or [])


def top_keywords(results, params, selected):
    """The top keywords of the projects of `results`; none, without asking for them, when
    no project has a keyword (CORDIS's HORIZON dump has none): planning their join with a
    search took PostgreSQL 2 to 4 ms, and SQLite read 200 results' participations (7 ms)."""
    if not project_keywords().exists():
        return []
    keyword_model = apps.get_model("projects", "Keyword")
    keywords = (
        # filter() before annotate(): only the participations of the results are counted.
        keyword_model.objects.filter(
            projects__participations__organization__in=results.values("pk")
        )
        .annotate(n=Count("projects__participations__organization", distinct=True))
        .order_by("-n", "name")[:TOP_KEYWORDS]
    )
    return [
        FacetValue(
            keyword.name,
            keyword.n,
            keyword.slug == selected,
            with_params(params, keyword=[] if keyword.slug == selected else [keyword.slug]),
        )
        for keyword in keywords
    ]


def _toggled(params, field, value, selected):
    if field == "sector":  # one sector at a time
        return with_params(params, sector=[] if value in selected else [value])
    return with_params(params, **{field: toggle(selected, value)})
