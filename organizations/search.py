"""Searching organizations: one entry point, two paths.

search_organizations() looks at the database the queryset uses:

- PostgreSQL: full text over the stored, weighted `search_vector` column (names A, tagline
  and expertise area names B, narratives C; accents folded, English stemming) with websearch
  syntax ("quotes", or, -word), ranked by ts_rank. Before that, each word of the query is
  looked up in the word list of every profile (pg_trgm): a word nobody uses is replaced by
  the closest one that somebody does ("pediatrc oncolgy" -> "pediatric oncology"), and a
  word also finds the longer words that contain it ("klinikum" -> "universitatsklinikum").
  One GIN index answers the search, however common the words. Migration 0005_search creates
  the column, the word list and their indexes and triggers.
- SQLite (the embedded default): case-insensitive icontains over the same fields and the
  expertise names, reading quotes, "or" and -word the same way. No stemming, typos or accents.
"""

import re
from typing import NamedTuple

from django.db import connections
from django.db.models import BooleanField, Case, Expression, FloatField, Q, QuerySet, Value, When

from organizations.models import ExpertiseArea

# Created by migration 0005_search: English stemming over accent-folded words.
SEARCH_CONFIG = "portal_unaccent"

NARRATIVE_FIELDS = [
    "core_work",
    "why_partner",
    "trajectory",
    "trajectory_summary",
    "collaboration_narrative",
    "network_narrative",
    "early_focus",
    "recent_focus",
]
SEARCHED_FIELDS = ["name", "legal_name", "short_name", "tagline", *NARRATIVE_FIELDS]

# The words of a query looked up in the word list: at most MAX_LOOKED_UP of 4 to 40 letters.
# A word nobody uses is replaced by a known word at least MIN_SIMILARITY alike (pg_trgm
# similarity, 0..1, through the trigram index), the fewest edits away (Levenshtein distance).
# 0.4 lets "pediatrc" reach "pediatric" (0.58; one edit, where "pediatria" needs two) and
# "oncolgy" "oncology" (0.55), but keeps "children" from becoming "childhood" (0.36).
# A word of WIDEN_FROM letters or more also finds the (at most MAX_WIDER, shortest first)
# known words that contain it.
LOOKED_UP_WORD = re.compile(r"[^\W\d_]{4,}")
MAX_WORD_LENGTH = 40
MAX_LOOKED_UP = 10
MIN_SIMILARITY = 0.4
WIDEN_FROM = 5
MAX_WIDER = 20


class SearchResult(NamedTuple):
    # Filtered, with a search_rank alias (higher is better) to order by: computed only then.
    organizations: QuerySet
    corrected_text: str  # what was searched for instead of misspelt words; "" if nothing was


def search_organizations(queryset, q):
    """Organizations of `queryset` matching the visitor's text `q`, with a search_rank alias."""
    q = (q or "").replace("\x00", "").strip()  # PostgreSQL rejects NUL in text
    if not q:
        return SearchResult(queryset, "")
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgresql(queryset, q)
    return SearchResult(_search_fallback(queryset, q), "")


# PostgreSQL --------------------------------------------------------------------------------


class OnSearchVector(Expression):
    """`template` over the search_vector column (not a model field) and a tsquery in SQL."""

    def __init__(self, template, query_sql, params, output_field):
        super().__init__(output_field=output_field)
        self.template, self.query_sql, self.params = template, query_sql, params

    def as_sql(self, compiler, connection):
        # base_table is the organization table's alias, also when the query is a subquery.
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        vector = f"{table}.search_vector"
        return self.template % {"vector": vector, "query": self.query_sql}, list(self.params)


def _search_postgresql(queryset, q):
    words = look_up_words(q, using=queryset.db)
    corrected = LOOKED_UP_WORD.sub(lambda match: words.get(match[0], (match[0],))[0], q)
    config = f"'{SEARCH_CONFIG}'::regconfig"
    query_sql, params = f"websearch_to_tsquery({config}, %s)", [corrected]
    for word, *wider in words.values():
        if wider:  # the word, or any longer known word containing it
            query_sql = (
                f"ts_rewrite({query_sql}, plainto_tsquery({config}, %s), to_tsquery({config}, %s))"
            )
            params += [word, " | ".join(_lexeme(w) for w in [word, *wider])]
    matches = OnSearchVector("%(vector)s @@ %(query)s", query_sql, params, BooleanField())
    rank = OnSearchVector("ts_rank(%(vector)s, %(query)s)", query_sql, params, FloatField())
    organizations = queryset.filter(matches).alias(search_rank=rank)
    return SearchResult(organizations, corrected if corrected != q else "")


