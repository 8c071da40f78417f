"""URLs of the knowledge app: discussions. Merged into knowledge/urls.py (namespace "knowledge")."""

from __future__ import annotations

urlpatterns: list = []
