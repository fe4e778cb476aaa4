"""Organization search on PostgreSQL, and the indexes of the list pages.

The search part is PostgreSQL-only and invisible to Django's model state: on SQLite it does
nothing and organizations/search.py uses its icontains fallback instead. It adds:

- the extensions pg_trgm (trigram similarity), unaccent and fuzzystrmatch (edit distance);
- two text search configurations that fold accents with the unaccent dictionary (a generated
  column needs immutable expressions, and the unaccent() function is not): portal_unaccent
  (English stemming) for the search column, portal_words (no stemming) for the word list;
- organizations_organization.expertise_names: the names of the organization's expertise
  areas, kept up to date by a trigger on organizations_expertisearea;
- organizations_organization.search_vector, a stored generated tsvector (names weight A;
  tagline and expertise names B; narratives C) with a GIN index;
- organizations_searchword: the distinct words of every organization's searched text, kept up
  to date by a trigger, with a trigram index. Search corrects misspelt words against it
  ("pediatrc" -> "pediatric") and widens a word to the known words containing it
  ("klinikum" -> "universitatsklinikum").

Careful: PostgreSQL refuses to change the type of a column that a generated column uses. A
later migration that changes, say, `name`'s max_length must, on PostgreSQL, drop
search_vector first (DROP_SEARCH_VECTOR) and add it again afterwards (ADD_SEARCH_VECTOR).
"""

from django.contrib.postgres.operations import (
    CreateExtension,
    TrigramExtension,
    UnaccentExtension,
)
from django.db import migrations

NAME_COLUMNS = ["name", "legal_name", "short_name"]
NARRATIVE_COLUMNS = [
    "core_work",
    "why_partner",
    "trajectory",
    "trajectory_summary",
    "collaboration_narrative",
    "network_narrative",
    "early_focus",
    "recent_focus",
]
# Every searched column: their words go into the word list.
SEARCHED_COLUMNS = [*NAME_COLUMNS, "tagline", "expertise_names", *NARRATIVE_COLUMNS]


def _document(columns, row=""):
    # `||` on text is immutable (concat_ws is not); coalesce keeps an empty value from
    # blanking the whole document.
    return " || ' ' || ".join(f"coalesce({row}{column}, '')" for column in columns)


def _vector(columns, weight):
    return f"setweight(to_tsvector('portal_unaccent'::regconfig, {_document(columns)}), '{weight}')"


CREATE_CONFIGURATIONS = [
    "CREATE TEXT SEARCH CONFIGURATION portal_unaccent (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION portal_unaccent "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    "CREATE TEXT SEARCH CONFIGURATION portal_words (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION portal_words "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
]

ADD_EXPERTISE_NAMES = [
    # Django does not know this column: its INSERTs leave it to the default.
    "ALTER TABLE organizations_organization "
    "ADD COLUMN expertise_names text NOT NULL DEFAULT ''",
    """
    CREATE FUNCTION organizations_refresh_expertise_names() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        changed bigint[] := '{}';
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN changed := changed || NEW.organization_id; END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN changed := changed || OLD.organization_id; END IF;
        UPDATE organizations_organization AS organization
           SET expertise_names = coalesce(
                   (SELECT string_agg(area.name, ' ' ORDER BY area.id)
                      FROM organizations_expertisearea AS area
                     WHERE area.organization_id = organization.id), '')
         WHERE organization.id = ANY (changed);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER expertisearea_refresh_expertise_names
    AFTER INSERT OR UPDATE OF name, organization_id OR DELETE ON organizations_expertisearea
    FOR EACH ROW EXECUTE FUNCTION organizations_refresh_expertise_names()
    """,
    """
    UPDATE organizations_organization AS organization
       SET expertise_names = areas.names
      FROM (SELECT organization_id, string_agg(name, ' ' ORDER BY id) AS names
              FROM organizations_expertisearea GROUP BY organization_id) AS areas
     WHERE areas.organization_id = organization.id
    """,
]

