"""Drafts of a profile's empty sections from its project data."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from organizations.drafting import draft_from_data, suggested_reach, suggested_role
from organizations.models import AnalysisNote, CollaborationRole, Curation, Organization, Reach
from tests.admin_forms import change_form_data
from tests.data import CORDIS_IMI2
from tests.factories import make_keyword, make_organization, make_participation, make_project

pytestmark = pytest.mark.django_db

GPOH_PIC = "923133869"


@pytest.fixture
def imported(db):
    call_command("import_cordis", str(CORDIS_IMI2), verbosity=0)


def test_gpoh_draft_from_the_real_data(imported):
    gpoh = Organization.objects.get(pic=GPOH_PIC)
    draft = draft_from_data(gpoh)
    gpoh.refresh_from_db()

    assert gpoh.reach == Reach.EUROPEAN
    assert gpoh.collaboration_role == CollaborationRole.SPECIALIST_CONTRIBUTOR
    assert gpoh.collaboration_role != CollaborationRole.COORDINATOR
    assert gpoh.early_focus.startswith("HARMONY, 2017")
    assert gpoh.recent_focus.startswith("HARMONY PLUS, 2020")
    assert "57 partner organizations in 12 countries" in gpoh.network_narrative
    note = gpoh.analysis_notes.get()
    assert note.kind == AnalysisNote.NoteKind.DATA_CONFIDENCE
    assert "only 2 projects" in note.body
    assert "one family of projects (HARMONY)" in note.body
    assert "analysis note" in str(draft)


def test_draft_never_overwrites_editor_text(db):
    call_command("load_demo", verbosity=0)
    call_command("import_cordis", str(CORDIS_IMI2), verbosity=0)  # matches GPOH by its PIC
    gpoh = Organization.objects.get(slug="gpoh")
    before = {f: getattr(gpoh, f) for f in ("early_focus", "recent_focus", "reach")}
    areas, notes = gpoh.expertise_areas.count(), gpoh.analysis_notes.count()

    draft = draft_from_data(gpoh)
    gpoh.refresh_from_db()

    assert {f: getattr(gpoh, f) for f in before} == before
    assert gpoh.expertise_areas.count() == areas
    assert gpoh.analysis_notes.count() == notes
    assert "nothing to draft" in str(draft)


def test_draft_is_deterministic_and_fills_only_once(imported):
    gpoh = Organization.objects.get(pic=GPOH_PIC)
    draft_from_data(gpoh)
    gpoh.refresh_from_db()
    first = (gpoh.early_focus, gpoh.recent_focus, gpoh.reach, gpoh.network_narrative)
    second_draft = draft_from_data(gpoh)
    gpoh.refresh_from_db()
    assert (gpoh.early_focus, gpoh.recent_focus, gpoh.reach, gpoh.network_narrative) == first
    assert gpoh.analysis_notes.count() == 1
    assert "nothing to draft" in str(second_draft)


def test_expertise_candidates_come_from_project_keywords():
    leukemia, registry, genomics = (make_keyword(n) for n in ("leukemia", "registry", "genomics"))
    organization = make_organization(country="DE")
    first = make_project(acronym="ALPHA", keywords=[leukemia, registry])
    second = make_project(acronym="BETA", keywords=[leukemia, genomics])
    for project in (first, second):
        make_participation(project=project, organization=organization)

    draft_from_data(organization)

    areas = list(organization.expertise_areas.order_by("order"))
    assert [a.name for a in areas] == ["Leukemia", "Genomics", "Registry"]
    assert areas[0].level == "primary"
    assert set(areas[0].projects.all()) == {first, second}
    assert areas[0].evidence == "Keyword of both its projects: ALPHA and BETA (2018)."


@pytest.mark.parametrize(
    ("projects", "coordinated", "role"),
    [
        (4, 2, CollaborationRole.COORDINATOR),
        (4, 1, CollaborationRole.CORE_PARTNER),
        (1, 0, CollaborationRole.OCCASIONAL_PARTICIPANT),
        (5, 0, CollaborationRole.SPECIALIST_CONTRIBUTOR),
    ],
)
def test_suggested_role(projects, coordinated, role):
    assert suggested_role(projects, coordinated) == role


@pytest.mark.parametrize(
    ("partners", "reach"),
    [
        (["DE", "DE"], Reach.NATIONAL),
        (["DE", "FR", "GB", "CH"], Reach.EUROPEAN),
        (["DE", "FR", "GB", "CH", "US"], Reach.GLOBAL),
        (["DE"] * 9 + ["US"], Reach.EUROPEAN),
    ],
)
def test_suggested_reach(partners, reach):
    assert suggested_reach("DE", partners) == reach


def test_drafting_from_the_admin_can_be_undone_from_history(editor_client, editor):
    # An imported profile: participations, no narrative, and no version in its history.
    leukemia = make_keyword("leukemia")
    organization = make_organization(country="DE")
    for acronym in ("ALPHA", "BETA", "GAMMA"):
        project = make_project(acronym=acronym, keywords=[leukemia])
        make_participation(project=project, organization=organization)
        make_participation(project=project, organization=make_organization(country="FR"))
    assert not Version.objects.get_for_object(organization).exists()

    response = editor_client.post(
        reverse("admin:organizations_organization_changelist"),
        {"action": "draft_from_data", "_selected_action": [organization.pk]},
    )

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.early_focus and organization.expertise_areas.exists()
    assert organization.curation == Curation.DRAFTED
    after, before = Version.objects.get_for_object(organization)
    for version, when in [(before, "Before"), (after, "After")]:
        assert version.revision.user == editor
        assert version.revision.get_comment() == (f"{when} the action “Draft from data”.")
    assert before.field_dict["early_focus"] == ""

    # Restore the version from before: the drafted text and expertise areas are gone.
    restore_url = reverse(
        "admin:organizations_organization_revision", args=[organization.pk, before.pk]
    )
    restore_form = change_form_data(editor_client.get(restore_url))
    assert editor_client.post(restore_url, restore_form).status_code == 302
    organization.refresh_from_db()
    assert (organization.early_focus, organization.reach, organization.network_narrative) == (
        "",
        "",
        "",
    )
    assert not organization.expertise_areas.exists()
    assert organization.curation == Curation.IMPORTED  # the state before, too
    assert organization.participations.count() == 3  # imported data is never restored away


# Drafts from fields of science, topics, programme parts and years ---------------------------


@pytest.fixture
def institute(db):
    """An institute with six projects: four in oncology (2021-2023), two in optics (2023)."""
    from datetime import date

    from projects.models import FieldOfScience, ProgrammePart, Topic

    institute = make_organization(name="Institute", country="FR")
    oncology = FieldOfScience.objects.create(
        code="/3/27/100", path="/medical sciences/clinical medicine/oncology", title="oncology"
    )
    optics = FieldOfScience.objects.create(
        code="/1/5/60", path="/natural sciences/physical sciences/optics", title="optics"
    )
    health = ProgrammePart.objects.create(code="HORIZON.2.1", title="Health")
    erc = ProgrammePart.objects.create(code="HORIZON.1.1", title="European Research Council")
    hydrogen = Topic.objects.create(
        code="HORIZON-CL5-2023-D5-01-08",
        title="Accelerating climate-neutral hydrogen-powered and electrified aviation in "
        "Europe and beyond, with a long title",
    )
    partners = [make_organization(country=c) for c in ("DE", "DE", "IT", "XK")]
    for n, (year, fields, part) in enumerate(
        [
            (2021, [oncology], health),
            (2022, [oncology], health),
            (2022, [oncology], health),
            (2023, [oncology, optics], erc),
            (2023, [optics], erc),
        ]
    ):
        project = make_project(acronym=f"P{n}", start_date=date(year, 1, 1))
        project.fields_of_science.set(fields)
        project.projectprogrammepart_set.create(programme_part=part, is_unique=True)
        role = "coordinator" if n == 0 else "participant"
        make_participation(project, institute, role=role)
        make_participation(project, partners[n % len(partners)])
    # A project CORDIS gives a topic only, in 2024.
    last = make_project(acronym="FLY", start_date=date(2024, 1, 1))
    last.topics.set([hydrogen])
    make_participation(last, institute)
    return institute


def test_expertise_candidates_come_from_fields_of_science(institute):
    draft_from_data(institute)
    areas = list(institute.expertise_areas.order_by("order"))
    assert [(a.name, a.level) for a in areas] == [("Oncology", "primary"), ("Optics", "emerging")]
    assert areas[0].evidence == (
        "Field of science of 4 of its 6 projects: P0, P1, P2 and P3 (2021–2023)."
    )
    assert {p.acronym for p in areas[1].projects.all()} == {"P3", "P4"}


def test_focus_is_a_phrase_from_the_first_and_latest_projects(institute):
    draft_from_data(institute)
    assert institute.early_focus == "Oncology (P0, 2021)"
    # The latest project has a topic only: its first words, not the whole title.
    assert institute.recent_focus == (
        "Accelerating climate-neutral hydrogen-powered and electrified aviation in Europe and "
        "beyond,… (FLY, 2024)"
    )


def test_trajectory_and_collaboration_read_as_sentences(institute):
    draft_from_data(institute)
    assert institute.trajectory == (
        "Most of its projects with a programme part come from Health, with 3, and European "
        "Research Council, with 2. "
        "Its projects in CORDIS started between 2021 and 2024."  # no year has the most
    )
    assert institute.network_narrative == (
        "Across its 6 projects it has worked with 4 partner organizations in 3 countries, "
        "most often from Germany (2). It coordinated 1 of the 6 (17%)."
    )
    assert institute.reach == Reach.EUROPEAN  # Kosovo is in Europe


def test_a_one_project_organization_gets_sentences_for_one(db):
    organization = make_organization(country="BE")
    project = make_project(acronym="SOLO")
    make_participation(project, organization, role="coordinator")
    make_participation(project, make_organization(country="NL"))
    draft_from_data(organization)
    assert organization.network_narrative == (
        "In its only project it worked with 1 partner organization in 1 country, all of them "
        "from Netherlands. It coordinated it."
    )
    assert organization.recent_focus == ""  # one project: an early focus only
