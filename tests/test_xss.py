"""What editors type can't run in a visitor's browser; legitimate Markdown still renders.

Narrative fields are Markdown, cleaned by nh3: dangerous markup is removed. Plain fields
(name, tagline, focus phrases, expertise and capability names) are escaped: the payload is
shown as text. Escaped text may contain "onerror=" or "javascript:" as words, so the checks
look at the parsed markup (elements, attributes, URLs), and at the raw "<tag" openings.
"""

import re

import pytest

from tests.factories import (
    Page,
    make_capability,
    make_expertise,
    make_note,
    make_organization,
    make_participation,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    '"><script>alert(1)</script>',
    "<a href=\"JaVaScRiPt:alert(1)\" onclick='alert(1)'>case</a>",
    '<a href="&#106;avascript:alert(1)">entity</a>',
]

DANGEROUS_ELEMENTS = {"script", "iframe", "svg", "img", "object", "embed", "style", "form"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


def build_profile(field, value):
    """A published organization with `value` in `field`; returns its URL."""
    if "." not in field:
        return make_organization(**{field: value}).get_absolute_url()
    organization = make_organization()
    if field == "expertise.evidence":
        make_expertise(organization, evidence=value)
    elif field == "expertise.name":
        make_expertise(organization, name=value)
    elif field == "note.body":
        make_note(organization, body=value)
    elif field == "participation.highlight":
        make_participation(organization=organization, notable_rank=1, highlight=value)
    elif field == "capability.name":
        organization.capabilities.add(make_capability(value))
    elif field == "partner.name":  # listed among its partners (a template tag writes them)
        shared = make_participation(organization=organization).project
        make_participation(project=shared, organization=make_organization(name=value))
    return organization.get_absolute_url()


MARKDOWN_FIELDS = [
    "core_work",
    "why_partner",
    "trajectory",
    "trajectory_summary",
    "collaboration_narrative",
    "network_narrative",
    "expertise.evidence",
    "note.body",
    "participation.highlight",
]
PLAIN_FIELDS = [
    "name",
    "tagline",
    "early_focus",
    "recent_focus",
    "expertise.name",
    "capability.name",
    "partner.name",
]


# The page's own SVG: the computed sections' charts and bars (base/charts.py).
OWN_SVG = re.compile(r'<svg class="(chart__svg|breakdown__bar)" viewbox="[0-9. ]+"')


def assert_inert(html):
    lowered = html.lower()
    for opening in ("<script", "<iframe", "<img", "<object", "<embed"):
        assert opening not in lowered
    svgs = re.findall(r"<svg\b[^>]*", lowered)
    assert all(OWN_SVG.match(svg) for svg in svgs), svgs
    for tag, attrs in Page(html).elements:
        # svg is checked above: only the page's own
        assert tag not in DANGEROUS_ELEMENTS - {"svg"}
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=...>"
            if name in URL_ATTRIBUTES:
                scheme = "".join(value.split()).lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:"))


def main_content(html):
    """The page's <main>: the profile, without the <head>'s title and description."""
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", MARKDOWN_FIELDS)
def test_markdown_field_is_cleaned(client, field, payload):
    url = build_profile(field, f"Before. {payload} After.")

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html)
    content = main_content(html).lower()
    for word in ("onerror=", "onload=", "onclick=", "javascript:", "alert(1)</script"):
        assert word not in content
    # The field is shown (cleaned), not dropped.
    assert "Before." in main_content(html)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", PLAIN_FIELDS)
def test_plain_field_is_escaped(client, field, payload):
    url = build_profile(field, payload)

    response = client.get(url)

    assert response.status_code == 200
    assert_inert(response.content.decode())
    # Shown as the editor typed it: text, not markup.
    assert payload in Page.of(response).text


def test_description_from_markdown_is_escaped(client):
    """With no tagline the meta description is the start of "what they do"."""
    url = build_profile("core_work", '"><script>alert(1)</script>')

    page = Page.of(client.get(url))

    (description,) = page.find_all("meta", name="description")
    # The description is the narrative's text after sanitizing: the script is gone.
    assert description["content"] == '">'
    assert_inert(page.html)


def test_description_from_markdown_is_plain_text(client):
    url = build_profile("core_work", "We *study* [blood cancers](https://example.org) & more.")

    (description,) = Page.of(client.get(url)).find_all("meta", name="description")
    assert description["content"] == "We study blood cancers & more."


LEGITIMATE = (
    "See [the registry](https://example.org/registry) or [write](mailto:team@example.org), "
    "*really*.\n\n- first point\n- second point"
)


@pytest.mark.parametrize("field", MARKDOWN_FIELDS)
def test_legitimate_markdown_still_renders(client, field):
    url = build_profile(field, LEGITIMATE)

    page = Page.of(client.get(url))

    links = page.find_all("a", href="https://example.org/registry")
    assert links and links[0]["rel"] == "nofollow noopener"
    assert page.find_all("a", href="mailto:team@example.org")
    assert "<em>really</em>" in page.html
    assert "<li>first point</li>" in page.html
    assert "<li>second point</li>" in page.html


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "javascript://%0aalert(1)",  # passes a naive "has ://" check, as in imports
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_website_link_only_for_web_addresses(client, website):
    # Stored without form validation, as an import or a script would.
    organization = make_organization(website=website)

    page = Page.of(client.get(organization.get_absolute_url()))

    assert_inert(page.html)
    assert "Website" not in page.text


def test_website_link_for_a_web_address(client):
    organization = make_organization(website="https://www.gpoh.de/")

    page = Page.of(client.get(organization.get_absolute_url()))

    assert page.find_all("a", href="https://www.gpoh.de/", rel="nofollow noopener")
