"""Unsubscribing from meeting e-mails: a signed link, no sign-in; one-click from mail programs; members
see and undo their choices on the mail preferences page."""

import re
from datetime import timedelta

from django.core import mail as outbox
from django.test import Client

from qicop.meetings.mail import unsubscribe
from qicop.meetings.models import MailOptOut


def link(member, kind="invitations") -> str:
    return f"/meetings/unsubscribe/{unsubscribe.unsubscribe_token(member.pk, kind)}/"


def test_the_link_asks_for_confirmation_before_changing_anything(world):
    response = Client().get(link(world.kim))
    assert response.status_code == 200
    page = response.content.decode()
    assert "kim@example.org" in page and "Invitations and updates" in page and "<form" in page
    assert not MailOptOut.objects.exists()


def test_confirming_stops_that_kind_of_mail(world):
    response = Client().post(link(world.kim))
    assert response.status_code == 200
    assert "no longer receives" in response.content.decode()
    assert list(MailOptOut.objects.values_list("member", "kind")) == [(world.kim.pk, "invitations")]
    world.client_for("carla").post(f"/n/vln/meetings/{world.meeting.pk}/mail/invitations/")
    assert "kim@example.org" not in [m.to[0] for m in outbox.outbox]
    assert len(outbox.outbox) == 4


def test_a_mail_programs_one_click_post_works_without_a_session_or_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        link(world.henri, "reminders"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert MailOptOut.objects.filter(member=world.henri, kind="reminders").exists()
    client.post(link(world.henri, "reminders"))  # twice is the same as once
    assert MailOptOut.objects.count() == 1


def test_the_link_that_went_out_in_a_mail_works(world):
    world.client_for("carla").post(f"/n/vln/meetings/{world.meeting.pk}/mail/invitations/")
    (message,) = [m for m in outbox.outbox if m.to == ["dan@example.org"]]
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert Client().post(url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert MailOptOut.objects.filter(member=world.dan, kind="invitations").exists()


def test_a_changed_or_truncated_link_gives_a_clear_400_page(world):
    token = unsubscribe.unsubscribe_token(world.kim.pk, "all")
    for bad in (token[:-3], token.replace(token[2], "x" if token[2] != "x" else "y", 1), "not-a-token"):
        response = Client().post(f"/meetings/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "This unsubscribe link does not work" in response.content.decode()
    assert not MailOptOut.objects.exists()


def test_an_expired_link_says_so(world, monkeypatch):
    token = unsubscribe.unsubscribe_token(world.kim.pk, "all")
    monkeypatch.setattr(unsubscribe, "UNSUBSCRIBE_MAX_AGE", timedelta(seconds=-1))
    response = Client().get(f"/meetings/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "The link has expired" in response.content.decode()


def test_a_link_for_another_purpose_is_not_an_unsubscribe_link(world):
    from django.core import signing

    forged = signing.dumps({"m": world.kim.pk, "k": "all"}, salt="something else")
    assert Client().post(f"/meetings/unsubscribe/{forged}/").status_code == 400
    unknown_kind = signing.dumps({"m": world.kim.pk, "k": "everything"}, salt=unsubscribe.UNSUBSCRIBE_SALT)
    assert Client().post(f"/meetings/unsubscribe/{unknown_kind}/").status_code == 400


def test_the_page_speaks_the_members_language(world):
    user = world.henri.user
    user.language = "fr"
    user.save()
    page = Client().get(link(world.henri)).content.decode()
    assert '<html lang="fr">' in page


def test_a_member_sees_and_undoes_their_opt_outs(world, django_assert_max_num_queries):
    MailOptOut.objects.create(member=world.kim, kind="reminders")
    MailOptOut.objects.create(member=world.kim, kind="follow_ups")
    client = world.client_for("kim")
    with django_assert_max_num_queries(12):
        page = client.get("/n/vln/meetings/mail-preferences/").content.decode()
    checked = set(re.findall(r'value="(\w+)" id="id_opt_outs_\d" checked', page))
    assert checked == {"reminders", "follow_ups"}
    response = client.post("/n/vln/meetings/mail-preferences/", {"opt_outs": ["follow_ups", "invitations"]})
    assert response.status_code == 302
    assert set(MailOptOut.objects.filter(member=world.kim).values_list("kind", flat=True)) == {
        "follow_ups",
        "invitations",
    }
    client.post("/n/vln/meetings/mail-preferences/", {})
    assert not MailOptOut.objects.filter(member=world.kim).exists()


def test_a_kind_that_does_not_exist_is_refused_with_the_choice_redisplayed(world):
    client = world.client_for("kim")
    response = client.post("/n/vln/meetings/mail-preferences/", {"opt_outs": ["reminders", "spam"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "spam is not a kind of meeting e-mail." in page
    assert not MailOptOut.objects.exists()


def test_observers_and_outsiders_have_no_mail_preferences_page(world):
    assert world.client_for("olga").get("/n/vln/meetings/mail-preferences/").status_code == 403
    assert world.client_for("oscar").get("/n/vln/meetings/mail-preferences/").status_code == 404
