"""qicop refresh_aggregates — rebuild the analytics table from the data values (imports keep it current)."""

import time

from django.core.management.base import BaseCommand

from qicop.indicators.aggregates import rebuild_all


class Command(BaseCommand):
    help = "Rebuild every aggregate from scratch. Imports keep them current; use this after manual changes."

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = rebuild_all()
        self.stdout.write(f"{rows} aggregate rows written in {time.monotonic() - started:.1f} s")
