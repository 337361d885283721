"""An organisation's people: roles, a grown-up's yes, new-password codes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from thegither.accounts import permissions
from thegither.accounts.forms import (
    RoleForm,
)
from thegither.accounts.lockout import LoginPause
from thegither.accounts.models import Membership, Organisation, Role
from thegither.accounts.permissions import (
    can_change_role,
    can_invite,
    can_issue_reset_code,
    can_manage_people,
    can_record_guardian_authorisation,
    can_unlock,
)
from thegither.accounts.selectors import (
    locked_memberships,
    open_invitations,
    people_in_organisation,
)
from thegither.accounts.services import (
    guardian_authorisation_record,
    login_unlock,
    membership_role_change,
    reset_code_issue,
)
from thegither.core.permissions import require
from thegither.core.services import audit_record


@login_required
def people(request, slug):
    """List an organisation's people, their roles, and who still needs a grown-up's yes."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_manage_people(request.user, organisation))
    # Looking at a list of young people is access to children's records: log it.
    audit_record(action="people.viewed", actor=request.user, target=organisation)
    memberships = list(people_in_organisation(organisation))
    now = timezone.now()
    locked = [
        {
            "membership": membership,
            "minutes": LoginPause(scope="account", until=membership.locked_until).minutes_left(now),
            "can_unlock": can_unlock(request.user, membership.user),
        }
        for membership in locked_memberships(organisation, now)
    ]
    invitations = list(open_invitations(organisation))
    # Organisation admin: decisions for the switch-off, take-out and cancel buttons.
    annotate_people_page(request.user, organisation, memberships, invitations)
    return render(
        request,
        "accounts/people.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "waiting": [m for m in memberships if m.user.needs_guardian_authorisation],
            "invitations": invitations,
            "can_invite": can_invite(request.user, organisation).allowed,
            "roles": Role.choices,
            "locked": locked,
        },
    )


def annotate_people_page(user, organisation, memberships, invitations) -> None:
    """Hand each row of the people page its decisions, in a fixed number of queries."""
    decisions = permissions.people_page_decisions(user, organisation, memberships, invitations)
    for membership in memberships:
        membership.can_issue_reset_code = decisions.accounts[membership.user_id]
        membership.can_deactivate = decisions.accounts[membership.user_id]
        membership.can_record_guardian = decisions.guardian[membership.user_id]
        membership.can_change_role = decisions.roles[membership.pk]
        membership.can_remove = decisions.removals[membership.pk]
    for invitation in invitations:
        invitation.can_cancel = decisions.cancels[invitation.pk]


def _membership_in(slug: str, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=pk, organisation__slug=slug
    )


@require_POST
@login_required
def guardian_authorise(request, slug, pk):
    """Record that a young person's parent or carer said yes."""
    membership = _membership_in(slug, pk)
    require(can_record_guardian_authorisation(request.user, membership.user))
    guardian_authorisation_record(child=membership.user, by=request.user)
    messages.success(
        request,
        _("Saved: a grown-up has said yes for %(name)s.") % {"name": membership.user.display_name},
    )
    return redirect("accounts:people", slug=slug)


@require_POST
@login_required
def member_role(request, slug, pk):
    """Change what someone does in the organisation."""
    membership = _membership_in(slug, pk)
    require(can_change_role(request.user, membership))
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("accounts:people", slug=slug)
    try:
        membership = membership_role_change(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(role)s.")
            % {"name": membership.user.display_name, "role": membership.get_role_display()},
        )
    return redirect("accounts:people", slug=slug)


@require_POST
@login_required
@never_cache
def reset_code_new(request, slug, pk):
    """Make a code someone can use to choose a new password, and show it once."""
    membership = _membership_in(slug, pk)
    require(can_issue_reset_code(request.user, membership.user))
    _reset_code, code = reset_code_issue(person=membership.user, by=request.user)
    return render(
        request,
        "accounts/reset_code_issued.html",
        {
            "organisation": membership.organisation,
            "person": membership.user,
            "code": f"{code[:3]} {code[3:]}",
        },
    )


@require_POST
@login_required
def person_unlock(request, slug, pk):
    """Let someone log in again straight away after too many wrong passwords."""
    membership = _membership_in(slug, pk)
    require(can_unlock(request.user, membership.user))
    name = membership.user.display_name
    if login_unlock(person=membership.user, by=request.user):
        messages.success(request, _("%(name)s can log in again now.") % {"name": name})
    else:
        messages.info(request, _("%(name)s wasn't locked out.") % {"name": name})
    return redirect("accounts:people", slug=slug)
