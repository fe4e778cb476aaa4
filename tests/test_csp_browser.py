"""The pages keep to their Content-Security-Policy in a real browser: nothing is refused."""

import pytest
from django.core.management import call_command

from organizations.models import Organization
from tests.conftest import PASSWORD, requires_chromium

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

# Each page reports what the policy refused; the console says it too (Chromium words it
# "Refused to ..." or "... violates the following Content Security Policy directive ...").
REPORT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
CONSOLE_WORDS = ("Refused to", "Content Security Policy")

PUBLIC_PAGES = [
    "/",
    "/organizations/",
    "/organizations/gpoh/",
    "/projects/",
    "/projects/harmony/",
    "/keywords/",
    "/keywords/big-data-platform/",
    "/healthz",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemap-organizations.xml",
]


class Violations:
    """What the policy refused on the page since the last `take()`, from both sources."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message):
        if any(words in message.text for words in CONSOLE_WORDS):
            self.console.append(message.text)

    def take(self):
        # A violation event is dispatched a moment after the refusal.
        self.page.wait_for_timeout(200)
        found = self.console + self.page.evaluate("window.cspViolations")
        self.console = []
        self.page.evaluate("window.cspViolations = []")
        return found


def visit(page, violations, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert response.header_value("content-security-policy"), url
    page.wait_for_load_state("networkidle")
    return violations.take()


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return Organization.objects.get(slug="gpoh")


def test_public_pages_keep_to_the_policy(page, demo):
    violations = Violations(page)

    for url in PUBLIC_PAGES:
        assert visit(page, violations, url) == [], url

    # The policy is enforced and the listeners hear it: an inline style is refused.
    visit(page, violations, "/organizations/gpoh/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    assert violations.take()


def test_admin_pages_keep_to_the_admin_policy(page, demo, editor):
    violations = Violations(page)
    change_url = f"/admin/organizations/organization/{demo.pk}/change/"

    assert visit(page, violations, "/admin/login/?next=/admin/") == []
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("text=Profiles, projects and keywords")
    assert violations.take() == []

    # The change form, with an autocomplete box fetching its choices; saved once, so that
    # history has two versions to compare.
    assert visit(page, violations, change_url) == []
    page.locator(".field-capabilities .select2-selection").click()
    page.keyboard.type("data")
    page.wait_for_selector(".select2-results__option >> text=Digital health")
    page.keyboard.press("Escape")
    page.fill("#id_why_partner", "Changed in the browser, to have a second version.")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert violations.take() == []

    # History (the first radio button is hidden by an inline style) and compare.
    assert visit(page, violations, f"/admin/organizations/organization/{demo.pk}/history/") == []
    page.locator("#change-history input[name=version_id1]").nth(1).check()
    page.locator("#change-history input[name=version_id2]").nth(0).check()
    page.click("#change-history input[type=submit]")
    page.wait_for_selector("text=Changed in the browser")
    assert violations.take() == []
