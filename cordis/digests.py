"""Digests of file rows: a row of project.csv or organization.csv that is the very row the
last import wrote from is not read (checked, parsed, compared with the database) again.

The import stores on each project, organization and participation it writes the digest of the
file row it wrote it from (Project.import_digest, ...). On the next import, a row whose digest
is one stored says nothing new, provided the database row still holds what the import wrote:
a trigger clears the digest when an imported column is changed by anything else
(base/digest_trigger.py), so that the next import reads the row and puts the file's values
back. A row that gave a warning (a value cut or left out) gets no digest: it is read every
time, and warns every time.
"""

import hashlib

# Part of every digest: change it when what the import makes of a row changes (a new field
# read, a name made readable differently), so that every row is read again once.
READING = b"cordis-1"
DIGEST = "import_digest"  # the column, on Project, Organization and Participation


def row_digest(row: dict) -> bytes | None:
    """The digest of a row as read ({column: text}, the columns the import uses), or None
    if the row's text cannot be told apart from another's (a cell holding the separator)."""
    cells = "\x1f".join(row.values())
    if cells.count("\x1f") != len(row) - 1:
        return None
    text = "\x1f".join(row) + "\x1e" + cells
    return hashlib.blake2b(text.encode(), digest_size=16, person=READING).digest()


def stored_digests(model) -> dict:
    """{digest: pk} of `model`'s rows that have one."""
    rows = model.objects.exclude(import_digest=None).order_by()
    rows = rows.values_list(DIGEST, "pk").iterator(chunk_size=10_000)
    return {bytes(digest): pk for digest, pk in rows}


def stored_digest_set(model) -> set:
    """The digests of `model`'s rows, where only whether one is stored matters: without
    their pks (an int object each), a few MB less per 100,000 rows."""
    rows = model.objects.exclude(import_digest=None).order_by()
    return {bytes(digest) for digest in rows.values_list(DIGEST, flat=True).iterator(10_000)}


def same_digest(stored, digest) -> bool:
    """Whether a digest read from the database (bytes, or a memoryview on PostgreSQL) is
    `digest`."""
    return digest is None if stored is None else bytes(stored) == digest
