"""The consumer register, read and kept as each persona would: consent before anything is saved, and each
representative shown as they chose (a representative who chose not to appear is counted, and named only to
the country's focal point and the coordinator)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from consumers_world import consumers_of
from qicop.core.models import AuditEntry
from qicop.network.models import Country
from qicop.programmes.consumers import services
from qicop.programmes.models import ConsumerRepresentative, ConsumerRole

BASE = "/n/vln/programmes/consumers/"


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("persona", ["faith", "carla"])
def test_the_focal_point_and_the_coordinator_see_everyone_by_name_with_their_choice_and_consent(
    world, persona
):
    consumers_of(world)
    page = _page(world.client_for(persona), BASE + "KE/")
    for name in ("Grace Wanjiru", "Peter Otieno", "Achieng Secretname"):
        assert name in page
    assert "Not at all (counted, never named)" in page
    assert "Add a representative" in page


@pytest.mark.parametrize("persona", ["kim", "dan"])
def test_the_countrys_participants_see_each_representative_as_they_chose(world, persona):
    consumers_of(world)
    page = _page(world.client_for(persona), BASE + "KE/")
    assert "Grace Wanjiru" in page
    assert "P.O." in page and "Peter Otieno" not in page
    assert "A representative (not named)" in page
    assert "Achieng" not in page and "Secretname" not in page
    assert "3 consumer representatives in the register" in page
    assert "1 chose not to be named" in page
    assert "Add a representative" not in page


@pytest.mark.parametrize("persona", ["henri", "olga"])
def test_other_countries_and_observers_see_the_counts_and_no_name(world, persona):
    consumers_of(world)
    page = _page(world.client_for(persona), BASE + "KE/")
    for name in ("Grace", "Peter", "P.O.", "Achieng", "Secretname", "A representative (not named)"):
        assert name not in page
    assert "3 consumer representatives in the register" in page
    assert "National quality committee (2)" in page
    assert "you see the counts" in page


@pytest.mark.parametrize("persona", ["carla", "faith", "kim", "henri", "olga"])
def test_the_overview_counts_everyone_and_names_no_one(world, persona):
    consumers_of(world)
    page = _page(world.client_for(persona), BASE)
    assert "Secretname" not in page and "Grace" not in page
    assert "<td>3</td>" in page  # Kenya's three, the one not named among them


def test_a_representative_without_a_date_of_consent_is_refused_with_the_reason_and_the_typing_kept(world):
    consumers_of(world)
    response = world.client_for("faith").post(
        BASE + "KE/new/",
        {"full_name": "Wanjiku Mwangi", "appearance": "initials", "consent_how": "written", "notes": "Peer"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Record the date the representative gave consent" in page
    assert 'value="Wanjiku Mwangi"' in page
    assert not ConsumerRepresentative.objects.filter(full_name="Wanjiku Mwangi").exists()


def test_the_service_refuses_a_representative_without_consent_too():
    with pytest.raises(ValidationError) as caught:
        services._check_representative({"full_name": "A B", "consent_on": None}, Country(pk=1))
    assert "consent_on" in caught.value.message_dict


def test_verbal_consent_needs_a_witness(world):
    consumers_of(world)
    response = world.client_for("faith").post(
        BASE + "KE/new/",
        {
            "full_name": "Wanjiku Mwangi",
            "appearance": "name",
            "consent_on": "2026-02-01",
            "consent_how": "verbal",
        },
    )
    assert response.status_code == 400
    assert "Verbal consent needs a witness" in response.content.decode()


def test_the_focal_point_adds_a_representative_with_consent_and_it_is_audited(world):
    consumers_of(world)
    response = world.client_for("faith").post(
        BASE + "KE/new/",
        {
            "full_name": "Wanjiku Mwangi",
            "appearance": "hidden",
            "consent_on": "2026-02-01",
            "consent_how": "verbal",
            "consent_witness": "Faith Focal",
            "member": "",
        },
    )
    assert response.status_code == 302
    added = ConsumerRepresentative.objects.get(full_name="Wanjiku Mwangi")
    assert added.consent_on == datetime.date(2026, 2, 1) and added.country == world.kenya
    assert AuditEntry.objects.filter(verb="consumer.add", target_id=str(added.pk)).exists()


def test_a_kenyan_member_may_not_keep_the_register_and_haitis_focal_point_keeps_not_kenyas(world):
    consumers_of(world)
    assert world.client_for("kim").get(BASE + "KE/new/").status_code == 403
    assert world.client_for("henri").get(BASE + "KE/new/").status_code == 403


def test_a_role_on_a_team_keeps_the_team_and_one_that_ends_before_it_begins_is_refused(world):
    work = consumers_of(world)
    client = world.client_for("faith")
    path = BASE + f"KE/{work.grace.pk}/roles/new/"
    response = client.post(path, {"kind": "committee", "since": "2026-05-01", "until": "2026-01-01"})
    assert response.status_code == 400
    assert "The role cannot end before it began" in response.content.decode()
    response = client.post(path, {"kind": "other", "since": "2026-05-01"})
    assert "Describe the role" in response.content.decode()
    response = client.post(path, {"kind": "committee", "since": "2026-05-01"})
    assert response.status_code == 302
    assert ConsumerRole.objects.filter(representative=work.grace, kind="committee").exists()


def test_a_role_of_a_representative_not_named_shows_its_kind_only_to_the_countrys_members(world):
    work = consumers_of(world)
    services.add_role(
        actor=world.faith.user,
        representative=work.achieng,
        kind="panel",
        meeting=world.meeting,
        since=datetime.date(2026, 2, 1),
    )
    assert world.meeting.title not in _page(world.client_for("kim"), BASE + "KE/")
    assert world.meeting.title in _page(world.client_for("faith"), BASE + "KE/")


def test_the_register_of_another_country_is_kept_by_its_own_focal_point_only(world):
    work = consumers_of(world)
    assert world.client_for("faith").get(BASE + f"HT/{work.jean.pk}/edit/").status_code == 403
    assert world.client_for("carla").get(BASE + f"HT/{work.jean.pk}/edit/").status_code == 200
    # a Haitian representative is not found under Kenya's address
    assert world.client_for("carla").get(BASE + f"KE/{work.jean.pk}/edit/").status_code == 404


def test_the_empty_register_says_who_keeps_it_and_links_the_keeper_to_the_form(world):
    assert "the country's focal point keeps it" in _page(world.client_for("kim"), BASE + "TH/")
    page = _page(world.client_for("carla"), BASE + "TH/")
    assert "No representative in the register yet" in page and BASE + "TH/new/" in page


def test_the_register_and_the_overview_read_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    consumers_of(world)
    client = world.client_for("kim")
    client.get(BASE + "KE/")
    with django_assert_max_num_queries(24):
        _page(client, BASE + "KE/")
    with django_assert_max_num_queries(24):
        _page(client, BASE)


def test_a_role_or_a_member_link_from_another_country_is_refused_by_the_service_itself(world):
    """The forms offer only the country's teams, rounds and members; the service checks too, whatever id it
    is handed."""
    from improvement_world import improvement_of

    work = consumers_of(world)
    haiti_team = improvement_of(world).jacmel
    with pytest.raises(ValidationError) as caught:
        services.add_role(
            actor=world.faith.user,
            representative=work.grace,
            kind="team",
            team=haiti_team,
            since=datetime.date(2026, 2, 1),
        )
    assert "team" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.add_role(
            actor=world.faith.user,
            representative=work.grace,
            kind="assessment",
            round=work.programmes.haiti_2026,
            since=datetime.date(2026, 2, 1),
        )
    assert "round" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.change_representative(
            actor=world.faith.user,
            representative=work.peter,
            member=world.henri,
            full_name="Peter Otieno",
            consent_on=datetime.date(2025, 1, 1),
            appearance="initials",
        )
    assert "member" in caught.value.message_dict
    assert not ConsumerRole.objects.filter(
        representative=work.grace, kind__in=["team", "assessment"]
    ).exists()
