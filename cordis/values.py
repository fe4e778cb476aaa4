"""The values of a CORDIS row: text, identifiers, amounts, dates and readable names.

The parsers take a row ({column: text}) and a column name, and raise BadValue, with a reason
a person can act on, when the value cannot be used. The rest take a value and make it fit:
keywords split and cut to length, names in capitals made readable.
"""

import functools
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django_countries import countries

from base.fields import normalize_newlines
from projects.models import Keyword, Project

IDENTIFIER_LENGTH = Project._meta.get_field("cordis_id").max_length  # and Organization.pic
LARGEST_AMOUNT = Decimal("1e12")  # DecimalField(max_digits=14, decimal_places=2)


class BadValue(ValueError):
    """One value of a row cannot be used; the row is bad."""


def text(row, column):
    # A quoted field may hold "\r\n" (the file is read with newline=""): stored as "\n", as
    # every text the portal stores (base.fields.NormalizedTextField).
    return normalize_newlines(row.get(column, "").strip())


def required(row, column):
    value = text(row, column)
    if not value:
        raise BadValue(f'no value in the required column "{column}"')
    return value


def identifier(row, column):
    """An identifier the import matches on: required, and never cut."""
    value = required(row, column)
    if len(value) > IDENTIFIER_LENGTH:
        raise BadValue(f'{column} "{value[:30]}..." is longer than {IDENTIFIER_LENGTH} characters')
    return value


def parse_amount(row, column):
    """ "1234.5" or "1234,5" -> Decimal; empty -> None."""
    value = text(row, column)
    if not value:
        return None
    try:
        amount = Decimal(value.replace(",", ".") if "." not in value else value)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or "e" in value.lower():
        raise BadValue(f'{column} "{value}" is not an amount')
    if amount < 0:
        raise BadValue(f'{column} "{value}" is negative')
    if amount >= LARGEST_AMOUNT:
        raise BadValue(f'{column} "{value}" is too large')
    return amount.quantize(Decimal("0.01"))


def parse_date(row, column):
    value = text(row, column)
    if not value:
        return None
    try:  # "2015-01-01", or "2015-01-01 00:00:00" as some dumps write it
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise BadValue(f'{column} "{value}" is not a date (YYYY-MM-DD)') from None


def parse_order(row):
    value = text(row, "order")
    if not value:
        return None
    if not value.isdigit():
        raise BadValue(f'order "{value}" is not a whole number')
    return int(value)


def split_keywords(value):
    """ "big data, Leukemia,leukemia" -> ["big data", "Leukemia"] (one per name, ignoring case)."""
    names = {}
    for name in value.split(","):
        name = " ".join(name.split())[: max_lengths(Keyword)["name"]]
        if name:
            names.setdefault(name.lower(), name)
    return list(names.values())


@functools.cache
def country_codes():
    return frozenset(code for code, _ in countries)


@functools.cache
def max_lengths(model):
    return {field.name: field.max_length for field in model._meta.concrete_fields}


# Small words stay lower case in readable names ("University of Oxford").
SMALL_WORDS = {"of", "the", "and", "for", "de", "du", "des", "la", "le", "di", "del", "der", "und"}
SMALL_WORDS |= {"van", "von", "en", "et", "y", "da", "do", "am", "an", "in", "on", "at", "zu"}
LEGAL_FORMS = {"gmbh": "GmbH", "ag": "AG", "sa": "SA", "sas": "SAS", "bv": "BV", "nv": "NV"}
LEGAL_FORMS |= {"ab": "AB", "as": "AS", "srl": "SRL", "spa": "SpA", "plc": "PLC", "nhs": "NHS"}


def readable(value):
    """CORDIS writes names and cities in capitals; make them readable: "GRAZ" -> "Graz"."""
    if not value or not value.isupper():
        return value  # already in mixed case: leave it as written
    words = []
    for position, word in enumerate(value.lower().split(" ")):
        if word in LEGAL_FORMS:
            words.append(LEGAL_FORMS[word])
        elif position and word in SMALL_WORDS:
            words.append(word)
        else:
            # Capitalize each part of "saint-etienne", and "king's" without "King'S".
            words.append("-".join(capitalize_first_letter(part) for part in word.split("-")))
    return " ".join(words)


def capitalize_first_letter(word):
    for index, character in enumerate(word):
        if character.isalpha():
            return word[:index] + character.upper() + word[index + 1 :]
    return word
