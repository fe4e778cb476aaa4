from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse


class Keyword(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)

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


class ProjectQuerySet(models.QuerySet):
    def for_page(self):
        """The project page: keywords and the partner table in a fixed number of queries."""
        return self.prefetch_related(
            "keywords",
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
    objective = models.TextField(blank=True)
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="projects")
    organizations = models.ManyToManyField(
        "organizations.Organization", through="Participation", related_name="projects"
    )

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


class Participation(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Coordinator"
        PARTICIPANT = "participant", "Participant"
        PARTNER = "partner", "Partner"
        THIRD_PARTY = "third_party", "Third party"
        ASSOCIATED = "associated", "Associated partner"
        INTERNATIONAL = "international", "International partner"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="participations"
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
    highlight = models.TextField(
        blank=True,
        help_text="For notable projects: a sentence on why this project matters for them. "
        "Markdown allowed.",
    )

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
