from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "qicop.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self):
        from qicop.network.search import register_members  # local: it loads models, which wait for ready()

        register_members()


class QicopAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "qicop.network.admin_site.QicopAdminSite"
