"""A collaborative's measure on its country's own data elements: charted for each team's org unit from the
imported data by the same arithmetic as a network indicator (never typed), and added through a form that
offers a network indicator or the country's data elements, refusing neither, both and another country's."""

from __future__ import annotations

import numpy as np
import pytest

from improvement_world import improvement_of
from qicop.core.models import AuditEntry
from qicop.improvement.charts import measure_chart, team_chart
from qicop.improvement.collaboratives import services
from qicop.improvement.models import Measure
from qicop.improvement.reports import selectors as reports
from qicop.indicators.models import DataElement


def _add(work, **values) -> Measure:
    defaults = {"kind": Measure.Kind.PROCESS, "name": "Suppressed among tested", "factor": 100}
    return services.add_measure(actor=work.world.faith.user, collaborative=work.kenya, **defaults | values)


def _form_url(work) -> str:
    return f"/n/vln/improvement/{work.kenya.pk}/measures/new/"


def _haitian_element(world) -> DataElement:
    return DataElement.objects.create(
        uid="HtVlSupp01a",
        code="HT_VL_SUPP",
        name="Charge virale supprimée",
        category_combo=DataElement.objects.get(uid="VlSupp0001a").category_combo,
        country=world.haiti,
    )


# --- charted from the data -----------------------------------------------------------------------------


