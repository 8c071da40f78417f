"""A failed import is an e-mail to the person who uploaded it: once, in their language and zone, with the
link to the import's page where it says why and offers to run it again."""

from __future__ import annotations

import pytest
from django.core import mail as outbox
from django.core.exceptions import ValidationError
from test_orphaned_imports import upload

from data_world import DataWorld
from qicop.indicators import mail, services
from qicop.indicators.models import DataImport


@pytest.fixture
def data(world):
    return DataWorld(world)


def refused(monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("The file names no data element this network knows.")

    monkeypatch.setattr(services, "import_file", refuse)


def test_the_uploader_hears_once_why_the_import_failed_with_the_link_to_it(data, monkeypatch):
    world = data.world
    queued = upload(world.client_for("dan"))
    refused(monkeypatch)
    services.run_import(queued.pk)
    assert DataImport.objects.get(pk=queued.pk).status == DataImport.Status.FAILED
    (message,) = outbox.outbox
    assert message.to == [world.dan.user.email]
    assert "values.json" in message.subject and "failed" in message.subject
    assert "The file names no data element this network knows." in message.body
    assert f"/n/vln/data/imports/{queued.pk}/" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert mail.send_failed_import_mail(queued.pk) is False  # a retried task sends nothing more
    services.run_import(queued.pk)  # nor does a finished import run again
    assert len(outbox.outbox) == 1


def test_the_mail_is_in_the_uploaders_language_and_zone(data, monkeypatch):
    world = data.world
    world.dan.user.language = "pt"
    world.dan.user.time_zone = "Asia/Bangkok"
    world.dan.user.save()
    queued = upload(world.client_for("dan"))
    refused(monkeypatch)
    services.run_import(queued.pk)
    (message,) = outbox.outbox
    assert message.extra_headers["Content-Language"] == "pt"
    assert "(Banguecoque, UTC+7)" in message.body and "/data/imports/" in message.body


def test_an_import_that_succeeds_mails_nobody(data):
    queued = upload(data.world.client_for("dan"))
    services.run_import(queued.pk)
    assert DataImport.objects.get(pk=queued.pk).status == DataImport.Status.DONE
    assert not outbox.outbox
