"""Delegations to in-person meetings: focal points name their country's, coordinators any country's."""

from datetime import UTC, datetime

import pytest

from qicop.core.models import AuditEntry
from qicop.meetings.models import Delegate, Meeting


@pytest.fixture
def meeting(world):
    meeting = Meeting.objects.create(
        network=world.network,
        title="All-country meeting 2030",
        kind=Meeting.Kind.IN_PERSON,
        start=datetime(2030, 10, 12, 6, tzinfo=UTC),
        end=datetime(2030, 10, 14, 16, tzinfo=UTC),
        time_zone="Africa/Nairobi",
        venue="Kenyatta International Convention Centre",
        city="Nairobi",
        host_country=world.kenya,
    )
    meeting.countries.set([world.kenya, world.haiti])
    return meeting


def url(meeting, rest=""):
    return f"/n/vln/meetings/{meeting.pk}/delegations/{rest}"


def add(client, meeting, **data):
    fields = {"country": "", "member": "", "full_name": "", "email": "", "job_title": ""}
    fields.update({"affiliation": "moh", "role": "delegate"}, **data)
    return client.post(url(meeting), fields)


def test_a_focal_point_names_a_member_of_their_country_with_the_members_details(world, meeting):
    response = add(
        world.client_for("faith"), meeting, country=world.kenya.pk, member=world.kim.pk, role="head"
    )
    assert response.status_code == 302
    delegate = Delegate.objects.get()
    assert (delegate.country, delegate.member, delegate.role) == (world.kenya, world.kim, "head")
    assert delegate.full_name == "Kim Member" and delegate.email == "kim@example.org"
    assert delegate.job_title == "QI Officer"
    assert AuditEntry.objects.filter(verb="meeting.delegate_add").count() == 1


def test_a_focal_point_adds_someone_who_is_not_a_member(world, meeting):
    client = world.client_for("faith")
    add(
        client,
        meeting,
        country=world.kenya.pk,
        full_name="Dr Achieng Otieno",
        email="achieng@health.go.ke",
        job_title="Head, CDC HIV Branch",
        affiliation="cdc",
        role="panellist",
    )
    delegate = Delegate.objects.get()
    assert delegate.member is None and delegate.full_name == "Dr Achieng Otieno"
    assert delegate.get_affiliation_display() == "CDC country office"


def test_a_focal_point_cannot_name_another_countrys_delegation(world, meeting):
    response = add(world.client_for("faith"), meeting, country=world.haiti.pk, full_name="Jean Joseph")
    assert response.status_code == 400
    assert not Delegate.objects.exists()


def test_members_and_data_managers_cannot_add_delegates(world, meeting):
    for persona in ("kim", "dan", "henri"):
        response = add(world.client_for(persona), meeting, country=world.kenya.pk, full_name="Someone")
        assert response.status_code == 403
    assert not Delegate.objects.exists()


def test_a_coordinator_names_any_participating_countrys_delegation(world, meeting):
    client = world.client_for("carla")
    assert add(client, meeting, country=world.haiti.pk, member=world.henri.pk, role="head").status_code == 302
    assert add(client, meeting, country=world.kenya.pk, full_name="Njeri Kamau").status_code == 302
    assert set(Delegate.objects.values_list("country__iso2", flat=True)) == {"HT", "KE"}


def test_a_second_head_of_delegation_is_refused_with_a_clear_message_and_the_form_kept(world, meeting):
    client = world.client_for("faith")
    add(client, meeting, country=world.kenya.pk, member=world.dan.pk, role="head")
    response = add(client, meeting, country=world.kenya.pk, full_name="Wanjiru Mwangi", role="head")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kenya already has a head of delegation: Dan Data" in page
    assert 'value="Wanjiru Mwangi"' in page
    assert Delegate.objects.count() == 1


def test_the_same_member_twice_is_refused_with_a_clear_message(world, meeting):
    client = world.client_for("faith")
    add(client, meeting, country=world.kenya.pk, member=world.kim.pk)
    response = add(client, meeting, country=world.kenya.pk, member=world.kim.pk, role="presenter")
    assert response.status_code == 400
    assert "Kim Member is already in the delegation of Kenya" in response.content.decode()
    assert Delegate.objects.count() == 1


def test_a_member_of_another_country_is_refused(world, meeting):
    response = add(world.client_for("carla"), meeting, country=world.kenya.pk, member=world.henri.pk)
    assert response.status_code == 400
    assert "Henri Haïtien is from Haiti, not from Kenya" in response.content.decode()


def test_a_delegate_needs_a_member_or_a_name(world, meeting):
    response = add(world.client_for("faith"), meeting, country=world.kenya.pk)
    assert response.status_code == 400
    assert "Pick a member or type the delegate" in response.content.decode()


