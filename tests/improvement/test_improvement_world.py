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
