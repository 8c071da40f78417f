from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "qicop.exchange"
    label = "exchange"
    verbose_name = _("Connections to DHIS2")
