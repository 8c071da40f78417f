"""The national programmes demo tells one story: fifteen years of assessments of six countries, Kenya and
Haiti rising in measurement and QI activity, Mozambique stalled on consumer involvement, Thailand strong
and not sharing its last three years, Viet Nam never sharing; the WHO readiness self-checks of 2017 and
2024; this year's draft for Kenya; dates no later than today; and a second load that adds nothing."""

import re

import pytest
from django.utils import timezone

from qicop.programmes import demo as programmes_demo
from qicop.programmes.models import Answer, AssessmentRound, Instrument
from qicop.programmes.scores import domain_results

pytestmark = pytest.mark.django_db

S = AssessmentRound.Status
NATIONAL, NQPS = programmes_demo.NATIONAL, programmes_demo.NQPS


def rounds(slug=NATIONAL, **filters):
    return list(
        AssessmentRound.objects.filter(network__slug="virtual", instrument__slug=slug, **filters)
        .select_related("country", "instrument", "confirmed_by")
        .order_by("year")
    )


def past_rounds(iso2, slug=NATIONAL):
    return rounds(slug, country__iso2=iso2, year__lt=timezone.now().year)


def domain_levels(rounds_, code):
    results = domain_results(rounds_)
    return [next(d.level for d in results[r.pk] if d.code == code) for r in rounds_]


def means(rounds_):
    results = domain_results(rounds_)
    return [sum(d.level for d in results[r.pk]) / len(results[r.pk]) for r in rounds_]


def test_six_countries_have_a_round_a_year_from_2010_but_for_the_years_they_skipped(demo):
    this_year = timezone.now().year
    found = {}
    for round_ in rounds(year__lt=this_year):
        found.setdefault(round_.country.iso2, []).append(round_.year)
    assert set(found) == set(programmes_demo.COUNTRIES)
    for iso2, skipped in programmes_demo.SKIPPED.items():
        assert found[iso2] == [y for y in range(2010, this_year) if y not in skipped], iso2
        assert found[iso2][-1] == this_year - 1
    nqps = {(r.country.iso2, r.year) for r in rounds(NQPS)}
    assert nqps == {(c, y) for c in ("KE", "HT", "MZ", "ZM") for y in (2017, 2024) if y < this_year}


def test_one_round_per_country_instrument_and_year(demo):
    keys = list(AssessmentRound.objects.values_list("network", "country", "instrument__slug", "year"))
    assert len(keys) == len(set(keys))


def test_every_level_is_on_the_scale_and_evidence_is_given_where_the_instrument_asks(demo):
    for instrument in Instrument.objects.filter(slug__in=(NATIONAL, NQPS)):
        answers = Answer.objects.filter(round__instrument=instrument, round__network__slug="virtual")
        items = instrument.domains.values_list("items", flat=True).count()
        for round_ in AssessmentRound.objects.filter(instrument=instrument):
            assert round_.answers.count() == items, round_
        for level, evidence in answers.values_list("level", "evidence"):
            assert level in instrument.levels
            if level >= instrument.evidence_from:
                assert evidence.strip()
            else:
                assert evidence == ""


def test_kenya_and_haiti_rise_in_measurement_and_qi_activity_with_a_dip_after_a_gap(demo):
    for iso2 in ("KE", "HT"):
        history = past_rounds(iso2)
        for code in ("measurement", "qi-activity"):
            levels = domain_levels(history, code)
            assert levels[0] <= 1.5 and levels[-1] >= 3.5, (iso2, code, levels)
            assert levels[-1] > levels[0]
        gap = next(y for y in programmes_demo.SKIPPED[iso2] if y > 2010)
        years = [r.year for r in history]
        after, before = years.index(gap + 1), years.index(gap - 1)
        measurement = domain_levels(history, "measurement")
        assert measurement[after] < measurement[before], iso2  # the funding gap shows


def test_mozambique_rises_everywhere_but_in_consumer_involvement(demo):
    history = past_rounds("MZ")
    assert all(level <= 1.5 for level in domain_levels(history, "consumers"))
    overall = means(history)
    assert overall[-1] > overall[0] + 1


def test_thailand_is_strong_from_the_start(demo):
    thailand = means(past_rounds("TH"))
    others = [means(past_rounds(iso2))[0] for iso2 in ("KE", "HT", "MZ", "ZM", "VN")]
    assert thailand[0] >= 3 and thailand[0] > max(others)


