"""Reading CORDIS open-data files: project.csv and organization.csv, from a folder or a zip
(the companion files, euroSciVoc.csv, topics.csv and legalBasis.csv: cordis/companions.py).

This module reads the files' rows (cordis/input.py opens the files and bounds what is
read; cordis/records.py says what a row holds, cordis/values.py what a cell holds) and hands
them, a chunk at a time, to a writer (cordis/importer/): a file is never held whole in
memory. The writer writes inside one transaction, which a bad file or row rolls back, so it
never leaves half an import behind.

The layout is CORDIS's H2020 one: ';'-separated, UTF-8 (with or without a byte order mark),
a header row, quoted fields that may hold ';' and newlines. Columns are found by their header
name, so their order does not matter and columns we do not use are ignored.
"""

import csv
import io
import operator
from dataclasses import dataclass, field
from datetime import date

from cordis.companions import read_companions
from cordis.digests import row_digest
from cordis.input import BoundedLines, CordisError, next_record, not_utf8, open_files
from cordis.progress import NO_PROGRESS, STEP
from cordis.records import (
    ORGANIZATION_FILE,
    PROJECT_FILE,
    absent_fields,
    add_participation,
    check_lengths,
    project_values,
)
from cordis.values import BadValue, split_keywords, text
from projects.models import PARTICIPATION_IMPORTED_FIELDS as PARTICIPATION_FIELDS
from projects.models import Project

# Columns found by header name (ignoring case); every other column is ignored.
PROJECT_REQUIRED = ["id", "acronym", "title"]
PROJECT_OPTIONAL = ["status", "startDate", "endDate", "totalCost", "ecMaxContribution"]
PROJECT_OPTIONAL += ["frameworkProgramme", "fundingScheme", "masterCall", "call", "objective"]
PROJECT_OPTIONAL += ["keywords"]  # not in every dump; comma-separated names
PROJECT_OPTIONAL += ["contentUpdateDate"]  # when CORDIS last changed the row: Dump.data_date
ORGANIZATION_REQUIRED = ["projectID", "organisationID", "name", "role"]
ORGANIZATION_OPTIONAL = ["shortName", "activityType", "city", "country", "organizationURL"]
ORGANIZATION_OPTIONAL += ["SME", "street", "postCode", "nutsCode", "geolocation"]
ORGANIZATION_OPTIONAL += ["order", "ecContribution"]
ORGANIZATION_OPTIONAL += ["endOfParticipation"]  # "true" / "false"; HORIZON dumps have it
ORGANIZATION_OPTIONAL += ["contentUpdateDate"]
PROJECT_COLUMNS = (PROJECT_REQUIRED, PROJECT_OPTIONAL)
ORGANIZATION_COLUMNS = (ORGANIZATION_REQUIRED, ORGANIZATION_OPTIONAL)

# Rows handed to the writer at a time: what a file costs in memory is a chunk of its rows
# (plus the keys of what it holds), and the queries grow with the chunks, not the rows.
CHUNK_ROWS = 10_000


@dataclass
class BadRow:
    file: str
    line: int
    reason: str

    def __str__(self):
        return f"{self.file}, line {self.line}: {self.reason}"


@dataclass
class Dump:
    """What a CORDIS dump says, read as a stream: the rows go to a writer in chunks, and the
    dump keeps only what reading the next rows needs (the keys seen, and where).

    A field is in a row's values when the file has its column: None (or "") is an empty cell,
    which the import writes as an empty field. A field left out is one the file has no column
    for (older dumps lack some), or a value it could not use (with a warning): the import
    leaves it as it is.
    """

    projects: dict = field(default_factory=dict)  # cordis_id -> the line it was read on
    skipped_projects: dict = field(default_factory=dict)  # cordis_id -> line of a bad row
    has_keywords: bool = False  # project.csv has a keywords column
    organizations: set = field(default_factory=set)  # the pics read
    # (cordis_id, pic) -> tuple of the values of participation_fields, then the line: the
    # one table held whole, compactly, since a row repeating a pair merges into the first.
    participations: dict = field(default_factory=dict)
    participation_fields: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)  # file name -> number of rows read
    bad_rows: list = field(default_factory=list)
    merged: list = field(default_factory=list)  # descriptions of merged duplicate rows
    warnings: list = field(default_factory=list)
    # The companion files that are there (cordis/companions.py): file name -> Classification.
    classifications: dict = field(default_factory=dict)
    programmes: set = field(default_factory=set)  # the projects' frameworkProgramme values
    # The newest contentUpdateDate of its rows, "2024-05-29": how recent the data is.
    data_date: str = ""


