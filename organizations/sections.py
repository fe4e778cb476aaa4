"""The profile's computed sections: what an organization's projects say about it.

Every organization gets them, curated or not: its fields of science, its activity over the
years and the roles it took, the programme parts and topics it won, and the countries of its
partners. Each reads one query over the organization's own projects, grouped here in Python:
the largest real organization (CNRS, about 800 HORIZON projects) gives a few thousand rows,
so the page's query count stays the same whatever the organization, and nothing needs to be
stored at import time to stay fast.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count

from base.templatetags.formatting import country_name
from base.views import filtered_list_url
from organizations.models import Organization, Status, sees_drafts

# Fields of science are shown at this depth of euroSciVoc ("medical and health sciences /
# clinical medicine / oncology"): the top two levels say little ("natural sciences"), the
# deeper ones split one subject in many. A project's deeper fields count for their ancestor
# at this depth; a field above it (CORDIS gives one now and then) counts the projects given
# that field, not those under it (projects/filters.py lists the same projects).
FIELD_DEPTH = 3
# A call or topic identifier names the year of its call: "HORIZON-CL5-2023-D5-01-08",
# "ERC-2021-STG", "SC1-PM-02-2017".
# A year between dashes only: "EURATOM2027" names the programme's end, not a call.
# The partners a profile lists by name, most shared projects first.
PARTNERS_SHOWN = 60
CALL_YEAR = re.compile(r"(?:^|-)((?:19|20)[0-9]{2})(?:-|$)")


@dataclass(frozen=True)
class Item:
    """One line of a computed list: a label, its number of projects, a link to them."""

    label: str
    count: int
    url: str = ""
    detail: str = ""  # e.g. a field's place in euroSciVoc, a topic's code
    share: float = 0.0  # of the list's largest count, for its bar (0 to 1)
    projects: frozenset = frozenset()  # their ids, for drafting's evidence

    @property
    def bar(self):
        """The bar's length, out of 100."""
        return round(self.share * 100, 1)


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
    # Per project, for drafting: {project id: year (None: undated)}, {project id: [field
    # titles]}, {project id: [(topic code, title)]}.
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


def computed_sections(organization, user=None) -> Sections:
    """The computed sections of `organization`'s profile as `user` may see them (None: the
    public), in five queries."""
    from projects.models import Participation

    participations = list(
        Participation.objects.filter(organization=organization)
        .order_by()
        .values_list("project_id", "role", "ec_contribution", "project__start_date")
    )
    sections = Sections(project_count=len(participations))
    if not participations:
        return sections
    # Its projects, as a subquery: the five queries read them by index, not by a list of ids.
    projects = Participation.objects.filter(organization=organization).values("project_id")
    links = _project_links(organization)
    topics = _topics(projects)
    sections.topics, sections.topics_projects = _topic_items(links, topics)
    sections.project_topics = topics
    sections.activity, sections.years = _activity(participations, topics)
    sections.fields, sections.project_fields = _fields(links, projects)
    sections.fields_projects = len(sections.project_fields)
    sections.programme_parts = _programme_parts(links, projects)
    sections.partners, sections.partner_countries = _partners(organization, user)
    sections.partners_with_country = sum(item.count for item in sections.partner_countries)
    return sections


def _with_shares(items):
    """The items, most projects first (then by label), each with its bar's share."""
    items = sorted(items, key=lambda item: (-item.count, item.label.lower()))
    largest = items[0].count if items else 1
    return [
        Item(item.label, item.count, item.url, item.detail, item.count / largest, item.projects)
        for item in items
    ]


def _project_links(organization):
    """A function of filters giving the address of the organization's projects that match
    them; the page's address is worked out once, not once per line."""
    prefix = filtered_list_url("projects:list", organization=organization.slug)
    return lambda **filters: f"{prefix}&{urlencode(filters)}"


def _topics(projects):
    """{project id: [(topic code, title)]}: one query."""
    from projects.models import Project

    rows = (
        Project.topics.through.objects.filter(project_id__in=projects)
        .order_by()
        .values_list("project_id", "topic__code", "topic__title")
    )
    topics = defaultdict(list)
    for project, code, title in rows:
        topics[project].append((code, title))
    return topics


def _topic_items(links, topics):
    counts, titles = Counter(), {}
    for project_topics in topics.values():
        for code, title in project_topics:
            counts[code] += 1
            titles[code] = title
    items = [Item(titles[code], n, links(topic=code), detail=code) for code, n in counts.items()]
    return _with_shares(items), len(topics)


