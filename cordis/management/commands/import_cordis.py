from django.core.management.base import BaseCommand, CommandError

from base.database import require_migrated
from cordis.files import CordisError
from cordis.importer import import_cordis
from cordis.progress import Bars, Lines


class Command(BaseCommand):
    help = (
        "Import CORDIS open data (project.csv and organization.csv, in a folder or a zip): "
        "projects, organizations, participations and keywords, then the organizations' "
        "figures. Re-running it updates what changed and leaves curated content alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="A folder or a zip holding project.csv and organization.csv."
        )
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows and list the bad ones, instead of importing nothing.",
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="No progress bars or lines (same as --verbosity 0).",
        )
        parser.add_argument(
            "--no-wait",
            action="store_true",
            help="If another import is running on this database, stop (exit status 1) "
            "instead of waiting for it to finish.",
        )

    def handle(self, *args, path, skip_bad_rows, quiet, no_wait, verbosity, **options):
        require_migrated()
        progress = None
        if verbosity > 0 and not quiet:
            # Progress goes to stderr so that stdout holds the summary alone: bars on a
            # terminal, plain lines in a pipe or a log.
            if self.stderr.isatty():
                progress = Bars(self.stderr._out)
            else:

                def write(message):
                    self.stderr.write(message)
                    self.stderr.flush()

                progress = Lines(write)

        def waiting(message):  # even with --quiet: it says why nothing happens for a while
            self.stderr.write(message)
            self.stderr.flush()

        try:
            result = import_cordis(
                path,
                skip_bad_rows=skip_bad_rows,
                progress=progress,
                wait=not no_wait,
                waiting=waiting,
            )
        except CordisError as error:
            raise CommandError(str(error)) from None
        for line in summary_lines(result):
            self.stdout.write(line)


LISTED_AT_MOST = 20  # merged rows and warnings listed in the summary; the rest are counted


def summary_lines(result):
    """What was read, a table of what changed per table, and the rows to look at."""
    lines = [", ".join(f"{name}: {count:,} rows" for name, count in result.rows.items())]
    lines.append(f"{'':18}{'created':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}")
    for table, c in result.counts.items():
        skipped = "-" if c.skipped is None else f"{c.skipped:,}"
        lines.append(f"{table:18}{c.created:>9,}{c.updated:>9,}{c.unchanged:>11,}{skipped:>9}")
    # Not errors: CORDIS publishes the companion files more often than project.csv.
    lines += result.unknown_projects
    for title, items, limit in [
        ("Merged duplicate rows", result.merged, LISTED_AT_MOST),
        ("Skipped rows", result.bad_rows, None),  # every one, so that they can be fixed
        ("Warnings", result.warnings, LISTED_AT_MOST),
    ]:
        if items:
            lines.append(f"{title}: {len(items):,}")
            lines += [f"  {item}" for item in items[:limit]]
            if limit and len(items) > limit:
                lines.append(f"  ... and {len(items) - limit:,} more")
    if result.figures_refreshed:
        lines.append(f"Figures recomputed for {result.figures_refreshed:,} organizations.")
    if not result.changed:
        lines.append("No changes.")
    lines.append(f"Done in {result.seconds:.1f} s.")
    return lines
