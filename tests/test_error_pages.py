"""The 404, 429 and 500 pages, in the site's style and within its Content-Security-Policy."""

import pytest
from django.test import RequestFactory

from portal.views import server_error


def assert_in_the_sites_style(page):
    assert 'class="site-header"' in page and "/static/css/site.css" in page
    assert "<style" not in page and "<script" not in page and "style=" not in page


@pytest.mark.django_db
def test_404_links_to_the_lists(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "Page not found" in page
    assert 'href="/organizations/"' in page
    assert_in_the_sites_style(page)


def test_500_renders_without_the_database_or_the_request(settings):
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "Something went wrong" in page
    assert settings.SITE_NAME in page
    assert_in_the_sites_style(page)


@pytest.mark.django_db
def test_429_says_what_to_do(client, rate_limits, settings):
    settings.RATELIMIT_SEARCH = "1/m"
    client.get("/organizations/?q=one")
    response = client.get("/organizations/?q=two")
    page = response.content.decode()
    assert response.status_code == 429 and "in a minute or so" in page
    assert_in_the_sites_style(page)
