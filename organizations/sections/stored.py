"""The computed sections' counts, stored for many organizations at once (ComputedProfile).

The import calls refresh_sections for the organizations its changes affect, in the same
transaction as the data, so a page never reads counts older than the data. It works
set-wise, a chunk of organizations at a time: six queries a chunk, whatever the chunk's
projects, then tally.py's counting per organization in Python.

Why SQL for the partners: the ORM cannot rank each organization's partners and keep the
first few (a window over an aggregate, per organization), and reading every pair of
partners into Python would be millions of rows at H2020's size.
"""

import json
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from organizations.models import ComputedProfile, Organization
from organizations.sections.live import classifications
from organizations.sections.tally import PARTNERS_KEPT, Tally, tally

CHUNK = 5000  # organizations per round of queries


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
    pks = sorted(set(organization_pks))
    for start in range(0, len(pks), CHUNK):
        _refresh_chunk(pks[start : start + CHUNK])
    return len(pks)


def _refresh_chunk(chunk):
    """One round of queries for the organizations of `chunk` (sorted pks). They are chosen
    by the range of their pks, rows of the others in it left out here: a range is one index
    scan, where thousands of pks would be as many parameters to send and to plan."""
    from projects.models import Participation

    chosen = set(chunk)
    in_range = {"organization_id__gte": chunk[0], "organization_id__lte": chunk[-1]}
    participations = defaultdict(list)
    rows = (
        Participation.objects.filter(**in_range)
        .order_by()
        .values_list(
            "organization_id", "project_id", "role", "ec_contribution", "project__start_date"
        )
    )
    for organization, *row in rows:
        if organization in chosen:
            participations[organization].append(tuple(row))
    projects = Participation.objects.filter(**in_range).values("project_id")
    topics, fields, parts = classifications(projects)
    countries, partners = _partner_rows(chunk[0], chunk[-1])

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
            countries.get(pk, {}),
            partners.get(pk, []),
        )
        profiles.append((pk, json.dumps(counted.to_json()), now))
    ComputedProfile.objects.filter(organization_id__in=chunk).delete()
    # A plain multi-row INSERT: bulk_create's arrays (UNNEST, on PostgreSQL) escape every
    # quote of the JSON in Python, a second for a few thousand profiles.
    table = connection.ops.quote_name(ComputedProfile._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (organization_id, tally, computed_at) VALUES (%s, %s, %s)",
            profiles,
        )


def _partner_rows(first, last):
    """({organization: {country: partners}}, {organization: [(partner, shared)]}) for the
    organizations with pks from `first` to `last`: the partner countries, and the first
    PARTNERS_KEPT partners, most shared projects first, then by name (as
    Organization.objects.partners_of)."""
    from projects.models import Participation

    participation = connection.ops.quote_name(Participation._meta.db_table)
    organization = connection.ops.quote_name(Organization._meta.db_table)
    pairs = f"""
        SELECT mine.organization_id AS org, theirs.organization_id AS partner,
               COUNT(*) AS shared
          FROM {participation} AS mine
          JOIN {participation} AS theirs
            ON theirs.project_id = mine.project_id
           AND theirs.organization_id <> mine.organization_id
         WHERE mine.organization_id BETWEEN %s AND %s
         GROUP BY mine.organization_id, theirs.organization_id
    """
    countries = defaultdict(dict)
    partners = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT pairs.org, partner.country, COUNT(*)
                  FROM ({pairs}) AS pairs
                  JOIN {organization} AS partner ON partner.id = pairs.partner
                 WHERE partner.country <> ''
                 GROUP BY pairs.org, partner.country""",
            [first, last],
        )
        for org, country, n in cursor.fetchall():
            countries[org][country] = n
        cursor.execute(
            f"""SELECT org, partner, shared FROM (
                    SELECT pairs.org, pairs.partner, pairs.shared,
                           ROW_NUMBER() OVER (
                               PARTITION BY pairs.org
                               ORDER BY pairs.shared DESC, partner.name, pairs.partner
                           ) AS place
                      FROM ({pairs}) AS pairs
                      JOIN {organization} AS partner ON partner.id = pairs.partner
                ) AS ranked
                WHERE place <= %s
                ORDER BY org, place""",
            [first, last, PARTNERS_KEPT],
        )
        for org, partner, shared in cursor.fetchall():
            partners[org].append((partner, shared))
    return countries, partners
