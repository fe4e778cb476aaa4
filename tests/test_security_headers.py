"""Every page type sends the Content-Security-Policy and Permissions-Policy headers.

What the policies allow is checked here; that the pages keep to them in a real browser is
tests/test_csp_browser.py.
"""

import pytest

from portal.security import style_attribute_hash
from tests.factories import make_keyword, make_organization, make_participation, make_project
from tests.test_pages import HTML_PAGES

pytestmark = pytest.mark.django_db

# The strict policy of the public pages, directive by directive.
PUBLIC_POLICY = {
    "default-src": {"'none'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'none'"},
    "object-src": {"'none'"},
}
NOT_HTML = ["/healthz", "/robots.txt", "/organizations/export.csv"]
MISSING = "/organizations/missing/"  # the 404 page
XML = ["/sitemap.xml", "/sitemap-organizations.xml"]
SWITCHED_OFF = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]


@pytest.fixture
def content():
    """What HTML_PAGES show: an organization in a project with a keyword."""
    keyword = make_keyword("oncology", slug="oncology")
    project = make_project(acronym="ONCO", slug="onco", keywords=[keyword])
    make_participation(project, make_organization(name="Published Org", slug="published-org"))


def get(client, url):
    """The response to `url`, read to its end (an export's query cursor closes with it)."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def policy(response):
    """The Content-Security-Policy header as {directive: {source, ...}}."""
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: set(sources) for name, *sources in directives}


@pytest.mark.parametrize("url", [*HTML_PAGES, *NOT_HTML, MISSING])
def test_public_pages_have_the_strict_policy(client, content, url):
    response = get(client, url)

    assert response.status_code in (200, 404)
    assert policy(response) == PUBLIC_POLICY


@pytest.mark.parametrize("url", XML)
def test_sitemaps_allow_inline_style_for_the_browsers_xml_viewer_but_no_script(
    client, content, url
):
    response = get(client, url)

    assert policy(response) == {**PUBLIC_POLICY, "style-src": {"'self'", "'unsafe-inline'"}}


@pytest.mark.parametrize("url", ["/admin/login/", "/admin/", "/admin/organizations/organization/"])
def test_the_admin_adds_only_what_its_pages_need(client, editor, url):
    if url != "/admin/login/":  # which sends an editor who is logged in on to the index
        client.force_login(editor)
    response = get(client, url)

    assert response.status_code == 200
    assert policy(response) == {
        **PUBLIC_POLICY,
        "connect-src": {"'self'"},
        "style-src-attr": {"'unsafe-hashes'", style_attribute_hash("visibility:hidden")},
    }


def test_the_allowed_style_attribute_hash_is_the_one_browsers_compute():
    # Chromium's console names this hash for style="visibility:hidden".
    expected = "'sha256-I/4Jcdrg5KNFrU0X4p2nNmjeGh9aI+9ac0cUllI5SwY='"
    assert style_attribute_hash("visibility:hidden") == expected


@pytest.mark.parametrize("url", [*HTML_PAGES, *NOT_HTML, *XML, "/admin/login/"])
def test_features_the_site_does_not_use_are_switched_off(client, content, url):
    header = get(client, url).headers["Permissions-Policy"]
    features = dict(item.split("=") for item in header.split(", "))

    for feature in SWITCHED_OFF:
        assert features[feature] == "()"
