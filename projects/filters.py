"""Filters of the projects and keywords pages, read from the query string (GET forms)."""

import django_filters
from django import forms
from django.db.models import Q

from base.filters import IntegerFilter, country_filter, slug_filter
from organizations.sections import FIELD_DEPTH
from projects.models import Keyword, Participation, Project


def programme_choices():
    # The programmes the data holds (H2020, HORIZON, ...): one small query.
    programmes = (
        Project.objects.exclude(framework_programme="")
        .order_by("framework_programme")
        .values_list("framework_programme", flat=True)
        .distinct()
    )
    return [(programme, programme) for programme in programmes]


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=200,
        help_text="Acronym, title or objective.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    programme = django_filters.ChoiceFilter(
        label="Programme",
        field_name="framework_programme",
        choices=[],  # from the data: see __init__
        empty_label="Any programme",
    )
    start_year = IntegerFilter(
        label="Start year",
        field_name="start_date",
        lookup_expr="year",
        min_value=1900,
        max_value=2100,
    )
    country = country_filter(label="Participant country", method="with_participant_country")
    keyword = slug_filter(
        "Keyword", "with_keyword", "A keyword's address name, e.g. childhood-cancer."
    )
    organization = slug_filter(
        "Participant",
        "with_participant",
        "An organization's address name, e.g. gpoh.",
        max_length=255,
    )
    # The profile's computed sections link to these: an organization's projects in a field
    # of science, a topic or a programme part, by CORDIS's code.
    field_of_science = django_filters.CharFilter(
        label="Field of science",
        method="in_field_of_science",
        max_length=100,
        help_text='A euroSciVoc code, e.g. "/29/97/543" (oncology); the fields under a '
        "third-level field count for it, as on the profiles.",
    )
    topic = django_filters.CharFilter(
        label="Topic", method="with_topic", max_length=100, help_text="e.g. ERC-2021-STG."
    )
    programme_part = django_filters.CharFilter(
        label="Programme part",
        method="in_programme_part",
        max_length=100,
        help_text="e.g. HORIZON.2.1 (Health).",
    )

    class Meta:
        model = Project
        fields = []  # all declared above

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once here: a callable would be called again by validation and by rendering.
        self.filters["programme"].extra["choices"] = programme_choices()

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(acronym__icontains=value) | Q(title__icontains=value) | Q(objective__icontains=value)
        )

    def with_participant_country(self, queryset, name, value):
        # A subquery, not a join: a project with three German partners is listed once.
        in_countries = Participation.objects.filter(organization__country__in=value)
        return queryset.filter(pk__in=in_countries.values("project"))

    def with_keyword(self, queryset, name, value):
        return queryset.filter(keywords__slug=value)  # one row per (project, keyword)

    def in_field_of_science(self, queryset, name, value):
        # The projects a profile counts for the field (organizations/sections.py): given it,
        # or, for a field at FIELD_DEPTH, a field under it. A subquery: a project with two
        # fields under the code is listed once.
        code = value.rstrip("/")
        in_field = Q(fieldofscience__code=code)
        if code.count("/") >= FIELD_DEPTH:
            in_field |= Q(fieldofscience__code__startswith=code + "/")
        links = Project.fields_of_science.through.objects.filter(in_field)
        return queryset.filter(pk__in=links.values("project_id"))

    def with_topic(self, queryset, name, value):
        return queryset.filter(topics__code=value)  # one row per (project, topic)

    def in_programme_part(self, queryset, name, value):
        return queryset.filter(programme_parts__code=value)  # one row per (project, part)

    def with_participant(self, queryset, name, value):
        # An organization is in a project once: one row per project, no DISTINCT needed.
        return queryset.filter(participations__organization__slug=value)


class KeywordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Keyword",
        field_name="name",
        lookup_expr="icontains",
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    class Meta:
        model = Keyword
        fields = []
