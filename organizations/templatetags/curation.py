"""Template tags of the editors' work: the admin home's queue, and who may read drafted
text on a profile (the rule itself is models.sees_drafted_text)."""

from django import template
from django.urls import reverse

from organizations.curation import counts_by_state
from organizations.models import Curation, sees_drafted_text

register = template.Library()

STATE_HELP = {
    Curation.IMPORTED: "Computed sections only: no text yet.",
    Curation.DRAFTED: "Text drafted from the data: review it to make it public.",
    Curation.CURATED: "Reviewed or written by an editor.",
    Curation.STALE: "Curated, but the data changed since: check the text again.",
}


@register.simple_tag
def curation_queue():
    """A row per curation state: its label, count, help and the list of its profiles,
    most attention first. One query."""
    changelist = reverse("admin:organizations_organization_changelist")
    return [
        {
            "label": state.label,
            "count": f"{count:,}",
            "help": STATE_HELP[state],
            "url": f"{changelist}?curation__exact={state.value}",
        }
        for state, count in counts_by_state().items()
    ]


@register.filter
def drafted_text_shown(organization, user):
    """{% if organization|drafted_text_shown:user %}: whether the editors' text is shown."""
    return sees_drafted_text(user, organization)
