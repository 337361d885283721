from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from thegither.accounts import services
from thegither.accounts.models import AgeBand, Invitation, Membership, ResetCode, Role, User
from thegither.accounts.selectors import MAX_WRONG_CODES, token_hash
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal

NEW_PASSWORD = "purple-otter-jumps-9"


def accept(token, code, **overrides):
    fields = {
        "token": token,
        "code": code,
        "username": "newbie",
        "display_name": "Newbie",
        "age_band": AgeBand.FROM_13_TO_15,
        "password": NEW_PASSWORD,
        "email": "",
    }
    fields.update(overrides)
    return services.invitation_accept(**fields)


def events(action):
    return list(AuditEvent.objects.filter(action=action))


# invitation_create


def test_invitation_create_stores_only_hashes(organisation, staff):
    invitation, token, code = services.invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff, note="Tuesday group"
    )
    invitation.refresh_from_db()
    assert len(code) == services.CODE_LENGTH
    assert set(code) <= set(services.CODE_ALPHABET)
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert code not in invitation.code_hash
    assert invitation.note == "Tuesday group"
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    [event] = events("invitation.created")
    assert event.actor == staff
    assert event.details == {"organisation": organisation.pk, "role": Role.PANEL_MEMBER}


def test_codes_leave_out_letters_that_look_like_numbers():
    for letter in "0O1IL":
        assert letter not in services.CODE_ALPHABET


def test_staff_cannot_invite_staff(organisation, staff):
    with pytest.raises(PermissionDenied, match="organisation admin"):
        services.invitation_create(organisation=organisation, role=Role.STAFF, by=staff)
    assert not Invitation.objects.exists()


def test_org_admin_can_invite_staff(organisation, org_admin):
    invitation, _token, _code = services.invitation_create(
        organisation=organisation, role=Role.STAFF, by=org_admin
    )
    assert invitation.role == Role.STAFF


def test_panel_member_cannot_invite(organisation, panel_member):
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organisation=organisation, role=Role.PANEL_MEMBER, by=panel_member
        )


def test_staff_of_another_organisation_cannot_invite(organisation, outsider):
    with pytest.raises(PermissionDenied):
        services.invitation_create(organisation=organisation, role=Role.PANEL_MEMBER, by=outsider)


def test_invitation_create_refuses_unknown_role(organisation, org_admin):
    with pytest.raises(ValidationError) as caught:
        services.invitation_create(organisation=organisation, role="wizard", by=org_admin)
    assert "role" in caught.value.message_dict


def test_invitation_create_refuses_long_note(organisation, staff):
    with pytest.raises(ValidationError) as caught:
        services.invitation_create(
            organisation=organisation, role=Role.PANEL_MEMBER, by=staff, note="x" * 61
        )
    assert "note" in caught.value.message_dict


# invitation_accept


@pytest.fixture
def invitation(organisation, staff):
    return services.invitation_create(organisation=organisation, role=Role.PANEL_MEMBER, by=staff)


def test_accept_makes_person_and_membership(organisation, invitation):
    record, token, code = invitation
    user = accept(token, code.lower()[:3] + " " + code.lower()[3:], email="New@Example.org")
    assert user.username == "newbie"
    assert user.check_password(NEW_PASSWORD)
    assert user.email == "New@example.org"
    assert Membership.objects.get(user=user).role == Role.PANEL_MEMBER
    record.refresh_from_db()
    assert record.used_by == user
    assert record.used_at is not None
    [event] = events("invitation.accepted")
    assert event.actor == user


def test_accept_without_email_is_fine(invitation):
    _record, token, code = invitation
    assert accept(token, code).email == ""


def test_pressing_join_twice_gives_back_the_same_account(invitation):
    _record, token, code = invitation
    first = accept(token, code)
    second = accept(token, code)
    assert first == second
    assert User.objects.filter(username="newbie").count() == 1
    assert len(events("invitation.accepted")) == 1


def test_used_invitation_is_refused_for_someone_else(invitation):
    _record, token, code = invitation
    accept(token, code)
    with pytest.raises(ValidationError, match="already used") as caught:
        accept(token, code, username="someone-else")
    assert caught.value.kind == Refusal.UNUSABLE


def test_used_invitation_is_refused_with_wrong_password(invitation):
    _record, token, code = invitation
    accept(token, code)
    with pytest.raises(ValidationError, match="already used"):
        accept(token, code, password="not-the-same-password-1")


def test_expired_invitation_is_refused(invitation):
    record, token, code = invitation
    Invitation.objects.filter(pk=record.pk).update(expires_at=timezone.now())
    with pytest.raises(ValidationError, match="run out"):
        accept(token, code)
    assert not User.objects.filter(username="newbie").exists()


def test_unknown_token_is_refused(invitation):
    _record, _token, code = invitation
    with pytest.raises(ValidationError, match="doesn't work") as caught:
        accept("not-a-real-token", code)
    assert caught.value.kind == Refusal.UNKNOWN


