"""The weekly digest of each network: on by default for participants and off for observers, as the member
chooses; what each persona reads in it (nothing of another country's unpublished data); once a week, on
Monday from 7:00 in the member's zone, however often cron runs; in the member's language; small; and an
unsubscribe link that works."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from qicop.deviance.models import ImprovementSignal
from qicop.improvement.models import ChangeIdea
from qicop.indicators.models import NetworkIndicator, OrgUnit
from qicop.knowledge.models import CaseStudy, NotificationSettings
from qicop.meetings.models import SentMail
from qicop.portal.digest.sending import send_weekly_digests, unsubscribe_url

Audience = ImprovementSignal.Audience
NAIROBI = ZoneInfo("Africa/Nairobi")
PORT_AU_PRINCE = ZoneInfo("America/Port-au-Prince")
WINDHOEK = ZoneInfo("Africa/Windhoek")  # Olga's: an hour after Nairobi


def next_monday() -> dt.date:
    today = timezone.now().date()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def at_seven(zone: ZoneInfo, day: dt.date | None = None) -> dt.datetime:
    return dt.datetime.combine(day or next_monday(), dt.time(7, 0), tzinfo=zone)


def mails_to(persona_member) -> list:
    return [m for m in mail.outbox if m.to == [persona_member.user.email]]


def text_of(persona_member) -> str:
    found = mails_to(persona_member)
    assert len(found) == 1, [m.subject for m in found]
    return found[0].body


class Signals:
    """Three signals of Kenya: national (nothing unpublished), a clinic's from every value (unpublished
    months) and another clinic's from published values only."""

    def __init__(self, world, computed_at: dt.datetime):
        kenya = world.kenya
        self.indicator = NetworkIndicator.objects.create(
            network=world.network, code="first-95", name="Knowing their status"
        )
        root = OrgUnit.objects.create(uid="KenyaRoot01", name="Kenya", country=kenya, path="/KenyaRoot01")
        hidden = OrgUnit.objects.create(
            uid="HiddenClin1", name="Nakuru Unpublished Clinic", country=kenya, parent=root,
            path="/KenyaRoot01/HiddenClin1", level=3,
        )  # fmt: skip
        shown = OrgUnit.objects.create(
            uid="ShownClin01", name="Kisumu Published Clinic", country=kenya, parent=root,
            path="/KenyaRoot01/ShownClin01", level=3,
        )  # fmt: skip
        self.national = self._signal(world, root, 1, Audience.ALL, computed_at)
        self.unpublished = self._signal(world, hidden, 3, Audience.FULL, computed_at)
        self.published = self._signal(world, shown, 3, Audience.PUBLISHED, computed_at)

    def _signal(self, world, unit, level, audience, computed_at) -> ImprovementSignal:
        return ImprovementSignal.objects.create(
            network=world.network, indicator=self.indicator, org_unit=unit, country=world.kenya,
            level=level, audience=audience, rule="shift", since="202601", since_start=dt.date(2026, 1, 1),
            latest="202609", points=9, baseline=60.0, level_now=75.0, size=15.0, relative=0.25,
            sustained=True, window_start="202401", computed_at=computed_at, first_seen=computed_at,
        )  # fmt: skip


@pytest.fixture
def monday(world):
    """The week's news in the personas' network, made on the Saturday before next Monday."""
    saturday = at_seven(NAIROBI) - dt.timedelta(days=2)
    signals = Signals(world, computed_at=saturday)
    case = CaseStudy.objects.create(
        network=world.network, country=world.haiti, title="Bringing people back to care",
        status=CaseStudy.Status.PUBLISHED,
    )  # fmt: skip
    CaseStudy.objects.filter(pk=case.pk).update(published_at=saturday)
    CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="A draft nobody may read yet",
        status=CaseStudy.Status.DRAFT,
    )  # fmt: skip
    idea = ChangeIdea.objects.create(
        network=world.network, title="Same-day start of treatment", created_by=world.carla.user
    )
    ChangeIdea.objects.filter(pk=idea.pk).update(created_at=saturday)
    return signals


