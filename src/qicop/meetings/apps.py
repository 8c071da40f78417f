from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    # Not "sessions": Django's sessions app owns that label.
    name = "qicop.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from qicop.meetings.search import register_meetings  # local: loads models, which wait for ready()

        register_meetings()
