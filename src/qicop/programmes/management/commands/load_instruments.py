"""qicop load_instruments — load the shipped scored instruments (or those of another folder)."""

from django.core.management.base import BaseCommand, CommandError

from qicop.programmes.coaches.framework import FrameworkFileError, load_framework
from qicop.programmes.instruments.loader import InstrumentFileError, load_instruments


class Command(BaseCommand):
    help = (
        "Load the scored instruments (programmes/instruments/*.json, format in FORMAT.md): every file is "
        "checked first and nothing is written if one is wrong. A version already loaded is left unchanged, "
        "so running it again is safe; a changed instrument is a new version in a new file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder", help="Load the *.json files of this folder instead of the shipped ones."
        )

    def handle(self, *args, folder=None, **options):
        try:
            report = load_instruments(folder)
        except InstrumentFileError as error:
            raise CommandError("No instrument loaded:\n" + "\n".join(error.problems)) from None
        for label in report.loaded:
            self.stdout.write(f"Loaded {label}.")
        for label in report.unchanged:
            self.stdout.write(f"Already loaded, left unchanged: {label}.")
        if not report.loaded and not report.unchanged:
            self.stdout.write("No instrument file found.")
        if folder is None:  # the shipped competency framework of QI coaches goes with the instruments
            try:
                competencies = load_framework()
            except FrameworkFileError as error:
                raise CommandError("No competency loaded:\n" + "\n".join(error.problems)) from None
            self.stdout.write(f"Coach competencies loaded: {len(competencies)}.")
