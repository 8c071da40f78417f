"""URLs of certified QI coaches: the registers (network, country; CSV, XLSX), certificates and their public
verification. Merged into programmes/urls.py (namespace "programmes")."""

from __future__ import annotations

urlpatterns: list = []
