"""Demo data: three years of monthly facility data for the HIV cascade and a few QI measures, every country.

Values are made up but shaped like the real thing (facility sizes, seasonality, noise) with deliberate
improvement shifts hidden in them (``SHIFTS``): each country introduced a change in a known month of its
second year, and its data step up on the measure and at the facilities its story names — the demo's case
studies (knowledge/cases/demo.py) and collaboratives (improvement/demo.py) tell what changed. A few countries
have no published story yet: their shift is smaller, and the positive-deviance feed offers to ask them how.
Kenya's retention, its collaborative's balancing measure, has fallen in the last months: a deterioration for
its focal point to take to the countries that improved retention. Kenya's facilities are its collaborative's
twelve, with Kenyan names, and its change came later than the others', in the collaborative still under way
today. They are loaded through the same importer as any DHIS2 file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.metadata_import import ensure_default_combo, generate_uid
from qicop.indicators.models import (
    DataElement,
    DataSet,
    IndicatorMapping,
    NetworkIndicator,
    OrgUnit,
    Publication,
)
from qicop.indicators.services import publish_period
from qicop.integrations.dhis2.periods import period_of
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.network.models import Country, Network

MONTHS = 36


@dataclass(frozen=True)
class ElementSeed:
    code: str
    name: str
    value_type: str = "INTEGER_ZERO_OR_POSITIVE"
    # Stocks (people on ART at the end of the month…) roll up to quarters and years by their last value,
    # flows (people started on ART…) by their sum: never add up twelve months of TX_CURR.
    aggregation: str = "SUM"


ELEMENTS = [
    ElementSeed("HIV_DIAGNOSED", "PLHIV who know their status (diagnosed, alive)", aggregation="LAST"),
    ElementSeed("TX_CURR", "People currently on ART", aggregation="LAST"),
    ElementSeed(
        "VL_TESTED", "People on ART with a viral load result in the past 12 months", aggregation="LAST"
    ),
    ElementSeed(
        "VL_SUPPRESSED", "People on ART with a suppressed viral load (< 1000 copies/mL)", aggregation="LAST"
    ),
    ElementSeed("RET_12M_D", "People who started ART 12 months earlier"),
    ElementSeed("RET_12M_N", "People still on ART 12 months after starting"),
    ElementSeed("NEW_DIAGNOSED", "People newly diagnosed with HIV"),
    ElementSeed("SAME_DAY_ART", "Newly diagnosed people who started ART the same day"),
    ElementSeed("PLHIV_EST", "Estimated people living with HIV (Spectrum)", aggregation="LAST"),
]

# (code, name, numerator, denominator, target, topic, chart kind)
INDICATORS = [
    (
        "first-95",
        "First 95: diagnosed among all people living with HIV",
        "HIV_DIAGNOSED",
        "PLHIV_EST",
        95,
        "Cascade step 1",
        "pp",
    ),
    (
        "second-95",
        "Second 95: on treatment among the diagnosed",
        "TX_CURR",
        "HIV_DIAGNOSED",
        95,
        "Cascade step 2",
        "pp",
    ),
    (
        "third-95",
        "Third 95: virally suppressed among those tested",
        "VL_SUPPRESSED",
        "VL_TESTED",
        95,
        "Cascade step 3",
        "p",
    ),
    ("vl-coverage", "Viral load testing coverage", "VL_TESTED", "TX_CURR", 90, "Viral load", "p"),
    ("retention-12m", "Retention on ART at 12 months", "RET_12M_N", "RET_12M_D", 90, "Retention", "p"),
    ("same-day-art", "Same-day ART initiation", "SAME_DAY_ART", "NEW_DIAGNOSED", 80, "Rapid ART", "p"),
]

# Definitions that differ from the network's, as countries really report them.
DIFFERENCES = {
    ("TH", "third-95"): "Suppression below 50 copies/mL instead of 1000.",
    ("ZM", "third-95"): "Suppression below 200 copies/mL since 2024.",
    ("VN", "first-95"): "PLHIV estimate from the national AEM model, not Spectrum.",
    ("PG", "retention-12m"): "Counts transfers-out as retained.",
}

REGIONS = ["North", "South", "Central"]


@dataclass(frozen=True)
class Shift:
    """A change that a country's data show: the rate ``measure`` (a key of ``LEVELS``) moves by ``size``
    from the facility's change month on, or in the country's last ``last`` months (a recent loss), at the
    facilities of ``region`` (all when empty) whose number is in ``kinds`` (1 the district hospital, 2 the
    health centre, 3 the clinic, 4 the health post)."""

    measure: str
    size: float
    region: str = ""
    kinds: tuple[int, ...] = (1, 2, 3, 4)
    last: int = 0

    def applies(self, facility) -> bool:
        region = facility.parent.code.split("_", 1)[1]
        return (not self.region or self.region == region) and int(facility.code[-2:]) in self.kinds


# Each rate before any change, as most countries report it; ``OWN_LEVELS`` where one reports otherwise.
LEVELS = {"coverage": 0.72, "suppression": 0.85, "retention": 0.76, "same_day": 0.55}
OWN_LEVELS = {("KE", "retention"): 0.86}  # Kenya kept its clients in care better than most — until lately

# What each country changed, where the demo's stories say it did (the case study's chart, the collaborative's
# teams), as large as the story tells; the countries below the line have no published story.
SHIFTS = {
    # Community refill groups and the viral-load collaborative: suppression from 85 % to 92 % everywhere.
    # Retention at 12 months, the collaborative's balancing measure, has fallen in the last five months.
    "KE": (Shift("suppression", 0.07), Shift("retention", -0.11, last=5)),
    # Patients' committees and the retention collaborative; blotting paper in the North (viral load).
    "HT": (Shift("retention", 0.10), Shift("coverage", 0.12, region="NORTH")),
    # One-stop shops (viral-load coverage, 72 % to 84 %); starter kits in half the North's units.
    "MZ": (Shift("coverage", 0.12), Shift("same_day", 0.15, region="NORTH", kinds=(1, 2))),
    "UG": (Shift("retention", 0.10),),  # peers on the clinics' QI committees: ten points
    "MW": (Shift("same_day", 0.20, kinds=(1,)),),  # same-day ART in the district hospitals, 55 % to 75 %
    "ZW": (Shift("coverage", 0.12),),  # sample transport riders: twelve points
    "ZM": (Shift("suppression", 0.07),),  # a weekly list of high viral loads
    "NA": (Shift("retention", 0.10),),  # a fast-track pharmacy counter
    "TH": (Shift("same_day", 0.20),),  # the same-day protocol and the hospitals' collaborative
    "NG": (Shift("retention", 0.10, region="NORTH", kinds=(1, 2)),),  # tracers, where they had phones
    # ---- no published story (Botswana's case study is a draft): smaller shifts, "Ask them how"
    "BW": (Shift("coverage", 0.05),),
    "KH": (Shift("suppression", 0.04),),
    "GY": (Shift("retention", 0.06),),
    "LA": (Shift("coverage", 0.06),),
    "PG": (Shift("retention", 0.05),),
    "VN": (Shift("suppression", 0.04),),
}
FACILITY_KINDS = ["District Hospital", "Health Centre", "Clinic", "Health Post"]

# Kenya's facilities are its collaborative's twelve teams (improvement/demo.py), so they carry Kenyan names in
# three counties, from the county hospital to the dispensary (the kinds 1–4 of every country's facilities);
# the other countries' facilities are named by their region and kind ("North District Hospital 1").
COUNTIES = {
    "KE": (
        (
            "Nairobi",
            (
                "Mbagathi County Hospital",
                "Kayole Sub-County Hospital",
                "Riruta Health Centre",
                "Kangemi Dispensary",
            ),
        ),
        (
            "Kisumu",
            (
                "Kisumu County Hospital",
                "Ahero Sub-County Hospital",
                "Kombewa Health Centre",
                "Nyalenda Dispensary",
            ),
        ),
        (
            "Homa Bay",
            (
                "Homa Bay County Hospital",
                "Kendu Bay Sub-County Hospital",
                "Rangwe Health Centre",
                "Ogongo Dispensary",
            ),
        ),
    ),
}
# Kenya's change is its collaborative's, which is still under way in the demo's today: its teams adopted their
# main changes about ten months before it (so that the charts have as many months after the step as a shift
# signal needs), and the collaborative began three months before the first of them. Elsewhere the change month
# is drawn in the second year.
CHANGE_MONTHS = {"KE": MONTHS - 10}


def load_indicators_demo(*, actor, seed: int = 2026, today: date | None = None) -> bool:
    """Create the demo indicators and load their data, unless already there. Returns whether it did."""
    network = Network.objects.filter(slug="virtual").first()
    if network is None or NetworkIndicator.objects.filter(network=network).exists():
        return False
    rng = random.Random(seed)
    with transaction.atomic():
        elements = _metadata(network)
        facilities = _org_units(rng, seed)
    months = _months(today)
    rows = list(_values(rng, elements, facilities, months))
    summary = import_data_values(actor=actor, rows=rows, options=ImportOptions(atomic=True))
    if summary["status"] != "SUCCESS":
        raise RuntimeError(f"demo data did not import: {summary['description']} {summary['conflicts'][:3]}")
    _publish(actor, months)
    return True


def _metadata(network: Network) -> dict[str, DataElement]:
    combo, _coc = ensure_default_combo()
    elements = {
        seed.code: DataElement.objects.create(
            uid=generate_uid(),
            code=seed.code,
            name=seed.name,
            value_type=seed.value_type,
            aggregation_type=seed.aggregation,
            category_combo=combo,
            zero_is_significant=True,
        )
        for seed in ELEMENTS
    }
    data_set = DataSet.objects.create(
        uid=generate_uid(), code="HIV_QI_MONTHLY", name="HIV cascade and QI (monthly)", period_type="Monthly"
    )
    data_set.data_elements.set(elements.values())
    for order, (code, name, num, den, target, topic, kind) in enumerate(INDICATORS):
        indicator = NetworkIndicator.objects.create(
            network=network,
            code=code,
            name=name,
            numerator_label=elements[num].name,
            denominator_label=elements[den].name,
            factor=100,
            target=Decimal(target),
            topic=topic,
            chart_kind=kind,
            order=order,
        )
        for country in network.countries.all():
            IndicatorMapping.objects.create(
                network_indicator=indicator,
                country=country,
                numerator=f"#{{{elements[num].uid}}}",
                denominator=f"#{{{elements[den].uid}}}",
                definition_differences=DIFFERENCES.get((country.iso2, code), ""),
            )
    return elements


@dataclass(frozen=True)
class _Facility:
    unit: OrgUnit
    size: int  # people on ART
    change: int  # the index of the month its change began
    draw: random.Random  # the generator of its data


def _org_units(rng: random.Random, seed: int) -> dict[str, tuple[OrgUnit, list[_Facility]]]:
    """Per country: its root and its facilities, each with a size (people on ART), the month its change
    began and the generator its data are drawn from."""
    facilities = {}
    for country in Country.objects.order_by("iso2"):
        root = OrgUnit.objects.create(
            uid=generate_uid(), code=country.iso2, name=country.name, country=country, level=1, path=""
        )
        root.path = f"/{root.uid}"
        root.save(update_fields=["path"])
        change_month = rng.randint(12, 24)  # every country improved something in its second year
        change_month = CHANGE_MONTHS.get(country.iso2, change_month)
        drawn = rng.choice([2, 3])
        # A country with more regions than were drawn for it (Kenya's three counties) draws the others' data
        # from a generator of its own, so that adding them leaves every other country's data as it was.
        own = random.Random(f"{seed}-{country.iso2}")
        rows = []
        for index, (region_name, suffix, names) in enumerate(_regions(country, drawn)):
            draw = rng if index < drawn else own
            region = OrgUnit.objects.create(
                uid=generate_uid(),
                code=f"{country.iso2}_{suffix}",
                name=region_name,
                country=country,
                level=2,
                parent=root,
                path="",
            )
            region.path = f"{root.path}/{region.uid}"
            region.save(update_fields=["path"])
            for number, name in enumerate(names, start=1):
                uid = generate_uid()
                facility = OrgUnit.objects.create(
                    uid=uid,
                    code=f"{country.iso2}_{suffix[:1]}{number:02d}",
                    name=name,
                    country=country,
                    level=3,
                    parent=region,
                    path=f"{region.path}/{uid}",
                )
                size = draw.choice([2500, 1200, 600, 250][number - 1 : number]) * draw.uniform(0.7, 1.3)
                rows.append(_Facility(facility, int(size), change_month + draw.randint(-1, 1), draw))
        facilities[country.iso2] = (root, rows)
    return facilities


def _regions(country: Country, drawn: int) -> list[tuple[str, str, list[str]]]:
    """The country's regions: (name, code after the country's, its four facilities' names, kinds 1–4)."""
    if country.iso2 in COUNTIES:
        return [
            (f"{county} County", county.upper().replace(" ", "_"), list(names))
            for county, names in COUNTIES[country.iso2]
        ]
    return [
        (
            f"{country.name} {region}",
            region.upper(),
            [f"{region} {kind} {number}" for number, kind in enumerate(FACILITY_KINDS, start=1)],
        )
        for region in REGIONS[:drawn]
    ]


