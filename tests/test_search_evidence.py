"""Search by what an organization's projects are about: ranking, why it matched, evidence
kept current. Runs on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from organizations.models import Curation, Organization, SearchEvidence
from organizations.search import search_organizations
from organizations.search.evidence import refresh_search
from projects.models import FieldOfScience, ProgrammePart, ProjectProgrammePart, Topic
from tests.factories import make_organization, make_participation, make_project

LIST = reverse("organizations:list")


def field(title):
    return FieldOfScience.objects.create(code=f"/{title}", title=title, path=f"/{title}")


def project_in(*fields, **kwargs):
    project = make_project(**kwargs)
    project.fields_of_science.set(fields)
    return project


def results(client, q, **params):
    response = client.get(LIST, {"q": q, **params})
    assert response.status_code == 200, response.content[:500]
    return response


def found(client, q, **params):
    return [o.slug for o in results(client, q, **params).context["object_list"]]


@pytest.fixture
def oncology(db):
    """Organizations found for "oncology" in each way: by name, by tagline, by 1 and by 3
    projects in the field (the projects' acronyms and titles say nothing of it)."""
    oncology = field("oncology")
    by_name = make_organization(name="Oncology Centre Nord")
    by_text = make_organization(name="Alpha Clinic", tagline="Oncology and haematology.")
    by_one = make_organization(name="Beta Institute")
    by_three = make_organization(name="Gamma University")
    make_organization(name="Delta Works")  # nothing to do with it
    for n in range(3):
        project = project_in(oncology, acronym=f"ONC{n}", title=f"Study {n}")
        make_participation(project, by_three)
        if n == 0:
            make_participation(project, by_one)
    return {"name": by_name, "text": by_text, "one": by_one, "three": by_three}


def test_name_then_own_text_then_more_matching_projects(client, oncology):
    expected = [oncology[key].slug for key in ["name", "text", "three", "one"]]
    assert found(client, "oncology") == expected


def test_the_name_tier_needs_every_word_of_the_query(client, db):
    """ "hydrogen aviation": an organization with both words in its name first; one with a
    single word in its name and little evidence below the one with more projects on both."""
    hydrogen, aviation = field("hydrogen"), field("aviation")
    both_in_name = make_organization(name="Hydrogen Aviation Lab")
    one_in_name = make_organization(name="Small Aviation Services")
    centre = make_organization(name="Aerospace Centre")
    make_participation(project_in(hydrogen, aviation, acronym="H2AIR"), one_in_name)
    for n in range(3):
        make_participation(project_in(hydrogen, aviation, acronym=f"FLY{n}"), centre)
    refresh_search(Organization.objects.values_list("pk", flat=True))

    assert found(client, "hydrogen aviation") == [
        both_in_name.slug,
        centre.slug,
        one_in_name.slug,
    ]
    # One word: the names with it come first (more projects on it first), then the rest.
    assert found(client, "aviation") == [one_in_name.slug, both_in_name.slug, centre.slug]


def test_the_card_says_why_it_matched(client, oncology):
    response = results(client, "oncology")
    why = {o.slug: o.why_matched for o in response.context["object_list"]}
    assert why[oncology["name"].slug] == "name"
    assert why[oncology["text"].slug] == "profile text"
    assert why[oncology["three"].slug] == "3 projects on oncology"
    assert why[oncology["one"].slug] == "1 project on oncology"
    assert "Matched: 3 projects on oncology" in response.text


def test_a_short_name_that_matches_is_said_to_be_the_name(client, oncology):
    """CORDIS's short name is often the English name of an organization whose name is in
    its own language: it ranks as a name, and the card says so."""
    polish = make_organization(
        name="Narodowy Instytut Onkologii", short_name="National Institute of Oncology"
    )
    make_participation(project_in(FieldOfScience.objects.get(title="oncology")), polish)
    refresh_search([polish.pk])

    response = results(client, "oncology")
    why = {o.slug: o.why_matched for o in response.context["object_list"]}
    assert why[polish.slug] == "name · 1 project on oncology"


def test_typos_and_accents_find_project_evidence(client, oncology):
    assert oncology["three"].slug in found(client, "oncolgy")
    assert oncology["three"].slug in found(client, "óncology")


def test_every_word_must_be_found_and_or_and_minus_apply(client, oncology):
    sensing = field("quantum sensing")
    make_participation(project_in(sensing), oncology["one"])
    assert found(client, "oncology quantum") == [oncology["one"].slug]
    assert found(client, "quantum sensing") == [oncology["one"].slug]
    assert oncology["one"].slug not in found(client, "oncology -quantum")
    assert set(found(client, "quantum or zzzz")) == {oncology["one"].slug}


@pytest.mark.parametrize(
    "q, alternatives",
    [
        ("oncology -quantum or haematology", ["oncology -quantum", "haematology"]),
        ("-quantum oncology or study", ["oncology -quantum", "study"]),
        ('"study 1" or quantum -oncology', ['"study 1"', "quantum -oncology"]),
        ("-oncology or quantum", ["-oncology", "quantum"]),  # one without a positive word
    ],
)
def test_alternatives_find_the_union_of_what_each_finds(client, oncology, q, alternatives):
    make_participation(project_in(field("quantum sensing")), oncology["one"])
    make_participation(project_in(field("quantum optics")), make_organization(name="Q Lab"))
    expected = set().union(*(found(client, alternative) for alternative in alternatives))
    assert expected
    assert set(found(client, q)) == expected


def test_topics_programme_parts_and_keywords_are_evidence(client, db):
    organization = make_organization(name="Plain Name")
    project = make_project(acronym="HYAV", title="HYAV")
    make_participation(project, organization)
    assert found(client, "aviation") == []
    project.topics.add(Topic.objects.create(code="T1", title="Hydrogen-powered aviation"))
    assert found(client, "hydrogen aviation") == [organization.slug]
    part = ProgrammePart.objects.create(code="HORIZON.2.5", title="Climate, Energy and Mobility")
    ProjectProgrammePart.objects.create(project=project, programme_part=part)
    assert found(client, "mobility") == [organization.slug]


def test_evidence_follows_edits_of_projects_and_participations(client, db):
    organization = make_organization(name="Plain Name")
    project = make_project(acronym="X", title="Cryogenic microscopy")
    participation = make_participation(project, organization)
    assert found(client, "cryogenic") == [organization.slug]
    project.title = "Volcano sampling"
    project.save()
    assert found(client, "cryogenic") == []
    assert found(client, "volcano") == [organization.slug]
    participation.delete()
    assert found(client, "volcano") == []


def test_refresh_rewrites_only_the_organizations_given(db):
    one, two = make_organization(name="One"), make_organization(name="Two")
    for organization in (one, two):
        make_participation(make_project(title="Robotics"), organization)
    SearchEvidence.objects.all().delete()
    assert refresh_search([one.pk]) == 1
    assert set(SearchEvidence.objects.values_list("organization", flat=True)) == {one.pk}
    assert SearchEvidence.objects.get(organization=one, word="robot").projects == 1


def test_drafts_found_through_projects_stay_hidden(client, oncology):
    Organization.objects.filter(pk=oncology["three"].pk).update(status="draft")
    assert oncology["three"].slug not in found(client, "oncology")


def test_searching_an_acronym_finds_its_members(client, db):
    organization = make_organization(name="Plain Name")
    make_participation(make_project(acronym="ZEBRAFISHNET", title="ZEBRAFISHNET"), organization)
    assert found(client, "zebrafishnet") == [organization.slug]


def test_filters_and_sorts_apply_to_evidence_results(client, oncology):
    Organization.objects.filter(pk=oncology["one"].pk).update(country="FR", project_count=9)
    assert found(client, "oncology", country="FR") == [oncology["one"].slug]
    assert found(client, "oncology", sort="projects")[0] == oncology["one"].slug


def test_drafted_text_finds_a_profile_only_once_reviewed(client, db):
    # Text drafted from data is hidden from the public until an editor reviews it: a search
    # finds the profile by its name, not by words only its drafted text has.
    drafted = make_organization(
        name="Nordlicht Labs", core_work="Brewing science: zymurgy.", curation=Curation.DRAFTED
    )
    assert found(client, "zymurgy") == []
    assert found(client, "nordlicht") == [drafted.slug]

    drafted.curation = Curation.CURATED
    drafted.save()
    assert found(client, "zymurgy") == [drafted.slug]


@pytest.mark.parametrize(
    "q",
    [
        "oncology",
        "imaging",
        "oncology imaging",
        "oncology or imaging",
        "study -oncology",
        '"study 1"',
    ],
)
def test_the_ranked_page_is_the_search_rank_order(client, oncology, q):
    # The page of a search sorted by relevance is read by search.ranked_page, which joins
    # each word's evidence once; exports and everything else order by the search_rank
    # alias. Both must give one order, page after page.
    imaging, oncology_field = field("imaging"), FieldOfScience.objects.get(title="oncology")
    for n in range(23):
        organization = make_organization(name=f"Lab {n:02}", project_count=n % 4)
        for k in range(n % 3 + 1):
            project = project_in(imaging, acronym=f"IMG{n}x{k}", title=f"Study {k}")
            make_participation(project, organization)
        if n % 5 == 0:
            make_participation(project_in(oncology_field), organization)
    everyone = Organization.objects.all()
    search = search_organizations(everyone, q)
    expected = list(
        search.organizations.order_by("-search_rank", "name", "pk").values_list("slug", flat=True)
    )
    assert len(expected) > 1
    shown = found(client, q)
    if len(expected) > 20:  # a page past the last shows the last one
        shown += found(client, q, page=2)
    assert shown == expected[:40]


@pytest.mark.parametrize("q", ["energy", "energy -solar", "energy or imaging"])
def test_a_widened_word_ranks_by_its_best_stem_page_after_page(client, db, q):
    """ "energy" also finds the known words containing it ("bioenergy", "energysystems"):
    an organization ranks by its best stem's row (its tier, then its projects on that stem),
    once, and the page (read stem by stem from the rank index) is the search_rank order."""
    energy, bioenergy = field("energy"), field("bioenergy")
    systems, solar = field("energysystems"), field("solar")
    named = make_organization(name="Bioenergy Institute")
    for n in range(26):
        organization = make_organization(name=f"Lab {n:02}", project_count=n % 3)
        for k in range(n % 4 + 1):
            make_participation(project_in(energy, acronym=f"E{n}x{k}"), organization)
        if n % 3 == 0:
            for k in range(n % 5 + 1):
                make_participation(project_in(bioenergy, acronym=f"B{n}x{k}"), organization)
        if n % 7 == 0:
            make_participation(project_in(systems, solar, acronym=f"S{n}"), organization)
    refresh_search(Organization.objects.values_list("pk", flat=True))
    search = search_organizations(Organization.objects.all(), q)
    assert len(search.alternatives[0][0].words[0]) == 3  # energy, bioenergy, energysystems
    expected = list(
        search.organizations.order_by("-search_rank", "name", "pk").values_list("slug", flat=True)
    )
    assert len(expected) == len(set(expected)) > 20
    assert expected[0] == named.slug  # a name match first
    assert found(client, q) + found(client, q, page=2) == expected[:40]


@pytest.fixture
def small_samples(monkeypatch):
    """The facets' sample taken from ten matches on, of about ten, however few it finds."""
    from organizations import facets

    monkeypatch.setattr(facets, "SAMPLE_FROM", 10)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 10)
    monkeypatch.setattr(facets, "MIN_SAMPLED", 1)


