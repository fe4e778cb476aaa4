"""BulkDraft: a "Draft from data" run over many profiles in the background."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class BulkDraft(models.Model):
    """A "Draft from data" run over many profiles, in the background: its progress."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    organization_ids = models.JSONField(help_text="The profiles to draft, in this order.")
    done = models.PositiveIntegerField("profiles done", default=0)
    drafted = models.PositiveIntegerField("profiles drafted", default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "bulk draft"

    def __str__(self):
        started = timezone.localtime(self.created_at)
        return f"Draft from data of {self.total:,} profiles ({started:%d %b %Y %H:%M})"

    def get_absolute_url(self):
        return reverse("admin:organizations_bulkdraft_change", args=[self.pk])

    @property
    def total(self):
        return len(self.organization_ids)
