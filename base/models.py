from django.db import models


class CacheGeneration(models.Model):
    """One row: a token that every change to the content replaces (base/caching.py).

    It is part of every cached page's key, so a change makes every page built before it
    unreachable at once. It lives in the database, not the cache, so that it changes in the
    same transaction as the content: a page cached under the new token is always built from
    the new content, whichever worker or process made the change.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "cache generation"

    def __str__(self):
        return self.token
