"""About how many organizations a search matches at most, from the evidence index alone
(search.SearchResult.size_bound; facets.py chooses the size of its sample from it)."""

from django.db import connections

from organizations.search import (
    EVIDENCE,
    SAMPLE_KEY,
    SAMPLES,
    _placeholders,
    _positive_words,
)

# matches_bound counts a word's rows up to EXACT_UP_TO; past it, it counts those of every
# 256th organization (searchevidence_sample_idx: a 256th of the rows read) and multiplies:
# counting the 32,000 rows of "battery" cost more than the sample's facets.
EXACT_UP_TO = 2001


def matches_bound(alternatives, *, using="default") -> int | None:
    """About the number of organizations `alternatives` match at most
    (SearchResult.size_bound): exact up to EXACT_UP_TO, estimated from the sample index past
    it; one query."""
    words = [words for words in _positive_words(alternatives)]
    if not all(words):
        return None
    flat = list(dict.fromkeys(tuple(s) for stems in words for s in stems))
    counts, params = [], []
    for word_stems in flat:
        in_word = f"word IN ({_placeholders(word_stems)})"
        counts.append(
            f"(SELECT count(*) FROM (SELECT 1 FROM {EVIDENCE} WHERE {in_word} LIMIT %s) AS w)"
        )
        counts.append(f"(SELECT count(*) FROM {EVIDENCE} WHERE {in_word} AND {SAMPLE_KEY} = 0)")
        params += [*word_stems, EXACT_UP_TO, *word_stems]
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(counts), params)
        row = cursor.fetchone()
    found = {}
    for n, word_stems in enumerate(flat):
        exact, sampled = row[2 * n], row[2 * n + 1]
        found[word_stems] = exact if exact < EXACT_UP_TO else max(exact, sampled * SAMPLES)
    return sum(min(found[tuple(s)] for s in stems) for stems in words)
