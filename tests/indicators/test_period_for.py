"""One way to a stored period: writes get or create it (``period_for``), reads only look it up
(``stored_period``), and a value refused for its period leaves no period behind."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataValue, Period
from qicop.indicators.periods import period_for, stored_period
from qicop.indicators.services import publish_period
from qicop.integrations.dhis2.periods import PeriodError, period_of
from qicop.integrations.dhis2.rows import DataValueRow


def test_period_for_creates_a_period_once_with_its_dates(db):
    first = period_for("2024Q1")
    again = period_for("2024Q1")
    assert first.pk == again.pk and Period.objects.count() == 1
    assert (first.period_type, first.start_date.isoformat(), first.end_date.isoformat()) == (
        "Quarterly",
        "2024-01-01",
        "2024-03-31",
    )


def test_an_adx_period_is_the_same_stored_period_as_its_dhis2_id(db):
    assert period_for("2024-01-01/P1M").pk == period_for("202401").pk


def test_stored_period_only_looks_up(db):
    assert stored_period("202401") is None
    assert not Period.objects.exists()
    created = period_for("202401")
    assert stored_period("202401") == created


def test_a_text_that_names_no_period_is_refused_by_both(db):
    with pytest.raises(PeriodError):
        period_for("2024Q9")
    with pytest.raises(PeriodError):
        stored_period("2024Q9")
    assert not Period.objects.exists()


def test_a_value_refused_because_its_period_is_not_open_yet_leaves_no_period(data):
    future = period_of("Monthly", timezone.localdate()).next().next()
    summary = import_data_values(
        actor=data.world.dan.user,
        options=ImportOptions(atomic=False),
        rows=[DataValueRow("VlTested01a", future.id, "NakuruHosp1", value="5")],
    )
    assert [conflict["errorCode"] for conflict in summary["conflicts"]] == ["E7641"]
    assert not Period.objects.filter(dhis2_id=future.id).exists()
    assert not DataValue.objects.exists()


def test_publishing_a_period_stores_it_through_the_same_service(data):
    publication = publish_period(
        actor=data.world.faith.user, country=data.world.kenya, period_id="2024-01-01/P1M"
    )
    assert publication.period == stored_period("202401")
