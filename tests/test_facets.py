"""The subject filters and facets of the organizations and projects pages: fields of science
(top level and the next), programme, programme part, topic, and SME; their counts against a
direct count, their links, their query counts, and the table the import keeps for them."""

import re
from collections import Counter, defaultdict
from html import unescape
from urllib.parse import parse_qs, parse_qsl

import pytest
from django.db.models import Q
from django.urls import reverse

from organizations import facets as organization_facets
from organizations.facets import subjects as subject_facets
from organizations.models import Organization, OrganizationSubject
from organizations.stats import refresh_figures
from organizations.subjects import field_levels, refresh_subjects
from projects.models import FieldOfScience, ProgrammePart, Project, ProjectProgrammePart, Topic
from tests.factories import make_organization, make_participation, make_project

pytestmark = pytest.mark.django_db

ORGANIZATIONS = reverse("organizations:list")
PROJECTS = reverse("projects:list")
SUBJECTS = ["field", "subfield", "programme", "programme_part", "topic"]
LONG_TITLE = "A topic with a very long title " * 8


def field(code, title, parent=None):
    path = (parent.path if parent else "") + "/" + title
    return FieldOfScience.objects.create(code=code, title=title, path=path, parent=parent)


@pytest.fixture
def world():
    """Projects of two programmes with fields, topics and own parts, and organizations in
    them (two SMEs, three countries); the subjects stored as the import stores them."""
    medicine = field("/21", "medical and health sciences")
    clinical = field("/21/1", "clinical medicine", medicine)
    oncology = field("/21/1/5", "oncology", clinical)
    health = field("/21/2", "health sciences", medicine)
    natural = field("/23", "natural sciences")
    chemistry = field("/23/7", "chemical sciences", natural)
    catalysis = field("/23/7/9", "catalysis", chemistry)
    hydrogen = Topic.objects.create(code="HORIZON-CL5-H2", title="Hydrogen valleys")
    cancer = Topic.objects.create(code="HORIZON-HLTH-1", title=LONG_TITLE)
    erc = Topic.objects.create(code="ERC-2021-STG", title="ERC starting grant")
    climate = ProgrammePart.objects.create(code="HORIZON.2.5", title="Climate, Energy")
    health_part = ProgrammePart.objects.create(code="HORIZON.2.1", title="Health")
    pillar = ProgrammePart.objects.create(code="HORIZON.2", title="Global Challenges")

    def project(programme, fields, topics, part):
        made = make_project(framework_programme=programme)
        made.fields_of_science.set(fields)
        made.topics.set(topics)
        if part:
            ProjectProgrammePart.objects.create(project=made, programme_part=part, is_unique=True)
            ProjectProgrammePart.objects.create(project=made, programme_part=pillar)
        return made

    projects = [
        project("HORIZON", [catalysis], [hydrogen], climate),
        project("HORIZON", [oncology, clinical], [cancer], health_part),  # /21/1 once
        project("HORIZON", [oncology, health, catalysis], [cancer, erc], health_part),
        project("H2020", [health], [erc], None),
        project("H2020", [], [], None),
    ]
    organizations = [
        make_organization(name="Hydro Lab", country="DE", sme=True),
        make_organization(name="Onco Institute", country="FR"),
        make_organization(name="Both Ways", country="DE"),
        make_organization(name="Quiet GmbH", country="IT", sme=True),
        make_organization(name="No Projects", country="FR"),
    ]
    for project_index, organization_indexes in enumerate([[0, 2], [1, 2], [1], [1, 3], [3]]):
        for index in organization_indexes:
            make_participation(projects[project_index], organizations[index])
    refresh_subjects(Organization.objects.values_list("pk", flat=True))
    return organizations


# A direct count: the organizations (projects) of the results that have the subject.


def project_subject(kind, code):
    """Q over Project for the projects with the subject."""
    if kind in ("field", "subfield"):
        return Q(fields_of_science__code=code) | Q(fields_of_science__code__startswith=code + "/")
    if kind == "programme":
        return Q(framework_programme=code)
    if kind == "programme_part":
        return Q(
            projectprogrammepart__programme_part__code=code, projectprogrammepart__is_unique=True
        )
    return Q(topics__code=code)