ADD_SEARCH_VECTOR = [
    f"""
    ALTER TABLE organizations_organization ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        {_vector(NAME_COLUMNS, "A")}
        || {_vector(["tagline", "expertise_names"], "B")}
        || {_vector(NARRATIVE_COLUMNS, "C")}
    ) STORED
    """,
    # search.py: `search_vector @@ <query>`, the organizations page's search.
    "CREATE INDEX organization_search_idx ON organizations_organization USING gin (search_vector)",
]
DROP_SEARCH_VECTOR = ["ALTER TABLE organizations_organization DROP COLUMN search_vector"]


def _words(document):
    """SELECT the distinct words (unstemmed, accents folded) of `document`."""
    return f"""
        SELECT DISTINCT lexeme
          FROM unnest(tsvector_to_array(to_tsvector('portal_words'::regconfig, {document})))
               AS lexeme
         WHERE lexeme ~ '^[[:alpha:]]{{4,40}}$'
    """


CREATE_WORD_LIST = [
    "CREATE TABLE organizations_searchword (word text PRIMARY KEY)",
    # search.py, spelling and widening: `word % typed` and `word LIKE '%typed%'`.
    "CREATE INDEX searchword_trgm_idx ON organizations_searchword USING gin (word gin_trgm_ops)",
    # The words of what exists already...
    f"""
    INSERT INTO organizations_searchword (word)
    SELECT DISTINCT words.lexeme FROM organizations_organization,
        LATERAL ({_words(_document(SEARCHED_COLUMNS))}) AS words
    """,
    # ... and of each organization saved from now on. Words are only ever added: a word
    # nobody uses any more costs no more than a useless suggestion. ORDER BY: concurrent
    # saves take their locks in the same order, so they cannot deadlock.
    f"""
    CREATE FUNCTION organizations_collect_search_words() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO organizations_searchword (word)
        {_words(_document(SEARCHED_COLUMNS, row="NEW."))}
         ORDER BY 1
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE TRIGGER organization_collect_search_words
    AFTER INSERT OR UPDATE OF {", ".join(SEARCHED_COLUMNS)} ON organizations_organization
    FOR EACH ROW EXECUTE FUNCTION organizations_collect_search_words()
    """,
]

DROP_SEARCH = [
    "DROP TRIGGER IF EXISTS organization_collect_search_words ON organizations_organization",
    "DROP FUNCTION IF EXISTS organizations_collect_search_words()",
    "DROP TABLE IF EXISTS organizations_searchword",
    "ALTER TABLE organizations_organization DROP COLUMN IF EXISTS search_vector",
    "DROP TRIGGER IF EXISTS expertisearea_refresh_expertise_names ON organizations_expertisearea",
    "DROP FUNCTION IF EXISTS organizations_refresh_expertise_names()",
    "ALTER TABLE organizations_organization DROP COLUMN IF EXISTS expertise_names",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_words",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_unaccent",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        # SQLite (the embedded default) has none of this; search.py falls back to icontains.
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


# Plain indexes of the list pages, on every database.
LIST_INDEXES = [
    # organizations:list, default order: ORDER BY name, id LIMIT 20.
    ("organization_name_idx", "organizations_organization (name, id)"),
    # organizations:list, facet counts: GROUP BY country, kind, sector (an index-only scan).
    ("organization_facets_idx", "organizations_organization (status, country, kind, sector)"),
    # projects:list, default order: ORDER BY acronym, cordis_id LIMIT 25.
    ("project_list_idx", "projects_project (acronym, cordis_id)"),
    # projects:list, programme choices: SELECT DISTINCT framework_programme.
    ("project_programme_idx", "projects_project (framework_programme)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_slug_help_text"),
        ("projects", "0001_initial"),
    ]

    operations = [
        # No-ops on SQLite; "trusted" extensions, so the database owner may create them.
        TrigramExtension(),
        UnaccentExtension(),
        CreateExtension("fuzzystrmatch"),
        migrations.RunPython(
            _on_postgresql(
                CREATE_CONFIGURATIONS + ADD_EXPERTISE_NAMES + ADD_SEARCH_VECTOR + CREATE_WORD_LIST
            ),
            _on_postgresql(DROP_SEARCH),
        ),
        *(
            migrations.RunSQL(f"CREATE INDEX {name} ON {target}", f"DROP INDEX IF EXISTS {name}")
            for name, target in LIST_INDEXES
        ),
    ]
