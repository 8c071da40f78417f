from django.core.management.base import BaseCommand

from qicop.search.index import rebuild


class Command(BaseCommand):
    help = "Recreate the search index from the data (it stays current by itself; this is for repairs)."

    def handle(self, *args, **options):
        written = rebuild()
        self.stdout.write(f"{written} entries indexed")