def _activity(participations, topics):
    """Projects, coordinated projects and EC contribution per year; roles."""
    from projects.models import Participation

    by_year, by_call_year, years_of = {}, 0, {}
    undated = Year(None)
    roles = Counter()
    for project, role, contribution, start_date in participations:
        year = start_date.year if start_date else call_year(topics.get(project, []))
        years_of[project] = year
        if start_date is None and year is not None:
            by_call_year += 1
        row = undated if year is None else by_year.setdefault(year, Year(year))
        row.projects += 1
        row.coordinated += role == Participation.Role.COORDINATOR
        if contribution is not None:
            row.funding += contribution
            row.funded += 1
        roles[role] += 1
    years = []
    if by_year:
        first, last = min(by_year), max(by_year)
        years = [by_year.get(year, Year(year)) for year in range(first, last + 1)]
    labels = dict(Participation.Role.choices)
    role_items = _with_shares(Item(labels.get(role, role), n) for role, n in roles.items())
    return Activity(years, undated, by_call_year, role_items), years_of


def call_year(project_topics) -> int | None:
    """The year named in a project's topic codes ("ERC-2021-STG": 2021), the earliest if
    they name several; None if none does."""
    years = [int(m.group(1)) for code, _ in project_topics if (m := CALL_YEAR.search(code))]
    return min(years) if years else None


def field_at_depth(code, path):
    """(code, path) of the ancestor at FIELD_DEPTH of a euroSciVoc field, or the field itself
    if it is not as deep: ("/29/97/543/12", "/a/b/c/d") -> ("/29/97/543", "/a/b/c")."""
    codes, titles = code.strip("/").split("/"), path.strip("/").split("/")
    if len(codes) <= FIELD_DEPTH or len(codes) != len(titles):
        return code, path
    return "/" + "/".join(codes[:FIELD_DEPTH]), "/" + "/".join(titles[:FIELD_DEPTH])


def _fields(links, projects):
    from projects.models import Project

    rows = (
        Project.fields_of_science.through.objects.filter(project_id__in=projects)
        .order_by()
        .values_list("project_id", "fieldofscience__code", "fieldofscience__path")
    )
    projects_by_field, paths, of_project = defaultdict(set), {}, defaultdict(list)
    for project, code, path in rows:
        code, path = field_at_depth(code, path)
        if project not in projects_by_field[code]:
            of_project[project].append(path.rsplit("/", 1)[-1])
        projects_by_field[code].add(project)
        paths[code] = path
    items = []
    for code, in_field in projects_by_field.items():
        trail = paths[code].strip("/").split("/")
        items.append(
            Item(
                trail[-1],
                len(in_field),
                links(field_of_science=code),
                detail=" › ".join(trail[:-1]),
                projects=frozenset(in_field),
            )
        )
    return _with_shares(items), dict(of_project)


def _programme_parts(links, projects):
    """Each project's own programme part (CORDIS's uniqueProgrammePart), counted."""
    from projects.models import ProjectProgrammePart

    rows = (
        ProjectProgrammePart.objects.filter(project_id__in=projects, is_unique=True)
        .order_by()
        .values_list("programme_part__code", "programme_part__title")
        .annotate(n=Count("project_id"))
    )
    return _with_shares(
        Item(title, n, links(programme_part=code), detail=code) for code, title, n in rows
    )


def _partners(organization, user):
    """The partners it lists (those `user` may see, most shared projects first) and the
    countries of all its partners, each with its number of partner organizations.

    One query for both: each has to group every participation in its projects, which for
    the largest organizations is most of the cost of their page.
    """
    rows = Organization.objects.partners_of(organization).values_list(
        "pk", "name", "slug", "country", "status", "shared_projects"
    )
    shown, countries = [], Counter()
    drafts_too = user is not None and sees_drafts(user)
    for pk, name, slug, country, status, shared in rows:
        if country:
            countries[country] += 1
        if len(shown) < PARTNERS_SHOWN and (drafts_too or status == Status.PUBLISHED):
            partner = Organization(pk=pk, name=name, slug=slug, country=country)
            partner.shared_projects = shared
            shown.append(partner)
    return shown, _with_shares(Item(country_name(code), n) for code, n in countries.items())
