"""The organizations page's search form, filters, sort orders and facets.

Every value comes from the URL (a GET form), so a search can be bookmarked and shared. The
form validates strictly: a value it cannot read is a form error, never a guess.
"""

from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html import escape  # Django's escape() is this, behind a slower lazy-text wrapper
from urllib.parse import urlencode

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Count
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_countries import countries

from organizations.models import Kind, Organization, Sector
from organizations.search import search_organizations

MAX_EUROS = 10**12  # more than any organization's EC funding; bounds "1e400"
MAX_COUNT = 10**6
SORT_CHOICES = [
    ("relevance", "Relevance"),
    ("name", "Name"),
    ("funding", "Total EC funding"),
    ("projects", "Number of projects"),
    ("partners", "Number of partners"),
]
# Numbers sort largest first; the name, then the id, break ties so that pages never overlap.
ORDERINGS = {
    "relevance": ["-search_rank", "name", "pk"],
    "name": ["name", "pk"],
    "funding": ["-total_ec_funding", "name", "pk"],
    "projects": ["-project_count", "name", "pk"],
    "partners": ["-partner_count", "name", "pk"],
}
TOP_KEYWORDS = 10


def participations():
    # A string reference keeps the apps' dependency one way (projects -> organizations).
    return apps.get_model("projects", "Participation").objects


def project_keywords():
    return apps.get_model("projects", "Project").keywords.through.objects


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


@lru_cache
def country_choices(language):
    # django-countries sorts ~250 translated names on each call: once per language is enough.
    return [(code, str(name)) for code, name in countries]


# Widgets with Django's markup, written in Python. Django renders every option and checkbox
# through two or three templates, 0.1 to 0.2 ms apiece: the 280 options of this page's form
# would cost more than its database queries. (Flat choices only: no option groups.)


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(option)}"{" selected" if str(option) in chosen else ""}>'
            f"{escape(label)}</option>"
            for option, label in self.choices
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        multiple = " multiple" if self.allow_multiple_selected else ""
        return mark_safe(f"<select{multiple}{attrs}>{options}</select>")  # noqa: S308 - escaped


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    pass


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        base_id = escape(self.build_attrs(self.attrs, attrs).get("id", f"id_{name}"))
        boxes = "".join(
            f'<div><label for="{base_id}_{index}"><input type="checkbox" name="{escape(name)}" '
            f'value="{escape(option)}" id="{base_id}_{index}"'
            f"{' checked' if str(option) in chosen else ''}> {escape(label)}</label></div>"
            for index, (option, label) in enumerate(self.choices)
        )
        return mark_safe(f'<div id="{base_id}">{boxes}</div>')  # noqa: S308 - escaped


def country_filter(**kwargs):
    """Several countries, by ISO code."""
    return django_filters.MultipleChoiceFilter(
        choices=lambda: country_choices(get_language()),
        distinct=False,  # a plain column: no duplicate rows to remove
        help_text="Ctrl-click (Cmd-click on a Mac) to choose several.",
        widget=QuickSelectMultiple(attrs={"size": 5}),
        **kwargs,
    )


def slug_filter(label, method, help_text, *, max_length=150):
    """A filter by the address name (slug) of a related object, applied by `method`."""
    return django_filters.CharFilter(
        label=label, method=method, max_length=max_length, help_text=help_text
    )


def bounds(filter_class, field_name, *, labels, max_value):
    """Two filters on one column, "from" (>=) and "up to" (<=), both from 0 to max_value."""
    return tuple(
        filter_class(
            label=label,
            field_name=field_name,
            lookup_expr=lookup,
            min_value=0,
            max_value=max_value,
        )
        for label, lookup in zip(labels, ["gte", "lte"], strict=True)
    )


class OrganizationSearchForm(forms.Form):
    """The two fields that are not filters: the text searched for, and the order."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text='Names, taglines and profiles. Use "quotes" for a phrase, or, and -word.',
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=SORT_CHOICES, widget=QuickSelect
    )


class OrganizationFilterSet(django_filters.FilterSet):
    country = country_filter(label="Country")
    kind = django_filters.MultipleChoiceFilter(
        label="Kind of organization",
        choices=Kind.choices,
        distinct=False,
        widget=QuickCheckboxes,
    )
    sector = django_filters.ChoiceFilter(
        label="Sector", choices=Sector.choices, empty_label="Any sector", widget=QuickSelect
    )
    keyword = slug_filter(
        "Project keyword", "with_keyword", "A keyword's address name, e.g. childhood-cancer."
    )
    capability = slug_filter("Capability", "with_capability", "A capability's address name.")
    coordinator = django_filters.BooleanFilter(
        label="Has coordinated a project", method="has_coordinated", widget=forms.CheckboxInput
    )
    funding_min, funding_max = bounds(
        django_filters.NumberFilter,
        "total_ec_funding",
        labels=("EC funding from (€)", "EC funding up to (€)"),
        max_value=MAX_EUROS,
    )
    projects_min, projects_max = bounds(
        IntegerFilter,
        "project_count",
        labels=("Projects from", "Projects up to"),
        max_value=MAX_COUNT,
    )

    class Meta:
        model = Organization
        form = OrganizationSearchForm
        fields = []  # all declared above

    # The filters' methods. Relations go through subqueries (pk__in), not joins: no
    # duplicate rows, so no DISTINCT over every column.

    def with_keyword(self, queryset, name, value):
        # project__in, not project__keywords: no join through the projects table. With that
        # join, PostgreSQL planned the keyword facet of ?keyword=...&country=DE as a join of
        # every participation with every keyword (165 ms); without it, it starts from the
        # few results (25 ms).
        keyword_projects = project_keywords().filter(keyword__slug=value).values("project")
        in_projects = participations().filter(project__in=keyword_projects)
        return queryset.filter(pk__in=in_projects.values("organization"))

    def with_capability(self, queryset, name, value):
        return queryset.filter(capabilities__slug=value)  # one row per (org, capability)

    def has_coordinated(self, queryset, name, value):
        # An unticked checkbox reads as False: no condition, not "never coordinated".
        return queryset.filter(coordinator_count__gt=0) if value else queryset

    # The whole pipeline: search, filters, order.

    @cached_property
    def search(self):
        """The search over self.queryset (with the query that looks up its words) made once."""
        return search_organizations(self.queryset, self.form.cleaned_data.get("q"))

    @property
    def corrected_text(self):
        return self.search.corrected_text

    @property
    def terms_left_out(self):
        return self.search.terms_left_out

    def filter_queryset(self, queryset):
        # django-filter passes a copy of self.queryset, which self.search starts from.
        return self.results()

    def results(self):
        """Search, then every filter, then sort."""
        data = self.form.cleaned_data
        queryset = self.search.organizations
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, data.get(name))
        sort = data.get("sort") or "relevance"
        if sort == "relevance" and not data.get("q"):
            sort = "name"  # nothing to be relevant to
        return queryset.order_by(*ORDERINGS[sort])


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
