"""The profile's computed sections, made from an organization's tally (tally.py) for the
page: labelled lists with links and bars, the activity per year, the partners to list.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import urlencode

from base.templatetags.formatting import country_name
from base.views import filtered_list_url, slug_url
from organizations.models import Organization, Status, sees_drafts
from organizations.sections.tally import PARTNERS_SHOWN


@dataclass(frozen=True)
class Item:
    """One line of a computed list: a label, its number of projects, a link to them."""

    label: str
    count: int
    url: str = ""
    detail: str = ""  # e.g. a field's place in euroSciVoc, a topic's code
    share: float = 0.0  # of the list's largest count, for its bar (0 to 1)
    unit: str = "project"  # what is counted

    # The page shows up to fifty lines per list: their text is made here, not by a template
    # filter per line.
    @property
    def title(self):
        """The label with a capital first letter (euroSciVoc's titles have none)."""
        return self.label[:1].upper() + self.label[1:]

    @property
    def count_text(self):
        """ "12 projects", "1 partner"."""
        return f"{self.count:,} {self.unit}{'s' if self.count != 1 else ''}"

    @property
    def bar(self):
        """The bar's length, out of 100."""
        return round(self.share * 100, 1)


class Partner(NamedTuple):
    """A partner the profile lists: text to show, no model instance (sixty of them a page)."""

    pk: int
    name: str
    url: str
    meta: str  # "Germany · 3 shared projects"
    shared_projects: int


@dataclass
class Year:
    year: int | None  # None: the projects CORDIS gives no date for
    projects: int = 0
    coordinated: int = 0
    funding: Decimal = Decimal(0)
    funded: int = 0  # projects whose EC contribution CORDIS publishes


@dataclass
class Activity:
    years: list  # of Year, every year from the first to the last (0 where none)
    undated: Year  # projects with neither a start date nor a call year
    by_call_year: int  # projects dated by their call's year, for want of a start date
    roles: list  # of Item, most frequent first

    @property
    def dated(self):
        return sum(year.projects for year in self.years)


@dataclass
class Sections:
    """What the computed sections show; the template leaves out those with nothing."""

    project_count: int
    fields: list = field(default_factory=list)  # of Item
    fields_projects: int = 0  # projects with at least one field of science
    activity: Activity | None = None
    programme_parts: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    topics_projects: int = 0
    partner_countries: list = field(default_factory=list)
    partners_with_country: int = 0
    partners: list = field(default_factory=list)  # the first PARTNERS_SHOWN the user may see
    # Per project, for drafting (ByProject): {project id: year (None: undated)}, {project
    # id: [field titles]}, {project id: [(topic code, title)]}; empty but for drafting.
    years: dict = field(default_factory=dict)
    project_fields: dict = field(default_factory=dict)
    project_topics: dict = field(default_factory=dict)

    @property
    def coordinated(self):
        activity = self.activity
        return sum(y.coordinated for y in activity.years) + activity.undated.coordinated

    @property
    def coordinated_percent(self):
        """ "12%", or "0.4%" below 1% (but not nothing), or "0%"."""
        share = 100 * self.coordinated / self.project_count
        return f"{share:.1f}%" if 0 < share < 1 else f"{share:.0f}%"

    # What each section is computed from, as its source line says it.
    @property
    def fields_basis(self):
        return f"the euroSciVoc fields of science of {_of_its(self.fields_projects, self)}"

    @property
    def activity_basis(self):
        return f"the start dates, roles and EC contributions of {_its(self.project_count)}"

    @property
    def programmes_basis(self):
        return f"the programme parts and call topics of {_its(self.project_count)}"

    @property
    def partners_basis(self):
        return (
            f"the {self.partners_with_country:,} partner organizations in "
            f"{_its(self.project_count)}, by the country CORDIS gives for each"
        )


def _its(projects):
    return f"its {projects:,} project{'s' if projects != 1 else ''}"


def _of_its(some, sections):
    if some == sections.project_count:
        return _its(some)
    return f"{some:,} of its {sections.project_count:,} projects"


def sections_from(organization, tally, user=None, by_project=None) -> Sections:
    """The sections of `organization` from its tally, as `user` may see them (None: the
    public): one query, for its partners."""
    from projects.models import Participation

    sections = Sections(project_count=tally.project_count)
    if not tally.project_count:
        return sections
    links = _project_links(organization)
    sections.fields = _with_shares(
        Item(
            path.rsplit("/", 1)[-1],
            n,
            links(field_of_science=code),
            detail=" › ".join(path.strip("/").split("/")[:-1]),
        )
        for code, (path, n) in tally.fields.items()
    )
    sections.fields_projects = tally.fields_projects
    sections.topics = _with_shares(
        Item(title, n, links(topic=code), detail=code) for code, (title, n) in tally.topics.items()
    )
    sections.topics_projects = tally.topics_projects
    sections.programme_parts = _with_shares(
        Item(title, n, links(programme_part=code), detail=code)
        for code, (title, n) in tally.parts.items()
    )
    sections.activity = _activity(tally, dict(Participation.Role.choices))
    sections.partners, countries = _partners(organization, user)
    sections.partner_countries = _with_shares(
        Item(country_name(code), n, unit="partner") for code, n in countries.items()
    )
    sections.partners_with_country = sum(countries.values())
    if by_project is not None:
        sections.years = by_project.years
        sections.project_fields = by_project.fields
        sections.project_topics = by_project.topics
    return sections


def _with_shares(items):
    """The items, most projects first (then by label), each with its bar's share."""
    items = sorted(items, key=lambda item: (-item.count, item.label.lower()))
    largest = items[0].count if items else 1
    return [
        Item(item.label, item.count, item.url, item.detail, item.count / largest, item.unit)
        for item in items
    ]


def _project_links(organization):
    """A function of filters giving the address of the organization's projects that match
    them; the page's address is worked out once, not once per line."""
    prefix = filtered_list_url("projects:list", organization=organization.slug)
    return lambda **filters: f"{prefix}&{urlencode(filters)}"


def _activity(tally, role_labels):
    """Every year from the first to the last (0 where none), the undated, the roles."""
    years = []
    if tally.years:
        first, last = min(tally.years), max(tally.years)
        empty = [0, 0, Decimal(0), 0]
        years = [Year(year, *tally.years.get(year, empty)) for year in range(first, last + 1)]
    roles = _with_shares(Item(role_labels.get(role, role), n) for role, n in tally.roles.items())
    return Activity(years, Year(None, *tally.undated), tally.by_call_year, roles)


def _partners(organization, user):
    """The partners it lists (those `user` may see, most shared projects first) and the
    number of all its partners per country: one query for both, since each groups every
    participation in its projects (most of the largest organizations' pages)."""
    rows = Organization.objects.partners_of(organization).values_list(
        "pk", "name", "slug", "country", "status", "shared_projects"
    )
    shown, countries = [], Counter()
    drafts_too = user is not None and sees_drafts(user)
    profile_url = slug_url("organizations:detail")
    for pk, name, slug, country, status, shared in rows:
        if country:
            countries[country] += 1
        if len(shown) < PARTNERS_SHOWN and (drafts_too or status == Status.PUBLISHED):
            projects = f"{shared} shared project{'s' if shared != 1 else ''}"
            meta = f"{country_name(country)} · {projects}" if country else projects
            shown.append(Partner(pk, name, profile_url(slug), meta, shared))
    return shown, countries
