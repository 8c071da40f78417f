"""URLs of meeting series: list, create, edit. Merged into meetings/urls.py."""

urlpatterns: list = []