class Discard:
    """A writer that writes nothing: read_dump alone checks the files."""

    def holds(self, model, digest):
        """The pk of the `model` row that the last import wrote from the file row with this
        digest, and which still holds what it wrote (cordis/digests.py); None: read the row."""
        return None

    def write_projects(self, projects, keywords):
        """projects: [(cordis_id, values, digest)], values None for a row it holds."""

    def write_organizations(self, organizations):
        """organizations: {pic: (values, digest)}, values None for a row it holds."""

    def write_participations(self, dump, advance):
        pass

    def write_classification(self, classification):
        pass

    def done(self, filename):
        """The end of project.csv, or of organization.csv's organizations."""


def read_dump(path, *, writer=None, progress=None, dump=None):
    """Read and check the CORDIS files in `path` (a folder or a zip), handing their rows to
    `writer` as they are read (see Discard for what it is called with); return the Dump
    (`dump`, if given)."""
    dump = dump if dump is not None else Dump()
    writer = writer or Discard()
    progress = progress or NO_PROGRESS
    with open_files(path) as open_file:
        read_projects(open_file, dump, writer, progress)
        read_organizations(open_file, dump, writer, progress)
        read_companions(open_file, dump, writer, progress)
    return dump


def read_projects(open_file, dump, writer, progress):
    """Hand project.csv's rows to writer.write_projects, a chunk at a time: a list of
    (cordis_id, values, digest) and, when the file has a keywords column, {cordis_id: names}.
    A row the writer holds (the one the last import wrote from) is not read again: its
    values are None. Its keywords are, as the links they make are not in its digest."""
    chunk, keywords = [], {}
    rows = read_rows(open_file, PROJECT_FILE, PROJECT_COLUMNS, dump, progress)
    for line, row in rows:
        if row is None:  # a row with the wrong number of fields: already a bad row
            continue
        cordis_id = row["id"].strip()
        digest = row_digest(row)
        warnings = len(dump.warnings)
        try:
            if cordis_id in dump.projects:
                first = dump.projects[cordis_id]
                raise BadValue(f"project {cordis_id} again (first on line {first})")
            values = None if writer.holds(Project, digest) else project_values(row)
        except BadValue as error:
            dump.bad_rows.append(BadRow(PROJECT_FILE, line, str(error)))
            dump.skipped_projects.setdefault(cordis_id, line)
            continue
        dump.projects[cordis_id] = line
        dump.programmes.add(text(row, "frameworkProgramme"))  # as project_values reads it
        note_update_date(row, dump)
        if values is not None:
            check_lengths(values, Project, PROJECT_FILE, line, dump)
        chunk.append((cordis_id, values, digest_unless_warned(digest, dump, warnings)))
        if "keywords" in row:  # only when the file has a keywords column
            dump.has_keywords = True
            keywords[cordis_id] = split_keywords(row["keywords"])
        if len(chunk) == CHUNK_ROWS:
            writer.write_projects(chunk, keywords if dump.has_keywords else None)
            chunk, keywords = [], {}
    writer.write_projects(chunk, keywords if dump.has_keywords else None)
    writer.done(PROJECT_FILE)


