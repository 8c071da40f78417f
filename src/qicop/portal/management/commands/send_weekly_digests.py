"""qicop send_weekly_digests — queue the weekly digests of the networks that are due."""

from django.core.management.base import BaseCommand

from qicop.portal.digest import tasks


class Command(BaseCommand):
    help = (
        "Queue the weekly digests: each member gets one e-mail per network a week, on Monday from 7:00 in "
        "their time zone, in their language (on by default where they take part, off where they only "
        "observe). Run it from cron every hour, e.g. '0 * * * * qicop send_weekly_digests', next to a "
        "running 'qicop worker'. Running it more often, or twice at once, sends nothing twice."
    )

    def handle(self, *args, **options):
        tasks.send_weekly_digests.enqueue()
        self.stdout.write("Weekly digests queued.")
