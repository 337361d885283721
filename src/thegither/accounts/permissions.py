"""Who may do what with people, organisations and invitations.

Each function returns a `Decision` with a reason in plain words; views call
`require(...)` and services check the same decision, so the admin, scripts and
pages all follow the same rules.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from thegither.accounts.models import (
    STAFF_ROLES,
    UNDER_18_BANDS,
    AgeBand,
    Invitation,
    Membership,
    Organisation,
    Role,
    User,
)
from thegither.core.permissions import Decision, allow, deny

# Staff can invite young people and groups; only organisation admins can invite staff.
ROLES_STAFF_CAN_INVITE = frozenset({Role.PANEL_MEMBER, Role.APPLICANT_CONTACT})


def role_in(user: User, organisation: Organisation) -> str | None:
    """Return the person's role in the organisation, or None if they are not a member."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


def _is_staff_in(user: User, organisation: Organisation) -> bool:
    return role_in(user, organisation) in STAFF_ROLES


def can_manage_people(user: User, organisation: Organisation) -> Decision:
    """Decide whether the person may see and look after the organisation's people."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.is_superuser or _is_staff_in(user, organisation):
        return allow()
    return deny(
        _("Only staff and youth workers in %(organisation)s can see this.")
        % {"organisation": organisation.name}
    )


def can_invite(user: User, organisation: Organisation, role: str | None = None) -> Decision:
    """Decide whether the person may invite someone (with this role, if given)."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.is_superuser:
        return allow()
    current = role_in(user, organisation)
    if current == Role.ORGANISATION_ADMIN:
        return allow()
    if current == Role.STAFF:
        if role is None or role in ROLES_STAFF_CAN_INVITE:
            return allow()
        return deny(_("Only an organisation admin can invite staff or admins."))
    return deny(
        _("Only staff and youth workers in %(organisation)s can invite people.")
        % {"organisation": organisation.name}
    )


def can_change_role(user: User, membership: Membership, role: str | None = None) -> Decision:
    """Decide whether the person may change someone's role (to this role, if given)."""
    decision = _role_change_decision(user, membership, role_in(user, membership.organisation))
    if decision and role in STAFF_ROLES and membership.user.age_band in UNDER_18_BANDS:
        return deny(_("Staff and admins must be 18 or over."))
    return decision


def _role_change_decision(user: User, membership: Membership, my_role: str | None) -> Decision:
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if not (user.is_superuser or my_role == Role.ORGANISATION_ADMIN):
        return deny(_("Only an organisation admin can change what someone does here."))
    if membership.user_id == user.pk:
        return deny(_("You can't change your own role. Ask another organisation admin."))
    return allow()


def _reaches(my_role: str | None, their_role: str) -> bool:
    """Say if someone with `my_role` in an organisation looks after someone with `their_role`.

    Organisation admins look after everyone there; staff look after young people
    and group contacts, not other staff.
    """
    if my_role == Role.ORGANISATION_ADMIN:
        return True
    return my_role == Role.STAFF and their_role not in STAFF_ROLES


def can_manage_account(user: User, person: User) -> Decision:
    """Decide whether the person may act on someone's whole account.

    A whole account is a password, a grown-up's yes, being switched off: it works
    in every organisation the person belongs to. So it needs authority over them in
    every one of those organisations (or a site administrator): staff in one
    organisation can never take over an admin, or anyone, of another.
    """
    return can_manage_accounts(user, [person])[person.pk]


def can_manage_accounts(user: User, people: Iterable[User]) -> dict[int, Decision]:
    """Decide `can_manage_account` for many people at once, in two queries.

    Pages that list people hand one decision per row to the template; this keeps
    the page's query count fixed however many people there are.
    """
    people = list(people)
    decisions: dict[int, Decision] = {}
    if not user.is_authenticated:
        return {person.pk: deny(_("Please log in first.")) for person in people}
    their_roles: dict[int, dict[int, str]] = defaultdict(dict)
    mine: dict[int, str] = {}
    if not user.is_superuser:
        for person_id, organisation_id, role in Membership.objects.filter(
            user__in=[person.pk for person in people]
        ).values_list("user_id", "organisation_id", "role"):
            their_roles[person_id][organisation_id] = role
        mine = dict(
            Membership.objects.filter(user=user, role__in=STAFF_ROLES).values_list(
                "organisation_id", "role"
            )
        )
    for person in people:
        decisions[person.pk] = _account_decision(user, person, their_roles[person.pk], mine)
    return decisions


