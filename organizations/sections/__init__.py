"""The profile's computed sections: what an organization's projects say about it.

Every organization gets them, curated or not: its fields of science, its activity over the
years and the roles it took, the programme parts and topics it won, and the countries of its
partners. They are made from counts (tally.py): stored by the import for the organizations
it touches (stored.py), so that the largest organization's page groups nothing, or counted
from its projects where nothing is stored (live.py). display.py turns them into the page's
lists.
"""

from organizations.sections.display import Activity, Item, Sections, Year, sections_from
from organizations.sections.live import live_tally
from organizations.sections.stored import refresh_sections, stored_tally
from organizations.sections.tally import (
    FIELD_DEPTH,
    PARTNERS_SHOWN,
    Tally,
    call_year,
    field_at_depth,
)

__all__ = ["Activity", "FIELD_DEPTH", "Item", "PARTNERS_SHOWN", "Sections", "Tally", "Year"]
__all__ += ["call_year", "computed_sections", "field_at_depth", "live_sections"]
__all__ += ["refresh_sections"]


def computed_sections(organization, user=None) -> Sections:
    """The computed sections of `organization` as `user` may see them (None: the public):
    from what the import stored, else counted from its projects."""
    tally = stored_tally(organization)
    if tally is None:
        tally, _ = live_tally(organization)
    return sections_from(organization, tally, user)


def live_sections(organization, user=None) -> Sections:
    """The sections counted from its projects now, with the counts project by project that
    drafting needs."""
    tally, by_project = live_tally(organization)
    return sections_from(organization, tally, user, by_project)