def test_a_bad_email_is_explained(world, meeting):
    response = add(
        world.client_for("faith"), meeting, country=world.kenya.pk, full_name="A B", email="not an address"
    )
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert 'value="not an address"' in response.content.decode()


def test_every_participant_sees_the_delegations_but_only_managers_see_emails(world, meeting):
    Delegate.objects.create(
        meeting=meeting,
        country=world.kenya,
        full_name="Njeri Kamau",
        email="njeri@health.go.ke",
        affiliation="moh",
        role="head",
    )
    Delegate.objects.create(
        meeting=meeting,
        country=world.haiti,
        full_name="Jean Joseph",
        email="jean@mspp.gouv.ht",
        affiliation="moh",
        role="head",
    )
    henri = world.client_for("henri").get(url(meeting)).content.decode()
    assert "Njeri Kamau" in henri and "Jean Joseph" in henri and "Head of delegation" in henri
    assert "njeri@health.go.ke" not in henri and "jean@mspp.gouv.ht" not in henri
    faith = world.client_for("faith").get(url(meeting)).content.decode()
    assert "njeri@health.go.ke" in faith and "jean@mspp.gouv.ht" not in faith
    carla = world.client_for("carla").get(url(meeting)).content.decode()
    assert "njeri@health.go.ke" in carla and "jean@mspp.gouv.ht" in carla


def test_a_focal_point_changes_a_delegates_role_and_removes_a_delegate(world, meeting):
    delegate = Delegate.objects.create(
        meeting=meeting, country=world.kenya, full_name="Njeri Kamau", affiliation="moh", role="delegate"
    )
    client = world.client_for("faith")
    response = client.post(
        url(meeting, f"{delegate.pk}/"),
        {"country": world.kenya.pk, "full_name": "Njeri Kamau", "affiliation": "moh", "role": "presenter"},
    )
    assert response.status_code == 302
    delegate.refresh_from_db()
    assert delegate.role == "presenter"
    assert client.post(url(meeting, f"{delegate.pk}/remove/")).status_code == 302
    assert not Delegate.objects.exists()
    assert AuditEntry.objects.filter(verb="meeting.delegate_remove").exists()


def test_an_edit_that_would_make_a_second_head_is_refused(world, meeting):
    Delegate.objects.create(
        meeting=meeting, country=world.kenya, full_name="Head", affiliation="moh", role="head"
    )
    other = Delegate.objects.create(
        meeting=meeting, country=world.kenya, full_name="Other", affiliation="moh"
    )
    response = world.client_for("faith").post(
        url(meeting, f"{other.pk}/"),
        {"country": world.kenya.pk, "full_name": "Other", "affiliation": "moh", "role": "head"},
    )
    assert response.status_code == 400
    assert "already has a head of delegation" in response.content.decode()


def test_a_focal_point_cannot_remove_another_countrys_delegate(world, meeting):
    delegate = Delegate.objects.create(
        meeting=meeting, country=world.haiti, full_name="Jean", affiliation="moh"
    )
    assert world.client_for("faith").post(url(meeting, f"{delegate.pk}/remove/")).status_code == 403
    assert Delegate.objects.exists()


def test_virtual_meetings_have_no_delegations(world):
    assert world.client_for("carla").get(url(world.meeting)).status_code == 404


def test_the_meeting_page_invites_the_focal_point_to_name_the_delegation(world, meeting):
    page = world.client_for("faith").get(f"/n/vln/meetings/{meeting.pk}/").content.decode()
    assert "Name your country" in page and f"/n/vln/meetings/{meeting.pk}/delegations/" in page
    Delegate.objects.create(meeting=meeting, country=world.kenya, full_name="Njeri", affiliation="moh")
    page = world.client_for("faith").get(f"/n/vln/meetings/{meeting.pk}/").content.decode()
    assert "Name your country" not in page
    assert "Delegates named: 1, from 1 of the participating countries" in page
    kim = world.client_for("kim").get(f"/n/vln/meetings/{meeting.pk}/").content.decode()
    assert "Name your country" not in kim and "See the delegations" in kim


def test_the_delegations_page_takes_a_bounded_number_of_queries(
    world, meeting, django_assert_max_num_queries
):
    for i in range(30):
        Delegate.objects.create(
            meeting=meeting,
            country=world.kenya if i % 2 else world.haiti,
            full_name=f"P{i}",
            affiliation="moh",
        )
    client = world.client_for("carla")
    with django_assert_max_num_queries(12):
        assert client.get(url(meeting)).status_code == 200
