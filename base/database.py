"""Checks that management commands make of the database before they use it."""

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
