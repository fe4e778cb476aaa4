"""An organization's own text on PostgreSQL: full text search over the stored, weighted
search_vector column (migration 0005_search: names A, tagline and expertise names B,
narratives C; accents folded, English stemming)."""

from django.db.models import BooleanField

from organizations.models import Curation
from organizations.search.expressions import TableSQL

# Created by migration 0005_search: English stemming over accent-folded words.
CONFIG = "'portal_unaccent'::regconfig"


def term_query(term):
    """A tsquery for `term`: a phrase, or every word, each in any of its known forms."""
    if term.phrase:
        return f"phraseto_tsquery({CONFIG}, %s)", [term.text]
    parts, params = [], []
    for variants in term.words:
        parts.append("(" + " || ".join([f"plainto_tsquery({CONFIG}, %s)"] * len(variants)) + ")")
        params += list(variants)
    return "(" + " && ".join(parts) + ")", params


def id_in(selects, *, by_id=True):
    """SQL keeping the organizations whose id every one of `selects` returns.

    by_id: as one array of their ids, intersected, not IN. For IN, PostgreSQL hashed every
    organization (an index scan of all 23,270 on HORIZON, 5 to 12 ms) to join a few
    hundred results; an array of unknown length it looks up by primary key, result by
    result (2 to 5 ms). One array: with an array per term, the index was searched for every
    pair of their ids (1,003 x 368 for "hydrogen aviation", 20 ms). Not by_id (other filters
    narrow the organizations): IN, which lets PostgreSQL start from the filters' index
    (organization_facets_idx: the 27 German universities of "university" rather than its
    1,145 results one by one)."""
    if not by_id:
        return " AND ".join(f"{{table}}.id IN ({sql})" for sql in selects)
    ids = " INTERSECT ".join(f"SELECT * FROM ({sql}) AS ids{n}" for n, sql in enumerate(selects))
    return f"{{table}}.id = ANY(ARRAY({ids}))"


# The column of own_ids() that holds the organization's id.
ID = "id"

# Text drafted from data is not public until an editor reviews it (sees_drafted_text): a
# drafted profile is found by its own text through its names only.
NOT_DRAFTED = "curation <> %s"


def own_ids(term):
    # The GIN index organization_search_idx answers `search_vector @@ ...`.
    sql, params = term_query(term)
    names = f"search_vector @@ to_tsquery({CONFIG}, %s)"
    return (
        f"SELECT id FROM organizations_organization WHERE search_vector @@ {sql} "
        f"AND ({NOT_DRAFTED} OR {names})",
        [*params, Curation.DRAFTED, _names_query(term)],
    )


def _names_query(term):
    """A tsquery text for `term` in names only (weight A): to_tsquery reads 'word':A."""
    words = [[f"'{variant}':A" for variant in variants] for variants in term.words]
    joiner = " <-> " if term.phrase else " & "
    return joiner.join("(" + " | ".join(variants) + ")" for variants in words)


def rank_parts(alternatives):
    """(name matches, own text matches) of every term of any of the `alternatives` (lists
    of positive terms), tested on each result's own search_vector: a search of the GIN index
    would read every organization whose text has the word (a third of them for
    "university"), twice, where this reads only the results' vectors."""
    own, params = [], []
    for terms in alternatives:
        queries = [term_query(term) for term in terms]
        own.append("(" + " && ".join(q for q, _ in queries) + ")")
        params += [p for _, query_params in queries for p in query_params]
    names = " | ".join(
        "(" + " & ".join(f"({_names_query(term)})" for term in terms) + ")"
        for terms in alternatives
    )
    return (
        TableSQL(f"{{table}}.search_vector @@ to_tsquery({CONFIG}, %s)", [names], BooleanField()),
        TableSQL(
            f"{{table}}.search_vector @@ ({' || '.join(own)}) AND {{table}}.{NOT_DRAFTED}",
            [*params, Curation.DRAFTED],
            BooleanField(),
        ),
    )
