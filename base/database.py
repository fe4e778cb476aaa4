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
