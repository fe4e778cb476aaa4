"""Filters of the projects and keywords pages, read from the query string (GET forms)."""

import django_filters
from django import forms
from django.db.models import Q

from base.filters import IntegerFilter, QuickCheckboxes, codes_filter, country_filter, slug_filter
from organizations.filters import CODE, FIELD_CODE, SUBFIELD_CODE
from organizations.sections import FIELD_DEPTH
from projects.models import Keyword, Participation, Project, ProjectProgrammePart
from projects.programmes import programme_name


def programme_choices():
    # The programmes the data holds (H2020, HORIZON, ...): one small query.
    programmes = (
        Project.objects.exclude(framework_programme="")
        .order_by("framework_programme")
        .values_list("framework_programme", flat=True)
        .distinct()
    )
    return [(programme, programme_name(programme)) for programme in programmes]


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=200,
        help_text="Acronym, title or objective.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    programme = django_filters.MultipleChoiceFilter(
        label="Programme",
        field_name="framework_programme",
        choices=[],  # from the data: see __init__
        distinct=False,  # a plain column
        widget=QuickCheckboxes,
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
    # The subjects, as on the organizations page (several values of one kind: any of them;
    # the facets choose them). The profile's computed sections link to an organization's
    # projects in a field of science, a topic or a programme part, by CORDIS's code.
    field = codes_filter("Field of science", "in_fields", pattern=FIELD_CODE, example="/29")
    subfield = codes_filter(
        "Field of science (next level)", "in_fields", pattern=SUBFIELD_CODE, example="/29/97"
    )
    field_of_science = django_filters.CharFilter(
        label="Field of science",
        method="in_field_of_science",
        max_length=100,
        help_text='A euroSciVoc code, e.g. "/29/97/543" (oncology); the fields under a '
        "third-level field count for it, as on the profiles.",
    )
    topic = codes_filter("Topic", "with_topics", pattern=CODE, example="ERC-2021-STG")
    programme_part = codes_filter(
        "Programme part", "in_programme_parts", pattern=CODE, example="HORIZON.2.1"
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

    def in_fields(self, queryset, name, value):
        # A field at the top or the next level, or a field under it.
        in_fields = Q()
        for code in value:
            in_fields |= Q(fieldofscience__code=code) | Q(
                fieldofscience__code__startswith=code + "/"
            )
        links = Project.fields_of_science.through.objects.filter(in_fields)
        return queryset.filter(pk__in=links.values("project_id"))

    def with_topics(self, queryset, name, value):
        links = Project.topics.through.objects.filter(topic__code__in=value)
        return queryset.filter(pk__in=links.values("project_id"))

    def in_programme_parts(self, queryset, name, value):
        # The project's own part, as the profiles and the facets count it.
        links = ProjectProgrammePart.objects.filter(programme_part__code__in=value, is_unique=True)
        return queryset.filter(pk__in=links.values("project_id"))

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
