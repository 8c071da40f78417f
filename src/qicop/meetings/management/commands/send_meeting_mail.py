"""qicop send_meeting_mail — queue the meeting reminders and case-presentation deadline reminders now due."""

from django.core.management.base import BaseCommand

from qicop.meetings.mail.triggers import due_now, enqueue_due


class Command(BaseCommand):
    help = (
        "Queue the meeting e-mails that are due now: reminders before each meeting (at the meeting's "
        "offsets, default 7 days and 1 day before) to registered members, and case-presentation deadline "
        "reminders (7 and 2 days before) to the country's focal points. Run it from cron every 15 minutes, "
        "e.g. '*/15 * * * * qicop send_meeting_mail', next to a running 'qicop worker'. Running it more "
        "often, or twice, sends nothing twice: every mail sent is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what is due without queueing it.")

    def handle(self, *args, dry_run=False, **options):
        due = due_now() if dry_run else enqueue_due()
        for batch in due:
            self.stdout.write(f"{batch.kind} {batch.object_id} {batch.offset}")
        verb = "due" if dry_run else "queued"
        self.stdout.write(f"{len(due)} batches of meeting e-mail {verb}")