def test_past_the_real_last_page_of_an_estimated_count_the_last_page_shows(
    client, db, small_samples
):
    """A count estimated from a sample (every fourth organization by id here) can exceed the
    real one; a page past the real last page shows that page, counted exactly, not an empty
    page under "about 120 organizations"."""

    for n in range(120):
        organization = make_organization(name=f"Lab {n:03}")
        if organization.pk % 4 == 0 or n < 10:  # the sample holds 30, the results 40
            organization.name = f"Robotics Lab {n:03}"
            organization.save()
    real = Organization.objects.filter(name__startswith="Robotics").count()
    first = results(client, "robotics")
    assert first.context["count_estimated"]
    assert first.context["paginator"].count > real + 20  # pages past the real ones

    last = results(client, "robotics", page=5)
    assert not last.context["count_estimated"]
    assert last.context["paginator"].count == real
    assert last.context["page_obj"].number == 2
    shown = [o.name for o in last.context["object_list"]]
    assert len(shown) == real - 20 and all(name.startswith("Robotics") for name in shown)
    assert (
        f"{real} organizations" in last.text
        and "about" not in last.text.split('class="result-count"')[1].split("</p>")[0]
    )


def test_near_the_end_of_an_underestimated_count_the_last_results_can_be_reached(
    client, db, small_samples
):
    """A sample can also hold fewer than its share (3 of the results here, which a step of
    4 makes "about 12", of 48): the pages near the estimate's end are counted exactly, and
    the results past it are reached."""

    sampled = 0
    for n in range(60):
        organization = make_organization(name=f"Lab {n:03}")
        if organization.pk % 4 or sampled < 3:
            sampled += organization.pk % 4 == 0
            organization.name = f"Robotics Lab {n:03}"
            organization.save()
    real = Organization.objects.filter(name__startswith="Robotics").count()
    first = results(client, "robotics")
    assert first.context["count_estimated"]
    assert first.context["paginator"].count < real - 20  # fewer pages than the real ones

    last = results(client, "robotics", page=3)
    assert not last.context["count_estimated"]
    assert (last.context["paginator"].count, last.context["page_obj"].number) == (real, 3)
    assert len(last.context["object_list"]) == real - 40


def test_a_search_with_many_matches_is_counted_over_a_sample(
    client, db, monkeypatch, small_samples
):
    # Past facets.SAMPLE_FROM matches (bounded from the evidence index), the count and the
    # facets come from every step-th organization by id and say "about"; the page itself
    # is the real first page.
    from organizations import facets

    for n in range(40):
        make_organization(name=f"Robotics Lab {n:02}", country="DE" if n % 2 else "FR")
    response = results(client, "robotics")
    assert "about" in response.text.split('class="result-count"')[1].split("</p>")[0]
    assert 10 <= response.context["paginator"].count <= 80
    assert len(response.context["object_list"]) == 20
    names = [o.name for o in response.context["object_list"]]
    assert names == [f"Robotics Lab {n:02}" for n in range(20)]  # ties: by name
    country = next(f for f in response.context["facets"] if f.name == "country")
    assert all(value.count_text.startswith("about ") for value in country.values)

    monkeypatch.setattr(facets, "SAMPLE_FROM", 1000)  # below it: exact
    response = results(client, "robotics")
    assert response.context["paginator"].count == 40
