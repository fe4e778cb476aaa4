"""The profile page publishes every section of the reference profile (GPOH), in its order."""

from decimal import Decimal
from pathlib import Path

import django_countries
import pytest
from django.core.management import call_command
from django.utils import translation
from django_countries.fields import Country

from base.templatetags.formatting import country_name, euro, euro_short
from organizations.models import PROFILE_PROJECTS, Capability, ExpertiseArea, Organization
from organizations.stats import refresh_figures
from portal import demo
from projects.models import Keyword, Participation, Project
from tests.factories import (
    Page,
    make_capability,
    make_expertise,
    make_note,
    make_organization,
    make_participation,
    make_portfolio,
)

GPOH_URL = "/organizations/gpoh/"

# The reference profile's sections, in its order (reference/gpoh-profile.txt).
SECTIONS = [
    "What they do",
    "Core expertise",
    "Evolution & trajectory",
    "Collaboration profile",
    "Why partner with them",
    "Notable projects",
    "Cross-sector capabilities",
    "Analysis note",
]


@pytest.fixture
def gpoh_page(db, client):
    call_command("load_demo")
    response = client.get(GPOH_URL)
    assert response.status_code == 200
    return Page.of(response)


def text_between(page, start, end):
    """The page's text from `start` up to (not including) `end`."""
    text = page.text
    return text[text.index(start) : text.index(end)]


def test_sections_follow_the_reference_order(gpoh_page):
    assert gpoh_page.titles("h1") == ["GPOH"]
    # The reference ends with the analysis note; the page may add lists after it.
    assert gpoh_page.titles("h2")[: len(SECTIONS)] == SECTIONS


def test_header(gpoh_page):
    header = text_between(gpoh_page, "Organization GPOH", "Projects 2")
    assert header == (
        f"Organization GPOH GPOH GEMEINNUTZIGE GMBH {demo.GPOH['tagline']} "
        "Berlin, Germany NGO / Association Health "
    )


def test_headline_figures(gpoh_page):
    figures = text_between(gpoh_page, "Projects 2", "What they do")
    # Every programme's projects, and how many in each (from the data).
    assert figures.startswith(
        "Projects 2 Horizon 2020 2 · Horizon Europe 0 As coordinator 0 "
        "Total EC funding €842K Unique partners 57"
    )
    assert "Entered by the editors." in figures


def test_what_they_do(gpoh_page):
    section = text_between(gpoh_page, "What they do", "Core expertise")
    assert "Their core work" in section
    assert "Gesellschaft für Pädiatrische Onkologie und Hämatologie" in section
    # Markdown emphasis is rendered, not shown as asterisks.
    assert "<em>Gesellschaft für Pädiatrische Onkologie und Hämatologie</em>" in gpoh_page.html


# (name, level, projects) of the reference's expertise cards, in their order.
EXPERTISE = [
    ("Pediatric hematological malignancies", "Primary", "2 projects"),
    ("Real-world patient data and clinical registries", "Primary", "2 projects"),
    ("Hematology big data analytics and digital health outcomes", "Secondary", "2 projects"),
    ("Translational medicine and molecular genetics", "Emerging", "1 project"),
    (
        "Rare hematological disorders (MDS, myeloproliferative, lymphoproliferative)",
        "Secondary",
        "2 projects",
    ),
]


def test_core_expertise_cards(gpoh_page):
    assert gpoh_page.titles("h3")[:5] == [name for name, _, _ in EXPERTISE]
    section = text_between(gpoh_page, "Core expertise", "Evolution & trajectory")
    positions = [
        section.index(f"{name} {level} · {projects} ") for name, level, projects in EXPERTISE
    ]
    assert positions == sorted(positions)
    assert demo.EXPERTISE[3]["evidence"] in section


def test_expertise_cards_follow_their_order(client, db):
    organization = make_organization()
    for name, order in [("Second", 2), ("First", 1), ("Untouched A", 0), ("Untouched B", 0)]:
        make_expertise(organization, name=name, order=order)

    page = Page.of(client.get(organization.get_absolute_url()))

    assert page.titles("h3") == ["Untouched A", "Untouched B", "First", "Second"]


