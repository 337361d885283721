"""Reads for accounts: querysets that already join what each page shows."""

import hashlib
from datetime import datetime

from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from thegither.accounts.lockout import LoginPause, count_keys
from thegither.accounts.models import (
    STAFF_ROLES,
    Area,
    Invitation,
    LoginLock,
    Membership,
    Organisation,
    Role,
    User,
)

# Wrong codes allowed before an invitation or a new-password code stops working.
MAX_WRONG_CODES = 5
# The longest username or email a log-in form takes.
MAX_LOGIN_LENGTH = 254


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
    """Return the person a typed username (or email) belongs to, or None.

    The log-in backend and the lock-out both use this, so they always agree on who
    a typed name means: a username in any capitals first, else an email address.
    """
    login = (login or "").strip()
    if not login or len(login) > MAX_LOGIN_LENGTH:
        return None
    found = User.objects.filter(username__iexact=login).order_by("id").first()
    if found is None and "@" in login:
        found = User.objects.filter(email__iexact=login).order_by("id").first()
    return found


def two_step_is_on(user: User) -> bool:
    """Return True when the person has a confirmed authenticator app."""
    if not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_step_required_for(user: User) -> bool:
    """Return True when one of the person's organisations needs them to use two-step log-in.

    Only staff and admins are ever required; young people never are, whatever
    their role says.
    """
    if not user.is_authenticated or user.is_child:
        return False
    return Membership.objects.filter(
        user=user, role__in=STAFF_ROLES, organisation__two_step_required=True
    ).exists()


def recovery_codes_left(user: User) -> int:
    """Return how many unused recovery codes the person has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def staff_with_two_step(organisation: Organisation) -> QuerySet[Membership]:
    """Return the organisation's staff and admins, each with `has_two_step`, by name."""
    return (
        Membership.objects.filter(organisation=organisation, role__in=STAFF_ROLES)
        .select_related("user")
        .annotate(
            has_two_step=Exists(TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True))
        )
        .order_by("user__display_name", "user__username")
    )


def login_pause_for(
    *, user: User | None, login: str, client: str, now: datetime | None = None
) -> LoginPause | None:
    """Return the pause on logging in with this name from this client, or None."""
    now = now or timezone.now()
    keys = [count_key.key for count_key in count_keys(user=user, login=login, client=client)]
    lock = (
        LoginLock.objects.filter(key__in=keys, locked_until__gt=now)
        .order_by("-locked_until")
        .first()
    )
    return LoginPause(scope=lock.scope, until=lock.locked_until) if lock else None


def locked_memberships(
    organisation: Organisation, now: datetime | None = None
) -> QuerySet[Membership]:
    """Return the organisation's people who can't log in right now, with `locked_until`."""
    now = now or timezone.now()
    locked = Q(
        user__login_locks__scope=LoginLock.Scope.ACCOUNT,
        user__login_locks__locked_until__gt=now,
    )
    return (
        Membership.objects.filter(locked, organisation=organisation)
        .select_related("user")
        .annotate(locked_until=Max("user__login_locks__locked_until"))
        .order_by("user__display_name", "user__username")
    )


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
