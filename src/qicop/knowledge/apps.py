from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "qicop.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # local: the search modules load models, which wait for ready()
        from qicop.knowledge.cases.search import register_case_studies
        from qicop.knowledge.discussions.files import forget_stored_file  # local: as above
        from qicop.knowledge.discussions.search import register_discussions  # local: as above
        from qicop.knowledge.models import PostFile  # local: as above

        register_case_studies()
        register_discussions()
        # Every deletion of a post's file row, by any cascade, takes its stored file (discussions/files.py).
        post_delete.connect(forget_stored_file, sender=PostFile, dispatch_uid="knowledge-post-file-storage")
