"""Text is stored with "\\n" line endings, whatever sent it: browsers post "\\r\\n" from every
textarea, and a save that changed one field must not record the others as changed."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from organizations.models import Organization
from projects.models import Participation, Project
from tests.admin_forms import change_form_data
from tests.factories import make_organization, make_participation

TEXT = "First line.\r\nSecond line.\rThird line."
NORMALIZED = "First line.\nSecond line.\nThird line."


def as_a_browser_posts(data):
    return {
        name: [value.replace("\n", "\r\n") for value in values] for name, values in data.items()
    }


@pytest.mark.django_db
def test_a_save_in_the_admin_records_only_the_field_the_editor_changed(editor_client):
    call_command("load_demo", verbosity=0)
    gpoh = Organization.objects.get(slug="gpoh")
    assert "\n" in gpoh.core_work  # multi-line text, which a browser sends back as "\r\n"
    before = {
        name: getattr(gpoh, name) for name in ("core_work", "trajectory", "network_narrative")
    }
    url = reverse("admin:organizations_organization_change", args=[gpoh.pk])
    data = as_a_browser_posts(change_form_data(editor_client.get(url)))
    data["why_partner"] = ["A new reason to partner.\r\nWith a second line."]

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    gpoh.refresh_from_db()
    assert gpoh.why_partner == "A new reason to partner.\nWith a second line."
    assert {name: getattr(gpoh, name) for name in before} == before
    change = LogEntry.objects.filter(object_id=str(gpoh.pk)).latest("action_time")
    assert json.loads(change.change_message) == [{"changed": {"fields": ["Why partner with them"]}}]
    # History holds the same: the last two versions differ in why_partner (and the version,
    # and who saved it when).
    newest, previous = Version.objects.get_for_object(gpoh)[:2]
    differences = {
        name for name, value in newest.field_dict.items() if previous.field_dict.get(name) != value
    }
    assert differences == {"why_partner", "version", "updated_at", "edited_at", "edited_by_id"}


@pytest.mark.django_db
def test_every_write_through_the_orm_stores_newline_endings():
    organization = make_organization(core_work=TEXT)
    organization.refresh_from_db()
    assert organization.core_work == NORMALIZED

    Organization.objects.filter(pk=organization.pk).update(why_partner=TEXT)
    organization.refresh_from_db()
    assert organization.why_partner == NORMALIZED

    participation = make_participation(highlight=TEXT)
    project = participation.project
    project.objective = TEXT
    Project.objects.bulk_update([project], ["objective"])
    participation.refresh_from_db()
    project.refresh_from_db()
    assert (participation.highlight, project.objective) == (NORMALIZED, NORMALIZED)


MIGRATIONS_BEFORE = [
    ("organizations", "0006_bulk_import"),
    ("projects", "0003_keyword_projects_index"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_normalizes_stored_text_and_saved_versions():
    executor = MigrationExecutor(connection)
    executor.migrate(MIGRATIONS_BEFORE)
    old = executor.loader.project_state(MIGRATIONS_BEFORE).apps
    OldOrganization = old.get_model("organizations", "Organization")
    OldProject = old.get_model("projects", "Project")
    OldParticipation = old.get_model("projects", "Participation")
    try:
        organization = OldOrganization.objects.create(name="Old", slug="old", core_work=TEXT)
        project = OldProject.objects.create(
            cordis_id="1", acronym="OLD", title="Old", slug="old", objective=TEXT
        )
        OldParticipation.objects.create(project=project, organization=organization, highlight=TEXT)
        # A version saved before (reversion's tables are the same before and after).
        fields = {"name": "Old", "core_work": TEXT}
        Version.objects.create(
            revision=Revision.objects.create(date_created=timezone.now(), comment=""),
            object_id=str(organization.pk),
            content_type=ContentType.objects.get_for_model(Organization),
            db="default",
            format="json",
            serialized_data=json.dumps(
                [{"model": "organizations.organization", "pk": organization.pk, "fields": fields}]
            ),
            object_repr="Old",
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert Organization.objects.get(slug="old").core_work == NORMALIZED
    assert Project.objects.get(slug="old").objective == NORMALIZED
    assert Participation.objects.get().highlight == NORMALIZED
    version = Version.objects.get(object_repr="Old")
    assert version.field_dict["core_work"] == NORMALIZED


@pytest.mark.django_db
def test_the_import_stores_newline_endings(tmp_path):
    (tmp_path / "project.csv").write_bytes(
        b'id;acronym;title;objective\r\n1;ONE;One;"First line.\r\nSecond line."\r\n'
    )
    (tmp_path / "organization.csv").write_bytes(
        b"projectID;organisationID;name;role\r\n1;999;ONE ORG;coordinator\r\n"
    )
    call_command("import_cordis", str(tmp_path), verbosity=0)

    assert Project.objects.get(cordis_id="1").objective == "First line.\nSecond line."
