from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import Truncator
from django.views.generic import DetailView

from organizations.models import Organization, Status
from organizations.views import FilteredListView
from portal.mixins import PageMixin
from projects.filters import KeywordFilterSet, ProjectFilterSet
from projects.models import Keyword, Participation, Project


class ProjectListView(FilteredListView):
    paginate_by = 25
    page_title = "Projects"
    page_description = "EU-funded research projects and their partners."
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"

    def get_queryset(self):
        # Cards show no objective: leave the long text in the database.
        return Project.objects.defer("objective").order_by("acronym", "cordis_id")


class ProjectDetailView(PageMixin, DetailView):
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.for_page()

    def get_page_title(self):
        return f"{self.object.acronym}: {self.object.title}"

    def get_page_description(self):
        return Truncator(self.object.objective or self.object.title).chars(160)


class KeywordListView(FilteredListView):
    paginate_by = 50  # each keyword's two counts cost ~1 ms at H2020's size
    page_title = "Keywords"
    page_description = "The keywords of EU-funded research projects."
    filterset_class = KeywordFilterSet
    template_name = "projects/keyword_list.html"

    def get_queryset(self):
        return Keyword.objects.order_by("name", "pk")

    def paginate_queryset(self, queryset, page_size):
        """The page's keywords, with their counts made for them alone.

        Counted in the page's one query by subqueries over the keywords of the page: an
        annotation on the whole list would be computed for every keyword before the page's
        OFFSET too, 1,000 of them on page 10.
        """
        paginator, page, keywords, is_paginated = super().paginate_queryset(queryset, page_size)
        projects = Project.keywords.through.objects.filter(keyword=OuterRef("pk"))
        participations = Participation.objects.filter(project__keywords=OuterRef("pk"))
        if not (self.request.user.is_active and self.request.user.is_staff):
            # As Organization.objects.visible_to(): the public counts no drafts. NOT IN (the
            # few drafts) is one small hashed set; IN (published) would look up every row.
            drafts = Organization.objects.filter(status=Status.DRAFT)
            participations = participations.exclude(organization__in=drafts)
        page.object_list = (
            Keyword.objects.filter(pk__in=keywords.values("pk"))
            .annotate(
                num_projects=count_subquery(projects, "project"),
                num_organizations=count_subquery(participations, "organization", distinct=True),
            )
            .order_by("name", "pk")
        )
        return paginator, page, page.object_list, is_paginated


def count_subquery(queryset, field, *, distinct=False):
    """COUNT([DISTINCT] field) over `queryset` (which refers to an OuterRef), as a subquery."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = queryset.order_by().annotate(
        n=Func(F(field), template=template, output_field=IntegerField())
    )
    return Coalesce(Subquery(counted.values("n")), 0)


class KeywordDetailView(PageMixin, DetailView):
    model = Keyword
    context_object_name = "keyword"

    def get_page_title(self):
        return f"Keyword: {self.object.name}"

    def get_page_description(self):
        return f"Projects and organizations working on {self.object.name}."

    def get_context_data(self, **kwargs):
        keyword = self.object
        return super().get_context_data(
            projects=keyword.projects.order_by("-start_date", "acronym"),
            organizations=Organization.objects.visible_to(self.request.user)
            .filter(participations__project__keywords=keyword)
            .annotate(num_projects=Count("participations__project", distinct=True))
            .order_by("-num_projects", "name"),
            **kwargs,
        )
