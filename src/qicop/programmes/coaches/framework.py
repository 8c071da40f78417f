"""The network's shared competency framework for QI coaches: ``competencies-v<n>.json`` in this folder,
loaded into Competency rows (``qicop load_instruments`` loads it with the instruments).

Like instruments (decision 0026), a file is checked whole before anything is written, every text is in
English, French and Portuguese, and a competency already loaded is left as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from qicop.programmes.models import Competency

FOLDER = Path(__file__).resolve().parent
LANGUAGES = ("en", "fr", "pt")
DEFAULT_FRAMEWORK = "qi-coach-v1"


class FrameworkFileError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _check(name: str, data) -> list[str]:
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("framework"), str) or not data.get("framework"):
        return [f"{name}: a file names its framework and lists its competencies"]
    competencies = data.get("competencies")
    if not isinstance(competencies, list) or not competencies:
        return [f"{name}: competencies: a list of at least one competency is needed"]
    seen: set[str] = set()
    for index, competency in enumerate(competencies):
        place = f"{name}: competencies[{index}]"
        code = competency.get("code") if isinstance(competency, dict) else None
        if not isinstance(code, str) or not code:
            problems.append(f"{place}: code: a short code is needed")
            continue
        if code in seen:
            problems.append(f"{place}: code: {code!r} is given twice")
        seen.add(code)
        for key in ("name", "description"):
            texts = competency.get(key)
            missing = [lang for lang in LANGUAGES if not isinstance(texts, dict) or not texts.get(lang)]
            if missing:
                problems.append(f"{place}: {key}: no text in {', '.join(missing)}")
    return problems


def load_framework(folder: Path = FOLDER) -> list[str]:
    """Load every framework file of ``folder``; the codes newly loaded (``framework/code``). Raises
    FrameworkFileError, naming each problem, and writes nothing, when a file is wrong."""
    files = []
    problems: list[str] = []
    for path in sorted(folder.glob("competencies-v*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(f"{path.name}: not readable JSON ({error})")
            continue
        problems += _check(path.name, data)
        files.append(data)
    if problems:
        raise FrameworkFileError(problems)
    loaded = []
    with transaction.atomic():
        for data in files:
            framework = data["framework"]
            known = set(Competency.objects.filter(framework=framework).values_list("code", flat=True))
            for order, competency in enumerate(data["competencies"]):
                if competency["code"] in known:
                    continue
                Competency.objects.create(
                    framework=framework,
                    code=competency["code"],
                    names=competency["name"],
                    descriptions=competency["description"],
                    order=order,
                )
                loaded.append(f"{framework}/{competency['code']}")
    return loaded
