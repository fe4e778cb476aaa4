"""The values of a CORDIS row: text, identifiers, amounts, dates and readable names.

The parsers take a row ({column: text}) and a column name, and raise BadValue, with a reason
a person can act on, when the value cannot be used. The rest take a value and make it fit:
keywords split and cut to length, names in capitals made readable.
"""

import functools
import re
import unicodedata
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
    value = row.get(column, "").strip()
    return normalize_newlines(value) if "\r" in value else value  # a test is cheaper


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


def parse_flag(row, column):
    """ "true" / "false" (any case) -> True / False; empty -> None."""
    value = text(row, column).lower()
    if not value:
        return None
    if value not in ("true", "false"):
        raise BadValue(f'{column} "{text(row, column)}" is not true or false')
    return value == "true"


def parse_geolocation(row, column="geolocation"):
    """ "48.8473434,2.3487498" (latitude,longitude) -> (48.8473434, 2.3487498); empty ->
    (None, None)."""
    value = text(row, column)
    if not value:
        return None, None
    try:
        latitude, longitude = (float(part) for part in value.split(","))
    except ValueError:
        latitude = longitude = None
    if latitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadValue(f'{column} "{value[:40]}" is not "latitude,longitude"')
    return latitude, longitude


# Readable names. CORDIS writes most names in capitals; one rule (readable) makes them read
# like a name, keeping the capitals of legal forms and acronyms.
# Small words stay lower case, except at the start ("University of Oxford").
SMALL_WORDS = {"of", "the", "and", "for", "de", "du", "des", "la", "le", "di", "del", "der", "und"}
SMALL_WORDS |= {"van", "von", "en", "et", "y", "da", "do", "am", "an", "in", "on", "at", "zu"}
SMALL_WORDS |= {"dem", "den", "della", "degli", "dei", "delle", "e", "i", "z", "w", "na", "voor"}
SMALL_WORDS |= {"a", "al", "aux", "sur", "das", "dos", "din", "fur", "für", "para", "u", "za", "ve"}
SMALL_WORDS |= {"zur", "zum", "pour", "per", "och", "og", "with", "to", "fuer"}
# Legal forms, as they are written: looked up in lower case, with or without a final comma.
LEGAL_FORMS = {
    form.lower(): form
    for form in [
        *["GmbH", "gGmbH", "mbH", "AG", "KG", "KGaA", "OHG", "UG", "e.V.", "eV", "SE", "Co"],
        *["VZW", "IVZW", "ASBL", "AISBL", "BV", "B.V.", "NV", "N.V.", "CV", "VOF", "BVBA"],
        *["SA", "S.A.", "SAS", "SASU", "SARL", "SCA", "SCS", "GIE", "SCOP", "SAU"],
        *["SL", "S.L.", "SLU", "S.L.U.", "SpA", "S.p.A.", "Srl", "S.r.l.", "SRL", "Scarl"],
        *["AB", "Oy", "Oyj", "AS", "A/S", "ASA", "ApS", "IVS", "hf", "ehf"],
        *["Ltd", "Ltd.", "PLC", "LLP", "LLC", "Inc", "Inc.", "CIC", "EEIG", "EGTC"],
        *["Sp.", "o.o.", "a.s.", "s.r.o.", "d.o.o.", "d.d.", "Kft", "Kft.", "Zrt"],
        *["Zrt.", "Nyrt", "OÜ", "OU", "UAB", "SIA", "EOOD", "OOD", "AD", "EAD", "IKE", "AE"],
        *["DOO", "VVI", "SPRL", "SCRL", "PC"],
        *["Dr.", "Dr", "Prof.", "St."],  # titles, spelled as usual too
    ]
}
# Words kept in capitals wherever they appear: acronyms that have vowels, so that the
# acronym rule below cannot tell them from words.
ACRONYMS = {"NHS", "EU", "UK", "USA", "CEA", "CNR", "CNRS", "ETH", "TNO", "VTT", "KU", "ICT"}
ACRONYMS |= {"IT", "AI", "ENEA", "INRAE", "INSERM", "INRIA", "EPFL", "CSIC", "IMEC", "VIB"}
ACRONYMS |= {"SINTEF", "DTU", "KTH", "UCL", "AIT", "SME", "R&D", "EIT", "ESA", "EMBL"}
ROMAN_NUMERAL = re.compile(r"(X{0,3})(IX|IV|V?I{0,3})")
VOWELS = set("AEIOUY")
INITIALS = re.compile(r"(\w\.)+\w?")  # "F.I.S.", "R.", "A.P.P"


