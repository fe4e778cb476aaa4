"""The organizations page in a real browser, on a phone and on a wide screen: on a phone the
filters past the search box fold into "More filters" (static/js/filters.js), so that the
results come right after the search box."""

import pytest

from tests.conftest import requires_chromium
from tests.factories import make_organization

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
SEARCH = "/organizations/?q=oncology&kind=university"


@pytest.fixture
def found(db):
    for n in range(3):
        make_organization(name=f"Oncology Institute {n}", kind="university")


def more_filters(page):
    return page.locator("details.filters__more")


def test_on_a_phone_the_results_follow_the_search_box(page, found):
    page.set_viewport_size(PHONE)
    page.goto(SEARCH)

    details = more_filters(page)
    assert details.evaluate("details => details.open") is False
    assert details.locator("summary").inner_text() == "More filters (1 chosen)"
    assert page.locator("#id_q").is_visible()
    first_result = page.locator(".card-list li").first
    assert "Oncology Institute" in first_result.inner_text()
    assert first_result.bounding_box()["y"] < PHONE["height"]  # on the first screen

    # The folded filters open with a tap, as chosen.
    details.locator("summary").click()
    assert page.get_by_label("University").is_checked()


def test_on_a_wide_screen_the_filters_stay_open(page, found):
    page.goto(SEARCH)  # 1280 px wide

    assert more_filters(page).evaluate("details => details.open") is True
    assert page.get_by_label("University").is_visible()


def test_a_filter_with_an_error_stays_in_view_on_a_phone(page, found):
    page.set_viewport_size(PHONE)
    page.goto("/organizations/?q=oncology&funding_min=lots")

    assert more_filters(page).evaluate("details => details.open") is True
    assert page.locator("#field-funding_min .errorlist").is_visible()
