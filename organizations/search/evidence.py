"""What an organization's projects are about: the search's evidence below its own text.

refresh_search(organization_pks) rewrites, for those organizations only, the table of
(organization, stem, number of its projects whose subjects hold the stem) and adds the
subjects' words to the word list. The import calls it for the organizations it touched,
refresh_stats for all, and signals (organizations.apps) for each save in the admin.

A project's subjects: acronym, title, keywords, fields of science, topics and programme
parts. Most HORIZON titles are the acronym again; the classifications are the real evidence.
Objectives are left out: they would multiply the table, and their words say more often what
a project uses than what it is about.
"""

import sys
from collections import Counter, defaultdict

from django.apps import apps
from django.db import transaction

from base.database import rewrite_rows
from organizations.models import ExpertiseArea, Organization, SearchEvidence
from organizations.search.words import add_words, listed_words, stems

# Organizations (and projects) read at a time; under SQLite's 999 query parameters.
CHUNK = 900
# The fields of a project its subjects' text reads, besides its keywords and classifications
# (the import rewrites the evidence of a project's members when one changes).
PROJECT_FIELDS_IN_SEARCH = frozenset({"acronym", "title"})
EVIDENCE_COLUMNS = ["organization_id", "word", "projects"]
OWN_TEXT_FIELDS = [
    "name",
    "legal_name",
    "short_name",
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


def _model(name):
    # A string reference keeps the apps' dependency one way (projects -> organizations).
    return apps.get_model("projects", name)


def _chunks(keys):
    keys = sorted(set(keys))
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def project_subjects(project_pks, *, using="default"):
    """{project pk: the text of its subjects}, in five queries a chunk."""
    Project = _model("Project")
    texts = defaultdict(list)
    through = [
        (Project.keywords.through, "keyword__name"),
        (Project.fields_of_science.through, "fieldofscience__title"),
        (Project.topics.through, "topic__title"),
        (_model("ProjectProgrammePart"), "programme_part__title"),
    ]
    for chunk in _chunks(project_pks):
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


def refresh_search(organization_pks, *, using="default") -> int:
    """Rewrite the evidence of these organizations; return how many were refreshed."""
    Participation = _model("Participation")
    # A project of several organizations is read once. Its stems are kept as a tuple of
    # interned strings: one copy of each stem for every project, not a set and its own
    # strings per project (at twice H2020's size, 70,000 sets took 200 MB).
    project_stems = {}
    refreshed = 0
    for chunk in _chunks(organization_pks):
        links = (
            Participation.objects.using(using)
            .filter(organization_id__in=chunk)
            .values_list("organization_id", "project_id")
            .distinct()
        )
        projects_of = defaultdict(set)
        for organization, project in links:
            projects_of[organization].add(project)
        unread = {p for projects in projects_of.values() for p in projects} - project_stems.keys()
        words = set()
        for pk, text in project_subjects(unread, using=using).items():
            project_stems[pk] = tuple(map(sys.intern, stems(text)))
            words |= listed_words(text)
        words |= _own_words(chunk, using=using)
        rows = []
        for organization, projects in projects_of.items():
            counts = Counter(s for project in projects for s in project_stems.get(project, ()))
            rows += [(organization, word[:100], n) for word, n in counts.items()]
        with transaction.atomic(using=using):
            # Only the rows that differ: most of what an import recounts comes out the same.
            rewrite_rows(SearchEvidence, EVIDENCE_COLUMNS, chunk, rows, using=using)
            add_words(words, using=using)
        refreshed += len(chunk)
    return refreshed


def _own_words(organization_pks, *, using):
    """The words of these organizations' own text, for the word list (PostgreSQL's trigger
    adds them too; SQLite has only this)."""
    organizations = Organization.objects.using(using).filter(pk__in=organization_pks)
    words = set()
    for values in organizations.values_list(*OWN_TEXT_FIELDS):
        words |= listed_words(" ".join(value or "" for value in values))
    areas = ExpertiseArea.objects.using(using).filter(organization_id__in=organization_pks)
    for name in areas.values_list("name", flat=True):
        words |= listed_words(name)
    return words


def evidence_counts(organization_pks, stem_list, *, using="default"):
    """{(organization pk, stem): projects} for these organizations and stems, in one query."""
    if not organization_pks or not stem_list:
        return {}
    rows = SearchEvidence.objects.using(using).filter(
        organization_id__in=organization_pks, word__in=stem_list
    )
    return {(o, w): n for o, w, n in rows.values_list("organization_id", "word", "projects")}