def test_past_rounds_are_locked_and_shared_but_thailands_last_three_and_viet_nams(demo):
    coordinator_email = "coordinator@example.org"
    for round_ in rounds(year__lt=timezone.now().year) + rounds(NQPS):
        assert round_.confirmed_by.email == coordinator_email
        assert round_.submitted_at.year == round_.year and round_.confirmed_at.year <= round_.year + 1
        iso2 = round_.country.iso2
        if iso2 == "TH" and round_ in past_rounds("TH")[-3:]:
            assert round_.status == S.CONFIRMED and not round_.shared and round_.locked_at is None
        else:
            assert round_.status == S.LOCKED and round_.locked_at > round_.confirmed_at
            assert round_.shared is (iso2 != "VN"), round_


def test_assessors_are_the_focal_point_and_in_external_years_named_consultants(demo):
    from qicop.network.models import Membership, Role

    for round_ in rounds() + rounds(NQPS):
        assessors = list(round_.assessors.all())
        assert len(assessors) == 1 and assessors[0].country_id == round_.country_id
        assert Membership.objects.filter(
            member=assessors[0], network__slug="virtual", role=Role.FOCAL_POINT
        ).exists()
        if round_.assessed_by == AssessmentRound.Assessor.EXTERNAL:
            assert round_.assessor_names
    external = {r.year for r in rounds(country__iso2="KE", assessed_by="external", status=S.LOCKED)}
    assert external and all((year - 2010) % 3 == 2 for year in external)
    assert rounds(country__iso2="KE", assessed_by="self")
    kenya = past_rounds("KE")
    assert kenya[-1].assessors.get().user.email == "focal.ke@example.org"


def test_the_2017_readiness_round_recalls_the_networks_session_on_quality_policy(demo):
    round_ = rounds(NQPS, country__iso2="KE", year=2017)[0]
    assert "Discussed at the network's session on national quality policy, July 2017" in round_.comments


def test_kenyas_draft_for_this_year_starts_from_last_years_answers(demo):
    this_year = timezone.now().year
    draft = rounds(year=this_year)
    assert [(r.country.iso2, r.status) for r in draft] == [("KE", S.DRAFT)]
    draft = draft[0]
    last = past_rounds("KE")[-1]
    assert draft.started_from == last and last.year == this_year - 1
    assert draft.created_by.email == "focal.ke@example.org"
    copied = set(draft.answers.values_list("item", "level", "evidence"))
    assert copied == set(last.answers.values_list("item", "level", "evidence"))
    assert draft.submitted_at is None and draft.confirmed_at is None


def test_every_date_is_in_order_and_none_is_in_the_future(demo):
    now = timezone.now()
    for round_ in AssessmentRound.objects.filter(network__slug="virtual"):
        dates = [round_.created_at, round_.submitted_at, round_.confirmed_at, round_.locked_at]
        known = [d for d in dates if d is not None]
        assert known == sorted(known) and known[-1] <= now, round_
        assert round_.updated_at <= now
        assert round_.created_at.year >= round_.year or round_.year == now.year


def test_loading_the_demo_twice_creates_nothing_twice(demo):
    from qicop.demo import load_demo

    models = [AssessmentRound, Answer, AssessmentRound.assessors.through]
    counts = [model.objects.count() for model in models]
    assert programmes_demo.load_demo() is False
    assert load_demo() is False
    assert [model.objects.count() for model in models] == counts


def test_the_coordinator_sees_the_story_on_the_gap_map(demo, client):
    assert client.login(username="coordinator@example.org", password="demo")
    page = client.get("/n/virtual/programmes/gap-map/")
    assert page.status_code == 200
    rows = {row.country.iso2: row for row in page.context["gaps"].rows}
    assert set(programmes_demo.COUNTRIES) <= set(rows)
    assert all(row.round.year == timezone.now().year - 1 for row in rows.values())  # not this year's draft
    assert rows["MZ"].levels["consumers"] <= 1.5
    assert rows["TH"].overall > rows["MZ"].overall
    html = page.content.decode()
    assert all(row.country.display_name in html for row in rows.values())


def test_kenyas_results_page_draws_five_years_on_its_radar(demo, client):
    assert client.login(username="coordinator@example.org", password="demo")
    page = client.get("/n/virtual/programmes/countries/KE/")
    assert page.status_code == 200
    histories = page.context["histories"]
    assert [h.slug for h, _svg in histories] == [NATIONAL, NQPS]
    national, svg = histories[0]
    assert [y.year for y in national.years] == [r.year for r in past_rounds("KE")]
    years = re.findall(r'<polygon[^>]*class="[^"]*\br[0-4]\b', svg)
    assert len(years) == 5
    html = page.content.decode()
    assert "Performance measurement and data use" in html and "Quality improvement activity" in html
    assert all(f">{y.year}<" in html for y in national.shown)  # the table's five years
    assert "WHO" in html  # the readiness self-checks of 2017 and 2024: a second radar
    assert len(page.content) < 100_000


