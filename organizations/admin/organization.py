"""The profiles' admin: the editors' queue (the list) and the change form."""

import reversion
from csp.constants import SELF
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseBadRequest
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin
from reversion_compare.admin import CompareVersionAdmin

from organizations.admin.display import (
    NotableProjectInline,
    cordis_record,
    headline_figures,
    projects_list,
)
from organizations.admin.forms import OrganizationForm, SizedInlineForm
from organizations.curation import mark_reviewed, record_edit
from organizations.models import (
    ORGANIZATION_IMPORTED_FIELDS,
    AnalysisNote,
    ExpertiseArea,
    Organization,
    Status,
)
from organizations.tasks import DRAFT_AT_ONCE, draft_with_history, start_bulk_draft

# The submit button that saves and marks the profile's text reviewed.
REVIEWED = "_reviewed"


class ExpertiseAreaInline(admin.StackedInline):
    model = ExpertiseArea
    form = SizedInlineForm
    extra = 0
    fields = [("name", "level", "order"), "evidence", "projects"]
    autocomplete_fields = ["projects"]


class AnalysisNoteInline(admin.StackedInline):
    model = AnalysisNote
    form = SizedInlineForm
    extra = 0
    fields = ["kind", "body"]


class HiddenFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", "Hidden from the public (draft)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=Status.DRAFT)
        return queryset


HEADER = [
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
    "version",
]
IMPORTED_HEADER = ["name", "slug", "tagline", ("kind", "sector"), "cordis_record", "version"]
EDITED_FIGURES = [
    "figures_source",
    ("project_count", "coordinator_count"),
    ("total_ec_funding", "partner_count", "partner_country_count"),
]


