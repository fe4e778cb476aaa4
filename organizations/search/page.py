"""The page of a search sorted by relevance, read in one statement.

The search_rank alias (search/__init__.py) looks a result's evidence up per result, which
for a common word (tens of thousands of results) costs more than the rest of the page. Here
the same order is read differently:

- a search of one word (negated words allowed), or of words each an alternative of its own
  ("cancer or tumour"), most searches, reads the evidence rows of the word's stems in the
  order of their stored rank, from the index searchevidence_rank_idx, and stops at the page:
  its rank is the best of its stems' rows' (evidence.rank_of; search.one_word_stems);
- any other search aggregates each word's evidence once per organization and joins it.
"""

from django.db.models import QuerySet

from organizations.models import CARD_FIELDS
from organizations.search import (
    EVIDENCE,
    SearchResult,
    _backend,
    _has_phrase,
    _matching_projects,
    _placeholders,
    _positive_words,
    _term_ids,
    _tier,
    one_word_stems,
    postgresql,
)
from organizations.search.evidence import TIER_RANKS, Tier

ONE_WORD_PAGE_SQL = """
    SELECT found.* FROM {evidence} AS evidence
      JOIN ({found}) AS found ON found.id = evidence.organization_id
     WHERE evidence.word = %s {negated}
     ORDER BY evidence.rank DESC, found.name, found.id
     LIMIT %s OFFSET %s
"""
# Several stems (a word widened to the known words containing it: "energy", "bioenergy"):
# the first `stop` rows of each stem in its index order (as above, each cut at the page),
# then each organization's best. An organization of the page has its best row among the
# first `stop` of its stem's: the organizations before it there rank before it on the page.
# (One index scan of all the stems would read and sort every row: "energy" has 8,400 on
# HORIZON.)
STEM_ROWS_SQL = """
    SELECT * FROM (
        SELECT evidence.organization_id, evidence.rank, found.name FROM {evidence} AS evidence
          JOIN ({found}) AS found ON found.id = evidence.organization_id
         WHERE evidence.word = %s {negated}
         ORDER BY evidence.rank DESC, found.name, found.id
         LIMIT %s) AS stem
"""
# PostgreSQL plans the stem's statement once, for every stem (a LATERAL join), where a
# UNION ALL of twenty stems took 15 ms to plan; SQLite, which has no LATERAL, plans fast.
LATERAL_STEM_ROWS_SQL = """
    SELECT stem.* FROM unnest(%s::text[]) AS stems (word) CROSS JOIN LATERAL (
        SELECT evidence.organization_id, evidence.rank, found.name FROM {evidence} AS evidence
          JOIN ({found}) AS found ON found.id = evidence.organization_id
         WHERE evidence.word = stems.word {negated}
         ORDER BY evidence.rank DESC, found.name, found.id
         LIMIT %s) AS stem
"""
# The page is cut from the stems' rows, which carry the name the order needs, before the
# card's columns are read: read for every row, they were a second look-up of each (the
# 3,657 of "research" on HORIZON's page 200).
STEMS_PAGE_SQL = """
    SELECT found.* FROM (
        SELECT organization_id, name, max(rank) AS rank FROM ({rows}) AS stems
         GROUP BY organization_id, name
         ORDER BY max(rank) DESC, name, organization_id
         LIMIT %s OFFSET %s) AS best
      JOIN ({found}) AS found ON found.id = best.organization_id
     ORDER BY best.rank DESC, found.name, found.id
"""

# Every result ranked from its id, name and projects alone, and the page cut, before the
# card's columns are read for the page's twenty ({cards}: the table, unfiltered). Read for
# every result, they took a fifth of the statement: the 29,000 results of "quantum
# computing" or photonics in the 45,000-organization sample 203 -> 163 ms, HORIZON's 2,652
# of "climate change" 30 -> 26 ms. (Ranking every result is the rest of it.)
RANKED_PAGE_SQL = """
    SELECT cards.* FROM (
        SELECT found.id, found.name,
               {tier} + {projects} + found.project_count / (found.project_count + 1.0)
                   AS rank
          FROM ({found}) AS found
          LEFT JOIN ({evidence}) AS evidence ON evidence.organization_id = found.id
         ORDER BY rank DESC, found.name, found.id
         LIMIT %s OFFSET %s) AS page
      JOIN ({cards}) AS cards ON cards.id = page.id
     ORDER BY page.rank DESC, page.name, page.id
"""


def ranked_page(
    result: SearchResult, results: QuerySet, start: int, stop: int, *, filtered: QuerySet
) -> list:
    """Organizations start:stop of `results` (result.organizations, filtered), in the order
    of their search_rank alias (then name, then id), in one statement. `filtered` is the
    same queryset filtered but not searched: the one-word page starts from the evidence."""
    words = one_word_stems(result.alternatives)
    if words is not None:
        return _one_word_page(result, words, filtered, start, stop)
    return _aggregated_page(result, results, start, stop)


