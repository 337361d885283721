"""Roles and a grown-up's yes for the people in an organisation."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import (
    Membership,
    Role,
    User,
)
from thegither.accounts.permissions import (
    can_change_role,
    can_record_guardian_authorisation,
)
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record


@transaction.atomic
def guardian_authorisation_record(*, child: User, by: User) -> User:
    """Record that a child's parent or carer said yes, and return the child.

    Recording it twice changes nothing.
    """
    require(can_record_guardian_authorisation(by, child))
    child = User.objects.select_for_update().get(pk=child.pk)
    if child.guardian_authorised_at is not None:
        return child
    child.guardian_authorised_at = timezone.now()
    child.guardian_authorised_by = by
    child.save(update_fields=["guardian_authorised_at", "guardian_authorised_by"])
    audit_record(action="guardian.authorised", actor=by, target=child)
    return child


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str, by: User) -> Membership:
    """Change what someone does in an organisation, and return the membership."""
    if role not in Role.values:
        raise Refused({"role": _("Choose a role from the list.")}, kind=Refusal.BAD_CHOICE)
    require(can_change_role(by, membership, role))
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=membership.pk)
    )
    before = membership.role
    if before == role:
        return membership
    if (
        before == Role.ORGANISATION_ADMIN
        and not Membership.objects.filter(
            organisation_id=membership.organisation_id, role=Role.ORGANISATION_ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise Refused(
            _("Every organisation needs at least one admin. Make someone else an admin first."),
            kind=Refusal.LAST_ADMIN,
        )
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action="membership.role_changed",
        actor=by,
        target=membership,
        details={"from": before, "to": role, "user": membership.user_id},
    )
    return membership
