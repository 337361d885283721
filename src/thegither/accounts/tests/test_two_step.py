"""Two-step log-in: setting it up, the code after the password, turning it off, resets."""

import json
import time
from binascii import unhexlify
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from thegither.accounts import pending
from thegither.accounts.models import AgeBand, Role, User
from thegither.accounts.selectors import (
    recovery_codes_left,
    two_step_is_on,
    two_step_required_for,
)
from thegither.accounts.services import (
    RECOVERY_CODE_COUNT,
    invitation_create,
    organisation_two_step_require,
    two_step_key_for_typing,
    two_step_key_make,
    two_step_recovery_codes_renew,
    two_step_reset,
    two_step_set_up,
    two_step_turn_off,
    two_step_verify,
)
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused


def app_code(key: str, steps_ahead: int = 0) -> str:
    """Return the code an authenticator app shows now (or `steps_ahead` 30-second steps on)."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def set_up(user: User) -> tuple[str, list[str]]:
    """Turn on two-step log-in for `user`; return the secret and the recovery codes."""
    key = two_step_key_make()
    return key, two_step_set_up(user=user, key=key, code=app_code(key))


def unthrottle(user: User) -> None:
    """Forget earlier wrong codes, as if the person had waited long enough."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0)


def log_in(client, user: User, **extra):
    data = {"username": user.username, "password": factories.PASSWORD, **extra}
    return client.post(reverse("accounts:login"), data)


