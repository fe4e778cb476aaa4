"""Checks that management commands make of the database before they use it, and writing
many rows at once."""

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor


def require_migrated(using: str = DEFAULT_DB_ALIAS) -> None:
    """Stop the command with a CommandError naming the database if it cannot be reached or
    has migrations not applied (a new database has none): otherwise the command's first
    query ends in a traceback ("no such table", "relation does not exist")."""
    connection = connections[using]
    name = f"{connection.display_name} database {connection.settings_dict['NAME']}"
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as error:
        raise CommandError(f"Cannot use the {name}: {error}".strip()) from None
    if unapplied:
        raise CommandError(
            f"The {name} is not migrated ({len(unapplied)} migration(s) not applied). "
            "Run `manage.py migrate` first."
        )


def insert_many(table: str, columns: list[str], rows, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT `rows` (tuples of the values of `columns`) into `table`: COPY on PostgreSQL,
    executemany elsewhere. For the many rows a refresh rewrites: bulk_create spends most of
    its time building model instances, and psycopg's executemany sends a statement a row,
    both many times slower than COPY."""
    connection = connections[using]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


# Owners read at a time on SQLite (999 query parameters at most).
OWNERS_PER_QUERY = 900


def rewrite_rows(model, columns: list[str], owners, rows, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Make the rows of `model` that belong to `owners` (pks, in its first column) be `rows`
    (tuples of the values of `columns`; all but the last column are a unique key), writing
    only those that differ from what is stored; return how many were deleted or inserted.

    For what an import recounts per organization: most of what it recounts comes out as
    stored, and deleting and writing every row again (with its indexes) cost more than
    reading them and comparing."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    names = [connection.ops.quote_name(column) for column in columns]
    stored = set()
    owners = sorted(set(owners))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT {', '.join(names)} FROM {table} WHERE {names[0]} = ANY(%s)", [owners]
            )
            stored.update(map(tuple, cursor.fetchall()))
        else:
            for start in range(0, len(owners), OWNERS_PER_QUERY):
                chosen = owners[start : start + OWNERS_PER_QUERY]
                placeholders = ", ".join(["%s"] * len(chosen))
                cursor.execute(
                    f"SELECT {', '.join(names)} FROM {table} WHERE {names[0]} IN ({placeholders})",
                    chosen,
                )
                stored.update(map(tuple, cursor.fetchall()))
    if not stored:  # nothing to compare with (a first import): no sets of the rows
        rows = list(rows)
        insert_many(model._meta.db_table, columns, rows, using=using)
        return len(rows)
    rows = set(rows)
    stale = [row[:-1] for row in stored - rows]
    fresh = [row for row in rows if row not in stored]
    delete_by_key(model, columns[:-1], stale, using=using)
    insert_many(model._meta.db_table, columns, fresh, using=using)
    return len(stale) + len(fresh)


def delete_by_key(model, columns: list[str], keys, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """DELETE the rows of `model` whose `columns` hold one of `keys` (tuples): one statement
    on PostgreSQL (arrays, unnested), executemany elsewhere."""
    if not keys:
        return
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    names = [connection.ops.quote_name(column) for column in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [model._meta.get_field(column).db_type(connection) for column in columns]
            arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
            aliases = [f"k{i}" for i in range(len(columns))]
            matches = " AND ".join(
                f"{table}.{name} = keys.{alias}" for name, alias in zip(names, aliases, strict=True)
            )
            cursor.execute(
                f"DELETE FROM {table} USING unnest({arrays}) AS keys({', '.join(aliases)}) "
                f"WHERE {matches}",
                [list(values) for values in zip(*keys, strict=True)],
            )
        else:
            matches = " AND ".join(f"{name} = %s" for name in names)
            cursor.executemany(f"DELETE FROM {table} WHERE {matches}", list(keys))


# Rows per UPDATE where bulk_update is used (not PostgreSQL).
UPDATE_BATCH_SIZE = 1000


def update_rows(model, objects, fields, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """bulk_update(objects, fields), set-wise on PostgreSQL (the import's updates, the
    curation queue's attention).

    bulk_update writes a CASE per field and row, each an expression Django resolves in
    Python: 9,000 participations took 5 s. COPY into a temporary table, then one
    UPDATE ... FROM it, takes a fraction of that, and four queries whatever the rows.
    """
    if not objects:
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        model.objects.using(using).bulk_update(objects, fields, batch_size=UPDATE_BATCH_SIZE)
        return
    columns = [model._meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = [connection.ops.quote_name(column.column) for column in columns]
    names = ", ".join(quoted)
    with connection.wrap_database_errors, connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE rows_to_update ON COMMIT DROP AS "
            f"SELECT id, {names} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY rows_to_update (id, {names}) FROM STDIN") as copy:
            for row in objects:
                values = [c.get_db_prep_save(getattr(row, c.attname), connection) for c in columns]
                copy.write_row([row.pk, *values])
        assignments = ", ".join(f"{name} = new.{name}" for name in quoted)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM rows_to_update AS new WHERE {table}.id = new.id"
        )
        cursor.execute("DROP TABLE rows_to_update")


def analyze(models, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """ANALYZE the tables of `models`, after writing most of their rows.

    PostgreSQL: until autovacuum comes by, the planner keeps the statistics of the tables as
    they were (a search on freshly rewritten evidence was planned with bitmap scans of the
    whole table: 300 ms rather than 30 at 45,000 organizations). SQLite plans without
    statistics unless asked, and then takes an equality on any indexed column for a few
    rows: the search page's count read every organization through organization_facets_idx
    (status = 'published') to keep the few hundred a search found (24 ms on HORIZON; 4 ms
    with statistics, from the ids), and its subject facets, page and keywords likewise
    (44, 36 and 40 ms; 24, 16 and 17). Its statistics (sqlite_stat1) stay until the next
    ANALYZE: ratios of rows per key, which a later import changes little."""
    connection = connections[using]
    if not models:
        return
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            for table in tables:  # SQLite's ANALYZE takes one table at a time
                cursor.execute(f"ANALYZE {table}")
