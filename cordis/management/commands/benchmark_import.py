"""How fast and how big import_cordis is at the size of H2020, next to PostgreSQL's own COPY.

Generates a synthetic sample (generate_cordis_sample: the five files of a CORDIS zip) and a
newer dump of it with 5% of the rows changed, then times, each in a process of its own so
that its peak memory is its own: a first import, the same files again (no changes), the
5%-changed dump, and COPY of the same files into bare temporary tables (the fastest the
database can take those rows in). The imports commit (each is a transaction of its own, as
in real use); the tables are emptied again at the end, unless --keep.
"""

import json
import os
import tempfile
import time
import traceback
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from base.database import require_migrated
from cordis.companions import LINKS
from cordis.importer import import_cordis
from cordis.management.commands.generate_cordis_sample import SAMPLE_FILES, write_sample
from organizations.models import Organization
from projects.models import Keyword, Participation, Project

COPY_CHUNK = 1024 * 1024  # bytes
H2020 = {"projects": 35_000, "organizations": 45_000, "participations": 180_000}
CHANGED = 0.05  # the share of rows the newer dump changes


class Command(BaseCommand):
    help = (
        "Time import_cordis (first import, the same files again, a dump with 5% of its rows "
        "changed) on a synthetic sample of H2020's size against PostgreSQL's COPY of the same "
        "rows, with the peak memory of each. Needs PostgreSQL and a database without "
        "imported data; empties its tables again unless --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1, help="Times H2020's size (2: twice as big)."
        )
        for name, number in H2020.items():
            parser.add_argument(f"--{name}", type=int, help=f"Default: {number:,} x scale.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="Keep the imported sample.")

    def handle(self, *args, scale, seed, keep, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "benchmark_import needs PostgreSQL (it compares with PostgreSQL's COPY); "
                f"this database is {connection.vendor}. Set DATABASE_URL=postgres://..."
            )
        require_migrated()
        if tables_in_use():
            raise CommandError(
                "benchmark_import times a first import: run it on a database with no projects, "
                "organizations, keywords or classifications (createdb, then manage.py migrate)."
            )
        sizes = {name: options[name] or round(number * scale) for name, number in H2020.items()}
        progress = self.stderr.write if options["verbosity"] > 1 else None
        load_before = os.getloadavg()
        with tempfile.TemporaryDirectory() as folder:
            sample, newer = Path(folder) / "sample", Path(folder) / "newer"
            generated = in_child(generate, sample, newer, sizes, seed)["seconds"]
            rows = sum(count_rows(path) for path in files_of(sample))
            megabytes = sum(path.stat().st_size for path in files_of(sample)) / 1e6
            self.stdout.write(
                f"Sample: {sizes['projects']:,} projects, {sizes['organizations']:,} "
                f"organizations, {sizes['participations']:,} participations (scale {scale:g}): "
                f"{rows:,} rows in {len(files_of(sample))} files, {megabytes:.1f} MB "
                f"(generated with its 5%-changed dump in {generated:.1f} s)."
            )
            try:
                phases = [
                    ("first import (figures included)", in_child(run_import, sample, progress)),
                    ("same files again (no changes)", in_child(run_import, sample, progress)),
                    ("5% of the rows changed", in_child(run_import, newer, progress)),
                    ("PostgreSQL COPY into bare temporary tables", in_child(copy, sample)),
                ]
            finally:
                if not keep:
                    empty_tables()
        load_after = os.getloadavg()

        for label, phase in phases:
            seconds, peak = phase["seconds"], phase["peak"] / 1024
            figures = f"  {phase['figures']:>7,} figures" if "figures" in phase else ""
            self.stdout.write(
                f"{label:44} {seconds:7.1f} s {rows / seconds:>10,.0f} rows/s "
                f"{peak:7.0f} MB peak{figures}"
            )
        first, again, changed, copied = (phase["seconds"] for _, phase in phases)
        for label, ratio in [
            ("Ratio, same files again / first import", again / first),
            ("Ratio, 5% changed / first import", changed / first),
            ("Ratio, first import / COPY", first / copied),
        ]:
            self.stdout.write(f"{label:44} {ratio:7.2f} x")
        loads = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(load_before, load_after, strict=True))
        self.stdout.write(
            f"Load average (1, 5, 15 min), before/after: {loads} ({os.cpu_count()} CPUs)"
        )
        if keep:
            self.stdout.write("The sample was kept (--keep), as the 5%-changed dump left it.")
        else:
            self.stdout.write("The imported tables were emptied: the database is as it was.")


def in_child(function, *args):
    """Run function(*args) in a forked process; return its dict, with the process's peak
    memory ("peak", kB: the high-water mark of its resident set)."""
    connection.close()  # the child opens its own
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            answer = function(*args)
        except BaseException:
            answer = {"error": traceback.format_exc()}
        with os.fdopen(write_end, "w") as pipe:
            json.dump(answer, pipe)
        connection.close()
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        answer = json.loads(pipe.read() or '{"error": "the child died"}')
    _, status, usage = os.wait4(pid, 0)
    if "error" in answer:
        raise CommandError(answer["error"])
    return answer | {"peak": usage.ru_maxrss}


def generate(sample, newer, sizes, seed):
    from cordis.sample_changes import write_changed

    started = time.monotonic()
    try:
        write_sample(sample, *sizes.values(), seed=seed)
    except ValueError as error:
        return {"error": str(error)}
    write_changed(sample, newer, CHANGED, seed=seed)
    return {"seconds": time.monotonic() - started}


def run_import(folder, progress):
    started = time.monotonic()
    result = import_cordis(folder, progress=progress)  # commits: foreign keys checked too
    return {"seconds": time.monotonic() - started, "figures": result.figures_refreshed}


def copy(folder):
    """COPY the sample's files into temporary tables of text columns."""
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3's cursor, for cursor.copy()
        for number, path in enumerate(files_of(folder)):
            header = path.open(encoding="utf-8").readline().strip().replace('"', "").split(";")
            columns = sql.SQL(", ").join(
                sql.SQL("{} text").format(sql.Identifier(n)) for n in header
            )
            raw.execute(
                sql.SQL("CREATE TEMPORARY TABLE {} ({})").format(
                    sql.Identifier(f"copy_{number}"), columns
                )
            )
        started = time.monotonic()
        for number, path in enumerate(files_of(folder)):
            statement = sql.SQL("COPY {} FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)")
            statement = statement.format(sql.Identifier(f"copy_{number}"))
            with raw.copy(statement) as rows, open(path, "rb") as source:
                while chunk := source.read(COPY_CHUNK):
                    rows.write(chunk)
        return {"seconds": time.monotonic() - started}


def files_of(folder):
    return [Path(folder) / name for name in SAMPLE_FILES]


def count_rows(path):
    import csv

    with open(path, encoding="utf-8", newline="") as file:
        return sum(1 for _ in csv.reader(file, delimiter=";")) - 1


def imported_models():
    models = [Participation, Organization, Project, Project.keywords.through, Keyword]
    models += [model for model, link, _ in LINKS.values()]
    return models + [link for model, link, _ in LINKS.values()]


def tables_in_use():
    return any(model.objects.exists() for model in imported_models())


def empty_tables():
    """TRUNCATE what the imports wrote (and nothing else had: the tables were empty)."""
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in imported_models())
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")
