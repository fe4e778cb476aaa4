from django import forms
from django.apps import apps
from django.contrib import admin

from organizations.models import (
    AnalysisNote,
    Capability,
    ExpertiseArea,
    FiguresSource,
    Organization,
)

FIGURES = [
    "project_count",
    "coordinator_count",
    "total_ec_funding",
    "partner_count",
    "partner_country_count",
]


class OrganizationForm(forms.ModelForm):
    # No Meta: the admin builds the form for Organization from the fieldsets below.

    def clean(self):
        cleaned = super().clean()
        figures_changed = any(name in self.changed_data for name in FIGURES)
        if figures_changed and cleaned.get("figures_source") == FiguresSource.COMPUTED:
            self.add_error(
                "figures_source",
                "To type the figures in, choose “Entered by the editors”: computed figures "
                "are replaced the next time they are refreshed.",
            )
        return cleaned


class ExpertiseAreaInline(admin.StackedInline):
    model = ExpertiseArea
    extra = 0
    fields = [("name", "level", "order"), "evidence", "projects"]
    autocomplete_fields = ["projects"]


class AnalysisNoteInline(admin.StackedInline):
    model = AnalysisNote
    extra = 0
    fields = ["kind", "body"]


class ParticipationInline(admin.TabularInline):
    # A string reference keeps the apps' dependency one way (projects -> organizations).
    model = apps.get_model("projects", "Participation")
    extra = 0
    fields = ["project", "role", "ec_contribution", "notable_rank", "highlight"]
    autocomplete_fields = ["project"]
    verbose_name = "project (participation)"
    verbose_name_plural = "projects and notable projects"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    # Fieldsets follow the order of the profile page's sections.
    fieldsets = [
        (
            "Header",
            {
                "fields": [
                    "name",
                    "legal_name",
                    ("short_name", "slug"),
                    "tagline",
                    ("kind", "sector"),
                    ("country", "city"),
                    ("website", "pic"),
                    "status",
                ]
            },
        ),
        (
            "Headline figures",
            {
                "fields": [
                    "figures_source",
                    ("project_count", "coordinator_count"),
                    ("total_ec_funding", "partner_count", "partner_country_count"),
                    "figures_computed_at",
                ],
                "description": "Computed from the participations unless entered by the editors.",
            },
        ),
        ("What they do", {"fields": ["core_work"]}),
        (
            "Evolution & trajectory",
            {"fields": [("early_focus", "recent_focus"), "trajectory", "trajectory_summary"]},
        ),
        (
            "Collaboration profile",
            {
                "fields": [
                    ("collaboration_role", "reach"),
                    "collaboration_narrative",
                    "network_narrative",
                ]
            },
        ),
        ("Why partner with them", {"fields": ["why_partner"]}),
        ("Cross-sector capabilities", {"fields": ["capabilities"]}),
    ]
    readonly_fields = ["figures_computed_at"]
    inlines = [ExpertiseAreaInline, ParticipationInline, AnalysisNoteInline]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["capabilities"]
    list_display = ["name", "kind", "country", "status", "project_count", "updated_at"]
    list_filter = ["status", "kind", "sector", "country"]
    search_fields = ["name", "legal_name", "short_name", "=pic"]
    # Counting every row again for "N of M" is slow on large tables; the paginator counts once.
    show_full_result_count = False
    list_per_page = 50
    save_on_top = True


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
