"""The editor role: staff who curate content, without access to users and groups."""

from django.contrib.auth.models import Group, Permission

EDITORS_GROUP = "Editors"

# Editors add, change, delete and view everything editorial; users and groups stay with admins.
EDITOR_APPS = ("organizations", "projects")


def ensure_editors_group():
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=EDITOR_APPS))
    return group


def make_editor(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(ensure_editors_group())
    return user
