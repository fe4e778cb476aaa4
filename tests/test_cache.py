"""The page cache: pages come from it, and each kind of change makes them stale at once.

Runs against the configured cache: local memory, or Redis when REDIS_URL is set (CI does
both). Every test starts with an empty cache (the `page_cache` fixture).
"""

import pytest
import reversion
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from base.caching import bump_generation, current_generation
from cordis.importer import import_cordis
from organizations.models import Organization, Status
from projects.keywords import merge_keywords
from projects.models import Participation, Project
from tests.admin_forms import change_form_data
from tests.data import CORDIS_IMI2
from tests.factories import make_keyword, make_organization, make_participation, make_project
from tests.test_editorial import change_url, changelist_url, post_change

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def visitor():
    """An anonymous visitor's browser (`client` is the editor's, in tests that log one in)."""
    return Client()


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def cached(client, url):
    """The page, having checked that it is now served from the cache."""
    get(client, url)
    response = get(client, url)
    assert response["X-Cache"] == "hit"
    return response.content.decode()


def test_a_page_comes_from_the_cache_with_one_query(visitor, django_assert_num_queries):
    organization = make_organization(tagline="First tagline.")
    first = get(visitor, organization.get_absolute_url())
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(1):  # the generation, nothing else
        again = get(visitor, organization.get_absolute_url())
    assert again["X-Cache"] == "hit" and again.content == first.content
    # The headers the outer middleware add are there on a page from the cache too.
    assert "Content-Security-Policy" in again and again["X-Request-ID"]


@pytest.mark.parametrize(
    "url", ["/", "/organizations/", "/organizations/?q=oncology", "/projects/", "/keywords/"]
)
def test_every_public_page_is_cached(visitor, url):
    make_organization()
    cached(visitor, url)


def test_each_address_and_query_is_its_own_page(visitor):
    make_organization(name="Alpha Institute")
    make_organization(name="Beta Institute")
    assert "Beta" not in cached(visitor, "/organizations/?q=alpha")
    assert "Alpha" not in cached(visitor, "/organizations/?q=beta")


def test_an_editors_save_makes_the_profile_stale(visitor, editor_client):
    organization = make_organization(tagline="Before the edit.")
    assert "Before the edit." in cached(visitor, organization.get_absolute_url())
    form = change_form_data(editor_client.get(change_url(organization)))
    assert post_change(editor_client, organization, form, tagline="After.").status_code == 302
    page = get(visitor, organization.get_absolute_url())
    assert "After." in page.content.decode() and page["X-Cache"] == "miss"


def test_publishing_and_unpublishing_show_at_once(visitor, editor_client):
    draft = make_organization(name="Unveiled Institute", status=Status.DRAFT)
    shown = make_organization(name="Withdrawn Institute")
    assert "Withdrawn Institute" in cached(visitor, "/organizations/")
    assert "Unveiled Institute" not in cached(visitor, "/organizations/")
    for action, organization in [("publish", draft), ("unpublish", shown)]:
        response = editor_client.post(
            changelist_url(), {"action": action, "_selected_action": [organization.pk]}
        )
        assert response.status_code == 302
    page = get(visitor, "/organizations/").content.decode()
    assert "Unveiled Institute" in page and "Withdrawn Institute" not in page
    assert visitor.get(shown.get_absolute_url()).status_code == 404


def test_a_status_set_by_queryset_update_shows_once_the_generation_is_bumped(visitor):
    # QuerySet.update() sends no signal: a bulk path calls bump_generation() in its transaction.
    organization = make_organization(name="Quietly Hidden")
    assert "Quietly Hidden" in cached(visitor, "/organizations/")
    with transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(status=Status.DRAFT)
        bump_generation()
    assert "Quietly Hidden" not in get(visitor, "/organizations/").content.decode()


def test_a_restore_from_history_shows_at_once(visitor, editor_client):
    with reversion.create_revision():
        organization = make_organization(tagline="The original tagline.")
    form = change_form_data(editor_client.get(change_url(organization)))
    assert post_change(editor_client, organization, form, tagline="A later tagline.").status_code
    assert "A later tagline." in cached(visitor, organization.get_absolute_url())
    oldest = Version.objects.get_for_object(organization).last()
    restore_url = reverse(
        "admin:organizations_organization_revision", args=[organization.pk, oldest.pk]
    )
    restore_form = change_form_data(editor_client.get(restore_url))
    assert editor_client.post(restore_url, restore_form).status_code == 302
    assert "The original tagline." in get(visitor, organization.get_absolute_url()).content.decode()