def test_the_coordinator_sees_thailands_last_years_marked_as_not_shared(demo, client):
    assert client.login(username="coordinator@example.org", password="demo")
    page = client.get("/n/virtual/programmes/countries/TH/")
    assert page.status_code == 200 and "not shared" in page.content.decode()


def test_kenya_and_haiti_drafted_work_plans_from_their_latest_confirmed_rounds_for_their_weakest_domains(
    demo,
):
    from qicop.programmes.models import WorkPlan, WorkPlanAction
    from qicop.programmes.workplans.selectors import proposal

    today = timezone.localdate()
    plans = {p.round.country.iso2: p for p in WorkPlan.objects.select_related("round__country")}
    assert set(plans) == {"KE", "HT"}
    for iso2, plan in plans.items():
        assert plan.round == past_rounds(iso2)[-1]  # the latest confirmed round, not this year's draft
        weakest = [d.code for d in proposal(plan.round)][:3]
        assert [o.domain_code for o in plan.objectives.order_by("order")] == weakest
        actions = list(WorkPlanAction.objects.filter(objective__plan=plan).select_related("owner"))
        assert all(
            a.owner.country_id == plan.round.country_id and a.due.year >= plan.round.year for a in actions
        )
        done = [a for a in actions if a.status == WorkPlanAction.Status.DONE]
        assert done and all(a.done_at <= timezone.now() for a in done)
        assert any(a.status == WorkPlanAction.Status.OPEN and a.due > today for a in actions)


def test_kenyas_focal_point_finds_her_open_steps_on_the_network_home(demo, client):
    from qicop.programmes.models import WorkPlanAction

    owned = WorkPlanAction.objects.filter(
        owner__user__email="focal.ke@example.org", status=WorkPlanAction.Status.OPEN
    )
    assert owned.count() >= 2
    assert client.login(username="focal.ke@example.org", password="demo")
    page = client.get("/n/virtual/")
    assert page.status_code == 200
    assert owned.order_by("due").first().description in page.content.decode()


def test_four_countries_keep_a_consumer_register_and_mozambique_stalled_with_one_hidden_and_no_role(demo):
    from qicop.programmes.models import ConsumerRepresentative, ConsumerRole

    registers = {}
    for representative in ConsumerRepresentative.objects.select_related("country").prefetch_related("roles"):
        registers.setdefault(representative.country.iso2, []).append(representative)
    assert set(registers) == {"KE", "HT", "TH", "ZM", "MZ"}
    mozambique = registers.pop("MZ")
    assert len(mozambique) == 1 and not mozambique[0].roles.exists()
    for iso2, representatives in registers.items():
        assert len(representatives) >= 2, iso2
        appearances = {r.appearance for r in representatives}
        assert {"name", "initials"} <= appearances, iso2
        assert any(role.kind == "committee" for r in representatives for role in r.roles.all()), iso2
    every = [r for rs in registers.values() for r in rs] + mozambique
    assert {r.appearance for r in every} == set(ConsumerRepresentative.Appearance.values)
    today = timezone.localdate()
    for representative in every:
        assert representative.consent_on <= today
        if representative.consent_how == "verbal":
            assert representative.consent_witness
        for role in representative.roles.all():
            assert role.since >= representative.consent_on  # no role before consent
    roles = ConsumerRole.objects.filter(representative__country__iso2__in=["KE", "HT", "TH"])
    for role in roles.filter(kind="team").select_related("team__collaborative", "representative"):
        assert role.team.collaborative.country_id == role.representative.country_id
    assert roles.filter(kind="panel", meeting__isnull=False).exists()
    assert roles.filter(kind="assessment", round__isnull=False).exists()


def test_the_consumer_overview_shows_kenyas_teams_with_a_consumer_and_mozambiques_level_at_one(demo, client):
    assert client.login(username="coordinator@example.org", password="demo")
    page = client.get("/n/virtual/programmes/consumers/")
    assert page.status_code == 200
    rows = {row.country.iso2: row for row in page.context["rows"]}
    assert rows["KE"].representatives == 5 and rows["KE"].teams_with_consumer >= 3
    assert rows["KE"].meetings_with_speaker >= 1
    assert rows["MZ"].representatives == 1 and rows["MZ"].level <= 1.5


def test_loading_again_adds_no_plan_and_no_representative(demo):
    from qicop.programmes.consumers import demo as consumers_demo
    from qicop.programmes.models import (
        ConsumerRepresentative,
        ConsumerRole,
        WorkPlanAction,
        WorkPlanObjective,
    )
    from qicop.programmes.workplans import demo as workplans_demo

    models = [WorkPlanObjective, WorkPlanAction, ConsumerRepresentative, ConsumerRole]
    counts = [model.objects.count() for model in models]
    assert workplans_demo.load_demo() is False and consumers_demo.load_demo() is False
    assert [model.objects.count() for model in models] == counts