def read_organizations(open_file, dump, writer, progress):
    """Hand organization.csv's organizations to writer.write_organizations a chunk at a time
    ({pic: (values, digest)}, from the first row of each), then its participations, whole."""
    chunk = {}
    rows = read_rows(open_file, ORGANIZATION_FILE, ORGANIZATION_COLUMNS, dump, progress)
    for line, row in rows:
        if row is None:
            continue
        if not dump.participation_fields:
            absent = absent_fields("participation", tuple(row))
            dump.participation_fields = [n for n in PARTICIPATION_FIELDS if n not in absent]
        try:
            add_participation(row, line, dump, chunk, writer.holds)
        except BadValue as error:
            dump.bad_rows.append(BadRow(ORGANIZATION_FILE, line, str(error)))
        else:
            note_update_date(row, dump)
        if len(chunk) == CHUNK_ROWS:
            writer.write_organizations(chunk)
            chunk = {}
    writer.write_organizations(chunk)
    writer.done(ORGANIZATION_FILE)
    with progress.phase("participations", len(dump.participations)) as advance:
        writer.write_participations(dump, advance)
    dump.participations = {}  # written: its memory is the companion files' now


def digest_unless_warned(digest, dump, warnings):
    """A row that warned (a value cut or left out) keeps no digest: it is read, and warns,
    every time."""
    return digest if len(dump.warnings) == warnings else None


def note_update_date(row, dump):
    """Keep the newest contentUpdateDate ("2024-05-29 16:06:19"); a cell that is not a date
    says nothing about the dump's date."""
    day = row.get("contentUpdateDate", "").strip()[:10]
    if day > dump.data_date:  # ISO dates sort as text: only a newer one is parsed
        try:
            date.fromisoformat(day)
        except ValueError:
            return
        dump.data_date = day


def read_rows(open_file, filename, columns, dump, progress=NO_PROGRESS):
    """Yield (line, {column: text}) for each record of a CORDIS file.

    `line` is the physical line where the record starts. A record with the wrong number of
    fields goes to dump.bad_rows and is yielded as (line, None). A malformed file (not UTF-8,
    a missing required column, a quote that never closes, a row longer than MAX_ROW, a damaged
    zip) raises CordisError.
    """
    with (
        open_file(filename) as stream,
        progress.reading(filename, getattr(stream, "cordis_size", None)) as advance,
    ):
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        lines = BoundedLines(text, filename)
        reader = csv.reader(lines, delimiter=";", strict=True)
        try:
            header = next_record(reader, filename, lines.start_row())
            if header is None:
                raise CordisError(f"{filename} is empty")
            names, indexes = find_columns(header, columns, filename)
            pick = operator.itemgetter(*indexes)
            count = 0
            while True:
                line = lines.start_row()
                record = next_record(reader, filename, line)
                if record is None:
                    break
                if not record:  # a blank line
                    continue
                count += 1
                if count % STEP == 0:
                    advance(count, position(stream))
                if len(record) != len(header):
                    reason = f"{len(record)} fields where the header has {len(header)}"
                    dump.bad_rows.append(BadRow(filename, line, reason))
                    yield line, None
                    continue
                yield line, dict(zip(names, pick(record), strict=True))
            advance(count, position(stream))
        except UnicodeDecodeError:
            raise CordisError(not_utf8(open_file, filename)) from None
    dump.rows[filename] = count


def position(stream):
    """The bytes read so far, for the progress bar's estimate; None if the stream cannot say."""
    try:
        return stream.tell()
    except (OSError, ValueError):
        return None


def find_columns(header, columns, filename):
    """The columns we use and their positions in the header; header names ignore case."""
    required_columns, optional_columns = columns
    positions = {}
    for index, name in enumerate(header):
        positions.setdefault(name.strip().lower(), index)
    for name in required_columns:
        if name.lower() not in positions:
            raise CordisError(f'{filename}, line 1: the required column "{name}" is missing')
    names = [name for name in required_columns + optional_columns if name.lower() in positions]
    return names, [positions[name.lower()] for name in names]
