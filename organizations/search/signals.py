"""Evidence kept current on every save in the admin (the import writes in bulk, without
signals, and calls refresh_search itself)."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from organizations.search.evidence import refresh_search


def _model(name):
    return apps.get_model("projects", name)


def _refresh_members(project_pks):
    members = _model("Participation").objects.filter(project_id__in=project_pks)
    refresh_search(members.values_list("organization_id", flat=True).distinct())


# Saves that change no project's subjects: the projects' stored stems are read.
UNCHANGED = frozenset()


def participation_saved(sender, instance, **kwargs):
    refresh_search([instance.organization_id], projects_changed=UNCHANGED)


def project_saved(sender, instance, **kwargs):
    _refresh_members([instance.pk])


def programme_part_saved(sender, instance, **kwargs):
    _refresh_members([instance.project_id])


def organization_saved(sender, instance, **kwargs):
    # Its own words: the search's rows and the word list.
    refresh_search([instance.pk], projects_changed=UNCHANGED)


def expertise_area_saved(sender, instance, **kwargs):
    # Its name is the organization's own text (the admin saves the inline after the
    # organization, whose refresh did not see it yet).
    refresh_search([instance.organization_id], projects_changed=UNCHANGED)


def classification_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _refresh_members([instance.pk])
    elif pk_set:  # a keyword or field gained or lost projects; post_clear does not say which
        _refresh_members(pk_set)


def connect():
    Project = _model("Project")
    post_save.connect(participation_saved, sender="projects.Participation")
    post_delete.connect(participation_saved, sender="projects.Participation")
    post_save.connect(project_saved, sender="projects.Project")
    post_save.connect(programme_part_saved, sender="projects.ProjectProgrammePart")
    post_delete.connect(programme_part_saved, sender="projects.ProjectProgrammePart")
    post_save.connect(organization_saved, sender="organizations.Organization")
    post_save.connect(expertise_area_saved, sender="organizations.ExpertiseArea")
    post_delete.connect(expertise_area_saved, sender="organizations.ExpertiseArea")
    for field in (Project.keywords, Project.fields_of_science, Project.topics):
        m2m_changed.connect(classification_changed, sender=field.through)
