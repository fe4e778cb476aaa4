"""Per-address rate limits on searches and exports: 429 with Retry-After, in the site's style."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limits")]


def from_address(address):
    return Client(REMOTE_ADDR=address)


@pytest.mark.parametrize(
    ("url", "setting"),
    [
        ("/organizations/?q=oncology", "RATELIMIT_SEARCH"),
        ("/projects/?q=cancer", "RATELIMIT_SEARCH"),
        ("/organizations/export.csv?q=oncology", "RATELIMIT_EXPORT"),
    ],
)
def test_an_address_over_the_limit_gets_429_with_retry_after(settings, url, setting):
    setattr(settings, setting, "3/m")
    visitor = from_address("203.0.113.7")
    for _ in range(3):
        assert visitor.get(url).status_code == 200
    response = visitor.get(url)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "Too many requests" in page and 'class="site-header"' in page
    assert "Content-Security-Policy" in response and "<style" not in page
    # Another address is not affected.
    assert from_address("203.0.113.8").get(url).status_code == 200


def test_searches_and_exports_are_counted_apart(settings):
    settings.RATELIMIT_SEARCH = "2/m"
    settings.RATELIMIT_EXPORT = "2/m"
    visitor = from_address("198.51.100.1")
    for _ in range(2):
        assert visitor.get("/organizations/?q=a").status_code == 200
    assert visitor.get("/organizations/?q=a").status_code == 429
    assert visitor.get("/organizations/export.json").status_code == 200


def test_profiles_are_not_limited(settings):
    settings.RATELIMIT_SEARCH = "1/m"
    visitor = from_address("198.51.100.2")
    for _ in range(3):
        assert visitor.get("/").status_code == 200


def test_a_search_answered_from_the_cache_does_not_count(settings, page_cache):
    settings.RATELIMIT_SEARCH = "2/m"
    visitor = from_address("198.51.100.3")
    for _ in range(5):
        assert visitor.get("/organizations/?q=common").status_code == 200
    assert visitor.get("/organizations/?q=rare").status_code == 200
    assert visitor.get("/organizations/?q=rarer").status_code == 429
