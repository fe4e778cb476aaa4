"""Searching organizations: by their own text first, then by what their projects are about.

search_organizations() reads the visitor's text into terms once (query.read_query), looks
its words up in the word list (words.py: misspelt words corrected, long words widened to
the known words containing them), and keeps the organizations for which every term of an
alternative is found, in its own text or in its projects' subjects:

- its own text: names (weight A), tagline and expertise areas (B), narratives (C), on
  PostgreSQL's full text search (postgresql.py) or SQLite's FTS5 (sqlite.py);
- its projects' subjects: the evidence table (evidence.py), the same on both databases.

The rank puts an organization whose name matches first, then one whose own text does, then
the others; within each, more matching projects first, then more projects in all.
why_matched() says on each card which of these found it.
"""

from typing import NamedTuple

from django.db import connections
from django.db.models import BooleanField, Case, F, FloatField, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest, Least

from organizations.models import CARD_FIELDS
from organizations.search import postgresql, sqlite
from organizations.search.evidence import evidence_counts
from organizations.search.expressions import TableSQL
from organizations.search.query import MAX_TERMS, Query, Term, read_query
from organizations.search.words import (
    LOOKED_UP_WORD,
    STOP_WORDS,
    WORD,
    fold,
    look_up_words,
    spellings,
    stem,
    stems,
)

__all__ = [
    "MAX_TERMS",
    "Query",
    "Term",
    "ranked_page",
    "read_query",
    "search_organizations",
    "why_matched",
]

# The rank's tiers: a name match outranks any number of projects, which outrank text alone.
NAME_TIER = 2e9
OWN_TEXT_TIER = 1e9


class SearchedTerm(NamedTuple):
    """A term of the query, its words looked up in the word list."""

    negated: bool
    phrase: bool
    text: str  # a phrase's text, misspelt words corrected
    words: list  # per word: (the word to search for, *longer known words containing it)

    def evidence_words(self):
        """(word, the stems its evidence is filed under) per word but stop words."""
        return [
            (variants[0], sorted({stem(fold(variant)) for variant in variants}))
            for variants in self.words
            if fold(variants[0]) not in STOP_WORDS
        ]

    def stems(self):
        return [word_stems for _, word_stems in self.evidence_words()]


class SearchResult(NamedTuple):
    # Filtered, with a search_rank alias (higher is better) to order by: computed only then.
    organizations: QuerySet
    corrected_text: str  # what was searched for instead of misspelt words; "" if nothing was
    terms_left_out: int  # words or phrases past MAX_TERMS, not searched for
    alternatives: list = []  # of lists of SearchedTerm, for why_matched


def search_organizations(queryset: QuerySet, q: str | None) -> SearchResult:
    """Organizations of `queryset` matching the visitor's text `q`, with a search_rank alias."""
    q = (q or "").replace("\x00", "")  # PostgreSQL rejects NUL in text
    if not q.strip():
        return SearchResult(queryset, "", 0)
    query = read_query(q)
    if not query.alternatives:  # punctuation alone: no word to find, as on websearch
        return SearchResult(_nothing(queryset), "", 0)
    looked_up = look_up_words(query.text, using=queryset.db)
    alternatives = [
        terms for terms in (_searched(alt, looked_up) for alt in query.alternatives) if terms
    ]
    if not alternatives:  # stop words alone
        return SearchResult(_nothing(queryset), "", query.terms_left_out)
    backend = postgresql if connections[queryset.db].vendor == "postgresql" else sqlite
    organizations = queryset.filter(_matches(backend, alternatives)).alias(
        search_rank=_rank(backend, alternatives)
    )
    corrected = LOOKED_UP_WORD.sub(lambda m: looked_up.get(m[0], (m[0],))[0], query.text)
    corrected = corrected if corrected != query.text else ""
    return SearchResult(organizations, corrected, query.terms_left_out, alternatives)


def _nothing(queryset):
    return queryset.none().alias(search_rank=Value(0.0, output_field=FloatField()))


