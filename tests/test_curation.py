"""Curation states apart from publication (imported, drafted, curated, stale), who sees drafted
text, and the editors' queue: its counts and its order."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cordis.importer import import_cordis
from organizations.curation import (
    attention_of,
    counts_by_state,
    recent_since,
    refresh_attention,
)
from organizations.models import ComputedProfile, Curation, Organization, Status
from organizations.stats import refresh_figures
from projects.models import Project
from tests.admin_forms import change_form_data
from tests.factories import make_organization, make_participation
from tests.profiles import make_imported_profile
from tests.test_import_cordis import generate

pytestmark = pytest.mark.django_db

DRAFTED_TEXT = "A trajectory drafted from the data and not yet reviewed."


def change_url(organization):
    return reverse("admin:organizations_organization_change", args=[organization.pk])


def changelist_url():
    return reverse("admin:organizations_organization_changelist")


# Transitions -------------------------------------------------------------------------------


def test_an_import_makes_imported_public_profiles_with_their_computed_sections(tmp_path, client):
    import_cordis(generate(tmp_path / "sample", 30, 40, 150, seed=2))

    assert set(Organization.objects.values_list("curation", "status").distinct()) == {
        (Curation.IMPORTED, Status.PUBLISHED)
    }
    organization = Organization.objects.filter(project_count__gt=0).first()
    content = client.get(organization.get_absolute_url()).content.decode()
    assert "section--computed" in content
    assert "Drafted from the data" not in content


def test_a_newer_dump_makes_the_affected_curated_profiles_stale(tmp_path):
    before = generate(tmp_path / "before", 100, 150, 500, seed=4)
    after = generate(tmp_path / "after", 100, 150, 500, seed=4, changed=5)
    import_cordis(before)
    pks = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    Organization.objects.filter(pk__in=pks[::2]).update(curation=Curation.CURATED)
    Organization.objects.filter(pk__in=pks[1::2]).update(curation=Curation.DRAFTED)
    long_ago = timezone.now() - timedelta(days=365)
    ComputedProfile.objects.update(computed_at=long_ago)
    figures = ["pk", "project_count", "coordinator_count", "total_ec_funding", "partner_count"]
    figures_before = set(Organization.objects.values_list(*figures))

    import_cordis(after)

    # Whose data changed: those whose figures differ, and those whose computed sections were
    # counted again (their own participations or projects changed). Each curated one among
    # them is stale, and not every curated profile is (the import may also count one whose
    # figures came out the same, e.g. a partner that moved within a country already
    # counted); the drafted stay drafted.
    recounted = set(
        ComputedProfile.objects.filter(computed_at__gt=long_ago).values_list(
            "organization", flat=True
        )
    )
    figures_changed = {
        pk for pk, *_ in set(Organization.objects.values_list(*figures)) - figures_before
    }
    curated = set(pks[::2])
    changed = (recounted | figures_changed) & curated
    assert 0 < len(changed) < len(curated)
    states = dict(Organization.objects.values_list("pk", "curation"))
    stale = {pk for pk, state in states.items() if state == Curation.STALE}
    assert changed <= stale < curated
    assert {pk for pk in pks[1::2] if states[pk] == Curation.DRAFTED} == set(pks[1::2])


def test_the_same_dump_again_makes_nothing_stale(tmp_path):
    folder = generate(tmp_path / "sample", 30, 40, 150, seed=2)
    import_cordis(folder)
    Organization.objects.update(curation=Curation.CURATED)
    import_cordis(folder)
    assert not Organization.objects.filter(curation=Curation.STALE).exists()


def test_refresh_stats_makes_curated_profiles_with_other_figures_stale():
    grown = make_imported_profile(2, curation=Curation.CURATED)
    same = make_imported_profile(2, curation=Curation.CURATED)
    make_participation(organization=grown)  # a project more since

    call_command("refresh_stats", verbosity=0)

    grown.refresh_from_db()
    same.refresh_from_db()
    assert (grown.curation, same.curation) == (Curation.STALE, Curation.CURATED)
    assert grown.project_count == 3


def test_draft_review_and_edit_in_the_admin(editor_client, editor):
    organization = make_imported_profile(3)
    assert organization.curation == Curation.IMPORTED
    changelist = changelist_url()

    editor_client.post(
        changelist, {"action": "draft_from_data", "_selected_action": [organization.pk]}
    )
    organization.refresh_from_db()
    assert organization.curation == Curation.DRAFTED and organization.network_narrative

    # A plain save keeps the text drafted; "Save and mark reviewed" makes it curated.
    form = change_form_data(editor_client.get(change_url(organization)))
    response = editor_client.post(change_url(organization), {**form, "_save": "Save"})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.curation == Curation.DRAFTED
    # Both days in the site's time zone: an hour before midnight UTC, Brussels is a day on.
    edited_on = timezone.localdate(organization.edited_at)
    assert (organization.edited_by, edited_on) == (editor, timezone.localdate())

    form = change_form_data(editor_client.get(change_url(organization)))
    response = editor_client.post(change_url(organization), {**form, "_reviewed": "1"})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.curation == Curation.CURATED and organization.reviewed_at


def test_text_written_on_an_imported_profile_makes_it_curated(editor_client):
    organization = make_imported_profile(1)
    form = change_form_data(editor_client.get(change_url(organization)))
    form.update(tagline=["Known for their sensors."], _save=["Save"])
    assert editor_client.post(change_url(organization), form).status_code == 302
    organization.refresh_from_db()
    assert organization.curation == Curation.CURATED


def test_reviewed_in_bulk_from_the_list(editor_client):
    drafted = [make_organization(curation=Curation.DRAFTED) for _ in range(3)]
    stale = make_organization(curation=Curation.STALE)
    response = editor_client.post(
        changelist_url(),
        {"action": "mark_reviewed", "_selected_action": [o.pk for o in [*drafted, stale]]},
    )
    assert response.status_code == 302
    assert set(
        Organization.objects.filter(pk__in=[o.pk for o in [*drafted, stale]]).values_list(
            "curation", flat=True
        )
    ) == {Curation.CURATED}


# Who sees drafted text -----------------------------------------------------------------------


def test_drafted_text_is_hidden_from_the_public_and_marked_for_staff(staff):
    organization = make_imported_profile(3, curation=Curation.DRAFTED, trajectory=DRAFTED_TEXT)
    organization.tagline = "A drafted tagline."
    organization.save()

    client, staff_client = Client(), Client()
    staff_client.force_login(staff)
    public = client.get(organization.get_absolute_url()).content.decode()
    assert DRAFTED_TEXT not in public and "A drafted tagline." not in public
    assert organization.name in public
    assert "section--computed" in public  # the computed sections are shown

    staff = staff_client.get(organization.get_absolute_url()).content.decode()
    assert DRAFTED_TEXT in staff and "Drafted from the data, not reviewed" in staff

    Organization.objects.filter(pk=organization.pk).update(curation=Curation.CURATED)
    assert DRAFTED_TEXT in client.get(organization.get_absolute_url()).content.decode()


def test_a_drafted_tagline_stays_off_the_public_cards(staff):
    organization = make_imported_profile(
        3, curation=Curation.DRAFTED, tagline="A drafted tagline.", name="Nordlicht Labs"
    )
    list_url = reverse("organizations:list")
    client, staff_client = Client(), Client()
    staff_client.force_login(staff)
    public = client.get(list_url, {"q": "Nordlicht"}).content.decode()
    assert organization.name in public and "A drafted tagline." not in public
    assert "A drafted tagline." in staff_client.get(list_url, {"q": "Nordlicht"}).content.decode()


@pytest.mark.parametrize("state", [Curation.IMPORTED, Curation.CURATED, Curation.STALE])
def test_text_of_other_states_is_public(client, state):
    organization = make_organization(curation=state, trajectory=DRAFTED_TEXT)
    assert DRAFTED_TEXT in client.get(organization.get_absolute_url()).content.decode()


# The queue ---------------------------------------------------------------------------------


def test_the_admin_home_counts_each_state_and_links_to_its_list(editor_client):
    for state, n in [(Curation.IMPORTED, 3), (Curation.DRAFTED, 2), (Curation.STALE, 1)]:
        for _ in range(n):
            make_organization(curation=state)

    response = editor_client.get(reverse("admin:index"))
    content = response.content.decode()

    for state in Curation:
        direct = Organization.objects.filter(curation=state).count()
        assert counts_by_state()[state] == direct
        url = f"{changelist_url()}?curation__exact={state.value}"
        assert f'href="{url}"' in content
        listed = editor_client.get(url).context["cl"].result_count
        assert listed == direct


def test_attention_is_written_only_where_it_changed(db):
    big = make_imported_profile(5)
    small = make_imported_profile(1)
    refresh_figures(Organization.objects.all())
    pks = [big.pk, small.pk]
    Organization.objects.filter(pk__in=pks).update(attention=0)
    assert refresh_attention(pks) == 2

    assert refresh_attention(pks) == 0  # nothing changed: no row rewritten
    small.participations.update(ec_contribution=Decimal("5000000"))
    refresh_figures(Organization.objects.filter(pk=small.pk))
    assert refresh_attention(pks) == 1


def test_the_queue_puts_the_profiles_deserving_most_attention_first(editor_client):
    recent = recent_since()
    big = make_imported_profile(5)
    small = make_imported_profile(1)
    funded = make_imported_profile(1)
    funded.participations.update(ec_contribution=Decimal("5000000"))
    active = make_imported_profile(2)
    older = make_imported_profile(2)
    Project.objects.filter(participations__organization=active).update(start_date=recent)
    refresh_figures(Organization.objects.all())
    call_command("refresh_stats", verbosity=0)  # counts the attention too

    response = editor_client.get(changelist_url())
    shown = [o.pk for o in response.context["cl"].result_list]

    def expected(organization):
        recent_projects = organization.participations.filter(
            project__start_date__gte=recent
        ).count()
        return attention_of(
            organization.project_count, recent_projects, organization.total_ec_funding
        )

    ours = [big, small, funded, active, older]
    for organization in ours:
        organization.refresh_from_db()
        assert organization.attention == expected(organization)
    order = sorted(ours, key=lambda o: (-o.attention, o.name, o.pk))
    assert [pk for pk in shown if pk in {o.pk for o in ours}] == [o.pk for o in order]
    assert order[0] == funded  # EUR 5 million weighs as fifty projects
    assert active.attention > older.attention  # as many projects, but recent ones
    assert "last edited" in response.content.decode().lower()


def test_the_queue_writes_its_counts_with_a_thousands_separator(editor_client):
    busy = make_imported_profile(1)
    Organization.objects.filter(pk=busy.pk).update(attention=13824, project_count=1250)

    page = editor_client.get(changelist_url()).content.decode()
    assert '<td class="field-attention_shown">13,824</td>' in page
    assert '<td class="field-projects_shown">1,250</td>' in page


def test_no_filter_of_the_queue_matches_every_imported_profile(tmp_path, editor_client):
    import_cordis(generate(tmp_path / "sample", 30, 40, 150, seed=2))
    # One profile drafted: the state filter then tells them apart; every other filter must
    # do so already.
    Organization.objects.filter(pk=Organization.objects.first().pk).update(
        curation=Curation.DRAFTED
    )
    total = Organization.objects.count()
    cl = editor_client.get(changelist_url()).context["cl"]
    for list_filter in cl.filter_specs:
        for choice in list_filter.choices(cl):
            query = choice["query_string"]
            if choice["selected"] or query in ("?", ""):
                continue
            count = editor_client.get(changelist_url() + query).context["cl"].result_count
            assert count < total, (list_filter.title, choice["display"])
