"""Linking people of an attendance report to network members: e-mail first, then a fuzzy name."""

from __future__ import annotations

import pytest

from qicop.integrations.attendance import Match, Participant, match_participants

MEMBERS = [
    (1, "Nadège Pierre-Louis", "nadege.pierre@mspp.ht"),
    (2, "Tendai Moyo", "tmoyo@mohcc.gov.zw"),
    (3, "Pedro García Simón", None),
    (4, "Loki Laufeyson", "loki@asgard.example"),
    (5, "Nguyen Thi Lan", "lan.nguyen@moh.gov.vn"),
    (6, "Nguyen Thi Lam", "lam.nguyen@moh.gov.vn"),
    (7, "Taro Yamada", "taro1.yamada@mhlw.go.jp"),
    (8, "Taro Suzuki", "taro2.suzuki@mhlw.go.jp"),
    (9, "Taro Sato", "taro2.sato@mhlw.go.jp"),
]


def person(name: str, email: str | None = None) -> Participant:
    return Participant(name=name, email=email, segments=[], total_minutes=0.0, guest=email is None)


def match_one(name: str, email: str | None = None, **options) -> Match:
    (match,) = match_participants([person(name, email)], MEMBERS, **options)
    return match


def test_the_email_decides_whatever_the_name_and_the_case():
    match = match_one("iPhone de N.", "Nadege.Pierre@MSPP.ht")
    assert (match.member_id, match.method, match.score) == (1, "email", 100.0)


def test_a_truncated_japanese_email_matches_the_one_member_it_is_the_start_of():
    match = match_one("太郎1", "taro1…")
    assert (match.member_id, match.method) == (7, "email")


def test_a_truncated_email_shared_by_two_members_falls_back_to_the_name():
    match = match_one("Suzuki Taro", "taro2…")
    assert (match.member_id, match.method) == (8, "name")


def test_an_unknown_email_falls_back_to_the_name():
    match = match_one("Tendai Moyo", "tendai.personal@gmail.example")
    assert (match.member_id, match.method, match.score) == (2, "name", 100.0)


def test_an_accented_name_matches_its_unaccented_spelling():
    assert match_one("Nadege Pierre-Louis").member_id == 1
    assert match_one("NADÈGE PIERRE LOUIS").member_id == 1


def test_swapped_word_order_and_last_name_first_match():
    assert match_one("Moyo Tendai").member_id == 2
    assert match_one("García Simón, Pedro").method == "name"
    assert match_one("García Simón, Pedro").member_id == 3


def test_zoom_renamed_display_names_match_on_the_original_name_in_parentheses():
    match = match_one("015_Loki (Loki Laufeyson)")
    assert (match.member_id, match.method) == (4, "name")


def test_two_members_within_three_points_leave_the_person_for_a_coordinator_to_link():
    match = match_one("Nguyen Thi La")
    assert match.member_id is None
    assert match.method is None
    assert set(match.candidates[:2]) == {5, 6}


def test_a_name_below_the_threshold_stays_unmatched_with_its_score():
    match = match_one("Chipo Banda")
    assert (match.member_id, match.method) == (None, None)
    assert match.score < 85


def test_the_threshold_is_the_callers_choice():
    assert match_one("Tendai Moya").member_id == 2
    assert match_one("Tendai Moya", threshold=95).member_id is None


def test_one_match_per_participant_in_order():
    people = [person("Chipo Banda"), person("Tendai Moyo", "tmoyo@mohcc.gov.zw"), person("Loki Laufeyson")]
    matches = match_participants(people, MEMBERS)
    assert [m.participant for m in matches] == people
    assert [m.member_id for m in matches] == [None, 2, 4]


def test_no_members_means_no_matches():
    assert match_participants([person("Tendai Moyo")], []) == [Match(person("Tendai Moyo"), None, None, 0.0)]


@pytest.mark.parametrize("email", ["", None])
def test_guests_without_email_are_matched_by_name(email):
    assert match_one("Tendai Moyo", email).method == "name"
