"""A database trigger that forgets an imported row's digest when its imported columns change
by anything but the import (a script, an editor, a hand-written UPDATE).

The CORDIS import stores beside each row it writes a digest of the file row it came from
(cordis/digests.py), and skips, on the next import, a file row whose digest is the stored
one. That is right only while the database row still holds what the import wrote: this
trigger clears the digest whenever an UPDATE changes one of `columns` without writing a new
digest in the same statement (the import always does), so the next import reads that file
row again and puts the file's values back. In the database, not in Python: an UPDATE by
queryset, by raw SQL or from psql skips every Python hook.

Used by migrations (base imports no app: the tables and columns are theirs to name).
"""

from django.db import migrations

DIGEST_COLUMN = "import_digest"


def _create_statements(vendor, table, columns):
    name = f"{table}_forget_digest"
    if vendor == "postgresql":
        changed = " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in columns)
        return [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN NEW.{DIGEST_COLUMN} := NULL; RETURN NEW; END $$ LANGUAGE plpgsql""",
            f"""CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW
            WHEN (NEW.{DIGEST_COLUMN} IS NOT DISTINCT FROM OLD.{DIGEST_COLUMN}
                  AND OLD.{DIGEST_COLUMN} IS NOT NULL AND ({changed}))
            EXECUTE FUNCTION {name}()""",
        ]
    if vendor == "sqlite":  # a trigger cannot assign NEW here: it updates the row after
        changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
        return [
            f"""CREATE TRIGGER {name} AFTER UPDATE ON {table} FOR EACH ROW
            WHEN NEW.{DIGEST_COLUMN} IS OLD.{DIGEST_COLUMN}
                 AND OLD.{DIGEST_COLUMN} IS NOT NULL AND ({changed})
            BEGIN UPDATE {table} SET {DIGEST_COLUMN} = NULL WHERE id = NEW.id; END""",
        ]
    raise NotImplementedError(f"no digest trigger for {vendor}")


def _drop_statements(vendor, table):
    name = f"{table}_forget_digest"
    statements = [f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if vendor != "sqlite" else "")]
    if vendor == "postgresql":
        statements.append(f"DROP FUNCTION IF EXISTS {name}()")
    return statements


def forget_digest_trigger(table: str, columns: list[str]) -> migrations.RunPython:
    """A migration operation creating the trigger on `table` (its columns, as in the
    database), for PostgreSQL or SQLite, and dropping it when migrated back."""

    def create(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in _create_statements(vendor, table, columns):
            schema_editor.execute(statement)

    def drop(apps, schema_editor):
        for statement in _drop_statements(schema_editor.connection.vendor, table):
            schema_editor.execute(statement)

    return migrations.RunPython(create, drop)
