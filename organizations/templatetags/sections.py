"""The lines of the profile's computed lists (includes/breakdown.html) and of its partners
(organizations/profile/partners.html).

A profile shows up to four such lists of up to fifty lines each, and sixty partners; the
template language spends about 4 µs on every variable it writes: the lines are built here,
every value escaped as the template escapes it (html.escape, which Django's escape filter
calls too).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

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
