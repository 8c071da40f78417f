"""Authorization matrix rows: the change-idea library and the improvement API (built by
tests/improvement_world.py)."""

from __future__ import annotations

from improvement_world import improvement_of
from matrix_rows.common import expect, members_only, post_only
from matrix_rows.knowledge_cases import _case

IDEAS = "/n/vln/change-ideas/"
API = "/api/v1/networks/vln"


def _idea(w) -> str:
    return IDEAS + f"{improvement_of(w).idea.pk}/"


def _kenya(w) -> str:
    return API + f"/collaboratives/{improvement_of(w).kenya.pk}"


def _nakuru(w) -> str:
    i = improvement_of(w)
    return API + f"/collaboratives/{i.kenya.pk}/teams/{i.team.pk}"


def editors_of_the_idea() -> dict[str, int]:
    """The Kenyan idea was proposed by Faith, Kenya's focal point: she and the coordinator edit it."""
    return expect(403, carla=200, faith=200, oscar=404, anonymous=302)


def kenya_only(status: int = 200) -> dict[str, int]:
    """Kenya's collaborative is not shared: Kenyans and the coordinator; others as if it did not exist."""
    return expect(404, carla=status, faith=status, dan=status, kim=status, anonymous=401)


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "improvement:change_idea_list": (lambda w: IDEAS, members_only()),
    "improvement:change_idea_create": (lambda w: IDEAS + "new/", members_only() | {"olga": 403}),
    "improvement:change_idea_detail": (_idea, members_only()),
    "improvement:change_idea_edit": (lambda w: _idea(w) + "edit/", editors_of_the_idea()),
    "improvement:change_idea_retire": (lambda w: _idea(w) + "retire/", post_only()),
    "improvement:change_idea_delete": (lambda w: _idea(w) + "delete/", post_only()),
    # Kim's published case study: its author and the coordinator (who edits published text) cite ideas;
    # the focal point edits drafts only (see the draft row); everyone else who reads it may not (403).
    "improvement:case_change_ideas": (
        lambda w: f"/n/vln/case-studies/{_case(w)}/change-ideas/",
        expect(403, carla=200, kim=200, oscar=404, anonymous=302),
    ),
    "improvement:case_change_ideas (draft)": (
        lambda w: f"/n/vln/case-studies/{_case(w, 'draft')}/change-ideas/",
        expect(404, carla=200, faith=200, kim=200, anonymous=302),
    ),
    "api:list_collaboratives": (lambda w: API + "/collaboratives", expect(200, oscar=404, anonymous=401)),
    "api:get_collaborative": (_kenya, kenya_only()),
    "api:list_teams": (lambda w: _kenya(w) + "/teams", kenya_only()),
    "api:list_scores": (lambda w: _kenya(w) + "/scores", kenya_only()),
    "api:get_team": (_nakuru, kenya_only()),
    "api:list_cycles": (lambda w: _nakuru(w) + "/cycles", kenya_only()),
    "api:list_reports": (lambda w: _nakuru(w) + "/reports", kenya_only()),
    "api:list_change_ideas": (lambda w: API + "/change-ideas", expect(200, oscar=404, anonymous=401)),
    "api:get_change_idea": (
        lambda w: API + f"/change-ideas/{improvement_of(w).idea.pk}",
        expect(200, oscar=404, anonymous=401),
    ),
}
