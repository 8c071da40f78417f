"""The improvement world the app's tests share builds, and its permission facts hold."""

from improvement_world import improvement_of
from qicop.improvement import permissions
from qicop.network.permissions import viewer_for


def test_the_kenyan_collaborative_is_seen_by_kenya_and_the_coordinator_only(world):
    work = improvement_of(world)
    seen = {
        name: permissions.can_view_collaborative(viewer_for(getattr(world, name).user), work.kenya)
        for name in ("carla", "faith", "dan", "kim", "henri", "olga")
    }
    assert seen == {"carla": True, "faith": True, "dan": True, "kim": True, "henri": False, "olga": False}


def test_a_shared_collaborative_shows_its_picture_to_observers_but_not_its_workspaces(world):
    work = improvement_of(world)
    olga = viewer_for(world.olga.user)
    assert permissions.can_view_collaborative(olga, work.haiti)
    assert not permissions.can_view_workspaces(olga, work.haiti)
    assert permissions.can_view_workspaces(viewer_for(world.kim.user), work.haiti)


def test_team_members_edit_their_workspace_and_the_coach_confirms_scores(world):
    work = improvement_of(world)
    assert permissions.can_edit_team(viewer_for(world.kim.user), work.team)
    assert not permissions.can_edit_team(viewer_for(world.henri.user), work.team)
    assert permissions.can_confirm_score(viewer_for(world.dan.user), work.report)
    assert not permissions.can_confirm_score(viewer_for(world.kim.user), work.report)
    assert permissions.can_run(viewer_for(world.faith.user), work.kenya)
    assert not permissions.can_run(viewer_for(world.kim.user), work.kenya)


def test_faculty_who_are_not_the_focal_point_run_the_collaborative(world):
    work = improvement_of(world)
    kim = viewer_for(world.kim.user)  # a plain Kenyan member, on the team but not running it
    assert not permissions.can_run(kim, work.kenya)
    work.kenya.faculty.add(world.kim)
    work.kenya.refresh_from_db()
    assert permissions.can_run(kim, work.kenya)
    assert permissions.can_confirm_score(kim, work.report)
    client = world.client_for("kim")
    assert client.get(f"/n/vln/improvement/{work.kenya.pk}/edit/").status_code == 200
    assert client.get(f"/n/vln/improvement/{work.kenya.pk}/teams/new/").status_code == 200


def test_an_observer_named_faculty_does_not_run_the_collaborative(world):
    """Faculty run a collaborative as participants: an observer named faculty does not."""
    work = improvement_of(world)
    work.haiti.faculty.add(world.olga)
    work.haiti.refresh_from_db()
    assert not permissions.can_run(viewer_for(world.olga.user), work.haiti)
    assert world.client_for("olga").get(f"/n/vln/improvement/{work.haiti.pk}/edit/").status_code == 403
