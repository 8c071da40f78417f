from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

from qicop.core.readers import know_members_by


class NetworkConfig(AppConfig):
    name = "qicop.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self):
        from qicop.network.search import register_members  # local: loads models, which wait for ready()
        from qicop.network.selectors import member_of_account  # local: loads models, which wait for ready()

        register_members()
        know_members_by(member_of_account)


class QicopAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "qicop.network.admin_site.QicopAdminSite"
