from django.db.models import Count
from django.utils.text import Truncator
from django.views.generic import DetailView, ListView

from organizations.models import Organization
from portal.mixins import ClampedPaginationMixin, PageMixin
from projects.models import Keyword, Project


class ProjectListView(ClampedPaginationMixin, PageMixin, ListView):
    model = Project
    paginate_by = 25
    page_title = "Projects"
    page_description = "EU-funded research projects and their partners."


class ProjectDetailView(PageMixin, DetailView):
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.for_page()

    def get_page_title(self):
        return f"{self.object.acronym}: {self.object.title}"

    def get_page_description(self):
        return Truncator(self.object.objective or self.object.title).chars(160)


class KeywordListView(ClampedPaginationMixin, PageMixin, ListView):
    paginate_by = 100
    page_title = "Keywords"
    page_description = "The keywords of EU-funded research projects."

    def get_queryset(self):
        return Keyword.objects.annotate(num_projects=Count("projects", distinct=True))


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