def audit_actions(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(user.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# ---------- setting it up ----------


def test_set_up_turns_on_two_step_with_ten_recovery_codes(staff):
    _key, codes = set_up(staff)

    assert two_step_is_on(staff)
    assert len(codes) == RECOVERY_CODE_COUNT == len(set(codes))
    assert recovery_codes_left(staff) == RECOVERY_CODE_COUNT
    assert "two_step.set_up" in audit_actions(staff)


def test_recovery_codes_are_stored_only_as_digests(staff):
    _key, codes = set_up(staff)

    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert not stored & set(codes)
    assert len(stored) == RECOVERY_CODE_COUNT


def test_the_audit_log_never_holds_the_secret_or_a_code(staff):
    key, codes = set_up(staff)
    two_step_verify(user=staff, code=app_code(key, 1))
    two_step_verify(user=staff, code=codes[0])

    logged = json.dumps(list(AuditEvent.objects.values("action", "details")))
    for secret in [key, two_step_key_for_typing(key).replace(" ", ""), *codes]:
        assert secret not in logged


@pytest.mark.parametrize("who", ["panel_member", "applicant", "child"])
def test_young_people_and_group_contacts_cannot_set_up_two_step(request, who):
    person = request.getfixturevalue(who)
    key = two_step_key_make()

    with pytest.raises(PermissionDenied):
        two_step_set_up(user=person, key=key, code=app_code(key))
    assert not TOTPDevice.objects.exists()


def test_org_admins_and_site_admins_can_set_up_two_step(org_admin, superuser):
    set_up(org_admin)
    set_up(superuser)

    assert two_step_is_on(org_admin)
    assert two_step_is_on(superuser)


def test_set_up_with_a_wrong_code_is_refused_and_turns_nothing_on(staff):
    key = two_step_key_make()
    wrong = f"{(int(app_code(key)) + 500_000) % 1_000_000:06d}"

    with pytest.raises(Refused) as refused:
        two_step_set_up(user=staff, key=key, code=wrong)

    assert refused.value.kind == Refusal.WRONG_CODE
    assert not two_step_is_on(staff)


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567", "12 34 5x"])
def test_set_up_with_something_that_is_not_six_numbers_is_refused(staff, code):
    with pytest.raises(Refused) as refused:
        two_step_set_up(user=staff, key=two_step_key_make(), code=code)
    assert refused.value.kind == Refusal.INVALID


@pytest.mark.parametrize("key", ["", "not-hex", "ab" * 10, "zz" * 20])
def test_set_up_with_a_broken_secret_is_refused(staff, key):
    with pytest.raises(Refused) as refused:
        two_step_set_up(user=staff, key=key, code="123456")
    assert refused.value.kind == Refusal.INVALID


def test_set_up_twice_is_refused(staff):
    set_up(staff)
    key = two_step_key_make()

    with pytest.raises(Refused) as refused:
        two_step_set_up(user=staff, key=key, code=app_code(key))
    assert refused.value.kind == Refusal.WRONG_STATE


def test_the_secret_is_typed_as_base32_in_groups_of_four():
    typed = two_step_key_for_typing("00" * 20)
    assert typed == "AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA"


# ---------- the code at log-in ----------


def test_a_code_from_the_app_is_accepted_and_audited(staff):
    key, _codes = set_up(staff)

    device = two_step_verify(user=staff, code=app_code(key, 1))

    assert isinstance(device, TOTPDevice)
    assert audit_actions(staff)[-1] == "two_step.used"


def test_the_code_used_to_set_up_cannot_be_used_again_to_log_in(staff):
    key = two_step_key_make()
    code = app_code(key)
    two_step_set_up(user=staff, key=key, code=code)

    with pytest.raises(Refused) as refused:
        two_step_verify(user=staff, code=code)
    assert refused.value.kind == Refusal.WRONG_CODE


def test_a_recovery_code_works_once(staff):
    _key, codes = set_up(staff)

    device = two_step_verify(user=staff, code=codes[0].lower())
    assert isinstance(device, StaticDevice)
    assert recovery_codes_left(staff) == RECOVERY_CODE_COUNT - 1
    event = AuditEvent.objects.filter(action="two_step.recovery_code_used").get()
    assert event.details == {"codes_left": RECOVERY_CODE_COUNT - 1}

    unthrottle(staff)
    with pytest.raises(Refused):
        two_step_verify(user=staff, code=codes[0])


def test_a_recovery_code_typed_with_a_dash_or_spaces_works(staff):
    _key, codes = set_up(staff)
    code = codes[3]
    two_step_verify(user=staff, code=f" {code[:5]}-{code[5:]} ")


def test_a_wrong_code_is_refused_counted_and_audited(staff):
    key, _codes = set_up(staff)
    wrong = f"{(int(app_code(key)) + 500_000) % 1_000_000:06d}"

    with pytest.raises(Refused) as refused:
        two_step_verify(user=staff, code=wrong)

    assert refused.value.kind == Refusal.WRONG_CODE
    assert TOTPDevice.objects.get(user=staff).throttling_failure_count == 1
    event = AuditEvent.objects.filter(action="two_step.code_wrong").get()
    assert event.details == {"failed_attempts": 1}


def test_after_a_wrong_code_even_the_right_one_must_wait(staff):
    key, codes = set_up(staff)
    with pytest.raises(Refused):
        two_step_verify(user=staff, code="000000" if app_code(key) != "000000" else "111111")

    with pytest.raises(Refused) as refused:
        two_step_verify(user=staff, code=app_code(key, 1))
    assert refused.value.kind == Refusal.TOO_MANY
    assert "Wait" in refused.value.message
    # Switching to a recovery code doesn't get round the wait.
    with pytest.raises(Refused) as refused:
        two_step_verify(user=staff, code=codes[0])
    assert refused.value.kind == Refusal.TOO_MANY


def test_the_wait_ends(staff):
    key, _codes = set_up(staff)
    with pytest.raises(Refused):
        two_step_verify(user=staff, code="nonsense")
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=staff).update(
            throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
        )

    two_step_verify(user=staff, code=app_code(key, 1))


def test_a_code_for_someone_without_two_step_is_refused(staff):
    with pytest.raises(Refused) as refused:
        two_step_verify(user=staff, code="123456")
    assert refused.value.kind == Refusal.WRONG_STATE


# ---------- turning it off, new codes, resets ----------


def test_turning_off_with_a_code_removes_two_step(staff):
    key, _codes = set_up(staff)

    two_step_turn_off(user=staff, code=app_code(key, 1))

    assert not two_step_is_on(staff)
    assert not StaticDevice.objects.filter(user=staff).exists()
    assert audit_actions(staff)[-1] == "two_step.turned_off"


def test_turning_off_with_a_wrong_code_keeps_two_step(staff):
    set_up(staff)
    with pytest.raises(Refused):
        two_step_turn_off(user=staff, code="nonsense")
    assert two_step_is_on(staff)


def test_turning_off_is_refused_when_the_organisation_requires_it(organisation, staff):
    key, _codes = set_up(staff)
    organisation.two_step_required = True
    organisation.save()

    with pytest.raises(Refused) as refused:
        two_step_turn_off(user=staff, code=app_code(key, 1))
    assert refused.value.kind == Refusal.NOT_ALLOWED
    assert two_step_is_on(staff)


def test_new_recovery_codes_replace_the_old_ones(staff):
    key, old = set_up(staff)

    new = two_step_recovery_codes_renew(user=staff, code=app_code(key, 1))

    assert not set(new) & set(old)
    assert recovery_codes_left(staff) == RECOVERY_CODE_COUNT
    with pytest.raises(Refused):
        two_step_verify(user=staff, code=old[0])
    unthrottle(staff)
    two_step_verify(user=staff, code=new[0])


def test_new_recovery_codes_need_a_right_code(staff):
    _key, _old = set_up(staff)
    with pytest.raises(Refused):
        two_step_recovery_codes_renew(user=staff, code="999999x")
    assert recovery_codes_left(staff) == RECOVERY_CODE_COUNT


def test_an_org_admin_resets_a_staff_members_two_step_and_logs_them_out(org_admin, staff):
    set_up(staff)
    generation = staff.session_generation

    assert two_step_reset(person=staff, by=org_admin) is True

    assert not two_step_is_on(staff)
    staff.refresh_from_db()
    assert staff.session_generation == generation + 1
    event = AuditEvent.objects.get(action="two_step.reset")
    assert event.actor == org_admin
    assert event.details == {}


def test_a_reset_twice_changes_nothing_the_second_time(org_admin, staff):
    set_up(staff)
    two_step_reset(person=staff, by=org_admin)

    assert two_step_reset(person=staff, by=org_admin) is False
    assert AuditEvent.objects.filter(action="two_step.reset").count() == 1


def test_a_site_admin_can_reset_an_org_admin(superuser, org_admin):
    set_up(org_admin)
    assert two_step_reset(person=org_admin, by=superuser)


@pytest.mark.parametrize("who", ["staff", "panel_member", "outsider"])
def test_only_an_org_admin_or_site_admin_can_reset(request, org_admin, who):
    set_up(org_admin)
    other = factories.member_make(org_admin.memberships.get().organisation, Role.STAFF)
    set_up(other)
    by = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        two_step_reset(person=other, by=by)
    assert two_step_is_on(other)


def test_nobody_resets_their_own_two_step(org_admin):
    set_up(org_admin)
    with pytest.raises(PermissionDenied):
        two_step_reset(person=org_admin, by=org_admin)


# ---------- organisations that require it ----------


def test_an_org_admin_requires_two_step_for_staff(organisation, org_admin, staff, panel_member):
    organisation_two_step_require(organisation=organisation, required=True, by=org_admin)

    organisation.refresh_from_db()
    assert organisation.two_step_required
    event = AuditEvent.objects.get(action="organisation.two_step_required")
    assert event.details == {"old": False, "new": True}
    assert two_step_required_for(staff)
    assert two_step_required_for(org_admin)
    assert not two_step_required_for(panel_member)


def test_requiring_two_step_twice_is_recorded_once(organisation, org_admin):
    organisation_two_step_require(organisation=organisation, required=True, by=org_admin)
    organisation_two_step_require(organisation=organisation, required=True, by=org_admin)
    assert AuditEvent.objects.filter(action="organisation.two_step_required").count() == 1


def test_staff_cannot_require_two_step(organisation, staff):
    with pytest.raises(PermissionDenied):
        organisation_two_step_require(organisation=organisation, required=True, by=staff)
    organisation.refresh_from_db()
    assert not organisation.two_step_required


def test_young_people_are_never_required_to_use_two_step(organisation):
    organisation.two_step_required = True
    organisation.save()
    adult_panel_member = factories.member_make(
        organisation, Role.PANEL_MEMBER, age_band=AgeBand.FROM_18_TO_25
    )
    contact = factories.member_make(organisation, Role.APPLICANT_CONTACT)
    child = factories.child_make(organisation)

    assert not any(two_step_required_for(p) for p in (adult_panel_member, contact, child))


# ---------- log-in pages ----------


def test_after_the_password_someone_with_two_step_is_asked_for_a_code_and_not_logged_in(
    client, staff
):
    set_up(staff)

    response = log_in(client, staff)

    assert response.status_code == 302
    assert response.url == reverse("accounts:login-code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    page = client.get(reverse("accounts:login-code"))
    assert page.status_code == 200
    assert "Type your code" in page.text


def test_the_right_code_logs_in_and_goes_where_the_person_was_heading(client, staff):
    key, _codes = set_up(staff)
    log_in(client, staff, next=reverse("accounts:account"))

    response = client.post(reverse("accounts:login-code"), {"code": app_code(key, 1)})

    assert response.status_code == 302
    assert response.url == reverse("accounts:account")
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.session[pending.STATE_KEY] == pending.VERIFIED
    assert pending.PENDING_KEY not in client.session
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert "login" in audit_actions(staff)


def test_a_next_address_on_another_site_is_ignored(client, staff):
    key, _codes = set_up(staff)
    log_in(client, staff, next="https://evil.example/")

    response = client.post(reverse("accounts:login-code"), {"code": app_code(key, 1)})

    assert response.url == reverse("accounts:dashboard")


def test_a_recovery_code_logs_in_and_says_how_many_are_left(client, staff):
    _key, codes = set_up(staff)
    log_in(client, staff)

    response = client.post(reverse("accounts:login-code"), {"code": codes[0]}, follow=True)

    assert response.context["user"] == staff
    assert "You have 9 left" in response.text


def test_a_wrong_code_at_log_in_says_so_plainly(client, staff):
    set_up(staff)
    log_in(client, staff)

    response = client.post(reverse("accounts:login-code"), {"code": "not-a-code"})

    assert response.status_code == 200
    assert "That code didn&#x27;t work" in response.text
    assert "_auth_user_id" not in client.session
    again = client.post(reverse("accounts:login-code"), {"code": "123456"})
    assert "a lot of wrong codes" in again.text


def test_a_code_longer_than_the_box_allows_is_refused_without_a_crash(client, staff):
    set_up(staff)
    log_in(client, staff)
    response = client.post(reverse("accounts:login-code"), {"code": "1" * 500})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_a_password_first_goes_to_log_in(client):
    response = client.get(reverse("accounts:login-code"))
    assert response.url == reverse("accounts:login")


def test_waiting_too_long_for_the_code_means_starting_again(client, staff, settings):
    key, _codes = set_up(staff)
    log_in(client, staff)
    session = client.session
    session[pending.PENDING_KEY]["started"] -= settings.TWO_STEP_PENDING_SECONDS + 1
    session.save()

    response = client.post(reverse("accounts:login-code"), {"code": app_code(key, 1)})

    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_a_password_change_while_waiting_for_the_code_stops_the_log_in(client, staff):
    key, _codes = set_up(staff)
    log_in(client, staff)
    staff.set_password("a-different-long-password-7")
    staff.save()

    response = client.post(reverse("accounts:login-code"), {"code": app_code(key, 1)})

    assert response.url == reverse("accounts:login")


def test_people_without_two_step_log_in_with_just_a_password(client, staff):
    response = log_in(client, staff)
    assert response.url == reverse("accounts:dashboard")
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_logging_in_on_the_admin_site_still_needs_the_code(client, superuser):
    key, _codes = set_up(superuser)
    client.post(
        reverse("admin:login"),
        {"username": superuser.username, "password": factories.PASSWORD, "next": "/admin/"},
    )

    response = client.get("/admin/")

    assert response.url == reverse("accounts:login-code")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:login-code"), {"code": app_code(key, 1)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


# ---------- set-up and account pages ----------


def test_the_set_up_page_shows_a_qr_code_and_the_key_to_type(client, staff):
    client.force_login(staff)

    response = client.get(reverse("accounts:two-step-set-up"))

    assert response.status_code == 200
    key = client.session[pending.SET_UP_KEY]
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in response.text
    assert two_step_key_for_typing(key) in response.text
    # Reloading keeps the same secret, so a half-scanned code still works.
    client.get(reverse("accounts:two-step-set-up"))
    assert client.session[pending.SET_UP_KEY] == key


def test_setting_up_on_the_page_shows_the_recovery_codes_once(client, staff):
    client.force_login(staff)
    client.get(reverse("accounts:two-step-set-up"))
    key = client.session[pending.SET_UP_KEY]

    response = client.post(reverse("accounts:two-step-set-up"), {"code": app_code(key)})

    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert len(response.context["codes"]) == RECOVERY_CODE_COUNT
    assert two_step_is_on(staff)
    assert pending.SET_UP_KEY not in client.session
    # Coming back shows the status page, never the codes again.
    assert client.get(reverse("accounts:two-step-set-up")).url == reverse("accounts:two-step")


def test_a_wrong_code_on_the_set_up_page_keeps_what_was_typed(client, staff):
    client.force_login(staff)
    client.get(reverse("accounts:two-step-set-up"))

    response = client.post(reverse("accounts:two-step-set-up"), {"code": "12345"})

    assert response.status_code == 200
    assert 'value="12345"' in response.text
    assert not two_step_is_on(staff)


def test_young_people_cannot_open_the_set_up_page(client, panel_member):
    client.force_login(panel_member)
    assert client.get(reverse("accounts:two-step-set-up")).status_code == 403


def test_staff_of_an_organisation_that_requires_it_must_set_it_up_first(
    client, organisation, staff
):
    organisation.two_step_required = True
    organisation.save()
    log_in(client, staff)

    for name in ("accounts:dashboard", "accounts:people"):
        kwargs = {"slug": organisation.slug} if name == "accounts:people" else {}
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.url == reverse("accounts:two-step-set-up")
    page = client.get(reverse("accounts:two-step-set-up"))
    assert "Your organisation needs staff and admins" in page.text
    key = client.session[pending.SET_UP_KEY]
    client.post(reverse("accounts:two-step-set-up"), {"code": app_code(key)})
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_staff_who_must_set_it_up_can_still_log_out(client, organisation, staff):
    organisation.two_step_required = True
    organisation.save()
    log_in(client, staff)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_young_people_in_an_organisation_that_requires_it_go_straight_in(
    client, organisation, panel_member
):
    organisation.two_step_required = True
    organisation.save()
    log_in(client, panel_member)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_turning_off_on_the_page(client, staff):
    key, _codes = set_up(staff)
    staff.otp_device = TOTPDevice.objects.get(user=staff)
    client.force_login(staff)

    response = client.post(reverse("accounts:two-step-turn-off"), {"code": app_code(key, 1)})

    assert response.url == reverse("accounts:account")
    assert not two_step_is_on(staff)


def test_the_turn_off_page_says_no_when_the_organisation_requires_it(client, organisation, staff):
    key, _codes = set_up(staff)
    organisation.two_step_required = True
    organisation.save()
    staff.otp_device = TOTPDevice.objects.get(user=staff)
    client.force_login(staff)

    response = client.post(reverse("accounts:two-step-turn-off"), {"code": app_code(key, 1)})

    assert response.status_code == 200
    assert "can't turn it off" in response.text
    assert two_step_is_on(staff)


def test_new_recovery_codes_on_the_page(client, staff):
    key, _codes = set_up(staff)
    staff.otp_device = TOTPDevice.objects.get(user=staff)
    client.force_login(staff)

    response = client.post(reverse("accounts:two-step-recovery-codes"), {"code": app_code(key, 1)})

    assert len(response.context["codes"]) == RECOVERY_CODE_COUNT
    assert "old recovery codes have stopped working" in response.text


def test_the_organisation_page_lets_an_admin_require_two_step(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("accounts:organisation-two-step", kwargs={"slug": organisation.slug})

    response = client.post(url, {"required": "yes"})

    assert response.url == url
    organisation.refresh_from_db()
    assert organisation.two_step_required


def test_the_organisation_page_is_for_admins_only(client, organisation, staff):
    client.force_login(staff)
    url = reverse("accounts:organisation-two-step", kwargs={"slug": organisation.slug})
    assert client.post(url, {"required": "yes"}).status_code == 403
    organisation.refresh_from_db()
    assert not organisation.two_step_required


def test_the_organisation_page_lists_who_has_two_step_and_offers_resets(
    client, organisation, org_admin, staff
):
    set_up(staff)
    client.force_login(org_admin)
    url = reverse("accounts:organisation-two-step", kwargs={"slug": organisation.slug})

    response = client.get(url)

    rows = {row["membership"].user: row for row in response.context["rows"]}
    assert rows[staff]["membership"].has_two_step
    assert rows[staff]["can_reset"]
    assert not rows[org_admin]["can_reset"]  # nobody resets their own


def test_the_reset_button_resets(client, organisation, org_admin, staff):
    set_up(staff)
    membership = staff.memberships.get()
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:two-step-reset", kwargs={"slug": organisation.slug, "pk": membership.pk})
    )

    assert response.status_code == 302
    assert not two_step_is_on(staff)


def test_staff_cannot_press_reset(client, organisation, staff):
    other = factories.member_make(organisation, Role.STAFF)
    set_up(other)
    client.force_login(staff)

    response = client.post(
        reverse(
            "accounts:two-step-reset",
            kwargs={"slug": organisation.slug, "pk": other.memberships.get().pk},
        )
    )

    assert response.status_code == 403
    assert two_step_is_on(other)


def test_the_admin_sites_reset_action_calls_the_service(client, superuser, org_admin):
    set_up(org_admin)
    TOTPDevice.objects.filter(user=superuser).delete()
    client.force_login(superuser)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_step", "_selected_action": [org_admin.pk]},
    )

    assert not two_step_is_on(org_admin)
    assert AuditEvent.objects.filter(action="two_step.reset", actor=superuser).exists()


def test_new_staff_joining_an_organisation_that_requires_it_set_it_up_first(
    client, organisation, org_admin
):
    organisation.two_step_required = True
    organisation.save()
    _invitation, token, code = invitation_create(
        organisation=organisation, role=Role.STAFF, by=org_admin
    )

    client.post(
        reverse("accounts:join", kwargs={"token": token}),
        {
            "code": code,
            "username": "new.worker",
            "display_name": "New worker",
            "age_band": AgeBand.OVER_25,
            "password": "river-otters-swim-2026",
            "password_again": "river-otters-swim-2026",
        },
    )

    assert client.session["_auth_user_id"] == str(User.objects.get(username="new.worker").pk)
    response = client.get(reverse("accounts:dashboard"))
    assert response.url == reverse("accounts:two-step-set-up")
