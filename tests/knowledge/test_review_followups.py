"""Found in the second review: each test failed before its fix.

Attachments in the version history, two people editing at once, emptying the author list, choosing places
and co-authors of another country without JavaScript, notifications of threads one can no longer read,
thread pages of long posts, and a private feed address for feed readers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge.test_case_studies import form_data, make_case, url
from qicop.knowledge.cases import services as cases
from qicop.knowledge.models import CaseStudy

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def edit_data(world, case, **overrides) -> dict:
    data = form_data(world, title=case.title, version=case.version, authors_shown="True")
    data["authors"] = [a.pk for a in case.authors.all()]
    data.update(overrides)
    return data


# 1. Attachments are part of the version history


def test_adding_and_removing_an_attachment_records_versions_the_history_shows(world):
    case = make_case(world)
    kim = world.client_for("kim")
    upload = SimpleUploadedFile("slides.pdf", PDF, content_type="application/pdf")
    assert kim.post(url(case, "attachments/"), {"title": "Run charts", "file": upload}).status_code == 302
    case.refresh_from_db()
    assert case.version == 2
    added = case.versions.get(number=2)
    assert added.author == world.kim.user and "Run charts" in added.note
    assert added.data["attachments"] == ["Run charts (slides.pdf)"]
    diff = kim.get(url(case, "history/?version=2")).content.decode()
    assert "Attachments" in diff and "+Run charts (slides.pdf)" in diff

    attachment = case.attachments.get()
    response = world.client_for("faith").post(url(case, f"attachments/{attachment.pk}/delete/"))
    assert response.status_code == 302
    case.refresh_from_db()
    removed = case.versions.get(number=3)
    assert case.version == 3 and removed.author == world.faith.user and removed.data["attachments"] == []
    diff = kim.get(url(case, "history/?version=3")).content.decode()
    assert "-Run charts (slides.pdf)" in diff
    page = kim.get(url(case, "history/")).content.decode()
    assert "Faith Focal" in page and "Run charts" in page


# 2. Optimistic locking


def test_the_second_of_two_simultaneous_edits_is_refused_with_the_text_kept(world):
    case = make_case(world)
    opened = case.version
    faith, kim = world.client_for("faith"), world.client_for("kim")
    assert f'name="version" value="{opened}"' in kim.get(url(case, "edit/")).content.decode()
    first = faith.post(url(case, "edit/"), edit_data(world, case, aim="Faith's aim", version=opened))
    assert first.status_code == 302
    second = kim.post(url(case, "edit/"), edit_data(world, case, aim="Kim's own aim", version=opened))
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone saved this case study while you were editing (version 2)" in page
    assert "Kim&#x27;s own aim" in page  # what Kim typed comes back
    assert 'name="version" value="2"' in page  # saving again, having compared, is possible
    case.refresh_from_db()
    assert case.aim == "Faith's aim" and case.version == 2 and case.versions.count() == 2

    again = kim.post(url(case, "edit/"), edit_data(world, case, aim="Kim's own aim", version=2))
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.aim == "Kim's own aim" and case.version == 3


def test_the_service_refuses_a_stale_version_and_writes_nothing(world):
    case = make_case(world)
    cases.case_study_update(actor=world.faith.user, case_study=case, fields={"aim": "A"}, expected_version=1)
    stale = CaseStudy.objects.get(pk=case.pk)
    stale.version = 1
    with pytest.raises(cases.VersionConflict) as refused:
        cases.case_study_update(
            actor=world.kim.user, case_study=stale, fields={"aim": "B"}, expected_version=1
        )
    assert refused.value.current == 2
    case.refresh_from_db()
    assert case.aim == "A" and case.versions.count() == 2


# 3. The author list is never emptied


def test_unticking_every_author_is_refused_with_a_clear_message(world):
    case = make_case(world)
    case.authors.add(world.dan)
    for persona in ("kim", "carla"):
        data = edit_data(world, case, title="Nobody's now")
        data.pop("authors")
        response = world.client_for(persona).post(url(case, "edit/"), data)
        assert response.status_code == 400
        assert "A case study keeps at least one author" in response.content.decode()
    case.refresh_from_db()
    assert case.title == "Refill groups" and set(case.authors.all()) == {world.kim, world.dan}


def test_authors_can_be_handed_over(world):
    case = make_case(world)
    response = world.client_for("kim").post(
        url(case, "edit/"), edit_data(world, case, authors=[world.dan.pk])
    )
    assert response.status_code == 302
    assert list(case.authors.all()) == [world.dan]
    with pytest.raises(Exception, match="at least one author"):
        cases.case_study_update(actor=world.carla.user, case_study=case, fields={}, authors=[])


# 4. Places and co-authors of the chosen country, without JavaScript


def test_a_coordinator_chooses_the_country_then_its_places_and_co_authors(world):
    from qicop.indicators.models import OrgUnit

    nakuru = OrgUnit.objects.create(
        uid="NakuruCo001", code="NK", name="Nakuru County", country=world.kenya, path="/NakuruCo001", level=2
    )
    carla = world.client_for("carla")
    first = carla.get("/n/vln/case-studies/new/").content.decode()
    assert 'name="country"' in first and "Kenya" in first  # the country step, without JavaScript
    page = carla.get("/n/vln/case-studies/new/", {"country": world.kenya.pk}).content.decode()
    assert "Nakuru County" in page and "Kim Member" in page and "Henri" not in page
    response = carla.post(
        f"/n/vln/case-studies/new/?country={world.kenya.pk}",
        form_data(world, org_units=[nakuru.pk], authors=[world.kim.pk]),
    )
    assert response.status_code == 302
    case = CaseStudy.objects.get()
    assert case.country == world.kenya and list(case.org_units.all()) == [nakuru]
    assert set(case.authors.all()) == {world.carla, world.kim}


def test_a_member_still_writes_about_their_own_country_only(world):
    page = world.client_for("kim").get("/n/vln/case-studies/new/", {"country": world.haiti.pk}).content
    assert b"Haiti" not in page
    response = world.client_for("kim").post(
        f"/n/vln/case-studies/new/?country={world.haiti.pk}", form_data(world, country=world.haiti.pk)
    )
    assert response.status_code == 400 and not CaseStudy.objects.exists()


# 5. Notifications of threads one can no longer read


def _thread(world, persona, title, **attached):
    from qicop.knowledge.discussions import services as discussions

    member = getattr(world, persona)
    return discussions.thread_start(
        actor=member.user, author=member, network=world.network, title=title, body="Hello.", **attached
    )


def _reply(world, thread, persona):
    from qicop.knowledge.discussions import services as discussions

    member = getattr(world, persona)
    return discussions.post_reply(actor=member.user, author=member, thread=thread, body="Same here.")


def test_notifications_never_name_a_thread_hidden_since(world):
    from qicop.knowledge.discussions import services as discussions

    thread = _thread(world, "kim", "Courier secrets of Nakuru")
    _reply(world, thread, "henri")
    kim = world.client_for("kim")
    assert "Courier secrets of Nakuru" in kim.get("/notifications/").content.decode()
    discussions.thread_moderate(actor=world.carla.user, thread=thread, hidden=True)
    page = kim.get("/notifications/").content.decode()
    assert "Courier secrets of Nakuru" not in page
    assert "a discussion you can no longer see" in page
    assert f"/discussions/{thread.pk}/" not in page


def test_notifications_never_name_a_thread_of_a_case_study_gone_back_to_draft(world):
    case = make_case(world, status=CaseStudy.Status.PUBLISHED)
    thread = _thread(world, "henri", "Refill group sizes", case_study=case)
    _reply(world, thread, "kim")
    henri = world.client_for("henri")
    assert "Refill group sizes" in henri.get("/notifications/").content.decode()
    cases.case_study_return_to_draft(actor=world.carla.user, case_study=case)
    page = henri.get("/notifications/").content.decode()
    assert "Refill group sizes" not in page and "a discussion you can no longer see" in page


# 6. Every page of a thread stays under 100 KB


@pytest.mark.parametrize("persona", ["kim", "carla"])
@pytest.mark.parametrize("text", ["x", "Réunion à l’hôpital — données. ", '"&<', "[a](https://e.org/) "])
def test_every_page_of_a_thread_of_long_posts_stays_under_100_kb(world, persona, text):
    from qicop.knowledge.discussions import services as discussions

    body = (text * 20_000)[:20_000]
    thread = _thread(world, "kim", "Long reports")
    posts = [
        discussions.post_reply(actor=world.henri.user, author=world.henri, thread=thread, body=body)
        for _ in range(20)
    ]
    client = world.client_for(persona)
    first = client.get(f"/n/vln/discussions/{thread.pk}/")
    last_page = 1
    while True:
        response = client.get(f"/n/vln/discussions/{thread.pk}/", {"page": last_page})
        assert response.status_code == 200
        assert len(response.content) <= 100_000, (last_page, len(response.content))
        if f"page={last_page + 1}" not in response.content.decode():
            break
        last_page += 1
    assert last_page > 1 and "Read the whole post" in first.content.decode()
    # Each post's address finds its page, and its own page shows it whole.
    link = client.get(f"/n/vln/discussions/{thread.pk}/posts/{posts[-1].pk}/")
    assert link["Location"] == f"/n/vln/discussions/{thread.pk}/?page={last_page}#post-{posts[-1].pk}"
    whole = client.get(f"/n/vln/discussions/{thread.pk}/posts/{posts[0].pk}/whole/")
    assert whole.status_code == 200 and len(whole.content) <= 100_000
    if text == "x":
        assert "x" * 20_000 in whole.content.decode()


def test_short_posts_still_fill_a_page(world):
    from qicop.knowledge.discussions import services as discussions

    thread = _thread(world, "kim", "Quick answers")
    for n in range(20):
        discussions.post_reply(actor=world.henri.user, author=world.henri, thread=thread, body=f"Answer {n}")
    page = world.client_for("kim").get(f"/n/vln/discussions/{thread.pk}/").content.decode()
    assert "Answer 19" in page and "page=2" not in page and "Read the whole post" not in page


# 7. A private feed address for feed readers


def _feed_url(world, member):
    import re

    page = world.client_for(member).get("/n/vln/case-studies/").content.decode()
    found = re.search(r'value="http://testserver(/n/vln/case-studies/feed/[^"]+\.atom)"', page)
    assert found, "the list page shows the member's private feed address"
    return found[1]


def test_the_private_feed_works_without_a_session_and_lists_published_case_studies_only(world):
    from django.test import Client

    make_case(world, status=CaseStudy.Status.PUBLISHED, title="Refill groups that worked")
    make_case(world, title="Kim's secret draft")
    make_case(world, status=CaseStudy.Status.REVIEW, title="Kim's case in review")
    for persona in ("kim", "olga", "carla"):  # an author, an observer, a coordinator: the same feed
        response = Client().get(_feed_url(world, persona))
        assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
        feed = response.content.decode()
        assert "Refill groups that worked" in feed
        assert "secret draft" not in feed and "in review" not in feed


@pytest.mark.parametrize("mangle", ["bad-token", "x:y:z", "", "swap-network", "drop-signature"])
def test_a_bad_private_feed_token_is_not_found(world, mangle):
    from django.test import Client

    from qicop.knowledge.cases.feeds import feed_token

    good = feed_token(world.kim, world.network)
    token = {
        "bad-token": "bad-token",
        "x:y:z": "x:y:z",
        "": "-",
        "swap-network": feed_token(world.kim, world.other_network),
        "drop-signature": good.rsplit(":", 1)[0] + ":AAAA",
    }[mangle]
    assert Client().get(f"/n/vln/case-studies/feed/{token}.atom").status_code == 404
    assert Client().get(f"/n/acn/case-studies/feed/{good}.atom").status_code == 404


def test_changing_the_password_or_leaving_the_network_revokes_the_private_feed(world):
    from django.test import Client

    from qicop.network.models import Membership

    address = _feed_url(world, "kim")
    assert Client().get(address).status_code == 200
    world.kim.user.set_password("another-Strong-passw0rd")
    world.kim.user.save()
    assert Client().get(address).status_code == 404
    fresh = _feed_url(world, "kim")
    assert fresh != address and Client().get(fresh).status_code == 200
    Membership.objects.filter(member=world.kim, network=world.network).delete()
    assert Client().get(fresh).status_code == 404


def test_a_member_makes_a_new_private_feed_address_and_the_old_one_stops_at_once(world):
    from django.test import Client

    from qicop.core.models import AuditEntry

    olgas = _feed_url(world, "olga")
    address = _feed_url(world, "kim")
    kim = world.client_for("kim")
    assert kim.get("/n/vln/case-studies/feed/renew/").status_code == 405  # a change is a POST
    response = kim.post("/n/vln/case-studies/feed/renew/", follow=True)
    assert "Your private feed address has changed" in response.content.decode()
    assert Client().get(address).status_code == 404
    fresh = _feed_url(world, "kim")
    assert fresh != address and Client().get(fresh).status_code == 200
    assert Client().get(olgas).status_code == 200  # other members' addresses keep working
    assert AuditEntry.objects.filter(verb="case_feed.renew", actor=world.kim.user).count() == 1
    kim.post("/n/vln/case-studies/feed/renew/")
    assert Client().get(fresh).status_code == 404 and _feed_url(world, "kim") not in (address, fresh)


def test_only_members_of_the_network_renew_a_feed_address(world):
    assert world.client_for("oscar").post("/n/vln/case-studies/feed/renew/").status_code == 404
