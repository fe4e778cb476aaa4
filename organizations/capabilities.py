"""Merging capabilities that editors created twice ("AI" and "Artificial intelligence")."""

from base.merging import merge_into
from organizations.models import Organization


def merge_capabilities(kept, duplicates):
    """Give every organization of `duplicates` the capability `kept`; delete the duplicates."""
    merge_into(kept, duplicates, Organization.capabilities.field)