def direct_organizations(results, kind, code):
    if kind == "sme":
        return results.filter(sme=True).count()
    projects = Project.objects.filter(project_subject(kind, code))
    return results.filter(participations__project__in=projects).distinct().count()


def direct_projects(results, kind, code):
    return results.filter(pk__in=Project.objects.filter(project_subject(kind, code))).count()


def facet_values(response, kinds=(*SUBJECTS, "sme")):
    return [
        (facet.name, value)
        for facet in response.context["facets"]
        if facet.name in kinds
        for value in facet.values
    ]


def code_of(value):
    """The code a facet link adds: the last value of its parameter."""
    return parse_qsl(value.url.lstrip("?"))[-1][1]


SEARCHES = [
    {},
    {"country": "DE"},
    {"field": "/21"},
    {"field": "/21", "subfield": "/21/1"},
    {"programme": "HORIZON", "topic": ["HORIZON-HLTH-1", "ERC-2021-STG"]},
    {"programme_part": "HORIZON.2.1", "kind": "other"},
    {"sme": "on", "programme": ["H2020", "HORIZON"]},
]


@pytest.mark.parametrize("params", SEARCHES)
def test_organization_facet_counts_match_a_direct_count(client, world, params):
    response = client.get(ORGANIZATIONS, params)
    assert response.status_code == 200
    results = Organization.objects.filter(pk__in=[o.pk for o in response.context["object_list"]])
    assert response.context["paginator"].count == results.count()
    values = facet_values(response)
    assert values or not results.exists()
    for kind, value in values:
        code = None if kind == "sme" else (code_of(value) if not value.selected else None)
        if value.selected:
            continue  # its link takes it away
        assert value.count == direct_organizations(results, kind, code), (kind, code)
        if kind not in params:  # (a second value of a kind widens the search: "any of")
            # Choosing it leaves as many results as it says.
            chosen = client.get(ORGANIZATIONS + value.url)
            assert chosen.context["paginator"].count == value.count, (kind, value.url)


@pytest.mark.parametrize("params", SEARCHES[:5])
def test_project_facet_counts_match_a_direct_count(client, world, params):
    response = client.get(PROJECTS, params)
    assert response.status_code == 200
    results = Project.objects.filter(pk__in=[p.pk for p in response.context["object_list"]])
    assert response.context["paginator"].count == results.count()
    for kind, value in facet_values(response, SUBJECTS):
        if value.selected:
            continue
        assert value.count == direct_projects(results, kind, code_of(value)), value
        if kind not in params:
            chosen = client.get(PROJECTS + value.url)
            assert chosen.context["paginator"].count == value.count, (kind, value.url)


def test_facets_name_fields_and_parts_and_show_every_kind(client, world):
    response = client.get(ORGANIZATIONS)
    labels = {kind: [v.label for v in facet.values] for kind, facet in _by_name(response)}
    assert labels["field"] == ["medical and health sciences", "natural sciences"]
    assert set(labels["subfield"]) == {"clinical medicine", "health sciences", "chemical sciences"}
    assert labels["programme"] == ["Horizon Europe", "Horizon 2020"]
    assert labels["programme_part"] == ["Health", "Climate, Energy"]  # own parts only
    assert LONG_TITLE in labels["topic"]
    assert labels["sme"] == ["SME"]
    assert "Field of science, next level" in response.text


def _by_name(response):
    return [(facet.name, facet) for facet in response.context["facets"]]


def test_the_next_level_shows_the_fields_under_the_chosen_ones(client, world):
    response = client.get(ORGANIZATIONS, {"field": "/23"})
    subfields = dict(_by_name(response))["subfield"]
    assert [v.label for v in subfields.values] == ["chemical sciences"]


def test_values_of_one_kind_are_any_of_them_and_kinds_all_hold(client, world):
    def names(params):
        response = client.get(ORGANIZATIONS, params)
        return sorted(o.name for o in response.context["object_list"])

    assert names({"topic": "HORIZON-CL5-H2"}) == ["Both Ways", "Hydro Lab"]
    assert names({"topic": ["HORIZON-CL5-H2", "ERC-2021-STG"]}) == [
        "Both Ways",
        "Hydro Lab",
        "Onco Institute",
        "Quiet GmbH",
    ]
    assert names({"topic": "ERC-2021-STG", "programme": "H2020"}) == [
        "Onco Institute",
        "Quiet GmbH",
    ]
    assert names({"field": "/23", "country": "FR"}) == ["Onco Institute"]
    assert names({"programme_part": "HORIZON.2"}) == []  # nobody's own part


