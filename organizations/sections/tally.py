"""The counts a profile's computed sections are made of, from rows of its projects.

`tally()` is plain Python over rows, the one place that counts: the page reads it per
organization (live.py) or as the import stored it for many at once (stored.py).
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

# Fields of science are counted at this depth of euroSciVoc ("medical and health sciences /
# clinical medicine / oncology"): the top two levels say little ("natural sciences"), the
# deeper ones split one subject in many. A project's deeper fields count for their ancestor
# at this depth; a field above it (CORDIS gives one now and then) counts the projects given
# that field, not those under it (projects/filters.py lists the same projects).
FIELD_DEPTH = 3
# A call or topic identifier names the year of its call between dashes:
# "HORIZON-CL5-2023-D5-01-08", "ERC-2021-STG", "SC1-PM-02-2017"; "EURATOM2027" names the
# programme's end, not a call.
CALL_YEAR = re.compile(r"(?:^|-)((?:19|20)[0-9]{2})(?:-|$)")
# The partners a profile lists by name, most shared projects first.
PARTNERS_SHOWN = 60
COORDINATOR = "coordinator"
# What the counts read of a project, besides its members' roles and contributions and its
# classifications: a change to another field (its title, its status) changes no count.
PROJECT_FIELDS_IN_SECTIONS = frozenset({"start_date"})


@dataclass
class Tally:
    """An organization's counts. Years: {year: [projects, coordinated, EC contribution,
    projects with a published contribution]}; the other dicts: {code: [title, projects]}."""

    project_count: int = 0
    fields: dict = field(default_factory=dict)  # rolled-up code -> [path, projects]
    fields_projects: int = 0  # projects with at least one field of science
    topics: dict = field(default_factory=dict)
    topics_projects: int = 0
    parts: dict = field(default_factory=dict)  # each project's own programme part
    years: dict = field(default_factory=dict)
    undated: list = field(default_factory=lambda: [0, 0, Decimal(0), 0])
    by_call_year: int = 0  # projects dated by their call's year, for want of a start date
    roles: dict = field(default_factory=dict)  # role -> projects

    def to_json(self):
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["years"] = {str(year): _money_as_text(row) for year, row in self.years.items()}
        data["undated"] = _money_as_text(self.undated)
        return data

    @classmethod
    def from_json(cls, data):
        tally = cls(**data)
        tally.years = {int(year): _money(row) for year, row in data["years"].items()}
        tally.undated = _money(data["undated"])
        return tally


def _money_as_text(row):
    projects, coordinated, funding, funded = row
    return [projects, coordinated, str(funding), funded]


def _money(row):
    projects, coordinated, funding, funded = row
    return [projects, coordinated, Decimal(funding), funded]


@dataclass
class ByProject:
    """Per project, for drafting: its year (None: undated), field titles and topics."""

    years: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)  # project -> [field titles]
    topics: dict = field(default_factory=dict)  # project -> [(code, title)]


def call_year(project_topics) -> int | None:
    """The year named in a project's topic codes ("ERC-2021-STG": 2021), the earliest if
    they name several; None if none does."""
    years = [int(m.group(1)) for code, _ in project_topics if (m := CALL_YEAR.search(code))]
    return min(years) if years else None


@lru_cache(maxsize=4096)  # a few thousand fields in euroSciVoc; hundreds of thousands of rows
def field_at_depth(code, path):
    """(code, path) of the ancestor at FIELD_DEPTH of a euroSciVoc field, or the field itself
    if it is not as deep: ("/29/97/543/12", "/a/b/c/d") -> ("/29/97/543", "/a/b/c")."""
    codes, titles = code.strip("/").split("/"), path.strip("/").split("/")
    if len(codes) <= FIELD_DEPTH or len(codes) != len(titles):
        return code, path
    return "/" + "/".join(codes[:FIELD_DEPTH]), "/" + "/".join(titles[:FIELD_DEPTH])


def tally(participations, topics, fields, parts):
    """(Tally, ByProject) of one organization from its rows:

    participations: [(project, role, EC contribution or None, start date or None)]
    topics: {project: [(code, title)]}; fields: {project: [(code, path)]}
    parts: {project: (code, title)}, each project's own part
    """
    counted = Tally(project_count=len(participations))
    by_project = ByProject(topics={p: topics[p] for p in topics})
    roles = Counter()
    years = counted.years
    for project, role, contribution, start_date in participations:
        year = start_date.year if start_date else call_year(topics.get(project, []))
        by_project.years[project] = year
        if start_date is None and year is not None:
            counted.by_call_year += 1
        if year is None:
            row = counted.undated
        elif (row := years.get(year)) is None:
            row = years[year] = _new_year()
        row[0] += 1
        row[1] += role == COORDINATOR
        if contribution is not None:
            row[2] += contribution
            row[3] += 1
        roles[role] += 1
        if project in parts:
            code, title = parts[project]
            counted.parts.setdefault(code, [title, 0])[1] += 1
    counted.roles = dict(roles)

    topic_projects = defaultdict(set)
    for project, project_topics in topics.items():
        for code, title in project_topics:
            topic_projects[code].add(project)
            counted.topics.setdefault(code, [title, 0])
    for code, projects in topic_projects.items():
        counted.topics[code][1] = len(projects)
    counted.topics_projects = sum(1 for project_topics in topics.values() if project_topics)

    field_projects, paths = defaultdict(set), {}
    for project, project_fields in fields.items():
        for code, path in project_fields:
            code, path = field_at_depth(code, path)
            if project not in field_projects[code]:
                by_project.fields.setdefault(project, []).append(path.rsplit("/", 1)[-1])
            field_projects[code].add(project)
            paths[code] = path
    counted.fields = {code: [paths[code], len(p)] for code, p in field_projects.items()}
    counted.fields_projects = len(by_project.fields)
    return counted, by_project


def _new_year():
    return [0, 0, Decimal(0), 0]
