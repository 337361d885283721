"""The lock-out: counts per person or hashed name and per client, short pauses, unlocking."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from thegither.accounts import services
from thegither.accounts.forms import LoginForm
from thegither.accounts.lockout import (
    FORGET_AFTER,
    LONGEST_PAUSE,
    count_keys,
    pause_length,
)
from thegither.accounts.models import LoginLock, Role
from thegither.accounts.permissions import can_unlock
from thegither.accounts.selectors import locked_memberships, login_pause_for
from thegither.accounts.tests import factories
from thegither.core.clients import client_address
from thegither.core.models import AuditEvent
from thegither.core.server import uvicorn_options

LIMIT = settings.LOGIN_FAILURE_LIMIT


WRONG = "wrong-password"


def log_in(client, username, password=WRONG, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def fail(user, times, *, login=None, client="192.0.2.10", now=None):
    """Count `times` wrong passwords straight through the service; return the last pause."""
    pause = None
    for _ in range(times):
        pause = services.login_failure_record(
            user=user, login=login or (user.username if user else "nobody"), client=client, now=now
        )
    return pause


def account_lock(user) -> LoginLock:
    return LoginLock.objects.get(scope=LoginLock.Scope.ACCOUNT, user=user)


# One count per person, whatever capitals or email they type


def test_other_capitals_share_the_count_so_ruby_is_no_fresh_start(client, organisation):
    ruby = factories.member_make(organisation, Role.PANEL_MEMBER, username="ruby")
    capitals = ["ruby", "Ruby", "RUBY", "rUbY"]
    for number in range(LIMIT - 1):
        name = capitals[number % len(capitals)]
        assert log_in(client, name).status_code == 200
    response = log_in(client, " Ruby ")
    assert response.status_code == 429
    assert login_pause_for(user=ruby, login="ruby", client="") is not None


def test_username_and_email_share_one_count(client, organisation):
    kai = factories.member_make(
        organisation, Role.PANEL_MEMBER, username="kai", email="kai@example.org"
    )
    for _ in range(LIMIT - 1):
        log_in(client, "KAI@example.org")
    assert log_in(client, "kai").status_code == 429
    assert account_lock(kai).locks == 1


def test_paused_person_is_refused_from_any_client_even_with_the_right_password(organisation):
    ruby = factories.member_make(organisation, Role.PANEL_MEMBER, username="ruby")
    fail(ruby, LIMIT, client="192.0.2.10")
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.20")
    assert authenticate(request, username="ruby", password=factories.PASSWORD) is None
    assert request.thegither_login_pause.scope == LoginLock.Scope.ACCOUNT


def test_unknown_name_is_paused_too_so_nobody_learns_who_has_an_account(client, db):
    for _ in range(LIMIT - 1):
        assert log_in(client, "Nobody-Here").status_code == 200
    response = log_in(client, "nobody-here")
    assert response.status_code == 429
    assert LoginLock.objects.filter(scope=LoginLock.Scope.NAME).count() == 1


def test_nothing_typed_and_no_address_or_browser_is_stored(client, organisation):
    factories.member_make(organisation, Role.PANEL_MEMBER, username="ruby")
    secret = "my-Secret-Password-typed-in-the-name-box"
    for name in [secret, "ruby"] * LIMIT:
        log_in(client, name, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Phone-Browser-9")
    stored = " ".join(
        str(value)
        for row in LoginLock.objects.values()
        for value in row.values()
        if value is not None
    )
    stored += " ".join(str(row) for row in AuditEvent.objects.values("details", "target_id"))
    for text in [secret, secret.lower(), "ruby", "203.0.113.77", "Phone-Browser-9"]:
        assert text not in stored
    assert {lock.scope for lock in LoginLock.objects.all()} == {"account", "name", "client"}


def test_name_hash_is_keyed_with_the_secret_key(db):
    [before, _client] = count_keys(user=None, login="Ghost", client="192.0.2.1")
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        [after, _client] = count_keys(user=None, login="ghost", client="192.0.2.1")
    assert before.key != after.key
    assert before.key == count_keys(user=None, login="  GHOST ", client="")[0].key


# Pauses are short and grow only with repeated tries


def test_pauses_start_at_a_minute_double_and_stop_at_an_hour():
    assert [pause_length(n) for n in range(1, 9)] == [
        timedelta(minutes=minutes) for minutes in [1, 2, 4, 8, 16, 32, 60, 60]
    ]
    assert pause_length(1000) == LONGEST_PAUSE


def test_each_further_lock_doubles(panel_member):
    now = timezone.now()
    first = fail(panel_member, LIMIT, now=now)
    assert first.until == now + timedelta(minutes=1)
    later = first.until + timedelta(seconds=1)
    # One wrong try after the pause is not a new pause; a full set is, and it is longer.
    assert fail(panel_member, 1, now=later) is None
    second = fail(panel_member, LIMIT - 1, now=later)
    assert second.until == later + timedelta(minutes=2)
    assert account_lock(panel_member).locks == 2


def test_tries_while_paused_do_not_make_the_pause_longer(panel_member):
    now = timezone.now()
    pause = fail(panel_member, LIMIT, now=now)
    again = fail(panel_member, LIMIT * 3, now=now + timedelta(seconds=30))
    assert again.until == pause.until
    assert account_lock(panel_member).locks == 1


def test_locked_page_says_how_long_to_wait_in_plain_words(client, panel_member):
    now = timezone.now()
    fail(panel_member, LIMIT, now=now - timedelta(minutes=2))  # first pause, over
    fail(panel_member, LIMIT - 1, now=now - timedelta(seconds=5))
    response = log_in(client, panel_member.username)
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 429
    assert "Try again in 2 minutes." in html
    assert "Your youth worker can let you log in again straight away" in html


def test_right_password_after_the_pause_logs_in_and_forgets_the_count(client, panel_member):
    fail(panel_member, LIMIT, now=timezone.now() - timedelta(minutes=5))
    response = log_in(client, panel_member.username, factories.PASSWORD)
    assert response.status_code == 302
    assert not LoginLock.objects.filter(user=panel_member).exists()


def test_success_resets_the_count_before_a_pause(client, panel_member):
    fail(panel_member, LIMIT - 1)
    assert log_in(client, panel_member.username, factories.PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, panel_member.username).status_code == 200


def test_after_a_quiet_day_everything_is_forgotten(panel_member):
    long_ago = timezone.now() - FORGET_AFTER - timedelta(hours=1)
    fail(panel_member, LIMIT * 3, now=long_ago)
    assert services.login_locks_forget_stale() >= 1
    assert not LoginLock.objects.filter(user=panel_member).exists()
    pause = fail(panel_member, LIMIT)
    assert account_lock(panel_member).locks == 1
    assert pause.minutes_left(timezone.now()) == 1


def test_a_new_wrong_try_clears_stale_rows_of_other_people(organisation, panel_member):
    other = factories.member_make(organisation, Role.PANEL_MEMBER)
    fail(other, 2, now=timezone.now() - FORGET_AFTER - timedelta(minutes=1))
    fail(panel_member, 1)
    assert not LoginLock.objects.filter(user=other).exists()


def test_lock_out_audit_names_the_account_but_no_typed_text_or_address(client, panel_member):
    for _ in range(LIMIT):
        log_in(client, panel_member.username.upper(), REMOTE_ADDR="203.0.113.5")
    event = AuditEvent.objects.get(action="login.locked_out")
    assert event.target_id == str(panel_member.pk)
    assert event.details == {"known_account": True, "scope": "account", "minutes": 1}
    assert AuditEvent.objects.filter(action="login.failed").count() == LIMIT


# One client, many names


@override_settings(LOGIN_CLIENT_FAILURE_LIMIT=8)
def test_many_names_from_one_client_pause_that_client(client, organisation):
    jay = factories.member_make(organisation, Role.PANEL_MEMBER, username="jay")
    for number in range(7):
        assert log_in(client, f"guess{number}", REMOTE_ADDR="203.0.113.9").status_code == 200
    response = log_in(client, "guess7", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert "Lots of wrong passwords have been typed on this device or network" in (
        response.content.decode()
    )
    # Even the right password, from there; another client is fine.
    assert log_in(client, "jay", factories.PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert log_in(client, "jay", factories.PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 302
    assert not LoginLock.objects.filter(user=jay).exists()


@override_settings(LOGIN_CLIENT_FAILURE_LIMIT=3)
def test_client_tries_only_count_within_the_window(db):
    now = timezone.now()
    fail(None, 2, login="a", now=now - timedelta(minutes=20))
    assert fail(None, 1, login="b", now=now) is None
    assert fail(None, 1, login="c", now=now) is None
    assert fail(None, 1, login="d", now=now).scope == LoginLock.Scope.CLIENT


@override_settings(LOGIN_CLIENT_FAILURE_LIMIT=4)
def test_a_made_up_forwarded_header_does_not_dodge_the_client_count(client, db):
    for number in range(3):
        log_in(
            client, f"n{number}", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}"
        )
    response = log_in(client, "n9", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


# The client's address, and the proxies trusted to name it


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored():
    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "192.0.2.1"])
def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client():
    assert client_address(request_from("192.0.2.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request_from("10.1.2.3", "198.51.100.7, 10.9.9.9")) == "198.51.100.7"
    # Whatever the client wrote on the left is not believed.
    assert client_address(request_from("192.0.2.1", "6.6.6.6,198.51.100.7")) == "198.51.100.7"
    # Only trusted proxies in the header: the connecting proxy is all we know.
    assert client_address(request_from("192.0.2.1", "10.0.0.5")) == "192.0.2.1"
    assert client_address(request_from("192.0.2.1")) == "192.0.2.1"
    # Ports and IPv6 brackets are understood; rubbish is not believed.
    assert client_address(request_from("192.0.2.1", "[2001:db8::5]:443")) == "2001:db8::5"
    assert client_address(request_from("192.0.2.1", "198.51.100.7:5000")) == "198.51.100.7"
    assert client_address(request_from("192.0.2.1", "1.2.3.4, not-an-ip")) == "192.0.2.1"


@override_settings(TRUSTED_PROXIES=["192.0.2.1"])
def test_an_untrusted_sender_cannot_name_the_client():
    assert client_address(request_from("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


def test_uvicorn_is_told_the_same_proxies():
    with override_settings(TRUSTED_PROXIES=[]):
        options = uvicorn_options()
        assert options["proxy_headers"] is False
        assert options["forwarded_allow_ips"] == ""
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "192.0.2.1"]):
        options = uvicorn_options()
        assert options["proxy_headers"] is True
        assert options["forwarded_allow_ips"] == "10.0.0.0/8,192.0.2.1"


@pytest.mark.parametrize(
    ("proxies", "bad"),
    [("10.0.0.0/8,proxy.example.org", "proxy.example.org"), ("10.0.0.1/8", "10.0.0.1/8")],
)
def test_a_trusted_proxy_that_is_not_an_address_stops_thegither_starting(tmp_path, proxies, bad):
    env = {
        **os.environ,
        "THEGITHER_TRUSTED_PROXIES": proxies,
        "THEGITHER_DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import thegither.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"{bad!r} is not an IP address or network" in result.stderr


# Bounded fields


def test_log_in_form_refuses_very_long_input_before_touching_the_database(
    rf, db, django_assert_num_queries
):
    request = rf.post("/")
    form = LoginForm(request, data={"username": "a" * 255, "password": "x" * 4097})
    with django_assert_num_queries(0):
        assert not form.is_valid()
    assert form.errors["username"] == ["That's too long for a username or email."]
    assert form.errors["password"] == ["That's too long for a password."]
    assert not LoginLock.objects.exists()


def test_log_in_with_a_long_email_address_works(client, organisation):
    email = "a" * 60 + "@" + "b" * 60 + ".example.org"
    factories.member_make(organisation, Role.STAFF, email=email)
    assert log_in(client, email, factories.PASSWORD).status_code == 302


def test_the_admin_log_in_is_counted_too(client, superuser):
    for _ in range(LIMIT):
        client.post(reverse("admin:login"), {"username": superuser.username, "password": "wrong"})
    assert account_lock(superuser).locked_until > timezone.now()
    client.post(
        reverse("admin:login"), {"username": superuser.username, "password": factories.PASSWORD}
    )
    assert "_auth_user_id" not in client.session


# Unlocking


def test_staff_unlock_lets_the_person_in_and_is_audited(staff, panel_member):
    fail(panel_member, LIMIT)
    assert services.login_unlock(person=panel_member, by=staff) is True
    assert not LoginLock.objects.filter(user=panel_member).exists()
    event = AuditEvent.objects.get(action="login.unlocked")
    assert (event.actor, event.target_id, event.details) == (
        staff,
        str(panel_member.pk),
        {"how": "staff"},
    )
    assert authenticate(None, username=panel_member.username, password=factories.PASSWORD)


def test_unlocking_someone_not_locked_changes_nothing(staff, panel_member):
    fail(panel_member, 1)
    assert services.login_unlock(person=panel_member, by=staff) is False
    assert services.login_unlock(person=panel_member, by=staff) is False
    assert not AuditEvent.objects.filter(action="login.unlocked").exists()


def test_unlocking_a_client_pause_is_not_a_person_unlock(staff, panel_member):
    with override_settings(LOGIN_CLIENT_FAILURE_LIMIT=2):
        fail(None, 2, login="someone")
    assert services.login_unlock(person=panel_member, by=staff) is False
    assert LoginLock.objects.filter(scope=LoginLock.Scope.CLIENT).exists()


@pytest.mark.parametrize("who", ["outsider", "panel_member", "applicant", "self"])
def test_only_someone_who_looks_after_the_person_may_unlock(
    request, who, staff, panel_member, outsider, applicant
):
    by = panel_member if who == "self" else request.getfixturevalue(who)
    person = panel_member if who != "panel_member" else staff
    fail(person, LIMIT)
    assert not can_unlock(by, person)
    with pytest.raises(PermissionDenied):
        services.login_unlock(person=person, by=by)
    assert account_lock(person).locked_until > timezone.now()


def test_staff_cannot_unlock_other_staff_but_an_admin_can(org_admin, staff, organisation):
    other_staff = factories.member_make(organisation, Role.STAFF)
    assert not can_unlock(staff, other_staff)
    assert can_unlock(org_admin, other_staff)


def test_new_password_code_unlocks_the_account(staff, panel_member):
    fail(panel_member, LIMIT)
    _reset_code, code = services.reset_code_issue(person=panel_member, by=staff)
    services.reset_code_use(
        username=panel_member.username.upper(), code=code, password="green-kites-fly-77"
    )
    assert login_pause_for(user=panel_member, login="", client="") is None
    event = AuditEvent.objects.get(action="login.unlocked")
    assert event.details == {"how": "code"}
    assert authenticate(None, username=panel_member.username, password="green-kites-fly-77")


def test_an_emailed_reset_link_unlocks_the_account(client, organisation):
    sam = factories.member_make(organisation, Role.STAFF, email="sam@example.org")
    fail(sam, LIMIT)
    client.post(reverse("accounts:password-reset"), {"email": "sam@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1))
    client.post(
        response.url, {"new_password1": "green-kites-fly-77", "new_password2": "green-kites-fly-77"}
    )
    assert login_pause_for(user=sam, login="", client="") is None
    assert AuditEvent.objects.get(action="login.unlocked").details == {"how": "reset"}


def test_a_wrong_new_password_code_does_not_unlock(staff, panel_member):
    fail(panel_member, LIMIT)
    services.reset_code_issue(person=panel_member, by=staff)
    with pytest.raises(services.passwords.Refused):
        services.reset_code_use(
            username=panel_member.username, code="AAAAAA", password="green-kites-fly-77"
        )
    assert login_pause_for(user=panel_member, login="", client="") is not None


def test_a_password_change_does_not_count_as_an_unlock(panel_member):
    fail(panel_member, LIMIT)
    services.password_set(user=panel_member, password="green-kites-fly-77", how="change")
    assert login_pause_for(user=panel_member, login="", client="") is not None


# The People page


def test_people_page_lists_locked_people_with_an_unlock_button(client, staff, panel_member):
    fail(panel_member, LIMIT)
    client.force_login(staff)
    response = client.get(
        reverse("accounts:people", args=[panel_member.memberships.get().organisation.slug])
    )
    html = response.content.decode()
    assert "Locked out for now" in html
    assert (
        f"{panel_member.display_name} ({panel_member.username}): can try again in 1 minute" in html
    )
    assert f"Let {panel_member.display_name} log in now" in html


def test_people_page_shows_no_unlock_button_staff_may_not_use(client, staff, organisation):
    other_staff = factories.member_make(organisation, Role.STAFF)
    fail(other_staff, LIMIT)
    client.force_login(staff)
    html = client.get(reverse("accounts:people", args=[organisation.slug])).content.decode()
    assert "Locked out for now" in html
    assert f"Let {other_staff.display_name} log in now" not in html
    assert "Ask an organisation admin who looks after them everywhere" in html


def test_people_page_has_no_locked_section_when_nobody_is_locked(client, staff, panel_member):
    fail(panel_member, LIMIT, now=timezone.now() - timedelta(minutes=5))
    client.force_login(staff)
    org = panel_member.memberships.get().organisation
    html = client.get(reverse("accounts:people", args=[org.slug])).content.decode()
    assert "Locked out for now" not in html
    assert list(locked_memberships(org)) == []


def test_unlock_page_unlocks_and_says_so(client, staff, panel_member):
    fail(panel_member, LIMIT)
    membership = panel_member.memberships.get()
    client.force_login(staff)
    response = client.post(
        reverse("accounts:person-unlock", args=[membership.organisation.slug, membership.pk]),
        follow=True,
    )
    assert f"{panel_member.display_name} can log in again now." in response.content.decode()
    assert login_pause_for(user=panel_member, login="", client="") is None


def test_unlock_page_refuses_someone_who_does_not_look_after_them(client, outsider, panel_member):
    fail(panel_member, LIMIT)
    membership = panel_member.memberships.get()
    client.force_login(outsider)
    response = client.post(
        reverse("accounts:person-unlock", args=[membership.organisation.slug, membership.pk])
    )
    assert response.status_code == 403
    assert login_pause_for(user=panel_member, login="", client="") is not None


def test_unlock_page_needs_post(client, staff, panel_member):
    membership = panel_member.memberships.get()
    client.force_login(staff)
    url = reverse("accounts:person-unlock", args=[membership.organisation.slug, membership.pk])
    assert client.get(url).status_code == 405


def test_privacy_notice_says_what_the_lock_out_keeps_and_for_how_long(client, db):
    html = client.get(reverse("core:privacy")).content.decode()
    assert "a count of wrong tries" in html
    assert "never the address itself, and never what was typed" in html
    assert "After a day with no wrong tries, the count is deleted." in html


@pytest.mark.django_db(transaction=True)
def test_wrong_tries_at_the_same_moment_are_all_counted(organisation):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor == "sqlite":
        # The test database is in-memory SQLite, whose shared cache refuses a second writer
        # outright; a real SQLite file serialises writers (IMMEDIATE). CI's PostgreSQL run
        # is where requests really race.
        pytest.skip("needs PostgreSQL: in-memory SQLite can't have two writers at once")
    person = factories.member_make(organisation, Role.PANEL_MEMBER)

    def one_wrong_try(_number):
        try:
            return services.login_failure_record(user=person, login=person.username, client="")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        pauses = list(pool.map(one_wrong_try, range(LIMIT)))
    assert sum(pause is not None for pause in pauses) == 1
    lock = account_lock(person)
    assert (lock.locks, lock.failures) == (1, 0)
    assert AuditEvent.objects.filter(action="login.locked_out").count() == 1
