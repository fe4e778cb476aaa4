"""Plain make_* helpers: the one place tests build content.

Each takes keyword overrides and fills the rest with unique, valid values.
"""

import itertools
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

from django.utils.text import slugify

from organizations.models import (
    AnalysisNote,
    Capability,
    ExpertiseArea,
    Organization,
    Status,
)
from projects.models import Keyword, Participation, Project

_counter = itertools.count(1)


def _n():
    return next(_counter)


def make_organization(**fields):
    n = _n()
    fields.setdefault("name", f"Organization {n}")
    fields.setdefault("slug", slugify(fields["name"]) + f"-{n}")
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("country", "DE")
    capabilities = fields.pop("capabilities", [])
    organization = Organization.objects.create(**fields)
    if capabilities:
        organization.capabilities.set(capabilities)
    return organization


def make_project(**fields):
    n = _n()
    fields.setdefault("cordis_id", str(900000 + n))
    fields.setdefault("acronym", f"PROJ{n}")
    fields.setdefault("title", f"Project number {n}")
    fields.setdefault("slug", slugify(fields["acronym"]) + f"-{n}")
    fields.setdefault("framework_programme", "H2020")
    fields.setdefault("start_date", date(2018, 1, 1))
    fields.setdefault("end_date", date(2021, 12, 31))
    keywords = fields.pop("keywords", [])
    project = Project.objects.create(**fields)
    if keywords:
        project.keywords.set(keywords)
    return project


def make_keyword(name=None, **fields):
    n = _n()
    name = name or f"keyword {n}"
    fields.setdefault("slug", slugify(name) + f"-{n}")
    return Keyword.objects.create(name=name, **fields)


def make_capability(name=None):
    n = _n()
    name = name or f"Capability {n}"
    return Capability.objects.create(name=name, slug=slugify(name) + f"-{n}")


def make_participation(project=None, organization=None, **fields):
    fields.setdefault("role", Participation.Role.PARTICIPANT)
    if "ec_contribution" in fields and fields["ec_contribution"] is not None:
        fields["ec_contribution"] = Decimal(fields["ec_contribution"])
    return Participation.objects.create(
        project=project or make_project(),
        organization=organization or make_organization(),
        **fields,
    )


def make_expertise(organization, projects=(), **fields):
    n = _n()
    fields.setdefault("name", f"Expertise {n}")
    area = ExpertiseArea.objects.create(organization=organization, **fields)
    area.projects.set(projects)
    return area


def make_note(organization, **fields):
    fields.setdefault("body", "Based on few projects.")
    return AnalysisNote.objects.create(organization=organization, **fields)


def make_portfolio(organization, size, *, role=Participation.Role.PARTICIPANT):
    """`size` projects for `organization`, each with a participation and an expertise area.

    Bulk-created (a handful of queries whatever the size) for the query-count tests.
    """
    n = _n()
    projects = Project.objects.bulk_create(
        Project(
            cordis_id=f"B{n}-{i}",
            acronym=f"BULK{n}-{i}",
            title=f"Bulk project {n}-{i}",
            slug=f"bulk-{n}-{i}",
            start_date=date(2015 + i % 10, 1, 1),
        )
        for i in range(size)
    )
    Participation.objects.bulk_create(
        Participation(
            project=project,
            organization=organization,
            role=role,
            ec_contribution=Decimal(1000 * (i + 1)),
            notable_rank=i + 1,
            highlight=f"Why project {i + 1} matters.",
        )
        for i, project in enumerate(projects)
    )
    areas = ExpertiseArea.objects.bulk_create(
        ExpertiseArea(organization=organization, name=f"Expertise {n}-{i}", order=i)
        for i in range(size)
    )
    ExpertiseArea.projects.through.objects.bulk_create(
        ExpertiseArea.projects.through(expertisearea_id=area.pk, project_id=project.pk)
        for area, project in zip(areas, projects, strict=True)
    )
    return projects


# Reading pages ------------------------------------------------------------------------------


class Page(HTMLParser):
    """A rendered page, parsed: its elements with their attributes, its text, its headings."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.elements = []  # (tag, {attribute: value}) in document order
        self.headings = []  # (tag, text) for h1-h3 in document order
        self._text = []
        self._heading = None
        self.feed(html)
        self.close()

    @classmethod
    def of(cls, response):
        return cls(response.content.decode())

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag in ("h1", "h2", "h3"):
            self._heading = (tag, [])

    def handle_endtag(self, tag):
        if self._heading and tag == self._heading[0]:
            self.headings.append((tag, " ".join("".join(self._heading[1]).split())))
            self._heading = None

    def handle_data(self, data):
        self._text.append(data)
        if self._heading:
            self._heading[1].append(data)

    @property
    def text(self):
        """The page's text with entities decoded and white space collapsed."""
        return " ".join(" ".join(self._text).split())

    def find_all(self, tag, **attributes):
        """Attribute dicts of the `tag` elements that have the given attribute values."""
        return [
            attrs
            for name, attrs in self.elements
            if name == tag and all(attrs.get(k) == v for k, v in attributes.items())
        ]

    def titles(self, level="h2"):
        return [text for tag, text in self.headings if tag == level]
