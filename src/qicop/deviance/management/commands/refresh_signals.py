"""qicop refresh_signals — bring every network's signals of improvement up to date now."""

from django.core.management.base import BaseCommand

from qicop.deviance.services import refresh_signals


class Command(BaseCommand):
    help = (
        "Recompute the signals of improvement (the positive-deviance feed) of every network indicator at "
        "every org unit with data, in the countries whose data changed or whose chart window moved (a new "
        "month) since their signals were computed. Imports refresh their countries' signals as they "
        "finish; run this from cron once a day as well, e.g. '30 2 * * * qicop refresh_signals', so that a "
        "new month and anything written around the importer are counted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="compute every country again, changed or not (e.g. after changing the SPC engine)",
        )

    def handle(self, *args, **options):
        done = refresh_signals(everything=options["all"])
        said = f"{done['signals']} signals of improvement from {done['series']} series"
        said += f" in {done['seconds']:.1f} s."
        if done["unchanged"]:
            said += (
                f" Left as they were: nothing changed for {done['unchanged']} countries of a network "
                "since their last refresh (--all computes them again)."
            )
        self.stdout.write(said)
