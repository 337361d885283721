"""The round's panel: adding, removing, choosing the chair, and declaring conflicts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.grants import services
from thegither.grants.models import (
    ApplicationStatus,
    ConflictDeclaration,
    PanelMember,
    RoundPhase,
)
from thegither.grants.tests.factories import application_make, round_make


@pytest.fixture
def assessing_round(organisation):
    return round_make(organisation, phase=RoundPhase.ASSESSMENT)


@pytest.fixture
def eligible(assessing_round, applicant):
    return application_make(assessing_round, applicant, status=ApplicationStatus.ELIGIBLE)


@pytest.fixture
def member(assessing_round, panel_member, staff):
    return services.panel_member_add(round=assessing_round, person=panel_member, by=staff)


def audits(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# Adding and removing


def test_staff_add_a_young_panel_member_and_it_is_audited(assessing_round, panel_member, staff):
    member = services.panel_member_add(round=assessing_round, person=panel_member, by=staff)
    assert member.round == assessing_round
    assert not member.is_chair
    assert len(audits("grants.panel_member_added")) == 1


def test_adding_the_same_person_twice_makes_one_member(assessing_round, panel_member, staff):
    services.panel_member_add(round=assessing_round, person=panel_member, by=staff)
    services.panel_member_add(round=assessing_round, person=panel_member, by=staff)
    assert PanelMember.objects.filter(round=assessing_round).count() == 1
    assert len(audits("grants.panel_member_added")) == 1


def test_a_panel_member_cannot_add_people_to_the_panel(assessing_round, panel_member):
    with pytest.raises(PermissionDenied):
        services.panel_member_add(round=assessing_round, person=panel_member, by=panel_member)


def test_staff_of_another_organisation_cannot_add_people(assessing_round, panel_member, outsider):
    with pytest.raises(PermissionDenied):
        services.panel_member_add(round=assessing_round, person=panel_member, by=outsider)


def test_only_young_panel_members_can_be_added(assessing_round, applicant, staff):
    with pytest.raises(Refused) as refused:
        services.panel_member_add(round=assessing_round, person=applicant, by=staff)
    assert refused.value.kind == Refusal.NOT_ALLOWED
    assert "panel members" in refused.value.messages[0]


def test_a_panel_member_of_another_organisation_cannot_be_added(assessing_round, staff):
    stranger = factories.member_make(factories.organisation_make(), Role.PANEL_MEMBER)
    with pytest.raises(Refused):
        services.panel_member_add(round=assessing_round, person=stranger, by=staff)


def test_an_under_13_without_a_grown_ups_yes_is_refused_with_the_reason(
    organisation, assessing_round, staff
):
    child = factories.child_make(organisation)
    with pytest.raises(Refused) as refused:
        services.panel_member_add(round=assessing_round, person=child, by=staff)
    assert "grown-up" in refused.value.messages[0]
    assert not PanelMember.objects.exists()


def test_an_under_13_with_a_grown_ups_yes_can_be_added(organisation, assessing_round, staff):
    child = factories.child_make(organisation, authorised=True)
    assert services.panel_member_add(round=assessing_round, person=child, by=staff)


def test_staff_remove_a_member_and_it_is_audited(member, staff):
    services.panel_member_remove(member=member, by=staff)
    assert not PanelMember.objects.exists()
    assert audits("grants.panel_member_removed")[0].details["user_id"] == member.user_id


def test_removing_twice_is_harmless(member, staff):
    services.panel_member_remove(member=member, by=staff)
    services.panel_member_remove(member=member, by=staff)
    assert len(audits("grants.panel_member_removed")) == 1


def test_a_member_cannot_remove_themself(member, panel_member):
    with pytest.raises(PermissionDenied):
        services.panel_member_remove(member=member, by=panel_member)


# The chair


def test_staff_choose_the_chair_and_moving_it_leaves_one_chair(
    organisation, assessing_round, member, staff
):
    other = services.panel_member_add(
        round=assessing_round,
        person=factories.member_make(organisation, Role.PANEL_MEMBER),
        by=staff,
    )
    services.panel_chair_set(member=member, by=staff)
    services.panel_chair_set(member=other, by=staff)
    assert list(PanelMember.objects.filter(is_chair=True)) == [other]
    moved = audits("grants.panel_chair_set")[-1].details
    assert moved == {"user_id": other.user_id, "before_user_id": member.user_id}


def test_choosing_the_same_chair_again_changes_nothing(member, staff):
    services.panel_chair_set(member=member, by=staff)
    services.panel_chair_set(member=member, by=staff)
    assert len(audits("grants.panel_chair_set")) == 1


def test_choosing_a_removed_member_as_chair_is_refused(member, staff):
    services.panel_member_remove(member=member, by=staff)
    with pytest.raises(Refused) as refused:
        services.panel_chair_set(member=member, by=staff)
    assert refused.value.kind == Refusal.UNKNOWN


def test_a_member_cannot_make_themself_chair(member, panel_member):
    with pytest.raises(PermissionDenied):
        services.panel_chair_set(member=member, by=panel_member)


def test_the_database_refuses_two_chairs(organisation, assessing_round, member):
    PanelMember.objects.filter(pk=member.pk).update(is_chair=True)
    other = factories.member_make(organisation, Role.PANEL_MEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelMember.objects.create(round=assessing_round, user=other, is_chair=True, number=9)


# Declaring conflicts


def test_a_member_declares_no_conflict_and_it_is_audited(member, eligible, panel_member):
    declaration = services.conflict_declare(
        application=eligible, has_conflict=False, reason="ignored", by=panel_member
    )
    assert not declaration.has_conflict
    assert declaration.reason == ""
    assert audits("grants.conflict_declared")[0].details == {"has_conflict": False, "reason": ""}


def test_a_member_declares_a_conflict_with_a_reason(member, eligible, panel_member):
    declaration = services.conflict_declare(
        application=eligible, has_conflict=True, reason="  My cousin runs it. ", by=panel_member
    )
    assert declaration.has_conflict
    assert declaration.reason == "My cousin runs it."


def test_a_conflict_without_a_reason_is_refused(member, eligible, panel_member):
    with pytest.raises(Refused) as refused:
        services.conflict_declare(application=eligible, has_conflict=True, by=panel_member)
    assert refused.value.kind == Refusal.INVALID
    assert "reason" in refused.value.message_dict


def test_a_too_long_reason_is_refused(member, eligible, panel_member):
    with pytest.raises(Refused) as refused:
        services.conflict_declare(
            application=eligible, has_conflict=True, reason="x" * 301, by=panel_member
        )
    assert refused.value.kind == Refusal.TOO_LONG


def test_a_choice_that_is_not_yes_or_no_is_refused(member, eligible, panel_member):
    with pytest.raises(Refused) as refused:
        services.conflict_declare(application=eligible, has_conflict="yes", by=panel_member)
    assert refused.value.kind == Refusal.BAD_CHOICE


def test_declaring_again_changes_it_and_audits_old_and_new(member, eligible, panel_member):
    services.conflict_declare(application=eligible, has_conflict=False, by=panel_member)
    services.conflict_declare(
        application=eligible, has_conflict=True, reason="I know them.", by=panel_member
    )
    assert ConflictDeclaration.objects.get().has_conflict
    changed = audits("grants.conflict_changed")[0].details
    assert changed == {
        "old": {"has_conflict": False, "reason": ""},
        "new": {"has_conflict": True, "reason": "I know them."},
    }


def test_declaring_the_same_again_is_not_audited_twice(member, eligible, panel_member):
    services.conflict_declare(application=eligible, has_conflict=False, by=panel_member)
    services.conflict_declare(application=eligible, has_conflict=False, by=panel_member)
    assert ConflictDeclaration.objects.count() == 1
    assert not audits("grants.conflict_changed")


def test_someone_not_on_the_panel_cannot_declare(organisation, eligible):
    stranger = factories.member_make(organisation, Role.PANEL_MEMBER)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(application=eligible, has_conflict=False, by=stranger)


def test_staff_cannot_declare(eligible, staff):
    with pytest.raises(PermissionDenied):
        services.conflict_declare(application=eligible, has_conflict=False, by=staff)


def test_a_member_of_another_round_cannot_declare(organisation, eligible, staff):
    other_round = round_make(organisation, phase=RoundPhase.ASSESSMENT)
    person = factories.member_make(organisation, Role.PANEL_MEMBER)
    services.panel_member_add(round=other_round, person=person, by=staff)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(application=eligible, has_conflict=False, by=person)


@pytest.mark.parametrize(
    "status", [ApplicationStatus.DRAFT, ApplicationStatus.NOT_ELIGIBLE, ApplicationStatus.WITHDRAWN]
)
def test_declaring_on_an_application_not_going_to_the_panel_is_refused(
    assessing_round, member, applicant, panel_member, status
):
    application = application_make(assessing_round, applicant, status=status)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(application=application, has_conflict=False, by=panel_member)


def test_declaring_before_the_round_is_screened_is_refused(
    organisation, applicant, panel_member, staff
):
    round = round_make(organisation, phase=RoundPhase.OPEN)
    services.panel_member_add(round=round, person=panel_member, by=staff)
    application = application_make(round, applicant, status=ApplicationStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(application=application, has_conflict=False, by=panel_member)