def test_chosen_subjects_stay_in_page_links_the_form_and_exports(client, world):
    for _ in range(25):
        make_participation(Project.objects.get(topics__code="HORIZON-CL5-H2"), make_organization())
    refresh_subjects(Organization.objects.values_list("pk", flat=True))
    params = {"topic": "HORIZON-CL5-H2", "field": "/23", "sort": "name"}

    response = client.get(ORGANIZATIONS, params)

    assert response.context["paginator"].count == 27
    assert "topic=HORIZON-CL5-H2" in response.context["export_query"]
    assert 'type="hidden" name="topic" value="HORIZON-CL5-H2"' in response.text
    next_page = re.search(r'rel="next" href="([^"]+)"', response.text)[1]
    assert parse_qs(unescape(next_page).lstrip("?")) == {
        **{name: [value] for name, value in params.items()},
        "page": ["2"],
    }
    export = client.get(reverse("organizations:export", kwargs={"fmt": "csv"}), params)
    assert b"".join(export.streaming_content).decode().count("\n") == 27 + 1


def test_without_results_the_chosen_subjects_can_be_taken_away(client, world):
    response = client.get(ORGANIZATIONS, {"topic": "HORIZON-CL5-H2", "country": "IT"})
    assert response.context["paginator"].count == 0
    (topic,) = dict(_by_name(response))["topic"].values
    assert (topic.label, topic.count, topic.selected) == ("Hydrogen valleys", 0, True)
    assert "topic" not in topic.url


def test_a_chosen_subject_none_of_the_results_has_is_named_with_0(client, world):
    # Italy's one organization has the ERC topic, not the hydrogen one: the results' top
    # subjects (named in their query) lack it, and it is named from its own table.
    params = {"topic": ["HORIZON-CL5-H2", "ERC-2021-STG"], "country": "IT"}
    response = client.get(ORGANIZATIONS, params)
    assert response.context["paginator"].count == 1
    topics = {v.label: (v.count, v.selected) for v in dict(_by_name(response))["topic"].values}
    assert topics == {"ERC starting grant": (1, True), "Hydrogen valleys": (0, True)}


def test_a_sampled_count_is_scaled_by_the_share_of_the_sample(client, monkeypatch):
    # Five organizations with one topic, counted over every third by id: the sample holds
    # two of them (ids 3k and 3k + 3), not 5/3. All of the sample has the shared topic:
    # all 5 results, not 2 x 3 = 6. One of the two has a rarer one: 5 x 1/2 = 2.5, 2.
    shared = Topic.objects.create(code="HORIZON-X-1", title="Shared topic")
    rarer = Topic.objects.create(code="HORIZON-X-2", title="Rarer topic")
    while make_organization(name="Filler").pk % 3 != 2:
        pass
    project, other = make_project(), make_project()
    project.topics.set([shared])
    other.topics.set([shared, rarer])
    for n in range(5):
        make_participation(other if n == 0 else project, make_organization(name=f"Shared {n}"))
    refresh_subjects(Organization.objects.values_list("pk", flat=True))
    monkeypatch.setattr(subject_facets, "SUBJECT_EXACT_MAX", 2)
    response = client.get(ORGANIZATIONS, {"topic": "HORIZON-X-1"})
    assert response.context["paginator"].count == 5
    topics = {v.label: (v.count, v.estimated) for v in dict(_by_name(response))["topic"].values}
    assert topics == {"Shared topic": (5, True), "Rarer topic": (2, True)}


def test_past_the_threshold_counts_are_estimated_and_say_so(client, world, monkeypatch):
    monkeypatch.setattr(subject_facets, "SUBJECT_EXACT_MAX", 2)
    response = client.get(ORGANIZATIONS)
    programme = dict(_by_name(response))["programme"]
    assert all(value.estimated for value in programme.values)
    assert "about " in response.text
    exact = dict(_by_name(response))["country"]
    assert not any(value.estimated for value in exact.values)


