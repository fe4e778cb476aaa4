"""What search finds an organization by: the words of its own text and of its projects.

refresh_search(organization_pks) rewrites, for those organizations only, the table of
(organization, stem, number of its projects whose subjects hold the stem, whether its own
text holds it, the rank of a search for the stem alone) and adds the words to the word
list. The import calls it for the organizations it touched, refresh_stats for all, and
signals (organizations.search.signals) for each save in the admin (an organization, its
expertise areas, its projects and their subjects).

A word query is answered from this table alone (one index, not the full text of every
organization); full text search is left to phrases, which need the words' order.

A project's subjects: acronym, title, keywords, fields of science, topics and programme
parts. Most HORIZON titles are the acronym again; the classifications are the real evidence.
Objectives are left out: they would multiply the table, and their words say more often what
a project uses than what it is about.
"""

import sys
from collections import Counter, defaultdict

from django.apps import apps
from django.db import transaction

from base.database import insert_many, rewrite_rows
from organizations.models import Curation, ExpertiseArea, Organization, SearchEvidence
from organizations.search.words import add_words, listed_words, stems

Tier = SearchEvidence.Tier
# The rank's tiers: a name match outranks any number of projects, which outrank text alone.
TIER_RANKS = {Tier.NAME: 2e9, Tier.OWN_TEXT: 1e9, Tier.PROJECTS: 0.0}


def rank_of(tier: int, projects: int, project_count: int) -> float:
    """The search rank: the tier, then the matching projects, then (ties) the projects in
    all. search/__init__.py computes the same in SQL for queries of several words."""
    return TIER_RANKS[tier] + projects + project_count / (project_count + 1.0)


# Organizations (and projects) read at a time; under SQLite's 999 query parameters.
CHUNK = 900
# The fields of a project its subjects' text reads, besides its keywords and classifications
# (the import rewrites the evidence of a project's members when one changes).
PROJECT_FIELDS_IN_SEARCH = frozenset({"acronym", "title"})
# (organization, word) is unique; the rank, last, follows from the rest (rank_of).
EVIDENCE_COLUMNS = ["organization_id", "word", "projects", "tier", "rank"]
# The organization's own text, as its search_vector (0005_search) and FTS5 row (0013) hold
# it: names, then the tagline (expertise names come from their own table), then narratives.
NAME_FIELDS = ["name", "legal_name", "short_name"]
OWN_TEXT_FIELDS = [
    *NAME_FIELDS,
    "tagline",
    "core_work",
    "why_partner",
    "trajectory",
    "trajectory_summary",
    "collaboration_narrative",
    "network_narrative",
    "early_focus",
    "recent_focus",
]


def projects_model(name):
    # A string reference keeps the apps' dependency one way (projects -> organizations).
    return apps.get_model("projects", name)


def in_chunks(keys):
    """The distinct `keys`, sorted, in lists of CHUNK (SQLite takes a bounded number of
    parameters a query)."""
    keys = sorted(set(keys))
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def project_subjects(project_pks, *, using="default"):
    """{project pk: the text of its subjects}, in five queries a chunk."""
    Project = projects_model("Project")
    texts = defaultdict(list)
    through = [
        (Project.keywords.through, "keyword__name"),
        (Project.fields_of_science.through, "fieldofscience__title"),
        (Project.topics.through, "topic__title"),
        (projects_model("ProjectProgrammePart"), "programme_part__title"),
    ]
    for chunk in in_chunks(project_pks):
        rows = (
            Project.objects.using(using).filter(pk__in=chunk).values_list("pk", "acronym", "title")
        )
        for pk, acronym, title in rows:
            texts[pk] += [acronym, title]
        for model, title in through:
            links = model.objects.using(using).filter(project_id__in=chunk)
            for pk, text in links.values_list("project_id", title):
                texts[pk].append(text)
    return {pk: " ".join(parts) for pk, parts in texts.items()}


