"""QI coach certification, the shared ground: the competency framework file, the stages people read, the
length of a certificate's validity, who is a mentor, and a candidate's portfolio measured against the
country's standard."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from coaches_world import coaches_of
from qicop.network.permissions import viewer_for
from qicop.programmes.coaches.framework import FrameworkFileError, load_framework
from qicop.programmes.coaches.portfolio import is_mentor, portfolio_of, requirements
from qicop.programmes.coaches.stages import Stage, stage_of, valid_until_for
from qicop.programmes.coaches.standards import competencies_of, standard_for
from qicop.programmes.models import Competency

TODAY = date(2026, 11, 18)


@pytest.mark.parametrize(
    ("status", "valid_until", "observations", "stage"),
    [
        ("candidate", None, 0, Stage.CANDIDATE),
        ("candidate", None, 2, Stage.OBSERVED),
        ("certified", TODAY + timedelta(days=91), 2, Stage.CERTIFIED),
        ("certified", TODAY + timedelta(days=90), 2, Stage.EXPIRING),
        ("certified", TODAY, 2, Stage.EXPIRING),
        ("certified", TODAY - timedelta(days=1), 2, Stage.LAPSED),
        ("not_certified", None, 2, Stage.NOT_CERTIFIED),
        ("withdrawn", None, 0, Stage.WITHDRAWN),
    ],
)
def test_a_certifications_stage_follows_from_its_status_and_its_dates(
    status, valid_until, observations, stage
):
    assert stage_of(status, valid_until, observations, TODAY) == stage


def test_a_certificate_is_valid_until_the_day_before_the_same_date_years_later():
    assert valid_until_for(date(2026, 3, 15), 3) == date(2029, 3, 14)
    assert valid_until_for(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert valid_until_for(date(2028, 2, 29), 4) == date(2032, 2, 28)


@pytest.mark.django_db
def test_the_shipped_framework_loads_seven_competencies_in_three_languages_once():
    first = load_framework()
    assert len(first) == 7
    assert load_framework() == []  # already loaded: left as it is
    measurement = Competency.objects.get(code="measurement")
    assert set(measurement.names) == {"en", "fr", "pt"}


@pytest.mark.django_db
def test_a_framework_file_with_a_missing_translation_loads_nothing_and_names_the_place(tmp_path):
    (tmp_path / "competencies-v1.json").write_text(
        json.dumps(
            {
                "framework": "test",
                "competencies": [
                    {
                        "code": "a",
                        "name": {"en": "A", "fr": "A"},
                        "description": {"en": "d", "fr": "d", "pt": "d"},
                    }
                ],
            }
        )
    )
    with pytest.raises(FrameworkFileError) as error:
        load_framework(tmp_path)
    assert error.value.problems == ["competencies-v1.json: competencies[0]: name: no text in pt"]
    assert not Competency.objects.filter(framework="test").exists()


@pytest.mark.django_db
def test_only_a_coach_whose_certification_is_in_force_and_names_them_mentor_is_a_mentor(world):
    coaches = coaches_of(world)
    today = coaches.today
    assert is_mentor(viewer_for(world.henri.user), world.network, today)
    assert not is_mentor(viewer_for(world.faith.user), world.network, today)  # certified, not a mentor
    assert not is_mentor(viewer_for(world.dan.user), world.network, today)  # a candidate
    # Past the end of his certificate, Henri mentors no more.
    assert not is_mentor(
        viewer_for(world.henri.user), world.network, coaches.henri.valid_until + timedelta(1)
    )


@pytest.mark.django_db
def test_a_countrys_saved_standard_is_used_and_a_country_without_one_gets_the_defaults(world):
    coaches = coaches_of(world)
    assert standard_for(world.network, world.kenya).pk == coaches.kenya_standard.pk
    haiti = standard_for(world.network, world.haiti)
    assert haiti.pk is None and (haiti.min_teams, haiti.min_observations, haiti.validity_years) == (2, 2, 3)
    assert [c.code for c in competencies_of(haiti)][:2] == ["qi-methods", "measurement"]


@pytest.mark.django_db
def test_a_candidates_portfolio_fills_itself_from_the_teams_they_coach_and_their_observations(world):
    coaches = coaches_of(world)
    portfolio = portfolio_of(coaches.dan)
    assert [t.team for t in portfolio.teams] == [coaches.improvement.team]
    assert portfolio.team_count == 1
    assert portfolio.knowledge_score == 82
    assert [o.mentor for o in portfolio.observations] == [world.henri]
    met = {r.code: r.met for r in requirements(portfolio, coaches.kenya_standard)}
    assert met["teams"] and met["knowledge"] and met["observations"] and met["ratings"]
    assert "sessions" not in met  # Kenya asks for none


@pytest.mark.django_db
def test_under_the_default_standard_the_same_portfolio_falls_short_and_says_where(world):
    coaches = coaches_of(world)
    portfolio = portfolio_of(coaches.dan)
    short = {
        r.code: (r.have, r.need)
        for r in requirements(portfolio, standard_for(world.network, world.haiti))
        if not r.met
    }
    assert short["teams"] == (1, 2)
    assert short["observations"] == (1, 2)
