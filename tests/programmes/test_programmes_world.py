"""The programmes world the app's tests share builds, and its visibility rules hold."""

from programmes_world import programmes_of
from qicop.network.permissions import viewer_for
from qicop.programmes import permissions
from qicop.programmes.models import text_in


def test_other_countries_see_a_round_once_it_is_confirmed_and_shared(world):
    work = programmes_of(world)
    henri = viewer_for(world.henri.user)
    assert permissions.can_view_round(henri, work.haiti_2026)
    assert permissions.can_view_round(viewer_for(world.kim.user), work.haiti_2026)
    assert not permissions.can_view_round(viewer_for(world.kim.user), work.thailand_2026)
    assert not permissions.can_view_round(henri, work.kenya_2026)
    assert permissions.can_view_round(henri, work.kenya_2025)


def test_a_named_assessor_fills_a_draft_and_nobody_fills_a_locked_round(world):
    work = programmes_of(world)
    assert permissions.can_fill_round(viewer_for(world.dan.user), work.kenya_2026)
    assert not permissions.can_fill_round(viewer_for(world.kim.user), work.kenya_2026)
    assert not permissions.can_fill_round(viewer_for(world.carla.user), work.kenya_2025)


def test_an_instruments_texts_are_read_in_the_readers_language():
    texts = {"en": "Leadership", "fr": "Leadership (fr)", "pt": "Liderança"}
    assert text_in(texts, "pt") == "Liderança"
    assert text_in(texts, "sw") == "Leadership"


def test_a_rounds_domain_level_is_the_mean_of_its_answered_items(world):
    from qicop.programmes.scores import domain_results

    work = programmes_of(world)
    results = domain_results([work.kenya_2025, work.haiti_2026])
    assert [(d.code, d.level) for d in results[work.kenya_2025.pk]] == [
        ("leadership", 2.5),
        ("measurement", 1.5),
    ]
    assert [(d.code, d.level) for d in results[work.haiti_2026.pk]] == [
        ("leadership", 1.5),
        ("measurement", 3.0),
    ]