def test_a_search_past_the_threshold_estimates_its_subjects_from_a_sample(
    client, world, monkeypatch
):
    # A search's subjects are sampled through the evidence's sample index (every second
    # organization by id here): the counts are the sample's times two, said "about".
    monkeypatch.setattr(subject_facets, "SUBJECT_EXACT_MAX", 1)
    response = client.get(ORGANIZATIONS, {"q": "oncology"})
    found = [o.pk for o in response.context["object_list"]]
    assert len(found) > 1
    field = dict(_by_name(response))["field"]
    assert all(value.estimated for value in field.values)
    # The number of results was counted, not sampled: it does not say "about".
    assert not response.context["count_estimated"]
    assert f"{len(found)} organizations" in response.text
    sampled = [pk for pk in found if pk % 2 == 0]
    medicine = OrganizationSubject.objects.filter(organization__in=sampled, code="/21").count()
    assert [v.count for v in field.values if v.label == "medical and health sciences"] == (
        [2 * medicine] if medicine else []
    )


def test_a_search_of_few_busy_organizations_estimates_its_subjects_from_a_sample(
    client, world, monkeypatch
):
    # Two results, under SUBJECT_EXACT_MAX, but with 5 projects past SUBJECT_EXACT_PROJECTS
    # (3): their subject rows are what costs, so the subjects are sampled (every second
    # organization by id: the power of two that brings 5 projects within 3), said "about".
    monkeypatch.setattr(subject_facets, "SUBJECT_EXACT_PROJECTS", 3)
    refresh_figures(Organization.objects.all())
    response = client.get(ORGANIZATIONS, {"q": "oncology"})
    found = response.context["object_list"]
    assert sorted(o.name for o in found) == [
        "Both Ways",
        "Onco Institute",
    ]  # made one after the other
    assert sum(o.project_count for o in found) == 5
    (sampled,) = [o.pk for o in found if o.pk % 2 == 0]
    assert not response.context["count_estimated"]
    assert "2 organizations" in response.text
    fields = dict(_by_name(response))["field"].values
    assert fields and all(value.estimated for value in fields)
    expected = OrganizationSubject.objects.filter(organization=sampled, kind="field")
    assert {(v.label, v.count) for v in fields} == {
        (FieldOfScience.objects.get(code=s.code).title, 2) for s in expected
    }


@pytest.mark.parametrize(
    "count, projects, step",
    [(1000, 3000, 1), (1001, 0, 2), (10, 3001, 2), (10, 9001, 4), (3000, 100, 4)],
)
def test_the_subject_sample_step_keeps_results_and_their_projects_within_the_thresholds(
    count, projects, step
):
    assert organization_facets.SUBJECT_EXACT_MAX == 1000
    assert organization_facets.SUBJECT_EXACT_PROJECTS == 3000
    assert organization_facets.subject_step_of(count, projects) == step
    assert organization_facets.subject_step_of(10**9, 0) == organization_facets.SAMPLES


@pytest.mark.parametrize(
    "params, error",
    [
        ({"field": "/21/1"}, "is not a code such as /29"),
        ({"subfield": "/21"}, "is not a code such as /29/97"),
        ({"programme": "H 2020"}, "is not a code such as H2020"),
        ({"topic": "<script>"}, "is not a code such as ERC-2021-STG"),
        ({"programme_part": "x" * 200}, "is not a code such as HORIZON.2.1"),
        ({"topic": [f"T-{n}" for n in range(11)]}, "Choose at most 10"),
    ],
)
@pytest.mark.parametrize("page", [ORGANIZATIONS, PROJECTS])
def test_bad_codes_are_form_errors(client, world, page, params, error):
    if page == PROJECTS and "programme" in params:
        error = "Select a valid choice"  # the projects page lists the programmes
    response = client.get(page, params)
    assert response.status_code == 400
    assert error in response.text
    assert "&lt;script&gt;" not in response.text or "<script>" not in response.text
    assert list(response.context["object_list"]) == []


# The count with the other facets; the subjects, named in the same query (their titles
# take one more only for chosen values that no result has); the page; and, the results being
# few, whether any project has a keyword (none here: no keyword facet to count).
ORGANIZATION_QUERIES = 3 + 1
# The programme choices; the count; the pks counted; their programmes, parts and topics;
# their fields; the titles; the page.
PROJECT_QUERIES = 7
NEW_FILTERS = {"field": "/21", "programme": "HORIZON", "topic": ["HORIZON-HLTH-1", "ERC-2021-STG"]}


