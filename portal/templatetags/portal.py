"""Template filters shared by every page: safe Markdown and money."""

from decimal import Decimal, InvalidOperation

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# What editors' Markdown may produce; everything else (script, style, event handlers,
# javascript: links) is removed by nh3.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "hr",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    html = markdown_lib.markdown(text or "", output_format="html")
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


def _decimal(value):
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def euro(value):
    """Money in running text: €751,855."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"€{amount:,.0f}"


@register.filter
def euro_short(value):
    """Money in headline figures: €842K, €1.2M, €950."""
    amount = _decimal(value)
    if amount is None:
        return ""
    for threshold, suffix in ((Decimal(10**9), "B"), (Decimal(10**6), "M"), (Decimal(10**3), "K")):
        if abs(amount) >= threshold:
            scaled = amount / threshold
            # One decimal below ten (€1.2M), none above (€842K); no trailing ".0".
            text = f"{scaled:.1f}" if scaled < 10 else f"{scaled:.0f}"
            return f"€{text.removesuffix('.0')}{suffix}"
    return f"€{amount:,.0f}"
