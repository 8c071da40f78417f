"""The charts package stands alone: no Django, so views, the CLI and exports can all use it."""

import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

PROBE = """
import json, sys
from qicop.analytics.spc import chart
from qicop.charts import spc_chart
r = chart([1, 2, 3, 4], kind="i")
spc_chart(r, labels=list("abcd"), title="t", description="d").to_png()
print(json.dumps(sorted(sys.modules)))
"""


def test_drawing_a_chart_in_a_fresh_interpreter_imports_no_django():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=SRC,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
    )
    modules = json.loads(done.stdout)
    assert "qicop.charts.spc" in modules
    assert not [m for m in modules if m == "django" or m.startswith("django.")]
    others = [
        m for m in modules if m.startswith("qicop.") and not m.startswith(("qicop.analytics", "qicop.charts"))
    ]
    assert others == []


def test_chart_sources_import_only_the_standard_library_numpy_pillow_and_qicop_analytics():
    allowed = {"numpy", "PIL", "qicop", "__future__"}
    for path in (SRC / "qicop" / "charts").rglob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if words[:1] == ["import"] or (words[:1] == ["from"] and "import" in words):
                name = words[1].split(".")[0]
                assert name in allowed or name in sys.stdlib_module_names, f"{path.name}: {line}"
                if name == "qicop":
                    assert words[1].startswith(("qicop.analytics", "qicop.charts")), f"{path.name}: {line}"
