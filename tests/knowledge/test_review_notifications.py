"""A case study submitted for review notifies its reviewers — the network's coordinators and the focal
point of its country — in the site and by e-mail as each chose (at once, in the daily digest, or not),
in their language; reviewers find what waits for them from the case studies list, and the notifications
page links every case-study notification to its case study."""

from __future__ import annotations

import re

from django.core import mail

from knowledge.test_case_studies import make_case, url
from qicop.knowledge import notifications
from qicop.knowledge.cases import services as cases
from qicop.knowledge.models import CaseStudy, Notification, NotificationSettings
from qicop.network.models import Membership, Role

LIST = "/n/vln/case-studies/"


def submit(world, case, persona="kim"):
    return cases.case_study_submit(actor=getattr(world, persona).user, case_study=case)


def notified(kind="submitted") -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("member_id", flat=True))


def choose(member, email: str) -> None:
    NotificationSettings.objects.update_or_create(member=member, defaults={"email": email})


def test_submitting_notifies_the_coordinators_and_the_countrys_focal_point(world):
    # Henri becomes Haiti's focal point: he does not review Kenya's case studies.
    Membership.objects.create(member=world.henri, network=world.network, role=Role.FOCAL_POINT)
    case = make_case(world)
    submit(world, case)
    assert notified() == {world.carla.pk, world.faith.pk}
    assert set(Notification.objects.filter(kind="submitted").values_list("case_study", flat=True)) == {
        case.pk
    }


def test_whoever_submits_is_not_notified_of_their_own_step(world):
    case = make_case(world, author=world.faith)
    submit(world, case, "faith")
    assert notified() == {world.carla.pk}


def test_reviewers_who_chose_immediately_get_an_e_mail_in_their_language_with_a_link(world):
    world.faith.user.language = "fr"
    world.faith.user.save()
    case = make_case(world, summary="Six-month refills freed clinic time.")
    mail.outbox.clear()
    submit(world, case)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"carla@example.org", "faith@example.org"}
    english, french = by_recipient["carla@example.org"], by_recipient["faith@example.org"]
    assert english.subject == "Waiting for your review: Refill groups"
    assert "Six-month refills freed clinic time." in english.body
    assert f"/n/vln/case-studies/{case.pk}/" in english.body
    assert "Refill groups" in french.subject and "Dear Faith Focal" not in french.body
    assert Notification.objects.filter(kind="submitted", emailed_at__isnull=False).count() == 2


def test_a_reviewer_on_never_is_notified_in_the_site_only(world):
    choose(world.carla, "never")
    case = make_case(world)
    mail.outbox.clear()
    submit(world, case)
    assert world.carla.pk in notified()
    assert [message.to for message in mail.outbox] == [["faith@example.org"]]


def test_a_reviewer_on_the_daily_digest_finds_the_case_study_there(world):
    choose(world.faith, "daily")
    case = make_case(world)
    mail.outbox.clear()
    submit(world, case)
    assert [message.to for message in mail.outbox] == [["carla@example.org"]]
    mail.outbox.clear()
    assert notifications.send_digests() == 1
    [digest] = mail.outbox
    assert digest.to == ["faith@example.org"]
    assert "“Refill groups” (Kenya) waits for your review" in digest.body
    assert f"/n/vln/case-studies/{case.pk}/" in digest.body


def test_a_case_study_no_longer_in_review_is_not_e_mailed_later(world):
    choose(world.faith, "daily")
    case = make_case(world)
    submit(world, case)
    cases.case_study_return_to_draft(actor=world.faith.user, case_study=case)
    mail.outbox.clear()
    assert notifications.send_digests() == 0
    assert not mail.outbox
    # The site still tells what happened.
    assert world.faith.pk in notified()


def test_the_notifications_page_links_each_case_study_notification_to_its_case_study(world):
    case = make_case(world)
    submit(world, case)
    cases.case_study_comment(actor=world.faith.user, case_study=case, body="Add the baseline.")
    cases.case_study_publish(actor=world.carla.user, case_study=case)
    link = f'href="{url(case)}"'
    for persona, sentence in [
        ("faith", "“Refill groups” was submitted for review"),
        ("kim", "A reviewer commented on “Refill groups”"),
        ("kim", "“Refill groups” was published"),
    ]:
        page = world.client_for(persona).get("/notifications/").content.decode()
        assert sentence in page
        assert link in page


def test_the_status_filter_is_offered_to_those_who_may_see_unpublished_case_studies(world):
    kim_page = world.client_for("kim").get(LIST).content.decode()
    olga_page = world.client_for("olga").get(LIST).content.decode()
    assert 'name="status"' in kim_page and '<label for="id_status">' in kim_page
    assert 'name="status"' not in olga_page


def test_the_status_filter_lists_only_what_the_viewer_may_see(world):
    in_review = make_case(world, title="Kim in review")
    submit(world, in_review)
    henris = make_case(world, author=world.henri, title="Henri in review")
    submit(world, henris, "henri")
    make_case(world, title="Kim draft")

    def titles(persona, query):
        page = world.client_for(persona).get(LIST + query).content.decode()
        return {t for t in ("Kim in review", "Henri in review", "Kim draft") if t in page}

    assert titles("kim", "?status=review") == {"Kim in review"}
    assert titles("carla", "?status=review") == {"Kim in review", "Henri in review"}
    assert titles("carla", "?status=draft") == {"Kim draft"}
    # An observer's status in the address is ignored, and drafts stay hidden.
    assert titles("olga", "?status=draft") == set()


def test_reviewers_see_how_many_case_studies_wait_for_their_review(world):
    submit(world, make_case(world, title="Kenyan one"))
    submit(world, make_case(world, author=world.henri, title="Haitian one"), "henri")
    make_case(world, title="Still a draft")

    def waiting_link(persona):
        page = world.client_for(persona).get(LIST).content.decode()
        found = re.search(r'<a href="([^"]*)">Waiting for your review \((\d+)\)</a>', page)
        return (found.group(1).replace("&amp;", "&"), int(found.group(2))) if found else None

    assert waiting_link("carla") == (f"{LIST}?status=review", 2)
    assert waiting_link("faith") == (f"{LIST}?status=review&country={world.kenya.pk}", 1)
    assert waiting_link("kim") is None
    assert waiting_link("olga") is None
    # The link lists exactly what waits for Faith.
    page = world.client_for("faith").get(f"{LIST}?status=review&country={world.kenya.pk}").content.decode()
    assert "Kenyan one" in page and "Haitian one" not in page and "Still a draft" not in page


def test_a_case_study_submitted_again_after_a_return_to_draft_notifies_again(world):
    case = make_case(world, status=CaseStudy.Status.REVIEW)
    cases.case_study_return_to_draft(actor=world.faith.user, case_study=case)
    submit(world, case)
    assert Notification.objects.filter(kind="submitted", member=world.carla).count() == 2