def refresh_search(organization_pks, *, projects_changed=None, using="default") -> int:
    """Rewrite the evidence of these organizations; return how many were refreshed.

    `projects_changed`: the projects whose subjects may differ from the stems stored for
    them (ProjectStems); the others' stored stems are read, not their subjects stemmed
    again. None: any project may have changed (an editor's save, refresh_stats). The import
    passes those its rows changed: a newer dump recounts a third of the organizations, and
    their projects are nearly all the projects."""
    Participation = projects_model("Participation")
    # A project is stemmed once, and its stems stored at once: a later chunk with another
    # of its members reads them back rather than keeping every project's stems until the
    # last chunk (the peak of a first import's memory, at twice H2020's size).
    restemmed = set()
    refreshed = 0
    for chunk in in_chunks(organization_pks):
        links = (
            Participation.objects.using(using)
            .filter(organization_id__in=chunk)
            .values_list("organization_id", "project_id")
            .distinct()
        )
        projects_of = defaultdict(set)
        for organization, project in links:
            projects_of[organization].add(project)
        needed = {p for projects in projects_of.values() for p in projects}
        if projects_changed is None:
            current = needed & restemmed
        else:
            current = needed - (projects_changed - restemmed)
        # Tuples of interned strings: one copy of each stem for all projects.
        project_stems = stored_stems(current, using=using)
        words, stemmed = set(), {}
        for pk, text in project_subjects(needed - project_stems.keys(), using=using).items():
            stemmed[pk] = project_stems[pk] = tuple(map(sys.intern, stems(text)))
            words |= listed_words(text)
        restemmed |= stemmed.keys()
        own = _own_text(chunk, using=using)
        rows = []
        for organization, (project_count, own_stems, own_words) in own.items():
            words |= own_words
            projects = projects_of.get(organization, ())
            counts = Counter(s for project in projects for s in project_stems.get(project, ()))
            # A name's stems overwrite the same stems of the rest of its text.
            tiers = {s: tier for tier in (Tier.OWN_TEXT, Tier.NAME) for s in own_stems[tier]}
            for word in counts.keys() | tiers.keys():
                tier, n = tiers.get(word, Tier.PROJECTS), counts[word]
                rows.append((organization, word[:100], n, tier, rank_of(tier, n, project_count)))
        with transaction.atomic(using=using):
            # Only the rows that differ: most of what an import recounts comes out the same.
            rewrite_rows(SearchEvidence, EVIDENCE_COLUMNS, chunk, rows, using=using)
            add_words(words, using=using)
            store_stems(stemmed, using=using)
        refreshed += len(chunk)
    return refreshed


def stored_stems(project_pks, *, using):
    """{project pk: its stored stems, as a tuple of interned strings}, of those that have
    them."""
    stored = {}
    for chunk in in_chunks(project_pks):
        rows = projects_model("ProjectStems").objects.using(using).filter(project_id__in=chunk)
        for pk, text in rows.values_list("project_id", "stems"):
            stored[pk] = tuple(map(sys.intern, text.split()))
    return stored


def store_stems(stemmed, *, using):
    """Store the stems of the projects just stemmed ({pk: stems}), for the next refresh."""
    ProjectStems = projects_model("ProjectStems")
    for chunk in in_chunks(stemmed):
        ProjectStems.objects.using(using).filter(project_id__in=chunk).delete()
    rows = [(pk, " ".join(sorted(stems))) for pk, stems in stemmed.items()]
    insert_many(ProjectStems._meta.db_table, ["project_id", "stems"], rows, using=using)


def _own_text(organization_pks, *, using):
    """{pk: (project_count, {tier: stems of its own text}, words for the word list)} of these
    organizations. Text drafted from data is not public until an editor reviews it
    (sees_drafted_text): a drafted profile is found by its names only."""
    areas = defaultdict(list)
    expertise = ExpertiseArea.objects.using(using).filter(organization_id__in=organization_pks)
    for organization, name in expertise.values_list("organization_id", "name"):
        areas[organization].append(name)
    organizations = Organization.objects.using(using).filter(pk__in=organization_pks)
    own = {}
    fields = ["pk", "project_count", "curation", *OWN_TEXT_FIELDS]
    for pk, project_count, curation, *values in organizations.values_list(*fields):
        names = " ".join(value or "" for value in values[: len(NAME_FIELDS)])
        text = " ".join(value or "" for value in [*values[len(NAME_FIELDS) :], *areas[pk]])
        own_stems = {Tier.NAME: stems(names), Tier.OWN_TEXT: set()}
        if curation != Curation.DRAFTED:
            own_stems[Tier.OWN_TEXT] = stems(text)
        # PostgreSQL's trigger adds the words to the word list too; SQLite has only this.
        own[pk] = (project_count or 0, own_stems, listed_words(names + " " + text))
    return own


def evidence_counts(organization_pks, stem_list, *, using="default"):
    """{(organization pk, stem): projects} for these organizations and stems, in one query."""
    if not organization_pks or not stem_list:
        return {}
    rows = SearchEvidence.objects.using(using).filter(
        organization_id__in=organization_pks, word__in=stem_list
    )
    return {(o, w): n for o, w, n in rows.values_list("organization_id", "word", "projects")}
