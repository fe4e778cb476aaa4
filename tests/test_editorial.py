"""The editorial workflow: roles, publishing, review, concurrent edits, keyword merges."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from reversion.models import Version

from organizations.models import Organization, Status
from portal.roles import EDITORS_GROUP, make_editor
from projects.models import Keyword
from tests.admin_forms import change_form_data
from tests.conftest import PASSWORD
from tests.factories import make_keyword, make_organization, make_participation, make_project

pytestmark = pytest.mark.django_db


def change_url(organization):
    return reverse("admin:organizations_organization_change", args=[organization.pk])


def changelist_url():
    return reverse("admin:organizations_organization_changelist")


def post_change(client, organization, data, **changes):
    data = dict(data)
    for name, value in changes.items():
        data[name] = [value]
    return client.post(change_url(organization), data)


# Roles


def test_setup_roles_gives_editors_exactly_the_curation_permissions():
    call_command("setup_roles", verbosity=0)
    editor = get_user_model().objects.create_user("e", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    can = editor.has_perm
    assert can("organizations.change_organization")
    assert can("organizations.add_expertisearea")
    assert can("organizations.delete_analysisnote")
    assert can("projects.change_project")
    assert can("projects.change_participation")
    assert can("projects.delete_keyword")
    assert not can("organizations.delete_organization")
    assert not can("projects.add_participation")
    assert not can("projects.delete_project")
    assert not can("auth.change_user")
    assert not can("auth.view_group")
    # The editors' workspace adds no say over imported data: the progress of a bulk draft
    # to look at, nothing of the import's to add, delete or reclassify.
    assert can("organizations.view_bulkdraft")
    assert not can("organizations.change_bulkdraft")
    assert not can("organizations.delete_bulkdraft")
    assert not can("projects.delete_participation")
    assert not can("projects.add_project")
    assert not can("projects.change_fieldofscience")
    assert not can("projects.change_topic")
    assert not can("django_tasks_db.change_dbtaskresult")


def test_editor_cannot_open_users_or_groups_and_can_change_profiles(editor_client):
    gpoh = make_organization(name="GPOH")
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert editor_client.get(change_url(gpoh)).status_code == 200


def test_imported_figures_are_read_only_for_editors(editor_client):
    organization = make_organization()
    make_participation(organization=organization)
    response = editor_client.get(change_url(organization))
    assert 'name="project_count"' not in response.content.decode()
    bare = make_organization()
    assert 'name="project_count"' in editor_client.get(change_url(bare)).content.decode()


# Publishing and review


def test_publish_and_unpublish_actions(editor_client):
    drafts = [make_organization(status=Status.DRAFT) for _ in range(2)]
    pks = [o.pk for o in drafts]
    editor_client.post(changelist_url(), {"action": "publish", "_selected_action": pks})
    assert set(Organization.objects.filter(pk__in=pks).values_list("status", flat=True)) == {
        Status.PUBLISHED
    }
    assert not Organization.objects.filter(pk__in=pks, published_at=None).exists()
    assert editor_client.get(drafts[0].get_absolute_url()).status_code == 200

    editor_client.post(changelist_url(), {"action": "unpublish", "_selected_action": pks})
    assert set(Organization.objects.filter(pk__in=pks).values_list("status", flat=True)) == {
        Status.DRAFT
    }
    editor_client.logout()
    assert editor_client.get(drafts[0].get_absolute_url()).status_code == 404


def test_draft_page_links_to_a_preview(editor_client):
    draft = make_organization(status=Status.DRAFT)
    content = editor_client.get(change_url(draft)).content.decode()
    assert "Preview as the public will see it" in content
    assert draft.get_absolute_url() in content


# Concurrent edits


def test_second_save_from_the_same_version_is_refused(client, editor):
    other = make_editor(get_user_model().objects.create_user("other", password=PASSWORD))
    call_command("load_demo", verbosity=0)
    gpoh = Organization.objects.get(slug="gpoh")

    # Both editors open the form at the same version.
    client.force_login(editor)
    first_form = change_form_data(client.get(change_url(gpoh)))
    client.force_login(other)
    second_form = change_form_data(client.get(change_url(gpoh)))

    client.force_login(editor)
    response = post_change(client, gpoh, first_form, why_partner="The first editor's text.")
    assert response.status_code == 302

    client.force_login(other)
    response = post_change(client, gpoh, second_form, why_partner="The second editor's text.")
    assert response.status_code == 200
    assert f"{editor.username} saved this profile while you were editing it on " in (
        response.content.decode()
    )
    assert f"{editor.username} saved this profile while you were editing it on " in (
        response.content.decode()
    )
    gpoh.refresh_from_db()
    assert gpoh.why_partner == "The first editor's text."

    # Reopened, the form carries the new version and saves.
    fresh_form = change_form_data(client.get(change_url(gpoh)))
    response = post_change(client, gpoh, fresh_form, why_partner="The second editor's text.")
    assert response.status_code == 302
    gpoh.refresh_from_db()
    assert gpoh.why_partner == "The second editor's text."


def test_a_change_by_the_import_is_named_as_such(client, editor):
    from django.db.models import F
    from django.utils import timezone

    client.force_login(editor)
    call_command("load_demo", verbosity=0)
    gpoh = Organization.objects.get(slug="gpoh")
    assert post_change(client, gpoh, change_form_data(client.get(change_url(gpoh)))).status_code
    form = change_form_data(client.get(change_url(gpoh)))
    # What the import does to a profile whose imported fields changed.
    Organization.objects.filter(pk=gpoh.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )

    response = post_change(client, gpoh, form, tagline="Too late.")
    assert response.status_code == 200
    assert "An import or script changed this profile while you were editing it on " in (
        response.content.decode()
    )


def test_a_restore_makes_forms_opened_before_it_stale(client, editor):
    # Restoring an old version must not bring back that version's number: a form opened just
    # before the restore would then match it and silently undo the restore.
    client.force_login(editor)
    call_command("load_demo", verbosity=0)
    gpoh = Organization.objects.get(slug="gpoh")
    oldest = Version.objects.get_for_object(gpoh).last()
    first_form = change_form_data(client.get(change_url(gpoh)))
    assert post_change(client, gpoh, first_form, tagline="Second tagline.").status_code == 302
    stale_form = change_form_data(client.get(change_url(gpoh)))

    restore_url = reverse("admin:organizations_organization_revision", args=[gpoh.pk, oldest.pk])
    restore_form = change_form_data(client.get(restore_url))
    assert client.post(restore_url, restore_form).status_code == 302
    gpoh.refresh_from_db()
    assert gpoh.tagline == oldest.field_dict["tagline"]

    response = post_change(client, gpoh, stale_form, tagline="Stale tagline.")
    assert response.status_code == 200
    # The same editor restored it: the message says so rather than blame someone else.
    assert "You saved this profile in another window or tab on " in response.content.decode()
    gpoh.refresh_from_db()
    assert gpoh.tagline == oldest.field_dict["tagline"]


def test_every_save_is_in_the_history_with_who(editor_client, editor):
    call_command("load_demo", verbosity=0)
    gpoh = Organization.objects.get(slug="gpoh")
    form = change_form_data(editor_client.get(change_url(gpoh)))
    post_change(editor_client, gpoh, form, tagline="A new tagline.")
    versions = Version.objects.get_for_object(gpoh)
    assert versions.count() == 2
    assert versions.first().revision.user == editor
    history = editor_client.get(reverse("admin:organizations_organization_history", args=[gpoh.pk]))
    assert editor.username in history.content.decode()


# Keywords


def test_keywords_are_unique_ignoring_case():
    make_keyword("Leukemia")
    with pytest.raises(IntegrityError), transaction.atomic():
        Keyword.objects.create(name="leukemia", slug="leukemia-again")


def test_merge_keywords_repoints_projects(editor_client):
    kept = make_keyword("leukaemia")
    duplicate = make_keyword("leukemia (blood cancer)")
    both = make_project(keywords=[kept, duplicate])
    only_duplicate = make_project(keywords=[duplicate])
    make_project(keywords=[kept])
    response = editor_client.post(
        reverse("admin:projects_keyword_changelist"),
        {"action": "merge", "_selected_action": [kept.pk, duplicate.pk]},
    )
    assert response.status_code == 302
    assert not Keyword.objects.filter(pk=duplicate.pk).exists()
    assert set(kept.projects.all()) >= {both, only_duplicate}
    assert kept.projects.count() == 3


def test_the_keyword_list_counts_projects_and_organizations_and_sorts_by_them(editor_client):
    busy, quiet = make_keyword("busy keyword"), make_keyword("quiet keyword")
    for _ in range(3):
        project = make_project(keywords=[busy])
        make_participation(project, make_organization())
        make_participation(project, make_organization())
    make_participation(make_project(keywords=[quiet]), make_organization())

    url = reverse("admin:projects_keyword_changelist")
    response = editor_client.get(url, {"o": "-3"})  # the projects column, most first
    rows = response.context["cl"].result_list
    assert [(k.name, k.num_projects, k.num_organizations) for k in rows] == [
        ("busy keyword", 3, 6),
        ("quiet keyword", 1, 1),
    ]
    response = editor_client.get(url, {"o": "3"})
    assert [k.name for k in response.context["cl"].result_list] == ["quiet keyword", "busy keyword"]


def test_capabilities_are_counted_and_merged(editor_client):
    from organizations.models import Capability
    from tests.factories import make_capability

    kept, duplicate = make_capability("Artificial intelligence"), make_capability("AI")
    both, only_duplicate, only_kept = (make_organization() for _ in range(3))
    both.capabilities.set([kept, duplicate])
    only_duplicate.capabilities.set([duplicate])
    only_kept.capabilities.set([kept])
    extra = make_organization()
    extra.capabilities.set([kept])

    url = reverse("admin:organizations_capability_changelist")
    counts = {c.name: c.num_organizations for c in editor_client.get(url).context["cl"].result_list}
    assert counts == {"Artificial intelligence": 3, "AI": 2}

    response = editor_client.post(
        url, {"action": "merge", "_selected_action": [kept.pk, duplicate.pk]}, follow=True
    )
    assert "Merged AI into Artificial intelligence." in response.content.decode()
    assert not Capability.objects.filter(pk=duplicate.pk).exists()
    assert set(kept.organizations.all()) == {both, only_duplicate, only_kept, extra}


def test_compare_shows_what_the_editor_changed_and_wraps_long_text(client, editor):
    client.force_login(editor)
    call_command("load_demo", verbosity=0)
    gpoh = Organization.objects.get(slug="gpoh")
    form = change_form_data(client.get(change_url(gpoh)))
    long_text = "A sentence of a narrative that runs on. " * 20
    assert post_change(client, gpoh, form, why_partner=long_text).status_code == 302
    newer, older = Version.objects.get_for_object(gpoh)[:2]

    compare = reverse("admin:organizations_organization_compare", args=[gpoh.pk])
    response = client.get(compare, {"version_id1": older.pk, "version_id2": newer.pk})
    assert response.status_code == 200
    titles = [field_diff["field"].name for field_diff in response.context["compare_data"]]
    assert titles == ["why_partner"]  # not the version counter nor the timestamps
    assert "css/admin-compare.css" in response.content.decode()
