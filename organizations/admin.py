import reversion
from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from organizations.capabilities import merge_capabilities
from organizations.drafting import draft_from_data
from organizations.models import (
    ORGANIZATION_IMPORTED_FIELDS,
    AnalysisNote,
    Capability,
    ExpertiseArea,
    FiguresSource,
    Organization,
    Status,
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
        if "tagline" in self.fields:
            # A whole sentence: as wide as the narrative boxes, not the admin's 20em.
            self.fields["tagline"].widget.attrs["class"] = "vLargeTextField"

    def clean(self):
        cleaned = super().clean()
        figures_changed = any(name in self.changed_data for name in FIGURES)
        if figures_changed and cleaned.get("figures_source") == FiguresSource.COMPUTED:
            self.add_error(
                "figures_source",
                "To type the figures in, choose “Entered by the editors”: computed figures "
                "are replaced the next time they are refreshed.",
            )
        self._check_version(cleaned.get("version"))
        return cleaned

    def _check_version(self, version):
        """Refuse the save if someone else saved the profile since this form was opened.

        The admin runs form validation and saving in one transaction, so the row lock taken
        here holds until this save commits: two saves cannot both pass the check.
        """
        if self.instance._state.adding or version is None:
            return
        current = (
            Organization.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is not None and current != version:
            raise ValidationError(
                stale_version_message(self.instance, current, getattr(self, "editing_user", None)),
                code="stale_version",
            )


def stale_version_message(organization, current_version, editing_user):
    """Why a save is refused, naming who saved the profile since the form was opened: the
    editor themself (in another window or tab), another editor, or an import or script."""
    version = Version.objects.get_for_object(organization).select_related("revision__user").first()
    if version is not None and version.field_dict.get("version") == current_version:
        who, changed_at = version.revision.user, version.revision.date_created
    else:  # the last save in the admin is older: the import (it bumps the version) or a script
        who, changed_at = None, organization.updated_at
    when = " on " + date_format(timezone.localtime(changed_at), "j M Y, H:i")
    if who is not None and who == editing_user:
        return (
            f"You saved this profile in another window or tab{when}, after this form was "
            "opened. These changes have not been saved: open the profile again, then redo them."
        )
    if who is not None:
        return (
            f"{who} saved this profile while you were editing it{when}. Your changes have not "
            "been saved. Open the profile again to see theirs, then redo yours."
        )
    return (
        f"An import or script changed this profile while you were editing it{when}. Your "
        "changes have not been saved. Open the profile again, then redo them."
    )


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "needs review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("no_narrative", "Published without narrative"),
            ("changed", "Changed since publication"),
        ]

    def queryset(self, request, queryset):
        published = queryset.filter(status=Status.PUBLISHED)
        if self.value() == "no_narrative":
            return published.filter(core_work="")
        if self.value() == "changed":
            return published.filter(updated_at__gt=F("published_at"))
        return queryset


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
    verbose_name = "project (participation)"
    verbose_name_plural = "projects and notable projects"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project")

    def get_readonly_fields(self, request, obj=None):
        # The CORDIS import owns who took part, in which role and for how much, and writes
        # them again on every import: read-only for everyone, superusers too. Editors choose
        # and describe the notable projects.
        from projects.models import PARTICIPATION_IMPORTED_FIELDS

        return ["project", *PARTICIPATION_IMPORTED_FIELDS]

    def has_add_permission(self, request, obj=None):
        return False  # who took part is the import's

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(CompareVersionAdmin):
    form = OrganizationForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # Compare shows what editors changed: the version counter and the timestamps change with
    # every save and say nothing.
    compare_exclude = ["version", "updated_at", "published_at"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editing_user = request.user  # a refused save names who saved in between
        return form

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
                    ("street", "post_code"),
                    ("nuts_code", "latitude", "longitude"),
                    ("website", "pic"),
                    "sme",
                    ("status", "public_page"),
                    "version",
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
                "description": "Computed from the imported participations. Organizations "
                "without participation data can have figures entered by the editors.",
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
    inlines = [ExpertiseAreaInline, ParticipationInline, AnalysisNoteInline]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["capabilities"]
    list_display = ["name", "kind", "country", "status", "project_count", "updated_at"]
    list_filter = ["status", NeedsReviewFilter, "kind", "sector", "country"]
    search_fields = ["name", "legal_name", "short_name", "=pic"]
    actions = ["publish", "unpublish", "draft_sections_from_data"]
    # Counting every row again for "N of M" is slow on large tables; the paginator counts once.
    show_full_result_count = False
    list_per_page = 50
    save_on_top = True

    def get_readonly_fields(self, request, obj=None):
        readonly = ["figures_computed_at", "public_page"]
        if obj is not None and obj.participations.exists():
            # Figures of an organization with participation data come from that data.
            readonly += ["figures_source", *FIGURES]
        if obj is not None and obj.pic:
            # Came from CORDIS: every import writes these again, so an edit would not last.
            # The kind stays open: an import sets it only when CORDIS classifies the
            # organization.
            readonly += [
                "pic",
                *(name for name in ORGANIZATION_IMPORTED_FIELDS if name != "kind"),
            ]
        return readonly

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "action" in request.POST:
            # Our actions record their own revisions, one or two per profile, each with its
            # comment. django-reversion's changelist_view wraps the whole request in one
            # revision, which would merge them into one.
            return admin.ModelAdmin.changelist_view(self, request, extra_context)
        return super().changelist_view(request, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Restoring writes the old row back, its version number included. Note the number
        # before the restore, so that save_model counts on from it: otherwise a form opened
        # before the restore would carry the same number again and could undo it unnoticed.
        request.version_before_restore = (
            Organization.objects.filter(pk=object_id).values_list("version", flat=True).first()
        )
        return super().revision_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        before = getattr(request, "version_before_restore", None)
        if before is not None:
            obj.version = max(obj.version, before)  # save() adds one
        super().save_model(request, obj, form, change)

    @admin.display(description="Public page")
    def public_page(self, obj):
        if obj is None or obj.pk is None:
            return "Available once saved."
        label = "Preview as the public will see it" if obj.is_draft else "View on the site"
        return format_html('<a href="{}" target="_blank">{}</a>', obj.get_absolute_url(), label)

    @admin.action(description="Publish the selected profiles (or mark them reviewed)")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED, "Published")

    @admin.action(description="Unpublish the selected profiles (back to draft)")
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT, "Unpublished")

    def _set_status(self, request, queryset, status, verb):
        # One save per profile, so that each change is in its history with who and when.
        for organization in queryset:
            organization.status = status
            organization.published_at = None  # save() stamps a new publication date
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(f"{verb} from the list of profiles.")
                organization.save()
        self.message_user(request, f"{verb} {len(queryset)} profile(s).", messages.SUCCESS)

    @admin.action(description="Draft empty sections from the project data")
    def draft_sections_from_data(self, request, queryset):
        action = "Draft empty sections from the project data"
        for organization in queryset:
            # A version of the profile as it was, so that History can restore it: an imported
            # profile has no version of its own until someone saves it.
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(f"Before the action “{action}”.")
                reversion.add_to_revision(organization)
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(f"After the action “{action}”.")
                draft = draft_from_data(organization)
                if draft.filled:  # the profile too, when only its expertise areas were drafted
                    reversion.add_to_revision(organization)
            self.message_user(request, str(draft), messages.INFO)


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organization_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_organizations=Count("organizations"))

    @admin.display(description="organizations", ordering="num_organizations")
    def organization_count(self, capability):
        return capability.num_organizations

    @admin.action(description="Merge the selected capabilities into one", permissions=["delete"])
    def merge(self, request, queryset):
        capabilities = list(queryset.order_by("-num_organizations", "pk"))
        if len(capabilities) < 2:
            self.message_user(
                request, "Select two capabilities or more to merge.", messages.WARNING
            )
            return
        kept, duplicates = capabilities[0], capabilities[1:]
        merge_capabilities(kept, duplicates)
        names = ", ".join(c.name for c in duplicates)
        self.message_user(request, f"Merged {names} into {kept.name}.", messages.SUCCESS)
