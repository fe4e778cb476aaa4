"""Reading CORDIS open-data files: project.csv and organization.csv, from a folder or a zip
(the companion files, euroSciVoc.csv, topics.csv and legalBasis.csv: cordis/companions.py).

This module reads the files' rows (cordis/input.py opens the files and bounds what is
read; cordis/values.py, the values in rows) and hands them, a chunk at a time, to a writer
(cordis/importer/): a file is never held whole in memory. The writer writes inside one
transaction, which a bad file or row rolls back, so it never leaves half an import behind.

The layout is CORDIS's H2020 one: ';'-separated, UTF-8 (with or without a byte order mark),
a header row, quoted fields that may hold ';' and newlines. Columns are found by their header
name, so their order does not matter and columns we do not use are ignored.
"""

import csv
import functools
import io
import operator
from dataclasses import dataclass, field

from cordis.companions import read_companions
from cordis.input import BoundedLines, CordisError, next_record, not_utf8, open_files
from cordis.progress import NO_PROGRESS, STEP
from cordis.values import (
    BadValue,
    country_codes,
    identifier,
    max_lengths,
    parse_amount,
    parse_date,
    parse_flag,
    parse_geolocation,
    parse_order,
    readable,
    required,
    split_keywords,
    text,
)
from organizations.models import Organization
from projects.models import PARTICIPATION_IMPORTED_FIELDS as PARTICIPATION_FIELDS
from projects.models import Project

PROJECT_FILE = "project.csv"
ORGANIZATION_FILE = "organization.csv"

# Columns found by header name (ignoring case); every other column is ignored.
PROJECT_REQUIRED = ["id", "acronym", "title"]
PROJECT_OPTIONAL = ["status", "startDate", "endDate", "totalCost", "ecMaxContribution"]
PROJECT_OPTIONAL += ["frameworkProgramme", "fundingScheme", "masterCall", "call", "objective"]
PROJECT_OPTIONAL += ["keywords"]  # not in every dump; comma-separated names
ORGANIZATION_REQUIRED = ["projectID", "organisationID", "name", "role"]
ORGANIZATION_OPTIONAL = ["shortName", "activityType", "city", "country", "organizationURL"]
ORGANIZATION_OPTIONAL += ["SME", "street", "postCode", "nutsCode", "geolocation"]
ORGANIZATION_OPTIONAL += ["order", "ecContribution"]
ORGANIZATION_OPTIONAL += ["endOfParticipation"]  # "true" / "false"; HORIZON dumps have it
PROJECT_COLUMNS = (PROJECT_REQUIRED, PROJECT_OPTIONAL)
ORGANIZATION_COLUMNS = (ORGANIZATION_REQUIRED, ORGANIZATION_OPTIONAL)

# CORDIS writes the EU's own codes for two countries; django-countries wants ISO 3166.
COUNTRY_CODES = {"UK": "GB", "EL": "GR"}
# CORDIS role (ignoring case) -> Participation.Role; activityType -> organizations.Kind.
ROLES = {"coordinator": "coordinator", "participant": "participant", "partner": "partner"}
ROLES |= {"thirdparty": "third_party", "associatedpartner": "associated"}
ROLES |= {"internationalpartner": "international"}
KINDS = {"PRC": "company", "HES": "university", "REC": "research", "PUB": "public_body"}
KINDS |= {"OTH": "other"}

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


class Discard:
    """A writer that writes nothing: read_dump alone checks the files."""

    def write_projects(self, projects, keywords):
        pass

    def write_organizations(self, organizations):
        pass

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
    (cordis_id, values) and, when the file has a keywords column, {cordis_id: names}."""
    chunk, keywords = [], {}
    rows = read_rows(open_file, PROJECT_FILE, PROJECT_COLUMNS, dump, progress)
    for line, row in rows:
        if row is None:  # a row with the wrong number of fields: already a bad row
            continue
        cordis_id = row["id"].strip()
        try:
            if cordis_id in dump.projects:
                first = dump.projects[cordis_id]
                raise BadValue(f"project {cordis_id} again (first on line {first})")
            values = project_values(row)
        except BadValue as error:
            dump.bad_rows.append(BadRow(PROJECT_FILE, line, str(error)))
            dump.skipped_projects.setdefault(cordis_id, line)
            continue
        dump.projects[cordis_id] = line
        check_lengths(values, Project, PROJECT_FILE, line, dump)
        chunk.append((cordis_id, values))
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
    ({pic: values}, from the first row of each), then its participations, whole."""
    chunk = {}
    rows = read_rows(open_file, ORGANIZATION_FILE, ORGANIZATION_COLUMNS, dump, progress)
    for line, row in rows:
        if row is None:
            continue
        if not dump.participation_fields:
            absent = absent_fields("participation", tuple(row))
            dump.participation_fields = [n for n in PARTICIPATION_FIELDS if n not in absent]
        try:
            add_participation(row, line, dump, chunk)
        except BadValue as error:
            dump.bad_rows.append(BadRow(ORGANIZATION_FILE, line, str(error)))
        if len(chunk) == CHUNK_ROWS:
            writer.write_organizations(chunk)
            chunk = {}
    writer.write_organizations(chunk)
    writer.done(ORGANIZATION_FILE)
    with progress.phase("participations", len(dump.participations)) as advance:
        writer.write_participations(dump, advance)
    dump.participations = {}  # written: its memory is the companion files' now


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


