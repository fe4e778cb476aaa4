from django.db.models import F
from django.utils.text import Truncator
from django.views.generic import DetailView

from base.views import FilteredListView, PageMixin, filtered_list_url
from organizations.models import Organization
from projects.facets import project_facets
from projects.filters import KeywordFilterSet, ProjectFilterSet
from projects.models import Keyword, Project

# The keyword page's lists; the rest is a link away.
KEYWORD_PROJECTS_SHOWN = 20
KEYWORD_ORGANIZATIONS_SHOWN = 20


class ProjectListView(FilteredListView):
    paginate_by = 25
    page_title = "Projects"
    page_description = "EU-funded research projects and their partners."
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"

    def get_queryset(self):
        # Cards show no objective: leave the long text in the database.
        return Project.objects.defer("objective").order_by("acronym", "cordis_id")

    def get_context_data(self, **kwargs):
        valid = self.filterset.is_valid()
        self.facets = project_facets(self.filterset, self.request) if valid else None
        facets = self.facets.groups if self.facets is not None else []
        return super().get_context_data(facets=facets, **kwargs)


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
        """The page's keywords, with their counts made for them alone: counted over the whole
        list, every keyword before the page's OFFSET would be counted too."""
        paginator, page, keywords, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = (
            Keyword.objects.filter(pk__in=keywords.values("pk"))
            .with_counts(self.request.user)
            .order_by("name", "pk")
        )
        return paginator, page, page.object_list, is_paginated


class KeywordDetailView(PageMixin, DetailView):
    """A keyword: its newest projects and the organizations with most projects on it.

    A keyword may have thousands of either: the page shows the first KEYWORD_*_SHOWN, their
    totals, and links to the projects and organizations pages filtered by the keyword.
    """

    context_object_name = "keyword"

    def get_queryset(self):
        return Keyword.objects.with_counts(self.request.user)

    def get_page_title(self):
        return f"Keyword: {self.object.name}"

    def get_page_description(self):
        return f"Projects and organizations working on {self.object.name}."

    def get_context_data(self, **kwargs):
        keyword = self.object
        projects = keyword.projects.defer("objective").order_by(
            F("start_date").desc(nulls_last=True), "acronym"
        )
        organizations = Organization.objects.visible_to(self.request.user).working_on(keyword)
        return super().get_context_data(
            projects=projects[:KEYWORD_PROJECTS_SHOWN],
            organizations=organizations[:KEYWORD_ORGANIZATIONS_SHOWN],
            all_projects_url=filtered_list_url("projects:list", keyword=keyword.slug),
            all_organizations_url=filtered_list_url("organizations:list", keyword=keyword.slug),
            **kwargs,
        )
