from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "qicop.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # local: both modules load models, which wait for ready()
        from qicop.deviance.selectors import use_coaches_from
        from qicop.programmes.coaches.selectors import coaches_in_force  # local: as above

        # The positive-deviance page names a country's certified QI coaches; programmes knows them, on
        # deviance's own floor, so the portal above both introduces one to the other.
        use_coaches_from(coaches_in_force)
