"""qicop refresh_signals — recompute every network's signals of improvement now."""

from django.core.management.base import BaseCommand

from qicop.deviance.services import refresh_signals


class Command(BaseCommand):
    help = (
        "Recompute the signals of improvement (the positive-deviance feed) of every network indicator at "
        "every org unit with data. Imports refresh their countries' signals as they finish; run this from "
        "cron once a day as well, e.g. '30 2 * * * qicop refresh_signals', so that a new month (the "
        "window moves) and anything written around the importer are counted."
    )

    def handle(self, *args, **options):
        done = refresh_signals()
        self.stdout.write(
            f"{done['signals']} signals of improvement from {done['series']} series "
            f"in {done['seconds']:.1f} s."
        )