def _months(today: date | None) -> list[str]:
    month = period_of("Monthly", today or timezone.localdate()).previous()
    ids = []
    for _step in range(MONTHS):
        ids.append(month.id)
        month = month.previous()
    return list(reversed(ids))


# Slips that a real network's data show, so that the data-quality view and the charts' flagged points have
# something to say: (facility code, months before the latest) → what went wrong in that month's report.
SLIPS = {
    # Suppressed copied from the row above (people on ART): more suppressed than tested.
    ("ZM_N03", 5): "suppressed_from_wrong_row",
    # People on ART typed with an extra zero: a stock that jumps tenfold, and back the month after.
    ("UG_S01", 8): "extra_zero",
    # A health post without power for two months: nothing reported.
    ("MW_N04", 10): "not_reported",
    ("MW_N04", 9): "not_reported",
}


def _values(rng, elements, facilities, months):
    index = 0
    for iso2, (root, rows) in facilities.items():
        national_diagnosed = 0
        for row in rows:
            shifts = [shift for shift in SHIFTS.get(iso2, ()) if shift.applies(row.unit)]
            for m, month in enumerate(months):
                rates = _rates(iso2, shifts, m, row.change, len(months))
                values = _facility_month(row.draw, row.size, m, rates)
                national_diagnosed += values["HIV_DIAGNOSED"] if m == len(months) - 1 else 0
                slip = SLIPS.get((row.unit.code, len(months) - 1 - m))
                if slip == "not_reported":
                    continue
                if slip == "suppressed_from_wrong_row":
                    values["VL_SUPPRESSED"] = values["TX_CURR"]
                elif slip == "extra_zero":
                    values["TX_CURR"] *= 10
                for code, value in values.items():
                    yield DataValueRow(elements[code].uid, month, row.unit.uid, value=str(value), index=index)
                    index += 1
        # Spectrum estimates are national and yearly; a country's first 95 sits between 75 % and 97 %, and
        # stays there: a new estimate each year that moved it by ten points would be a shift with no story.
        first_95 = rng.uniform(0.75, 0.97)
        for year in sorted({month[:4] for month in months}):
            estimate = int(national_diagnosed / first_95) if national_diagnosed else 0
            yield DataValueRow(elements["PLHIV_EST"].uid, year, root.uid, value=str(estimate), index=index)
            index += 1


