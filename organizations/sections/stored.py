"""The computed sections' counts, stored for many organizations at once (ComputedProfile).

The import calls refresh_sections for the organizations its changes affect, in the same
transaction as the data, so a page never reads counts older than the data. It works
set-wise, a round of organizations at a time (organizations/chunks.py: four queries a round,
whatever its projects, shared with the subjects), then tally.py's counting per organization
in Python.
"""

import json

from django.db import connection
from django.utils import timezone

from base.database import insert_many
from organizations.chunks import recount_in_rounds
from organizations.models import ComputedProfile
from organizations.sections.tally import Tally, tally


def stored_tally(organization):
    """The tally the import stored for `organization` (no query when the profile's queryset
    selected it), or None."""
    try:
        computed = organization.computed
    except ComputedProfile.DoesNotExist:
        return None
    return Tally.from_json(computed.tally)


def refresh_sections(organization_pks) -> int:
    """Count and store the computed sections of the organizations `organization_pks`;
    return how many."""
    return recount_in_rounds([(store_sections, organization_pks)])


def store_sections(pks, data):
    """Count and store the computed sections of `pks` (sorted) from what their round read
    (organizations.chunks.Round)."""
    topics, fields, parts = data.topics, data.fields, data.parts
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    profiles = []
    for pk in pks:
        own = [row[:4] for row in data.participations.get(pk, [])]
        mine = {project for project, *_ in own}
        counted, _ = tally(
            own,
            {p: topics[p] for p in mine if p in topics},
            {p: fields[p] for p in mine if p in fields},
            {p: parts[p] for p in mine if p in parts},
        )
        profiles.append((pk, json.dumps(counted.to_json()), now))
    ComputedProfile.objects.filter(organization_id__in=pks).delete()
    # COPY on PostgreSQL: bulk_create's arrays (UNNEST) escape every quote of the JSON in
    # Python, and executemany sends a statement a profile (2.3 s of the 15,906 profiles a
    # 5%-changed re-import recounts at H2020's size).
    insert_many(
        ComputedProfile._meta.db_table, ["organization_id", "tally", "computed_at"], profiles
    )
