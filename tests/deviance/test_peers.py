"""Who solved the problem I have: the places that started from the reader's level on the same measure and
then improved for good, each with why it was chosen, what explains it and the people to ask; reached from
a chart that deteriorates or misses its target by far, and from the home's deteriorations.

The personas' coaches world: Kenya's two facilities and Haiti's hospital at Jacmel report viral-load
suppression near 81 % for 36 months (target 95 %); Henri leads Haiti's shared team at Jacmel and is a
certified coach in force, Rose's certificate lapsed. The signals are written as the refresh writes them.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.utils import timezone

from coaches_world import coaches_of
from personas import make_member
from qicop.deviance.models import ImprovementSignal
from qicop.deviance.selectors import PEERS_SHOWN, level_now, peer_signals
from qicop.improvement.models import ChangeIdea, PdsaCycle
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import OrgUnit
from qicop.indicators.services import publish_period
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.network.models import Role

Audience = ImprovementSignal.Audience
PEERS = "/n/vln/improvements/peers/"
HERE = {"indicator": "vl-suppression", "org_unit": "NakuruHosp1"}  # Kim's facility, at 81 %
SINCE = 24  # the month (index among the 36) the peers' new level starts


@pytest.fixture
def coaches(world):
    found = coaches_of(world)
    for period in found.improvement.data.periods:  # Haiti publishes too: its signals are for everyone
        publish_period(actor=world.carla.user, country=world.haiti, period_id=period)
    return found


def month_of(period: str) -> date:
    return date(int(period[:4]), int(period[4:]), 1)


def signal(coaches, uid, *, baseline, now, sustained=True, audience=Audience.ALL) -> ImprovementSignal:
    data = coaches.improvement.data
    unit = OrgUnit.objects.get(uid=uid)
    values = np.array([baseline] * SINCE + [now] * (36 - SINCE), dtype="<f4")
    return ImprovementSignal.objects.create(
        network=coaches.world.network,
        indicator=data.indicator,
        org_unit=unit,
        country=unit.country,
        level=unit.level,
        audience=audience,
        rule="shift",
        since=data.periods[SINCE],
        since_start=month_of(data.periods[SINCE]),
        latest=data.periods[-1],
        points=36 - SINCE,
        baseline=baseline,
        level_now=now,
        size=now - baseline,
        relative=abs(now - baseline) / baseline,
        sustained=sustained,
        window=values.tobytes(),
        window_start=data.periods[0],
        computed_at=timezone.now(),
    )


def peers_of(coaches, persona: str) -> list[str]:
    world = coaches.world
    user = world.carla.user if persona == "carla" else getattr(world, persona).user
    unit = OrgUnit.objects.get(uid="NakuruHosp1")
    return [
        s.org_unit.uid
        for s in peer_signals(
            user,
            world.network,
            indicator=coaches.improvement.data.indicator,
            org_unit=unit,
            baseline_level=81.0,
        )
    ]


def page(world, persona: str, **query) -> str:
    response = world.client_for(persona).get(PEERS, {**HERE, **query})
    assert response.status_code == 200
    return response.content.decode()


def worsen(coaches):
    """Kenya's two facilities fall to 60 % for the last seven months: a deterioration, nationally too."""
    data = coaches.improvement.data
    rows = []
    for period in data.periods[-7:]:
        for unit, tested in (("NakuruHosp1", 100), ("NaivashaHC1", 40)):
            rows.append(
                DataValueRow("VlSupp0001a", period, unit, value=str(int(tested * 0.6)), index=len(rows))
            )
    summary = import_data_values(actor=coaches.world.carla.user, rows=rows, options=ImportOptions())
    assert summary["status"] == "SUCCESS", summary


# --- matching ---------------------------------------------------------------------------------------------


def test_the_readers_level_is_the_mean_of_their_last_three_months(coaches):
    data = coaches.improvement.data
    level = level_now(
        coaches.world.kim.user,
        data.indicator,
        OrgUnit.objects.get(uid="NakuruHosp1"),
        # Kim's today, in Nairobi, as a request of hers reads it (and as the world's months are counted).
        timezone.localdate(timezone=ZoneInfo("Africa/Nairobi")),
    )
    assert level.value == pytest.approx(81.0)  # 80, 81 and 82 % in some order
    assert level.periods == data.periods[-3:]