@pytest.mark.parametrize("params", [{}, NEW_FILTERS, {**NEW_FILTERS, "subfield": "/21/1"}])
@pytest.mark.parametrize(
    "page, queries", [(ORGANIZATIONS, ORGANIZATION_QUERIES), (PROJECTS, PROJECT_QUERIES)]
)
def test_query_counts_with_and_without_the_new_filters(
    client, world, django_assert_num_queries, page, queries, params
):
    with django_assert_num_queries(queries):
        first = client.get(page, params)
    more = []
    for _ in range(30):
        project = make_project(framework_programme="HORIZON")
        project.fields_of_science.set(FieldOfScience.objects.filter(code="/21/1/5"))
        project.topics.set(Topic.objects.filter(code="ERC-2021-STG"))
        more.append(make_participation(project, make_organization()).organization_id)
    refresh_subjects(more)
    with django_assert_num_queries(queries):
        response = client.get(page, params)
    assert response.context["paginator"].count >= first.context["paginator"].count + 30


def test_the_stored_subjects_are_the_projects_counted(world):
    """refresh_subjects stores, per organization, each subject's number of projects."""
    expected = Counter()
    rows = Project.participations.rel.related_model.objects.values_list(
        "organization_id", "project_id"
    )
    for organization, project_pk in rows:
        project = Project.objects.get(pk=project_pk)
        subjects = {("programme", project.framework_programme)}
        for code in project.fields_of_science.values_list("code", flat=True):
            subjects.update(field_levels(code))
        subjects.update(("topic", code) for code in project.topics.values_list("code", flat=True))
        own = project.projectprogrammepart_set.filter(is_unique=True)
        subjects.update(("programme_part", p.programme_part.code) for p in own)
        for kind, code in subjects:
            expected[organization, kind, code] += 1
    stored = Counter(
        {
            (o, kind, code): n
            for o, kind, code, n in OrganizationSubject.objects.values_list(
                "organization_id", "kind", "code", "projects"
            )
        }
    )
    assert stored == expected
    assert stored[world[2].pk, "subfield", "/21/1"] == 1  # two fields under it: once


def test_the_import_stores_the_subjects_of_the_horizon_dump(horizon_database):
    """The import's subjects of the real HORIZON data: the organizations per top-level field
    and per programme part, as counted from the projects directly."""
    stored = dict(
        horizon_database.query(
            "SELECT kind || ' ' || code, COUNT(*) FROM organizations_organizationsubject "
            "WHERE kind IN ('field', 'programme_part') GROUP BY kind, code"
        )
    )
    links = horizon_database.query(
        "SELECT DISTINCT p.organization_id, f.code FROM projects_participation p "
        "JOIN projects_project_fields_of_science pf ON pf.project_id = p.project_id "
        "JOIN projects_fieldofscience f ON f.id = pf.fieldofscience_id"
    )
    by_field = defaultdict(set)
    for organization, code in links:
        by_field["field " + field_levels(code)[0][1]].add(organization)
    parts = horizon_database.query(
        "SELECT 'programme_part ' || pp.code, COUNT(DISTINCT p.organization_id) "
        "FROM projects_participation p JOIN projects_projectprogrammepart ppp "
        "ON ppp.project_id = p.project_id AND ppp.is_unique "
        "JOIN projects_programmepart pp ON pp.id = ppp.programme_part_id GROUP BY pp.code"
    )
    expected = {name: len(organizations) for name, organizations in by_field.items()}
    expected.update(dict(parts))
    assert len(by_field) >= 5 and len(parts) >= 10
    assert stored == expected


@pytest.mark.parametrize(
    "changes", [{}, {"country": ["FR", "DE"]}, {"topic": []}, {"q": ["a b+c/é"]}]
)
def test_facet_links_write_their_query_strings_as_urlencode(changes):
    from urllib.parse import urlencode

    from organizations.facets.values import with_params

    params = [("q", 'cancer & <b> "x" é'), ("country", "DE"), ("topic", "H-1/X"), ("sme", "on")]
    kept = [(name, value) for name, value in params if name not in changes]
    added = [(name, value) for name, values in changes.items() for value in values]
    assert with_params(params, **changes) == "?" + urlencode(kept + added)
