"""qicop refresh_aggregates — rebuild the analytics table from the data values (imports keep it current)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from qicop.indicators.analytics_table import rebuild_all
from qicop.indicators.data_versions import bump_every_data_version


class Command(BaseCommand):
    help = "Rebuild every aggregate from scratch. Imports keep them current; use this after manual changes."

    def handle(self, *args, **options):
        started = time.monotonic()
        # One transaction: pages read the old table until the new one is whole, then compute afresh.
        with transaction.atomic():
            rows = rebuild_all()
            bump_every_data_version()
        self.stdout.write(f"{rows} aggregate rows written in {time.monotonic() - started:.1f} s")