def test_a_place_that_started_near_the_readers_level_and_improved_for_good_is_a_peer(coaches):
    signal(coaches, "JacmelHosp1", baseline=78.0, now=90.0)
    assert peers_of(coaches, "kim") == ["JacmelHosp1"]


def test_a_place_that_started_far_from_the_readers_level_is_not(coaches):
    signal(coaches, "JacmelHosp1", baseline=75.0, now=90.0)  # 6 points below 81 %: outside the 5-point band
    signal(coaches, "HaitiRoot01", baseline=86.5, now=95.0)  # 5.5 points above
    assert peers_of(coaches, "kim") == []


def test_an_improvement_that_did_not_hold_is_not_a_peer(coaches):
    signal(coaches, "JacmelHosp1", baseline=80.0, now=90.0, sustained=False)
    assert peers_of(coaches, "kim") == []


def test_a_deterioration_is_never_a_peer(coaches):
    signal(coaches, "JacmelHosp1", baseline=80.0, now=70.0)  # suppression fell: worse, whatever else holds
    assert peers_of(coaches, "kim") == []


def test_the_readers_own_place_is_not_its_own_peer(coaches):
    signal(coaches, "NakuruHosp1", baseline=80.0, now=90.0)
    assert peers_of(coaches, "kim") == []


def test_unpublished_data_of_another_country_is_never_used_for_a_reader_who_may_not_see_it(coaches):
    # Haiti's national series from every value, unpublished months included: Haiti's own people read it.
    signal(coaches, "HaitiRoot01", baseline=80.0, now=90.0, audience=Audience.FULL)
    assert peers_of(coaches, "kim") == []
    assert peers_of(coaches, "henri") == ["HaitiRoot01"]
    assert peers_of(coaches, "carla") == ["HaitiRoot01"]


def test_places_of_the_readers_size_come_first_then_the_largest_improvement(coaches):
    signal(coaches, "JacmelHosp1", baseline=81.0, now=95.0)  # a district-level unit, the largest gain
    signal(coaches, "NaivashaHC1", baseline=79.0, now=84.0)  # a facility, like Nakuru's hospital
    signal(coaches, "HaitiRoot01", baseline=82.0, now=88.0)
    assert peers_of(coaches, "kim") == ["NaivashaHC1", "JacmelHosp1", "HaitiRoot01"]


# --- the page ---------------------------------------------------------------------------------------------


def test_each_peer_says_why_it_was_chosen_in_words(coaches):
    signal(coaches, "JacmelHosp1", baseline=78.0, now=90.0)
    since = month_of(coaches.improvement.data.periods[SINCE]).strftime("%b %Y")
    text = page(coaches.world, "kim")
    assert "Hôpital de Jacmel" in text and "Haiti" in text
    assert f"Started at 78.0%, like you at 81.0%; a sustained rise of 12.0 points since {since}." in text
    assert 'JacmelHosp1"' not in text.replace("/JacmelHosp1/", "")  # names, never codes (bar in links)


def test_the_people_to_ask_are_the_focal_point_the_team_lead_and_the_coaches_in_force(coaches):
    world = coaches.world
    make_member(
        "fabrice@example.org", "Fabrice Focal", world.haiti, network=world.network, roles=[Role.FOCAL_POINT]
    )
    signal(coaches, "JacmelHosp1", baseline=78.0, now=90.0)
    text = page(world, "kim")
    assert "Fabrice Focal" in text and "focal point of Haiti" in text
    assert "Henri Haïtien" in text
    assert "leads the team Hôpital de Jacmel" in text and "certified QI coach in Haiti" in text
    assert text.count("Henri Haïtien") == 1  # one person, both roles
    assert "Rose Lapsée" not in text  # her certificate lapsed
    assert f"/n/vln/members/{world.henri.pk}/" in text


def test_people_are_shown_as_the_member_directory_shows_them_to_the_reader(coaches):
    signal(coaches, "JacmelHosp1", baseline=78.0, now=90.0)
    assert "henri@example.org" not in page(coaches.world, "kim")  # another country's member: no e-mail
    assert "henri@example.org" in page(coaches.world, "carla")  # the coordinator sees it in the directory


