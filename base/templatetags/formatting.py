"""Template filters shared by every page: safe Markdown, safe links, money, country names,
durations."""

import threading
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlsplit

import markdown as markdown_lib
import nh3
from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django_countries import countries

from base.facets_html import facets_html

register = template.Library()

# What editors' Markdown may produce; everything else (script, style, event handlers,
# javascript: links) is removed by nh3.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "hr",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}


# A Markdown converter per thread (gunicorn's workers run threads): building one loads its
# extensions and patterns, about half a millisecond, for every text of every page.
_converters = threading.local()


def render_markdown(text):
    if not text:
        return ""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown_lib.Markdown(output_format="html")
    html = converter.reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )


@register.filter
def markdown(text):
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitized by nh3 above


@register.filter
def web_url(value):
    """`value` if it is an http(s) address, else "".

    For links from stored data (e.g. an imported website): URLField validates forms only, and
    a "javascript:" address would run script when clicked.
    """
    url = (value or "").strip()
    # urlsplit drops the tabs and newlines that browsers ignore inside a scheme too.
    return url if urlsplit(url).scheme.lower() in {"http", "https"} else ""


def _decimal(value):
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    # NaN and infinity are not amounts: show nothing rather than fail the page.
    return amount if amount.is_finite() else None


def _sign(amount, shown):
    """A minus sign, unless the amount rounds to zero (no "-€0")."""
    return "-" if amount < 0 and shown else ""


@register.filter
def euro(value):
    """Money in running text: €751,855."""
    amount = _decimal(value)
    if amount is None:
        return ""
    whole = abs(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{_sign(amount, whole)}€{whole:,}"


NOT_PUBLISHED = mark_safe('<span class="muted">not published</span>')


@register.filter
def contribution(amount):
    """A participation's EC contribution: "€751,855", or "not published" when CORDIS gives
    none (never "€0"). A filter rather than an include: it is in every row of the tables."""
    return NOT_PUBLISHED if amount is None else euro(amount)


SHORT_UNITS = ["", "K", "M", "B"]


@register.filter
def euro_short(value):
    """Money in headline figures: €842K, €1.2M, €950."""
    amount = _decimal(value)
    if amount is None:
        return ""
    scaled = abs(amount)
    unit = 0
    while True:
        # One decimal below ten (€1.2M), none above (€842K) or for whole euros (€950).
        places = Decimal("0.1") if unit and scaled < 10 else Decimal(1)
        rounded = scaled.quantize(places, rounding=ROUND_HALF_UP)
        # Rounding may reach the next unit: €999,950 is €1M, not €1000K.
        if rounded < 1000 or unit == len(SHORT_UNITS) - 1:
            break
        scaled /= 1000
        unit += 1
    text = f"{rounded:,}".removesuffix(".0")
    return f"{_sign(amount, rounded)}€{text}{SHORT_UNITS[unit]}"


@register.filter
def country_name(country):
    """The name of a country (a django-countries Country, or its code), as Country.name.

    Country.name translates the name again on every call, about 45 µs: three milliseconds
    for the 60 partners of a profile. A name depends on the code and the language only, so
    it is kept after the first call.
    """
    return _country_name(getattr(country, "code", country) or "", get_language())


@lru_cache(maxsize=1024)
def _country_name(code, language):
    return countries.name(code)


@register.filter
def duration(value: timedelta | None) -> str:
    """A length of time in words ("1 hour", "1 hour, 30 minutes"), in timesince's words."""
    if not isinstance(value, timedelta):
        return ""
    now = timezone.now()
    return timesince(now - value, now)


@register.simple_tag
def facet_list(facets):
    """{% facet_list facets %}: includes/facets.html, rendered in Python (base.facets_html)."""
    return facets_html(facets)
