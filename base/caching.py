"""The cache generation: what makes cached pages stale, exactly when the content changes.

Every cached page's key holds the current generation token (portal/page_cache.py). Changing
the content replaces the token in the same transaction, so the pages cached before the change
are never served again, and a page cached under the new token was built from the new content.

Who replaces it:
- signals, for every ORM save, delete and many-to-many change of a content app's models
  (CONTENT_APPS), connected in BaseConfig.ready();
- bump_generation(), called by the paths that write without sending signals: the CORDIS
  import (once, through one_bump_at_the_end()), refresh_stats, merges (base/merging.py), a
  restore (portal/backups.py), and any other QuerySet.update() or bulk write.
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save

from base.models import CacheGeneration

# The apps whose rows the public pages show. A new model in them is covered without a change
# here; a new app of content is added to the list.
CONTENT_APPS = ("organizations", "projects")
# Rows the import and refresh_stats delete set-wise: a delete signal would make Django fetch
# each row before deleting it (search evidence and subjects: most of a re-import's time).
# Those paths bump the generation themselves; organizations/search/signals.py rewrites
# evidence on saves and deletes, which bump it.
BULK_DELETED = {
    "organizations.computedprofile",
    "organizations.organizationsubject",
    "organizations.searchevidence",
    "projects.cordisdump",
    "projects.projectprogrammepart",
}

GENERATION_PK = 1
GENERATION_SQL = f"SELECT token FROM {CacheGeneration._meta.db_table} WHERE id = {GENERATION_PK}"
_deferred: ContextVar[bool] = ContextVar("cache_generation_deferred", default=False)


def bump_generation(*, using: str | None = None) -> None:
    """Make every cached page stale: call it inside the transaction that changes content."""
    using = using or router.db_for_write(CacheGeneration)
    # One query whether the row exists or not (a flushed or new database has none): an
    # INSERT ... ON CONFLICT DO UPDATE on both PostgreSQL and SQLite.
    CacheGeneration.objects.using(using).bulk_create(
        [CacheGeneration(pk=GENERATION_PK, token=uuid.uuid4().hex)],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["token"],
    )


@contextmanager
def one_bump_at_the_end():
    """For a bulk path (the import): the signals of its saves bump nothing, and the
    generation is bumped once when it ends without an error (inside its transaction)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
    bump_generation()


def current_generation() -> str:
    """The token cached pages are keyed with now ("" when no change was ever recorded).

    Read on every cacheable request, so in plain SQL: the ORM would spend longer building
    this query than the database takes to answer it.
    """
    connection = connections[router.db_for_read(CacheGeneration)]
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        row = cursor.fetchone()
    return row[0] if row else ""


def is_content(model) -> bool:
    return model._meta.app_label in CONTENT_APPS


def _changed(sender, using=None, **kwargs):
    if is_content(sender) and not _deferred.get():
        bump_generation(using=using)


def _m2m_changed(sender, action, using=None, **kwargs):
    if action.startswith("post_") and is_content(sender) and not _deferred.get():
        bump_generation(using=using)


def connect_signals() -> None:
    """Bump the generation on every save, delete and many-to-many change of content."""
    # Saves and many-to-many changes: connected once for every sender, filtered by app, so
    # that a model added later to a content app is covered too.
    post_save.connect(_changed, dispatch_uid="cache-generation-save")
    m2m_changed.connect(_m2m_changed, dispatch_uid="cache-generation-m2m")
    # Deletes: per model, since a listener on a model turns off Django's fast delete for it.
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label_lower not in BULK_DELETED:
                post_delete.connect(_changed, sender=model, dispatch_uid=f"cache-gen-{model}")
