"""What the companion files and several programmes bring to the pages: a project's fields of
science, topics and programme parts; the profile's projects per programme; participations
that ended early; the classifications, read-only, in the admin."""

import pytest
from django.urls import reverse

from organizations.models import PROFILE_PROJECTS, Organization
from organizations.stats import refresh_figures
from projects.models import FieldOfScience, ProgrammePart, ProjectProgrammePart, Topic
from tests.factories import Page, make_organization, make_participation, make_project

pytestmark = pytest.mark.django_db


def classified_project():
    project = make_project(acronym="CURE", framework_programme="HORIZON")
    medicine = FieldOfScience.objects.create(
        code="/3", title="medical sciences", path="/medical sciences"
    )
    oncology = FieldOfScience.objects.create(
        code="/3/1", title="oncology", path="/medical sciences/oncology", parent=medicine
    )
    project.fields_of_science.set([oncology])
    project.topics.set([Topic.objects.create(code="HORIZON-HLTH-1", title="Cancer cures")])
    health = ProgrammePart.objects.create(code="HORIZON.2.1", title="Health")
    pillar = ProgrammePart.objects.create(code="HORIZON.2", title="Global Challenges")
    ProjectProgrammePart.objects.create(project=project, programme_part=health, is_unique=True)
    ProjectProgrammePart.objects.create(project=project, programme_part=pillar)
    return project


def test_the_project_page_shows_its_classifications(client):
    project = classified_project()

    page = Page.of(client.get(project.get_absolute_url()))

    assert "Project · Horizon Europe CURE" in page.text
    assert "Programme Horizon Europe" in page.text
    assert "Fields of science oncology" in page.text
    assert page.html.count('title="medical sciences › oncology"') == 1
    assert "Topic Cancer cures HORIZON-HLTH-1" in page.text
    assert "Programme parts Health HORIZON.2.1 · the project's own part Global Challenges" in (
        page.text
    )


def test_a_project_without_classifications_shows_no_empty_sections(client):
    page = Page.of(client.get(make_project().get_absolute_url()))
    assert "Fields of science" not in page.text and "Topic" not in page.text


def test_participations_that_ended_early_are_marked_in_words(client):
    organization = make_organization(name="Leaver")
    project = make_project(acronym="LEFT")
    make_participation(project, organization, ended_early=True)
    make_participation(make_project(acronym="STAYED"), organization)
    make_participation(project, make_organization(name="Stayer"))

    profile = Page.of(client.get(organization.get_absolute_url())).text
    assert f"LEFT {project.title} 2018–2021 Participant Ended early not published" in profile
    assert profile.count("Ended early") == 1

    project_page = Page.of(client.get(project.get_absolute_url())).text
    assert (
        "Leaver Germany Participant Ended early not published "
        "Stayer Germany Participant not published"
    ) in project_page


@pytest.mark.parametrize("more", [0, PROFILE_PROJECTS])
def test_the_profile_counts_the_projects_of_every_programme(client, more):
    """Counted from the projects table's rows, or, past the projects it shows, in a query."""
    organization = make_organization()
    programmes = ["H2020", "HORIZON", "HORIZON", "FP7", ""] + ["HORIZON"] * more
    for programme in programmes:
        make_participation(make_project(framework_programme=programme), organization)
    refresh_figures(Organization.objects.filter(pk=organization.pk))

    page = Page.of(client.get(organization.get_absolute_url()))

    total, horizon = len(programmes), 2 + more
    assert (
        f"Projects {total} Horizon 2020 1 · Horizon Europe {horizon} · FP7 1 · "
        "Programme not given 1 "
    ) in page.text


def test_an_organization_without_projects_shows_no_breakdown(client):
    page = Page.of(client.get(make_organization().get_absolute_url()))
    assert "Horizon 2020" not in page.text


@pytest.mark.parametrize("model", ["fieldofscience", "topic", "programmepart"])
@pytest.mark.parametrize("user", ["editor_client", "admin_client"])
def test_the_admin_lists_the_classifications_read_only(request, user, model):
    client = request.getfixturevalue(user)
    classified_project()
    item = {
        "fieldofscience": FieldOfScience.objects.get(code="/3/1"),
        "topic": Topic.objects.get(),
        "programmepart": ProgrammePart.objects.get(code="HORIZON.2.1"),
    }[model]
    changelist = reverse(f"admin:projects_{model}_changelist")
    change = reverse(f"admin:projects_{model}_change", args=[item.pk])

    listing = client.get(changelist)
    assert listing.status_code == 200
    assert item.code in listing.content.decode()
    assert "to view" in listing.content.decode()  # "Select topic to view": no change links
    assert client.get(change).status_code == 200
    assert 'name="_save"' not in client.get(change).content.decode()
    assert client.get(reverse(f"admin:projects_{model}_add")).status_code == 403
    response = client.post(change, {"code": "changed", "title": "changed"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.code != "changed"
    delete = reverse(f"admin:projects_{model}_delete", args=[item.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
