from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from qicop.core.signals import worker_starting


class IndicatorsConfig(AppConfig):
    name = "qicop.indicators"
    label = "indicators"
    verbose_name = _("Indicators and data")

    def ready(self):
        worker_starting.connect(_end_orphaned_imports, dispatch_uid="indicators.end_orphaned_imports")


def _end_orphaned_imports(sender, **kwargs) -> None:
    # local: services load models, which wait for ready()
    from qicop.indicators.services import fail_orphaned_imports

    fail_orphaned_imports()
