"""Importing CORDIS open data: projects, organizations, participations and keywords, and the
companion files' fields of science, topics and programme parts.

cordis/files.py reads and checks the files, as streams; cordis/importer/writer.py writes what
they say, a chunk of rows at a time, in one transaction, matching rows on natural keys:
Project.cordis_id, Organization.pic (CORDIS organisationID) and (project, organization) for
participations. Running it twice on the same files changes nothing the second time. Then
the figures of the organizations the changes affect are recomputed (figures.py).

The import owns what it writes: the fields in PROJECT_FIELDS, ORGANIZATION_FIELDS and
PARTICIPATION_FIELDS, the keys (cordis_id, pic) and who took part in which project. It writes
the file's value whatever we hold, an empty cell included (see rows.file_values); the admin
shows these fields read-only. What editors curate, it never touches: an organization's name,
slug, status and narratives, its expertise, notes and capabilities, a project's slug and the
keywords of projects whose cell is empty, and the highlight and rank of a participation.
"""

import time

from base.caching import one_bump_at_the_end
from base.database import analyze
from cordis.companions import LINKS
from cordis.dumps import record_dump
from cordis.files import ORGANIZATION_FILE, PROJECT_FILE, CordisError, Dump, read_dump
from cordis.importer.figures import refresh_after_import
from cordis.importer.result import Counts, ImportResult
from cordis.importer.writer import (
    ORGANIZATION_FIELDS,
    PARTICIPATION_FIELDS,
    PROJECT_FIELDS,
    Writer,
)
from cordis.lock import import_transaction
from cordis.progress import progress_for
from organizations.models import (
    ComputedProfile,
    Organization,
    OrganizationSubject,
    SearchEvidence,
)
from projects.models import Keyword, Participation, Project

__all__ = ["Counts", "ImportResult", "import_cordis", "ORGANIZATION_FIELDS"]
__all__ += ["PARTICIPATION_FIELDS", "PROJECT_FIELDS"]


def import_cordis(path, *, skip_bad_rows=False, progress=None, wait=True, waiting=None):
    """Import the CORDIS files in `path` (a folder or a zip); return an ImportResult.

    Raises CordisError, having written nothing, if a file is malformed, or if a row is bad
    and skip_bad_rows is false. `progress`: None, a cordis.progress Progress (bars, lines), or
    a function called with a line of text now and then.
    One import runs at a time on a database: if another is running, this one waits for it
    (calling `waiting` with a message), or raises ImportRunning if `wait` is false.
    """
    started = time.monotonic()
    progress = progress_for(progress)
    dump = Dump()
    result = ImportResult(
        rows=dump.rows, bad_rows=dump.bad_rows, merged=dump.merged, warnings=dump.warnings
    )
    # The files are read as they are written, inside the transaction: a bad file or row
    # found halfway rolls back what was written before it.
    # Bulk writes send no signals: the cached pages go stale with the import's commit.
    with import_transaction(wait=wait, waiting=waiting), one_bump_at_the_end():
        writer = Writer(dump, result, skip_bad_rows=skip_bad_rows, progress=progress)
        read_dump(path, writer=writer, progress=progress, dump=dump)
        rows = sum(dump.rows.values())
        elapsed = time.monotonic() - started
        rate = rows / elapsed
        progress.line(f"{rows:,} rows read and written in {elapsed:.1f} s ({rate:,.0f} rows/s)")
        if dump.bad_rows and not skip_bad_rows:
            raise CordisError(bad_rows_message(dump.bad_rows))
        for table, file_name in [("projects", PROJECT_FILE), ("participations", ORGANIZATION_FILE)]:
            result.counts[table].skipped = sum(1 for row in dump.bad_rows if row.file == file_name)
        result.unknown_projects = [
            line for c in dump.classifications.values() if (line := c.unknown_summary())
        ]
        if writer.bulk:
            analyze(IMPORTED_MODELS)
        refresh_after_import(writer, result, progress)
        if writer.bulk:
            analyze(DERIVED_MODELS)
        record_dump(dump, path)
    result.seconds = time.monotonic() - started
    return result


# After a bulk load (a first import) the planner still believes these tables as small as
# before, until autovacuum comes by: the figures query, and the pages' first queries after the
# import, would be planned for that (seconds slower at H2020's size). So they are analyzed
# before the refresh that reads them, and what the refresh writes after it.
IMPORTED_MODELS = [Participation, Organization, Project, Project.keywords.through, Keyword]
IMPORTED_MODELS += [model for model, link, _ in LINKS.values()]
IMPORTED_MODELS += [link for model, link, _ in LINKS.values()]
DERIVED_MODELS = [SearchEvidence, OrganizationSubject, ComputedProfile]


def bad_rows_message(bad_rows):
    listed = [f"  {row}" for row in bad_rows[:50]]
    if len(bad_rows) > 50:
        listed.append(f"  ... and {len(bad_rows) - 50:,} more")
    return "\n".join(
        [f"{len(bad_rows):,} bad row(s); nothing was imported:"]
        + listed
        + ["Fix them, or import the rest with --skip-bad-rows."]
    )
