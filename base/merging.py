"""Merging rows that editors created twice, across a many-to-many relation."""

from django.db import transaction

from base.caching import bump_generation


@transaction.atomic
def merge_into(kept, duplicates, relation) -> None:
    """Link everything linked to one of `duplicates` to `kept` instead, then delete the
    duplicates. `relation` is the ManyToManyField, e.g. Project.keywords.field. The row kept
    keeps its name and slug, so its links keep working."""
    through = relation.remote_field.through
    owner = relation.m2m_field_name() + "_id"  # e.g. project_id
    merged = relation.m2m_reverse_field_name() + "_id"  # e.g. keyword_id
    duplicate_ids = [row.pk for row in duplicates]
    owners = set(
        through.objects.filter(**{f"{merged}__in": duplicate_ids}).values_list(owner, flat=True)
    )
    already = set(through.objects.filter(**{merged: kept.pk}).values_list(owner, flat=True))
    through.objects.bulk_create(
        [through(**{owner: pk, merged: kept.pk}) for pk in sorted(owners - already)]
    )
    through.objects.filter(**{f"{merged}__in": duplicate_ids}).delete()
    bump_generation()  # the links moved without signals
    for row in duplicates:
        row.delete()