# The optional columns each field is read from: without them, the field is not in the values.
PROJECT_FIELD_COLUMNS = {"status": ["status"], "start_date": ["startDate"]}
PROJECT_FIELD_COLUMNS |= {"end_date": ["endDate"], "total_cost": ["totalCost"]}
PROJECT_FIELD_COLUMNS |= {"ec_max_contribution": ["ecMaxContribution"]}
PROJECT_FIELD_COLUMNS |= {"framework_programme": ["frameworkProgramme"]}
PROJECT_FIELD_COLUMNS |= {"funding_scheme": ["fundingScheme"], "call": ["masterCall", "call"]}
PROJECT_FIELD_COLUMNS |= {"objective": ["objective"]}
ORGANIZATION_FIELD_COLUMNS = {"short_name": ["shortName"], "kind": ["activityType"]}
ORGANIZATION_FIELD_COLUMNS |= {"city": ["city"], "country": ["country"]}
ORGANIZATION_FIELD_COLUMNS |= {"website": ["organizationURL"], "sme": ["SME"]}
ORGANIZATION_FIELD_COLUMNS |= {"street": ["street"], "post_code": ["postCode"]}
ORGANIZATION_FIELD_COLUMNS |= {"nuts_code": ["nutsCode"]}
ORGANIZATION_FIELD_COLUMNS |= {"latitude": ["geolocation"], "longitude": ["geolocation"]}
PARTICIPATION_FIELD_COLUMNS = {"order": ["order"], "ec_contribution": ["ecContribution"]}
PARTICIPATION_FIELD_COLUMNS |= {"ended_early": ["endOfParticipation"]}


FIELD_COLUMNS = {"project": PROJECT_FIELD_COLUMNS, "organization": ORGANIZATION_FIELD_COLUMNS}
FIELD_COLUMNS |= {"participation": PARTICIPATION_FIELD_COLUMNS}


def in_file(values, row, kind):
    """`values` without the fields whose columns the file does not have (`kind` names the
    FIELD_COLUMNS); `values` itself, changed."""
    for name in absent_fields(kind, tuple(row)):
        values.pop(name, None)
    return values


@functools.cache
def absent_fields(kind, columns):
    """The fields of `kind` that a file with these columns does not give: every row of a
    file has the same columns, so this is worked out once per file."""
    return [
        name
        for name, field_columns in FIELD_COLUMNS[kind].items()
        if not any(column in columns for column in field_columns)
    ]


def project_values(row):
    """Project field values from a project.csv row (None or "": an empty cell)."""
    identifier(row, "id")
    values = {
        "acronym": required(row, "acronym"),
        "title": required(row, "title"),
        "status": text(row, "status"),
        "start_date": parse_date(row, "startDate"),
        "end_date": parse_date(row, "endDate"),
        "total_cost": parse_amount(row, "totalCost"),
        "ec_max_contribution": parse_amount(row, "ecMaxContribution"),
        "framework_programme": text(row, "frameworkProgramme"),
        "funding_scheme": text(row, "fundingScheme"),
        # Older dumps call it "call", newer ones "masterCall".
        "call": text(row, "masterCall") or text(row, "call"),
        "objective": text(row, "objective"),
    }
    return in_file(values, row, "project")


