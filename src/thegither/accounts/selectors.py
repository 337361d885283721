"""Reads for accounts: querysets that already join what each page shows."""

import hashlib
from datetime import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import Area, Invitation, Membership, Organisation, Role, User

# Wrong codes allowed before an invitation or a new-password code stops working.
MAX_WRONG_CODES = 5


def token_hash(token: str) -> str:
    """Return the stored form of a link token: its SHA-256, so a leaked table opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """Return the invitation a link token belongs to, or None."""
    return (
        Invitation.objects.select_related("organisation").filter(token_hash=token_hash(token))
    ).first()


def invitation_problem(invitation: Invitation, now: datetime | None = None) -> str | None:
    """Return, in plain words, why an invitation can't be used, or None if it can."""
    now = now or timezone.now()
    if invitation.cancelled_at is not None:
        return _("This invitation was cancelled. Ask your youth worker for a new one.")
    if invitation.used_at is not None:
        return _("Someone has already used this invitation. Ask your youth worker for a new one.")
    if invitation.failed_attempts >= MAX_WRONG_CODES:
        return _(
            "The code was typed wrong too many times, so this invitation has stopped working. "
            "Ask your youth worker for a new one."
        )
    if invitation.expires_at <= now:
        return _("This invitation is too old and has run out. Ask your youth worker for a new one.")
    return None


def memberships_for_user(user: User) -> QuerySet[Membership]:
    """Return the person's memberships with their organisations."""
    return Membership.objects.filter(user=user).select_related("organisation")


def people_in_organisation(organisation: Organisation) -> QuerySet[Membership]:
    """Return everyone in the organisation, staff first, then by name."""
    role_order = Case(
        *[When(role=role, then=Value(index)) for index, role in enumerate(Role.values)],
        output_field=IntegerField(),
    )
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "user__guardian_authorised_by")
        .order_by(role_order, "user__display_name", "user__username")
    )


def open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    """Return invitations that can still be used, newest first."""
    return Invitation.objects.filter(
        organisation=organisation,
        used_at__isnull=True,
        cancelled_at__isnull=True,
        expires_at__gt=timezone.now(),
        failed_attempts__lt=MAX_WRONG_CODES,
    ).select_related("created_by")


def user_for_login_name(login: str) -> User | None:
    """Return the person a typed username (or email) belongs to, or None."""
    login = (login or "").strip()
    if not login:
        return None
    found = User.objects.filter(username__iexact=login).first()
    if found is None and "@" in login:
        found = User.objects.filter(email__iexact=login).first()
    return found


def areas_in_organisation(organisation: Organisation) -> QuerySet[Area]:
    """Return the organisation's areas by name."""
    return Area.objects.filter(organisation=organisation).order_by("name")


def area_uses(area: Area) -> list[str]:
    """Return, in plain words, what still points at the area (empty if nothing does).

    Looks at every model that refers to Area, so a grant pot added later by
    another app counts without this function knowing about it.
    """
    uses = []
    for relation in Area._meta.related_objects:
        related = relation.related_model
        # The field on the other model that points here, a foreign key or many-to-many.
        if related._default_manager.filter(**{relation.field.name: area}).exists():
            uses.append(str(related._meta.verbose_name_plural))
    return uses


def organisations_without(user: User) -> QuerySet[Organisation]:
    """Return the organisations the person is not a member of, by name."""
    return Organisation.objects.exclude(memberships__user=user).order_by("name")
