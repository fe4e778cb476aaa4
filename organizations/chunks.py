"""Organizations a round of queries at a time, for what is stored per organization
(sections/stored.py, subjects.py): each round reads the participations of its organizations,
and the classifications of their projects."""

from collections.abc import Iterator

from django.db.models import Q

CHUNK = 5000  # organizations per round, chosen by the range of their pks
# Organizations per round when their pks are sparse (a re-import's, spread over the table),
# chosen by their pks: fewer, as SQLite takes 999 parameters a query.
SPARSE_CHUNK = 900


def organization_chunks(organization_pks) -> Iterator[tuple[list[int], Q]]:
    """Yield (sorted pks, a filter on a participation's organization that chooses them).

    Dense pks (a first import's: every organization) are chosen by their range, one index
    scan, where thousands of pks would be as many parameters to send and to plan; the rows
    of the others in the range are few, and left out by the caller. Sparse ones are chosen
    by their pks: a range would read the participations and classifications of all the
    organizations in it, and their cost would be the whole table's, however few chosen.
    """
    pks = sorted(set(organization_pks))
    start = 0
    while start < len(pks):
        chunk = pks[start : start + CHUNK]
        if chunk[-1] - chunk[0] + 1 <= 2 * len(chunk):
            yield chunk, Q(organization_id__gte=chunk[0], organization_id__lte=chunk[-1])
        else:
            chunk = chunk[:SPARSE_CHUNK]
            yield chunk, Q(organization_id__in=chunk)
        start += len(chunk)


def refresh_in_chunks(refresh_chunk, organization_pks) -> int:
    """Call refresh_chunk(chunk, chosen_by) for each round of organization_chunks; return
    how many organizations it refreshed."""
    refreshed = 0
    for chunk, chosen_by in organization_chunks(organization_pks):
        refresh_chunk(chunk, chosen_by)
        refreshed += len(chunk)
    return refreshed
