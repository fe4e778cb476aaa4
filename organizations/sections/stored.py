"""The computed sections' counts, stored for many organizations at once (ComputedProfile).

The import calls refresh_sections for the organizations its changes affect, in the same
transaction as the data, so a page never reads counts older than the data. It works
set-wise, a chunk of organizations at a time: four queries a chunk, whatever the chunk's
projects, then tally.py's counting per organization in Python.
"""

import json
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from base.database import insert_many
from organizations.chunks import refresh_in_chunks
from organizations.models import ComputedProfile
from organizations.sections.live import classifications
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
    return refresh_in_chunks(_refresh_chunk, organization_pks)


def _refresh_chunk(chunk, chosen_by):
    """One round of queries for the organizations of `chunk` (sorted pks), whose
    participations `chosen_by` chooses (with others', left out here: organization_chunks)."""
    from projects.models import Participation

    chosen = set(chunk)
    participations = defaultdict(list)
    rows = (
        Participation.objects.filter(chosen_by)
        .order_by()
        .values_list(
            "organization_id", "project_id", "role", "ec_contribution", "project__start_date"
        )
    )
    for organization, *row in rows:
        if organization in chosen:
            participations[organization].append(tuple(row))
    projects = Participation.objects.filter(chosen_by).values("project_id")
    topics, fields, parts = classifications(projects)

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    profiles = []
    for pk in chunk:
        own = participations.get(pk, [])
        mine = {project for project, *_ in own}
        counted, _ = tally(
            own,
            {p: topics[p] for p in mine if p in topics},
            {p: fields[p] for p in mine if p in fields},
            {p: parts[p] for p in mine if p in parts},
        )
        profiles.append((pk, json.dumps(counted.to_json()), now))
    ComputedProfile.objects.filter(organization_id__in=chunk).delete()
    # COPY on PostgreSQL: bulk_create's arrays (UNNEST) escape every quote of the JSON in
    # Python, and executemany sends a statement a profile (2.3 s of the 15,906 profiles a
    # 5%-changed re-import recounts at H2020's size).
    insert_many(
        ComputedProfile._meta.db_table, ["organization_id", "tally", "computed_at"], profiles
    )
