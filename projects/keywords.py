from django.db import transaction

from projects.models import Project


@transaction.atomic
def merge_keywords(kept, duplicates):
    """Re-point every project of `duplicates` to `kept`, then delete the duplicates.

    The keyword kept is usually the one with most projects; its name and slug stay, so its
    links keep working.
    """
    Through = Project.keywords.through
    duplicate_ids = [keyword.pk for keyword in duplicates]
    project_ids = set(
        Through.objects.filter(keyword_id__in=duplicate_ids).values_list("project_id", flat=True)
    )
    already = set(Through.objects.filter(keyword=kept).values_list("project_id", flat=True))
    Through.objects.bulk_create(
        [Through(project_id=pk, keyword_id=kept.pk) for pk in sorted(project_ids - already)]
    )
    Through.objects.filter(keyword_id__in=duplicate_ids).delete()
    for keyword in duplicates:
        keyword.delete()
