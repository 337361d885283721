import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from thegither.accounts import services
from thegither.accounts.models import AgeBand, Invitation, Membership, Role, User
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent

NEW_PASSWORD = "purple-otter-jumps-9"


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def log_in(client, username, password=factories.PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# log in, log out, lockout


def test_log_in_with_username_is_audited(client, panel_member):
    response = log_in(client, panel_member.username)
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    event = AuditEvent.objects.get(action="login")
    assert event.actor == panel_member
    assert "ip" not in str(event.details).lower()


def test_log_in_with_email(client, organisation):
    user = factories.member_make(organisation, Role.STAFF, email="sam@example.org")
    response = log_in(client, "SAM@example.org")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failed_log_in_keeps_username_and_is_audited(client, panel_member):
    response = log_in(client, panel_member.username, "wrong-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{panel_member.username}"' in html
    assert "don&#x27;t match" in html
    assert 'autocomplete="current-password"' in html
    event = AuditEvent.objects.get(action="login.failed")
    assert event.target_id == str(panel_member.pk)
    assert event.details == {"known_account": True}


def test_failed_log_in_for_unknown_name_stores_no_typed_text(client, db):
    log_in(client, "my-secret-password", "wrong")
    event = AuditEvent.objects.get(action="login.failed")
    assert event.target_id == ""
    assert "my-secret-password" not in str(event.details)


def test_lockout_after_failure_limit(client, panel_member):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert log_in(client, panel_member.username, "wrong").status_code == 200
    response = log_in(client, panel_member.username, "wrong")
    assert response.status_code == 429
    html = response.content.decode().replace("&#x27;", "'")
    assert "You've tried too many times" in html
    assert "Try again in 1 minute." in html
    assert "Your youth worker can help" in html
    # The right password doesn't help until the wait is over.
    assert log_in(client, panel_member.username).status_code == 429
    assert AuditEvent.objects.filter(action="login.locked_out", target_id=panel_member.pk).exists()
    assert AuditEvent.objects.filter(action="login.failed").count() >= settings.LOGIN_FAILURE_LIMIT
    assert not AuditEvent.objects.filter(action="login").exists()


def test_logged_in_person_skips_the_login_page(client, panel_member):
    client.force_login(panel_member)
    assert client.get(reverse("accounts:login")).status_code == 302


def test_log_out_needs_post_and_is_audited(client, panel_member):
    client.force_login(panel_member)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="logout", actor=panel_member).exists()


# passwords


def test_password_reset_by_email(client, organisation):
    user = factories.member_make(organisation, Role.STAFF, email="sam@example.org")
    response = client.post(reverse("accounts:password-reset"), {"email": "sam@example.org"})
    assert response.url == reverse("accounts:password-reset-done")
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", message.body).group(1)
    response = client.get(link)
    assert response.status_code == 302
    response = client.post(
        response.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.url == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password.reset", actor=user).exists()


def test_password_reset_with_a_bad_link_says_so(client, panel_member):
    response = client.get(reverse("accounts:password-reset-confirm", args=["MTIzNDU", "bad-token"]))
    assert response.status_code == 200
    assert "This link doesn" in response.content.decode()


def test_password_change(client, panel_member):
    client.force_login(panel_member)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.url == reverse("accounts:password-change-done")
    panel_member.refresh_from_db()
    assert panel_member.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password.changed").exists()
    # Still logged in here.
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_password_change_needs_log_in(client, db):
    response = client.get(reverse("accounts:password-change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_reset_code_page_sets_a_new_password(client, staff, panel_member):
    _reset_code, code = services.reset_code_issue(person=panel_member, by=staff)
    response = client.post(
        reverse("accounts:reset-code"),
        {
            "username": panel_member.username,
            "code": code,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.url == reverse("accounts:login")
    panel_member.refresh_from_db()
    assert panel_member.check_password(NEW_PASSWORD)


def test_reset_code_page_shows_mismatch(client, panel_member):
    response = client.post(
        reverse("accounts:reset-code"),
        {
            "username": panel_member.username,
            "code": "ABCDEF",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "don&#x27;t match" in response.content.decode()


def test_staff_issue_reset_code_from_people_page(client, organisation, staff, panel_member):
    client.force_login(staff)
    membership = Membership.objects.get(user=panel_member)
    response = client.post(
        reverse("accounts:reset-code-create", args=[organisation.slug, membership.pk])
    )
    assert response.status_code == 200
    assert 'class="panel__code"' in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_panel_member_cannot_issue_reset_code(client, organisation, panel_member, applicant):
    client.force_login(panel_member)
    membership = Membership.objects.get(user=applicant)
    response = client.post(
        reverse("accounts:reset-code-create", args=[organisation.slug, membership.pk])
    )
    assert response.status_code == 403


# dashboard


def test_dashboard_shows_staff_links(client, organisation, staff):
    client.force_login(staff)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("accounts:people", args=[organisation.slug]) in html
    assert reverse("accounts:invitation-create", args=[organisation.slug]) in html


def test_dashboard_for_panel_member_has_no_staff_links(client, organisation, panel_member):
    client.force_login(panel_member)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("accounts:people", args=[organisation.slug]) not in html


def test_under_13_waiting_sees_the_waiting_page(client, child):
    client.force_login(child)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert "waiting for a grown-up to say yes" in response.content.decode()


def test_dashboard_needs_log_in(client, db):
    assert client.get(reverse("accounts:dashboard")).status_code == 302


# join by invitation


@pytest.fixture
def invitation(organisation, staff):
    return services.invitation_create(organisation=organisation, role=Role.PANEL_MEMBER, by=staff)


def join_data(code, **overrides):
    data = {
        "code": code,
        "username": "newbie",
        "display_name": "Newbie",
        "age_band": AgeBand.FROM_13_TO_15,
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "email": "",
    }
    data.update(overrides)
    return data


def test_join_page_never_asks_for_date_of_birth(client, invitation):
    _record, token, _code = invitation
    response = client.get(reverse("accounts:join", args=[token]))
    assert response.status_code == 200
    html = response.content.decode().lower()
    assert "birth" not in html.replace("birthday or where you live", "")
    assert 'autocomplete="new-password"' in html
    assert 'autocomplete="username"' in html


def test_join_makes_account_and_logs_in(client, invitation):
    _record, token, code = invitation
    response = client.post(reverse("accounts:join", args=[token]), join_data(code))
    assert response.url == reverse("accounts:dashboard")
    user = User.objects.get(username="newbie")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_join_with_wrong_code_shows_error(client, invitation):
    record, token, code = invitation
    wrong = "AAAAAA" if code != "AAAAAA" else "BBBBBB"
    response = client.post(reverse("accounts:join", args=[token]), join_data(wrong))
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert Invitation.objects.get(pk=record.pk).failed_attempts == 1


def test_join_with_different_passwords_shows_error(client, invitation):
    _record, token, code = invitation
    response = client.post(
        reverse("accounts:join", args=[token]), join_data(code, password_again="nope-nope-1")
    )
    assert "The two passwords are different" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_join_with_used_invitation_explains(client, invitation):
    _record, token, code = invitation
    services.invitation_accept(
        token=token,
        code=code,
        username="first",
        display_name="First",
        age_band=AgeBand.FROM_16_TO_17,
        password=NEW_PASSWORD,
    )
    response = client.get(reverse("accounts:join", args=[token]))
    assert "already used this invitation" in response.content.decode()


def test_join_with_unknown_token_is_not_found(client, db):
    assert client.get(reverse("accounts:join", args=["nope"])).status_code == 404


def test_join_when_logged_in_asks_to_log_out(client, invitation, panel_member):
    _record, token, _code = invitation
    client.force_login(panel_member)
    response = client.get(reverse("accounts:join", args=[token]))
    assert "already logged in" in response.content.decode()


# invitations


def test_staff_make_an_invitation_and_see_link_and_code_once(client, organisation, staff):
    client.force_login(staff)
    url = reverse("accounts:invitation-create", args=[organisation.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": Role.PANEL_MEMBER, "note": "Tuesday group"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    link = re.search(r'id="invitation-link" href="([^"]+)"', html).group(1)
    code = re.search(r'id="invitation-code">([^<]+)<', html).group(1)
    assert "/accounts/join/" in link
    assert len(code.replace(" ", "")) == 6
    assert Invitation.objects.get().note == "Tuesday group"


def test_staff_are_not_offered_the_staff_role(client, organisation, staff):
    client.force_login(staff)
    html = client.get(reverse("accounts:invitation-create", args=[organisation.slug])).content
    assert b'value="staff"' not in html
    assert b'value="panel-member"' in html


def test_panel_member_cannot_make_invitations(client, organisation, panel_member):
    client.force_login(panel_member)
    url = reverse("accounts:invitation-create", args=[organisation.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"role": Role.PANEL_MEMBER}).status_code == 403
    assert not Invitation.objects.exists()


# people, guardian authorisation, roles


def test_people_page_lists_everyone_in_fixed_queries(
    client, organisation, staff, django_assert_max_num_queries
):
    for _number in range(5):
        factories.member_make(organisation, Role.PANEL_MEMBER)
        factories.child_make(organisation)
    services.invitation_create(organisation=organisation, role=Role.PANEL_MEMBER, by=staff)
    client.force_login(staff)
    # 12, plus 3 for the decisions on each row's account and invitation buttons.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:people", args=[organisation.slug]))
    assert response.status_code == 200
    assert response.content.decode().count("Needs a grown-up") == 5
    assert AuditEvent.objects.filter(action="people.viewed", actor=staff).exists()


def test_panel_member_cannot_see_people(client, organisation, panel_member):
    client.force_login(panel_member)
    response = client.get(reverse("accounts:people", args=[organisation.slug]))
    assert response.status_code == 403


def test_staff_elsewhere_cannot_see_people(client, organisation, outsider):
    client.force_login(outsider)
    assert client.get(reverse("accounts:people", args=[organisation.slug])).status_code == 403


def test_staff_record_a_grown_ups_yes(client, organisation, staff, child):
    client.force_login(staff)
    membership = Membership.objects.get(user=child)
    url = reverse("accounts:guardian-authorise", args=[organisation.slug, membership.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.url == reverse("accounts:people", args=[organisation.slug])
    child.refresh_from_db()
    assert not child.needs_guardian_authorisation


def test_applicant_cannot_record_a_grown_ups_yes(client, organisation, applicant, child):
    client.force_login(applicant)
    membership = Membership.objects.get(user=child)
    url = reverse("accounts:guardian-authorise", args=[organisation.slug, membership.pk])
    assert client.post(url).status_code == 403
    child.refresh_from_db()
    assert child.needs_guardian_authorisation


def test_org_admin_changes_a_role_on_the_people_page(client, organisation, org_admin, applicant):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=applicant)
    url = reverse("accounts:member-role", args=[organisation.slug, membership.pk])
    response = client.post(url, {"role": Role.STAFF})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.STAFF


def test_staff_cannot_change_roles_on_the_people_page(client, organisation, staff, applicant):
    client.force_login(staff)
    membership = Membership.objects.get(user=applicant)
    url = reverse("accounts:member-role", args=[organisation.slug, membership.pk])
    assert client.post(url, {"role": Role.STAFF}).status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.APPLICANT_CONTACT


def test_membership_from_another_organisation_is_not_found(client, org_admin, outsider):
    client.force_login(org_admin)
    other = Membership.objects.get(user=outsider)
    slug = Membership.objects.get(user=org_admin).organisation.slug
    url = reverse("accounts:member-role", args=[slug, other.pk])
    assert client.post(url, {"role": Role.PANEL_MEMBER}).status_code == 404


# theme


def test_theme_css_serves_the_accent_colour(client, db):
    organisation = factories.organisation_make(accent_colour="#4B0082")
    response = client.get(reverse("accounts:theme-css", args=[organisation.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "--accent: #4b0082;" in response.content.decode()


def test_theme_css_never_serves_a_colour_too_light_to_read(client, db):
    organisation = factories.organisation_make()
    type(organisation).objects.filter(pk=organisation.pk).update(accent_colour="#ffff00")
    response = client.get(reverse("accounts:theme-css", args=[organisation.slug]))
    assert "--accent: #1d5c63;" in response.content.decode()


def test_theme_css_for_unknown_organisation_is_not_found(client, db):
    assert client.get(reverse("accounts:theme-css", args=["nope"])).status_code == 404


def test_staff_are_offered_new_password_codes_only_for_people_they_may_help(
    client, organisation, staff, org_admin, panel_member
):
    client.force_login(staff)
    html = client.get(reverse("accounts:people", args=[organisation.slug])).content.decode()

    assert f"New-password code for {panel_member.display_name}" in html
    assert f"New-password code for {org_admin.display_name}" not in html
    assert f"New-password code for {staff.display_name}" not in html


def test_org_admin_is_offered_new_password_codes_for_staff_too(
    client, organisation, staff, org_admin
):
    client.force_login(org_admin)
    html = client.get(reverse("accounts:people", args=[organisation.slug])).content.decode()

    assert f"New-password code for {staff.display_name}" in html
    assert f"New-password code for {org_admin.display_name}" not in html
