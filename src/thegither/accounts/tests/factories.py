"""Make rows for tests: people, organisations and memberships."""

import itertools

from thegither.accounts.models import AgeBand, Membership, Organisation, Role, User

PASSWORD = "a-long-test-password-42"
_numbers = itertools.count(1)


def organisation_make(**fields) -> Organisation:
    number = next(_numbers)
    fields.setdefault("name", f"Test Youth Trust {number}")
    fields.setdefault("slug", f"test-youth-trust-{number}")
    return Organisation.objects.create(**fields)


def user_make(*, password: str = PASSWORD, **fields) -> User:
    number = next(_numbers)
    fields.setdefault("username", f"person{number}")
    fields.setdefault("display_name", f"Person {number}")
    fields.setdefault("age_band", AgeBand.FROM_18_TO_25)
    return User.objects.create_user(password=password, **fields)


def member_make(organisation: Organisation, role: str, **fields) -> User:
    """Make a person with a role in the organisation."""
    if role in {Role.ORGANISATION_ADMIN, Role.STAFF, Role.APPLICANT_CONTACT}:
        fields.setdefault("age_band", AgeBand.OVER_25)
    user = user_make(**fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def child_make(organisation: Organisation, *, authorised: bool = False, **fields) -> User:
    """Make an under-13 panel member, waiting for a grown-up's yes unless `authorised`."""
    from django.utils import timezone

    fields.setdefault("age_band", AgeBand.UNDER_13)
    user = member_make(organisation, Role.PANEL_MEMBER, **fields)
    if authorised:
        user.guardian_authorised_at = timezone.now()
        user.save(update_fields=["guardian_authorised_at"])
    return user


def superuser_make(**fields) -> User:
    number = next(_numbers)
    fields.setdefault("username", f"root{number}")
    fields.setdefault("display_name", f"Site admin {number}")
    return User.objects.create_superuser(password=PASSWORD, **fields)