def test_wrong_code_is_counted_and_refused(invitation):
    record, token, code = invitation
    wrong = "AAAAAA" if code != "AAAAAA" else "BBBBBB"
    with pytest.raises(ValidationError) as caught:
        accept(token, wrong)
    assert caught.value.kind == Refusal.WRONG_CODE
    assert "code" in caught.value.message_dict
    record.refresh_from_db()
    assert record.failed_attempts == 1
    assert len(events("invitation.code_wrong")) == 1


def test_too_many_wrong_codes_lock_the_invitation(invitation):
    record, token, code = invitation
    wrong = "AAAAAA" if code != "AAAAAA" else "BBBBBB"
    for _attempt in range(MAX_WRONG_CODES - 1):
        with pytest.raises(ValidationError):
            accept(token, wrong)
    with pytest.raises(ValidationError, match="too many times") as caught:
        accept(token, wrong)
    assert caught.value.kind == Refusal.UNUSABLE
    # Even the right code no longer works.
    with pytest.raises(ValidationError, match="too many times"):
        accept(token, code)
    record.refresh_from_db()
    assert record.failed_attempts == MAX_WRONG_CODES
    assert record.used_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "has@sign"}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "x" * 41}, "username"),
        ({"display_name": "  "}, "display_name"),
        ({"display_name": "x" * 61}, "display_name"),
        ({"age_band": "1990-01-01"}, "age_band"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "123"}, "password"),
        ({"password": "password"}, "password"),
    ],
)
def test_accept_refuses_bad_details_and_keeps_invitation(invitation, overrides, field):
    record, token, code = invitation
    with pytest.raises(ValidationError) as caught:
        accept(token, code, **overrides)
    assert field in caught.value.message_dict
    record.refresh_from_db()
    assert record.used_at is None
    assert record.failed_attempts == 0


def test_accept_refuses_taken_username_in_any_case(invitation):
    factories.user_make(username="Newbie")
    _record, token, code = invitation
    with pytest.raises(ValidationError) as caught:
        accept(token, code)
    assert "username" in caught.value.message_dict


def test_accept_refuses_taken_email(invitation):
    factories.user_make(email="taken@example.org")
    _record, token, code = invitation
    with pytest.raises(ValidationError) as caught:
        accept(token, code, email="TAKEN@example.org")
    assert "email" in caught.value.message_dict


def test_staff_invitation_refuses_under_18(organisation, org_admin):
    _record, token, code = services.invitation_create(
        organisation=organisation, role=Role.STAFF, by=org_admin
    )
    with pytest.raises(ValidationError) as caught:
        accept(token, code, age_band=AgeBand.FROM_16_TO_17)
    assert "18 or over" in caught.value.message_dict["age_band"][0]


def test_under_13_joins_waiting_for_a_grown_up(invitation):
    _record, token, code = invitation
    user = accept(token, code, age_band=AgeBand.UNDER_13)
    assert user.needs_guardian_authorisation


# guardian_authorisation_record


def test_staff_record_guardian_authorisation(staff, child):
    services.guardian_authorisation_record(child=child, by=staff)
    child.refresh_from_db()
    assert child.guardian_authorised_at is not None
    assert child.guardian_authorised_by == staff
    assert not child.needs_guardian_authorisation
    [event] = events("guardian.authorised")
    assert (event.actor, event.target_id) == (staff, str(child.pk))


def test_recording_guardian_authorisation_twice_changes_nothing(staff, child):
    first = services.guardian_authorisation_record(child=child, by=staff)
    second = services.guardian_authorisation_record(child=child, by=staff)
    assert first.guardian_authorised_at == second.guardian_authorised_at
    assert len(events("guardian.authorised")) == 1


def test_panel_member_cannot_record_guardian_authorisation(panel_member, child):
    with pytest.raises(PermissionDenied):
        services.guardian_authorisation_record(child=child, by=panel_member)


def test_staff_elsewhere_cannot_record_guardian_authorisation(outsider, child):
    with pytest.raises(PermissionDenied):
        services.guardian_authorisation_record(child=child, by=outsider)


def test_guardian_authorisation_is_only_for_under_13s(staff, panel_member):
    with pytest.raises(PermissionDenied, match="under 13"):
        services.guardian_authorisation_record(child=panel_member, by=staff)


# membership_role_change


def test_org_admin_changes_a_role(organisation, org_admin, panel_member):
    membership = Membership.objects.get(user=panel_member)
    panel_member.age_band = AgeBand.FROM_18_TO_25
    panel_member.save()
    changed = services.membership_role_change(membership=membership, role=Role.STAFF, by=org_admin)
    assert changed.role == Role.STAFF
    [event] = events("membership.role_changed")
    assert event.details == {
        "from": Role.PANEL_MEMBER,
        "to": Role.STAFF,
        "user": panel_member.pk,
    }


def test_same_role_is_not_recorded_again(org_admin, panel_member):
    membership = Membership.objects.get(user=panel_member)
    services.membership_role_change(membership=membership, role=Role.PANEL_MEMBER, by=org_admin)
    assert events("membership.role_changed") == []