@admin.register(Organization)
class OrganizationAdmin(CompareVersionAdmin):
    form = OrganizationForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/organizations/organization/change_form.html"

    # Compare shows what editors changed: the version counter, the timestamps and who saved
    # last change with every save and say nothing.
    compare_exclude = [
        *["version", "updated_at", "published_at", "reviewed_at", "edited_at", "edited_by"],
        "attention",
    ]

    inlines = [ExpertiseAreaInline, NotableProjectInline, AnalysisNoteInline]

    class Media:
        js = ["js/admin-labels.js"]

    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["capabilities"]

    # The queue: the profiles most visitors see first (organizations/curation.py).
    list_display = [
        "name",
        "attention_shown",
        "curation",
        "status",
        "projects_shown",
        "funding",
        "country",
        "last_edited",
    ]
    # No filter that every imported profile matches ("published" would): a filter narrows.
    list_filter = ["curation", HiddenFilter, "kind", "country"]
    list_select_related = ["edited_by"]
    ordering = ["-attention", "name", "pk"]
    search_fields = ["name", "legal_name", "short_name", "=pic"]
    actions = ["mark_reviewed", "draft_from_data", "publish", "unpublish"]
    # Counting every row again for "N of M" is slow on large tables; the paginator counts once.
    show_full_result_count = False
    list_per_page = 50
    save_on_top = True

    def get_fieldsets(self, request, obj=None):
        computed = obj is not None and obj.participations.exists()
        curation = ["status", "curation"] if obj is not None else ["status"]
        # What CORDIS says of an imported organization, in one read-only block.
        header = IMPORTED_HEADER if obj is not None and obj.pic else HEADER
        return [
            ("Header", {"fields": [*header, tuple(curation)]}),
            (
                "Headline figures",
                {
                    "fields": ["headline_figures"] if computed else EDITED_FIGURES,
                    "description": ""
                    if computed
                    else "No participation data: type the figures in, with “Entered by the "
                    "editors” as their source.",
                },
            ),
            ("What they do", {"fields": ["core_work"]}),
            (
                "Evolution & trajectory",
                {"fields": ["early_focus", "recent_focus", "trajectory", "trajectory_summary"]},
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

    def get_readonly_fields(self, request, obj=None):
        readonly = ["headline_figures", "curation", "cordis_record"]
        if obj is not None and obj.pic:
            # Came from CORDIS: every import writes these again, so an edit would not last.
            # The kind stays open: an import sets it only when CORDIS classifies the
            # organization.
            readonly += [
                "pic",
                *(name for name in ORGANIZATION_IMPORTED_FIELDS if name != "kind"),
            ]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editing_user = request.user  # a refused save names who saved in between
        return form

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<path:object_id>/preview/", preview, name="organizations_organization_preview"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            preview = reverse("admin:organizations_organization_preview", args=[obj.pk])
            extra_context.update(projects_list=projects_list(obj), preview_url=preview)
            if self.has_change_permission(request, obj):
                extra_context["reviewed_button"] = REVIEWED
        response = super().change_view(request, object_id, form_url, extra_context)
        response._csp_update = {"frame-src": [SELF]}  # the side-by-side preview
        return response

    @xframe_options_sameorigin
    def preview_view(self, request, object_id):
        """The public page as staff see it, to frame beside the change form."""
        from organizations.views import OrganizationDetailView

        organization = self.get_object(request, unquote(object_id))  # None if malformed
        if organization is None:
            raise Http404("No such profile.")
        if not self.has_view_or_change_permission(request, organization):
            raise PermissionDenied
        response = OrganizationDetailView.as_view()(request, slug=organization.slug)
        response._csp_replace = {"frame-ancestors": [SELF]}
        return response

    def changelist_view(self, request, extra_context=None):
        if any("\x00" in value for _, values in request.GET.lists() for value in values):
            # PostgreSQL refuses text with a NUL character: say so rather than fail.
            return HttpResponseBadRequest("A search or filter contains a NUL character.")
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
        if REVIEWED in request.POST:
            mark_reviewed(obj, request.user)
        else:
            record_edit(obj, request.user, form.changed_data)
        super().save_model(request, obj, form, change)

    # The queue's columns ---------------------------------------------------------------

    # Counts with a thousands separator: the queue's first rows run to five digits.
    @admin.display(description="attention", ordering="attention")
    def attention_shown(self, obj):
        return f"{obj.attention:,}"

    @admin.display(description="projects", ordering="project_count")
    def projects_shown(self, obj):
        return f"{obj.project_count:,}"

    @admin.display(description="EC funding", ordering="total_ec_funding")
    def funding(self, obj):
        from base.templatetags.formatting import euro_short

        return euro_short(obj.total_ec_funding)

    @admin.display(description="last edited", ordering="edited_at")
    def last_edited(self, obj):
        if obj.edited_at is None:
            return "–"
        return f"{obj.edited_by or 'someone'}, {date_format(obj.edited_at, 'j M Y')}"

    @admin.display(description="headline figures")
    def headline_figures(self, obj):
        return headline_figures(obj)

    @admin.display(description="from CORDIS")
    def cordis_record(self, obj):
        return cordis_record(obj)

    # Actions ---------------------------------------------------------------------------

    @admin.action(
        description="Mark the selected profiles reviewed (their text becomes public)",
        permissions=["change"],
    )
    def mark_reviewed(self, request, queryset):
        self._save_each(request, queryset, "Marked reviewed", mark_reviewed)

    @admin.action(description="Publish the selected profiles", permissions=["change"])
    def publish(self, request, queryset):
        self._save_each(request, queryset, "Published", _set_status(Status.PUBLISHED))

    @admin.action(description="Unpublish the selected profiles (hide them)", permissions=["change"])
    def unpublish(self, request, queryset):
        self._save_each(request, queryset, "Unpublished", _set_status(Status.DRAFT))

    def _save_each(self, request, queryset, verb, change):
        # One save per profile, so that each change is in its history with who and when.
        count = 0
        for organization in queryset:
            change(organization, request.user)
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(f"{verb} from the list of profiles.")
                organization.save()
            count += 1
        self.message_user(request, f"{verb}: {count} profile(s).", messages.SUCCESS)

    @admin.action(
        description="Draft from data (empty sections; hidden until reviewed)",
        permissions=["change"],
    )
    def draft_from_data(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        if len(ids) > DRAFT_AT_ONCE:
            bulk = start_bulk_draft(ids, request.user)
            self.message_user(
                request,
                format_html(
                    'Drafting {} profiles in the background: <a href="{}">follow its '
                    "progress</a>. Drafted profiles are in the “Drafted” state until reviewed.",
                    f"{len(ids):,}",
                    bulk.get_absolute_url(),
                ),
                messages.INFO,
            )
            return
        for organization in queryset:
            draft = draft_with_history(organization, request.user)
            self.message_user(request, str(draft), messages.INFO)


def _set_status(status):
    def change(organization, user):
        record_edit(organization, user, [])
        organization.status = status
        organization.published_at = None  # save() stamps a new publication date

    return change