def test_participants_get_it_by_default_and_observers_do_not(world, monday):
    send_weekly_digests(now=at_seven(WINDHOEK))
    assert len(mails_to(world.faith)) == 1
    assert len(mails_to(world.dan)) == 1
    assert len(mails_to(world.kim)) == 1
    assert mails_to(world.olga) == []  # an observer
    assert len(mails_to(world.carla)) == 1  # 11:00 in Bangkok


def test_the_members_choice_is_honoured_both_ways(world, monday):
    NotificationSettings.objects.create(
        member=world.olga, weekly_digest=NotificationSettings.WeeklyDigest.EVERY_NETWORK
    )
    NotificationSettings.objects.create(
        member=world.kim, weekly_digest=NotificationSettings.WeeklyDigest.NEVER
    )
    send_weekly_digests(now=at_seven(WINDHOEK))
    assert len(mails_to(world.olga)) == 1
    assert mails_to(world.kim) == []
    assert len(mails_to(world.faith)) == 1


def test_the_choice_is_made_on_the_notification_settings_page(world):
    client = world.client_for("olga")
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="weekly_digest" value="participant"' in page and 'value="never"' in page
    response = client.post("/notifications/settings/", {"email": "immediately", "weekly_digest": "all"})
    assert response.status_code == 302
    assert NotificationSettings.objects.get(member=world.olga).weekly_digest == "all"
    response = client.post("/notifications/settings/", {"email": "immediately", "weekly_digest": "weekly"})
    assert response.status_code == 400
    assert NotificationSettings.objects.get(member=world.olga).weekly_digest == "all"


def test_the_kenyan_focal_point_reads_her_countrys_unpublished_signals_and_what_she_owes(world, monday):
    send_weekly_digests(now=at_seven(NAIROBI))
    text = text_of(world.faith)
    assert "Nakuru Unpublished Clinic" in text
    assert "Knowing their status, Kenya" in text
    assert "since Jan 2026, from 60.0% to 75.0% (15.0 points)" in text
    assert "Bringing people back to care" in text and "(Haiti)" in text
    assert "Same-day start of treatment" in text
    assert "Reaching the second 95" in text  # the coming meeting
    assert "A draft nobody may read yet" not in text
    assert "/n/vln/charts/first-95/HiddenClin1/" in text


def test_a_member_from_haiti_never_reads_kenyas_unpublished_data(world, monday):
    send_weekly_digests(now=at_seven(PORT_AU_PRINCE))
    text = text_of(world.henri)
    assert "Kisumu Published Clinic" in text
    assert "Nakuru Unpublished Clinic" not in text and "HiddenClin1" not in text


def test_an_observer_who_asked_for_it_reads_national_published_signals_and_no_meetings(world, monday):
    NotificationSettings.objects.create(
        member=world.olga, weekly_digest=NotificationSettings.WeeklyDigest.EVERY_NETWORK
    )
    send_weekly_digests(now=at_seven(WINDHOEK))
    text = text_of(world.olga)
    assert "Knowing their status, Kenya" in text
    assert "Clinic" not in text
    assert "Reaching the second 95" not in text
    assert "Bringing people back to care" in text


def test_what_the_coordinator_owes_is_in_hers(world, monday):
    CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="Waiting for a reviewer",
        status=CaseStudy.Status.REVIEW,
    )  # fmt: skip
    send_weekly_digests(now=at_seven(ZoneInfo("Asia/Bangkok")))
    text = text_of(world.carla)
    assert "What you owe" in text
    assert "Review the case study “Waiting for a reviewer” (Kenya)" in text


def test_signals_first_seen_before_this_week_are_not_news_though_refreshed_since(world, monday):
    ImprovementSignal.objects.update(first_seen=at_seven(NAIROBI) - dt.timedelta(days=10))
    send_weekly_digests(now=at_seven(NAIROBI))
    assert "Signals of improvement" not in text_of(world.faith)


def test_it_lists_only_the_signals_first_seen_this_week(world, monday):
    ImprovementSignal.objects.filter(pk=monday.national.pk).update(
        first_seen=at_seven(NAIROBI) - dt.timedelta(days=8)
    )
    send_weekly_digests(now=at_seven(NAIROBI))
    text = text_of(world.faith)
    assert "Knowing their status, Nakuru Unpublished Clinic" in text
    assert "Knowing their status, Kenya:" not in text


