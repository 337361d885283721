"""The round's panel: who is on it, who chairs it, and who knows which group.

Staff choose the panel from the organisation's young panel members. Each member
says, for every application they read, whether they know the group; the
permission `can_score` / `can_see_scores` enforces what they said.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from thegither.accounts.models import User
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.grants.models import (
    CONFLICT_REASON_MAX,
    Application,
    ConflictDeclaration,
    PanelMember,
    Round,
)
from thegither.grants.permissions import can_declare, can_join_panel, can_manage_panel


def _locked_round(round: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("fund__organisation")
        .get(pk=round.pk)
    )


def _next_number(round: Round) -> int:
    """The next free "Panel member N" (the round row is locked, so no two get one number)."""
    highest = PanelMember.objects.filter(round=round).aggregate(Max("number"))["number__max"]
    return (highest or 0) + 1


@transaction.atomic
def panel_member_add(*, round: Round, person: User, by: User) -> PanelMember:
    """Put a young panel member on the round's panel. Adding them again changes nothing."""
    require(can_manage_panel(by, round))
    round = _locked_round(round)
    joining = can_join_panel(person, round)
    if not joining:
        raise Refused(joining.reason, kind=Refusal.NOT_ALLOWED)
    member, created = PanelMember.objects.get_or_create(
        round=round, user=person, defaults={"number": _next_number(round)}
    )
    if created:
        audit_record(
            action="grants.panel_member_added",
            actor=by,
            target=round,
            details={"user_id": person.pk},
        )
    return member


@transaction.atomic
def panel_member_remove(*, member: PanelMember, by: User) -> None:
    """Take someone off the round's panel (their declarations go with them)."""
    require(can_manage_panel(by, member.round))
    round = _locked_round(member.round)
    deleted, _rows = PanelMember.objects.filter(pk=member.pk, round=round).delete()
    if deleted:
        audit_record(
            action="grants.panel_member_removed",
            actor=by,
            target=round,
            details={"user_id": member.user_id, "was_chair": member.is_chair},
        )


@transaction.atomic
def panel_chair_set(*, member: PanelMember, by: User) -> PanelMember:
    """Make this member the round's chair (the chair before stops being it)."""
    require(can_manage_panel(by, member.round))
    round = _locked_round(member.round)
    member = PanelMember.objects.select_for_update().filter(pk=member.pk, round=round).first()
    if member is None:
        raise Refused(_("This person isn't on the panel any more."), kind=Refusal.UNKNOWN)
    if member.is_chair:
        return member
    before = PanelMember.objects.filter(round=round, is_chair=True).first()
    PanelMember.objects.filter(round=round, is_chair=True).update(is_chair=False)
    member.is_chair = True
    member.save(update_fields=["is_chair"])
    audit_record(
        action="grants.panel_chair_set",
        actor=by,
        target=round,
        details={"user_id": member.user_id, "before_user_id": before.user_id if before else None},
    )
    return member


@transaction.atomic
def conflict_declare(
    *, application: Application, has_conflict: bool, reason: str = "", by: User
) -> ConflictDeclaration:
    """Say whether you know the group behind this application, or change what you said."""
    require(can_declare(by, application))
    if not isinstance(has_conflict, bool):
        raise Refused({"has_conflict": [_("Choose one.")]}, kind=Refusal.BAD_CHOICE)
    reason = (reason or "").strip()
    if has_conflict and not reason:
        raise Refused(
            {"reason": [_("Say in a few words how you know this group.")]}, kind=Refusal.INVALID
        )
    if len(reason) > CONFLICT_REASON_MAX:
        raise Refused(
            {
                "reason": [
                    _("Keep this to %(limit)s letters or fewer.") % {"limit": CONFLICT_REASON_MAX}
                ]
            },
            kind=Refusal.TOO_LONG,
        )
    if not has_conflict:
        reason = ""
    member = PanelMember.objects.select_for_update().get(round=application.round_id, user=by)
    declaration = ConflictDeclaration.objects.filter(
        panel_member=member, application=application
    ).first()
    if declaration is None:
        declaration = ConflictDeclaration.objects.create(
            panel_member=member, application=application, has_conflict=has_conflict, reason=reason
        )
        audit_record(
            action="grants.conflict_declared",
            actor=by,
            target=application,
            details={"has_conflict": has_conflict, "reason": reason},
        )
        return declaration
    if (declaration.has_conflict, declaration.reason) == (has_conflict, reason):
        return declaration
    old = {"has_conflict": declaration.has_conflict, "reason": declaration.reason}
    declaration.has_conflict = has_conflict
    declaration.reason = reason
    declaration.save(update_fields=["has_conflict", "reason", "changed_at"])
    audit_record(
        action="grants.conflict_changed",
        actor=by,
        target=application,
        details={"old": old, "new": {"has_conflict": has_conflict, "reason": reason}},
    )
    return declaration
