"""Rate limits: the small limiter in core, and the pages that use it."""

import os
import time

import pytest
from django.core import mail
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from thegither.accounts.models import Role
from thegither.accounts.services import invitation_create
from thegither.accounts.tests import factories
from thegither.accounts.views import joining, passwords
from thegither.core.ratelimit import RateLimit, Verdict, hit_each

# The limiter


def test_limit_allows_so_many_tries_then_refuses_with_a_wait():
    limit = RateLimit("test-basic", limit=3, seconds=600)
    assert [bool(limit.hit("sam")) for _ in range(4)] == [True, True, True, False]
    refused = limit.hit("sam")
    assert not refused.allowed
    assert 590 <= refused.wait_seconds <= 600
    assert refused.wait_minutes == 10


def test_each_key_and_each_limit_counts_apart():
    first = RateLimit("test-apart-1", limit=1, seconds=600)
    second = RateLimit("test-apart-2", limit=1, seconds=600)
    assert first.hit("a")
    assert not first.hit("a")
    assert first.hit("b")
    assert second.hit("a")


def test_a_new_window_starts_when_the_old_one_runs_out():
    limit = RateLimit("test-window", limit=1, seconds=1)
    assert limit.hit("k")
    assert not limit.hit("k")
    time.sleep(1.2)
    assert limit.hit("k")


def test_reset_forgets_the_tries():
    limit = RateLimit("test-reset", limit=1, seconds=600)
    limit.hit("k")
    limit.reset("k")
    assert limit.hit("k")


def test_keys_in_the_cache_are_hashed_not_what_was_typed():
    limit = RateLimit("test-hashed", limit=5, seconds=600)
    limit.hit("sam@example.org")
    count_key, start_key = limit._keys("sam@example.org")
    assert "sam" not in count_key
    assert "sam" not in start_key
    assert cache.get(count_key) == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="counts in Redis only with REDIS_URL")
def test_on_redis_a_count_that_lost_its_expiry_gets_one_back():
    """A count with no expiry would refuse for ever; the counting script gives it one."""
    backend = caches["default"]
    assert isinstance(backend, RedisCache)
    limit = RateLimit("test-no-expiry", limit=1, seconds=600)
    redis_key = backend.make_and_validate_key(limit._keys("k")[0])
    client = backend._cache.get_client(redis_key, write=True)
    client.set(redis_key, 5)  # over the limit, and no expiry
    refused = limit.hit("k")
    assert not refused.allowed
    assert 590 <= refused.wait_seconds <= 600
    assert 0 < client.pttl(redis_key) <= 600_000


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="counts in Redis only with REDIS_URL")
def test_on_redis_every_pair_is_counted_in_one_command(monkeypatch):
    backend = caches["default"]
    client = backend._cache.get_client(None, write=True)
    sent = []
    real = type(client).execute_command

    def counted(self, *args, **options):
        sent.append(args[0])
        return real(self, *args, **options)

    monkeypatch.setattr(type(client), "execute_command", counted)
    first = RateLimit("test-trip-1", limit=5, seconds=60)
    second = RateLimit("test-trip-2", limit=5, seconds=3600)
    assert hit_each((first, "a"), (second, "b"))
    assert sent == ["EVAL"]
    monkeypatch.undo()
    assert cache.get(first._keys("a")[0]) == cache.get(second._keys("b")[0]) == 1
    assert 3590_000 < client.pttl(backend.make_and_validate_key(second._keys("b")[0])) <= 3600_000


def test_hit_each_counts_every_pair_and_gives_the_longest_wait():
    short = RateLimit("test-each-short", limit=0, seconds=60)
    long = RateLimit("test-each-long", limit=0, seconds=3600)
    verdict = hit_each((short, "x"), (long, "y"))
    assert not verdict.allowed
    assert verdict.wait_minutes == 60
    assert hit_each() == Verdict(allowed=True)


def test_an_unknown_client_is_not_counted_so_nobody_stops_everyone():
    limit = RateLimit("test-empty", limit=0, seconds=600)
    assert hit_each((limit, ""))
    assert not hit_each((limit, "198.51.100.1"))


def test_wait_minutes_round_up_and_are_never_zero():
    assert Verdict(allowed=False, wait_seconds=1).wait_minutes == 1
    assert Verdict(allowed=False, wait_seconds=61).wait_minutes == 2