def _account_decision(
    user: User, person: User, their_roles: dict[int, str], mine: dict[int, str]
) -> Decision:
    if user.pk == person.pk:
        return deny(_("You can't do this for yourself. Ask someone who looks after you here."))
    if user.is_superuser:
        return allow()
    if person.is_superuser or person.is_staff:
        return deny(_("Only a site administrator can do this for this person."))
    if not their_roles:
        return deny(_("Only a site administrator can do this for this person."))
    if not any(organisation in mine for organisation in their_roles):
        return deny(_("Only staff in this person's organisation can do this."))
    if all(_reaches(mine.get(org), role) for org, role in their_roles.items()):
        return allow()
    return deny(
        _(
            "This person also takes part somewhere you don't look after, or is staff here. "
            "Ask an organisation admin who looks after them everywhere, or a site administrator."
        )
    )


def can_record_guardian_authorisation(user: User, child: User) -> Decision:
    """Decide whether the person may record that a child's parent or carer said yes."""
    return _guardian_decision(user, child, can_manage_account)


def _guardian_decision(user: User, child: User, account_decision) -> Decision:
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if child.age_band != AgeBand.UNDER_13:
        return deny(_("Only people under 13 need a parent or carer to say yes."))
    if user.pk == child.pk:
        return deny(_("A youth worker needs to record this for you."))
    return account_decision(user, child)


def can_issue_reset_code(user: User, person: User) -> Decision:
    """Decide whether the person may give someone a code to choose a new password."""
    if user.is_authenticated and user.pk == person.pk:
        return deny(_("To change your own password, use 'Change your password'."))
    return can_manage_account(user, person)


def can_take_part(user: User) -> Decision:
    """Decide whether the person may join in panel things like reading and scoring.

    Other apps call this before letting a young person take part.
    """
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.needs_guardian_authorisation:
        return deny(
            _(
                "You can join in once a grown-up who looks after you has said yes. "
                "Your youth worker will sort this out."
            )
        )
    return allow()


def _holds_staff_role(user: User) -> bool:
    return Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()


def can_set_up_two_step(user: User) -> Decision:
    """Decide whether the person may turn on two-step log-in for their own account.

    It is for adults who can see young people's records: staff, organisation admins
    and site administrators. Young people are never asked to use it.
    """
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.is_child:
        return deny(_("Two-step log-in is for staff and youth workers."))
    if user.is_superuser or _holds_staff_role(user):
        return allow()
    return deny(_("Two-step log-in is for staff and youth workers."))


def can_require_two_step(user: User, organisation: Organisation) -> Decision:
    """Decide whether the person may say all staff of the organisation must use two-step log-in."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.is_superuser or role_in(user, organisation) == Role.ORGANISATION_ADMIN:
        return allow()
    return deny(_("Only an organisation admin can change this."))


def can_reset_two_step(user: User, person: User) -> Decision:
    """Decide whether the person may turn off someone's two-step log-in (a lost phone).

    Only a site administrator, or an organisation admin who looks after the person
    everywhere they take part (`can_manage_account`), may do it.
    """
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.pk == person.pk:
        return deny(_("To turn off your own two-step log-in, use 'Your account'."))
    if (
        not user.is_superuser
        and not Membership.objects.filter(
            user=user,
            role=Role.ORGANISATION_ADMIN,
            organisation__memberships__user=person,
        ).exists()
    ):
        return deny(_("Only an organisation admin or a site administrator can do this."))
    return can_manage_account(user, person)


def can_unlock(user: User, person: User) -> Decision:
    """Decide whether the person may let someone log in again after too many wrong passwords.

    Unlocking acts on a whole account, so it follows `can_manage_account`.
    """
    return can_manage_account(user, person)


# Looking after an organisation itself: its name, logo, colour, areas and people.


def can_manage_organisation(user: User, organisation: Organisation) -> Decision:
    """Decide whether the person may change the organisation's name, logo, colour and areas."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.is_superuser or role_in(user, organisation) == Role.ORGANISATION_ADMIN:
        return allow()
    return deny(
        _("Only an organisation admin of %(organisation)s can change this.")
        % {"organisation": organisation.name}
    )


