"""How fast import_cordis is at the size of H2020, next to PostgreSQL's own COPY.

Generates a synthetic sample (generate_cordis_sample), imports it into the current database,
imports it again (nothing changes the second time), then COPYs the same two files into bare
temporary tables: the fastest the database can take those rows in. All of it runs inside a
transaction that is rolled back, so the database is left as it was (--keep commits instead).
"""

import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from base.database import require_migrated
from cordis.importer import import_cordis
from cordis.management.commands.generate_cordis_sample import (
    ORGANIZATION_HEADER_LINE,
    PROJECT_HEADER_LINE,
    write_sample,
)
from organizations.models import Organization
from projects.models import Project

COPY_CHUNK = 1024 * 1024  # bytes


class Rollback(Exception):
    """Leaves the benchmark's transaction without committing it."""


class Command(BaseCommand):
    help = (
        "Time import_cordis on a synthetic sample of H2020's size against PostgreSQL's COPY of "
        "the same rows. Needs PostgreSQL; leaves the database as it was unless --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=35_000)
        parser.add_argument("--organizations", type=int, default=45_000)
        parser.add_argument("--participations", type=int, default=180_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--keep", action="store_true", help="Commit the imported sample instead."
        )

    def handle(self, *args, projects, organizations, participations, seed, keep, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "benchmark_import needs PostgreSQL (it compares with PostgreSQL's COPY); "
                f"this database is {connection.vendor}. Set DATABASE_URL=postgres://..."
            )
        require_migrated()
        if Project.objects.exists() or Organization.objects.exists():
            raise CommandError(
                "benchmark_import times a first import: run it on a database with no projects "
                "or organizations (createdb, then manage.py migrate)."
            )
        progress = self.stderr.write if options["verbosity"] > 1 else None
        with tempfile.TemporaryDirectory() as folder:
            started = time.monotonic()
            try:
                write_sample(folder, projects, organizations, participations, seed=seed)
            except ValueError as error:
                raise CommandError(str(error)) from None
            generated = time.monotonic() - started
            files = [Path(folder) / "project.csv", Path(folder) / "organization.csv"]
            megabytes = sum(path.stat().st_size for path in files) / 1e6
            rows = projects + participations  # the rows of project.csv and organization.csv
            self.stdout.write(
                f"Sample: {projects:,} projects, {organizations:,} organizations, "
                f"{participations:,} participations: {rows:,} rows, {megabytes:.1f} MB "
                f"(generated in {generated:.1f} s)."
            )
            try:
                with transaction.atomic():
                    first = self.time_import(folder, progress)
                    again = self.time_import(folder, progress)
                    copy = self.time_copy(files)
                    if not keep:
                        raise Rollback
            except Rollback:
                pass

        lines = [
            ("import_cordis, first import (figures included)", first, rows / first),
            ("import_cordis, same files again (no changes)", again, rows / again),
            ("PostgreSQL COPY into bare temporary tables", copy, rows / copy),
        ]
        for label, seconds, rate in lines:
            self.stdout.write(f"{label:48} {seconds:7.1f} s {rate:>10,.0f} rows/s")
        self.stdout.write(f"{'Ratio, first import / COPY':48} {first / copy:7.1f} x")
        if keep:
            self.stdout.write("The sample was committed (--keep).")
        else:
            self.stdout.write("Rolled back: the database is as it was.")

    def time_import(self, folder, progress):
        started = time.monotonic()
        import_cordis(folder, progress=progress)
        # Foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED); check them now,
        # inside the time measured, since the benchmark does not commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return time.monotonic() - started

    def time_copy(self, files):
        """Seconds for COPY of both files into temporary tables of text columns."""
        headers = [PROJECT_HEADER_LINE.split(";"), ORGANIZATION_HEADER_LINE.split(";")]
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3's cursor, for cursor.copy()
            for number, header in enumerate(headers):
                columns = sql.SQL(", ").join(
                    sql.SQL("{} text").format(sql.Identifier(name)) for name in header
                )
                raw.execute(
                    sql.SQL("CREATE TEMPORARY TABLE {} ({}) ON COMMIT DROP").format(
                        sql.Identifier(f"copy_{number}"), columns
                    )
                )
            started = time.monotonic()
            for number, path in enumerate(files):
                statement = sql.SQL(
                    "COPY {} FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
                ).format(sql.Identifier(f"copy_{number}"))
                with raw.copy(statement) as copy, open(path, "rb") as source:
                    while chunk := source.read(COPY_CHUNK):
                        copy.write(chunk)
            return time.monotonic() - started