def test_evolution_and_trajectory(gpoh_page):
    section = text_between(gpoh_page, "Evolution & trajectory", "Collaboration profile")
    assert "Early focus Pediatric cancer patient data collection" in section
    assert "Recent focus Translational medicine and digital health outcomes" in section
    assert "HARMONY PLUS (2020–2024)" in section
    assert "Once a national supplier of clinical data" in section


def test_collaboration_profile(gpoh_page):
    section = text_between(gpoh_page, "Collaboration profile", "Why partner with them")
    assert "Role: Specialist contributor" in section
    assert "Reach: European" in section
    assert "13 countries collaborated" in section
    assert "57 distinct consortium partners" in section


def test_why_partner_notable_projects_capabilities_and_note(gpoh_page):
    why = text_between(gpoh_page, "Why partner with them", "Notable projects")
    assert "the obvious German anchor" in why

    notable = text_between(gpoh_page, "Notable projects", "Cross-sector capabilities")
    assert notable.index("HARMONY €751,855") < notable.index("HARMONY PLUS")
    assert "The flagship" in notable

    capabilities = text_between(gpoh_page, "Cross-sector capabilities", "Analysis note")
    for name in demo.CAPABILITIES:
        assert name in capabilities

    note = text_between(gpoh_page, "Analysis note", "Profile last updated")
    assert "Thin evidence" in note


def test_an_empty_section_is_left_out(client, db):
    organization = make_organization(name="Only A Name")

    page = Page.of(client.get(organization.get_absolute_url()))

    assert page.titles("h1") == ["Only A Name"]
    for title in SECTIONS:
        assert title not in page.titles("h2")
    assert page.titles("h2") == []


def test_a_section_with_content_is_shown_alone(client, db):
    organization = make_organization(why_partner="They hold the registry.")

    page = Page.of(client.get(organization.get_absolute_url()))

    assert page.titles("h2") == ["Why partner with them"]


def test_computed_figures_say_where_they_come_from(client, db):
    organization = make_organization(project_count=3)

    page = Page.of(client.get(organization.get_absolute_url()))

    assert "Computed from 3 projects." in page.text
    assert "Entered by the editors." not in page.text


def test_large_figures_are_grouped_by_thousands(client, db):
    organization = make_organization(
        project_count=2607, coordinator_count=1258, partner_count=16647
    )

    text = Page.of(client.get(organization.get_absolute_url())).text

    assert "2,607" in text and "1,258" in text and "16,647" in text
    assert "2607" not in text


# The demo -----------------------------------------------------------------------------------


def counts():
    return [
        model.objects.count()
        for model in (Organization, Project, Participation, Keyword, Capability, ExpertiseArea)
    ]


def test_demo_is_safe_to_run_twice(db):
    call_command("load_demo")
    first = counts()
    Organization.objects.filter(slug="gpoh").update(why_partner="Edited by an editor.")

    call_command("load_demo")

    assert counts() == first == [1, 2, 2, 14, 3, 5]
    assert Organization.objects.get(slug="gpoh").why_partner == "Edited by an editor."


def test_demo_participations_add_up_to_the_headline_funding(db):
    call_command("load_demo")
    gpoh = Organization.objects.get(slug="gpoh")

    total = sum(p.ec_contribution for p in gpoh.participations.all())

    assert total == gpoh.total_ec_funding == Decimal("842000")


# Query counts -------------------------------------------------------------------------------

# For an anonymous visitor (no session), on a profile with no list editors write and no
# more projects than its table shows: the organization (with its stored computed sections,
# if any, and whether it has each list), the newest participations (with their projects and
# programmes, which the projects per programme are counted from), its partners (with their
# countries) and the dumps the computed sections come from. Most organizations, imported and
# never curated, have such profiles.
PROFILE_QUERIES_UNCURATED = 4
# A query for each list editors write, where the organization has one: expertise areas
# (with their project counts), capabilities, analysis notes, notable participations.
EDITORS_LISTS = 4
PROFILE_QUERIES_STORED = PROFILE_QUERIES_UNCURATED + EDITORS_LISTS
# Without stored sections (a profile no import has touched), they are counted from its
# projects: participations, topics, fields of science, programme parts.
PROFILE_QUERIES = PROFILE_QUERIES_STORED + 4