def test_a_keyword_merge_shows_at_once(visitor):
    kept, duplicate = make_keyword("leukaemia"), make_keyword("leukemia")
    make_project(acronym="KEPTPROJ", keywords=[kept])
    make_project(acronym="MOVEDPROJ", keywords=[duplicate])
    assert "MOVEDPROJ" not in cached(visitor, kept.get_absolute_url())
    merge_keywords(kept, [duplicate])
    assert "MOVEDPROJ" in get(visitor, kept.get_absolute_url()).content.decode()


def test_an_import_shows_at_once(visitor):
    before = cached(visitor, "/projects/")
    import_cordis(CORDIS_IMI2)
    after = get(visitor, "/projects/")
    assert after["X-Cache"] == "miss"
    assert after.content.decode() != before
    some = Project.objects.order_by("pk").first()
    assert some.acronym in get(visitor, "/projects/").content.decode()


def test_refresh_stats_shows_at_once(visitor):
    organization = make_organization()
    projects = [make_project() for _ in range(3)]
    # Written set-wise, as the import does: no signal, and the figures not yet recomputed.
    Participation.objects.bulk_create(
        [Participation(project=p, organization=organization, role="participant") for p in projects]
    )
    generation = current_generation()
    before = cached(visitor, organization.get_absolute_url())
    call_command("refresh_stats", verbosity=0)
    assert current_generation() != generation
    organization.refresh_from_db()
    assert organization.project_count == 3
    after = get(visitor, organization.get_absolute_url())
    assert after["X-Cache"] == "miss" and after.content.decode() != before


def test_a_participation_saved_alone_makes_pages_stale(visitor):
    organization = make_organization()
    before = cached(visitor, organization.get_absolute_url())
    make_participation(make_project(acronym="NEWPARTNER"), organization)
    assert get(visitor, organization.get_absolute_url()).content.decode() != before


def test_staff_never_see_a_cached_page_nor_fill_the_cache(visitor, staff_client):
    organization = make_organization(tagline="Seen by all.", status=Status.PUBLISHED)
    staff_page = staff_client.get(organization.get_absolute_url())
    assert staff_page.status_code == 200 and "X-Cache" not in staff_page
    assert get(visitor, organization.get_absolute_url())["X-Cache"] == "miss"
    assert get(visitor, organization.get_absolute_url())["X-Cache"] == "hit"
    # A change without a bump (a raw SQL script) leaves the anonymous page as it was; staff
    # still see the database.
    Organization.objects.filter(pk=organization.pk).update(tagline="Changed quietly.")
    assert "Changed quietly." in staff_client.get(organization.get_absolute_url()).content.decode()
    assert "X-Cache" not in staff_client.get(organization.get_absolute_url())


def test_a_draft_seen_by_staff_is_never_cached_for_the_public(visitor, staff_client):
    draft = make_organization(status=Status.DRAFT)
    assert staff_client.get(draft.get_absolute_url()).status_code == 200
    assert visitor.get(draft.get_absolute_url()).status_code == 404


def test_a_browser_revalidates_and_gets_304_until_a_change(visitor):
    organization = make_organization(tagline="Version one.")
    first = get(visitor, organization.get_absolute_url())
    etag = first["ETag"]
    assert "no-cache" in first["Cache-Control"]
    response = visitor.get(organization.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""
    # A browser keeps the 304's headers: the policy must be on it too.
    assert "Content-Security-Policy" in response and "X-Content-Type-Options" in response
    organization.tagline = "Version two."
    organization.save()
    response = visitor.get(organization.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 200 and response["ETag"] != etag
    assert "Version two." in response.content.decode()


def test_a_rendered_page_not_cached_still_answers_304(visitor, staff_client):
    organization = make_organization()
    etag = staff_client.get(organization.get_absolute_url())["ETag"]
    response = staff_client.get(organization.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_the_cache_off_builds_every_page(visitor, settings):
    settings.PAGE_CACHE_SECONDS = 0
    organization = make_organization()
    assert "X-Cache" not in get(visitor, organization.get_absolute_url())
