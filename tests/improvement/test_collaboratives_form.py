"""Creating and editing a collaborative: the aim is checked against its key measure and dates, what was
typed stays on the form, and a focal point creates collaboratives for their own country only."""

from __future__ import annotations

from improvement_world import improvement_of
from qicop.core.models import AuditEntry
from qicop.improvement.models import Collaborative, Measure

NEW = "/n/vln/improvement/new/"


def _typed(work, **changes) -> dict:
    data = {
        "name": "Same-day ART collaborative",
        "country": work.world.kenya.pk,
        "topic": "Same-day ART",
        "aim": "Start 90 % of newly diagnosed people on ART the same day, in 12 facilities, within a year.",
        "key_measure": work.data.indicator.pk,
        "aim_target": "90",
        "start": "2026-01-01",
        "end": "2027-06-30",
        "aim_date": "2027-06-30",
        "change_package": "## Access\n- Same-day counselling",
        f"measure_{work.data.indicator.pk}": "outcome",
        "faculty": [work.world.dan.pk],
    }
    data.update(changes)
    return data


def test_a_focal_point_creates_their_countrys_collaborative_with_its_key_measure_and_an_audit_entry(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(NEW, _typed(work))
    created = Collaborative.objects.get(name="Same-day ART collaborative")
    assert response.status_code == 302
    assert response["Location"] == f"/n/vln/improvement/{created.pk}/"
    assert created.country == world.kenya and created.created_by == world.faith.user
    assert list(created.faculty.all()) == [world.dan]
    assert list(Measure.objects.filter(collaborative=created).values_list("indicator", "kind")) == [
        (work.data.indicator.pk, "outcome")
    ]
    assert AuditEntry.objects.filter(verb="collaborative.create", target_id=str(created.pk)).exists()


def test_the_focal_point_cannot_create_a_collaborative_for_another_country(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(NEW, _typed(work, country=world.haiti.pk))
    assert response.status_code == 400
    assert "a focal point runs their own country" in response.content.decode()
    assert not Collaborative.objects.filter(name="Same-day ART collaborative").exists()


def test_a_coordinator_may_create_for_any_of_the_networks_countries(world):
    work = improvement_of(world)
    response = world.client_for("carla").post(
        NEW, _typed(work, country=world.haiti.pk, faculty=[world.henri.pk])
    )
    assert response.status_code == 302
    assert Collaborative.objects.get(name="Same-day ART collaborative").country == world.haiti


def test_a_target_outside_the_key_measures_range_is_refused_and_what_was_typed_stays(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(NEW, _typed(work, aim_target="120"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "lies between 0 and 100; 120 does not" in page
    assert 'value="120"' in page and 'value="Same-day ART collaborative"' in page
    assert 'value="2026-01-01"' in page and "Same-day counselling" in page


def test_an_aim_dated_more_than_twelve_months_after_the_end_is_refused(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(NEW, _typed(work, aim_date="2028-07-01"))
    assert response.status_code == 400
    assert "The aim must be reached between the collaborative" in response.content.decode()
    assert 'value="2028-07-01"' in response.content.decode()


def test_an_aim_dated_before_the_start_is_refused(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(NEW, _typed(work, aim_date="2025-12-31"))
    assert response.status_code == 400
    assert "The aim must be reached between the collaborative" in response.content.decode()


def test_a_collaborative_that_ends_before_it_starts_is_refused(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(NEW, _typed(work, end="2025-06-30"))
    assert response.status_code == 400
    assert "The collaborative must end after it starts." in response.content.decode()
    assert not Collaborative.objects.filter(name="Same-day ART collaborative").exists()


def test_faculty_from_another_country_are_refused(world):
    work = improvement_of(world)
    response = world.client_for("carla").post(NEW, _typed(work, faculty=[world.henri.pk]))
    assert response.status_code == 400
    assert "Henri" in response.content.decode()


def test_the_edit_form_shows_what_is_stored_and_saves_changes(world):
    work = improvement_of(world)
    path = f"/n/vln/improvement/{work.kenya.pk}/edit/"
    client = world.client_for("faith")
    page = client.get(path).content.decode()
    assert 'value="Kenya viral-load suppression collaborative"' in page
    assert f'value="{work.kenya.start:%Y-%m-%d}"' in page and 'type="date"' in page
    typed = _typed(work, name="Kenya VL collaborative", start=f"{work.kenya.start:%Y-%m-%d}")
    typed |= {"end": f"{work.kenya.end:%Y-%m-%d}", "aim_date": f"{work.kenya.end:%Y-%m-%d}"}
    assert client.post(path, typed).status_code == 302
    work.kenya.refresh_from_db()
    assert work.kenya.name == "Kenya VL collaborative"
    assert AuditEntry.objects.filter(verb="collaborative.update", target_id=str(work.kenya.pk)).exists()


def test_sharing_is_one_click_for_those_who_run_it_and_refused_to_others(world):
    work = improvement_of(world)
    path = f"/n/vln/improvement/{work.kenya.pk}/share/"
    assert world.client_for("kim").post(path, {"shared": "1"}).status_code == 403
    assert world.client_for("faith").post(path, {"shared": "1"}).status_code == 302
    work.kenya.refresh_from_db()
    assert work.kenya.shared
    assert world.client_for("henri").get(f"/n/vln/improvement/{work.kenya.pk}/").status_code == 200


def _edited(work) -> dict:
    typed = _typed(work, name=work.kenya.name, start=f"{work.kenya.start:%Y-%m-%d}")
    return typed | {"end": f"{work.kenya.end:%Y-%m-%d}", "aim_date": f"{work.kenya.end:%Y-%m-%d}"}


def test_editing_the_collaborative_keeps_the_measures_its_pdsa_cycles_watch(world):
    work = improvement_of(world)
    path = f"/n/vln/improvement/{work.kenya.pk}/edit/"
    assert world.client_for("faith").post(path, _edited(work) | {"topic": "VL"}).status_code == 302
    work.cycle.refresh_from_db()
    assert work.cycle.measure_id == work.measure.pk  # the same row, not a new one


def test_an_indicator_that_pdsa_cycles_watch_stays_a_measure_of_the_collaborative(world):
    from qicop.indicators.models import NetworkIndicator

    work = improvement_of(world)
    ltfu = NetworkIndicator.objects.create(network=world.network, code="ltfu", name="Lost to follow-up")
    watched = Measure.objects.create(collaborative=work.kenya, indicator=ltfu, kind="balancing", order=1)
    work.cycle.measure = watched
    work.cycle.save()
    path = f"/n/vln/improvement/{work.kenya.pk}/edit/"
    response = world.client_for("faith").post(path, _edited(work) | {"name": "Renamed"})
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        "Lost to follow-up is the measure 1 PDSA cycle watches: it stays among the collaborative&#x27;s "
        "measures, since a cycle&#x27;s plan is kept as it was recorded." in page
    )
    assert 'value="Renamed"' in page
    work.kenya.refresh_from_db()
    assert work.kenya.name != "Renamed" and Measure.objects.filter(pk=watched.pk).exists()
    kept = _edited(work) | {"name": "Renamed", f"measure_{ltfu.pk}": "process"}
    assert world.client_for("faith").post(path, kept).status_code == 302
    watched.refresh_from_db()
    assert watched.kind == "process"
