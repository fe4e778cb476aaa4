"""The record of which dump each programme's projects came from (projects.CordisDump)."""

from datetime import date
from pathlib import Path

from django.utils import timezone

from projects.models import CordisDump


def record_dump(dump, path) -> None:
    """Note, for each programme the dump's projects are in, that they come from `path`, with
    the date of its newest data (None when its files give no contentUpdateDate)."""
    data_date = date.fromisoformat(dump.data_date) if dump.data_date else None
    now = timezone.now()
    programmes = sorted(dump.programmes - {""})
    # Replaced rather than updated: two queries, whether the programme was imported before.
    CordisDump.objects.filter(framework_programme__in=programmes).delete()
    CordisDump.objects.bulk_create(
        CordisDump(
            framework_programme=programme,
            source=Path(path).name,
            data_date=data_date,
            imported_at=now,
        )
        for programme in programmes
    )