def _rates(iso2: str, shifts: list[Shift], month: int, change: int, months: int) -> dict[str, float]:
    """A facility's expected rates in ``month`` (an index): the country's levels, moved by the shifts under
    way at the facility by then."""
    rates = {name: OWN_LEVELS.get((iso2, name), level) for name, level in LEVELS.items()}
    for shift in shifts:
        if (month >= months - shift.last) if shift.last else (month >= change):
            rates[shift.measure] += shift.size
    return rates


def _facility_month(rng: random.Random, size: int, month: int, rates: dict[str, float]) -> dict[str, int]:
    on_art = int(size * (1 + 0.004 * month) * rng.uniform(0.97, 1.03))
    diagnosed = int(on_art / rng.uniform(0.86, 0.93))
    coverage = min(0.98, rates["coverage"] + rng.gauss(0, 0.03))
    tested = int(on_art * coverage)
    suppression = min(0.99, rates["suppression"] + rng.gauss(0, 0.015))
    started = max(3, int(size * 0.02 * rng.uniform(0.7, 1.3)))
    retention = min(1.0, rates["retention"] + rng.gauss(0, 0.05))
    new = max(2, int(size * 0.015 * rng.uniform(0.6, 1.4)))
    same_day = min(1.0, rates["same_day"] + rng.gauss(0, 0.08))
    return {
        "HIV_DIAGNOSED": diagnosed,
        "TX_CURR": on_art,
        "VL_TESTED": tested,
        "VL_SUPPRESSED": int(tested * suppression),
        "RET_12M_D": started,
        "RET_12M_N": round(started * max(0.0, retention)),
        "NEW_DIAGNOSED": new,
        "SAME_DAY_ART": round(new * max(0.0, same_day)),
    }


def _publish(actor, months: list[str]) -> None:
    """Most countries have published all but the latest month; two lag a quarter behind."""

    lagging = {"PG", "LA"}
    for country in Country.objects.all():
        cutoff = len(months) - (4 if country.iso2 in lagging else 1)
        for month in months[:cutoff]:
            publish_period(actor=actor, country=country, period_id=month)
    complete_years = sorted({m[:4] for m in months if m[:4] < months[-1][:4]})
    for year in complete_years:
        for country in Country.objects.exclude(iso2__in=lagging):
            if Publication.objects.filter(country=country, period__dhis2_id=year).exists():
                continue
            publish_period(actor=actor, country=country, period_id=year)
