"""The analytics table: subtree sums kept current by every import, rebuilt on demand."""

import io

from django.core.management import call_command

from qicop.indicators.analytics_table import rebuild_all
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import AggregateValue
from qicop.integrations.dhis2.rows import DataValueRow


def run(data, *rows, **options):
    return import_data_values(actor=data.world.carla.user, rows=list(rows), options=ImportOptions(**options))


def totals(code="VlTested01a"):
    return {
        (a.org_unit.code, a.period.dhis2_id): a.total
        for a in AggregateValue.objects.filter(data_element__uid=code).select_related("org_unit", "period")
    }


def test_an_import_sums_values_into_every_ancestor(data):
    run(
        data,
        DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="80"),
        DataValueRow("VlTested01a", "202401", "NaivashaHC1", value="30", index=1),
        DataValueRow("VlTested01a", "202401", "JacmelHosp1", value="5", index=2),
    )
    assert totals() == {("KE_NAKURU", "202401"): 110, ("KE", "202401"): 110, ("HT", "202401"): 5}


def test_updates_and_deletions_refresh_the_sums(data):
    run(
        data,
        DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="80"),
        DataValueRow("VlTested01a", "202401", "NaivashaHC1", value="30", index=1),
    )
    run(data, DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="90"))
    assert totals()[("KE", "202401")] == 120
    run(data, DataValueRow("VlTested01a", "202401", "NaivashaHC1", value=None), strategy="DELETE")
    assert totals()[("KE", "202401")] == 90


def test_a_value_stored_on_a_region_counts_for_it_and_its_country(data):
    run(
        data,
        DataValueRow("VlTested01a", "202401", "NakuruCnty1", value="7"),
        DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="3", index=1),
    )
    assert totals()[("KE_NAKURU", "202401")] == 10
    assert totals()[("KE", "202401")] == 10


def test_a_dry_run_or_a_refused_import_leaves_the_sums_alone(data):
    run(data, DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="80"), dry_run=True)
    run(
        data,
        DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="80"),
        DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="x", index=1),
    )
    assert not AggregateValue.objects.exists()


def test_disaggregations_keep_their_own_sums(data):
    run(
        data,
        DataValueRow("TxCurr0001a", "202401", "NakuruHosp1", category_option_combo="CocFemale01", value="6"),
        DataValueRow(
            "TxCurr0001a", "202401", "NaivashaHC1", category_option_combo="CocFemale01", value="4", index=1
        ),
        DataValueRow(
            "TxCurr0001a", "202401", "NakuruHosp1", category_option_combo="CocMale0001", value="5", index=2
        ),
    )
    rows = AggregateValue.objects.filter(org_unit__code="KE").values_list(
        "category_option_combo__code", "total"
    )
    assert dict(rows) == {"F": 10, "M": 5}


def test_rebuilding_gives_the_same_sums(data):
    run(
        data,
        DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="80"),
        DataValueRow("VlTested01a", "202402", "NaivashaHC1", value="30", index=1),
    )
    before = totals()
    AggregateValue.objects.all().delete()
    assert rebuild_all() > 0
    assert totals() == before
    call_command("refresh_aggregates", stdout=io.StringIO())
    assert totals() == before
