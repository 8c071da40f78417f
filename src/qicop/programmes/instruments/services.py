"""Writes of the shared instruments: the next version of one, made by a coordinator from the edited file.

The checking, numbering and lineage are the loader's (the same as for the shipped files): this room only
turns its problems into a ValidationError the form shows, every problem named by its place.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from qicop.programmes.instruments.loader import InstrumentFileError, load_next_version
from qicop.programmes.models import Instrument


def make_next_version(*, actor, current: Instrument, text: str, name: str) -> Instrument:
    """Make ``text`` (the instrument's file, edited) version n+1 of ``current``'s instrument and its
    current version; atomic and audited (``instrument.new_version``). The rounds scored on older versions
    keep their items and level definitions; items that keep their code, or name the old code in
    ``carried_from``, carry their line into the new version. Raises ValidationError with every problem,
    having written nothing."""
    try:
        return load_next_version(text, name=name, current=current, actor=actor)
    except InstrumentFileError as error:
        raise ValidationError(error.problems) from None