def readable(value: str, short_name: str = "") -> str:
    """A name CORDIS writes in capitals, made readable; a name in mixed case, as written.

    "UNIVERSITY OF TARTU" -> "University of Tartu", "VIB VZW" -> "VIB VZW",
    "ABBVIE DEUTSCHLAND GMBH & CO KG" -> "Abbvie Deutschland GmbH & Co KG". Legal forms keep
    their spelling (LEGAL_FORMS), acronyms their capitals: a known one (ACRONYMS), a word
    without vowels or with digits ("KTH", "H2"), initials ("F.I.S."), a Roman numeral. The
    organization's short name helps: in capitals and one word of up to five letters, it is
    an acronym ("VIB"); in mixed case, it spells the words it shares with the name
    ("SciCo Cyprus" for "SCICO CYPRUS LTD").
    """
    value = unquoted(value)
    if not value or not value.isupper():
        return value  # in mixed case (or no letters): the writer chose the capitals
    # Longer short names in capitals ("AETNA GROUP", "NEWCLIMATE") are often plain words.
    acronyms = {short_name} if short_name.isupper() and short_name.isalnum() else set()
    acronyms = {word for word in acronyms if len(word) <= 5}
    spellings = {} if short_name.isupper() else spellings_in(short_name)
    words = []
    # "CANARIAS,S.A." reads "Canarias, S.A."; runs of spaces are one.
    for word in re.sub(r",(?=\S)", ", ", value).split():
        if acronyms or spellings:
            words.append(
                readable_word(word, first=not words, acronyms=acronyms, spellings=spellings)
            )
        else:  # most names: the same words again and again ("UNIVERSITY", "STREET")
            words.append(readable_plain_word(word, not words))
    return " ".join(words)


@functools.lru_cache(maxsize=20_000)
def readable_plain_word(word, first):
    return readable_word(word, first=first, acronyms=set(), spellings={})


def unquoted(value):
    # Some names come quoted twice over, as a CSV field inside a CSV field:
    # "CENTER ""DEMOKRITOS""" (quotes included) reads CENTER "DEMOKRITOS".
    if len(value) > 1 and value[0] == value[-1] == '"' and '""' in value:
        return value[1:-1].replace('""', '"')
    return value


def spellings_in(short_name):
    """{lower case: as written} for the words of a mixed-case short name with a capital."""
    words = re.findall(r"[\w'’&.-]+", short_name)
    return {word.lower(): word for word in words if not word.islower()}


def readable_word(word, *, first, acronyms, spellings):
    bare = word.strip(",;:()\"'")  # the word without the punctuation around it
    lower = word.lower()
    for spelled in (LEGAL_FORMS, spellings):
        if bare.lower() in spelled:
            return word.replace(bare, spelled[bare.lower()], 1)
    if not first and lower in SMALL_WORDS:
        return lower
    if is_acronym(bare, acronyms):
        return word
    # Each part of "SAINT-ETIENNE"; "KING'S" -> "King's"; "L'ENSEIGNEMENT" -> "l'Enseignement".
    parts = lower.split("-")
    return "-".join(capitalize_part(part, first=first and not i) for i, part in enumerate(parts))


def is_acronym(word, acronyms):
    letters = [c for c in unicodedata.normalize("NFD", word) if c.isalpha()]
    if not letters:
        return False
    return (
        word in ACRONYMS
        or word in acronyms
        or not VOWELS.intersection(letters)
        or any(c.isdigit() for c in word)
        or bool(INITIALS.fullmatch(word))
        or bool(ROMAN_NUMERAL.fullmatch(word))
    )


def capitalize_part(part, *, first):
    if len(part) > 2 and part[1] in "'’" and part[0].isalpha():  # l'..., d'...
        return (part[0].upper() if first else part[0]) + part[1] + capitalize_first_letter(part[2:])
    return capitalize_first_letter(part)


def capitalize_first_letter(word):
    for index, character in enumerate(word):
        if character.isalpha():
            return word[:index] + character.upper() + word[index + 1 :]
    return word
