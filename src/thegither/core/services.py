"""Writes for core: the audit log."""

from django.db import models, transaction

from thegither.core.models import AuditEvent


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor: models.Model | None = None,
    target: models.Model | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` to `target`."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details or {},
    )
