"""URLs of the knowledge app: cases. Merged into knowledge/urls.py (namespace "knowledge")."""

from __future__ import annotations

urlpatterns: list = []
