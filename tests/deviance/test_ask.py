"""'Ask them how' is addressed to someone: the discussion it starts about a place's chart is put to that
country's focal points in the network and to the lead of an improvement team at that very place (as far
as the asker may see the team), who follow it and are notified once, in the site and by e-mail; the form
names them before anything is posted. Nobody of another country hears of it.

The improvement world: Faith is Kenya's focal point; Kim leads Kenya's team (a collaborative not shared
with the network) at Nakuru Level 5 Hospital; Henri is a member from Haiti."""

from __future__ import annotations

import pytest
from django.core import mail

from improvement_world import improvement_of
from personas import make_member
from qicop.core.audit import AuditEntry
from qicop.knowledge.models import Notification, Subscription, Thread
from qicop.network.models import Role

ASK = "/n/vln/improvements/ask/"
CHART = {"chart": "vl-suppression/NakuruHosp1"}
QUESTION = {
    "title": "How did Nakuru Level 5 Hospital improve viral suppression?",
    "body": "What did you change? @faith, could you tell us?",
}


@pytest.fixture
def place(world):
    """The improvement world, with a focal point of Haiti and one of Kenya in the other network only."""
    found = improvement_of(world)
    world.haitian_focal = make_member(
        "marie@example.org", "Marie Point Focal", world.haiti, network=world.network, roles=[Role.FOCAL_POINT]
    )
    world.elsewhere = make_member(
        "otieno@example.org", "Otieno Elsewhere", world.kenya, network=world.other_network,
        roles=[Role.FOCAL_POINT],
    )  # fmt: skip
    return found


def ask(world, persona: str, **data):
    return world.client_for(persona).post(f"{ASK}?chart={CHART['chart']}", {**QUESTION, **data})


def told(world, thread) -> dict[str, int]:
    """Notifications about ``thread``, by the persona's name."""
    names = {m.pk: m.full_name for m in (world.faith, world.kim, world.dan, world.carla, world.henri)}
    names |= {world.haitian_focal.pk: "Marie", world.elsewhere.pk: "Otieno"}
    out: dict[str, int] = {}
    for member_id in Notification.objects.filter(thread=thread).values_list("member_id", flat=True):
        out[names[member_id]] = out.get(names[member_id], 0) + 1
    return out


def test_the_form_names_who_will_be_asked_before_anything_is_posted(world, place):
    response = world.client_for("carla").get(ASK, {**CHART, **QUESTION})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Who will be asked" in page
    assert "Faith Focal" in page and "focal point of Kenya" in page
    assert "Kim Member" in page and "leads the team Nakuru Level 5 Hospital" in page
    assert "Marie Point Focal" not in page and "Otieno" not in page and "Dan Data" not in page
    assert 'value="How did Nakuru Level 5 Hospital improve viral suppression?"' in page
    assert not Thread.objects.exists()


def test_asking_notifies_the_focal_point_once_and_nobody_of_another_country(world, place):
    mail.outbox.clear()
    response = ask(world, "henri")  # his text mentions Faith too: she hears once
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/n/vln/discussions/{thread.pk}/"
    assert (thread.chart_indicator, thread.chart_org_unit) == ("vl-suppression", "NakuruHosp1")
    # Kenya's collaborative is not shared: Henri does not see its team, so its lead is not asked by him.
    assert told(world, thread) == {"Faith Focal": 1}
    assert Subscription.objects.filter(thread=thread, member=world.faith).exists()
    assert [m.to for m in mail.outbox] == [["faith@example.org"]]
    entry = AuditEntry.objects.get(verb="discussion.address")
    assert entry.data == {"members": [world.faith.pk]}


def test_the_lead_of_the_team_at_the_place_is_asked_too(world, place):
    ask(world, "carla", body="What did you change?")
    thread = Thread.objects.get()
    assert told(world, thread) == {"Faith Focal": 1, "Kim Member": 1}
    assert set(Subscription.objects.filter(thread=thread).values_list("member__full_name", flat=True)) == {
        "Carla Coordinator",
        "Faith Focal",
        "Kim Member",
    }


def test_the_asker_is_never_asked(world, place):
    ask(world, "faith", body="Colleagues, what did the team change?")
    thread = Thread.objects.get()
    assert told(world, thread) == {"Kim Member": 1}  # Faith sees her country's team; she is not told


def test_a_question_without_a_message_is_refused_with_what_was_typed_and_nothing_posted(world, place):
    response = ask(world, "henri", body="   ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write a message." in page and 'value="How did Nakuru Level 5 Hospital' in page
    assert "Faith Focal" in page  # still says who will be asked
    assert not Thread.objects.exists() and not Notification.objects.exists()


def test_observers_may_not_ask_and_an_unknown_chart_is_not_found(world, place):
    assert world.client_for("olga").get(ASK, CHART).status_code == 403
    assert world.client_for("henri").get(ASK, {"chart": "vl-suppression/NoSuchUnit1"}).status_code == 404
    assert world.client_for("henri").get(ASK, {"chart": "unknown/NakuruHosp1"}).status_code == 404
    assert world.client_for("henri").get(ASK).status_code == 404


def test_the_form_takes_a_bounded_number_of_queries(world, place, django_assert_max_num_queries):
    client = world.client_for("carla")
    client.get(ASK, CHART)
    with django_assert_max_num_queries(14):
        client.get(ASK, CHART)
