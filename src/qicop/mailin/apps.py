from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailInConfig(AppConfig):
    name = "qicop.mailin"
    label = "mailin"
    verbose_name = _("Replies by e-mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # local: the hooks read models, which wait for ready()
        from qicop.mailin.addresses import register_with_notifications

        register_with_notifications()
