"""The Content-Security-Policy of a response: the strict one in settings, loosened where needed.

Two kinds of response need more than the strict policy allows, each for a reason we cannot
fix in our own templates; what they need was found by loading them in Chromium with the
strict policy and reading the console.
"""

import base64
import hashlib

from csp.constants import SELF, UNSAFE_HASHES, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts


def style_attribute_hash(value: str) -> str:
    """The CSP source that allows exactly the inline style attribute style="`value`"."""
    digest = hashlib.sha256(value.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# Where portal/urls.py mounts the admin.
ADMIN_PREFIX = "/admin/"

# The admin, on top of the strict policy:
# - connect-src: the autocomplete boxes (select2) fetch their choices from /admin/autocomplete/;
# - style-src-attr: django-reversion-compare's history list hides the first radio button with
#   style="visibility:hidden" (reversion-compare/action_list_partial.html); this allows that
#   one attribute value, not inline style in general.
# Django's own admin pages need nothing more: they have no inline script or style.
ADMIN_ADDITIONS = {
    "connect-src": [SELF],
    "style-src-attr": [UNSAFE_HASHES, style_attribute_hash("visibility:hidden")],
}

# XML (the sitemaps): Chromium shows an XML file in a viewer that styles the tree with inline
# style, under the file's policy (crbug.com/924962). Crawlers never apply it; script stays
# forbidden.
XML_ADDITIONS = {"style-src": [UNSAFE_INLINE]}
XML_TYPES = ("application/xml", "text/xml")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, adding ADMIN_ADDITIONS under /admin/ and XML_ADDITIONS to XML.

    Chosen here, by path and content type, rather than with django-csp's view decorators:
    the admin's views are built by the admin site and by django-reversion-compare, and the
    sitemap views are Django's; decorating each would miss the next one added.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        additions = {}
        if request.path_info.startswith(ADMIN_PREFIX):
            additions = ADMIN_ADDITIONS
        elif response.get("Content-Type", "").startswith(XML_TYPES):
            additions = XML_ADDITIONS
        # Added to, not replacing, what a view's own @csp_update asks for.
        update = dict(parts.update or {})
        for directive, sources in additions.items():
            update[directive] = [*sources, *update.get(directive, [])]
        parts.update = update
        return parts
