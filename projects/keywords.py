"""Merging keywords written twice ("Leukemia" and "leukaemia")."""

from base.merging import merge_into
from projects.models import Project


def merge_keywords(kept, duplicates):
    """Re-point every project of `duplicates` to `kept`, then delete the duplicates.

    The keyword kept is usually the one with most projects; its name and slug stay, so its
    links keep working.
    """
    merge_into(kept, duplicates, Project.keywords.field)