def _searched(terms, looked_up):
    searched = []
    for term in terms:
        words = [
            tuple(dict.fromkeys((*looked_up.get(word, (word,)), *spellings(word)[1:])))
            for word in WORD.findall(term.text)
        ]
        if not term.phrase:
            words = [w for w in words if fold(w[0]) not in STOP_WORDS]
        if not words:
            continue
        text = LOOKED_UP_WORD.sub(lambda m: looked_up.get(m[0], (m[0],))[0], term.text)
        searched.append(SearchedTerm(term.negated, term.phrase, text, words))
    return searched


# Which organizations match --------------------------------------------------------------


EVIDENCE_SQL = "SELECT organization_id FROM organizations_searchevidence WHERE word IN (%s)"


def _term_ids(backend, term):
    """SQL selecting the ids of the organizations `term` finds, with its parameters."""
    sql, params = backend.own_ids(term)
    evidence = []
    for word_stems in term.stems():
        evidence.append(EVIDENCE_SQL % ", ".join(["%s"] * len(word_stems)))
        params = [*params, *word_stems]
    if evidence:
        # Every word of the term among the projects' subjects (in any of them: the
        # evidence keeps no word order, so a phrase is read as its words).
        sql += f" UNION SELECT organization_id FROM ({' INTERSECT '.join(evidence)}) AS found"
    return sql, params


def _matches(backend, alternatives):
    conditions, params = [], []
    for terms in alternatives:
        every = []
        for term in terms:
            sql, term_params = _term_ids(backend, term)
            every.append(f"{{table}}.id {'NOT IN' if term.negated else 'IN'} ({sql})")
            params += term_params
        conditions.append("(" + " AND ".join(every) + ")")
    return TableSQL("(" + " OR ".join(conditions) + ")", params, BooleanField())


# How they rank ---------------------------------------------------------------------------

PROJECTS_SQL = (
    "(SELECT max(projects) FROM organizations_searchevidence"
    " WHERE organization_id = {table}.id AND word IN (%s))"
)


def _positive_words(alternatives):
    """Per alternative, the stems of each of its positive words."""
    return [
        [s for term in terms if not term.negated for s in term.stems()] for terms in alternatives
    ]


def _matching_projects(alternatives, projects_of, fewest, most, zero):
    """The number of matching projects: per alternative the fewest of its words' (an upper
    bound of the projects holding them all), the most over the alternatives. `projects_of`
    gives a word's (its stems'), `fewest` and `most` combine two or more, `zero` is none."""
    per_alternative = [
        fewest(*counts) if len(counts) > 1 else counts[0]
        for counts in ([projects_of(s) for s in words] for words in _positive_words(alternatives))
        if counts
    ]
    if not per_alternative:
        return zero
    return most(*per_alternative) if len(per_alternative) > 1 else per_alternative[0]


def _looked_up_projects(word_stems):
    """A result's projects on a word, looked up for it (a correlated subquery)."""
    sql = PROJECTS_SQL % ", ".join(["%s"] * len(word_stems))
    return Coalesce(TableSQL(sql, word_stems, FloatField()), Value(0.0))


