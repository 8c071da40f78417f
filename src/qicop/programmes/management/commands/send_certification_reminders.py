"""qicop send_certification_reminders — queue the reminders of QI coach certificates that end soon."""

from django.core.management.base import BaseCommand

from qicop.programmes.certificates import tasks


class Command(BaseCommand):
    help = (
        "Queue the reminders of QI coach certificates that end soon: 90 and again 30 days before a "
        "certificate's last day its coach is e-mailed once each time, in their language, with the "
        "country's focal point in copy. Run it from cron once a day, e.g. '0 6 * * * qicop "
        "send_certification_reminders', next to a running 'qicop worker'. Running it more often sends "
        "nothing twice."
    )

    def handle(self, *args, **options):
        tasks.send_certification_reminders.enqueue()
        self.stdout.write("Certification reminders queued.")
