"""qicop send_report_reminders — queue the reminders of monthly team reports that are due."""

from django.core.management.base import BaseCommand

from qicop.improvement.reports import tasks


class Command(BaseCommand):
    help = (
        "Queue the reminders of monthly team reports: three days before a report is due (the 10th of the "
        "following month, in the team's country's zone) its team lead is e-mailed once, in their language. "
        "Run it from cron every hour, e.g. '0 * * * * qicop send_report_reminders', next to a running "
        "'qicop worker'. Running it more often sends nothing twice."
    )

    def handle(self, *args, **options):
        tasks.send_report_reminders.enqueue()
        self.stdout.write("Report reminders queued.")
