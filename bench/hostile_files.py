"""Benchmark: the peak memory of reading each hostile file of issue 12 (nested JSON, deep XML, a gzip bomb,
a zip-bomb spreadsheet), each in a fresh process, as a request reads it.

    uv run python bench/hostile_files.py                    # this checkout
    uv run python bench/hostile_files.py --src OTHER/src    # the sources of another checkout (e.g. before
                                                            # the limits: git archive <commit> src | tar -x)

Prints, per file, the process's peak resident memory (which includes about 50 MB of interpreter and
imports) and what the reader did: refused it (with the message naming the limit), read it, or ran out of
the 3 GB address space the process is given. The test ``tests/integrations/test_hostile_files.py`` holds
every file under 200 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile_files import HOSTILE, LIMIT_MB, measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", help="read with the qicop package under this folder instead")
    args = parser.parse_args()
    python_path = str(Path(args.src).resolve()) if args.src else None
    print(f"{'file':<26} {'peak RSS':>10}  outcome (target: at most {LIMIT_MB} MB each)")
    with tempfile.TemporaryDirectory() as folder:
        for hostile in HOSTILE:
            result = measure(hostile, Path(folder), python_path=python_path)
            print(f"{hostile.name:<26} {result['peak_mb']:>7,.0f} MB  {result['outcome'][:150]}")


if __name__ == "__main__":
    main()
