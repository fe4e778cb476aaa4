"""What a row of project.csv or organization.csv says: the field values of a project, an
organization and a participation, checked (cordis/files.py reads the rows; cordis/values.py
parses single values).
"""

import functools
import sys
from decimal import Decimal

from cordis.digests import row_digest
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
    text,
)
from organizations.models import Organization
from projects.models import Participation

PROJECT_FILE = "project.csv"
ORGANIZATION_FILE = "organization.csv"

# CORDIS writes the EU's own codes for two countries; django-countries wants ISO 3166.
COUNTRY_CODES = {"UK": "GB", "EL": "GR"}
# CORDIS role (ignoring case) -> Participation.Role; activityType -> organizations.Kind.
ROLES = {"coordinator": "coordinator", "participant": "participant", "partner": "partner"}
ROLES |= {"thirdparty": "third_party", "associatedpartner": "associated"}
ROLES |= {"internationalpartner": "international"}
KINDS = {"PRC": "company", "HES": "university", "REC": "research", "PUB": "public_body"}
KINDS |= {"OTH": "other"}


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


def add_participation(row, line, dump, new_organizations, holds):
    """Check one organization.csv row; add its participation, and its organization to
    `new_organizations` if it is the first row of that organization.

    A row whose digest `holds` knows (cordis/digests.py) is the one the last import wrote
    from: the organization it describes is not read again, nor is the participation (held as
    its line number: dump.participations). Otherwise the participation is held as (*values,
    line, digest, with_stored): with_stored when the pair came again after a held row, whose
    values, those stored, it is merged with when written."""
    # Interned: the participations are held whole until organization.csv is read, keyed by
    # (project, organization), and each row's strings would be copies of its own (360,000
    # rows at twice H2020's size; about 40 MB).
    cordis_id = sys.intern(required(row, "projectID"))
    if cordis_id not in dump.projects:
        if cordis_id in dump.skipped_projects:
            skipped_line = dump.skipped_projects[cordis_id]
            raise BadValue(f"project {cordis_id} was skipped ({PROJECT_FILE}, line {skipped_line})")
        raise BadValue(f"project {cordis_id} is not in {PROJECT_FILE}")
    pic = sys.intern(identifier(row, "organisationID"))
    digest = row_digest(row)
    key = (cordis_id, pic)
    first = dump.participations.get(key)
    # The row the last import wrote this participation from: nothing in it to check again.
    held = first is None and holds(Participation, digest)
    if not held:
        required(row, "name")
        role = ROLES.get(required(row, "role").lower())
        if role is None:
            raise BadValue(f'unknown role "{row["role"].strip()}"')
        participation = {
            "role": role,
            "order": parse_order(row),
            "ec_contribution": to_cents(parse_amount(row, "ecContribution")),
            "ended_early": parse_ended_early(row),
        }
        participation = in_file(participation, row, "participation")
    # An organization is on a row per project: the first row describes it.
    if pic not in dump.organizations:
        if holds(Organization, digest):
            new_organizations[pic] = (None, digest)
        else:
            warnings = len(dump.warnings)
            values = organization_values(row, line, dump)
            new_organizations[pic] = (values, digest if len(dump.warnings) == warnings else None)
        dump.organizations.add(pic)

    if held:
        # Held as its line alone, not written: the participations are held whole until
        # organization.csv is read, and most of a newer dump's are these.
        dump.participations[key] = line
    elif first is None:
        dump.participations[key] = (*participation.values(), line, digest, False)
    else:
        if isinstance(first, int):
            # The first row is held: what it says is what is stored, merged with when written.
            first_line, merged, with_stored = first, participation, True
        else:
            *values, first_line, _, with_stored = first
            merged = dict(zip(participation, values, strict=True))
            merge_participations(merged, participation)
        # From two rows: no digest (neither row says it all), compared with the database.
        dump.participations[key] = (*merged.values(), first_line, None, with_stored)
        dump.merged.append(
            f"{ORGANIZATION_FILE}, line {line}: organisation {pic} in project {cordis_id} "
            f"again (first on line {first_line}); merged"
        )


def to_cents(amount: Decimal | None) -> int | None:
    """An amount (two decimals, cordis.values.parse_amount) as a whole number of cents: the
    participations are held whole until organization.csv is read, and a Decimal takes about
    three times the memory of an int."""
    return None if amount is None else int(amount.scaleb(2))


def from_cents(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents).scaleb(-2)


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