def programmes_query(projects):
    """With more projects than the table shows, its projects per programme are counted in a
    query of their own (one whatever their number)."""
    return 1 if projects > PROFILE_PROJECTS else 0


def build_profile(size):
    organization = make_organization(
        name="Big", core_work="Work.", why_partner="Why.", trajectory="Then and now."
    )
    make_portfolio(organization, size)
    for _ in range(2):
        make_note(organization)
    organization.capabilities.set([make_capability(), make_capability()])
    partner = make_organization()
    for participation in organization.participations.all()[:2]:
        make_participation(project=participation.project, organization=partner)
    return organization


@pytest.mark.parametrize("size", [2, 200])
def test_profile_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    organization = build_profile(size)

    with django_assert_num_queries(PROFILE_QUERIES + programmes_query(size)):
        response = client.get(organization.get_absolute_url())

    page = Page.of(response)
    assert len(page.find_all("li", **{"class": "card card--expertise"})) == size
    assert len(page.find_all("li", **{"class": "notable__item"})) == size
    assert "1 shared project" not in page.text and "2 shared projects" in page.text


def projects_table(page):
    """The "Projects" section of a profile page (the computed sections have tables too)."""
    return Page(page.html.split('id="projects"', 1)[1].split("</section>", 1)[0])


@pytest.mark.parametrize("size", [2, 200])
def test_a_profile_with_stored_sections_makes_fewer_queries(
    client, db, django_assert_num_queries, size
):
    from organizations.sections import refresh_sections

    organization = build_profile(size)
    refresh_sections([organization.pk])

    with django_assert_num_queries(PROFILE_QUERIES_STORED + programmes_query(size)):
        response = client.get(organization.get_absolute_url())

    assert "2 shared projects" in Page.of(response).text


def test_a_profile_without_editors_lists_makes_none_of_their_queries(
    client, db, django_assert_num_queries
):
    from organizations.sections import refresh_sections

    organization = make_organization(name="Imported")
    make_participation(organization=organization)
    refresh_sections([organization.pk])

    with django_assert_num_queries(PROFILE_QUERIES_UNCURATED):
        response = client.get(organization.get_absolute_url())

    ids = {attributes.get("id") for _, attributes in Page.of(response).elements}
    assert "projects" in ids
    assert not ids & {"expertise", "notable-projects", "capabilities", "analysis-note"}


def test_a_busy_profile_lists_its_newest_projects_and_links_to_all(client, db):
    organization = make_organization(name="Busy")
    make_portfolio(organization, PROFILE_PROJECTS + 5)

    response = client.get(organization.get_absolute_url())
    page = Page.of(response)
    assert len(projects_table(page).find_all("tr")) == 1 + PROFILE_PROJECTS  # header, projects
    newest = organization.participations.order_by("-project__start_date", "project__acronym")
    shown = [project.url for project in response.context["projects"]]
    assert shown == [p.project.get_absolute_url() for p in newest[:PROFILE_PROJECTS]]
    # Every notable project is still shown, among the newest or not.
    assert len(page.find_all("li", **{"class": "notable__item"})) == PROFILE_PROJECTS + 5

    assert f"Showing the newest {PROFILE_PROJECTS} projects. See all projects of Busy" in page.text
    [link] = [a["href"] for a in page.find_all("a") if "organization=" in a.get("href", "")]
    assert client.get(link).context["paginator"].count == PROFILE_PROJECTS + 5


def test_a_small_profile_lists_all_its_projects(client, db):
    organization = make_organization(name="Small")
    make_portfolio(organization, 3)
    page = Page.of(client.get(organization.get_absolute_url()))
    assert len(projects_table(page).find_all("tr")) == 1 + 3
    assert "See all projects" not in page.text


def test_demo_profile_query_count(client, db, django_assert_num_queries):
    call_command("load_demo")
    projects = Organization.objects.get(slug="gpoh").participations.count()

    with django_assert_num_queries(PROFILE_QUERIES + programmes_query(projects)):
        response = client.get(GPOH_URL)

    assert response.status_code == 200


