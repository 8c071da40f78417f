"""What the refresh of the signals keeps of what it read, so that the next refresh reads only what it has not.

Reading a country's stored rows over the 36-month window is most of a refresh's time (in the benchmark's
network, 2.9 million rows for 16 countries: 3 to 6 s of about 9). Yet most refreshes read rows that have not
changed since the last one: on the first day of a month every window moves by one month, and only the new
month is new. So each country's rows, as read (``services.ROW``: the analytics table's and the values'),
are kept in a file under ``settings.SIGNAL_INPUTS_DIR`` with what they are: the country's data version when
they were read (indicators/data_versions.py), the data elements asked and the stored periods covered.

A file is used only while the country's data version is the one it names and the elements are the same:
every write that changes what the country's charts show gives it a new version, so a file never stands for
data other than its own. One exception makes an import cheap: the importer tells its refresh which periods
it changed between which two versions (``data_versions.bump_data_versions``), so the file of the version
before still stands for every other period, and only those are read again. The version is random, not a
counter, so a restored backup or a rolled-back transaction cannot meet a file of other data under its
version. A missing, unreadable or foreign file costs a read, never a wrong signal. The files are a cache:
not backed up, safe to delete.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kept:
    """A country's rows as a refresh read them (``services.ROW`` arrays) and the stored periods they cover."""

    periods: frozenset[int]
    summed: np.ndarray  # the analytics table's rows
    stored: np.ndarray  # the values'


def _path(country_id: int, element_ids) -> Path:
    elements = hashlib.sha256(np.asarray(element_ids, dtype="<i8").tobytes()).hexdigest()[:16]
    return Path(settings.SIGNAL_INPUTS_DIR) / f"country-{int(country_id)}-{elements}.npz"


def load(country_id: int, version: int | None, element_ids) -> Kept | None:
    """The rows kept of the country for these data elements (sorted ids) at this data version; None when
    nothing is kept for them (or the country has no version: nothing would tell what its data was)."""
    if version is None:
        return None
    path = _path(country_id, element_ids)
    try:
        with np.load(path, allow_pickle=False) as kept:
            if int(kept["version"][0]) != version or kept["elements"].tolist() != list(element_ids):
                return None
            return Kept(frozenset(kept["periods"].tolist()), kept["summed"], kept["stored"])
    except FileNotFoundError:
        return None
    except Exception:  # a torn or foreign file: read again, and say so
        logger.warning("signal inputs: %s is unreadable, its country is read again", path, exc_info=True)
        return None


def keep(country_id: int, version: int | None, element_ids, period_ids, summed, stored) -> None:
    """Keep the country's rows of these stored periods, read at this data version (None: nothing is
    kept). Written beside and renamed into place: a reader sees the old file or the new one, never half."""
    if version is None:
        return
    path = _path(country_id, element_ids)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".kept-", suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(
                    out,
                    version=np.array([version], dtype=np.int64),
                    elements=np.asarray(element_ids, dtype=np.int64),
                    periods=np.asarray(sorted(period_ids), dtype=np.int64),
                    summed=summed,
                    stored=stored,
                )
            os.replace(scratch, path)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise
    except OSError:  # a full or read-only disk costs the next refresh a read, not this one its signals
        logger.warning("signal inputs: could not keep %s", path, exc_info=True)
