"""Framework programmes: their display names, and an organization's projects per programme.

One database holds the dumps of several programmes (H2020, HORIZON, and any later one);
Project.framework_programme keeps each project's, as project.csv's frameworkProgramme gives it.
"""

from collections import Counter

from django.db.models import Count

from projects.models import Participation

# The programmes a visitor knows by name; any other is shown as CORDIS writes it. Each one
# here is listed in an organization's breakdown, with 0 where it has no project.
PROGRAMME_NAMES = {"H2020": "Horizon 2020", "HORIZON": "Horizon Europe"}
NO_PROGRAMME = "Programme not given"


def programme_name(code: str) -> str:
    """ "HORIZON" -> "Horizon Europe"; a code we do not know, as written."""
    return PROGRAMME_NAMES.get(code, code) if code else NO_PROGRAMME


def programme_breakdown(organization, programmes=None) -> list[tuple[str, int]]:
    """[(programme name, number of the organization's projects in it)]: the known programmes
    first (0 included), then the others it has, by name; [] if it has no project at all.

    `programmes`, when the caller has read every project of the organization: the framework
    programme of each, counted here without a query. Otherwise one query counts them.
    """
    if programmes is None:
        counts = dict(
            Participation.objects.filter(organization=organization)
            .values_list("project__framework_programme")
            .annotate(n=Count("pk"))  # one participation per (project, organization)
            .order_by()
        )
    else:
        counts = Counter(programmes)
    if not counts:
        return []
    known = [(programme_name(code), counts.pop(code, 0)) for code in PROGRAMME_NAMES]
    others = sorted((programme_name(code), n) for code, n in counts.items())
    return known + others
