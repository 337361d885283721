"""Sessions and your account: idle time-out, log out everywhere, emails about changes."""

import time

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from thegither.accounts import pending
from thegither.accounts.services import (
    email_change,
    password_set,
    reset_code_issue,
    sessions_end_everywhere,
)
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused

NEW_PASSWORD = "a-brand-new-long-password-9"


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[pending.LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


# ---------- log out everywhere ----------


def test_log_out_everywhere_ends_every_session_of_that_person(staff, panel_member):
    phone, laptop = logged_in_client(staff), logged_in_client(staff)
    someone_else = logged_in_client(panel_member)

    response = phone.post(reverse("accounts:log-out-everywhere"))

    assert response.url == reverse("accounts:login")
    for client in (phone, laptop):
        assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert someone_else.get(reverse("accounts:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="sessions.ended_everywhere").count() == 1


def test_after_logging_out_everywhere_the_person_can_log_in_again(client, staff):
    sessions_end_everywhere(user=staff)

    response = client.post(
        reverse("accounts:login"), {"username": staff.username, "password": factories.PASSWORD}
    )

    assert response.url == reverse("accounts:dashboard")
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_log_out_everywhere_needs_a_post(staff):
    client = logged_in_client(staff)
    assert client.get(reverse("accounts:log-out-everywhere")).status_code == 405
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_the_session_hash_is_djangos_own_until_the_first_log_out_everywhere(staff):
    assert staff.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(staff)
    before = staff.get_session_auth_hash()
    sessions_end_everywhere(user=staff)
    assert staff.get_session_auth_hash() != before


def test_changing_your_password_keeps_you_logged_in_here_only(staff):
    here, elsewhere = logged_in_client(staff), logged_in_client(staff)

    here.post(
        reverse("accounts:password-change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert here.get(reverse("accounts:dashboard")).status_code == 200
    assert elsewhere.get(reverse("accounts:dashboard")).status_code == 302


# ---------- the account page ----------


def test_the_account_page_links_to_password_two_step_and_log_out_everywhere(staff):
    response = logged_in_client(staff).get(reverse("accounts:account"))

    assert response.status_code == 200
    for url in ("password-change", "two-step", "log-out-everywhere"):
        assert f'"{reverse(f"accounts:{url}")}"' in response.text


def test_young_people_see_no_two_step_link_on_the_account_page(panel_member):
    response = logged_in_client(panel_member).get(reverse("accounts:account"))
    assert f'"{reverse("accounts:two-step")}"' not in response.text
    assert f'"{reverse("accounts:log-out-everywhere")}"' in response.text


def test_the_account_page_needs_a_log_in(client):
    assert client.get(reverse("accounts:account")).url.startswith(reverse("accounts:login"))


def test_the_dashboard_links_to_the_account_page(panel_member):
    response = logged_in_client(panel_member).get(reverse("accounts:dashboard"))
    assert f'href="{reverse("accounts:account")}"' in response.text


# ---------- idle time-out ----------


def test_after_the_idle_time_out_the_next_request_logs_you_out(staff, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = logged_in_client(staff)
    idle_for(client, 31 * 60)

    response = client.get(reverse("accounts:people", kwargs={"slug": "x"}), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "nothing happened for 30 minutes" in response.text
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="logout", actor=staff).exists()


def test_a_request_before_the_time_out_keeps_you_logged_in(staff, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = logged_in_client(staff)
    idle_for(client, 29 * 60)

    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert time.time() - client.session[pending.LAST_SEEN_KEY] < 5


def test_no_idle_time_out_when_it_is_switched_off(staff, settings):
    settings.SESSION_IDLE_TIMEOUT = 0
    client = logged_in_client(staff)
    idle_for(client, 24 * 60 * 60)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_pages_carry_the_stay_logged_in_notice_for_logged_in_people(staff, client, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    page = logged_in_client(staff).get(reverse("accounts:dashboard")).text
    assert 'id="session-warning"' in page
    assert 'data-idle-seconds="1800"' in page
    assert "accounts/session-timeout.js" in page
    assert 'id="session-warning"' not in client.get(reverse("core:home")).text


def test_asking_how_long_is_left_does_not_count_as_activity(staff, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = logged_in_client(staff)
    idle_for(client, 20 * 60)

    left = client.get(reverse("accounts:session")).json()["seconds_left"]

    assert 9 * 60 < left <= 10 * 60
    assert time.time() - client.session[pending.LAST_SEEN_KEY] >= 20 * 60


def test_asking_after_the_time_out_says_none_left_and_logs_out(staff, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = logged_in_client(staff)
    idle_for(client, 31 * 60)

    assert client.get(reverse("accounts:session")).json() == {"seconds_left": 0}
    assert "_auth_user_id" not in client.session


def test_stay_logged_in_starts_the_time_again(staff, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = logged_in_client(staff)
    idle_for(client, 28 * 60)

    response = client.post(reverse("accounts:session"), headers={"X-Requested-With": "fetch"})

    assert response.status_code == 204
    assert client.get(reverse("accounts:session")).json()["seconds_left"] >= 29 * 60


def test_stay_logged_in_without_javascript_goes_back_to_the_page(staff):
    client = logged_in_client(staff)
    back = reverse("accounts:account")

    assert client.post(reverse("accounts:session"), {"next": back}).url == back
    evil = client.post(reverse("accounts:session"), {"next": "https://evil.example/"})
    assert evil.url == reverse("accounts:dashboard")


def test_someone_logged_out_asking_how_long_is_left_gets_none(client):
    assert client.get(reverse("accounts:session")).json() == {"seconds_left": 0}
    assert client.post(reverse("accounts:session")).status_code == 302


# ---------- an email when a password changes ----------


@pytest.fixture
def emailed(organisation):
    return factories.member_make(organisation, "staff", email="ali@example.org")


@pytest.mark.parametrize("how", ["change", "reset", "code"])
def test_a_password_change_is_emailed_after_commit(
    emailed, how, mailoutbox, django_capture_on_commit_callbacks
):
    staff = emailed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        password_set(user=staff, password=NEW_PASSWORD, how=how)
    assert mailoutbox == []

    for callback in callbacks:
        callback()

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [staff.email]
    assert email.subject == "Your Thegither password has changed"
    assert staff.username in email.body
    assert "If it wasn't you" in email.body
    assert "http" not in email.body
    assert NEW_PASSWORD not in email.body


def test_nobody_without_an_email_gets_one(
    organisation, mailoutbox, django_capture_on_commit_callbacks
):
    person = factories.member_make(organisation, "panel-member", email="")
    with django_capture_on_commit_callbacks(execute=True):
        password_set(user=person, password=NEW_PASSWORD, how="change")
    assert mailoutbox == []


def test_a_password_change_that_fails_sends_nothing(
    emailed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        password_set(user=emailed, password="123", how="change")
    assert mailoutbox == []


def test_a_code_from_a_youth_worker_sends_the_email_too(
    client, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    worker = factories.member_make(organisation, "staff")
    person = factories.member_make(organisation, "panel-member", email="kim@example.org")
    _reset_code, code = reset_code_issue(person=person, by=worker)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:reset-code"),
            {
                "username": person.username,
                "code": code,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

    assert [email.to for email in mailoutbox] == [["kim@example.org"]]


# ---------- changing your email address ----------


def test_changing_your_email_tells_the_old_address_after_commit(
    emailed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_change(user=emailed, email="Ali.New@Example.org", password=factories.PASSWORD)

    emailed.refresh_from_db()
    assert emailed.email == "Ali.New@example.org"
    assert [email.to for email in mailoutbox] == [["ali@example.org"]]
    body = mailoutbox[0].body
    assert "http" not in body
    assert "Ali.New" not in body
    event = AuditEvent.objects.get(action="email.changed")
    assert event.details == {"had_email": True, "has_email": True}
    assert "example.org" not in str(event.details)


def test_adding_a_first_email_sends_nothing(
    panel_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_change(user=panel_member, email="jo@example.org", password=factories.PASSWORD)
    assert mailoutbox == []
    panel_member.refresh_from_db()
    assert panel_member.email == "jo@example.org"


def test_removing_your_email_tells_the_old_address(
    emailed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_change(user=emailed, email="", password=factories.PASSWORD)
    emailed.refresh_from_db()
    assert emailed.email == ""
    assert [email.to for email in mailoutbox] == [["ali@example.org"]]


def test_the_same_email_again_changes_nothing(emailed, mailoutbox):
    email_change(user=emailed, email="ALI@example.org", password=factories.PASSWORD)
    assert not AuditEvent.objects.filter(action="email.changed").exists()


def test_changing_your_email_needs_your_password(emailed):
    with pytest.raises(Refused) as refused:
        email_change(user=emailed, email="x@example.org", password="wrong")
    assert refused.value.kind == Refusal.MISMATCH
    emailed.refresh_from_db()
    assert emailed.email == "ali@example.org"


@pytest.mark.parametrize(
    ("email", "kind"),
    [("not-an-email", Refusal.INVALID), ("a" * 250 + "@example.org", Refusal.TOO_LONG)],
)
def test_a_broken_email_is_refused(emailed, email, kind):
    with pytest.raises(Refused) as refused:
        email_change(user=emailed, email=email, password=factories.PASSWORD)
    assert refused.value.kind == kind


def test_an_email_someone_else_uses_is_refused(emailed, organisation):
    factories.member_make(organisation, "staff", email="taken@example.org")
    with pytest.raises(Refused) as refused:
        email_change(user=emailed, email="TAKEN@example.org", password=factories.PASSWORD)
    assert refused.value.kind == Refusal.TAKEN


def test_the_email_page_saves_and_keeps_what_was_typed_after_an_error(emailed):
    client = logged_in_client(emailed)
    url = reverse("accounts:email-change")

    wrong = client.post(url, {"email": "new@example.org", "password": "wrong"})
    assert wrong.status_code == 200
    assert 'value="new@example.org"' in wrong.text
    assert "That isn&#x27;t your password" in wrong.text

    right = client.post(url, {"email": "new@example.org", "password": factories.PASSWORD})
    assert right.url == reverse("accounts:account")
    emailed.refresh_from_db()
    assert emailed.email == "new@example.org"


def test_the_email_page_needs_a_log_in(client):
    assert client.get(reverse("accounts:email-change")).url.startswith(reverse("accounts:login"))


def test_a_mail_server_that_is_down_does_not_undo_or_break_a_password_change(
    emailed, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("thegither.accounts.services.passwords.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        password_set(user=emailed, password=NEW_PASSWORD, how="change")

    emailed.refresh_from_db()
    assert emailed.check_password(NEW_PASSWORD)
