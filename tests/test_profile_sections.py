"""The profile's computed sections (organizations/sections.py): fields of activity, activity
over time, programmes and topics, collaboration in figures; built from made-up projects here,
and from the real HORIZON dump in test_profile_sections_horizon.py."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from base.charts import column_chart
from organizations.sections import call_year, computed_sections, field_at_depth
from projects.models import CordisDump, FieldOfScience, ProgrammePart, Topic
from tests.factories import Page, make_organization, make_participation, make_project

pytestmark = pytest.mark.django_db

COMPUTED = ["Fields of activity", "Activity over time", "Programmes and topics"]
COMPUTED += ["Collaboration in figures"]


def field(code, path):
    return FieldOfScience.objects.get_or_create(
        code=code, defaults={"path": path, "title": path.rsplit("/", 1)[-1]}
    )[0]


def topic(code, title):
    return Topic.objects.get_or_create(code=code, defaults={"title": title})[0]


def part(code, title):
    return ProgrammePart.objects.get_or_create(code=code, defaults={"title": title})[0]


@pytest.fixture
def lab():
    """An organization with four projects: two dated, one dated by its call, one not at all."""
    lab = make_organization(name="Lab", country="FR")
    oncology = field("/3/27/100", "/medical sciences/clinical medicine/oncology")
    tumours = field("/3/27/100/7", "/medical sciences/clinical medicine/oncology/tumours")
    medicine = field("/3/27", "/medical sciences/clinical medicine")
    optics = field("/1/5/60", "/natural sciences/physical sciences/optics")
    health = part("HORIZON.2.1", "Health")
    erc = part("HORIZON.1.1", "European Research Council (ERC)")
    pillar = part("HORIZON.2", "Global Challenges")

    first = make_project(acronym="FIRST", start_date=date(2019, 3, 1))
    first.fields_of_science.set([oncology, tumours])  # counts once for oncology
    first.topics.set([topic("SC1-PM-02-2017", "Personalised medicine")])
    first.projectprogrammepart_set.create(programme_part=health, is_unique=True)
    first.projectprogrammepart_set.create(programme_part=pillar)  # not its own part
    make_participation(first, lab, role="coordinator", ec_contribution=1000)

    second = make_project(acronym="SECOND", start_date=date(2021, 1, 1))
    second.fields_of_science.set([tumours, optics])
    second.topics.set([topic("ERC-2020-STG", "ERC starting grants")])
    second.projectprogrammepart_set.create(programme_part=erc, is_unique=True)
    make_participation(second, lab, role="participant", ec_contribution=500)

    by_call = make_project(acronym="BYCALL", start_date=None, end_date=None)
    by_call.fields_of_science.set([medicine])  # above the depth shown: shown as it is
    by_call.topics.set([topic("ERC-2021-STG", "ERC starting grants")])
    by_call.projectprogrammepart_set.create(programme_part=erc, is_unique=True)
    make_participation(by_call, lab, role="third_party", ec_contribution=None)

    undated = make_project(acronym="UNDATED", start_date=None, end_date=None)
    make_participation(undated, lab, role="participant", ec_contribution=250)

    # Partners: two in Germany (one of them in two projects), one in Kosovo, one without a
    # country (not in any country's count).
    berlin, munich = make_organization(country="DE"), make_organization(country="DE")
    make_participation(first, berlin)
    make_participation(second, berlin)
    make_participation(second, munich)
    make_participation(by_call, make_organization(country="XK"))
    make_participation(undated, make_organization(country=""))
    return lab


def labels_and_counts(items):
    return [(item.label, item.count) for item in items]


def test_fields_of_activity_are_counted_at_a_readable_depth(lab):
    sections = computed_sections(lab, AnonymousUser())
    assert labels_and_counts(sections.fields) == [
        ("oncology", 2),  # FIRST (twice over) and SECOND, through their deeper field
        # BYCALL, given the field above the depth shown: oncology under it counts apart.
        ("clinical medicine", 1),
        ("optics", 1),
    ]
    assert sections.fields[0].detail == "medical sciences › clinical medicine"
    assert sections.fields_projects == 3
    assert sections.fields_basis == "the euroSciVoc fields of science of 3 of its 4 projects"


def test_each_field_links_to_its_projects(client, lab):
    sections = computed_sections(lab, AnonymousUser())
    for item in sections.fields:
        listed = client.get(item.url).context["paginator"].count
        assert listed == item.count, item.label


def test_topics_and_programme_parts_link_to_their_projects(client, lab):
    sections = computed_sections(lab, AnonymousUser())
    assert labels_and_counts(sections.programme_parts) == [
        ("European Research Council (ERC)", 2),
        ("Health", 1),  # the project's own part only, not "Global Challenges" above it
    ]
    assert labels_and_counts(sections.topics) == [
        ("ERC starting grants", 1),
        ("ERC starting grants", 1),
        ("Personalised medicine", 1),
    ]
    assert [item.detail for item in sections.topics] == [
        "ERC-2020-STG",
        "ERC-2021-STG",
        "SC1-PM-02-2017",
    ]
    for item in sections.programme_parts + sections.topics:
        assert client.get(item.url).context["paginator"].count == item.count


def test_activity_per_year_fills_the_gaps_and_counts_the_undated_apart(lab):
    activity = computed_sections(lab, AnonymousUser()).activity
    assert [(y.year, y.projects, y.coordinated, y.funding, y.funded) for y in activity.years] == [
        (2019, 1, 1, Decimal(1000), 1),
        (2020, 0, 0, Decimal(0), 0),
        (2021, 2, 0, Decimal(500), 1),  # SECOND, and BYCALL by its call's year
    ]
    assert activity.by_call_year == 1
    assert (activity.undated.projects, activity.undated.funding) == (1, Decimal(250))
    assert activity.dated + activity.undated.projects == 4
    assert labels_and_counts(activity.roles) == [
        ("Participant", 2),
        ("Coordinator", 1),
        ("Third party", 1),
    ]


def test_partner_countries_count_each_partner_once(lab):
    sections = computed_sections(lab, AnonymousUser())
    assert labels_and_counts(sections.partner_countries) == [("Germany", 2), ("Kosovo", 1)]
    assert sections.partners_with_country == 3
    assert (sections.coordinated, sections.coordinated_percent) == (1, "25%")


@pytest.mark.parametrize(
    ("codes", "year"),
    [
        (["HORIZON-CL5-2023-D5-01-08"], 2023),
        (["ERC-2021-STG"], 2021),
        (["SC1-PM-02-2017"], 2017),
        (["ERC-2022-COG", "HORIZON-MSCA-2021-PF-01"], 2021),  # the earliest
        (["EURATOM2027"], None),  # a programme's end, not a call year
        (["HORIZON-EIC-20235-X"], None),
        ([], None),
    ],
)
def test_call_year(codes, year):
    assert call_year([(code, "") for code in codes]) == year


def test_field_at_depth():
    assert field_at_depth("/1/2/3/4", "/a/b/c/d") == ("/1/2/3", "/a/b/c")
    assert field_at_depth("/1/2", "/a/b") == ("/1/2", "/a/b")
    # A title with a "/" in it: the path no longer lines up with the code; left as it is.
    assert field_at_depth("/1/2/3/4", "/a/b/c/d/e") == ("/1/2/3/4", "/a/b/c/d/e")


def test_the_profile_shows_each_computed_section_with_its_source(client, lab):
    CordisDump.objects.create(
        framework_programme="H2020",
        source="cordis-h2020projects-csv.zip",
        data_date=date(2024, 5, 29),
        imported_at="2026-12-04T10:00Z",
    )
    page = Page.of(client.get(lab.get_absolute_url()))
    titles = page.titles("h2")
    assert [title for title in titles if title in COMPUTED] == COMPUTED
    assert titles.index("Fields of activity") < titles.index("Projects")
    source = (
        "Computed from the euroSciVoc fields of science of 3 of its 4 projects, in CORDIS's "
        "Horizon 2020 dump (cordis-h2020projects-csv.zip, data to 29 May 2024)."
    )
    assert source in page.text
    assert "It coordinated 1 of its 4 projects (25%), with partners in 2 countries." in page.text
    assert "CORDIS gives no start date for 1 of them" in page.text
    assert "1 have neither and are counted under “No date”" in page.text


def test_a_dump_without_a_data_date_is_named_by_its_import_day_in_local_time(client, lab):
    # 23:30 UTC on 4 December is 5 December in Brussels (TIME_ZONE), as the date filter said.
    CordisDump.objects.create(
        framework_programme="H2020", source="h2020.zip", imported_at="2026-12-04T23:30Z"
    )
    page = Page.of(client.get(lab.get_absolute_url()))
    assert "in CORDIS's Horizon 2020 dump (h2020.zip, imported 5 December 2026)." in page.text


def test_the_computed_lists_escape_what_they_show():
    from organizations.sections import Item
    from organizations.templatetags.sections import breakdown_lines

    item = Item('<b>"x"</b>', 2, url='/p/?a=1&b="2"', detail="<i>", share=0.5)
    html = str(breakdown_lines([item]))
    assert '<a href="/p/?a=1&amp;b=&quot;2&quot;">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</a>' in html
    assert '<span class="breakdown__detail">&lt;i&gt;</span>' in html
    assert '<span class="breakdown__count">2 projects</span>' in html
    assert '<rect width="50.0" height="1"/>' in html
    assert "<svg" not in str(breakdown_lines([item], bars=False))
    assert str(breakdown_lines([Item("b", 1, unit="partner")])).count("1 partner<") == 1


def test_the_table_of_years_says_what_is_not_published():
    from organizations.sections import Year
    from organizations.templatetags.sections import year_rows

    rows = str(
        year_rows(
            [
                Year(2019, 1_200, 0, Decimal("1000.4"), 1_200),
                Year(2020, 0, 0, Decimal(0), 0),
                Year(2021, 2, 1, Decimal(0), 0),
            ]
        )
    ).splitlines()
    cells = '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td></tr>'
    assert rows == [
        cells.format(2019, "1,200", "€1,000"),
        cells.format(2020, 0, "–"),  # no project that year
        cells.format(2021, 2, '<span class="muted">not published</span>'),
    ]


def test_the_charts_have_a_text_alternative_and_a_table(client, lab):
    page = Page.of(client.get(lab.get_absolute_url()))
    charts = [attrs for tag, attrs in page.elements if tag == "svg" and attrs.get("role") == "img"]
    assert len(charts) == 2
    assert "2019: 1; 2020: 0; 2021: 2" in page.html  # the projects chart's <desc>
    assert "2019: €1K; 2020: –; 2021: €500" in page.html  # nothing published in 2020
    for year in ("2019", "2020", "2021", "No date"):
        assert any(tag == "th" for tag, _ in page.elements)
        assert f'<th scope="row">{year}</th>' in page.html


def test_an_organization_without_participations_has_no_computed_section(client, db):
    organization = make_organization()
    sections = computed_sections(organization, AnonymousUser())
    assert sections.project_count == 0 and sections.activity is None
    titles = Page.of(client.get(organization.get_absolute_url())).titles("h2")
    assert not set(titles) & set(COMPUTED)


def test_a_one_project_organization_gets_every_section_it_has_data_for(client, db):
    organization = make_organization(country="BE")
    project = make_project(start_date=date(2022, 9, 1))
    project.topics.set([topic("HORIZON-CL4-2022-X", "Smart things")])
    make_participation(project, organization, ec_contribution=None)
    make_participation(project, make_organization(country="NL"))
    page = Page.of(client.get(organization.get_absolute_url()))
    titles = page.titles("h2")
    assert "Fields of activity" not in titles  # no field of science for its project
    assert {"Activity over time", "Programmes and topics", "Collaboration in figures"} <= set(
        titles
    )
    assert "It coordinated 0 of its 1 project (0%), with partners in 1 country." in page.text
    assert '<th scope="row">2022</th>' in page.html and "not published" in page.text


def test_long_lists_show_ten_then_forty_more_then_a_link(client, db):
    organization = make_organization()
    for n in range(60):
        project = make_project(start_date=date(2022, 1, 1))
        project.topics.set([topic(f"TOPIC-{n:02}", f"Topic {n:02}")])
        make_participation(project, organization)
    page = Page.of(client.get(organization.get_absolute_url()))
    assert "Topic 09" in page.text and "Topic 49" in page.text and "Topic 50" not in page.text
    assert "40 more of 50" in page.text
    assert "10 more, with fewer projects each: see all its projects" in page.text


def test_column_chart_geometry():
    chart = column_chart([(2020, 10, "10"), (2021, 0, "0"), (2022, 5, "5"), (2023, 0.01, "x")])
    tallest, empty, half, sliver = chart.columns
    assert tallest.height == 100 and empty.height == 0 and half.height == 50
    assert sliver.height == 1  # a small value still shows
    assert tallest.y + tallest.height == chart.baseline
    assert chart.width == 4 * 40 and chart.description == "2020: 10; 2021: 0; 2022: 5; 2023: x"


def test_column_chart_marks():
    from base.templatetags.charts import column_marks

    chart = column_chart([(2020, 10, "<10>"), (2021, 5, "5")])
    marks = str(column_marks(chart))
    assert marks.count("<rect") == 2 and marks.count("<text") == 4
    # Positions with one decimal; texts escaped.
    assert '<rect class="chart__bar" x="6.0" y="16.0" width="28" height="100.0"/>' in marks
    value = '<text class="chart__value" x="20.0" y="12.0" text-anchor="middle">&lt;10&gt;</text>'
    assert value in marks
    assert '<text class="chart__label" x="60.0" y="130" text-anchor="middle">2021</text>' in marks


def shown(sections):
    """What the page shows of the sections, to compare two ways of making them."""
    activity = sections.activity
    return (
        [(i.label, i.count, i.url, i.detail) for i in sections.fields],
        [(i.label, i.count, i.url) for i in sections.topics + sections.programme_parts],
        [(y.year, y.projects, y.coordinated, y.funding, y.funded) for y in activity.years],
        (activity.undated.projects, activity.undated.funding, activity.by_call_year),
        [(i.label, i.count) for i in activity.roles + sections.partner_countries],
        [(p.pk, p.shared_projects) for p in sections.partners],
        (sections.fields_projects, sections.topics_projects, sections.partners_with_country),
    )


def test_stored_sections_show_what_counting_the_projects_shows(lab):
    from organizations.models import Organization
    from organizations.sections import live_sections, refresh_sections

    live = shown(live_sections(lab))
    assert refresh_sections([lab.pk]) == 1
    lab = Organization.objects.select_related("computed").get(pk=lab.pk)
    assert lab.computed.tally["project_count"] == 4
    assert shown(computed_sections(lab, AnonymousUser())) == live


def test_stored_partners_leave_out_drafts_for_the_public(client, lab):
    from organizations.models import Status
    from organizations.sections import refresh_sections

    refresh_sections([lab.pk])
    berlin = (
        lab.participations.get(project__acronym="FIRST")
        .project.participations.exclude(organization=lab)
        .get()
        .organization
    )
    berlin.status = Status.DRAFT
    berlin.save()
    page = Page.of(client.get(lab.get_absolute_url()))
    assert berlin.name not in page.text
    assert "Germany" in page.text  # still counted among the partner countries
