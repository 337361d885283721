import pytest
from django.contrib.auth.models import AnonymousUser

from thegither.accounts.models import AgeBand, Membership, Role
from thegither.accounts.permissions import (
    can_change_role,
    can_invite,
    can_issue_reset_code,
    can_manage_people,
    can_record_guardian_authorisation,
    can_take_part,
)
from thegither.accounts.tests import factories


def test_anonymous_is_asked_to_log_in(organisation, child):
    anonymous = AnonymousUser()
    for decision in (
        can_manage_people(anonymous, organisation),
        can_invite(anonymous, organisation),
        can_record_guardian_authorisation(anonymous, child),
        can_take_part(anonymous),
    ):
        assert not decision.allowed
        assert decision.reason == "Please log in first."


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("org_admin", True),
        ("staff", True),
        ("superuser", True),
        ("panel_member", False),
        ("applicant", False),
        ("outsider", False),
    ],
)
def test_who_can_manage_people(request, organisation, who, allowed):
    decision = can_manage_people(request.getfixturevalue(who), organisation)
    assert decision.allowed is allowed
    if not allowed:
        assert organisation.name in decision.reason


def test_staff_invite_young_people_and_groups_but_not_staff(organisation, staff):
    assert can_invite(staff, organisation, Role.PANEL_MEMBER)
    assert can_invite(staff, organisation, Role.APPLICANT_CONTACT)
    denied = can_invite(staff, organisation, Role.STAFF)
    assert not denied
    assert "organisation admin" in denied.reason
    assert not can_invite(staff, organisation, Role.ORGANISATION_ADMIN)


def test_org_admin_invites_anyone(organisation, org_admin):
    assert all(can_invite(org_admin, organisation, role) for role in Role.values)


def test_panel_member_cannot_invite(organisation, panel_member):
    assert not can_invite(panel_member, organisation, Role.PANEL_MEMBER)


def test_only_org_admins_change_roles(organisation, org_admin, staff, panel_member):
    membership = Membership.objects.get(user=panel_member)
    assert can_change_role(org_admin, membership, Role.APPLICANT_CONTACT)
    assert not can_change_role(staff, membership, Role.APPLICANT_CONTACT)


def test_children_cannot_be_given_staff_roles(org_admin, child):
    membership = Membership.objects.get(user=child)
    decision = can_change_role(org_admin, membership, Role.ORGANISATION_ADMIN)
    assert decision.reason == "Staff and admins must be 18 or over."


def test_guardian_authorisation_rules(staff, outsider, child, panel_member, superuser):
    assert can_record_guardian_authorisation(staff, child)
    assert can_record_guardian_authorisation(superuser, child)
    assert not can_record_guardian_authorisation(outsider, child)
    assert not can_record_guardian_authorisation(panel_member, child)
    assert not can_record_guardian_authorisation(child, child)
    older = can_record_guardian_authorisation(staff, panel_member)
    assert "under 13" in older.reason


def test_reset_code_rules(organisation, org_admin, staff, panel_member, outsider, superuser):
    assert can_issue_reset_code(staff, panel_member)
    assert can_issue_reset_code(org_admin, staff)
    assert not can_issue_reset_code(staff, org_admin)
    assert not can_issue_reset_code(outsider, panel_member)
    assert not can_issue_reset_code(panel_member, staff)
    assert not can_issue_reset_code(staff, staff)
    assert not can_issue_reset_code(org_admin, superuser)
    assert can_issue_reset_code(superuser, panel_member)


def test_under_13_takes_part_only_after_a_grown_ups_yes(organisation, child):
    decision = can_take_part(child)
    assert not decision
    assert "grown-up" in decision.reason
    authorised = factories.child_make(organisation, authorised=True)
    assert can_take_part(authorised)
    assert can_take_part(factories.user_make(age_band=AgeBand.FROM_13_TO_15))
