from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "qicop.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # local: the search modules load models, which wait for ready()
        from qicop.knowledge.cases.search import register_case_studies
        from qicop.knowledge.discussions.search import register_discussions  # local: as above

        register_case_studies()
        register_discussions()
