"""What the profile's change form shows without inputs: what the import owns (figures, who
took part in which project) and the notable projects' candidates."""

from django.apps import apps
from django.contrib import admin
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import format_html

from base.templatetags.formatting import euro
from base.views import filtered_list_url
from organizations.admin.forms import SizedInlineForm

# Projects listed in the change form, newest first; the rest are a link away.
PROJECTS_LISTED = 25
# Participations offered as notable projects besides those already chosen: the largest
# contributions. A profile shows a handful of notable projects.
NOTABLE_CANDIDATES = 5


def headline_figures(organization) -> str:
    """The computed figures, formatted as on the page ("€842,000")."""
    if organization is None or organization.pk is None:
        return "Counted from the projects once saved."
    computed = organization.figures_computed_at
    when = date_format(computed, "j M Y") if computed else "not yet"
    return format_html(
        "{} projects, {} as coordinator; {} of EC funding; {} unique partners in {} "
        "countries. <br><small>Computed from the CORDIS participations ({}); every import "
        "counts them again.</small>",
        f"{organization.project_count:,}",
        f"{organization.coordinator_count:,}",
        euro(organization.total_ec_funding),
        f"{organization.partner_count:,}",
        f"{organization.partner_country_count:,}",
        when,
    )


def cordis_record(organization) -> str:
    """What the import writes of an organization, read-only, in a few lines."""
    if organization is None or organization.pk is None:
        return ""
    return render_to_string(
        "admin/organizations/organization/cordis_record.html", {"organization": organization}
    )


def projects_list(organization) -> str:
    """A compact, read-only list of the newest projects, each linked to its page."""
    from projects.models import Participation

    if organization is None or organization.pk is None:
        return ""
    participations = list(
        Participation.objects.filter(organization=organization)
        .select_related("project")
        .only(
            "role",
            "ec_contribution",
            "notable_rank",
            "project__acronym",
            "project__slug",
            "project__title",
            "project__start_date",
        )
        .order_by(
            F("project__start_date").desc(nulls_last=True),
            F("ec_contribution").desc(nulls_last=True),
            "project__acronym",
        )[: PROJECTS_LISTED + 1]
    )
    return render_to_string(
        "admin/organizations/organization/projects_list.html",
        {
            "participations": participations[:PROJECTS_LISTED],
            "more": len(participations) > PROJECTS_LISTED,
            "total": organization.project_count,
            "all_url": filtered_list_url("projects:list", organization=organization.slug),
        },
    )


class NotableFormSet(BaseInlineFormSet):
    """The chosen notable projects, and the few largest contributions as candidates: never
    one input per participation (an organization may have thousands)."""

    def get_queryset(self):
        if not hasattr(self, "_shown"):
            mine = super().get_queryset()
            chosen = list(mine.filter(notable_rank__isnull=False).values_list("pk", flat=True))
            candidates = (
                mine.filter(notable_rank__isnull=True)
                .order_by(F("ec_contribution").desc(nulls_last=True), "pk")
                .values_list("pk", flat=True)[:NOTABLE_CANDIDATES]
            )
            self._shown = (
                mine.filter(pk__in=[*chosen, *candidates])
                .select_related("project", "organization")
                .order_by(F("notable_rank").asc(nulls_last=True), F("ec_contribution").desc())
            )
        return self._shown


class NotableForm(SizedInlineForm):
    """A notable project's rank and highlight, labelled with its project for screen readers
    (the table's columns say which is which to the eye)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        acronym = self.instance.project.acronym if self.instance.pk else "the project"
        self.fields["notable_rank"].widget.attrs["aria-label"] = f"Notable rank of {acronym}"
        self.fields["highlight"].widget.attrs["aria-label"] = f"Highlight of {acronym}"


class NotableProjectInline(admin.TabularInline):
    # A string reference keeps the apps' dependency one way (projects -> organizations).
    model = apps.get_model("projects", "Participation")
    formset = NotableFormSet
    form = NotableForm
    template = "admin/organizations/organization/notable_inline.html"
    extra = 0
    fields = ["notable_rank", "highlight"]
    verbose_name = "notable project"
    verbose_name_plural = "notable projects"

    def has_add_permission(self, request, obj=None):
        return False  # who took part is the import's

    def has_delete_permission(self, request, obj=None):
        return False