# Money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (842000, "€842K"),
        (Decimal("842000.00"), "€842K"),
        ("842000", "€842K"),
        (0, "€0"),
        (950, "€950"),
        (999, "€999"),
        (1000, "€1K"),
        (1234567, "€1.2M"),
        (9_949, "€9.9K"),
        (999_950, "€1M"),  # rounds into the next unit, not "€1000K"
        (999.6, "€1K"),
        (12_000_000, "€12M"),
        (2_500_000_000, "€2.5B"),
        (-842000, "-€842K"),
        (None, ""),
        ("", ""),
        ("not money", ""),
        ("NaN", ""),
        ("Infinity", ""),
    ],
)
def test_euro_short(amount, text):
    assert euro_short(amount) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (751855, "€751,855"),
        (Decimal("751855.00"), "€751,855"),
        (Decimal("90145.50"), "€90,146"),
        (0, "€0"),
        (1234567890, "€1,234,567,890"),
        (-1500, "-€1,500"),
        (None, ""),
        ("n/a", ""),
        ("NaN", ""),
    ],
)
def test_euro(amount, text):
    assert euro(amount) == text


# Country names ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["DE", "GB", "CZ", "TR", "KR", "", "XX"])
def test_country_name_is_the_name_django_countries_gives(code):
    assert country_name(Country(code)) == Country(code).name
    assert country_name(code) == Country(code).name
    with translation.override("de"):
        assert country_name(code) == Country(code).name  # kept per language


def test_kosovo_has_a_name_and_a_flag(client, db):
    # CORDIS writes XK; ISO 3166-1 has no code for Kosovo (settings.COUNTRIES_OVERRIDE).
    assert country_name("XK") == Country("XK").name == "Kosovo"
    flag = Path(django_countries.__file__).parent / "static" / "flags" / "xk.gif"
    assert Country("XK").flag.endswith("flags/xk.gif") and flag.exists()
    organization = make_organization(name="Prishtina Lab", country="XK", city="Pristina")

    page = Page.of(client.get(organization.get_absolute_url()))
    assert "Pristina, Kosovo" in page.text


# Amounts CORDIS does not publish -----------------------------------------------------------


def test_a_contribution_cordis_does_not_publish_reads_not_published(client, db):
    organization = make_organization(name="Partial")
    unpublished = make_participation(organization=organization, ec_contribution=None)
    make_participation(organization=organization, ec_contribution="250000")
    make_participation(organization=organization, ec_contribution="0")  # published: €0
    Participation.objects.filter(pk=unpublished.pk).update(notable_rank=1)
    refresh_figures(Organization.objects.filter(pk=organization.pk))

    page = Page.of(client.get(organization.get_absolute_url()))
    projects = text_between(page, "EC contribution", "Profile last updated")
    assert projects.count("not published") == 1 and "€250,000" in projects
    assert projects.count("€0 ") == 1  # the published zero, and only it
    assert (
        "CORDIS publishes the EC contribution for 2 of its 3 projects: the total EC funding, "
        "€250K, is summed over those."
    ) in page.text
    notable = text_between(page, "Notable projects", "Participations recorded in CORDIS")
    assert unpublished.project.acronym in notable and "not published" in notable

    card = Page.of(client.get("/organizations/?q=Partial"))
    assert "3 projects · €250K EC funding over 2 of 3 projects" in card.text


def test_a_total_summed_over_every_project_says_nothing_more(client, db):
    organization = make_organization(name="Complete")
    make_participation(organization=organization, ec_contribution="1000")
    refresh_figures(Organization.objects.filter(pk=organization.pk))
    card = Page.of(client.get("/organizations/?q=Complete"))
    assert "1 project · €1K EC funding" in card.text and "over" not in card.text
    page = Page.of(client.get(organization.get_absolute_url()))
    assert "CORDIS publishes the EC contribution" not in page.text


def test_a_card_without_any_published_contribution_says_so(client, db):
    organization = make_organization(name="Unpublished")
    make_participation(organization=organization, ec_contribution=None)
    refresh_figures(Organization.objects.filter(pk=organization.pk))
    card = Page.of(client.get("/organizations/?q=Unpublished"))
    assert "1 project · EC funding not published" in card.text and "€0" not in card.text