def _lexeme(word):
    return "'" + word.replace("'", "''") + "'"  # a quoted lexeme in to_tsquery's syntax


WORDS_SQL = """
    SELECT typed.word, correction.word, ARRAY(
               SELECT known.word FROM organizations_searchword AS known
                WHERE length(typed.folded) >= %(widen_from)s
                  AND known.word LIKE '%%' || coalesce(correction.word, typed.folded) || '%%'
                  AND known.word <> coalesce(correction.word, typed.folded)
                ORDER BY length(known.word), known.word
                LIMIT %(max_wider)s)
      FROM (SELECT word, lower(unaccent(word)) AS folded
              FROM unnest(%(words)s::text[]) AS word) AS typed
      LEFT JOIN LATERAL (
               SELECT known.word FROM organizations_searchword AS known
                WHERE NOT EXISTS (
                          SELECT FROM organizations_searchword WHERE word = typed.folded)
                  AND known.word %% typed.folded
                  AND similarity(known.word, typed.folded) >= %(min_similarity)s
                ORDER BY levenshtein(known.word, typed.folded),
                         similarity(known.word, typed.folded) DESC, known.word
                LIMIT 1) AS correction ON true
"""


def look_up_words(q, *, using="default"):
    """{typed word: (word to search for, *longer known words containing it)}, in one query.

    Only words that change something are listed: misspelt ones and those with longer words.
    """
    typed = [word for word in LOOKED_UP_WORD.findall(q) if len(word) <= MAX_WORD_LENGTH]
    typed = list(dict.fromkeys(typed))[:MAX_LOOKED_UP]
    if not typed:
        return {}
    params = {
        "words": typed,
        "widen_from": WIDEN_FROM,
        "max_wider": MAX_WIDER,
        "min_similarity": MIN_SIMILARITY,
    }
    with connections[using].cursor() as cursor:
        cursor.execute(WORDS_SQL, params)
        rows = cursor.fetchall()
    return {
        word: (correction or word, *wider)
        for word, correction, wider in rows
        if correction or wider
    }


# SQLite fallback ---------------------------------------------------------------------------

# A term: an optional "-", then a "quoted phrase" or a run of non-space characters.
TERM = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')


def parse_websearch(q):
    """Read q as websearch_to_tsquery does, roughly: a list of alternatives (split by "or"),
    each a list of (negated, text) terms that must all hold."""
    alternatives, terms = [], []
    for negated, phrase, word in TERM.findall(q):
        if phrase == "" and not negated and word.lower() == "or":
            alternatives.append(terms)
            terms = []
            continue
        text = (phrase or word).strip()
        if re.search(r"\w", text):  # a lone "-" or "!" means nothing to websearch either
            terms.append((bool(negated), text))
    alternatives.append(terms)
    return [terms for terms in alternatives if terms]


def _contains(text):
    """Organizations with `text` in a searched field or in an expertise area's name."""
    condition = Q(pk__in=ExpertiseArea.objects.filter(name__icontains=text).values("organization"))
    for field in SEARCHED_FIELDS:
        condition |= Q(**{f"{field}__icontains": text})
    return condition


def _search_fallback(queryset, q):
    alternatives = parse_websearch(q)
    matches = Q(pk__in=[])  # nothing, unless an alternative holds (as on PostgreSQL)
    for terms in alternatives:
        every_term = Q()
        for negated, text in terms:
            every_term &= ~_contains(text) if negated else _contains(text)
        matches |= every_term
    # A name holding the whole query ranks first; there is no better measure here.
    rank = Case(
        When(name__icontains=q, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
    )
    return queryset.filter(matches).alias(search_rank=rank)
