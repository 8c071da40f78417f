from __future__ import annotations

from typing import Any

from django.db import models

from qicop.core.models import AuditEntry


def audit(*, actor, verb: str, target: models.Model, **data: Any) -> AuditEntry:
    """Record a state change. Call it inside the service's transaction so that both land or neither does."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data,
    )
