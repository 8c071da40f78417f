from qicop.knowledge import urls_cases, urls_discussions

app_name = "knowledge"

urlpatterns: list = [*urls_cases.urlpatterns, *urls_discussions.urlpatterns]
