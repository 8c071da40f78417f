"""URLs of QI coach certification work: a country's candidates and standards, a certification's portfolio,
knowledge check, observations and decision. Merged into programmes/urls.py (namespace "programmes")."""

from __future__ import annotations

urlpatterns: list = []
