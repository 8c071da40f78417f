"""URLs of the meetings app: proceedings. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

urlpatterns: list = []
