from django.db import models
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse

from base.fields import NormalizedTextField
from organizations.models import Organization, Status


class KeywordQuerySet(models.QuerySet):
    def with_counts(self, user):
        """Each keyword with num_projects and num_organizations (those `user` may see).

        Counted by a subquery per keyword, so filter or slice to the few keywords shown first:
        an annotation over the whole table would count every keyword.
        """
        through = Project.keywords.through.objects
        keyword_projects = through.filter(keyword=OuterRef(OuterRef("pk"))).values("project")
        # project__in, not project__keywords: the participations are read by project id
        # (participation_unique_per_project, an index-only scan), without joining projects.
        participations = Participation.objects.filter(project__in=keyword_projects)
        if not (user.is_active and user.is_staff):
            # As Organization.objects.visible_to(): the public counts no drafts. NOT IN (the
            # few drafts) is one small hashed set; IN (published) would look up every row.
            drafts = Organization.objects.filter(status=Status.DRAFT)
            participations = participations.exclude(organization__in=drafts)
        return self.annotate(
            num_projects=_count(through.filter(keyword=OuterRef("pk")), "project"),
            num_organizations=_count(participations, "organization", distinct=True),
        )


def _count(queryset, field, *, distinct=False):
    """COUNT([DISTINCT] field) over `queryset` (which refers to an OuterRef), as a subquery."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = queryset.order_by().annotate(
        n=Func(F(field), template=template, output_field=IntegerField())
    )
    return Coalesce(Subquery(counted.values("n")), 0)


class Keyword(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)

    objects = KeywordQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # "Leukemia" and "leukemia" are one keyword.
            models.UniqueConstraint(Lower("name"), name="keyword_name_unique_ci"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:keyword", kwargs={"slug": self.slug})


# The fields the CORDIS import writes on every import (the admin shows them read-only); the
# keys cordis_id and (project, organization) too. A project's slug and keywords, and a
# participation's highlight and notable rank, are the editors'.
PROJECT_IMPORTED_FIELDS = ["acronym", "title", "status", "start_date", "end_date", "total_cost"]
PROJECT_IMPORTED_FIELDS += ["ec_max_contribution", "framework_programme", "funding_scheme", "call"]
PROJECT_IMPORTED_FIELDS += ["objective"]
PARTICIPATION_IMPORTED_FIELDS = ["role", "order", "ec_contribution", "ended_early"]


class CordisDump(models.Model):
    """The CORDIS dump a programme's projects were last imported from: what the profile's
    computed sections name as their source. Written by the import, one row per programme."""

    framework_programme = models.CharField(
        max_length=20, unique=True, help_text='As project.csv writes it, e.g. "HORIZON".'
    )
    source = models.CharField(max_length=300, help_text="The file or folder imported.")
    data_date = models.DateField(
        null=True,
        blank=True,
        help_text="The newest contentUpdateDate in its files: how recent the data is. Empty "
        "when the files do not say.",
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["framework_programme"]
        verbose_name = "CORDIS dump"

    def __str__(self):
        return f"{self.programme_name} from {self.source}"

    @property
    def programme_name(self):
        from projects.programmes import programme_name  # programmes.py imports this module

        return programme_name(self.framework_programme)

    # No page of its own (get_absolute_url): profiles name it as their source.


class FieldOfScience(models.Model):
    """A field of science of CORDIS's euroSciVoc, e.g. "oncology" under "/medical and health
    sciences/clinical medicine". Written by the import (euroSciVoc.csv), not by editors."""

    code = models.CharField(max_length=100, unique=True, help_text='e.g. "/29/97/543".')
    title = models.CharField(max_length=300)
    path = models.CharField(max_length=1000, help_text="The titles from the top, '/'-separated.")
    description = NormalizedTextField(blank=True)
    # The import writes the hierarchy; a field deleted by hand takes the fields under it along.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["path", "code"]
        verbose_name_plural = "fields of science"

    def __str__(self):
        return self.path

    @property
    def trail(self):
        """ "medical and health sciences › clinical medicine › oncology": the path, to read."""
        return " › ".join(self.path.strip("/").split("/"))

    # No page of its own yet (get_absolute_url): the project page lists them.


class CodedTitle(models.Model):
    """A CORDIS code and its title, written by the import. No page of its own yet
    (get_absolute_url): the project page lists them."""

    code = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=500)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}: {self.title}"


class Topic(CodedTitle):
    """A call topic, e.g. HORIZON-CL5-2023-D5-01-08 (topics.csv)."""


class ProgrammePart(CodedTitle):
    """A part of a framework programme (CORDIS's legal basis), e.g. HORIZON.2.1 "Health"
    (legalBasis.csv)."""


class ProjectProgrammePart(models.Model):
    project = models.ForeignKey("Project", on_delete=models.CASCADE, db_index=False)
    programme_part = models.ForeignKey(ProgrammePart, on_delete=models.CASCADE)
    is_unique = models.BooleanField(
        default=False, help_text="CORDIS's uniqueProgrammePart: the project's own part."
    )

    class Meta:
        ordering = ["-is_unique", "programme_part__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "programme_part"], name="project_programme_part_unique"
            ),
        ]

    def __str__(self):
        return f"{self.programme_part} in {self.project}"


