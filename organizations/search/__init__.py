"""Searching organizations: by their own text first, then by what their projects are about.

search_organizations() reads the visitor's text into terms once (query.read_query), looks
its words up in the word list (words.py: misspelt words corrected, long words widened to
the known words containing them), and keeps the organizations for which every term of an
alternative is found, in its own text or in its projects' subjects:

- a word, in the evidence table (evidence.py), the same on both databases: one row per
  organization and stem, from its names, its reviewed own text (tagline, expertise,
  narratives) and its projects' subjects, with the tier that says which;
- a phrase, whose words' order counts, in its own text by full text search: PostgreSQL's
  (postgresql.py) or SQLite's FTS5 (sqlite.py); or with every word among its projects'.

The rank puts an organization whose name matches first, then one whose own text does, then
the others; within each, more matching projects first, then more projects in all.
ranked_page() (page.py) reads a page in that order; why_matched() says on each card which
of these found it.
"""

from typing import NamedTuple

from django.db import connections
from django.db.models import BooleanField, Case, F, FloatField, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest, Least

from organizations.models.stored import SAMPLE_MASK
from organizations.search import postgresql, sqlite
from organizations.search.evidence import TIER_RANKS, Tier
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
NAME_TIER = TIER_RANKS[Tier.NAME]
OWN_TEXT_TIER = TIER_RANKS[Tier.OWN_TEXT]


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

    def matching(self, queryset: QuerySet, sample: int = 1, *, by_id=True) -> QuerySet:
        """`queryset` (the one searched, or it filtered further) cut to the matches, with
        the search_rank alias; with `sample`, to every sample-th of them by id (facets.py
        estimates from it). by_id=False when other filters narrow `queryset`: PostgreSQL
        may then start from them (postgresql.id_in)."""
        if not self.alternatives:
            return _nothing(queryset) if self.organizations.query.is_empty() else queryset
        backend = _backend(queryset)
        return queryset.filter(_matches(backend, self.alternatives, sample, by_id)).alias(
            search_rank=_rank(backend, self.alternatives)
        )

    def size_bound(self, *, using="default") -> int | None:
        """About the number of matches at most, from the evidence index alone: per
        alternative, the rows of its rarest positive word, counted exactly up to a limit and
        estimated past it. None when an alternative has none (a search for -word alone)."""
        return matches_bound(self.alternatives, using=using)


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
    corrected = LOOKED_UP_WORD.sub(lambda m: looked_up.get(m[0], (m[0],))[0], query.text)
    corrected = corrected if corrected != query.text else ""
    result = SearchResult(queryset, corrected, query.terms_left_out, alternatives)
    return result._replace(organizations=result.matching(queryset))


def _backend(queryset):
    return postgresql if connections[queryset.db].vendor == "postgresql" else sqlite


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

EVIDENCE = "organizations_searchevidence"
# A sample of the results is every step-th organization by id (facets.py estimates counts
# from it): the condition is repeated inside each evidence subquery, where, for a step
# dividing SAMPLES, it is a range of searchevidence_sample_idx (its expression written out,
# as the index has it: SQLite matches it as written) and cuts the rows read from the index.
SAMPLES = SAMPLE_MASK + 1
SAMPLE_KEY = f"(organization_id & {SAMPLE_MASK:d})"


def in_sample(step):
    """SQL (and its parameters) keeping the evidence rows of every step-th organization."""
    if SAMPLES % step:
        return "organization_id %% %s = 0", [step]
    keys = list(range(0, SAMPLES, step))
    return f"{SAMPLE_KEY} IN ({_placeholders(keys)})", keys


def _word_ids(word_stems, *, projects_only=False, own_text_only=False, sample=1):
    """SQL selecting the organizations whose evidence has one of `word_stems`."""
    sql = f"SELECT organization_id FROM {EVIDENCE} WHERE word IN ({_placeholders(word_stems)})"
    params = list(word_stems)
    if projects_only:
        sql += " AND projects > 0"
    if own_text_only:
        sql += " AND tier >= %s"
        params.append(Tier.OWN_TEXT)
    if sample > 1:
        sample_sql, sample_params = in_sample(sample)
        sql += f" AND {sample_sql}"
        params += sample_params
    return sql, params


