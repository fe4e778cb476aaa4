"""Searching organizations: one entry point, two paths.

search_organizations() reads the visitor's text into terms once (read_query: at most
MAX_TERMS words or phrases, no run of operators) and searches for the clean query it
rebuilds, on the path of the database the queryset uses:

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
    terms_left_out: int  # words or phrases past MAX_TERMS, not searched for


def search_organizations(queryset: QuerySet, q: str | None) -> SearchResult:
    """Organizations of `queryset` matching the visitor's text `q`, with a search_rank alias.

    `q` is read into terms once (read_query); both paths search for the clean query.
    """
    q = (q or "").replace("\x00", "")  # PostgreSQL rejects NUL in text
    if not q.strip():
        return SearchResult(queryset, "", 0)
    query = read_query(q)
    if not query.alternatives:  # punctuation alone: no word to find, as on websearch
        nothing = queryset.none().alias(search_rank=Value(0.0, output_field=FloatField()))
        return SearchResult(nothing, "", 0)
    if connections[queryset.db].vendor == "postgresql":
        organizations, corrected = _search_postgresql(queryset, query.text)
    else:
        organizations, corrected = _search_fallback(queryset, query), ""
    return SearchResult(organizations, corrected, query.terms_left_out)


# The visitor's query -----------------------------------------------------------------------

# At most MAX_TERMS terms (a word or a "quoted phrase", negated or not) are searched for. A
# search box holds a few words: past ten, a query is a pasted sentence whose last words
# change little, while each term costs an operand of the tsquery on PostgreSQL and an
# icontains over every searched field on SQLite. Ten is also MAX_LOOKED_UP: every searched
# word can be spell-checked.
MAX_TERMS = 10

# A term: an optional "-", then a "quoted phrase" or a run of non-space characters.
TERM = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')
# websearch_to_tsquery reads a "-" at the start of a word, or after one of !&|()<, as "not",
# and nests each "not" one level deeper in a stack of 32 ("tsquery stack too small"): in a
# word, only a hyphen between a letter or digit and what follows is kept.
LOOSE_HYPHEN = re.compile(r"(?<!\w)-")
# Punctuation around a word means nothing to websearch: dropped, so that SQLite's icontains
# looks for "cancer" in "(cancer)," too.
EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


class Term(NamedTuple):
    negated: bool
    text: str
    phrase: bool = False

    def __str__(self):
        text = f'"{self.text}"' if self.phrase else self.text
        return f"-{text}" if self.negated else text


class Query(NamedTuple):
    alternatives: list  # of lists of Term: "or" between the lists, "and" within one
    terms_left_out: int  # terms past MAX_TERMS, not searched for

    @property
    def text(self) -> str:
        """The query in websearch syntax, with no operator but one "-" per term and "or"."""
        return " or ".join(" ".join(map(str, terms)) for terms in self.alternatives)


def read_query(q: str) -> Query:
    """Read q as websearch_to_tsquery does: "quoted phrases", "or" between alternatives,
    -term. Terms holding no letter or digit are dropped (a lone "-" or "!" means nothing to
    websearch either), runs of operators become one, and only MAX_TERMS terms are kept."""
    alternatives, terms, kept, left_out = [], [], 0, 0
    for negated, phrase, word in TERM.findall(q):
        if phrase:
            term = Term(bool(negated), phrase.strip(), phrase=True)
        else:
            text = EDGE_PUNCTUATION.sub("", LOOSE_HYPHEN.sub("", word.replace('"', "")))
            term = Term(bool(negated), text)
        if not term.negated and not term.phrase and term.text.lower() == "or":
            alternatives.append(terms)
            terms = []
        elif not re.search(r"\w", term.text):
            continue
        elif kept == MAX_TERMS:
            left_out += 1
        else:
            terms.append(term)
            kept += 1
    alternatives.append(terms)
    return Query([terms for terms in alternatives if terms], left_out)


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
    """The matching organizations, and `q` with misspelt words corrected ("" if none were)."""
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
    return organizations, corrected if corrected != q else ""


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


def _contains(text):
    """Organizations with `text` in a searched field or in an expertise area's name."""
    condition = Q(pk__in=ExpertiseArea.objects.filter(name__icontains=text).values("organization"))
    for field in SEARCHED_FIELDS:
        condition |= Q(**{f"{field}__icontains": text})
    return condition


def _search_fallback(queryset, query):
    matches = Q(pk__in=[])  # nothing, unless an alternative holds (as on PostgreSQL)
    for terms in query.alternatives:
        every_term = Q()
        for term in terms:
            every_term &= ~_contains(term.text) if term.negated else _contains(term.text)
        matches |= every_term
    # A name holding the whole query ranks first; there is no better measure here.
    rank = Case(
        When(name__icontains=query.text, then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return queryset.filter(matches).alias(search_rank=rank)
