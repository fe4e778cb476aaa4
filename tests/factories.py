"""Plain make_* helpers: the one place tests build content.

Each takes keyword overrides and fills the rest with unique, valid values.
"""

import itertools
from datetime import date
from decimal import Decimal

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
