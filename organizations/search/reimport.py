"""The search evidence after a newer dump: moved by what changed, not counted again.

A newer CORDIS dump changes the subjects of a few thousand projects (a field of science, a
title), whose members are a third of all organizations. Counting each of them again
(evidence.refresh_search) reads every one of their projects' stems and every one of their
evidence rows, nearly the whole table, to change a few rows each. Here, for each changed
project, the stems it gained and lost (its stored stems, ProjectStems, against its subjects
now) move its members' rows by one project up or down; only those rows are read and written.

An organization is counted whole instead (returned to the caller) when a shift cannot be
trusted: a member of a project with no stored stems, or one whose rows disagree with what
they should hold (a count going below zero, a rank made with another total of projects).
The import counts whole the organizations with a new participation or a changed row of
their own; refresh_stats counts everyone whole and mends any drift.
"""

import json
import sys
from collections import Counter, defaultdict

from django.db import connections

from base.database import delete_by_key, insert_many
from organizations.models import Organization, SearchEvidence
from organizations.search.evidence import (
    EVIDENCE_COLUMNS,
    in_chunks,
    project_subjects,
    projects_model,
    rank_of,
    store_stems,
    stored_stems,
)
from organizations.search.words import add_words, listed_words, stems

Tier = SearchEvidence.Tier
# (organization, word) pairs, sent as arrays (PostgreSQL) or JSON (SQLite): the rows to read.
PAIRS_SQL = {
    "postgresql": """
        SELECT e.organization_id, e.word, e.projects, e.tier, e.rank
          FROM organizations_searchevidence AS e
          JOIN unnest(%s::integer[], %s::varchar[]) AS pair (organization_id, word)
            ON e.organization_id = pair.organization_id AND e.word = pair.word
    """,
    "sqlite": """
        SELECT e.organization_id, e.word, e.projects, e.tier, e.rank
          FROM organizations_searchevidence AS e
          JOIN (SELECT json_extract(value, '$[0]') AS organization_id,
                       json_extract(value, '$[1]') AS word
                  FROM json_each(%s)) AS pair
            ON e.organization_id = pair.organization_id AND e.word = pair.word
    """,
}


def shift_search(projects_changed, *, counted_whole, using="default"):
    """Move the evidence of the members of `projects_changed` (but those in `counted_whole`)
    by the stems each project gained or lost, and store the projects' stems now.

    Returns (the organizations shifted, those to count whole: see the module's text)."""
    shift = Counter()  # (organization, stem) -> projects gained (or lost, below zero)
    distrusted = set()
    Participation = projects_model("Participation")
    for chunk in in_chunks(projects_changed):
        stored = stored_stems(chunk, using=using)
        moved, restemmed, words = {}, {}, set()
        for pk, text in project_subjects(chunk, using=using).items():
            now = tuple(map(sys.intern, stems(text)))
            words |= listed_words(text)
            before = stored.get(pk)
            if before is None or set(before) != set(now):
                moved[pk] = (before, set(now))
                restemmed[pk] = now
        members = (
            Participation.objects.using(using)
            .filter(project_id__in=list(moved))
            .values_list("project_id", "organization_id")
            .distinct()
        )
        for project, organization in members:
            if organization in counted_whole:
                continue
            before, now = moved[project]
            if before is None:
                distrusted.add(organization)
                continue
            for stem in now.difference(before):
                shift[organization, stem[:100]] += 1
            for stem in set(before).difference(now):
                shift[organization, stem[:100]] -= 1
        store_stems(restemmed, using=using)
        add_words(words, using=using)
    shift = {key: n for key, n in shift.items() if n and key[0] not in distrusted}
    distrusted |= _write_shift(shift, using=using)
    shifted = {organization for organization, _ in shift} - distrusted
    return shifted, distrusted


def _write_shift(shift, *, using):
    """Apply `shift` to the stored rows; return the organizations whose rows disagree (left
    as they are, to be counted whole)."""
    organizations = {organization for organization, _ in shift}
    project_counts = {}
    for chunk in in_chunks(organizations):  # SQLite takes a bounded number of parameters
        chosen = Organization.objects.using(using).filter(pk__in=chunk)
        project_counts.update(chosen.values_list("pk", "project_count"))
    stored = _stored_rows(list(shift), using=using)
    distrusted = set()
    rows = defaultdict(list)  # organization -> its rows to write
    for (organization, word), n in shift.items():
        project_count = project_counts.get(organization) or 0
        projects, tier, rank = stored.get((organization, word), (0, Tier.PROJECTS, None))
        if rank is not None and abs(rank - rank_of(tier, projects, project_count)) > 1e-6:
            distrusted.add(organization)  # counted with another total of projects
        elif projects + n < 0:
            distrusted.add(organization)
        elif projects + n or tier != Tier.PROJECTS:  # a row of no project and no text goes
            rows[organization].append(
                (organization, word, projects + n, tier, rank_of(tier, projects + n, project_count))
            )
    stale = [key for key in shift if key in stored and key[0] not in distrusted]
    delete_by_key(SearchEvidence, EVIDENCE_COLUMNS[:2], stale, using=using)
    fresh = [
        row for organization, kept in rows.items() if organization not in distrusted for row in kept
    ]
    insert_many(SearchEvidence._meta.db_table, EVIDENCE_COLUMNS, fresh, using=using)
    return distrusted


def _stored_rows(pairs, *, using):
    """{(organization, word): (projects, tier, rank)} of the stored rows among `pairs`."""
    connection = connections[using]
    found = {}
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 50_000):
            chosen = pairs[start : start + 50_000]
            if connection.vendor == "postgresql":
                params = [[o for o, _ in chosen], [w for _, w in chosen]]
            else:
                params = [json.dumps(chosen)]
            cursor.execute(PAIRS_SQL[connection.vendor], params)
            for organization, word, projects, tier, rank in cursor.fetchall():
                found[organization, word] = (projects, tier, rank)
    return found