def test_a_peers_story_is_the_feeds_its_pdsa_cycles_and_change_ideas(coaches):
    world, improvement = coaches.world, coaches.improvement
    start = month_of(improvement.data.periods[SINCE]) - timedelta(days=30)
    idea = ChangeIdea.objects.create(
        network=world.network,
        title="Text reminders before the sample is due",
        indicator=improvement.data.indicator,
        country=world.haiti,
        created_by=world.henri.user,
    )
    PdsaCycle.objects.create(
        team=improvement.jacmel,
        change_idea=idea,
        title="Reminders for one clinic day",
        measure=improvement.haiti_measure,
        start=start,
        end=start + timedelta(days=14),
        created_by=world.henri.user,
    )
    signal(coaches, "JacmelHosp1", baseline=78.0, now=90.0)
    text = page(world, "kim")
    assert "Reminders for one clinic day" in text and "Text reminders before the sample is due" in text


def test_no_peer_says_what_to_do_next(coaches):
    text = page(coaches.world, "kim")
    assert "Nobody who started near your level has improved this measure for good yet" in text
    assert (
        "Ask the network in a discussion" in text and "/n/vln/discussions/new/?chart=vl-suppression" in text
    )


def test_a_place_with_no_data_the_reader_may_see_says_so(coaches):
    text = page(coaches.world, "olga")  # an observer reads published national totals only
    assert "no level to compare with" in text


def test_an_unknown_measure_or_place_is_not_found(coaches):
    client = coaches.world.client_for("kim")
    assert client.get(PEERS, {**HERE, "indicator": "nope"}).status_code == 404
    assert client.get(PEERS, {**HERE, "org_unit": "NoSuchUnit1"}).status_code == 404
    assert client.get(PEERS).status_code == 404


def test_the_page_asks_a_fixed_number_of_queries_and_stays_light(coaches, django_assert_max_num_queries):
    world = coaches.world
    make_member(
        "fabrice@example.org", "Fabrice Focal", world.haiti, network=world.network, roles=[Role.FOCAL_POINT]
    )
    signal(coaches, "JacmelHosp1", baseline=78.0, now=90.0)
    client = world.client_for("kim")
    client.get(PEERS, HERE)
    with django_assert_max_num_queries(20):
        few = client.get(PEERS, HERE)
    for uid in ("NaivashaHC1", "HaitiRoot01", "NakuruCnty1", "KenyaRoot01"):
        signal(coaches, uid, baseline=80.0, now=88.0)
    with django_assert_max_num_queries(20):
        many = client.get(PEERS, HERE)
    assert len(many.context["peers"]) == 5 < PEERS_SHOWN
    assert len(few.context["peers"]) == 1
    assert len(many.content) < 100_000


# --- the links in -----------------------------------------------------------------------------------------


def chart(world, persona="kim", uid="NakuruHosp1") -> str:
    return world.client_for(persona).get(f"/n/vln/charts/vl-suppression/{uid}/").content.decode()


LINK = "/n/vln/improvements/peers/?indicator=vl-suppression&amp;org_unit="


def test_a_chart_far_from_its_target_asks_who_solved_this(coaches):
    text = chart(coaches.world)  # 81 % against 95 %
    assert "Who solved this?" in text and LINK + "NakuruHosp1" in text


def test_a_chart_near_its_target_without_deterioration_does_not(coaches):
    indicator = coaches.improvement.data.indicator
    indicator.target = 85  # 81 % misses it by less than a tenth
    indicator.save()
    assert "Who solved this?" not in chart(coaches.world)
    indicator.target = None
    indicator.save()
    assert "Who solved this?" not in chart(coaches.world)


def test_a_deteriorating_chart_asks_who_solved_this_even_without_a_target(coaches):
    indicator = coaches.improvement.data.indicator
    indicator.target = None
    indicator.save()
    worsen(coaches)
    text = chart(coaches.world)
    assert "Who solved this?" in text and LINK + "NakuruHosp1" in text


def test_the_homes_deteriorations_link_to_who_solved_this(coaches):
    worsen(coaches)
    text = coaches.world.client_for("kim").get("/n/vln/").content.decode()
    part = text[text.index('id="changed"') :]
    assert "deterioration" in part
    assert "Who solved this?" in part and LINK + "KenyaRoot01" in part
