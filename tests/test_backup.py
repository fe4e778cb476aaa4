"""Back up, change and delete, restore: every model's rows and a profile as they were.

On the database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL): CI runs both.
"""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client

from base.caching import current_generation
from base.models import CacheGeneration
from organizations.models import Organization
from projects.models import Keyword, Project
from tests.factories import make_keyword, make_organization, make_participation, make_project

pytestmark = pytest.mark.django_db(transaction=True)


def every_row():
    """Each model's rows, as tuples in primary-key order (the generation is compared apart)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model is not CacheGeneration
    }


def test_a_restore_brings_back_every_row_and_the_profile(tmp_path):
    call_command("load_demo", verbosity=0)
    organization = make_organization(tagline="Kept by the backup.")
    project = make_project(keywords=[make_keyword("restored keyword")])
    make_participation(project, organization)
    profile_url, project_pk = organization.get_absolute_url(), project.pk
    profile = Client().get(profile_url).content
    rows = every_row()
    backup_file = tmp_path / "portal.backup"

    call_command("backup", str(backup_file), verbosity=0)
    assert backup_file.stat().st_size > 0

    Organization.objects.filter(pk=organization.pk).update(tagline="Changed after the backup.")
    project.delete()  # and its participations, with it
    Keyword.objects.all().delete()
    make_organization(name="Made after the backup")
    assert every_row() != rows
    generation = current_generation()

    call_command("restore", str(backup_file), "--no-input", verbosity=0)

    assert every_row() == rows
    assert Project.objects.filter(pk=project_pk).exists()
    assert Client().get(profile_url).content == profile
    assert current_generation() != generation  # pages cached before the restore are stale


def test_a_restore_refuses_what_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("shopping list")
    with pytest.raises(CommandError, match="is not a"):
        call_command("restore", str(not_a_backup), "--no-input")
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), "--no-input")
