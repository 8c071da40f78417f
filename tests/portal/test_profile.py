"""The profile page: language, time zone and the member's own details."""

from django.core.files.uploadedfile import SimpleUploadedFile


def test_the_chosen_language_is_used_on_every_page(world):
    client = world.client_for("henri")
    client.post("/accounts/profile/", {"form": "preferences", "language": "fr", "time_zone": ""})
    world.henri.user.refresh_from_db()
    assert world.henri.user.language == "fr"
    assert client.get("/n/vln/").headers["Content-Language"] == "fr"


def test_the_chosen_time_zone_is_used_to_show_times(world):
    client = world.client_for("henri")
    client.post(
        "/accounts/profile/", {"form": "preferences", "language": "", "time_zone": "America/Port-au-Prince"}
    )
    assert "Port-au-Prince (UTC−5)" in client.get("/n/vln/").content.decode()


def test_an_unknown_time_zone_or_language_is_named_in_the_error(world):
    client = world.client_for("henri")
    response = client.post(
        "/accounts/profile/", {"form": "preferences", "language": "xx", "time_zone": "Nowhere/City"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Unknown language: xx" in page
    assert "Unknown time zone: Nowhere/City" in page
    world.henri.user.refresh_from_db()
    assert world.henri.user.time_zone == ""


def test_a_member_edits_their_own_details(world):
    client = world.client_for("kim")
    response = client.post(
        "/accounts/profile/",
        {
            "form": "profile",
            "full_name": "Kim Wanjiru",
            "title": "QI Coach",
            "organisation": world.kenya_moh.pk,
            "languages": ["en", "sw"],
            "bio": "Coach in Nakuru.",
        },
    )
    assert response.status_code == 302
    world.kim.refresh_from_db()
    assert (world.kim.full_name, world.kim.title, world.kim.languages) == (
        "Kim Wanjiru",
        "QI Coach",
        ["en", "sw"],
    )


def test_an_organisation_of_another_country_is_refused(world):
    client = world.client_for("kim")
    response = client.post(
        "/accounts/profile/", {"form": "profile", "full_name": "Kim", "organisation": world.haiti_moh.pk}
    )
    assert response.status_code == 400
    world.kim.refresh_from_db()
    assert world.kim.organisation is None


def test_a_photo_that_is_not_an_image_is_refused(world):
    client = world.client_for("kim")
    fake = SimpleUploadedFile("me.jpg", b"this is not a jpeg", content_type="image/jpeg")
    response = client.post(
        "/accounts/profile/", {"form": "profile", "full_name": "Kim Member", "photo": fake}
    )
    assert response.status_code == 400
    assert "Upload a valid image" in response.content.decode()
    assert 'value="Kim Member"' in response.content.decode()


def test_without_a_chosen_time_zone_times_follow_the_members_country(world):
    assert "Nairobi (UTC+3)" in world.client_for("kim").get("/n/vln/").content.decode()
    assert "UTC" in world.client_for("oscar").get("/accounts/profile/").content.decode()
