"""A refresh computes only the countries whose signals could have changed since they were computed: their
data (its version), the window (a new month) or the refresh itself (``REFRESH_VERSION``). Kenya's and
Haiti's facilities report 36 months of viral load results (viral_load_world)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from qicop.deviance import services
from qicop.deviance.models import ComputedFrom, ImprovementSignal
from qicop.deviance.services import refresh_signals
from qicop.indicators.data_versions import bump_data_versions
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataValue, DataVersion, OrgUnit
from qicop.integrations.dhis2.rows import DataValueRow
from viral_load_world import FACILITY, viral_load_world

pytestmark = pytest.mark.dates


@pytest.fixture
def data(world):
    data = viral_load_world(world)
    # Kenya's hospital at Nakuru rises to 95 % of its tested from the 25th month: a signal in Kenya
    rows = [
        DataValueRow("VlSupp0001a", period, FACILITY, value="95", index=i)
        for i, period in enumerate(data.periods[24:])
    ]
    assert (
        import_data_values(actor=world.carla.user, rows=rows, options=ImportOptions())["status"] == "SUCCESS"
    )
    return data


def refresh(data, **options) -> dict:
    """The refresh of the world's network (the world has others, sharing countries)."""
    return refresh_signals(**{"network_ids": [data.world.network.pk], "today": data.today, **options})


def versioned(world) -> int:
    """The network's countries with a data version (any write gives one): those a refresh may leave alone."""
    return DataVersion.objects.filter(country__in=world.network.countries.all()).count()


def rows_of(country) -> list[int]:
    return sorted(ImprovementSignal.objects.filter(country=country).values_list("pk", flat=True))


def test_a_refresh_records_what_each_country_was_computed_from(data):
    world = data.world
    refresh(data)
    computed = {c.country_id: c for c in ComputedFrom.objects.filter(network=world.network)}
    kenya = computed[world.kenya.pk]
    assert kenya.data_version == DataVersion.objects.get(country=world.kenya).token
    assert kenya.window_start == data.periods[0]
    assert kenya.refresh_version == services.REFRESH_VERSION


def test_nothing_changed_nothing_is_computed_and_the_signals_stay(data, django_assert_num_queries):
    world = data.world
    bump_data_versions(world.network.countries.values_list("pk", flat=True))  # as writes of each would
    first = refresh(data)
    kept = rows_of(world.kenya)
    assert first["unchanged"] == 0 and kept
    # the versions, the network and its countries, what they were computed from: nothing else is read
    with django_assert_num_queries(4):
        again = refresh(data)
    assert again["unchanged"] == len(world.network.countries.all()) == 4 and again["series"] == 0
    assert rows_of(world.kenya) == kept


def test_a_country_whose_data_changed_is_computed_again_and_only_it(data):
    world = data.world
    refresh(data)
    kenya, haiti = rows_of(world.kenya), rows_of(world.haiti)
    bump_data_versions([world.haiti.pk])  # as any write of Haiti's data does
    done = refresh(data)
    assert done["unchanged"] == versioned(world) - 1 == 1  # Kenya; Haiti's is new
    assert rows_of(world.kenya) == kenya  # left as it was
    assert rows_of(world.haiti) != haiti or not haiti  # Haiti's rows written again


def test_a_new_month_computes_every_country_again(data):
    world = data.world
    refresh(data)
    kenya = rows_of(world.kenya)
    next_month = (data.today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    done = refresh(data, today=next_month)
    assert done["unchanged"] == 0
    assert rows_of(world.kenya) and rows_of(world.kenya) != kenya
    moved = ComputedFrom.objects.get(network=world.network, country=world.kenya)
    assert moved.window_start == data.periods[1]


def test_a_new_version_of_the_refresh_computes_every_country_again(data, monkeypatch):
    refresh(data)
    monkeypatch.setattr(services, "REFRESH_VERSION", services.REFRESH_VERSION + 1)
    assert refresh(data)["unchanged"] == 0


def test_a_country_without_a_data_version_is_always_computed(data):
    world = data.world
    refresh(data)
    DataVersion.objects.filter(country=world.haiti).delete()
    done = refresh(data)
    assert done["unchanged"] == versioned(world) == 1  # Kenya
    assert ComputedFrom.objects.get(network=world.network, country=world.haiti).data_version is None


def test_everything_computes_every_country_and_the_command_says_how_many_were_unchanged(data, capsys):
    world = data.world
    refresh(data)
    kenya = rows_of(world.kenya)
    done = refresh(data, everything=True)
    assert done["unchanged"] == 0 and done["series"]  # computed again...
    assert rows_of(world.kenya) == kenya  # ...finding the same signals: their rows are left as they are
    call_command("refresh_signals")  # every network, on the server's day (maybe not Nairobi's month)
    first = capsys.readouterr().out
    call_command("refresh_signals")
    again = capsys.readouterr().out
    assert "0 signals of improvement from 0 series" in again and "unchanged" not in first
    assert f"nothing changed for {ComputedFrom.objects.exclude(data_version=None).count()} " in again
    call_command("refresh_signals", "--all")
    assert "nothing changed" not in capsys.readouterr().out


def test_a_deleted_org_unit_or_measure_takes_its_signals_with_it(data):
    """The table has no foreign keys in the database (decision 0031): Django's cascade deletes them."""
    refresh(data)
    hospital = OrgUnit.objects.get(uid=FACILITY)
    assert ImprovementSignal.objects.filter(org_unit=hospital).exists()
    others = ImprovementSignal.objects.exclude(org_unit=hospital).count()
    assert others  # its county's and Kenya's
    DataValue.objects.filter(org_unit=hospital).delete()  # its values protect it
    hospital.delete()
    assert ImprovementSignal.objects.count() == others
    data.indicator.delete()
    assert not ImprovementSignal.objects.exists()
