"""A refusal (403) writes one warning line to the server log — the path and who asked — never a traceback."""

from __future__ import annotations

import logging


def test_a_403_logs_one_warning_line_with_the_path_and_the_user_id_and_no_traceback(world, caplog):
    caplog.set_level(logging.INFO, logger="django.request")
    response = world.client_for("olga").get("/n/vln/discussions/new/")  # observers do not take part
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "WARNING"
    assert record.getMessage() == f"Forbidden: /n/vln/discussions/new/ (user {world.olga.user.pk})"
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_other_answers_are_logged_as_django_logs_them(world, caplog):
    caplog.set_level(logging.INFO, logger="django.request")
    response = world.client_for("kim").get("/n/vln/discussions/999999/")
    assert response.status_code == 404
    assert all("Forbidden" not in r.getMessage() for r in caplog.records)
