"""A country's results: a radar and a table of changes per instrument, of confirmed rounds only, as the
viewer may see them; the chart as a PNG and every year as CSV."""

import csv
import io

from programmes_world import programmes_of
from qicop.programmes.models import AssessmentRound

KENYA = "/n/vln/programmes/countries/KE/"
THAILAND = "/n/vln/programmes/countries/TH/"
NAMIBIA = "/n/vln/programmes/countries/NA/"


def _years(response) -> dict[str, list[int]]:
    return {h.slug: [y.year for y in h.years] for h, _svg in response.context["histories"]}


def test_a_countrys_own_member_sees_its_confirmed_rounds_but_never_a_draft(world):
    programmes_of(world)
    response = world.client_for("kim").get(KENYA)
    assert response.status_code == 200
    assert _years(response) == {"national-qm-programme": [2025]}


def test_henri_from_haiti_sees_kenyas_shared_round_and_not_thailands_unshared_one(world):
    programmes_of(world)
    client = world.client_for("henri")
    assert _years(client.get(KENYA)) == {"national-qm-programme": [2025]}
    assert _years(client.get("/n/vln/programmes/countries/HT/")) == {"national-qm-programme": [2026]}
    page = client.get(THAILAND)
    assert _years(page) == {}
    assert "No confirmed assessment of Thailand that you may see yet" in page.content.decode()


def test_the_coordinator_sees_thailands_confirmed_round_marked_as_not_shared(world):
    programmes_of(world)
    page = world.client_for("carla").get(THAILAND)
    assert _years(page) == {"national-qm-programme": [2026]}
    assert "not shared" in page.content.decode()


def test_the_page_draws_a_radar_and_tabulates_each_domains_change_since_the_year_before(world):
    work = programmes_of(world)
    AssessmentRound.objects.filter(pk=work.kenya_2026.pk).update(status=AssessmentRound.Status.CONFIRMED)
    page = world.client_for("faith").get(KENYA).content.decode()
    assert page.count("<svg") == 1 and "National quality management programme assessment" in page
    # Leadership 2.5 → 2.5, measurement 1.5 → 2.0, overall 2.0 → 2.25
    assert "no change" in page and "+0.5" in page and "+0.3" in page  # 0.25, rounded half up
    assert f"{KENYA}national-qm-programme.png" in page
    assert "not shared" in page  # 2026 is confirmed but Kenya has not shared it yet


def test_the_radar_downloads_as_a_png(world):
    programmes_of(world)
    response = world.client_for("kim").get(KENYA + "national-qm-programme.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content[:4] == b"\x89PNG"
    assert 'filename="ke-national-qm-programme.png"' in response["Content-Disposition"]


def test_a_radar_of_an_instrument_without_visible_rounds_is_not_found(world):
    programmes_of(world)
    assert world.client_for("kim").get(NAMIBIA + "national-qm-programme.png").status_code == 404
    assert world.client_for("kim").get(KENYA + "no-such-instrument.png").status_code == 404


def test_observers_see_the_gap_map_and_not_a_countrys_results(world):
    programmes_of(world)
    assert world.client_for("olga").get(KENYA).status_code == 403


def test_an_empty_country_explains_what_an_assessment_is_and_who_starts_one(world):
    programmes_of(world)
    faith = world.client_for("faith").get(NAMIBIA).content.decode()
    assert "scores the national quality programme once a year" in faith
    assert "focal point starts it" in faith and "/n/vln/programmes/gap-map/" in faith
    assert "Start this year" not in faith  # Faith runs Kenya's rounds, not Namibia's
    carla = world.client_for("carla").get(NAMIBIA).content.decode()
    assert "Start this year's assessment of Namibia" in carla
    assert '/n/vln/programmes/assessments/new/"' in carla


def test_the_csv_holds_every_visible_year_by_domain_with_its_change(world):
    work = programmes_of(world)
    AssessmentRound.objects.filter(pk=work.kenya_2026.pk).update(status=AssessmentRound.Status.LOCKED)
    response = world.client_for("faith").get(KENYA + "results.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["year"], r["domain_code"], r["level"], r["change"]) for r in rows] == [
        ("2025", "leadership", "2.5", ""),
        ("2025", "measurement", "1.5", ""),
        ("2026", "leadership", "2.5", "0.0"),
        ("2026", "measurement", "2.0", "0.5"),
    ]
    henri = world.client_for("henri").get(THAILAND + "results.csv").content.decode("utf-8-sig")
    assert henri.splitlines()[1:] == []
