"""Set up a real site: its first organisation and that organisation's admin."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from thegither.accounts.models import AgeBand, Membership, Organisation, Role, User
from thegither.accounts.services.invitations import person_create, person_errors
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record

ADULT_BANDS = (AgeBand.FROM_18_TO_25, AgeBand.OVER_25)


def organisation_set_up(
    *,
    name: str,
    username: str,
    display_name: str,
    email: str = "",
    password: str | None = None,
    age_band: str = AgeBand.OVER_25,
    slug: str = "",
    site_admin: bool = False,
) -> tuple[Organisation, User]:
    """Make an organisation and its first admin; return both.

    With no password the admin gets an unusable one and chooses theirs through a
    one-time link. Nothing is saved unless everything is right.
    """
    name, username, display_name = name.strip(), username.strip(), display_name.strip()
    email = (email or "").strip()
    slug = (slug or slugify(name))[:50]
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 120:
        errors["name"] = [_("Give the organisation a name of 120 letters or fewer.")]
    if not slug:
        errors["slug"] = [_("Give the organisation a short name for links, like riverside.")]
    elif Organisation.objects.filter(slug=slug).exists():
        errors["slug"] = [_("Another organisation already uses this short name for links.")]
    if age_band not in ADULT_BANDS:
        errors["age_band"] = [_("Organisation admins must be 18 or over.")]
    for field, messages in person_errors(
        username=username,
        display_name=display_name,
        age_band=age_band,
        password=password or "",
        email=email,
        role=Role.ORGANISATION_ADMIN,
    ).items():
        if field == "password" and password is None:
            continue
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(name=name, slug=slug)
            admin = person_create(
                username=username,
                password=password,
                email=email,
                display_name=display_name,
                age_band=age_band,
                is_staff=site_admin,
                is_superuser=site_admin,
            )
            Membership.objects.create(
                user=admin, organisation=organisation, role=Role.ORGANISATION_ADMIN
            )
            audit_record(
                action="organisation.set_up",
                target=organisation,
                details={"admin": admin.pk, "site_admin": site_admin},
            )
    except IntegrityError as error:
        # Someone took the same short name at the same moment.
        raise Refused(
            {"slug": _("Another organisation already uses this short name for links.")},
            kind=Refusal.TAKEN,
        ) from error
    return organisation, admin
