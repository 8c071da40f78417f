"""Each small hostile file of issue 12 is refused, naming the limit it passed, by a process that stays
under 200 MB (each is read in a fresh process whose peak memory is measured: tests/hostile_files.py).

Without the limits these took 650 MB to more than 3 GB (the process is capped there), or ended in a
RecursionError; ``bench/hostile_files.py`` prints the figures."""

import pytest

from hostile_files import HOSTILE, LIMIT_MB, measure


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda hostile: hostile.name)
def test_a_hostile_file_is_refused_within_200_mb(hostile, tmp_path):
    result = measure(hostile, tmp_path)

    assert result["outcome"].startswith("refused: "), result
    assert "limit" in result["outcome"] or "at most" in result["outcome"], result
    assert result["peak_mb"] <= LIMIT_MB, result
