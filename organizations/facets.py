"""The organizations page's facets: counts per country, kind, sector and SME, the subjects
of the results' projects (fields of science, programmes, programme parts, topics), and top
keywords, over the current results."""

import math
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import CharField, Count, Q, Sum, Value
from django.db.models.functions import Mod
from django.utils.translation import get_language

from base.filters import country_choices
from organizations.models import Kind, OrganizationSubject, Sector, SubjectKind
from organizations.search import SAMPLES
from organizations.subjects import SUBJECT_FACETS

TOP_KEYWORDS = 10
FACET_TITLES = {"country": "Country", "kind": "Kind", "sector": "Sector"}
# Counting keywords joins every participation of every result: above this many results it
# costs more than the rest of the page, and the top ten say little anyway.
KEYWORD_FACET_MAX_RESULTS = 200


@dataclass
class FacetValue:
    label: str
    count: int
    selected: bool
    url: str  # this page with the value added (or taken away, when selected)
    estimated: bool = False  # counted over a sample of the results

    @property
    def count_text(self):
        # As intcomma, without its locale machinery per number.
        if not self.estimated:
            return f"{self.count:,}"
        # Two significant digits: a sample gives no more.
        return f"about {round(self.count, 2 - len(str(self.count))):,}"


@dataclass
class Facet:
    name: str  # the query parameter
    title: str
    values: list


@dataclass
class Facets:
    count: int  # the number of results
    groups: list  # of Facet, those with values
    estimated: bool = False  # the count (and every facet's) from a sample of the results


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
    sector, SME), summed here. The subjects take two more (subject_facets.py). Keywords take
    one more, made only when there are at most KEYWORD_FACET_MAX_RESULTS results. A search
    with many matches is counted over a sample (sample_step: one query), shown as "about".
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
        # Each organization has a score of subjects to group: half the sample is enough.
        subject_step = step * SUBJECT_SAMPLE_SHARE
        results = filterset.results(subject_step)
    elif searching and subject_step_of(count, projects) > 1:
        # A search's subject sample read from the evidence's sample index, whose statistics
        # tell the planner its size: with MOD(id, step) it expected one organization and
        # sorted HORIZON's 23,000 subjects of "oncology" (30 ms) rather than hash them.
        subject_step = subject_step_of(count, projects)
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
    count, smes, counts = 0, 0, {field: Counter() for field in FACET_TITLES}
    projects = 0
    for *values, n, sme_count, value_projects in (row + (0,) * (not total) for row in cube):
        count += n
        smes += sme_count
        projects += value_projects or 0
        for field, value in zip(FACET_TITLES, values, strict=True):
            if value:  # "" is "not given": no link for it
                counts[field][value] += n
    return count, smes, counts, projects


def _as_list(value):
    return [value] if isinstance(value, str) and value else list(value or [])


def top_keywords(results, params, selected):
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
    return with_params(params, **{field: _toggle(selected, value)})


def with_params(params, **changes):
    """The query string `params` ((name, value) pairs) with `changes` (name -> values)."""
    kept = [(name, value) for name, value in params if name not in changes]
    added = [(name, value) for name, values in changes.items() for value in values]
    return "?" + urlencode(kept + added)


def current_params(request):
    """The current query string as (name, value) pairs, but for the page: links go to page 1.

    Plain pairs and urllib's urlencode: QueryDict.copy() deep-copies, for every link.
    """
    return [
        (name, value) for name, values in request.GET.lists() if name != "page" for value in values
    ]


# Subjects -----------------------------------------------------------------------------------

# Values shown per subject facet, besides those chosen (the fields' top level has fewer).
TOP_SUBJECTS = 10
# Past this many results, the subject facets are counted over a sample of about this many
# of them, spread evenly by pk, and shown as "about": counting the subjects of every one of
# 45,000 organizations would cost more than the rest of the page.
SUBJECT_EXACT_MAX = 1000
# A search's subject facets are counted exactly up to SUBJECT_EXACT_MAX results and up to
# SUBJECT_EXACT_PROJECTS projects of theirs (the sum of their project_count), over a
# sample past either. The work is the results' subject rows, which grow with their
# projects (one to three rows a project, fewer the busier the organization: 35 on average
# among HORIZON's 1,325 of "oncology", of 25 projects): under 1,000 busy organizations
# were up to 39,000 rows to group (15 to 35 ms with the machine busy), where 6,000 projects
# are 7,000 to 11,000.
SUBJECT_EXACT_PROJECTS = 6000


