"""The lines of the profile's computed lists (includes/breakdown.html), of its partners
(organizations/profile/partners.html) and of its table of years (activity.html).

A profile shows up to four such lists of up to fifty lines each, sixty partners and a row
for every year from its first project to its last; the
template language spends about 4 µs on every variable it writes: the lines are built here,
every value escaped as the template escapes it (html.escape, which Django's escape filter
calls too).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from base.templatetags.formatting import NOT_PUBLISHED, euro

register = template.Library()

BAR = (
    '<svg class="breakdown__bar" viewBox="0 0 100 1" preserveAspectRatio="none" '
    'aria-hidden="true" focusable="false"><rect width="{}" height="1"/></svg>'
)


@register.simple_tag
def breakdown_lines(items, bars=True):
    """The <li> lines of `items` (organizations.sections.Item): the label, linked when the
    item has an address, its detail, its count, and its bar unless `bars` is False."""
    return mark_safe("\n".join(_line(item, bars) for item in items))


def _line(item, bars):
    label = escape(item.title)
    if item.url:
        label = f'<a href="{escape(item.url)}">{label}</a>'
    if item.detail:
        label += f' <span class="breakdown__detail">{escape(item.detail)}</span>'
    bar = BAR.format(item.bar) if bars else ""
    return (
        f'<li class="breakdown__item"><span class="breakdown__label">{label}</span> '
        f'<span class="breakdown__count">{escape(item.count_text)}</span>{bar}</li>'
    )


@register.simple_tag
def partner_lines(partners):
    """The <li> lines of `partners` (organizations.sections.display.Partner): the name linked
    to its profile, then its country and shared projects."""
    return mark_safe(
        "\n".join(
            f'<li class="partners__item"><a href="{escape(partner.url)}">{escape(partner.name)}'
            f'</a> <span class="partners__meta">{escape(partner.meta)}</span></li>'
            for partner in partners
        )
    )


@register.simple_tag
def year_rows(years):
    """The <tr> rows of `years` (organizations.sections.Year): the year, its projects and
    their EC contribution: "not published" where CORDIS gives none for a year's projects,
    "–" for a year without projects."""
    return mark_safe("\n".join(_year_row(year) for year in years))


def _year_row(year):
    if year.funded:
        funding = euro(year.funding)
    elif year.projects:
        funding = NOT_PUBLISHED
    else:
        funding = "–"
    return (
        f'<tr><th scope="row">{year.year}</th><td class="num">{year.projects:,}</td>'
        f'<td class="num">{funding}</td></tr>'
    )
