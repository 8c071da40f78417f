"""The refresh keeps what it read of each country (deviance/kept.py) and, while the country's data version
is the same, reads only what it has not kept: on the first day of a month, the new month. What it finds
is what reading everything again finds.

Kenya's and Haiti's facilities report 36 months of viral load results (viral_load_world), and Kenya's
hospital at Nakuru rises to 95 % from the 25th month. A refresh a month earlier charted the 35 months
before the latest."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from qicop.deviance import kept, services
from qicop.deviance.models import ImprovementSignal
from qicop.indicators.data_versions import bump_data_versions
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataVersion, OrgUnit, Period
from qicop.indicators.signals import data_changed
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.network.models import Country
from viral_load_world import FACILITY, viral_load_world

pytestmark = pytest.mark.dates
COLUMNS = ("indicator_id", "org_unit_id", "audience", "rule", "since", "latest", "size", "window")


@pytest.fixture
def data(world):
    data = viral_load_world(world)
    # the day a month earlier: its window ends a month before the world's, which adds the latest month
    data.earlier = (data.today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rows = [
        DataValueRow("VlSupp0001a", period, FACILITY, value="95", index=i)
        for i, period in enumerate(data.periods[24:])
    ]
    assert (
        import_data_values(actor=world.carla.user, rows=rows, options=ImportOptions())["status"] == "SUCCESS"
    )
    return data


@pytest.fixture
def reads(monkeypatch):
    """The stored periods each read asked for (DHIS2 ids), by the countries read (ISO codes). Namibia and
    Thailand, with no data and so no data version, are read every time (kept.py), with others."""
    asked = []
    real = services._stored_rows

    def spy(country_ids, element_ids, period_ids, units):
        countries = sorted(c.iso2 for c in Country.objects.filter(pk__in=country_ids))
        periods = sorted(Period.objects.filter(pk__in=period_ids).values_list("dhis2_id", flat=True))
        asked.append((tuple(countries), periods))
        return real(country_ids, element_ids, period_ids, units)

    monkeypatch.setattr(services, "_stored_rows", spy)
    return asked


def refresh(data, today, **options):
    return services.refresh_signals(network_ids=[data.world.network.pk], today=today, **options)


def signals(data) -> list:
    return sorted(ImprovementSignal.objects.filter(network=data.world.network).values_list(*COLUMNS))


def test_a_new_month_reads_only_the_new_month_and_finds_what_reading_everything_finds(
    data, reads, settings, tmp_path
):
    refresh(data, data.earlier)
    assert reads == [(("HT", "KE", "NA", "TH"), data.periods[:-1])]  # nothing kept yet: the whole window
    reads.clear()
    refresh(data, data.today)
    assert reads == [(("HT", "KE"), data.periods[-1:])]  # (Namibia and Thailand have no org units to read)
    found = signals(data)
    hospital = OrgUnit.objects.get(uid=FACILITY).pk
    assert {s[4] for s in found if s[1] == hospital} == {data.periods[24]}  # the hospital's rise

    settings.SIGNAL_INPUTS_DIR = tmp_path / "nothing-kept"
    reads.clear()
    refresh(data, data.today, everything=True)
    assert reads == [(("HT", "KE", "NA", "TH"), data.periods)]
    assert found == signals(data)


def test_a_country_whose_data_changed_is_read_whole_the_others_only_for_the_new_month(data, reads):
    refresh(data, data.earlier)
    bump_data_versions([data.world.haiti.pk])  # as any write of Haiti's data does
    reads.clear()
    refresh(data, data.today)
    assert sorted(reads) == [(("HT", "NA", "TH"), data.periods), (("KE",), data.periods[-1:])]


def test_what_was_kept_under_another_version_or_is_unreadable_is_read_again(data, reads, settings):
    refresh(data, data.today)
    kenya, haiti = data.world.kenya, data.world.haiti
    version = DataVersion.objects.get(country=kenya).token
    DataVersion.objects.filter(country=kenya).update(token=version + 1)  # the file names the old one
    [file] = [f for f in settings.SIGNAL_INPUTS_DIR.iterdir() if f.name.startswith(f"country-{haiti.pk}-")]
    file.write_bytes(b"not what a refresh wrote")
    reads.clear()
    refresh(data, data.today, everything=True)
    assert reads == [(("HT", "KE", "NA", "TH"), data.periods)]


def test_a_country_without_a_data_version_keeps_nothing(data, reads, settings):
    DataVersion.objects.filter(country=data.world.haiti).delete()
    refresh(data, data.today)
    names = sorted(f.name.split("-")[1] for f in settings.SIGNAL_INPUTS_DIR.iterdir())
    assert names == [str(data.world.kenya.pk)]
    reads.clear()
    refresh(data, data.today, everything=True)
    assert reads == [(("HT", "NA", "TH"), data.periods)]


def test_kept_rows_load_only_under_their_version_and_elements(settings, tmp_path):
    settings.SIGNAL_INPUTS_DIR = tmp_path
    rows = np_rows([(1, 7, 3, 1, 2.5)])
    kept.keep(5, 1234, [3, 4], {7, 8}, rows, rows[:0])
    again = kept.load(5, 1234, [3, 4])
    assert again.periods == {7, 8} and again.summed.tolist() == rows.tolist() and len(again.stored) == 0
    assert kept.load(5, 1235, [3, 4]) is None
    assert kept.load(5, 1234, [3]) is None
    assert kept.load(5, None, [3, 4]) is None
    assert kept.load(6, 1234, [3, 4]) is None
    kept.keep(5, None, [3, 4], {7}, rows, rows)
    assert kept.load(5, 1234, [3, 4]) is not None  # nothing kept without a version: the old file stays


def np_rows(rows):
    return np.array(rows, dtype=services.ROW)


def test_an_import_reads_again_only_the_periods_it_changed(data, reads, settings, tmp_path):
    """The import tells the refresh it sets off which periods it changed (``data_changed``'s ``changes``):
    the rows kept at the version before serve for every other period. Refreshed on the server's day, as
    the import's refresh is."""
    world, kenya = data.world, data.world.kenya
    services.refresh_signals(network_ids=[world.network.pk])
    before = DataVersion.objects.get(country=kenya).token
    told = []
    data_changed.connect(lambda sender, changes, **kw: told.append(changes), weak=False, dispatch_uid="told")
    settings.QICOP_REFRESH_SIGNALS_AFTER_IMPORT = True
    reads.clear()
    try:
        row = DataValueRow("VlSupp0001a", data.periods[30], FACILITY, value="99", index=0)
        assert (
            import_data_values(actor=world.carla.user, rows=[row], options=ImportOptions())["status"]
            == "SUCCESS"
        )
    finally:
        data_changed.disconnect(dispatch_uid="told")
    after = DataVersion.objects.get(country=kenya).token
    period = Period.objects.get(dhis2_id=data.periods[30]).pk
    assert told == [{kenya.pk: (before, after, [period])}]
    assert reads == [(("KE",), [data.periods[30]])]  # Kenya's refresh, after the import committed
    found = signals(data)
    assert found

    settings.SIGNAL_INPUTS_DIR = tmp_path / "nothing-kept"
    services.refresh_signals(network_ids=[world.network.pk], everything=True)
    assert found == signals(data)
