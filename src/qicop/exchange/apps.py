from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qicop.core.signals import worker_starting
from qicop.indicators.signals import import_orphaned


class ExchangeConfig(AppConfig):
    name = "qicop.exchange"
    label = "exchange"
    verbose_name = _("Connections to DHIS2")

    def ready(self):
        # After the indicators app's receiver (INSTALLED_APPS order): the imports it fails fail their pulls.
        worker_starting.connect(_end_orphaned_pulls, dispatch_uid="exchange.end_orphaned_pulls")
        import_orphaned.connect(_end_the_pull_of_an_orphaned_import, dispatch_uid="exchange.orphaned_import")


def _end_orphaned_pulls(sender, **kwargs) -> None:
    from qicop.exchange.services import fail_orphaned_pulls  # local: it loads models, which wait for ready()

    fail_orphaned_pulls()


def _end_the_pull_of_an_orphaned_import(sender, data_import, **kwargs) -> None:
    from qicop.exchange.services import fail_orphaned_pulls  # local: it loads models, which wait for ready()

    fail_orphaned_pulls(data_import=data_import)
