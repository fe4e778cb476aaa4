"""Headline figures of organizations, computed from their participations.

The figures are stored on Organization so that lists can sort and filter on them cheaply;
these functions are the one place that computes them. They work set-wise: a fixed number of
queries whatever the number of organizations.
"""

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from organizations.models import FiguresSource, Organization

FIGURE_FIELDS = [
    "project_count",
    "coordinator_count",
    "total_ec_funding",
    "partner_count",
    "partner_country_count",
    "figures_source",
    "figures_computed_at",
]


def compute_figures(organizations):
    """Return {organization id: {figure: value}} for a queryset of organizations."""
    own = organizations.annotate(
        n_projects=Count("participations__project", distinct=True),
        n_coordinated=Count(
            "participations__project",
            distinct=True,
            filter=Q(participations__role="coordinator"),
        ),
        funding=Sum("participations__ec_contribution"),
    ).values_list("pk", "n_projects", "n_coordinated", "funding")

    # Partners: the other organizations in the same projects, counted once however many
    # projects they share.
    partner = "participations__project__participations__organization"
    not_self = ~Q(**{partner: F("pk")})
    partners = organizations.annotate(
        n_partners=Count(partner, distinct=True, filter=not_self),
        n_countries=Count(
            f"{partner}__country",
            distinct=True,
            filter=not_self & ~Q(**{f"{partner}__country": ""}),
        ),
    ).values_list("pk", "n_partners", "n_countries")

    figures = {
        pk: {
            "project_count": n_projects,
            "coordinator_count": n_coordinated,
            "total_ec_funding": funding or 0,
        }
        for pk, n_projects, n_coordinated, funding in own
    }
    for pk, n_partners, n_countries in partners:
        figures[pk]["partner_count"] = n_partners
        figures[pk]["partner_country_count"] = n_countries
    return figures


def refresh_figures(organizations, *, keep_edited=True, batch_size=1000):
    """Recompute and store the figures of `organizations` (a queryset).

    With keep_edited, organizations whose figures the editors entered by hand are left alone;
    an import passes keep_edited=False because it has just brought the data the figures come
    from. Returns the number of organizations updated.
    """
    if keep_edited:
        organizations = organizations.exclude(figures_source=FiguresSource.EDITORS)
    now = timezone.now()
    updated = []
    for pk, values in compute_figures(organizations).items():
        organization = Organization(pk=pk, **values)
        organization.figures_source = FiguresSource.COMPUTED
        organization.figures_computed_at = now
        updated.append(organization)
    Organization.objects.bulk_update(updated, FIGURE_FIELDS, batch_size=batch_size)
    return len(updated)
