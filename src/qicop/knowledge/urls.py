from qicop.knowledge.cases import urls as urls_cases
from qicop.knowledge.discussions import urls as urls_discussions

app_name = "knowledge"

urlpatterns: list = [*urls_cases.urlpatterns, *urls_discussions.urlpatterns]
