from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "qicop.improvement"
    label = "improvement"
    verbose_name = _("Improvement work")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # local: the search module loads models, which wait for ready()
        from qicop.improvement.changes.search import register_change_ideas

        register_change_ideas()
