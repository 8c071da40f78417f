"""Demo materials: the demo meetings get a few tiny files and the held virtual sessions their recordings."""

import zipfile
from io import BytesIO

from qicop.meetings.materials import demo as materials_demo
from qicop.meetings.models import Material, Meeting


def test_demo_meetings_get_files_on_their_agenda_and_recordings(demo):
    held = Meeting.objects.filter(network__slug="virtual", kind="virtual", status="held")
    assert held.count() == 7
    for meeting in held:
        kinds = sorted(meeting.materials.values_list("kind", flat=True))
        assert kinds == ["image", "recording", "slides"]
        assert meeting.materials.filter(agenda_item__isnull=False, file__gt="").count() == 2
    assert Material.objects.filter(meeting__network__slug="all-country", kind="spreadsheet").count() == 3
    haiti = Material.objects.get(meeting__title="Running QI collaboratives", language="fr")
    assert haiti.content_type == "application/pdf" and haiti.size < 50_000


def test_loading_the_demo_materials_twice_adds_nothing(demo):
    count = Material.objects.count()
    materials_demo.load_demo()
    assert Material.objects.count() == count > 0


def test_a_demo_meeting_pack_opens(demo):
    from django.test import Client

    from qicop.accounts.models import User

    meeting = Meeting.objects.get(title="Running QI collaboratives")
    client = Client()
    client.force_login(User.objects.get(email="member.ht@example.org"))
    response = client.get(f"/n/virtual/meetings/{meeting.pk}/pack.zip")
    assert response.status_code == 200
    names = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))).namelist()
    assert "links.txt" in names and any(name.endswith(".pdf") for name in names)
