"""Public reads to a read replica, everything else to the primary.

With DATABASE_REPLICA_URL set, the pages an anonymous visitor asks for with GET or HEAD read
from the "replica" alias: they are most of the traffic and never write. Editors, the admin,
forms, imports and commands read and write the primary ("default"), so they see their own
changes at once. Without the setting every query goes to the primary. docs/scaling.md says
how the replica is kept and what lag means for the pages.
"""

from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"
_public_read: ContextVar[bool] = ContextVar("public_read", default=False)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_read.get() and REPLICA in connections.settings:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two ways in

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class PublicReadsMiddleware:
    """Marks an anonymous GET or HEAD as a public read for the router, for its duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = request.method in ("GET", "HEAD") and not request.user.is_authenticated
        token = _public_read.set(public)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)