def test_a_measure_on_data_elements_charts_the_teams_values_as_the_indicator_over_them_does(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    kim = world.kim.user
    mine = measure_chart(kim, work.team, measure)
    indicator = team_chart(kim, work.team, work.data.indicator)  # the same elements, mapped by Kenya
    assert mine.has_data and mine.series.ids == indicator.series.ids
    np.testing.assert_array_equal(mine.values, indicator.values)
    # Nakuru's hospital tested 100 a month and suppressed 80 + (month % 3), as imported, never typed.
    month = work.data.periods.index(mine.series.ids[-1])
    assert mine.values[-1] == pytest.approx(80 + month % 3)
    assert mine.spc.kind == "p" and mine.file_name.startswith(f"measure-{measure.pk}-")


def test_a_measure_without_a_denominator_charts_the_numerators_counts(world):
    work = improvement_of(world)
    measure = _add(work, name="Clients suppressed", numerator=work.data.vl_suppressed, factor=1)
    chart = measure_chart(world.kim.user, work.team, measure, today=work.data.today)  # Kim's day, in Nairobi
    months = [work.data.periods.index(p) for p in chart.series.ids]
    assert list(chart.values) == [80 + m % 3 for m in months]
    assert chart.spc.kind == "i"


def test_the_workspace_and_the_chart_page_show_a_measure_on_data_elements(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    team = f"/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/"
    client = world.client_for("kim")
    page = client.get(team).content.decode()
    assert f"charts/measure-{measure.pk}/" in page and "Suppressed among tested" in page
    chart = client.get(team + f"charts/measure-{measure.pk}/").content.decode()
    assert "<svg" in chart and "The numbers behind the chart" in chart
    assert client.get(team + f"charts/measure-{measure.pk}/?format=svg")["Content-Type"].startswith(
        "image/svg+xml"
    )


def test_editing_the_collaborative_keeps_its_measures_on_data_elements(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed)
    services._set_measures(work.kenya, [(work.data.indicator, Measure.Kind.OUTCOME)])
    assert Measure.objects.filter(pk=measure.pk).exists()


# --- the form ------------------------------------------------------------------------------------------


def _post(world, work, **fields):
    data = {"indicator": "", "name": "", "numerator": "", "denominator": "", "factor": "1"}
    data |= {"improvement": "up", "kind": "process"} | fields
    return world.client_for("faith").post(_form_url(work), data)


def test_the_focal_point_adds_a_measure_on_the_countrys_elements_by_code_or_name(world):
    work = improvement_of(world)
    response = _post(
        world,
        work,
        name="Suppressed among tested",
        numerator="VL_SUPPRESSED",
        denominator="viral load tested",
        factor="100",
    )
    assert response.status_code == 302
    measure = Measure.objects.get(collaborative=work.kenya, name="Suppressed among tested")
    assert (measure.numerator.uid, measure.denominator.uid, measure.factor) == (
        "VlSupp0001a",
        "VlTested01a",
        100,
    )
    assert measure.indicator is None


def test_another_countrys_element_is_refused_by_name_and_what_was_typed_kept(world):
    work = improvement_of(world)
    _haitian_element(world)
    response = _post(world, work, name="Suppression (Haïti)", numerator="HT_VL_SUPP")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Charge virale supprimée is kept by Haiti, not Kenya" in page
    assert 'value="HT_VL_SUPP"' in page and "Suppression (Haïti)" in page
    assert not Measure.objects.filter(collaborative=work.kenya, name="Suppression (Haïti)").exists()


def test_a_measure_with_neither_an_indicator_nor_elements_is_refused(world):
    work = improvement_of(world)
    response = _post(world, work)
    assert response.status_code == 400
    assert "Choose a network indicator, or your country" in response.content.decode()


def test_a_measure_with_both_an_indicator_and_elements_is_refused_with_the_typed_input_kept(world):
    work = improvement_of(world)
    before = Measure.objects.filter(collaborative=work.kenya).count()
    response = _post(
        world, work, indicator=str(work.data.indicator.pk), name="Both", numerator="VL_SUPPRESSED"
    )
    page = response.content.decode()
    assert response.status_code == 400 and "not both" in page and 'value="VL_SUPPRESSED"' in page
    assert Measure.objects.filter(collaborative=work.kenya).count() == before


def test_an_unknown_element_is_refused_by_what_was_typed(world):
    work = improvement_of(world)
    response = _post(world, work, name="Typo", numerator="VL_SUPRESSED")
    assert response.status_code == 400 and "No data element VL_SUPRESSED" in response.content.decode()


def test_only_those_who_run_the_collaborative_reach_the_form(world):
    work = improvement_of(world)
    assert world.client_for("faith").get(_form_url(work)).status_code == 200
    assert world.client_for("kim").get(_form_url(work)).status_code == 403


def test_a_monthly_report_reads_the_measure_on_data_elements_from_the_data(world):
    work = improvement_of(world)
    _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    charts = reports.measure_charts(world.kim.user, work.team, work.start)
    readings = {r.name: r for r in reports.month_measures(work.team, work.start, charts)}
    assert readings["Suppressed among tested"].value
    assert readings["Suppressed among tested"].value == readings["Viral suppression"].value


def test_a_pdsa_cycle_is_drawn_on_the_chart_of_the_measure_it_watches_and_not_on_the_others(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    work.cycle.measure = measure
    work.cycle.save()
    team = f"/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/charts/"
    client = world.client_for("kim")
    assert (
        "PDSA: Review results daily for one week"
        in client.get(team + f"measure-{measure.pk}/").content.decode()
    )
    assert "PDSA: Review results daily" not in client.get(team + "vl-suppression/").content.decode()


def test_an_adopted_change_on_a_measure_on_data_elements_is_marked_but_proposes_no_phase(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    work.cycle.measure, work.cycle.decision, work.cycle.decided_on = measure, "adopt", work.cycle.end
    work.cycle.save()
    page = world.client_for("faith").get(
        f"/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/charts/measure-{measure.pk}/"
    )
    text = page.content.decode()
    assert f"Adopted: {work.idea.title}" in text  # drawn on the chart
    assert "A new phase after an adopted change" not in text  # phases are saved per network indicator


# --- changing and removing one -------------------------------------------------------------------------


def _edit_url(work, measure) -> str:
    return f"/n/vln/improvement/{work.kenya.pk}/measures/{measure.pk}/edit/"


def _remove_url(work, measure) -> str:
    return f"/n/vln/improvement/{work.kenya.pk}/measures/{measure.pk}/remove/"


def _edit(world, work, measure, persona="faith", **fields):
    data = {"name": "Suppressed among tested", "numerator": "VlSupp0001a", "denominator": "VlTested01a"}
    data |= {"factor": "100", "improvement": "up", "kind": "process"} | fields
    return world.client_for(persona).post(_edit_url(work, measure), data)


def test_the_collaboratives_page_lists_each_measure_in_words_with_a_link_to_change_it(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    page = world.client_for("faith").get(f"/n/vln/improvement/{work.kenya.pk}/").content.decode()
    assert "network indicator vl-suppression" in page
    assert "data elements: Viral load suppressed divided by Viral load tested, times 100" in page
    assert f'href="{_edit_url(work, measure)}"' in page
    assert (
        _edit_url(work, measure)
        not in world.client_for("kim").get(f"/n/vln/improvement/{work.kenya.pk}/").content.decode()
    )


def test_the_change_form_shows_the_measure_as_stored(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    page = world.client_for("faith").get(_edit_url(work, measure)).content.decode()
    assert 'value="Suppressed among tested"' in page
    assert 'value="VlSupp0001a"' in page and 'value="VlTested01a"' in page and 'value="100"' in page
    assert 'name="indicator"' not in page  # an indicator's measure is chosen on the collaborative's form
    assert f'action="{_remove_url(work, measure)}"' in page


def test_the_focal_point_changes_a_measure_and_the_cycles_that_watch_it_keep_it(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    work.cycle.measure = measure
    work.cycle.save()
    response = _edit(
        world, work, measure, name="Suppressed (count)", denominator="", factor="1", improvement="down"
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.name, measure.denominator, measure.factor, measure.improvement) == (
        "Suppressed (count)",
        None,
        1,
        "down",
    )
    work.cycle.refresh_from_db()
    assert work.cycle.measure == measure
    entry = AuditEntry.objects.get(verb="collaborative.measure_update")
    assert entry.data["changed"] == ["denominator", "factor", "improvement", "name"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"numerator": "HT_VL_SUPP"}, "Charge virale supprimée is kept by Haiti, not Kenya"),
        ({"numerator": "VL_SUPRESSED"}, "No data element VL_SUPRESSED"),
        ({"numerator": ""}, "Choose the data element the measure counts (its numerator)."),
        ({"name": "  "}, "Name the measure."),
        (
            {"name": "clients suppressed"},
            "The collaborative already has a measure called clients suppressed.",
        ),
        ({"factor": "0"}, "Ensure this value is greater than or equal to 1."),
    ],
)
def test_the_change_form_refuses_what_the_add_form_refuses_and_keeps_what_was_typed(world, fields, message):
    work = improvement_of(world)
    _haitian_element(world)
    _add(work, name="Clients suppressed", numerator=work.data.vl_suppressed)
    measure = _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    response = _edit(world, work, measure, **{"denominator": "viral load tested"} | fields)
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert message in page
    assert 'value="viral load tested"' in page  # what was typed, not what is stored
    measure.refresh_from_db()
    assert (measure.name, measure.numerator, measure.factor) == (
        "Suppressed among tested",
        work.data.vl_suppressed,
        100,
    )


def test_removing_a_measure_leaves_the_presentations_that_showed_it_without_a_chart(world):
    from qicop.improvement.models import PresentationEvidence
    from qicop.meetings.models import CasePresentation

    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed)
    case = CasePresentation.objects.create(
        meeting=world.meeting, country=world.kenya, deadline=world.meeting.start
    )
    evidence = PresentationEvidence.objects.create(case_presentation=case, team=work.team, measure=measure)
    response = world.client_for("faith").post(_remove_url(work, measure))
    assert response.status_code == 302 and response["Location"] == f"/n/vln/improvement/{work.kenya.pk}/"
    assert not Measure.objects.filter(pk=measure.pk).exists()
    evidence.refresh_from_db()
    assert evidence.measure is None
    assert AuditEntry.objects.filter(verb="collaborative.measure_remove").exists()


def test_a_measure_that_pdsa_cycles_watch_is_not_removed_and_the_page_says_why(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed, denominator=work.data.vl_tested)
    work.cycle.measure = measure
    work.cycle.save()
    client = world.client_for("faith")
    response = client.post(_remove_url(work, measure))
    assert response.status_code == 302 and response["Location"] == _edit_url(work, measure)
    page = client.get(response["Location"]).content.decode().replace("&#x27;", "'")
    assert (
        "Suppressed among tested is the measure 1 PDSA cycle watches: it stays among the collaborative's "
        "measures, since a cycle's plan is kept as it was recorded." in page
    )
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_only_those_who_run_the_collaborative_change_or_remove_a_measure(world):
    work = improvement_of(world)
    measure = _add(work, numerator=work.data.vl_suppressed)
    kim = world.client_for("kim")
    assert kim.get(_edit_url(work, measure)).status_code == 403
    assert _edit(world, work, measure, "kim", name="Mine").status_code == 403
    assert kim.post(_remove_url(work, measure)).status_code == 403
    assert world.client_for("henri").post(_remove_url(work, measure)).status_code == 404
    assert world.client_for("carla").get(_edit_url(work, measure)).status_code == 200
    assert Measure.objects.get(pk=measure.pk).name == "Suppressed among tested"


def test_a_network_indicators_measure_has_no_change_page(world):
    work = improvement_of(world)
    assert world.client_for("faith").get(_edit_url(work, work.measure)).status_code == 404
    assert world.client_for("faith").post(_remove_url(work, work.measure)).status_code == 404
