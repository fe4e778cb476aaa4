"""Capabilities, and the progress of bulk drafts."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format

from organizations.capabilities import merge_capabilities
from organizations.models import BulkDraft, Capability


@admin.register(BulkDraft)
class BulkDraftAdmin(admin.ModelAdmin):
    """Read-only: the action creates them, the background task writes their progress."""

    list_display = ["__str__", "created_by", "progress", "finished"]
    fields = ["created_by", "created_at", "progress", "finished", "error"]
    readonly_fields = fields
    change_form_template = "admin/organizations/bulkdraft/change_form.html"
    view_on_site = False

    @admin.display(description="progress")
    def progress(self, bulk):
        text = f"{bulk.done:,} of {bulk.total:,} profiles done; {bulk.drafted:,} drafted"
        if bulk.drafted < bulk.done:
            text += " (the others had nothing empty to draft, or no projects)"
        return text

    @admin.display(description="finished")
    def finished(self, bulk):
        if bulk.error:
            return "Stopped by an error"
        if bulk.finished_at is None:
            return "Not yet"
        return date_format(timezone.localtime(bulk.finished_at), "j M Y, H:i")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organization_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    def get_queryset(self, request):
        # annotate() with a Count drops Meta.ordering: the list pages need one.
        queryset = super().get_queryset(request)
        return queryset.annotate(num_organizations=Count("organizations")).order_by("name")

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