def subject_step_of(count, projects):
    """The step of a search's subject sample for `count` results with `projects` projects:
    1 (all of them) up to both thresholds, past them the power of two (for the evidence's
    sample index, up to SAMPLES) that brings both within them."""
    needed = max(-(-count // SUBJECT_EXACT_MAX), -(-projects // SUBJECT_EXACT_PROJECTS))
    return min(1 << (needed - 1).bit_length(), SAMPLES)


def sampled(results, count):
    """(results, step): every step-th of `count` results by pk, about SUBJECT_EXACT_MAX of
    them (all, step 1, when there are no more)."""
    step = -(-count // SUBJECT_EXACT_MAX)
    if step > 1:
        results = results.alias(sample=Mod("pk", step)).filter(sample=0)
    return results, step


def subject_facets(results, count, data, params, *, step=1) -> list:
    """The facets of the subjects (organizations/subjects.py) of `results`, `count` of
    them (`results` a sample of every step-th, when step > 1): two queries, the counts and
    the titles of the values shown. Without results, the chosen values alone (with 0), so
    that they can be taken away."""
    counts = {kind: Counter() for kind in SUBJECT_FACETS}
    if not count:
        return subject_groups(counts, data, params)
    if step == 1:
        results, step = sampled(results, count)
    rows = (
        OrganizationSubject.objects.filter(organization__in=results.order_by().values("pk"))
        .values_list("kind", "code")
        .annotate(n=Count("*"))
        .order_by()
    )
    for kind, code, n in rows:
        counts[kind][code] = n * step
    return subject_groups(counts, data, params, estimated=SUBJECT_FACETS if step > 1 else ())


def subject_groups(counts, data, params, *, estimated=()) -> list:
    """Facets from `counts` ({kind: Counter of code -> results}; those of the kinds in
    `estimated` from a sample): the top TOP_SUBJECTS of each kind and the chosen ones, named
    by their titles (one query), with links from `params` (the query string's pairs). The
    next level of the fields shows the fields under the chosen top-level ones, when some
    are."""
    chosen = {kind: list(data.get(kind) or []) for kind in SUBJECT_FACETS}
    if chosen[SubjectKind.FIELD]:
        under = tuple(code + "/" for code in chosen[SubjectKind.FIELD])
        counts[SubjectKind.SUBFIELD] = Counter(
            {c: n for c, n in counts[SubjectKind.SUBFIELD].items() if c.startswith(under)}
        )
    shown = {}
    for kind in SUBJECT_FACETS:
        top = [code for code, _ in sorted(counts[kind].items(), key=lambda i: (-i[1], i[0]))]
        top = top[:TOP_SUBJECTS]
        shown[kind] = top + [code for code in chosen[kind] if code not in top]
    titles = subject_titles(shown)
    groups = []
    for kind in SUBJECT_FACETS:
        values = [
            FacetValue(
                titles.get((kind, code), code),
                counts[kind][code],
                code in chosen[kind],
                with_params(params, **{kind: _toggle(chosen[kind], code)}),
                kind in estimated,
            )
            for code in shown[kind]
        ]
        if values:
            groups.append(Facet(kind, SubjectKind(kind).label, values))
    return groups


def _toggle(values, value):
    return [v for v in values if v != value] if value in values else [*values, value]


def subject_titles(shown) -> dict:
    """{(kind, code): title} of the codes in `shown` ({kind: [code]}): one query for the
    fields, programme parts and topics together; programmes are named without one."""
    from projects.models import FieldOfScience, ProgrammePart, Topic
    from projects.programmes import programme_name

    titles = {(SubjectKind.PROGRAMME, c): programme_name(c) for c in shown[SubjectKind.PROGRAMME]}
    fields = shown[SubjectKind.FIELD] + shown[SubjectKind.SUBFIELD]
    wanted = [
        (FieldOfScience, "field", fields),
        (ProgrammePart, SubjectKind.PROGRAMME_PART, shown[SubjectKind.PROGRAMME_PART]),
        (Topic, SubjectKind.TOPIC, shown[SubjectKind.TOPIC]),
    ]
    queries = [
        model.objects.filter(code__in=codes)
        .values_list(Value(tag, output_field=CharField()), "code", "title")
        .order_by()
        for model, tag, codes in wanted
        if codes
    ]
    if not queries:
        return titles
    for tag, code, title in queries[0].union(*queries[1:], all=True):
        if tag == "field":
            kind = SubjectKind.FIELD if code.count("/") == 1 else SubjectKind.SUBFIELD
            titles[kind, code] = title
        else:
            titles[tag, code] = title
    return titles