# Password reset by email


def reset_email(client, email, **extra):
    return client.post(reverse("accounts:password-reset"), {"email": email}, **extra)


def test_reset_emails_to_one_address_are_limited(client, organisation):
    factories.member_make(organisation, Role.STAFF, email="sam@example.org")
    for _ in range(passwords.RESET_EMAILS_PER_ADDRESS.limit):
        assert reset_email(client, "sam@example.org").status_code == 302
    response = reset_email(client, "SAM@example.org", REMOTE_ADDR="198.51.100.3")
    assert response.status_code == 429
    assert len(mail.outbox) == passwords.RESET_EMAILS_PER_ADDRESS.limit
    html = response.content.decode()
    assert "Too many tries" in html
    assert "Try again in 60 minutes." in html
    assert int(response["Retry-After"]) > 3500


def test_reset_emails_from_one_client_are_limited(client, db):
    for number in range(passwords.RESET_EMAILS_PER_CLIENT.limit):
        assert reset_email(client, f"person{number}@example.org").status_code == 302
    assert reset_email(client, "another@example.org").status_code == 429
    assert reset_email(client, "another@example.org", REMOTE_ADDR="198.51.100.3").status_code == 302


def test_reset_email_page_still_shows_form_errors_without_counting(client, db):
    for _ in range(passwords.RESET_EMAILS_PER_CLIENT.limit + 2):
        assert reset_email(client, "not an email").status_code == 200


# New-password code page


def reset_code(client, username, **extra):
    data = {
        "username": username,
        "code": "AAA AAA",
        "new_password1": "green-kites-fly-77",
        "new_password2": "green-kites-fly-77",
    }
    return client.post(reverse("accounts:reset-code"), data, **extra)


def test_new_password_code_tries_for_one_username_are_limited(client, panel_member):
    for number in range(passwords.RESET_CODES_PER_USERNAME.limit):
        response = reset_code(client, panel_member.username, REMOTE_ADDR=f"198.51.100.{number}")
        assert response.status_code == 200
    response = reset_code(client, panel_member.username.upper(), REMOTE_ADDR="203.0.113.1")
    assert response.status_code == 429
    assert "Try again in 60 minutes." in response.content.decode()


def test_new_password_code_tries_from_one_client_are_limited(client, db):
    for number in range(passwords.RESET_CODES_PER_CLIENT.limit):
        assert reset_code(client, f"name{number}").status_code == 200
    response = reset_code(client, "name-last")
    assert response.status_code == 429
    assert "Try again in 15 minutes." in response.content.decode()
    assert client.get(reverse("accounts:reset-code")).status_code == 200


def test_a_good_new_password_code_still_works_under_the_limit(client, staff, panel_member):
    from thegither.accounts.services import reset_code_issue

    _reset_code, code = reset_code_issue(person=panel_member, by=staff)
    response = client.post(
        reverse("accounts:reset-code"),
        {
            "username": panel_member.username,
            "code": code,
            "new_password1": "green-kites-fly-77",
            "new_password2": "green-kites-fly-77",
        },
    )
    assert response.status_code == 302


# Joining


@pytest.fixture
def join_url(staff, organisation):
    _invitation, token, _code = invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff
    )
    return reverse("accounts:join", args=[token])


def test_joins_from_one_client_are_limited(client, join_url):
    data = {"code": "AAA AAA", "username": "x", "display_name": "X", "age_band": "13-15"}
    for _ in range(joining.JOINS_PER_CLIENT.limit):
        assert client.post(join_url, data).status_code in {200, 404}
    response = client.post(join_url, data)
    assert response.status_code == 429
    assert "Try again in 10 minutes." in response.content.decode()
    assert client.post(join_url, data, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_guessing_join_links_is_limited(client, db):
    for number in range(joining.JOINS_PER_CLIENT.limit):
        assert client.get(reverse("accounts:join", args=[f"guess{number}"])).status_code == 404
    assert client.get(reverse("accounts:join", args=["guess-last"])).status_code == 429


def test_opening_a_real_join_link_is_not_counted(client, join_url):
    for _ in range(joining.JOINS_PER_CLIENT.limit + 1):
        assert client.get(join_url).status_code == 200
