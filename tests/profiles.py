"""Profiles as the CORDIS import leaves them, for the editors' tests."""

from organizations.models import Organization
from organizations.stats import refresh_figures
from tests.factories import make_keyword, make_organization, make_participation, make_project


def make_imported_profile(projects=3, keyword=None, **fields):
    """An organization in `projects` projects, each with a partner in France, its figures
    computed and no text; its projects tagged with `keyword` (a name) when given, so that a
    draft finds expertise candidates."""
    organization = make_organization(**fields)
    keywords = [make_keyword(keyword)] if keyword else []
    for _ in range(projects):
        project = make_project(keywords=keywords)
        make_participation(project=project, organization=organization, ec_contribution="1000")
        make_participation(project=project, organization=make_organization(country="FR"))
    refresh_figures(Organization.objects.filter(pk=organization.pk))
    return Organization.objects.get(pk=organization.pk)
