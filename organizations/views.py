from django.db.models import Count
from django.utils.text import Truncator
from django.views.generic import DetailView, ListView

from organizations.models import Organization
from portal.mixins import ClampedPaginationMixin, PageMixin

PARTNERS_SHOWN = 60


class OrganizationListView(ClampedPaginationMixin, PageMixin, ListView):
    page_title = "Organizations"
    page_description = "Research organizations taking part in EU-funded projects."
    paginate_by = 20
    template_name = "organizations/organization_list.html"

    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user).order_by("name", "pk")


class OrganizationDetailView(PageMixin, DetailView):
    template_name = "organizations/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user).for_profile()

    def get_page_title(self):
        return self.object.name

    def get_page_description(self):
        text = self.object.tagline or self.object.core_work
        return Truncator(text).chars(160) if text else f"{self.object.name}: research profile."

    def get_context_data(self, **kwargs):
        organization = self.object
        participations = organization.participations.all()  # prefetched, newest first
        partners = (
            Organization.objects.visible_to(self.request.user)
            .filter(participations__project__participations__organization=organization)
            .exclude(pk=organization.pk)
            .annotate(shared_projects=Count("participations__project", distinct=True))
            .order_by("-shared_projects", "name")
        )
        return super().get_context_data(
            participations=participations,
            notable=sorted(
                (p for p in participations if p.notable_rank is not None),
                key=lambda p: p.notable_rank,
            ),
            partners=partners[:PARTNERS_SHOWN],
            **kwargs,
        )
