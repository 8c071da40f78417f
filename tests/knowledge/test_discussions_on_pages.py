"""Meetings and charts show their discussions and how to start one; observers see none."""

from qicop.knowledge.models import Post, Thread


def test_a_meeting_page_lists_its_discussions_and_offers_to_start_one(world):
    thread = Thread.objects.create(
        network=world.network, title="Questions after the session", meeting=world.meeting, post_count=1
    )
    Post.objects.create(thread=thread, author=world.kim, body="How did you staff the night clinic?")
    page = world.client_for("henri").get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert "Questions after the session" in page
    assert f"/n/vln/discussions/new/?meeting={world.meeting.pk}" in page


def test_a_case_study_page_offers_its_discussions(world):
    from qicop.knowledge.models import CaseStudy

    case = CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="Night clinics", status="published"
    )
    page = world.client_for("henri").get(f"/n/vln/case-studies/{case.pk}/").content.decode()
    assert f"/n/vln/discussions/new/?case_study={case.pk}" in page
