"""Organization: a research organization's profile and its figures (what is read of it, and
who sees what: querysets.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField

from base.fields import NormalizedTextField
from organizations.models.choices import (
    CollaborationRole,
    Curation,
    FiguresSource,
    Kind,
    Reach,
    Sector,
    Status,
)
from organizations.models.querysets import OrganizationQuerySet

# Rows of a profile's projects table; the rest are in the projects page, filtered.
PROFILE_PROJECTS = 50
# The fields the CORDIS import writes, on every import, for an organization with a PIC (it
# came from CORDIS); the admin shows them read-only. Name, slug, status and the narratives
# are the editors'. The kind is written only when CORDIS gives an activity type.
ORGANIZATION_IMPORTED_FIELDS = ["legal_name", "short_name", "kind", "city", "country", "website"]
ORGANIZATION_IMPORTED_FIELDS += ["sme", "street", "post_code", "nuts_code", "latitude", "longitude"]


class Organization(models.Model):
    # Identity
    name = models.CharField(
        max_length=255, help_text='The name visitors know, e.g. "GPOH". Shown as the page title.'
    )
    legal_name = models.CharField(
        max_length=255,
        blank=True,
        help_text='The registered name, e.g. "GPOH GEMEINNUTZIGE GMBH", as CORDIS writes it.',
    )
    short_name = models.CharField(
        max_length=100, blank=True, help_text="An acronym or short form, if it has one."
    )
    slug = models.SlugField(
        max_length=255,
        unique=True,
        help_text="The last part of the profile's address (/organizations/gpoh/ for gpoh). "
        "Changing it breaks links.",
    )
    tagline = models.CharField(
        max_length=300,
        blank=True,
        help_text="One sentence under the name: who they are and what they are known for.",
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind,
        default=Kind.OTHER,
        help_text="Set by each CORDIS import from the organization's activity type when CORDIS "
        "gives one; choose it yourself for organizations CORDIS does not classify.",
    )
    sector = models.CharField(max_length=20, choices=Sector, blank=True)
    country = CountryField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    sme = models.BooleanField(
        "SME",
        null=True,
        blank=True,
        help_text="A small or medium-sized enterprise, as CORDIS says (empty: it does not say).",
    )
    street = models.CharField("address", max_length=255, blank=True)
    post_code = models.CharField(max_length=30, blank=True)
    nuts_code = models.CharField(
        "NUTS code",
        max_length=10,
        blank=True,
        help_text="The EU's code of the region (NUTS 3 at most), e.g. FR101 for Paris.",
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # The digest of the file row the import last wrote this from (cordis/digests.py); cleared
    # by a trigger when an imported column changes otherwise (base/digest_trigger.py).
    import_digest = models.BinaryField(null=True, editable=False)
    pic = models.CharField(
        "PIC",
        max_length=20,
        blank=True,
        help_text="The Participant Identification Code (CORDIS organisationID); "
        "imports match on it.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Drafts are visible to staff only; published profiles are public.",
    )

    # Narrative (Markdown: links, lists, emphasis)
    core_work = NormalizedTextField(
        "what they do",
        blank=True,
        help_text="Their core work in a paragraph or two: what they contribute to research. "
        "Markdown allowed.",
    )
    early_focus = models.CharField(
        max_length=200,
        blank=True,
        help_text="A short phrase for what their first projects were about.",
    )
    recent_focus = models.CharField(
        max_length=200,
        blank=True,
        help_text="A short phrase for what their latest projects are about.",
    )
    trajectory = NormalizedTextField(
        "evolution and trajectory",
        blank=True,
        help_text="How their focus has shifted over time, with the projects that show it. "
        "Markdown allowed.",
    )
    trajectory_summary = NormalizedTextField(
        blank=True,
        help_text="One or two sentences: where they are heading and who should care. "
        "Markdown allowed.",
    )
    collaboration_role = models.CharField(
        max_length=30,
        choices=CollaborationRole,
        blank=True,
        help_text="The part they usually play in a consortium.",
    )
    reach = models.CharField(
        max_length=10, choices=Reach, blank=True, help_text="How far their partnerships reach."
    )
    collaboration_narrative = NormalizedTextField(
        blank=True,
        help_text="How they work in consortia, and what that means for a future partner. "
        "Markdown allowed.",
    )
    network_narrative = NormalizedTextField(
        blank=True,
        help_text="Who their partners are and where: the shape of their network. Markdown allowed.",
    )
    why_partner = NormalizedTextField(
        "why partner with them",
        blank=True,
        help_text="What sets them apart: why a consortium would want them. Markdown allowed.",
    )
    capabilities = models.ManyToManyField(
        "Capability",
        blank=True,
        related_name="organizations",
        help_text="Cross-sector capabilities, shown as tags at the end of the profile.",
    )

    # Headline figures, stored for fast lists and sorting; see organizations/stats.py.
    project_count = models.PositiveIntegerField("projects", default=0)
    coordinator_count = models.PositiveIntegerField("as coordinator", default=0)
    total_ec_funding = models.DecimalField(
        "total EC funding (EUR)", max_digits=14, decimal_places=2, default=0
    )
    partner_count = models.PositiveIntegerField("unique partners", default=0)
    partner_country_count = models.PositiveIntegerField("partner countries", default=0)
    # Computed only (see figures_miss_amounts): the projects with a published contribution.
    funded_project_count = models.PositiveIntegerField(
        "projects with a published EC contribution", default=0, editable=False
    )
    figures_source = models.CharField(
        max_length=10,
        choices=FiguresSource,
        default=FiguresSource.COMPUTED,
        help_text='Choose "Entered by the editors" to type the figures in for an organization '
        "without participation data; refresh_stats then leaves them alone. An import of "
        "CORDIS data replaces them with computed ones.",
    )
    figures_computed_at = models.DateTimeField(null=True, blank=True, editable=False)

    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the profile was last published (or reviewed and published again).",
    )
    # The editors' work (organizations/curation.py) -----------------------------------------
    curation = models.CharField(
        "curation state",
        max_length=10,
        choices=Curation,
        default=Curation.IMPORTED,
        help_text="Imported: computed sections only. Drafted: text drafted from the data, "
        "hidden from the public until an editor marks it reviewed. Curated: reviewed or "
        "written by an editor. Stale: curated, but the data changed since.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who last saved the profile in the admin, and when: the queue shows them.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name="last editor",
    )
    edited_at = models.DateTimeField("last edited", null=True, blank=True, editable=False)
    # How much attention the profile deserves, for the queue's order: projects, recent
    # projects and EC funding (organizations/curation.py, refresh_attention).
    attention = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Each project counts 10, a recent one 10 more, each EUR 100,000 of EC funding 1.",
    )

    # Optimistic locking: every save through the admin must carry the version it started
    # from, so that a second editor's save cannot silently overwrite the first one's.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pic"], condition=~Q(pic=""), name="organization_pic_unique_when_set"
            ),
            models.CheckConstraint(
                condition=Q(total_ec_funding__gte=0), name="organization_funding_not_negative"
            ),
        ]
        indexes = [
            # Home page: "recently updated profiles".
            models.Index(fields=["-updated_at"], name="organization_updated_idx"),
            # The editors' queue: one state, most attention first.
            models.Index(fields=["curation", "-attention"], name="organization_queue_idx"),
            models.Index(fields=["-attention"], name="organization_attention_idx"),
            # organizations:list, default order: ORDER BY name, id LIMIT 20.
            models.Index(fields=["name", "id"], name="organization_name_idx"),
            # organizations:list, facet counts: GROUP BY country, kind, sector with the SMEs
            # counted, over the results ("id IN (...)"), and the subject facets' sample
            # ("MOD(id, step) = 0"): index-only scans.
            models.Index(
                fields=["status", "country", "kind", "sector", "sme", "id"],
                name="organization_facets_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # updated_at and published_at come from one clock reading, so that a profile just
        # published is not "changed since publication".
        now = timezone.now()
        self.updated_at = now
        if not self._state.adding:
            self.version += 1
        if self.status == Status.DRAFT:
            self.published_at = None
        elif self.published_at is None:
            self.published_at = now
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "updated_at",
                "published_at",
                "version",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("organizations:detail", kwargs={"slug": self.slug})

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    @property
    def figures_are_computed(self):
        return self.figures_source == FiguresSource.COMPUTED

    @property
    def figures_miss_amounts(self):
        """Whether the total EC funding is summed over only some of the projects: CORDIS
        does not publish every participation's contribution."""
        return self.figures_are_computed and self.funded_project_count < self.project_count

    def mark_figures_edited(self):
        self.figures_source = FiguresSource.EDITORS
        self.figures_computed_at = None
