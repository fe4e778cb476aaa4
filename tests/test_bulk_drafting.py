"""'Draft from data' on a large selection: queued, run in the background by the database
worker (django-tasks), its progress shown, and each profile restorable from its History."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from reversion.models import Version

from organizations.models import BulkDraft, Curation, Organization
from organizations.tasks import DRAFT_AT_ONCE
from tests.admin_forms import change_form_data
from tests.profiles import make_imported_profile

# The worker closes the database connection between tasks, as a long-running process should
# (close_old_connections): no test transaction can hold it, so these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

SELECTED = DRAFT_AT_ONCE + 5


@pytest.fixture
def imported():
    """Profiles as an import leaves them: projects with partners abroad, no text."""
    return [make_imported_profile(country="DE", pic=f"99900{n:04}") for n in range(SELECTED)]


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def draft_action(client, organizations):
    return client.post(
        reverse("admin:organizations_organization_changelist"),
        {"action": "draft_from_data", "_selected_action": [o.pk for o in organizations]},
        follow=True,
    )


def test_a_large_selection_is_drafted_in_the_background_with_its_progress(
    editor_client, editor, imported
):
    response = draft_action(editor_client, imported)

    bulk = BulkDraft.objects.get()
    assert (bulk.total, bulk.done, bulk.created_by) == (SELECTED, 0, editor)
    assert DBTaskResult.objects.count() == 1
    assert "follow its progress" in response.content.decode()
    # Nothing drafted yet: the request only queued the work.
    assert not Organization.objects.filter(curation=Curation.DRAFTED).exists()
    progress_url = reverse("admin:organizations_bulkdraft_change", args=[bulk.pk])
    page = editor_client.get(progress_url).content.decode()
    assert f"0 of {SELECTED} profiles done" in page
    assert 'http-equiv="refresh"' in page  # it reloads while running

    run_worker()

    bulk.refresh_from_db()
    assert (bulk.done, bulk.drafted, bulk.error) == (SELECTED, SELECTED, "")
    assert bulk.finished_at is not None
    assert Organization.objects.filter(
        pk__in=[o.pk for o in imported], curation=Curation.DRAFTED
    ).count() == len(imported)
    page = editor_client.get(progress_url).content.decode()
    assert f"{SELECTED} of {SELECTED} profiles done" in page
    assert 'http-equiv="refresh"' not in page


def test_a_bulk_draft_can_be_undone_profile_by_profile_from_history(
    editor_client, editor, imported
):
    draft_action(editor_client, imported)
    run_worker()
    organization = Organization.objects.get(pk=imported[0].pk)
    assert organization.curation == Curation.DRAFTED and organization.network_narrative
    after, before = Version.objects.get_for_object(organization)
    assert before.revision.user == editor
    assert before.revision.get_comment() == "Before the action “Draft from data”."

    restore_url = reverse(
        "admin:organizations_organization_revision", args=[organization.pk, before.pk]
    )
    form = change_form_data(editor_client.get(restore_url))
    assert editor_client.post(restore_url, form).status_code == 302

    organization.refresh_from_db()
    assert organization.curation == Curation.IMPORTED
    assert (organization.network_narrative, organization.reach) == ("", "")
    assert not organization.expertise_areas.exists()
    assert organization.participations.count() == 3


def test_a_small_selection_is_drafted_at_once(editor_client, imported):
    chosen = imported[:DRAFT_AT_ONCE]
    draft_action(editor_client, chosen)
    assert not BulkDraft.objects.exists()
    assert Organization.objects.filter(curation=Curation.DRAFTED).count() == len(chosen)


def test_all_profiles_of_a_filter_can_be_drafted(editor_client, imported):
    """ "Select all N" in the list: the action gets the whole filtered list."""
    changelist = reverse("admin:organizations_organization_changelist")
    editor_client.post(
        changelist + "?curation__exact=imported&country__exact=DE",
        {"action": "draft_from_data", "_selected_action": [imported[0].pk], "select_across": 1},
    )
    assert set(BulkDraft.objects.get().organization_ids) == {o.pk for o in imported}


def test_the_progress_is_read_only_to_editors(editor_client, imported):
    draft_action(editor_client, imported)
    bulk = BulkDraft.objects.get()
    url = reverse("admin:organizations_bulkdraft_change", args=[bulk.pk])
    form = change_form_data(editor_client.get(url))
    editor_client.post(url, {**form, "done": "0"})
    assert editor_client.get(reverse("admin:organizations_bulkdraft_add")).status_code == 403
    bulk.refresh_from_db()
    assert bulk.done == 0 and bulk.total == SELECTED
