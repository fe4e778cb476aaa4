"""The record of which dump each programme's projects came from (projects.CordisDump)."""

from pathlib import Path

from django.utils import timezone

from projects.models import CordisDump


def record_dump(dump, path) -> None:
    """Note, for each programme the dump's projects are in, that they come from `path`."""
    programmes = {values.get("framework_programme") or "" for values in dump.projects.values()}
    now = timezone.now()
    for programme in sorted(programmes - {""}):
        CordisDump.objects.update_or_create(
            framework_programme=programme,
            defaults={
                "source": Path(path).name,
                "data_date": getattr(dump, "data_date", None),
                "imported_at": now,
            },
        )
