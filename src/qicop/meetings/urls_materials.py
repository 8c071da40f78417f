"""URLs of the meetings app: materials. Merged into meetings/urls.py (namespace "meetings")."""

from __future__ import annotations

urlpatterns: list = []
