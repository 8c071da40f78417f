"""Change ideas are found by the site's search box in English, French and Portuguese, by every member of
the network (observers included), titles weighing more than descriptions."""

from __future__ import annotations

import re

from qicop.improvement.models import ChangeIdea

SEARCH = "/n/vln/search/?q="


def idea(world, title, description=""):
    return ChangeIdea.objects.create(
        network=world.network, title=title, description=description, created_by=world.carla.user
    )


def found(world, query, persona="kim") -> list[str]:
    page = world.client_for(persona).get(SEARCH + query).content.decode()
    return re.findall(r'<a href="/n/vln/change-ideas/\d+/">([^<]+)</a>', page)


def test_an_idea_is_found_in_english(world):
    idea(world, "Same-day viral load result review", "A clinician reviews every result on arrival.")
    assert found(world, "reviewing results") == ["Same-day viral load result review"]


def test_a_french_query_finds_an_idea_described_in_french(world):
    idea(world, "Revue quotidienne", "Revue des résultats de charge virale le jour de leur arrivée.")
    assert found(world, "revue des résultats") == ["Revue quotidienne"]
    assert found(world, "resultat") == ["Revue quotidienne"]  # without accents, singular


def test_a_portuguese_query_finds_an_idea_described_in_portuguese(world):
    idea(world, "Lembretes por SMS", "Lembretes enviados aos utentes na véspera das consultas.")
    assert found(world, "lembrete consulta") == ["Lembretes por SMS"]
    assert found(world, "vespera") == ["Lembretes por SMS"]


def test_a_title_outranks_a_description(world):
    idea(world, "Peer navigators", "Clients meet someone who has been through it, before any reminders.")
    idea(world, "Appointment reminders", "A message the day before.")
    assert found(world, "reminders") == ["Appointment reminders", "Peer navigators"]


def test_observers_find_ideas_and_outsiders_do_not(world):
    idea(world, "Appointment reminders")
    assert found(world, "reminders", "olga") == ["Appointment reminders"]
    assert world.client_for("oscar").get(SEARCH + "reminders").status_code == 404


def test_an_edited_idea_is_found_by_its_new_words_and_a_deleted_one_is_gone(world):
    from qicop.improvement.changes import services

    reminders = idea(world, "Appointment reminders")
    services.update_change_idea(actor=world.carla.user, idea=reminders, title="Appointment calls")
    assert found(world, "calls") == ["Appointment calls"]
    services.delete_change_idea(actor=world.carla.user, idea=reminders)
    assert found(world, "calls") == []