def test_staff_cannot_change_roles(staff, panel_member):
    membership = Membership.objects.get(user=panel_member)
    with pytest.raises(PermissionDenied, match="organisation admin"):
        services.membership_role_change(
            membership=membership, role=Role.APPLICANT_CONTACT, by=staff
        )


def test_nobody_changes_their_own_role(org_admin):
    membership = Membership.objects.get(user=org_admin)
    with pytest.raises(PermissionDenied, match="your own role"):
        services.membership_role_change(membership=membership, role=Role.STAFF, by=org_admin)


def test_a_child_cannot_be_made_staff(org_admin, child):
    membership = Membership.objects.get(user=child)
    with pytest.raises(PermissionDenied, match="18 or over"):
        services.membership_role_change(membership=membership, role=Role.STAFF, by=org_admin)


def test_unknown_role_is_refused(org_admin, panel_member):
    membership = Membership.objects.get(user=panel_member)
    with pytest.raises(ValidationError):
        services.membership_role_change(membership=membership, role="boss", by=org_admin)


def test_last_admin_cannot_be_removed(org_admin, superuser):
    membership = Membership.objects.get(user=org_admin)
    with pytest.raises(ValidationError, match="at least one admin"):
        services.membership_role_change(membership=membership, role=Role.STAFF, by=superuser)
    membership.refresh_from_db()
    assert membership.role == Role.ORGANISATION_ADMIN


# passwords


def test_password_set_records_how(panel_member):
    services.password_set(user=panel_member, password=NEW_PASSWORD, how="change")
    panel_member.refresh_from_db()
    assert panel_member.check_password(NEW_PASSWORD)
    assert len(events("password.changed")) == 1


def test_password_set_refuses_weak_password(panel_member):
    with pytest.raises(ValidationError):
        services.password_set(user=panel_member, password="12345678", how="change")
    panel_member.refresh_from_db()
    assert panel_member.check_password(factories.PASSWORD)


def test_password_set_refuses_unknown_way(panel_member):
    with pytest.raises(ValueError, match="Unknown way"):
        services.password_set(user=panel_member, password=NEW_PASSWORD, how="magic")


def test_staff_issue_a_code_and_it_sets_a_new_password(staff, panel_member):
    _reset_code, code = services.reset_code_issue(person=panel_member, by=staff)
    user = services.reset_code_use(
        username=panel_member.username.upper(), code=code.lower(), password=NEW_PASSWORD
    )
    assert user.check_password(NEW_PASSWORD)
    assert len(events("reset_code.issued")) == 1
    assert len(events("password.reset_with_code")) == 1
    with pytest.raises(ValidationError, match="don't match"):
        services.reset_code_use(
            username=panel_member.username, code=code, password="another-fine-password-7"
        )


def test_a_new_code_stops_the_old_one(staff, panel_member):
    _first, old = services.reset_code_issue(person=panel_member, by=staff)
    _second, new = services.reset_code_issue(person=panel_member, by=staff)
    if old != new:
        with pytest.raises(ValidationError):
            services.reset_code_use(username=panel_member.username, code=old, password=NEW_PASSWORD)
    services.reset_code_use(username=panel_member.username, code=new, password=NEW_PASSWORD)


def test_wrong_reset_codes_are_limited(staff, panel_member):
    _reset_code, code = services.reset_code_issue(person=panel_member, by=staff)
    wrong = "AAAAAA" if code != "AAAAAA" else "BBBBBB"
    for _attempt in range(MAX_WRONG_CODES):
        with pytest.raises(ValidationError, match="don't match"):
            services.reset_code_use(
                username=panel_member.username, code=wrong, password=NEW_PASSWORD
            )
    with pytest.raises(ValidationError, match="don't match"):
        services.reset_code_use(username=panel_member.username, code=code, password=NEW_PASSWORD)
    assert ResetCode.objects.get().failed_attempts == MAX_WRONG_CODES


def test_expired_reset_code_is_refused(staff, panel_member):
    _reset_code, code = services.reset_code_issue(person=panel_member, by=staff)
    ResetCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="run out"):
        services.reset_code_use(username=panel_member.username, code=code, password=NEW_PASSWORD)


def test_reset_code_for_unknown_username_is_refused(db):
    with pytest.raises(ValidationError, match="don't match"):
        services.reset_code_use(username="nobody", code="ABCDEF", password=NEW_PASSWORD)


def test_reset_code_refuses_weak_password_and_keeps_code(staff, panel_member):
    _reset_code, code = services.reset_code_issue(person=panel_member, by=staff)
    with pytest.raises(ValidationError) as caught:
        services.reset_code_use(username=panel_member.username, code=code, password="123")
    assert "new_password1" in caught.value.message_dict
    assert ResetCode.objects.get().used_at is None


def test_staff_cannot_issue_codes_for_admins(staff, org_admin):
    with pytest.raises(PermissionDenied):
        services.reset_code_issue(person=org_admin, by=staff)


def test_panel_member_cannot_issue_codes(panel_member, applicant):
    with pytest.raises(PermissionDenied):
        services.reset_code_issue(person=applicant, by=panel_member)
