"""What is read of organizations (OrganizationQuerySet, the columns of a card) and who sees
what of a profile."""

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef

from organizations.models.choices import Curation, Status
from organizations.models.narrative import AnalysisNote, ExpertiseArea

# What includes/organization_card.html shows: the lists read these columns only.
CARD_FIELDS = [
    "name",
    "legal_name",  # with the short name: the names a search matches (search/why.py)
    "short_name",
    "slug",
    "status",
    "curation",  # a drafted tagline is for staff only (sees_drafted_text)
    "kind",
    "sme",
    "country",
    "tagline",
    "project_count",
    "total_ec_funding",
    "funded_project_count",
    "figures_source",
]


def _participations():
    # A string reference keeps the apps' dependency one way (projects -> organizations).
    return apps.get_model("projects", "Participation").objects


def sees_drafts(user):
    """Whether `user` may see draft profiles: the one rule, for querysets and lists alike."""
    return user.is_active and user.is_staff


def sees_drafted_text(user, organization):
    """Whether `user` may read what editors wrote on `organization`'s profile: text drafted
    from data stays with staff until an editor has reviewed it. The one rule, for the page
    and its templates alike (organizations/templatetags/curation.py)."""
    return organization.curation != Curation.DRAFTED or sees_drafts(user)


def editors_lists(organization):
    """The lists editors write on `organization`'s profile, by name, read with a query each
    where for_profile() found rows: most organizations, never curated, have none, and their
    profile makes none of these queries."""
    # The profile's tables show no objective.
    notable = _participations().select_related("project").defer("project__objective")
    return {
        "expertise_areas": list(
            # annotate() with a Count drops Meta.ordering, so the card order is explicit.
            ExpertiseArea.objects.filter(organization=organization)
            .annotate(num_projects=Count("projects"))
            .order_by("order", "pk")
        )
        if organization.has_expertise_areas
        else [],
        "capabilities": list(organization.capabilities.all())
        if organization.has_capabilities
        else [],
        "analysis_notes": list(organization.analysis_notes.all())
        if organization.has_analysis_notes
        else [],
        "notable": list(
            notable.filter(organization=organization, notable_rank__isnull=False).order_by(
                "notable_rank", "pk"
            )
        )
        if organization.has_notable
        else [],
    }


class OrganizationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """Staff see drafts (with a banner); everyone else sees published profiles only."""
        if sees_drafts(user):
            return self
        return self.published()

    def by_attention(self):
        """The editors' queue: the profiles most visitors will see first."""
        return self.order_by("-attention", "name", "pk")

    def recently_updated(self):
        return self.order_by("-updated_at")

    def for_cards(self):
        """Only the columns an organization card shows (includes/organization_card.html)."""
        return self.only(*CARD_FIELDS)

    def for_profile(self):
        """The organization a profile shows, with its stored computed sections and whether
        it has each list editors write (editors_lists reads those it has): one query."""
        outer = OuterRef("pk")
        return self.select_related("computed").annotate(
            has_expertise_areas=Exists(ExpertiseArea.objects.filter(organization=outer)),
            has_capabilities=Exists(
                self.model.capabilities.through.objects.filter(organization=outer)
            ),
            has_analysis_notes=Exists(AnalysisNote.objects.filter(organization=outer)),
            has_notable=Exists(
                _participations().filter(organization=outer, notable_rank__isnull=False)
            ),
        )

    def partners_of(self, organization):
        """The organizations taking part in projects of `organization`, most shared projects
        first, each with `shared_projects`: one aggregate query (slice it to a LIMIT).

        Count("participations") counts the participations that the filter joined, those in
        projects of `organization`: one per shared project (an organization is in a project
        once), so no DISTINCT. Only the columns a list of partners shows are read.
        """
        their_projects = _participations().filter(organization=organization).values("project")
        return (
            self.filter(participations__project__in=their_projects)
            .exclude(pk=organization.pk)
            .annotate(shared_projects=Count("participations"))
            .only("name", "slug", "country")
            .order_by("-shared_projects", "name", "pk")
        )

    def working_on(self, keyword):
        """The organizations in projects with `keyword`, most such projects first, each with
        `num_projects`: one aggregate query (slice it to a LIMIT).

        As in partners_of, Count("participations") counts the participations the filter
        joined, one per project with the keyword.
        """
        return (
            self.filter(participations__project__keywords=keyword)
            .annotate(num_projects=Count("participations"))
            .only("name", "slug", "country")
            .order_by("-num_projects", "name", "pk")
        )
