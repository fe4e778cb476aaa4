"""The organizations page's search form, filters and sort orders (facets: facets.py).

Every value comes from the URL (a GET form), so a search can be bookmarked and shared. The
form validates strictly: a value it cannot read is a form error, never a guess.
"""

from functools import cached_property

import django_filters
from django import forms
from django.apps import apps

from base.filters import (
    FormClassOnce,
    IntegerFilter,
    QuickCheckboxes,
    QuickSelect,
    bounds,
    codes_filter,
    country_filter,
    slug_filter,
)
from organizations.models import Kind, Organization, Sector
from organizations.search import search_organizations
from organizations.subjects import with_subjects

# The codes of the subject filters, as CORDIS writes them (checked, so that a typo is a form
# error rather than an empty page).
FIELD_CODE = r"/[0-9]{1,12}"
SUBFIELD_CODE = r"/[0-9]{1,12}/[0-9]{1,12}"
PROGRAMME_CODE = r"[A-Za-z0-9]{1,20}"
CODE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"  # programme parts and topics

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


def participations():
    # A string reference keeps the apps' dependency one way (projects -> organizations).
    return apps.get_model("projects", "Participation").objects


def project_keywords():
    return apps.get_model("projects", "Project").keywords.through.objects


class OrganizationSearchForm(forms.Form):
    """The two fields that are not filters: the text searched for, and the order."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text=(
            "Names, profiles and what their projects are about. "
            'Use "quotes" for a phrase, or, and -word.'
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=SORT_CHOICES, widget=QuickSelect
    )


class OrganizationFilterSet(FormClassOnce, django_filters.FilterSet):
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
    sme = django_filters.BooleanFilter(
        label="SME (small or medium-sized enterprise)", method="is_sme", widget=forms.CheckboxInput
    )
    # What its projects are about (organizations/subjects.py): several values of one kind
    # are "any of them"; values of different kinds must all hold.
    field = codes_filter("Field of science", "with_subjects", pattern=FIELD_CODE, example="/29")
    subfield = codes_filter(
        "Field of science (next level)", "with_subjects", pattern=SUBFIELD_CODE, example="/29/97"
    )
    programme = codes_filter("Programme", "with_subjects", pattern=PROGRAMME_CODE, example="H2020")
    programme_part = codes_filter(
        "Programme part", "with_subjects", pattern=CODE, example="HORIZON.2.1"
    )
    topic = codes_filter("Topic", "with_subjects", pattern=CODE, example="ERC-2021-STG")
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

    def with_subjects(self, queryset, name, value):
        return with_subjects(queryset, name, value)  # the parameter is the subject's kind

    def with_capability(self, queryset, name, value):
        return queryset.filter(capabilities__slug=value)  # one row per (org, capability)

    def has_coordinated(self, queryset, name, value):
        # An unticked checkbox reads as False: no condition, not "never coordinated".
        return queryset.filter(coordinator_count__gt=0) if value else queryset

    def is_sme(self, queryset, name, value):
        # As CORDIS says; unticked: no condition.
        return queryset.filter(sme=True) if value else queryset

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

    def filtered(self):
        """Every filter but the search, unordered (search.ranked_page starts from it)."""
        data = self.form.cleaned_data
        queryset = self.queryset
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, data.get(name))
        return queryset

    def results(self, sample: int = 1):
        """Search, every filter, then sort; with `sample`, every sample-th result by id
        (the facets' estimates)."""
        data = self.form.cleaned_data
        narrowed = any(data.get(name) not in (None, "", [], False) for name in self.filters)
        matching = self.search.matching(self.filtered(), sample, by_id=not narrowed)
        return matching.order_by(*ORDERINGS[self.sort])

    @property
    def sort(self):
        """The order chosen (a key of ORDERINGS): relevance when a search has no other."""
        data = self.form.cleaned_data
        sort = data.get("sort") or "relevance"
        if sort == "relevance" and not data.get("q"):
            sort = "name"  # nothing to be relevant to
        return sort
