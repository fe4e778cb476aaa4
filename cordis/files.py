"""Reading CORDIS open-data files: project.csv and organization.csv, from a folder or a zip
(the companion files, euroSciVoc.csv, topics.csv and legalBasis.csv: cordis/companions.py).

This module reads the files' rows (cordis/input.py opens the files and bounds what is
read; cordis/values.py, the values in rows); cordis/importer.py writes. Everything
is read before anything is written, so a bad file never leaves half an import behind.

The layout is CORDIS's H2020 one: ';'-separated, UTF-8 (with or without a byte order mark),
a header row, quoted fields that may hold ';' and newlines. Columns are found by their header
name, so their order does not matter and columns we do not use are ignored.
"""

import csv
import io
import operator
import time
from dataclasses import dataclass, field

from cordis.companions import read_companions
from cordis.input import BoundedLines, CordisError, next_record, not_utf8, open_files
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

PROGRESS_EVERY = 20_000  # rows


@dataclass
class BadRow:
    file: str
    line: int
    reason: str

    def __str__(self):
        return f"{self.file}, line {self.line}: {self.reason}"


@dataclass
class Dump:
    """What a pair of CORDIS files says, keyed by the natural keys the import matches on.

    A field is in a row's values when the file has its column: None (or "") is an empty cell,
    which the import writes as an empty field. A field left out is one the file has no column
    for (older dumps lack some), or a value it could not use (with a warning): the import
    leaves it as it is.
    """

    projects: dict = field(default_factory=dict)  # cordis_id -> Project field values
    keywords: dict | None = None  # cordis_id -> keyword names; None without a keywords column
    organizations: dict = field(default_factory=dict)  # pic -> Organization field values
    participations: dict = field(default_factory=dict)  # (cordis_id, pic) -> field values
    rows: dict = field(default_factory=dict)  # file name -> number of rows read
    bad_rows: list = field(default_factory=list)
    merged: list = field(default_factory=list)  # descriptions of merged duplicate rows
    warnings: list = field(default_factory=list)
    # The companion files that are there (cordis/companions.py): file name -> Classification.
    classifications: dict = field(default_factory=dict)


def read_dump(path, *, progress=None):
    """Read and check project.csv and organization.csv in `path` (a folder or a zip)."""
    dump = Dump()
    with open_files(path) as open_file:
        skipped_projects = read_projects(open_file, dump, progress)
        read_organizations(open_file, dump, skipped_projects, progress)
        read_companions(open_file, dump, skipped_projects, progress)
    return dump


def read_projects(open_file, dump, progress):
    """Fill dump.projects (and dump.keywords); return {cordis_id: line} of skipped rows."""
    lines = {}  # cordis_id -> line, to name the first row of a repeated id
    skipped = {}
    for line, row in read_rows(open_file, PROJECT_FILE, PROJECT_COLUMNS, dump, progress):
        if row is None:  # a row with the wrong number of fields: already a bad row
            continue
        cordis_id = row["id"].strip()
        try:
            if cordis_id in lines:
                raise BadValue(f"project {cordis_id} again (first on line {lines[cordis_id]})")
            dump.projects[cordis_id] = project_values(row)
        except BadValue as error:
            dump.bad_rows.append(BadRow(PROJECT_FILE, line, str(error)))
            skipped.setdefault(cordis_id, line)
            continue
        lines[cordis_id] = line
        check_lengths(dump.projects[cordis_id], Project, PROJECT_FILE, line, dump)
        if "keywords" in row:  # only when the file has a keywords column
            if dump.keywords is None:
                dump.keywords = {}
            dump.keywords[cordis_id] = split_keywords(row["keywords"])
    return skipped


def read_organizations(open_file, dump, skipped_projects, progress):
    """Fill dump.organizations and dump.participations."""
    for line, row in read_rows(open_file, ORGANIZATION_FILE, ORGANIZATION_COLUMNS, dump, progress):
        if row is None:
            continue
        try:
            add_participation(row, line, dump, skipped_projects)
        except BadValue as error:
            dump.bad_rows.append(BadRow(ORGANIZATION_FILE, line, str(error)))


def read_rows(open_file, filename, columns, dump, progress=None):
    """Yield (line, {column: text}) for each record of a CORDIS file.

    `line` is the physical line where the record starts. A record with the wrong number of
    fields goes to dump.bad_rows and is yielded as (line, None). A malformed file (not UTF-8,
    a missing required column, a quote that never closes, a row longer than MAX_ROW, a damaged
    zip) raises CordisError.
    """
    with open_file(filename) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        lines = BoundedLines(text, filename)
        reader = csv.reader(lines, delimiter=";", strict=True)
        try:
            header = next_record(reader, filename, lines.start_row())
            if header is None:
                raise CordisError(f"{filename} is empty")
            names, indexes = find_columns(header, columns, filename)
            pick = operator.itemgetter(*indexes)
            started = time.monotonic()
            count = 0
            while True:
                line = lines.start_row()
                record = next_record(reader, filename, line)
                if record is None:
                    break
                if not record:  # a blank line
                    continue
                count += 1
                if progress and count % PROGRESS_EVERY == 0:
                    rate = count / max(time.monotonic() - started, 1e-6)
                    progress(f"{filename}: {count:,} rows read ({rate:,.0f} rows/s)")
                if len(record) != len(header):
                    reason = f"{len(record)} fields where the header has {len(header)}"
                    dump.bad_rows.append(BadRow(filename, line, reason))
                    yield line, None
                    continue
                yield line, dict(zip(names, pick(record), strict=True))
        except UnicodeDecodeError:
            raise CordisError(not_utf8(open_file, filename)) from None
    dump.rows[filename] = count


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


def in_file(values, row, field_columns):
    """`values` without the fields whose columns the file does not have."""
    return {
        name: value
        for name, value in values.items()
        if name not in field_columns or any(column in row for column in field_columns[name])
    }


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
    return in_file(values, row, PROJECT_FIELD_COLUMNS)


def add_participation(row, line, dump, skipped_projects):
    """Check one organization.csv row; add its organization and its participation."""
    cordis_id = required(row, "projectID")
    if cordis_id not in dump.projects:
        if cordis_id in skipped_projects:
            skipped_line = skipped_projects[cordis_id]
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
        "line": line,
    }
    participation = in_file(participation, row, PARTICIPATION_FIELD_COLUMNS)
    # An organization is on a row per project: the first row describes it.
    if pic not in dump.organizations:
        dump.organizations[pic] = organization_values(row, line, dump)

    key = (cordis_id, pic)
    first = dump.participations.get(key)
    if first is None:
        dump.participations[key] = participation
    else:
        merge_participations(first, participation)
        dump.merged.append(
            f"{ORGANIZATION_FILE}, line {line}: organisation {pic} in project {cordis_id} "
            f"again (first on line {first['line']}); merged"
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
    values = in_file(values, row, ORGANIZATION_FIELD_COLUMNS)
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
