"""The indicator x org unit chart page: SPC chart, signals in words, data table, phases, notes, exports."""

import csv
import html
import io
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from data_world import DataWorld
from qicop.core.i18n import reader_zone
from qicop.dashboards.indicator_series import last_periods
from qicop.dashboards.models import Annotation, ChartSettings
from qicop.dashboards.templatetags.periods import period_label
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import IndicatorMapping, NetworkIndicator
from qicop.integrations.dhis2.rows import DataValueRow


@pytest.fixture
def data(world):
    data = DataWorld(world)
    data.indicator = NetworkIndicator.objects.create(
        network=world.network, code="vl-suppression", name="Viral suppression", factor=100, target=95
    )
    IndicatorMapping.objects.create(
        network_indicator=data.indicator,
        country=world.kenya,
        numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}",
    )
    # The last 36 complete months on the readers' calendar (Kim's, in Nairobi): near midnight UTC at a
    # month's end, Nairobi is already in the next month.
    nairobi_today = timezone.localdate(timezone=ZoneInfo(reader_zone(world.kim)))
    data.periods = [p.id for p in last_periods("Monthly", 36, nairobi_today)]
    rows, index = [], 0
    for m, period in enumerate(data.periods):
        suppressed = 80 + (12 if m >= 20 else 0) + (m % 3)  # a real step up after month 20
        for element, value in (("VlTested01a", 100), ("VlSupp0001a", suppressed)):
            rows.append(DataValueRow(element, period, "NakuruHosp1", value=str(value), index=index))
            index += 1
    import_data_values(actor=world.carla.user, rows=rows, options=ImportOptions())
    return data


def url(data, unit="NakuruHosp1", query=""):
    return f"/n/vln/charts/vl-suppression/{unit}/{query}"


def chart_csv(client, address) -> list[dict]:
    """The chart's CSV download as rows by column name (it starts with a byte order mark, for Excel)."""
    response = client.get(address)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_chart_shows_the_shift_in_plain_words_with_the_numbers_beneath(data, clock):
    page = data.world.client_for("kim").get(url(data)).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "a run of 16 points above the centre line since" in page
    first = date(int(data.periods[0][:4]), int(data.periods[0][4:]), 1)
    today = timezone.localdate(clock.now, ZoneInfo(reader_zone(data.world.kim)))
    assert (today.year - first.year) * 12 + today.month - first.month == 36  # 36 complete months
    # The accessible alternative, its months named as people say them ("Nov 2023", not "202311").
    assert f'<th scope="row">{first:%b %Y}</th>' in page and "<table" in page


def test_a_region_sums_its_facilities_from_the_analytics_table(data):
    page = data.world.client_for("kim").get(url(data, "NakuruCnty1")).content.decode()
    assert "Nakuru Level 5 Hospital" in page  # drill down to the facility
    assert "<svg" in page


def test_the_page_is_french_for_a_french_reader(data):
    # 93 of 120 tested: 77.5 %, a value with decimals
    row = DataValueRow("VlTested01a", data.periods[-1], "NakuruHosp1", value="120", index=0)
    import_data_values(actor=data.world.carla.user, rows=[row], options=ImportOptions())
    data.world.kim.user.language = "fr"
    data.world.kim.user.save()
    page = data.world.client_for("kim").get(url(data)).content.decode()
    assert "Amélioration" in page and "Ligne centrale" in page  # the chart's legend
    # Its numbers as French writes them: a decimal comma in the tooltips, never a decimal point.
    tooltips = re.findall(r"<title>[^<]+</title>", page)
    assert any(re.search(r": \d+,\d", tip) for tip in tooltips)
    assert not any(re.search(r": \d+\.\d", tip) for tip in tooltips)