def _card_rows(queryset, *extra):
    return queryset.order_by().values(*dict.fromkeys(["id", "name", *CARD_FIELDS, *extra]))


def _one_word_page(result, words, filtered, start, stop):
    backend = _backend(filtered)
    found, params = _card_rows(filtered).query.sql_with_params()
    negated, negated_params = [], []
    for term in result.alternatives[0] if len(result.alternatives) == 1 else ():
        if term.negated:
            sql, term_params = _term_ids(backend, term)
            negated.append(f"AND evidence.organization_id NOT IN ({sql})")
            negated_params += term_params
    negated = " ".join(negated)
    manager = filtered.model._default_manager.db_manager(filtered.db)
    if len(words) == 1:
        sql = ONE_WORD_PAGE_SQL.format(evidence=EVIDENCE, found=found, negated=negated)
        return list(manager.raw(sql, [*params, words[0], *negated_params, stop - start, start]))
    ordered, ordered_params = filtered.order_by().values("id", "name").query.sql_with_params()
    if backend is postgresql:
        rows = LATERAL_STEM_ROWS_SQL.format(evidence=EVIDENCE, found=ordered, negated=negated)
        rows_params = [list(words), *ordered_params, *negated_params, stop]
    else:
        stem_rows = STEM_ROWS_SQL.format(evidence=EVIDENCE, found=ordered, negated=negated)
        rows = " UNION ALL ".join([stem_rows] * len(words))
        rows_params = [p for word in words for p in [*ordered_params, word, *negated_params, stop]]
    sql = STEMS_PAGE_SQL.format(rows=rows, found=found)
    return list(manager.raw(sql, [*rows_params, stop - start, start, *params]))


def _aggregated_page(result, results, start, stop):
    backend = _backend(results)
    # With a phrase, the tier is full text's (the words' order counts): computed per result.
    phrase = _has_phrase(result.alternatives)
    found = results.order_by()
    if phrase:
        found = found.annotate(search_tier=_tier(backend, result.alternatives))
    ranked = found.values("id", "name", "project_count", *(["search_tier"] if phrase else []))
    found, params = ranked.query.sql_with_params()
    cards, card_params = _card_rows(
        results.model._base_manager.using(results.db)
    ).query.sql_with_params()
    # Two columns per word: its projects and its tier (its stems' most), for the
    # organizations having any.
    words = list(dict.fromkeys(tuple(s) for s in _flat(_positive_words(result.alternatives))))
    columns, evidence_params = [], []
    for n, word_stems in enumerate(words):
        in_word = f"word IN ({_placeholders(word_stems)})"
        columns.append(f"max(CASE WHEN {in_word} THEN projects END) AS w{n}")
        columns.append(f"max(CASE WHEN {in_word} THEN tier END) AS t{n}")
        evidence_params += [*word_stems, *word_stems]
    all_stems = sorted({s for word_stems in words for s in word_stems})
    evidence = (
        f"SELECT organization_id, {', '.join(columns) or '0 AS w'}"
        f" FROM {EVIDENCE} WHERE word IN ({_placeholders(all_stems) or 'NULL'})"
        " GROUP BY organization_id"
    )
    evidence_params += all_stems
    # min() and max() of two or more values are SQLite's LEAST() and GREATEST().
    fewest, most = ("LEAST", "GREATEST") if backend is postgresql else ("min", "max")

    def combine(function, parts):
        return parts[0] if len(parts) == 1 else f"{function}({', '.join(parts)})"

    projects = _matching_projects(
        result.alternatives,
        lambda word_stems: f"coalesce(evidence.w{words.index(tuple(word_stems))}, 0)",
        lambda *parts: combine(fewest, parts),
        lambda *parts: combine(most, parts),
        "0",
    )
    if phrase:
        tier = "found.search_tier"
    else:
        # Per alternative, the lowest of its words' tiers; the highest over alternatives.
        lowest = [
            combine(fewest, [f"coalesce(evidence.t{words.index(tuple(s))}, -1)" for s in stems])
            for stems in _positive_words(result.alternatives)
            if stems
        ]
        best = combine(most, lowest) if lowest else "-1"
        tier = (
            f"(CASE WHEN {best} >= {Tier.NAME:d} THEN {TIER_RANKS[Tier.NAME]}"
            f" WHEN {best} >= {Tier.OWN_TEXT:d} THEN {TIER_RANKS[Tier.OWN_TEXT]} ELSE 0 END)"
        )
    sql = RANKED_PAGE_SQL.format(
        found=found, evidence=evidence, tier=tier, projects=projects, cards=cards
    )
    manager = results.model._default_manager.db_manager(results.db)
    return list(manager.raw(sql, [*params, *evidence_params, stop - start, start, *card_params]))


def _flat(lists):
    return [item for items in lists for item in items]