def add_participation(row, line, dump, new_organizations):
    """Check one organization.csv row; add its participation, and its organization to
    `new_organizations` if it is the first row of that organization."""
    cordis_id = required(row, "projectID")
    if cordis_id not in dump.projects:
        if cordis_id in dump.skipped_projects:
            skipped_line = dump.skipped_projects[cordis_id]
            raise BadValue(f"project {cordis_id} was skipped ({PROJECT_FILE}, line {skipped_line})")
        raise BadValue(f"project {cordis_id} is not in {PROJECT_FILE}")
    pic = identifier(row, "organisationID")
    required(row, "name")
    role = ROLES.get(required(row, "role").lower())
    if role is None:
        raise BadValue(f'unknown role "{row["role"].strip()}"')
    participation = {
        "role": role,
        "order": parse_order(row),
        "ec_contribution": parse_amount(row, "ecContribution"),
        "ended_early": parse_ended_early(row),
    }
    participation = in_file(participation, row, "participation")
    # An organization is on a row per project: the first row describes it.
    if pic not in dump.organizations:
        new_organizations[pic] = organization_values(row, line, dump)
        dump.organizations.add(pic)

    key = (cordis_id, pic)
    first = dump.participations.get(key)
    if first is None:
        dump.participations[key] = (*participation.values(), line)
    else:
        *values, first_line = first
        merged = dict(zip(participation, values, strict=True))
        merge_participations(merged, participation)
        dump.participations[key] = (*merged.values(), first_line)
        dump.merged.append(
            f"{ORGANIZATION_FILE}, line {line}: organisation {pic} in project {cordis_id} "
            f"again (first on line {first_line}); merged"
        )


def parse_ended_early(row):
    value = text(row, "endOfParticipation").lower()
    if value not in ("", "true", "false"):
        cell = row["endOfParticipation"].strip()
        raise BadValue(f'endOfParticipation "{cell}" is neither true nor false')
    return value == "true"


def merge_participations(first, again):
    """One organization listed twice in a project: keep one participation that says it all."""
    if again["role"] == "coordinator":
        first["role"] = "coordinator"
    if "order" in first:  # both rows have the column, or neither has
        orders = [o for o in (first["order"], again["order"]) if o is not None]
        first["order"] = min(orders, default=None)
    if "ec_contribution" in first:
        amounts = [a for a in (first["ec_contribution"], again["ec_contribution"]) if a is not None]
        first["ec_contribution"] = sum(amounts) if amounts else None
    if "ended_early" in first:  # ended early only if every row says so
        first["ended_early"] = first["ended_early"] and again["ended_early"]


def organization_values(row, line, dump):
    """Organization field values from an organization.csv row (None or "": an empty cell).

    A value that cannot be used costs the value, not the row: a warning says which, and the
    field is left out (left as it is).
    """

    def warn(message):
        dump.warnings.append(f"{ORGANIZATION_FILE}, line {line}: {message}")

    kind = text(row, "activityType").upper()
    if kind and kind not in KINDS:
        warn(f'activityType "{kind}" unknown, taken as OTH')
    country = text(row, "country").upper()
    country = COUNTRY_CODES.get(country, country)
    website = text(row, "organizationURL")
    if website and "://" not in website:
        website = "http://" + website
    values = {
        "legal_name": required(row, "name"),
        "short_name": text(row, "shortName"),
        "kind": KINDS.get(kind, "other"),
        "city": readable(text(row, "city")),
        "country": country,
        "website": website,
        "street": readable(" ".join(text(row, "street").split())),  # "RUE  DESCARTES 1"
        "post_code": text(row, "postCode"),
        "nuts_code": text(row, "nutsCode"),
    }
    try:
        values["sme"] = parse_flag(row, "SME")
    except BadValue as error:
        warn(f"{error}, left out")
    try:
        values["latitude"], values["longitude"] = parse_geolocation(row)
    except BadValue as error:
        warn(f"{error}, left out")
    values = in_file(values, row, "organization")
    if not kind:
        # CORDIS does not classify it: "other" for a new organization; an editor's choice
        # (e.g. NGO / Association, a kind CORDIS has no code for) stays.
        values.pop("kind", None)
    if country and country not in country_codes():
        warn(f'country "{text(row, "country")}" unknown, left out')
        del values["country"]
    if len(website) > max_lengths(Organization)["website"]:
        warn("organizationURL too long, left out")
        del values["website"]
    check_lengths(values, Organization, ORGANIZATION_FILE, line, dump)
    return values


def check_lengths(values, model, filename, line, dump):
    """Cut values longer than their database column, with a warning (rather than lose the row)."""
    limits = max_lengths(model)
    for name, value in values.items():
        limit = limits[name]
        if limit and isinstance(value, str) and len(value) > limit:
            values[name] = value[:limit]
            dump.warnings.append(f"{filename}, line {line}: {name} cut to {limit} characters")