def _every_word(term, sample, **only):
    parts, params = [], []
    for word_stems in term.stems():
        sql, word_params = _word_ids(word_stems, sample=sample, **only)
        parts.append(sql)
        params += word_params
    return " INTERSECT ".join(parts), params


def _term_ids(backend, term, sample=1):
    """SQL selecting the ids of the organizations `term` finds, with its parameters.

    A word is found in the evidence table, which holds the words of an organization's
    names, its reviewed own text and its projects' subjects. A phrase needs its words in
    order: full text search of the organization's own text (of those whose own text has
    every word: read from the evidence, that cuts a sample's full text search to the
    sample), or every word among its projects' subjects (in any of them: the evidence
    keeps no word order)."""
    if not term.phrase:
        sql, params = _every_word(term, sample)
        return sql or "SELECT NULL WHERE 1 = 0", params  # stop words only: dropped before
    sql, params = backend.own_ids(term)
    own_text, own_text_params = _every_word(term, sample, own_text_only=True)
    if own_text and backend.ID and sample > 1:
        sql += f" AND {backend.ID} IN ({own_text})"
        params = [*params, *own_text_params]
    projects, projects_params = _every_word(term, sample, projects_only=True)
    if projects:
        sql += f" UNION SELECT organization_id FROM ({projects}) AS found"
        params = [*params, *projects_params]
    return sql, params


def _matches(backend, alternatives, sample=1, by_id=True):
    negated = any(term.negated for terms in alternatives for term in terms)
    if (len(alternatives) > 1 or negated) and all(_positive(terms) for terms in alternatives):
        sql, params = _union_of_alternatives(backend, alternatives, sample, by_id)
    else:
        sql, params = _every_alternative(backend, alternatives, sample, by_id)
    # A positive word's ids are the sample's already (_word_ids): said again of the
    # organizations, the condition made PostgreSQL expect a two-hundredth of them and read
    # them all (a hash join) rather than look the sample's up.
    words = [[t for t in terms if not t.negated and not t.phrase] for terms in alternatives]
    if sample > 1 and not all(words):
        sql += " AND {table}.id %% %s = 0"
        params.append(sample)
    return TableSQL(sql, params, BooleanField())


def _union_of_alternatives(backend, alternatives, sample, by_id):
    """ "a b -c or d": the ids of each alternative (its positive terms' intersected, less its
    negated terms') in one union, which the organizations are joined with: a condition per
    alternative, ORed, was tested on every organization (14 ms for "cancer or tumour or
    oncology" on 45,000), and so was a NOT IN beside an IN ("university -hospital").
    Every alternative has a positive term: it comes first."""
    parts, params = [], []
    for terms in alternatives:
        sets = []
        for n, term in enumerate(sorted(terms, key=lambda term: term.negated)):
            sql, term_params = _term_ids(backend, term, sample)
            operator = "" if n == 0 else " EXCEPT " if term.negated else " INTERSECT "
            sets.append(f"{operator}SELECT * FROM ({sql}) AS term{n}")
            params += term_params
        parts.append(f"SELECT * FROM ({''.join(sets)}) AS alternative{len(parts)}")
    return backend.id_in([" UNION ".join(parts)], by_id=by_id), params


def _positive(terms):
    return any(not term.negated for term in terms)


def _every_alternative(backend, alternatives, sample, by_id):
    conditions, params = [], []
    for terms in alternatives:
        positive = [_term_ids(backend, term, sample) for term in terms if not term.negated]
        negated = [_term_ids(backend, term, sample) for term in terms if term.negated]
        every = [backend.id_in([sql for sql, _ in positive], by_id=by_id)] if positive else []
        every += [f"{{table}}.id NOT IN ({sql})" for sql, _ in negated]
        params += [param for _, term_params in positive + negated for param in term_params]
        conditions.append("(" + " AND ".join(every) + ")")
    return "(" + " OR ".join(conditions) + ")", params


# How they rank ---------------------------------------------------------------------------

