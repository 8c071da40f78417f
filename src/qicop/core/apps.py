from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

from qicop.core.parse_limits import configure_from_settings, on_setting_changed


class CoreConfig(AppConfig):
    name = "qicop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        configure_from_settings()
        setting_changed.connect(on_setting_changed)
