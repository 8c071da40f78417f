"""Invitation letters: one PDF per delegate or per delegation, in the delegate's language, times at the
venue."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from qicop.meetings.delegations import documents, selectors
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


@pytest.fixture
def kim(world, meeting):
    return Delegate.objects.create(
        meeting=meeting,
        country=world.kenya,
        member=world.kim,
        full_name="Kim Member",
        job_title="QI Officer",
        affiliation="moh",
        role="panellist",
    )


def letters_html(meeting, **filters):
    return documents.invitation_letters_html(list(selectors.delegates_of(meeting).filter(**filters)))


def test_the_letter_names_the_delegate_the_meeting_the_venue_the_role_and_the_network(world, meeting, kim):
    html = letters_html(meeting)
    assert "Dear Kim Member," in html
    assert "All-country meeting 2030" in html
    assert "Kenyatta International Convention Centre, Nairobi, Kenya" in html
    assert "as Panellist of the delegation of Kenya" in html
    assert "The coordinators of the Virtual Learning Network" in html


def test_the_letter_gives_the_dates_in_the_hosts_local_time(world, meeting, kim):
    html = letters_html(meeting)
    # 06:00 UTC is 09:00 in Nairobi; the meeting closes at 16:00 UTC, 19:00 in Nairobi.
    html = html.replace("\u202f", " ")
    assert "Saturday, October 12, 2030, 9:00 AM" in html
    assert "Monday, October 14, 2030, 7:00 PM" in html
    assert "(Nairobi, UTC+3)" in html


def test_a_members_letter_is_in_the_language_of_their_account(world, meeting):
    world.henri.user.language = "fr"
    world.henri.user.save()
    Delegate.objects.create(
        meeting=meeting, country=world.haiti, member=world.henri, full_name="Henri Haïtien", affiliation="moh"
    )
    html = letters_html(meeting)
    assert 'lang="fr"' in html and "12 octobre 2030, 09:00" in html


def test_a_letter_to_someone_without_an_account_is_in_their_countrys_language(world, meeting):
    world.haiti.languages = ["fr", "ht"]
    world.haiti.save()
    Delegate.objects.create(meeting=meeting, country=world.haiti, full_name="Jean Joseph", affiliation="moh")
    with translation.override("pt"):
        html = letters_html(meeting)
    assert 'lang="fr"' in html


def test_without_a_language_of_the_site_in_the_country_the_letter_is_in_the_readers(world, meeting):
    world.haiti.languages = ["ht"]
    world.haiti.save()
    Delegate.objects.create(meeting=meeting, country=world.haiti, full_name="Jean Joseph", affiliation="moh")
    with translation.override("pt"):
        html = letters_html(meeting)
    assert 'lang="pt"' in html and "12 de outubro de 2030, 09:00" in html


def test_a_whole_delegation_comes_as_one_letter_a_page(world, meeting, kim):
    Delegate.objects.create(
        meeting=meeting, country=world.kenya, full_name="Njeri Kamau", affiliation="cdc", role="head"
    )
    html = letters_html(meeting, country=world.kenya)
    assert html.count('class="letter"') == 2
    assert html.index("Dear Njeri Kamau") < html.index("Dear Kim Member")  # the head first


def test_coordinators_the_focal_point_and_the_delegate_download_the_letter_as_pdf(world, meeting, kim):
    url = f"/n/vln/meetings/{meeting.pk}/delegations/{kim.pk}/letter.pdf"
    for persona in ("carla", "faith", "kim"):
        response = world.client_for(persona).get(url)
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    for persona in ("dan", "henri"):
        assert world.client_for(persona).get(url).status_code == 403, persona


def test_the_focal_point_downloads_the_whole_delegations_letters_in_one_pdf(world, meeting, kim):
    response = world.client_for("faith").get(f"/n/vln/meetings/{meeting.pk}/delegations/KE/letters.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    haiti = world.client_for("faith").get(f"/n/vln/meetings/{meeting.pk}/delegations/HT/letters.pdf")
    assert haiti.status_code == 403


def test_a_country_without_a_delegation_has_no_letters(world, meeting):
    assert (
        world.client_for("carla").get(f"/n/vln/meetings/{meeting.pk}/delegations/HT/letters.pdf").status_code
        == 404
    )


def test_the_delegate_sees_a_link_to_their_own_letter_only(world, meeting, kim):
    Delegate.objects.create(meeting=meeting, country=world.kenya, full_name="Njeri Kamau", affiliation="moh")
    page = world.client_for("kim").get(f"/n/vln/meetings/{meeting.pk}/delegations/").content.decode()
    assert page.count("letter.pdf") == 1 and f"/{kim.pk}/letter.pdf" in page
