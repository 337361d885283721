"""Looking after an organisation: its name, logo, colour, areas, invitations and people.

Each change checks the same permission the page checks, locks the rows two
admins could change at once, is safe to repeat, and is audited with the values
before and after.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import (
    Area,
    Invitation,
    Membership,
    Organisation,
    ResetCode,
    Role,
    User,
)
from thegither.accounts.permissions import (
    can_cancel_invitation,
    can_deactivate,
    can_manage_organisation,
    can_remove_member,
)
from thegither.accounts.selectors import area_uses
from thegither.core.colours import validate_accent_colour
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.core.uploads import CannotCheckFiles, image_extension

ORGANISATION_NAME_MAX = 120
AREA_NAME_MAX = 80
LOGO_MAX_BYTES = 1024 * 1024


def _locked(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


# The organisation's name, colour and logo


@transaction.atomic
def organisation_details_change(
    *, organisation: Organisation, name: str, accent_colour: str, by: User
) -> Organisation:
    """Change the organisation's name and accent colour, and return it.

    Saving the same values again changes nothing and records nothing.
    """
    require(can_manage_organisation(by, organisation))
    name = (name or "").strip()
    accent_colour = (accent_colour or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Write the organisation's name.")]
    elif len(name) > ORGANISATION_NAME_MAX:
        errors["name"] = [_("Keep the name to 120 letters or fewer.")]
    try:
        validate_accent_colour(accent_colour)
    except ValidationError as error:
        errors["accent_colour"] = error.messages
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    organisation = _locked(organisation)
    changes = {
        field: {"from": getattr(organisation, field), "to": value}
        for field, value in (("name", name), ("accent_colour", accent_colour))
        if getattr(organisation, field) != value
    }
    if not changes:
        return organisation
    for field, change in changes.items():
        setattr(organisation, field, change["to"])
    organisation.save(update_fields=list(changes))
    audit_record(action="organisation.changed", actor=by, target=organisation, details=changes)
    return organisation


def _delete_file_after_commit(organisation: Organisation, name: str) -> None:
    if name:
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(name))


def _logo_bytes(logo) -> bytes:
    """Read an uploaded file, refusing one over the limit without reading all of it."""
    size = getattr(logo, "size", None)
    data = None
    if size is None or size <= LOGO_MAX_BYTES:
        logo.seek(0)
        data = logo.read(LOGO_MAX_BYTES + 1)
    if data is None or len(data) > LOGO_MAX_BYTES:
        raise Refused(
            {"logo": [_("This file is too big. A logo can be up to 1 MB.")]},
            kind=Refusal.TOO_BIG,
        )
    if not data:
        raise Refused({"logo": [_("This file is empty. Choose a logo.")]}, kind=Refusal.BAD_FILE)
    return data


@transaction.atomic
def organisation_logo_change(*, organisation: Organisation, logo, by: User) -> Organisation:
    """Give the organisation a new logo (a PNG, JPEG, WebP or GIF picture) and return it.

    The file is checked by what is inside it, never by its name, and stored under
    a new random name: the name it was uploaded with is never used or kept.
    """
    require(can_manage_organisation(by, organisation))
    data = _logo_bytes(logo)
    try:
        extension = image_extension(data)
    except CannotCheckFiles as error:
        raise Refused(
            {
                "logo": [
                    _(
                        "Logos can't be uploaded on this server yet, because it can't check "
                        "what is inside files. Ask whoever runs Thegither to install libmagic."
                    )
                ]
            },
            kind=Refusal.CANNOT_CHECK,
        ) from error
    if extension is None:
        raise Refused(
            {
                "logo": [
                    _(
                        "This file isn't a picture we can use. Choose a PNG, JPEG, WebP or GIF "
                        "picture (not SVG)."
                    )
                ]
            },
            kind=Refusal.BAD_FILE,
        )
    organisation = _locked(organisation)
    before = organisation.logo.name
    organisation.logo.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    organisation.save(update_fields=["logo"])
    _delete_file_after_commit(organisation, before)
    audit_record(
        action="organisation.logo_changed",
        actor=by,
        target=organisation,
        details={"from": before, "to": organisation.logo.name, "bytes": len(data)},
    )
    return organisation


@transaction.atomic
def organisation_logo_remove(*, organisation: Organisation, by: User) -> Organisation:
    """Take the organisation's logo away, and return the organisation.

    Removing it when there is none changes nothing.
    """
    require(can_manage_organisation(by, organisation))
    organisation = _locked(organisation)
    before = organisation.logo.name
    if not before:
        return organisation
    organisation.logo = ""
    organisation.save(update_fields=["logo"])
    _delete_file_after_commit(organisation, before)
    audit_record(
        action="organisation.logo_removed",
        actor=by,
        target=organisation,
        details={"from": before, "to": ""},
    )
    return organisation


# Areas


def _area_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Refused({"name": [_("Write a name for the area.")]}, kind=Refusal.INVALID)
    if len(name) > AREA_NAME_MAX:
        raise Refused(
            {"name": [_("Keep the area's name to 80 letters or fewer.")]}, kind=Refusal.TOO_LONG
        )
    return name


def _name_taken(name: str) -> Refused:
    return Refused(
        {
            "name": [
                _("There's already an area called %(name)s here. Choose another name.")
                % {"name": name}
            ]
        },
        kind=Refusal.TAKEN,
    )


@transaction.atomic
def area_add(*, organisation: Organisation, name: str, by: User) -> Area:
    """Add an area (like North West) to the organisation and return it."""
    require(can_manage_organisation(by, organisation))
    name = _area_name(name)
    # The organisation's row lock makes two admins adding the same name take turns.
    organisation = _locked(organisation)
    if Area.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise _name_taken(name)
    try:
        with transaction.atomic():
            area = Area.objects.create(organisation=organisation, name=name)
    except IntegrityError as error:
        raise _name_taken(name) from error
    audit_record(
        action="area.added",
        actor=by,
        target=area,
        details={"organisation": organisation.pk, "from": None, "to": name},
    )
    return area


@transaction.atomic
def area_rename(*, area: Area, name: str, by: User) -> Area:
    """Give an area a new name and return it. The same name again changes nothing."""
    require(can_manage_organisation(by, area.organisation))
    name = _area_name(name)
    _locked(area.organisation)
    area = Area.objects.select_for_update().get(pk=area.pk)
    before = area.name
    if before == name:
        return area
    if (
        Area.objects.filter(organisation_id=area.organisation_id, name__iexact=name)
        .exclude(pk=area.pk)
        .exists()
    ):
        raise _name_taken(name)
    area.name = name
    area.save(update_fields=["name"])
    audit_record(
        action="area.renamed",
        actor=by,
        target=area,
        details={"organisation": area.organisation_id, "from": before, "to": name},
    )
    return area


@transaction.atomic
def area_remove(*, area: Area, by: User) -> None:
    """Remove an area that nothing uses. Removing one already gone changes nothing."""
    require(can_manage_organisation(by, area.organisation))
    area = Area.objects.select_for_update().filter(pk=area.pk).first()
    if area is None:
        return
    uses = area_uses(area)
    if uses:
        raise Refused(
            _(
                "%(name)s can't be removed because it's still used (by %(uses)s). "
                "You can rename it instead."
            )
            % {"name": area.name, "uses": ", ".join(uses)},
            kind=Refusal.IN_USE,
        )
    details = {"organisation": area.organisation_id, "from": area.name, "to": None}
    audit_record(action="area.removed", actor=by, target=area, details=details)
    area.delete()


# Invitations


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, by: User) -> Invitation:
    """Stop an unused invitation from working, and return it.

    Cancelling it twice changes nothing; a used invitation can't be cancelled.
    """
    require(can_cancel_invitation(by, invitation))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.cancelled_at is not None:
        return invitation
    if invitation.used_at is not None:
        raise Refused(
            _("Someone has already joined with this invitation, so it can't be cancelled."),
            kind=Refusal.WRONG_STATE,
        )
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    audit_record(
        action="invitation.cancelled",
        actor=by,
        target=invitation,
        details={
            "organisation": invitation.organisation_id,
            "role": invitation.role,
            "from": None,
            "to": invitation.cancelled_at.isoformat(),
        },
    )
    return invitation


# People


def _account_active_set(*, person: User, active: bool, by: User) -> User:
    require(can_deactivate(by, person))
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active == active:
        return person
    person.is_active = active
    person.save(update_fields=["is_active"])
    if not active:
        # A new-password code must not outlive the account it was for.
        now = timezone.now()
        ResetCode.objects.filter(user=person, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
    audit_record(
        action="account.reactivated" if active else "account.deactivated",
        actor=by,
        target=person,
        details={"from": not active, "to": active, "field": "is_active"},
    )
    return person


@transaction.atomic
def account_deactivate(*, person: User, by: User) -> User:
    """Switch someone's whole account off, and return them.

    They can't log in anywhere, and pages open on their devices stop working at
    the next click; everything they did stays. Doing it twice changes nothing.
    """
    return _account_active_set(person=person, active=False, by=by)


@transaction.atomic
def account_reactivate(*, person: User, by: User) -> User:
    """Switch a switched-off account back on, and return the person."""
    return _account_active_set(person=person, active=True, by=by)


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Take someone out of an organisation: their place there goes, their records stay.

    Removing someone already gone changes nothing. The last admin can't be removed.
    """
    require(can_remove_member(by, membership))
    # Lock every admin's row, so two admins can't remove each other at the same moment.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Role.ORGANISATION_ADMIN)
        .values_list("pk", flat=True)
    )
    membership = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if membership is None:
        return
    if membership.role == Role.ORGANISATION_ADMIN and admins == [membership.pk]:
        raise Refused(
            _("Every organisation needs at least one admin. Make someone else an admin first."),
            kind=Refusal.LAST_ADMIN,
        )
    audit_record(
        action="membership.removed",
        actor=by,
        target=membership,
        details={
            "organisation": membership.organisation_id,
            "user": membership.user_id,
            "from": membership.role,
            "to": None,
        },
    )
    membership.delete()