def caption(page: str) -> str:
    """The chart's plain words, tags stripped."""
    words = re.search(r'<figcaption class="plain-words">(.*?)</figcaption>', page, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", words))


def test_the_plain_words_tell_the_phase_change_first_then_the_signals_within_each_phase(data):
    data.world.client_for("dan").post(
        url(data), {"form": "settings", "freeze": "", "phase_starts": data.periods[20]}
    )
    words = caption(data.world.client_for("kim").get(url(data)).content.decode())
    month = period_label(data.periods[20])  # "Jul 2025": as people write it
    change = re.match(
        rf"Phase 2 starts in {month}: the centre line moved up from (8\d\.\d)% to (9\d\.\d)% "
        r"\(\+(1\d\.\d) percentage points\)\. That is an improvement\.",
        words,
    )
    assert change, words
    before, after, moved = (float(g) for g in change.groups())
    assert round(after - before, 1) == moved
    first, last = period_label(data.periods[0]), period_label(data.periods[19])
    assert f"Within phase 1 ({first} – {last}):" in words
    assert words.index("Within phase 1") < words.index("Within phase 2")
    assert not re.search(r"\d{4}-\d{2}-\d{2}", words)  # no ISO date in running text


def test_each_points_tooltip_names_its_month_with_its_year(data):
    page = data.world.client_for("kim").get(url(data)).content.decode()
    tooltips = re.findall(r"<title>([^<:]+): ", page)
    assert len(tooltips) >= 36
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", name) for name in tooltips), tooltips


def test_exports_give_the_numbers_the_drawing_and_a_picture(data):
    client = data.world.client_for("kim")
    rows = chart_csv(client, url(data, query="?format=csv"))
    first = rows[0]
    assert list(first)[:6] == ["period", "start", "end", "numerator", "denominator", "value"]
    assert (first["period"], first["numerator"], first["denominator"]) == (data.periods[0], "80", "100")
    # A spreadsheet reads real dates beside the DHIS2 period: the month's first and last days.
    start, end = date.fromisoformat(first["start"]), date.fromisoformat(first["end"])
    assert start.strftime("%Y%m") == end.strftime("%Y%m") == data.periods[0] and start.day == 1
    assert (end + timedelta(days=1)).day == 1
    svg = client.get(url(data, query="?format=svg"))
    assert svg["Content-Type"].startswith("image/svg+xml") and len(svg.content) <= 20_000
    png = client.get(url(data, query="?format=png"))
    assert png.content.startswith(b"\x89PNG")


def test_a_data_manager_sets_a_phase_and_everyone_sees_two_phases(data):
    response = data.world.client_for("dan").post(
        url(data), {"form": "settings", "freeze": "", "phase_starts": data.periods[20]}
    )
    assert response.status_code == 302
    assert ChartSettings.objects.get().phase_starts == [data.periods[20]]
    rows = chart_csv(data.world.client_for("kim"), url(data, query="?format=csv"))
    assert len({row["centre_line"] for row in rows if row["centre_line"]}) == 2


def test_a_phase_at_an_unknown_period_is_refused(data):
    data.world.client_for("dan").post(url(data), {"form": "settings", "phase_starts": "1999Q1"})
    assert not ChartSettings.objects.exists()


def test_notes_are_added_by_the_countrys_data_people_only(data):
    client = data.world.client_for("dan")
    client.post(
        url(data), {"form": "annotation", "period": data.periods[20], "text": "Differentiated delivery"}
    )
    assert Annotation.objects.get().text == "Differentiated delivery"
    assert "Differentiated delivery" in data.world.client_for("kim").get(url(data)).content.decode()
    assert (
        data.world.client_for("henri")
        .post(url(data), {"form": "annotation", "period": data.periods[1], "text": "x"})
        .status_code
        == 403
    )
    assert (
        data.world.client_for("kim")
        .post(url(data), {"form": "annotation", "period": data.periods[1], "text": "x"})
        .status_code
        == 403
    )


def test_a_note_on_an_unpublished_month_is_read_only_by_those_who_read_the_month(data):
    from qicop.indicators.services import publish_period

    dan = data.world.client_for("dan")
    dan.post(url(data), {"form": "annotation", "period": data.periods[2], "text": "Published month note"})
    dan.post(url(data), {"form": "annotation", "period": data.periods[30], "text": "Stock-out, unpublished"})
    for period in data.periods[:12]:
        publish_period(actor=data.world.faith.user, country=data.world.kenya, period_id=period)

    kenyan = data.world.client_for("kim").get(url(data)).content.decode()
    assert "Published month note" in kenyan and "Stock-out, unpublished" in kenyan
    haitian = data.world.client_for("henri").get(url(data)).content.decode()
    assert "Published month note" in haitian
    assert "Stock-out, unpublished" not in haitian
    picture = data.world.client_for("henri").get(url(data, query="?format=svg")).content.decode()
    assert "Stock-out" not in picture


def test_unpublished_data_of_another_country_shows_an_empty_state_not_the_values(data):
    page = data.world.client_for("henri").get(url(data)).content.decode()
    assert "No data you may see" in page
    assert "<svg" not in page


def test_a_series_with_few_points_is_a_run_chart_without_limits(data):
    from qicop.indicators.models import DataValue

    DataValue.objects.exclude(period__dhis2_id__in=data.periods[-4:]).delete()
    rows = chart_csv(data.world.client_for("kim"), url(data, query="?format=csv"))
    assert all(row["lower_limit"] == row["upper_limit"] == "" for row in rows)  # no limits on a run chart


def test_unknown_indicator_or_org_unit_is_not_found(data):
    client = data.world.client_for("kim")
    assert client.get("/n/vln/charts/nothing/NakuruHosp1/").status_code == 404
    assert client.get("/n/vln/charts/vl-suppression/NoSuchUnit1/").status_code == 404


def test_a_phase_of_two_points_and_zero_denominators_still_give_a_chart(data):
    from qicop.indicators.models import DataValue

    DataValue.objects.filter(data_element__uid="VlTested01a", period__dhis2_id=data.periods[5]).update(
        value="0", numeric=0
    )
    data.world.client_for("dan").post(url(data), {"form": "settings", "phase_starts": data.periods[-2]})
    response = data.world.client_for("kim").get(url(data))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


def test_quarters_roll_up_the_months(data):
    rows = chart_csv(data.world.client_for("kim"), url(data, query="?periods=Quarterly&format=csv"))
    assert rows and all("Q" in row["period"] for row in rows)
    assert rows[-1]["denominator"] == "300"  # the last complete quarter: three months of 100 tests each


def test_a_disaggregation_narrows_the_numerator(data):
    mapping = IndicatorMapping.objects.get(network_indicator=data.indicator)
    mapping.numerator, mapping.denominator = "#{TxCurr0001a}", "#{VlTested01a}"
    mapping.save()
    rows = [
        DataValueRow(
            "TxCurr0001a", data.periods[-2], "NakuruHosp1", category_option_combo=combo, value=value, index=i
        )
        for i, (combo, value) in enumerate((("CocFemale01", "60"), ("CocMale0001", "40")))
    ]
    import_data_values(actor=data.world.carla.user, rows=rows, options=ImportOptions())
    client = data.world.client_for("kim")
    assert 'name="combo"' in client.get(url(data)).content.decode()
    total = {row["period"]: row for row in chart_csv(client, url(data, query="?format=csv"))}
    women = {
        row["period"]: row for row in chart_csv(client, url(data, query="?format=csv&combo=CocFemale01"))
    }
    assert (total[data.periods[-2]]["numerator"], total[data.periods[-2]]["denominator"]) == ("100", "100")
    assert (women[data.periods[-2]]["numerator"], women[data.periods[-2]]["denominator"]) == ("60", "100")


def test_observers_see_published_national_totals_only_on_charts(data):
    from qicop.indicators.services import publish_period

    for period in data.periods[:12]:
        publish_period(actor=data.world.faith.user, country=data.world.kenya, period_id=period)
    client = data.world.client_for("olga")  # an observer from Namibia
    assert "No data you may see" in client.get(url(data, "NakuruCnty1")).content.decode()
    assert "No data you may see" in client.get(url(data, "NakuruHosp1")).content.decode()
    member = data.world.client_for("henri")  # a member of another country sees the published region
    assert "<svg" in member.get(url(data, "NakuruCnty1")).content.decode()


def test_the_chart_leads_to_its_comparison_across_countries_and_across_the_countrys_facilities(data):
    client = data.world.client_for("kim")
    page = client.get(url(data)).content.decode()
    assert 'href="/n/vln/compare/vl-suppression/">all countries</a>' in page
    assert 'href="/n/vln/compare/vl-suppression/?country=KE">the facilities of Kenya</a>' in page
    facilities = client.get("/n/vln/compare/vl-suppression/?country=KE").content.decode()
    assert "Nakuru Level 5 Hospital" in facilities
