"""National quality programmes in the personas' network, for the programmes app's tests and the matrix.

A small two-domain instrument (version 1, levels 0–5, evidence needed from level 3); Kenya has a locked
2025 round and a draft 2026 round started from it (Faith runs them; Dan is named assessor of 2026); Haiti
has a confirmed, shared 2026 round; Thailand a confirmed 2026 round it does not share.
"""

from __future__ import annotations


def _texts(en: str) -> dict:
    return {"en": en, "fr": f"{en} (fr)", "pt": f"{en} (pt)"}


class ProgrammesWorld:
    def __init__(self, world):
        from qicop.programmes.models import Answer, AssessmentRound, Domain, Instrument, Item

        self.world = world
        self.instrument = Instrument.objects.create(
            slug="national-qm-programme",
            version=1,
            kind=Instrument.Kind.NATIONAL,
            names=_texts("National quality management programme assessment"),
            levels=[0, 1, 2, 3, 4, 5],
            evidence_from=3,
        )
        self.items = []
        for order, (code, name) in enumerate([("leadership", "Leadership"), ("measurement", "Measurement")]):
            domain = Domain.objects.create(
                instrument=self.instrument, code=code, names=_texts(name), order=order
            )
            for number in (1, 2):
                self.items.append(
                    Item.objects.create(
                        domain=domain,
                        code=f"{code}-{number}",
                        lineage=f"{code}-{number}",
                        texts=_texts(f"{name} question {number}"),
                        level_texts={
                            str(level): _texts(f"{name} {number}, level {level}") for level in range(6)
                        },
                        order=number,
                    )
                )

        def round_(country, year, status, levels, **fields):
            made = AssessmentRound.objects.create(
                network=world.network,
                country=country,
                instrument=self.instrument,
                year=year,
                status=status,
                created_by=world.carla.user,
                **fields,
            )
            Answer.objects.bulk_create(
                Answer(
                    round=made, item=item, level=level, evidence="Minutes of the committee" if level else ""
                )
                for item, level in zip(self.items, levels, strict=True)
            )
            return made

        S = AssessmentRound.Status
        self.kenya_2025 = round_(world.kenya, 2025, S.LOCKED, [2, 3, 1, 2], shared=True)
        self.kenya_2026 = round_(world.kenya, 2026, S.DRAFT, [2, 3, 2, 2], started_from=self.kenya_2025)
        self.kenya_2026.assessors.set([world.dan])
        self.haiti_2026 = round_(world.haiti, 2026, S.CONFIRMED, [1, 2, 3, 3], shared=True)
        self.thailand_2026 = round_(world.thailand, 2026, S.CONFIRMED, [4, 4, 4, 5])


def programmes_of(world) -> ProgrammesWorld:
    """The programmes world of ``world``, built on first use (matrix rows call it for each path)."""
    if not hasattr(world, "_programmes"):
        world._programmes = ProgrammesWorld(world)
    return world._programmes
