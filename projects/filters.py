"""Filters of the projects and keywords pages, read from the query string (GET forms)."""

import django_filters
from django import forms
from django.db.models import Q

from base.filters import IntegerFilter, country_filter, slug_filter
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
