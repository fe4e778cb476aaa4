"""The organizations page's facets: counts per country, kind and sector, and top keywords,
over the current results."""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count
from django.utils.translation import get_language

from base.filters import country_choices
from organizations.models import Kind, Sector

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

    @property
    def count_text(self):
        return f"{self.count:,}"  # as intcomma, without its locale machinery per number


@dataclass
class Facet:
    name: str  # the query parameter
    title: str
    values: list


@dataclass
class Facets:
    count: int  # the number of results
    groups: list  # of Facet, those with values


def facets(filterset, request):
    """The number of results, counts per country, kind and sector, and the top keywords.

    Everything is counted over the current results (with every filter applied), so a count
    is the number of results that choosing the value would leave. The number of results
    and the three facets come from one query, the number of results per (country, kind,
    sector), summed here. Keywords take a second query, made only when there are at most
    KEYWORD_FACET_MAX_RESULTS results.
    """
    data = filterset.form.cleaned_data
    params = _current_params(request)
    # COUNT(*), not COUNT(id): the unfiltered page then reads organization_facets_idx alone.
    cube = filterset.qs.order_by().values_list(*FACET_TITLES).annotate(n=Count("*"))
    count, counts = 0, {field: Counter() for field in FACET_TITLES}
    for *values, n in cube:
        count += n
        for field, value in zip(FACET_TITLES, values, strict=True):
            if value:  # "" is "not given": no link for it
                counts[field][value] += n

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
            )
            for value, n in ranked
        ]
        groups.append(Facet(field, title, values))
    if 0 < count <= KEYWORD_FACET_MAX_RESULTS:
        keywords = top_keywords(filterset.qs, params, data.get("keyword"))
        groups.append(Facet("keyword", "Top project keywords", keywords))
    return Facets(count, [group for group in groups if group.values])


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
            _with(params, keyword=[] if keyword.slug == selected else [keyword.slug]),
        )
        for keyword in keywords
    ]


def _toggled(params, field, value, selected):
    if field == "sector":  # one sector at a time
        return _with(params, sector=[] if value in selected else [value])
    values = [v for v in selected if v != value] if value in selected else [*selected, value]
    return _with(params, **{field: values})


def _with(params, **changes):
    """The query string `params` ((name, value) pairs) with `changes` (name -> values)."""
    kept = [(name, value) for name, value in params if name not in changes]
    added = [(name, value) for name, values in changes.items() for value in values]
    return "?" + urlencode(kept + added)


def _current_params(request):
    """The current query string as (name, value) pairs, but for the page: links go to page 1.

    Plain pairs and urllib's urlencode: QueryDict.copy() deep-copies, for every link.
    """
    return [
        (name, value) for name, values in request.GET.lists() if name != "page" for value in values
    ]
