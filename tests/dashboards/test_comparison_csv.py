"""The comparison CSV is a file for people: an org unit named like a formula is written as text, never run
by the spreadsheet that opens it (issue 12; the rule is ``spreadsheet.looks_like_formula``)."""

import csv
import io

from qicop.indicators.models import OrgUnit
from viral_load_world import FACILITY, viral_load_world


def test_an_org_unit_named_like_a_formula_is_neutralised_in_the_comparison_csv(world):
    data = viral_load_world(world)
    OrgUnit.objects.filter(uid=FACILITY).update(name='=HYPERLINK("http://evil.example","Nakuru")')
    response = world.client_for("carla").get(
        f"/n/vln/compare/vl-suppression/?period={data.bad}&country=KE&format=csv"
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","Nakuru")' in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
