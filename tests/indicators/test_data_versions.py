"""Each country's data version changes with every write that changes what its pages show, in the same
transaction, and with nothing else (data_versions.py): the page cache keys pages by them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from qicop.indicators.data_versions import import_metadata_and_bump
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataVersion
from qicop.indicators.services import publish_period
from qicop.integrations.dhis2 import metadata as metadata_format
from qicop.integrations.dhis2.rows import DataValueRow

pytestmark = pytest.mark.django_db


def versions() -> dict[str, int]:
    return dict(DataVersion.objects.values_list("country__iso2", "token"))


def value(unit: str, number: str, **fields) -> DataValueRow:
    return DataValueRow("VlTested01a", "202401", unit, value=number, **fields)


def imported(user, *rows: DataValueRow, **options) -> dict:
    return import_data_values(actor=user, rows=list(rows), options=ImportOptions(**options))


def test_an_import_gives_the_countries_it_wrote_new_versions_and_no_other(world, data):
    imported(world.carla.user, value("JacmelHosp1", "5"))
    before = versions()
    imported(world.carla.user, value("NakuruHosp1", "10"), value("NaivashaHC1", "12"))
    after = versions()
    assert after["KE"] != before.get("KE")
    assert after["HT"] == before["HT"]


def test_an_import_that_stores_nothing_new_keeps_the_versions(world, data):
    imported(world.dan.user, value("NakuruHosp1", "10"))
    before = versions()
    summary = imported(world.dan.user, value("NakuruHosp1", "10"))
    assert summary["importCount"]["ignored"] == 1
    assert versions() == before


def test_a_dry_run_and_a_refused_import_keep_the_versions(world, data):
    before = versions()
    imported(world.dan.user, value("NakuruHosp1", "10"), dry_run=True)
    refused = imported(world.dan.user, value("NakuruHosp1", "10"), value("NoSuchUnit1", "3"))
    assert refused["status"] == "ERROR"
    assert versions() == before == {}


def test_a_deletion_gives_its_country_a_new_version(world, data):
    imported(world.dan.user, value("NakuruHosp1", "10"))
    before = versions()
    imported(world.dan.user, value("NakuruHosp1", "", deleted=True))
    assert versions()["KE"] != before["KE"]


def test_a_publication_gives_its_country_a_new_version_once(world, data):
    publish_period(actor=world.faith.user, country=world.kenya, period_id="202401")
    first = versions()
    publish_period(actor=world.faith.user, country=world.kenya, period_id="202401")  # already published
    assert first.keys() == {"KE"}
    assert versions() == first


def test_a_metadata_import_that_stores_something_gives_every_country_a_new_version(world, data):
    imported(world.carla.user, value("NakuruHosp1", "10"), value("JacmelHosp1", "5"))
    before = versions()
    bundle = {"organisationUnits": [{"id": "NakuruHosp1", "name": "Nakuru County Referral Hospital"}]}
    report = import_metadata_and_bump(
        actor=world.carla.user, metadata=metadata_format.read_json(io.BytesIO(json.dumps(bundle).encode()))
    )
    assert report["stats"]["updated"] == 1
    after = versions()
    assert after["KE"] != before["KE"] and after["HT"] != before["HT"]
    assert after.keys() == {"KE", "HT", "NA", "TH"}  # every country, with data or not


def test_a_metadata_dry_run_keeps_the_versions(world, data):
    bundle = {"organisationUnits": [{"id": "NakuruHosp1", "name": "Nakuru County Referral Hospital"}]}
    import_metadata_and_bump(
        actor=world.carla.user,
        metadata=metadata_format.read_json(io.BytesIO(json.dumps(bundle).encode())),
        dry_run=True,
    )
    assert versions() == {}


def test_rebuilding_the_analytics_table_gives_every_country_a_new_version(world, data):
    imported(world.carla.user, value("NakuruHosp1", "10"))
    before = versions()
    call_command("refresh_aggregates", stdout=io.StringIO())
    after = versions()
    assert after["KE"] != before["KE"] and "HT" in after


def test_a_chart_note_gives_its_org_units_country_a_new_version(world, data):
    from qicop.dashboards.services import annotate
    from qicop.indicators.models import NetworkIndicator

    indicator = NetworkIndicator.objects.create(network=world.network, code="vl", name="Viral load")
    annotate(actor=world.dan.user, indicator=indicator, org_unit=data.nakuru, period="202401", text="Audit")
    assert versions().keys() == {"KE"}


def test_a_publication_withdrawn_in_the_admin_gives_every_country_a_new_version(world, data, client):
    from qicop.accounts.models import User
    from qicop.indicators.models import Publication

    publication = publish_period(actor=world.faith.user, country=world.kenya, period_id="202401")
    before = versions()
    client.force_login(User.objects.create_superuser("root@example.org", "a-Strong-passw0rd-for-tests"))
    response = client.post(f"/admin/indicators/publication/{publication.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Publication.objects.filter(pk=publication.pk).exists()
    assert versions()["KE"] != before["KE"]