def can_look_after_every_organisation(user: User) -> Decision:
    """Decide whether the person looks after every organisation (a site administrator)."""
    if user.is_authenticated and user.is_superuser:
        return allow()
    return deny(_("Only a site administrator looks after every organisation."))


def can_cancel_invitation(user: User, invitation: Invitation) -> Decision:
    """Decide whether the person may cancel an invitation: anyone who may invite for its role."""
    return _cancel_decision(user, invitation, role_in(user, invitation.organisation))


def _cancel_decision(user: User, invitation: Invitation, my_role: str | None) -> Decision:
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.is_superuser or my_role == Role.ORGANISATION_ADMIN:
        return allow()
    if my_role == Role.STAFF:
        if invitation.role in ROLES_STAFF_CAN_INVITE:
            return allow()
        return deny(_("Only an organisation admin can cancel an invitation for staff or admins."))
    return deny(_("Only staff and youth workers here can cancel invitations."))


def can_deactivate(user: User, person: User) -> Decision:
    """Decide whether the person may switch someone's whole account off, or back on.

    A switched-off account can't log in anywhere, so this is a whole-account action.
    """
    return can_manage_account(user, person)


def can_remove_member(user: User, membership: Membership) -> Decision:
    """Decide whether the person may take someone out of this organisation.

    Their account and what they did stay; only their place here goes. Admins may
    remove anyone else; staff may remove young people and group contacts.
    """
    return _removal_decision(user, membership, role_in(user, membership.organisation))


def _removal_decision(user: User, membership: Membership, my_role: str | None) -> Decision:
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if membership.user_id == user.pk:
        return deny(_("You can't take yourself out. Ask another organisation admin."))
    if user.is_superuser or _reaches(my_role, membership.role):
        return allow()
    if my_role == Role.STAFF:
        return deny(_("Only an organisation admin can take staff or admins out."))
    return deny(_("Only staff and youth workers here can take someone out."))


@dataclass(frozen=True, slots=True)
class PeoplePageDecisions:
    """Every decision the people page shows, row by row, so its template re-derives none."""

    accounts: dict[int, Decision]  # by user id: new-password code, switch off or on, unlock
    guardian: dict[int, Decision]  # by user id: record a grown-up's yes
    roles: dict[int, Decision]  # by membership id: change the role
    removals: dict[int, Decision]  # by membership id: take out of this organisation
    cancels: dict[int, Decision]  # by invitation id: cancel


def people_page_decisions(
    user: User,
    organisation: Organisation,
    memberships: list[Membership],
    invitations: list[Invitation],
) -> PeoplePageDecisions:
    """Decide every row of the people page, in three queries however many rows.

    Each decision is the one its own permission function gives (`can_manage_account`,
    `can_record_guardian_authorisation`, `can_change_role`, `can_remove_member`,
    `can_cancel_invitation`), worked out together.
    """
    accounts = can_manage_accounts(user, [membership.user for membership in memberships])
    my_role = role_in(user, organisation)
    return PeoplePageDecisions(
        accounts=accounts,
        guardian={
            m.user_id: _guardian_decision(user, m.user, lambda _u, child: accounts[child.pk])
            for m in memberships
        },
        roles={m.pk: _role_change_decision(user, m, my_role) for m in memberships},
        removals={m.pk: _removal_decision(user, m, my_role) for m in memberships},
        cancels={i.pk: _cancel_decision(user, i, my_role) for i in invitations},
    )
