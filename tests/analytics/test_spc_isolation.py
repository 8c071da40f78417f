"""The analytics package stands alone: numpy only, no Django, nothing else from qicop."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

PROBE = """
import json, sys
import qicop.analytics
from qicop.analytics.spc import chart, charts, ChartResult
chart([1, 2, 3, 4], kind="i").summary()
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_analytics_in_a_fresh_interpreter_imports_no_django():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=SRC,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
    )
    modules = json.loads(done.stdout)
    assert "qicop.analytics.spc" in modules
    assert not [m for m in modules if m == "django" or m.startswith("django.")]
    others = [m for m in modules if m.startswith("qicop.") and not m.startswith("qicop.analytics")]
    assert others == []


def test_analytics_sources_import_only_the_standard_library_numpy_and_themselves():
    package = SRC / "qicop" / "analytics"
    for path in package.rglob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if words[:1] == ["import"] or (words[:1] == ["from"] and "import" in words):
                name = words[1].split(".")[0]
                assert name in {"numpy", "qicop", "__future__"} or name in sys.stdlib_module_names, (
                    f"{path.name}: {line}"
                )
                if name == "qicop":
                    assert words[1].startswith("qicop.analytics"), f"{path.name}: {line}"