class ProjectQuerySet(models.QuerySet):
    def for_page(self):
        """The project page: keywords, classifications and the partner table in a fixed
        number of queries."""
        return self.prefetch_related(
            "keywords",
            "fields_of_science",
            "topics",
            models.Prefetch(
                "projectprogrammepart_set",
                queryset=ProjectProgrammePart.objects.select_related("programme_part"),
            ),
            models.Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organization").order_by(
                    "order", "organization__name"
                ),
            ),
        )


class Project(models.Model):
    cordis_id = models.CharField(
        "CORDIS id", max_length=20, unique=True, help_text="The project's id in CORDIS."
    )
    acronym = models.CharField(max_length=100)
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=150, unique=True)
    framework_programme = models.CharField(max_length=20, blank=True, help_text='e.g. "H2020".')
    funding_scheme = models.CharField(max_length=100, blank=True)
    call = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, blank=True, help_text="The status CORDIS gives (SIGNED, CLOSED, ...)."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    total_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    ec_max_contribution = models.DecimalField(
        "EC max contribution", max_digits=14, decimal_places=2, null=True, blank=True
    )
    objective = NormalizedTextField(blank=True)
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="projects")
    # Written by the import from euroSciVoc.csv, topics.csv and legalBasis.csv.
    fields_of_science = models.ManyToManyField(FieldOfScience, blank=True, related_name="projects")
    topics = models.ManyToManyField(Topic, blank=True, related_name="projects")
    programme_parts = models.ManyToManyField(
        ProgrammePart, through=ProjectProgrammePart, blank=True, related_name="projects"
    )
    organizations = models.ManyToManyField(
        "organizations.Organization", through="Participation", related_name="projects"
    )
    # The digest of the file row the import last wrote this from (cordis/digests.py); cleared
    # by a trigger when an imported column changes otherwise (base/digest_trigger.py).
    import_digest = models.BinaryField(null=True, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["acronym", "cordis_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_cost__gte=0) | Q(total_cost__isnull=True),
                name="project_total_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(ec_max_contribution__gte=0) | Q(ec_max_contribution__isnull=True),
                name="project_ec_max_contribution_not_negative",
            ),
        ]

    def __str__(self):
        return self.acronym

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

    @property
    def programme_name(self):
        from projects.programmes import programme_name  # programmes.py imports this module

        return programme_name(self.framework_programme)


class Participation(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Coordinator"
        PARTICIPANT = "participant", "Participant"
        PARTNER = "partner", "Partner"
        THIRD_PARTY = "third_party", "Third party"
        ASSOCIATED = "associated", "Associated partner"
        INTERNATIONAL = "international", "International partner"

    # No index of their own: participation_unique_per_project (project, organization) and
    # participation_org_idx (organization, project) serve lookups by either one. Two indexes
    # fewer to write for each of the 180,000 participations of an H2020 import.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participations", db_index=False
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="participations",
        db_index=False,
    )
    role = models.CharField(max_length=20, choices=Role, default=Role.PARTICIPANT)
    ec_contribution = models.DecimalField(
        "EC contribution (EUR)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Empty when CORDIS does not give it.",
    )
    order = models.PositiveIntegerField(default=0, help_text="The participant number in CORDIS.")
    notable_rank = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text='Give a number to show this project under "Notable projects" on the '
        "organization's profile, 1 first. Leave empty to leave it out.",
    )
    ended_early = models.BooleanField(
        default=False, help_text="CORDIS's endOfParticipation: it left before the project ended."
    )
    highlight = NormalizedTextField(
        blank=True,
        help_text="For notable projects: a sentence on why this project matters for them. "
        "Markdown allowed.",
    )
    # The digest of the file row the import last wrote this from (cordis/digests.py); cleared
    # by a trigger when an imported column changes otherwise (base/digest_trigger.py).
    import_digest = models.BinaryField(null=True, editable=False)

    class Meta:
        ordering = ["project", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization"], name="participation_unique_per_project"
            ),
            models.CheckConstraint(
                condition=Q(ec_contribution__gte=0) | Q(ec_contribution__isnull=True),
                name="participation_ec_contribution_not_negative",
            ),
        ]
        indexes = [
            # Figures and the profile's project list: participations of one organization.
            models.Index(fields=["organization", "project"], name="participation_org_idx"),
        ]

    def __str__(self):
        return f"{self.organization} in {self.project}"

    def get_absolute_url(self):
        return self.project.get_absolute_url()

    @property
    def is_coordinator(self):
        return self.role == self.Role.COORDINATOR


class ProjectStems(models.Model):
    """The stems of a project's subjects (acronym, title, keywords and classifications), as
    search counts them for its members (organizations.search.evidence): stored so that an
    import recounting an organization stems again only its projects that changed, not every
    project of every organization it recounts. Written by refresh_search, never by editors."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, primary_key=True, related_name="stems"
    )
    stems = models.TextField(help_text="The distinct stems, separated by spaces.")

    class Meta:
        verbose_name_plural = "project stems"

    def __str__(self):
        return f"stems of {self.project_id}"
