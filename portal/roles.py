"""The editor role: staff who curate content, with no say over users, groups or imported data."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS_GROUP = "Editors"

# (app label, model, actions): exactly what curating needs. Projects and participations come
# from the CORDIS import, which owns their figures, dates, texts and who took part (read-only
# in the admin, see cordis/importer/). Editors change what is theirs (a project's keywords
# and slug, a participation's highlight and notable rank) and add or delete neither;
# profiles are unpublished, not deleted.
EDITOR_PERMISSIONS = [
    ("organizations", "organization", ["view", "add", "change"]),
    ("organizations", "expertisearea", ["view", "add", "change", "delete"]),
    ("organizations", "analysisnote", ["view", "add", "change", "delete"]),
    ("organizations", "capability", ["view", "add", "change", "delete"]),
    # The progress of a bulk "Draft from data": the action starts it, the task writes it.
    ("organizations", "bulkdraft", ["view"]),
    ("projects", "keyword", ["view", "add", "change", "delete"]),
    ("projects", "project", ["view", "change"]),
    ("projects", "participation", ["view", "change"]),
    # Classifications the import writes from the companion files: to look at only.
    ("projects", "fieldofscience", ["view"]),
    ("projects", "topic", ["view"]),
    ("projects", "programmepart", ["view"]),
]


def editor_permissions():
    wanted = Q(pk__in=[])
    for app_label, model, actions in EDITOR_PERMISSIONS:
        wanted |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return Permission.objects.filter(wanted)


def ensure_editors_group():
    """Create the Editors group, or reset its permissions to exactly the editor's."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(editor_permissions())
    return group


def make_editor(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(ensure_editors_group())
    return user
