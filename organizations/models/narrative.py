"""What editors write beside an organization's profile: capabilities, expertise areas,
analysis notes."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from base.fields import NormalizedTextField


class Capability(models.Model):
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "capabilities"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:list") + f"?capability={self.slug}"


class ExpertiseArea(models.Model):
    class Level(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        EMERGING = "emerging", "Emerging"

    organization = models.ForeignKey(
        "Organization", on_delete=models.CASCADE, related_name="expertise_areas"
    )
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=Level, default=Level.PRIMARY)
    evidence = NormalizedTextField(
        blank=True, help_text="A sentence or two on the projects or keywords that show it."
    )
    projects = models.ManyToManyField(
        "projects.Project",
        blank=True,
        related_name="expertise_areas",
        help_text='The projects that show this expertise; the card says "N projects".',
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Cards are shown in this order.")

    class Meta:
        ordering = ["organization", "order", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.organization.get_absolute_url() + "#expertise"


class AnalysisNote(models.Model):
    class NoteKind(models.TextChoices):
        DATA_CONFIDENCE = "data_confidence", "Data confidence"
        METHOD = "method", "Method"
        OTHER = "other", "Other"

    organization = models.ForeignKey(
        "Organization", on_delete=models.CASCADE, related_name="analysis_notes"
    )
    kind = models.CharField(max_length=20, choices=NoteKind, default=NoteKind.DATA_CONFIDENCE)
    body = NormalizedTextField(
        help_text="What a reader should keep in mind about this profile, e.g. how thin the "
        "evidence is. Markdown allowed."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} note on {self.organization}"

    def get_absolute_url(self):
        return self.organization.get_absolute_url() + "#analysis-note"
