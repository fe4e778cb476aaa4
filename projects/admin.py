from django.contrib import admin, messages
from django.db.models import Count

from projects.keywords import merge_keywords
from projects.models import (
    PARTICIPATION_IMPORTED_FIELDS,
    PROJECT_IMPORTED_FIELDS,
    FieldOfScience,
    Keyword,
    Participation,
    ProgrammePart,
    Project,
    Topic,
)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["organization", "role", "order", "ec_contribution", "ended_early"]
    fields += ["notable_rank", "highlight"]
    # The CORDIS import owns who took part, in which role and for how much, and writes them
    # again on every import: read-only for everyone (an edit would not survive the next
    # import). Editors choose and describe the notable projects.
    readonly_fields = ["organization", *PARTICIPATION_IMPORTED_FIELDS]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["acronym", "title", "slug", "cordis_id", "status"]}),
        (
            "Programme",
            {
                "fields": [
                    "framework_programme",
                    "funding_scheme",
                    "call",
                    ("start_date", "end_date"),
                ]
            },
        ),
        ("Money", {"fields": [("total_cost", "ec_max_contribution")]}),
        ("Content", {"fields": ["objective", "keywords"]}),
    ]
    inlines = [ParticipationInline]
    autocomplete_fields = ["keywords"]
    prepopulated_fields = {"slug": ["acronym"]}
    list_display = ["acronym", "title", "framework_programme", "start_date", "end_date"]
    list_filter = ["framework_programme"]
    search_fields = ["acronym", "title", "=cordis_id"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # What the import writes, it owns (projects/models.py): read-only for everyone once
        # the project exists. Editors keep the slug and the keywords.
        if obj is None:
            return []
        return ["cordis_id", *PROJECT_IMPORTED_FIELDS]

    def get_prepopulated_fields(self, request, obj=None):
        # The slug follows the acronym while a project is added; after that the acronym is
        # read-only, and a slug stays as it is so that links keep working.
        return self.prepopulated_fields if obj is None else {}


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "project_count", "organization_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]
    show_full_result_count = False

    def get_queryset(self, request):
        # Counted for the whole list in one GROUP BY, so that it sorts by them: which
        # keyword a merge keeps depends on its projects.
        return (
            super()
            .get_queryset(request)
            .annotate(
                num_projects=Count("projects", distinct=True),
                num_organizations=Count("projects__participations__organization", distinct=True),
            )
        )

    @admin.display(description="projects", ordering="num_projects")
    def project_count(self, keyword):
        return keyword.num_projects

    @admin.display(description="organizations", ordering="num_organizations")
    def organization_count(self, keyword):
        return keyword.num_organizations

    @admin.action(description="Merge the selected keywords into one", permissions=["delete"])
    def merge(self, request, queryset):
        keywords = list(queryset.annotate(n=Count("projects")).order_by("-n", "pk"))
        if len(keywords) < 2:
            self.message_user(request, "Select two keywords or more to merge.", messages.WARNING)
            return
        kept, duplicates = keywords[0], keywords[1:]
        merge_keywords(kept, duplicates)
        names = ", ".join(k.name for k in duplicates)
        self.message_user(request, f"Merged {names} into {kept.name}.", messages.SUCCESS)


class ImportedListAdmin(admin.ModelAdmin):
    """What the CORDIS import writes from the companion files (cordis/companions.py): a list
    to look at, for everyone. An edit would not survive the next import."""

    search_fields = ["code", "title"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FieldOfScience)
class FieldOfScienceAdmin(ImportedListAdmin):
    list_display = ["path", "code"]
    search_fields = ["code", "title", "path"]
    fields = ["code", "title", "path", "description", "parent"]


@admin.register(Topic)
class TopicAdmin(ImportedListAdmin):
    list_display = ["code", "title"]
    fields = ["code", "title"]


@admin.register(ProgrammePart)
class ProgrammePartAdmin(ImportedListAdmin):
    list_display = ["code", "title"]
    fields = ["code", "title"]
