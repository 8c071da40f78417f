"""``qicop send_digests``: the daily e-mail digests of discussion notifications.

Run it every hour from cron: each member on "once a day" gets at most one digest in 24 hours, listing the
notifications not e-mailed yet."""

from django.core.management.base import BaseCommand

from qicop.knowledge import notifications


class Command(BaseCommand):
    help = "Send the daily digests of discussion notifications that are due."

    def handle(self, *args, **options):
        sent = notifications.send_digests()
        self.stdout.write(f"{sent} digest(s) sent.")
