from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevianceConfig(AppConfig):
    name = "qicop.deviance"
    label = "deviance"
    verbose_name = _("Positive deviance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # local: the receiver's module loads models, which wait for ready()
        from qicop.deviance.receivers import connect

        connect()
