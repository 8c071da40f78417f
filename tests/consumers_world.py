"""Consumer representatives in the personas' network, for the consumer-involvement tests and the matrix.

Kenya has three representatives: Grace (shown by name, linked to Kim's membership, on a collaborative team),
Peter (shown by initials, on the national quality committee) and Achieng (who chose not to appear, on the
committee); Haiti has Jean (by name, on the panel of the personas' meeting). The programmes world's
instrument gains a consumer-involvement domain, scored in each round.
"""

from __future__ import annotations

import datetime

from programmes_world import programmes_of


class ConsumersWorld:
    def __init__(self, world):
        from qicop.programmes.consumers import services
        from qicop.programmes.models import Answer, Domain, Item

        self.world = world
        self.programmes = work = programmes_of(world)
        domain = Domain.objects.create(
            instrument=work.instrument, code="consumers", names={"en": "Consumer involvement"}, order=2
        )
        item = Item.objects.create(
            domain=domain,
            code="consumers-1",
            lineage="consumers-1",
            texts={"en": "Consumers on the committee"},
        )
        for round_, level in (
            (work.kenya_2025, 2),
            (work.kenya_2026, 3),
            (work.haiti_2026, 4),
            (work.thailand_2026, 1),
        ):
            Answer.objects.create(round=round_, item=item, level=level)

        def add(country, name, appearance, member=None):
            return services.add_representative(
                actor=world.faith.user,
                network=world.network,
                country=country,
                member=member,
                full_name=name,
                appearance=appearance,
                consent_on=datetime.date(2026, 3, 1),
                consent_how="written",
                consent_witness="",
                notes="",
            )

        self.grace = add(world.kenya, "Grace Wanjiru", "name", member=world.kim)
        self.peter = add(world.kenya, "Peter Otieno", "initials")
        self.achieng = add(world.kenya, "Achieng Secretname", "hidden")
        self.jean = add(world.haiti, "Jean Baptiste", "name")
        self.committee = services.add_role(
            actor=world.faith.user,
            representative=self.peter,
            kind="committee",
            since=datetime.date(2026, 1, 1),
        )
        services.add_role(
            actor=world.faith.user,
            representative=self.achieng,
            kind="committee",
            since=datetime.date(2026, 1, 1),
        )
        services.add_role(
            actor=world.carla.user,
            representative=self.jean,
            kind="panel",
            meeting=world.meeting,
            since=datetime.date(2026, 1, 1),
        )


def consumers_of(world) -> ConsumersWorld:
    """The consumers world of ``world``, built on first use (matrix rows call it for each path)."""
    if not hasattr(world, "_consumers"):
        world._consumers = ConsumersWorld(world)
    return world._consumers