def _tier(backend, alternatives):
    """NAME_TIER if every positive term of an alternative is in the name, else
    OWN_TEXT_TIER if every one is in the organization's own text, else 0. Every term, not
    any: for "hydrogen aviation", a company named "... Aviation" with one project on
    hydrogen must not outrank the research centre with 18 projects on both."""
    positive = [
        kept for kept in ([t for t in terms if not t.negated] for terms in alternatives) if kept
    ]
    if not positive:
        return Value(0.0, output_field=FloatField())
    name_matches, own_text_matches = backend.rank_parts(positive)
    return Case(
        When(name_matches, then=Value(NAME_TIER)),
        When(own_text_matches, then=Value(OWN_TEXT_TIER)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _rank(backend, alternatives):
    # Ties go to the organization with more projects in all: a stored figure, where a text
    # rank (ts_rank, bm25) would be computed for every match of a common word.
    importance = F("project_count") / (F("project_count") + Value(1.0))
    projects = _matching_projects(alternatives, _looked_up_projects, Least, Greatest, Value(0.0))
    return _tier(backend, alternatives) + projects + importance


# The ranked page ---------------------------------------------------------------------------

RANKED_PAGE_SQL = """
    SELECT found.* FROM ({found}) AS found
      LEFT JOIN ({evidence}) AS evidence ON evidence.organization_id = found.id
     ORDER BY (found.search_tier + {projects}
               + found.project_count / (found.project_count + 1.0)) DESC,
              found.name, found.id
     LIMIT %s OFFSET %s
"""


def ranked_page(result: SearchResult, results: QuerySet, start: int, stop: int) -> list:
    """Organizations start:stop of `results` (result.organizations, filtered), in the order
    of their search_rank alias (then name, then id), in one statement.

    The same rank, read differently: the search_rank alias looks a result's matching
    projects up per result, which for a common word (tens of thousands of results) costs
    more than the rest of the page; here each word's evidence is read once, aggregated per
    organization, and joined.
    """
    backend = postgresql if connections[results.db].vendor == "postgresql" else sqlite
    found = results.annotate(search_tier=_tier(backend, result.alternatives)).order_by()
    found = found.values(*dict.fromkeys(["id", "name", *CARD_FIELDS, "search_tier"]))
    found, params = found.query.sql_with_params()
    # One column per word: its projects (its stems' most), for the organizations having any.
    words = list(dict.fromkeys(tuple(s) for s in _flat(_positive_words(result.alternatives))))
    columns, evidence_params = [], []
    for n, word_stems in enumerate(words):
        in_word = f"word IN ({_placeholders(word_stems)})"
        columns.append(f"max(CASE WHEN {in_word} THEN projects END) AS w{n}")
        evidence_params += word_stems
    all_stems = sorted({s for word_stems in words for s in word_stems})
    evidence = (
        f"SELECT organization_id, {', '.join(columns) or '0 AS w'}"
        f" FROM organizations_searchevidence WHERE word IN ({_placeholders(all_stems) or 'NULL'})"
        " GROUP BY organization_id"
    )
    evidence_params += all_stems
    # min() and max() of two or more values are SQLite's LEAST() and GREATEST().
    fewest, most = ("LEAST", "GREATEST") if backend is postgresql else ("min", "max")
    projects = _matching_projects(
        result.alternatives,
        lambda word_stems: f"coalesce(evidence.w{words.index(tuple(word_stems))}, 0)",
        lambda *parts: f"{fewest}({', '.join(parts)})",
        lambda *parts: f"{most}({', '.join(parts)})",
        "0",
    )
    sql = RANKED_PAGE_SQL.format(found=found, evidence=evidence, projects=projects)
    manager = results.model._default_manager.db_manager(results.db)
    return list(manager.raw(sql, [*params, *evidence_params, stop - start, start]))


def _flat(lists):
    return [item for items in lists for item in items]


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


# Why each result matched ----------------------------------------------------------------


def why_matched(result: SearchResult, organizations, *, using="default"):
    """Set `why_matched` on each of `organizations` (a page of results): "Name" and/or
    "12 projects on oncology", or "profile text". One query."""
    organizations = list(organizations)
    if not result.alternatives or not organizations:
        return
    all_stems = sorted(
        {s for terms in result.alternatives for t in terms for w in t.stems() for s in w}
    )
    counts = evidence_counts([o.pk for o in organizations], all_stems, using=using)
    for organization in organizations:
        reasons = []
        name_stems = stems(organization.name)
        positive = [t for terms in result.alternatives for t in terms if not t.negated]
        if any(set(s) & name_stems for t in positive for s in t.stems()):
            reasons.append("name")
        projects = _projects_text(organization.pk, result.alternatives, counts)
        if projects:
            reasons.append(projects)
        organization.why_matched = " · ".join(reasons) or "profile text"


def _projects_text(pk, alternatives, counts):
    best = []
    for terms in alternatives:
        found = []
        for term in terms:
            if term.negated:
                continue
            for word, word_stems in term.evidence_words():
                n = max((counts.get((pk, s), 0) for s in word_stems), default=0)
                found.append((n, word))
        if (
            found
            and all(n for n, _ in found)
            and sum(n for n, _ in found) > sum(n for n, _ in best)
        ):
            best = found
    if not best:
        return ""
    (n, word), *rest = best
    text = f"{n} project{'s' if n != 1 else ''} on {word}"
    return ", ".join([text, *(f"{n} on {word}" for n, word in rest)])
