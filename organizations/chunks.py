"""Organizations a round of queries at a time, for what is stored per organization: the
computed sections (sections/stored.py) and the subjects (subjects.py). A round reads the
participations of its organizations and the classifications of their projects once, for
both: an import recounts both for mostly the same organizations."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

# Organizations per round, chosen by the range of their pks. A round holds their
# participations and their projects' classifications: the first, with the organizations
# that have the most projects, was a first import's peak of memory at twice H2020's size
# (405 MB with rounds of 5,000).
CHUNK = 2500
# Organizations per round when their pks are sparse (a re-import's, spread over the table),
# chosen by their pks. Each round's queries scan the participations and the classifications'
# link tables (a third of the organizations have most of the projects), so fewer rounds cost
# less; SQLite is sent fewer pks a query (its limit on parameters was 999 before 3.32).
SPARSE_CHUNK = CHUNK
SPARSE_CHUNK_SQLITE = 900


def sparse_chunk_size() -> int:
    """Organizations per sparse round on this database."""
    return SPARSE_CHUNK if connection.vendor == "postgresql" else SPARSE_CHUNK_SQLITE


def organization_chunks(organization_pks) -> Iterator[tuple[list[int], Q]]:
    """Yield (sorted pks, a filter on a participation's organization that chooses them).

    Dense pks (a first import's: every organization) are chosen by their range, one index
    scan, where thousands of pks would be as many parameters to send and to plan; the rows
    of the others in the range are few, and left out by the caller. Sparse ones are chosen
    by their pks: a range would read the participations and classifications of all the
    organizations in it, and their cost would be the whole table's, however few chosen.
    """
    sparse_chunk = sparse_chunk_size()
    pks = sorted(set(organization_pks))
    start = 0
    while start < len(pks):
        chunk = pks[start : start + CHUNK]
        if chunk[-1] - chunk[0] + 1 <= 2 * len(chunk):
            yield chunk, Q(organization_id__gte=chunk[0], organization_id__lte=chunk[-1])
        else:
            chunk = chunk[:sparse_chunk]
            yield chunk, Q(organization_id__in=chunk)
        start += len(chunk)


@dataclass
class Round:
    """What a round read: {organization pk: [(project, role, EC contribution, start date,
    framework programme)]} of its organizations, and the classifications of their projects
    as organizations.sections.live.classifications gives them."""

    participations: dict
    topics: dict
    fields: dict
    parts: dict


def read_round(chunk, chosen_by) -> Round:
    """Four queries, whatever the round's projects."""
    from organizations.sections.live import classifications  # sections import this module
    from projects.models import Participation

    chosen = set(chunk)
    participations = {}
    rows = (
        Participation.objects.filter(chosen_by)
        .order_by()
        .values_list(
            "organization_id",
            "project_id",
            "role",
            "ec_contribution",
            "project__start_date",
            "project__framework_programme",
        )
    )
    for organization, *row in rows:
        if organization in chosen:
            participations.setdefault(organization, []).append(tuple(row))
    projects = Participation.objects.filter(chosen_by).values("project_id")
    return Round(participations, *classifications(projects))


def recount_in_rounds(stores) -> int:
    """For each (store, organization pks) of `stores`, call store(pks of a round, Round)
    round after round, each round read once for all of them; return how many
    organizations were counted in all."""
    stores = [(store, set(pks)) for store, pks in stores]
    everyone = set().union(*(pks for _, pks in stores))
    for chunk, chosen_by in organization_chunks(everyone):
        data = read_round(chunk, chosen_by)
        for store, pks in stores:
            if mine := [pk for pk in chunk if pk in pks]:
                store(mine, data)
    return len(everyone)
