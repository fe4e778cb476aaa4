"""An organization's own text on SQLite: FTS5 over organizations_search_fts (migration
0013_search_evidence: columns name, curated and narrative, Porter stemming over
accent-folded words, kept current by triggers),."""

from django.db.models import BooleanField

from organizations.models import Curation
from organizations.search.expressions import TableSQL

FTS = "organizations_search_fts"


def _string(text):
    return '"' + text.replace('"', '""') + '"'  # an FTS5 string: a word, or a phrase


def term_query(term):
    """An FTS5 query for `term`: a phrase, or every word, each in any of its known forms."""
    if term.phrase:
        return _string(term.text)
    return " AND ".join(
        "(" + " OR ".join(_string(variant) for variant in variants) + ")" for variants in term.words
    )


def id_in(selects, *, by_id=True):
    """SQL keeping the organizations whose id every one of `selects` returns.

    Not by_id (other filters narrow the organizations): "+id", which keeps SQLite from
    looking the matches up one by one by primary key and lets it start from the filters'
    index (organization_facets_idx), testing each of those against the ids. Left to
    itself, it looked up the 16,800 matches of "vaccine" to keep the 30 Italian companies
    among them (45,000-organization sample: 19 -> 9 ms a statement, three a page)."""
    column = "{table}.id" if by_id else "+{table}.id"
    return " AND ".join(f"{column} IN ({sql})" for sql in selects)


# None: own_ids() is not narrowed to candidates (search._term_ids). FTS5 answers
# "rowid IN (...)" beside MATCH one rowid at a time: a phrase of two common words took 2 s.
ID = None

# Text drafted from data is not public until an editor reviews it (sees_drafted_text): a
# drafted profile is found by its own text through its names only.
DRAFTED = "SELECT id FROM organizations_organization WHERE curation = %s"


def own_ids(term):
    query = term_query(term)
    names = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"
    return (
        f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s "
        f"AND (rowid NOT IN ({DRAFTED}) OR rowid IN ({names}))",
        [query, Curation.DRAFTED, f"name : ({query})"],
    )


def rank_parts(alternatives):
    """(name matches, own text matches) of every term of any of the `alternatives` (lists
    of positive terms): each one full text query, whose ids SQLite keeps in a temporary
    index for every row."""
    query = " OR ".join(
        "(" + " AND ".join(f"({term_query(term)})" for term in terms) + ")"
        for terms in alternatives
    )
    in_fts = f"{{table}}.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"
    not_drafted = f"{{table}}.id NOT IN ({DRAFTED})"
    return (
        TableSQL(in_fts, [f"name : ({query})"], BooleanField()),
        TableSQL(f"{in_fts} AND {not_drafted}", [query, Curation.DRAFTED], BooleanField()),
    )
