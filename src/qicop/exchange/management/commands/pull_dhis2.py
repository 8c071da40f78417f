"""qicop pull_dhis2 — queue the pulls from the countries' DHIS2 servers that are now due."""

from django.core.management.base import BaseCommand

from qicop.exchange.services import due_connections, enqueue_due_pulls


class Command(BaseCommand):
    help = (
        "Queue a pull for every DHIS2 connection whose scheduled time has come; a running 'qicop worker' "
        "does the pulls. Run it from cron every 15 minutes, e.g. '*/15 * * * * qicop pull_dhis2'. Running it "
        "more often, or twice at once, queues no pull twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what is due without queueing it.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            for connection in due_connections():
                self.stdout.write(f"due {connection.country.iso2} {connection.base_url}")
            return
        pulls = enqueue_due_pulls()
        for pull in pulls:
            self.stdout.write(f"queued {pull.connection.country.iso2} pull {pull.pk}")
        self.stdout.write(f"{len(pulls)} pull(s) queued")
