import pytest
from django.contrib.auth.models import AnonymousUser

from thegither.accounts.models import AgeBand, Membership, Role
from thegither.accounts.permissions import (
    can_change_role,
    can_invite,
    can_issue_reset_code,
    can_manage_account,
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


# Authority over a whole account stays inside the organisations that person is in.


def test_staff_cannot_take_over_an_admin_of_another_organisation(organisation, staff, org_admin):
    elsewhere = factories.organisation_make()
    # Admin of another organisation, and a group contact here.
    person = factories.member_make(elsewhere, Role.ORGANISATION_ADMIN)
    Membership.objects.create(user=person, organisation=organisation, role=Role.APPLICANT_CONTACT)

    for issuer in (staff, org_admin):
        decision = can_issue_reset_code(issuer, person)
        assert not decision
        assert "somewhere you don't look after" in decision.reason
        assert not can_manage_account(issuer, person)


def test_a_person_in_two_organisations_needs_authority_in_both(organisation, staff):
    elsewhere = factories.organisation_make()
    child = factories.child_make(organisation)
    Membership.objects.create(user=child, organisation=elsewhere, role=Role.PANEL_MEMBER)

    assert not can_record_guardian_authorisation(staff, child)
    assert not can_issue_reset_code(staff, child)
    Membership.objects.create(user=staff, organisation=elsewhere, role=Role.STAFF)
    assert can_record_guardian_authorisation(staff, child)
    assert can_issue_reset_code(staff, child)


def test_staff_in_both_still_cannot_act_for_staff(organisation, staff):
    elsewhere = factories.organisation_make()
    Membership.objects.create(user=staff, organisation=elsewhere, role=Role.ORGANISATION_ADMIN)
    colleague = factories.member_make(organisation, Role.STAFF)
    Membership.objects.create(user=colleague, organisation=elsewhere, role=Role.PANEL_MEMBER)

    # Admin elsewhere, but only staff here, where the colleague is staff too.
    assert not can_manage_account(staff, colleague)


def test_nobody_but_a_site_administrator_acts_for_a_site_staff_account(
    organisation, org_admin, superuser
):
    site_staff = factories.member_make(organisation, Role.PANEL_MEMBER, is_staff=True)
    assert not can_manage_account(org_admin, site_staff)
    assert can_manage_account(superuser, site_staff)


def test_a_site_staff_flag_alone_gives_no_authority(organisation, panel_member):
    site_staff = factories.user_make(is_staff=True)
    assert not can_issue_reset_code(site_staff, panel_member)
    assert not can_manage_people(site_staff, organisation)


def test_nobody_manages_their_own_account_or_a_person_in_no_organisation(staff, superuser):
    assert not can_manage_account(staff, staff)
    assert not can_manage_account(staff, factories.user_make())
    assert can_manage_account(superuser, factories.user_make())