PROJECTS_SQL = (
    "(SELECT max(projects) FROM organizations_searchevidence"
    " WHERE organization_id = {table}.id AND word IN (%s))"
)
TIER_SQL = (
    "EXISTS (SELECT 1 FROM organizations_searchevidence"
    " WHERE organization_id = {table}.id AND word IN (%s) AND tier >= %%s)"
)


def _positive_words(alternatives):
    """Per alternative, the stems of each of its positive words."""
    return [
        [s for term in terms if not term.negated for s in term.stems()] for terms in alternatives
    ]


def _has_phrase(alternatives):
    return any(term.phrase for terms in alternatives for term in terms if not term.negated)


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


def _evidence_tiers(alternatives):
    """(name matches, own text matches) from the evidence's tiers: every word of an
    alternative has a row of that tier or above."""

    def every_word(tier):
        words = [words for words in _positive_words(alternatives) if words]
        sql = " OR ".join(
            "(" + " AND ".join(TIER_SQL % _placeholders(s) for s in stems) + ")" for stems in words
        )
        params = [p for stems in words for s in stems for p in [*s, tier]]
        return TableSQL(f"({sql or '1 = 0'})", params, BooleanField())

    return every_word(Tier.NAME), every_word(Tier.OWN_TEXT)


def _tier(backend, alternatives):
    """NAME_TIER if every positive term of an alternative is in the name, else
    OWN_TEXT_TIER if every one is in the organization's own text, else 0. Every term, not
    any: for "hydrogen aviation", a company named "... Aviation" with one project on
    hydrogen must not outrank the research centre with 18 projects on both. Words are
    looked up in the evidence's tiers; phrases, whose words' order counts, in full text."""
    positive = [
        kept for kept in ([t for t in terms if not t.negated] for terms in alternatives) if kept
    ]
    if not positive:
        return Value(0.0, output_field=FloatField())
    if _has_phrase(positive):
        name_matches, own_text_matches = backend.rank_parts(positive)
    else:
        name_matches, own_text_matches = _evidence_tiers(positive)
    return Case(
        When(name_matches, then=Value(NAME_TIER)),
        When(own_text_matches, then=Value(OWN_TEXT_TIER)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def one_word_stems(alternatives):
    """The stems of a search ranked by its best evidence row (evidence.rank_of), else None:
    a search of one word (negated words beside it allowed) or of one word per alternative
    ("cancer or tumour", none negated), each word with all the stems it was widened to. Its
    rank is the best of its rows': the tier, then the matching projects, of the stem that
    ranks it highest (the aggregated rank would add one stem's tier to another's projects).
    search.page reads its page in that order from the rank index."""
    if any(term.phrase for terms in alternatives for term in terms):
        return None
    if len(alternatives) > 1 and any(term.negated for terms in alternatives for term in terms):
        return None
    stems = []
    for terms in alternatives:
        positive = [term for term in terms if not term.negated]
        words = positive[0].stems() if len(positive) == 1 else []
        if len(words) != 1:
            return None
        stems += words[0]
    return sorted(set(stems))


BEST_RANK_SQL = (
    "(SELECT max(rank) FROM organizations_searchevidence"
    " WHERE organization_id = {table}.id AND word IN (%s))"
)


def _rank(backend, alternatives):
    stems = one_word_stems(alternatives)
    if stems is not None:
        sql = BEST_RANK_SQL % _placeholders(stems)
        return Coalesce(TableSQL(sql, stems, FloatField()), Value(0.0))
    # Ties go to the organization with more projects in all: a stored figure, where a text
    # rank (ts_rank, bm25) would be computed for every match of a common word.
    importance = F("project_count") / (F("project_count") + Value(1.0))
    projects = _matching_projects(alternatives, _looked_up_projects, Least, Greatest, Value(0.0))
    return _tier(backend, alternatives) + projects + importance


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


# The ranked page reads this module's rank and matches: imported once they are defined.
from organizations.search.bound import matches_bound  # noqa: E402
from organizations.search.page import ranked_page  # noqa: E402
from organizations.search.why import why_matched  # noqa: E402
