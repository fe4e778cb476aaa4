"""An organization's own text on SQLite: FTS5 over organizations_search_fts (migration
0011_search_evidence: columns name, curated and narrative, Porter stemming over
accent-folded words, kept current by triggers), ranked by bm25 with PostgreSQL's weights."""

from django.db.models import BooleanField, FloatField

from organizations.search.expressions import TableSQL

FTS = "organizations_search_fts"
# ts_rank's default weights for A, B and C.
BM25 = f"bm25({FTS}, 1.0, 0.4, 0.2)"


def _string(text):
    return '"' + text.replace('"', '""') + '"'  # an FTS5 string: a word, or a phrase


def term_query(term):
    """An FTS5 query for `term`: a phrase, or every word, each in any of its known forms."""
    if term.phrase:
        return _string(term.text)
    return " AND ".join(
        "(" + " OR ".join(_string(variant) for variant in variants) + ")" for variants in term.words
    )


def own_ids(term):
    return f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [term_query(term)]


def rank_parts(terms):
    """(name matches, own text matches, text rank in 0..1) for any of the positive terms."""
    query = " OR ".join(f"({term_query(term)})" for term in terms)
    in_fts = f"{{table}}.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"
    # bm25 is negative, lower for a better match: -bm25 / (1 - bm25) lies in 0..1.
    rank = (
        f"coalesce((SELECT -{BM25} / (1 - {BM25}) FROM {FTS}"
        f" WHERE {FTS} MATCH %s AND rowid = {{table}}.id), 0)"
    )
    return (
        TableSQL(in_fts, [f"name : ({query})"], BooleanField()),
        TableSQL(in_fts, [query], BooleanField()),
        TableSQL(rank, [query], FloatField()),
    )
