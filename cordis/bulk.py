"""Set-based writes for the CORDIS import: many rows in a few queries, whatever their number.

On PostgreSQL: new rows go in through COPY, lookups by many keys take them as one array, and a
bulk load checks its foreign keys once at the end. Elsewhere (SQLite), the ORM's bulk_create
and `__in` lookups in pieces the database accepts.
"""

from contextlib import contextmanager

from django.db import connection
from django.db.models import F, Lookup
from django.utils import timezone
from psycopg import sql

BATCH_SIZE = 1000  # rows per INSERT or UPDATE
# From this many new rows in one table, an import is a bulk load on PostgreSQL: see
# insert_rows and Writer.write_participations (foreign keys), and import_cordis (ANALYZE).
BULK_ROWS = 10_000


def fetch(model, key, keys, fields):
    """Existing rows whose `key` is in `keys`: {key: {"pk": ..., key: ..., field: value}}."""
    rows = {}
    for queryset in where_in(model.objects, key, keys):
        rows.update((row[key], row) for row in queryset.values("pk", key, *fields))
    return rows


def fetch_tuples(queryset, key, keys, fields):
    """Like fetch, as tuples, which are cheaper to make and compare than dicts:
    {key: (pk, *values of fields)}. `key` may be a pair of fields, `keys` pairs of values:
    the rows are then chosen on the first field alone, so that more may come back than
    asked for (the caller looks up the keys it has)."""
    if isinstance(key, str):
        rows = {}
        for chosen in where_in(queryset, key, keys):
            rows.update((row[0], row[1:]) for row in chosen.values_list(key, "pk", *fields))
        return rows
    first, second = key
    rows = {}
    for chosen in where_in(queryset, first, {k[0] for k in keys}):
        rows.update(((row[0], row[1]), row[2:]) for row in chosen.values_list(*key, "pk", *fields))
    return rows


def fetch_pks(model, key, keys):
    """{key: pk} for rows just inserted (COPY does not return their pks)."""
    return {value: row["pk"] for value, row in fetch(model, key, keys, []).items()}


def insert_rows(model, rows, fields=None):
    """Insert new rows (a list), each {field attname: value}, or a tuple of the values of `fields`
    (attnames) in that order; the model's defaults fill in the rest.

    On PostgreSQL through COPY: bulk_create spends most of its time in Python (a model
    instance per row, each value prepared and bound), about ten times longer than COPY
    takes for the 180,000 participations of H2020. Elsewhere, bulk_create, a batch at a time.
    """
    if not rows:
        return
    bulk = len(rows) >= BULK_ROWS
    if fields is not None:
        rows = (dict(zip(fields, row, strict=True)) for row in rows)
    if connection.vendor != "postgresql":
        batch = []
        for row in rows:
            batch.append(model(**row))
            if len(batch) == BATCH_SIZE:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)
        return
    model_fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    defaults = [
        now
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        # A callable default (timezone.now) is called once: the same for every row.
        else field.get_default()
        for field in model_fields
    ]
    names = [field.attname for field in model_fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(field.column) for field in model_fields),
    )
    with (
        connection.wrap_database_errors,
        foreign_keys_checked_once(model, bulk=bulk),
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(list(map(row.get, names, defaults)))


@contextmanager
def foreign_keys_checked_once(model, *, bulk):
    """For a bulk load on PostgreSQL: drop the foreign keys of `model`'s table, and add them
    back (unchanged) once the rows are in.

    A foreign key checks each inserted row on its own: about 1 s per key for the 180,000
    participations of H2020. Adding the key back checks every row in one join: 0.1 s. This is
    PostgreSQL's advice for populating a database. The price: DROP CONSTRAINT locks the
    tables, so until the import commits other sessions wait to read them; hence bulk loads
    only (the first import of a dump), not the updates of later ones.
    """
    if not bulk or connection.vendor != "postgresql":
        yield
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with foreign key checks still pending (the deferred
        # checks of rows just inserted, e.g. fields of science and their parents): run them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [model._meta.db_table],
        )
        keys = [(connection.ops.quote_name(name), definition) for name, definition in cursor]
        for name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    yield
    with connection.cursor() as cursor:
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


class AnyOf(Lookup):
    """`field = ANY(%s)` with the values as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def where_in(queryset, field, keys):
    """Yield `queryset` narrowed to the rows whose `field` is one of `keys`: one queryset,
    or several whose rows together are those.

    Django's `__in` writes one parameter per key; building and binding the 45,000 of an
    H2020 import took 0.3 s a query. PostgreSQL takes them as one array instead. SQLite has
    no arrays and takes at most 999 parameters: pieces of `__in`.
    """
    keys = list(keys)
    if not keys:
        return
    if connection.vendor == "postgresql":
        yield queryset.filter(AnyOf(F(field), keys))
        return
    size = connection.features.max_query_params - 9
    for start in range(0, len(keys), size):
        yield queryset.filter(**{f"{field}__in": keys[start : start + size]})
