"""qicop import and qicop export, through Django's call_command."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from qicop.indicators.models import DataValue


def write_json(path, *values):
    path.write_text(
        json.dumps(
            {
                "dataValues": [
                    {"dataElement": de, "period": pe, "orgUnit": ou, "value": v} for de, pe, ou, v in values
                ]
            }
        )
    )
    return path


def test_import_prints_the_summary_and_stores_the_values(data, tmp_path):
    path = write_json(tmp_path / "values.json", ("VlTested01a", "202401", "NakuruHosp1", "12"))
    out = io.StringIO()
    call_command("import", str(path), "--user", "dan@example.org", stdout=out, stderr=io.StringIO())
    assert "SUCCESS" in out.getvalue() and "imported 1" in out.getvalue()
    assert DataValue.objects.get().value == "12"


def test_a_dry_run_with_conflicts_fails_and_lists_them(data, tmp_path):
    path = write_json(tmp_path / "values.json", ("VlTested01a", "202401", "NakuruHosp1", "twelve"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="import failed"):
        call_command(
            "import", str(path), "--user", "dan@example.org", "--dry-run", stdout=out, stderr=io.StringIO()
        )
    assert "E7619" in out.getvalue()
    assert not DataValue.objects.exists()


def test_a_missing_file_or_unknown_user_is_explained(data, tmp_path):
    with pytest.raises(CommandError, match="cannot open"):
        call_command("import", str(tmp_path / "nope.json"), "--user", "dan@example.org")
    path = write_json(tmp_path / "values.json")
    with pytest.raises(CommandError, match="no account"):
        call_command("import", str(path), "--user", "nobody@example.org")


def test_export_writes_csv_and_adx(data, tmp_path):
    path = write_json(tmp_path / "values.json", ("VlTested01a", "202401", "NakuruHosp1", "12"))
    call_command(
        "import", str(path), "--user", "carla@example.org", stdout=io.StringIO(), stderr=io.StringIO()
    )
    out = tmp_path / "out.csv"
    call_command(
        "export",
        "--user",
        "carla@example.org",
        "--format",
        "csv",
        "--org-unit",
        "KenyaRoot01",
        "--children",
        "--period",
        "202401",
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    assert "VlTested01a,202401,NakuruHosp1" in out.read_text()
    adx_out = tmp_path / "out.adx.xml"
    call_command(
        "export",
        "--user",
        "carla@example.org",
        "--format",
        "adx",
        "--org-unit",
        "NakuruHosp1",
        "--period",
        "202401",
        "--output",
        str(adx_out),
        stderr=io.StringIO(),
    )
    text = adx_out.read_text()
    assert 'period="2024-01-01/P1M"' in text and 'value="12"' in text
