"""One CORDIS import at a time per database.

Two imports at once would both read the existing rows, then both insert the same new ones
(an IntegrityError on cordis_id) or update each other's rows in another order (PostgreSQL's
"deadlock detected"). So the import's transaction takes a lock before it reads any row: on
PostgreSQL a transaction-level advisory lock, released when the import commits or rolls
back; on SQLite the database's write lock, which BEGIN takes ("transaction_mode":
"IMMEDIATE" in portal/settings.py).
"""

from contextlib import ExitStack, contextmanager

from django.db import OperationalError, connection, transaction

from cordis.files import CordisError

WAITING = "Another import is running on this database; waiting for it to finish..."
# Names the import's lock among this database's advisory locks; no other code takes it.
ADVISORY_LOCK_KEY = 7_412_345_001


class ImportRunning(CordisError):
    """Another import holds the lock, and we were told not to wait."""

    def __init__(self):
        super().__init__(
            "Another import is running on this database; nothing was imported. Run it again "
            "once that one has finished, or without --no-wait to wait for it."
        )


@contextmanager
def import_transaction(*, wait: bool = True, waiting=None):
    """The import's transaction, entered holding this database's import lock.

    If another import holds it: without `wait`, raise ImportRunning; with it, call
    `waiting` (if given) with a message, and wait for as long as that import runs.
    """
    with ExitStack() as stack:
        if connection.vendor == "sqlite":
            begin_holding_the_write_lock(stack, wait, waiting)
        else:
            stack.enter_context(transaction.atomic())
            if connection.vendor == "postgresql":
                take_the_advisory_lock(wait, waiting)
        yield


def take_the_advisory_lock(wait, waiting):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        if cursor.fetchone()[0]:
            return
        if not wait:
            raise ImportRunning
        if waiting:
            waiting(WAITING)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def begin_holding_the_write_lock(stack, wait, waiting):
    with sqlite_busy_timeout(0):  # a first try that does not wait
        if begin(stack):
            return
    if not wait:
        raise ImportRunning
    if waiting:
        waiting(WAITING)
    while not begin(stack):  # each try waits for the connection's timeout (5 s by default)
        pass


def begin(stack):
    """Enter the transaction (BEGIN IMMEDIATE); False if another connection holds the
    database's write lock for longer than the busy timeout."""
    try:
        # A BEGIN that fails leaves the connection as it was, in autocommit.
        stack.enter_context(transaction.atomic())
    except OperationalError as error:
        if "database is locked" not in str(error):
            raise
        return False
    return True


@contextmanager
def sqlite_busy_timeout(milliseconds):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")