def test_it_goes_once_a_week_on_monday_from_seven_in_each_members_zone(world, monday):
    nairobi_seven = at_seven(NAIROBI)
    send_weekly_digests(now=nairobi_seven - dt.timedelta(minutes=1))
    assert mails_to(world.faith) == [] and len(mails_to(world.carla)) == 1  # 10:59 in Bangkok
    send_weekly_digests(now=nairobi_seven)
    first = len(mail.outbox)
    kenyans = {m.to[0] for m in mail.outbox}
    assert {"faith@example.org", "dan@example.org", "kim@example.org"} <= kenyans
    assert "henri@example.org" not in kenyans  # it is midnight in Port-au-Prince
    assert send_weekly_digests(now=nairobi_seven + dt.timedelta(minutes=5)) == 0  # cron ran twice
    haiti_seven = at_seven(PORT_AU_PRINCE)
    second = send_weekly_digests(now=haiti_seven)
    assert [m.to for m in mail.outbox[first:]] == [["henri@example.org"]]
    assert second == 1
    assert send_weekly_digests(now=haiti_seven + dt.timedelta(hours=3)) == 0
    assert len(mails_to(world.faith)) == 1 and len(mails_to(world.carla)) == 1
    next_week = send_weekly_digests(now=nairobi_seven + dt.timedelta(days=7))
    assert next_week >= 3 and len(mails_to(world.faith)) == 2
    keys = set(SentMail.objects.filter(member=world.faith).values_list("key", flat=True))
    year, week, _ = next_monday().isocalendar()
    assert f"weekly-digest:{world.network.pk}:{year}-W{week:02d}" in keys


def test_the_command_queues_the_sending_and_running_it_twice_sends_nothing_twice(world, monday):
    with time_machine.travel(at_seven(NAIROBI), tick=False):
        call_command("send_weekly_digests")
        sent = len(mail.outbox)
        call_command("send_weekly_digests")
    assert sent >= 4 and len(mail.outbox) == sent
    assert len(mails_to(world.faith)) == 1


def test_a_member_from_haiti_reads_it_in_french_with_times_in_his_zone(world, monday):
    send_weekly_digests(now=at_seven(PORT_AU_PRINCE))
    message = mails_to(world.henri)[0]
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.body.startswith("Bonjour Henri Haïtien,")
    assert "Port-au-Prince" in message.body


def test_the_plain_text_is_small_and_the_html_part_light_and_without_images(world, monday):
    send_weekly_digests(now=at_seven(NAIROBI))
    message = mails_to(world.faith)[0]
    assert len(message.body.encode()) < 20_000
    html, kind = message.alternatives[0]
    assert kind == "text/html" and len(html.encode()) < 30_000 and "<img" not in html


def test_the_unsubscribe_link_stops_the_digests_and_a_changed_link_does_nothing(world, monday, client):
    send_weekly_digests(now=at_seven(NAIROBI))
    message = mails_to(world.kim)[0]
    link = unsubscribe_url(world.kim.pk)
    assert link in message.body and message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    path = link.split("://", 1)[-1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200  # a link scanner's GET changes nothing
    assert not NotificationSettings.objects.filter(member=world.kim, weekly_digest="never").exists()
    assert client.get(f"/{path[:-3]}x/").status_code == 400
    response = client.post(f"/{path}")
    assert response.status_code == 200 and "no longer receives" in response.content.decode()
    assert NotificationSettings.objects.get(member=world.kim).weekly_digest == "never"
    assert send_weekly_digests(now=at_seven(NAIROBI) + dt.timedelta(days=7)) >= 1
    assert len(mails_to(world.kim)) == 1


def test_the_queries_of_a_run_are_bounded_per_digest(world, monday, django_assert_max_num_queries):
    with django_assert_max_num_queries(4 + 5 * 40):
        sent = send_weekly_digests(now=at_seven(NAIROBI))
    assert sent == 4  # Carla, Faith, Dan, Kim
