"""An organization's result card in Python: the same HTML as
templates/includes/organization_card.html (tests/test_cards.py compares them), for the
search page's twenty, where the template's includes, lookups and filters cost more than the
rest of the page's Python. The home page still includes the template."""

from functools import cache

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from base.html import escaped
from base.templatetags.formatting import country_name, euro_short
from base.views import slug_url
from organizations.models import Kind, sees_drafted_text

CARD = (
    '<article class="org-card">\n'
    '  <h3 class="org-card__name"><a href="{url}">{name}</a>{badges}</h3>\n'
    '  <p class="org-card__meta">{meta}</p>\n'
    "  {why}\n"
    "  {tagline}\n"
    # The funding include's file ends with a newline, inside the paragraph.
    '  <p class="org-card__figures">{projects} project{plural}{funding}\n</p>\n'
    "</article>\n"
)
DRAFT = ' <span class="badge badge--draft">Draft</span>'
SME = ' <span class="badge badge--sme" title="Small or medium-sized enterprise">SME</span>'
KIND_LABELS = dict(Kind.choices)  # get_kind_display() builds this dict on every call


@cache
def _profile_url():
    # reverse() per card took 60 µs of a card's 230 (get_absolute_url): reversed once.
    return slug_url("organizations:detail")


def organization_card(organization, user) -> SafeString:
    """The card of `organization` as `user` sees it (drafted text for staff only)."""
    meta = escaped(KIND_LABELS.get(organization.kind, organization.kind))
    if organization.country:
        meta += format_html(" · {}", country_name(organization.country))
    why = getattr(organization, "why_matched", "")
    tagline = organization.tagline and sees_drafted_text(user, organization)
    projects = organization.project_count
    return mark_safe(
        CARD.format(
            url=escaped(_profile_url()(organization.slug)),
            name=escaped(organization.name),
            badges=(DRAFT if organization.is_draft else "") + (SME if organization.sme else ""),
            meta=meta,
            why=format_html('<p class="org-card__why">Matched: {}</p>', why) if why else "",
            tagline=(
                format_html('<p class="org-card__tagline">{}</p>', organization.tagline)
                if tagline
                else ""
            ),
            projects=f"{projects:,}",
            plural="" if projects == 1 else "s",
            funding=escaped(funding_text(organization, " · ")),
        )
    )


def funding_text(organization, separator: str) -> str:
    """templates/includes/funding_total.html's text: "€1.2M EC funding over 5 of 7 projects"."""
    if organization.figures_miss_amounts:
        if organization.funded_project_count:
            return (
                f"{separator}{euro_short(organization.total_ec_funding)} EC funding over "
                f"{organization.funded_project_count:,} of {organization.project_count:,} projects"
            )
        return f"{separator}EC funding not published"
    if organization.total_ec_funding:
        return f"{separator}{euro_short(organization.total_ec_funding)} EC funding"
    return ""
