"""Plain words everywhere: password pages, an invitation shown once, friendly errors,
emails a person can click, focus on the error summary, a word after logging out.
"""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.urls import reverse

from thegither.accounts.forms import (
    PlainPasswordChangeForm,
    PlainPasswordResetForm,
    PlainSetPasswordForm,
)
from thegither.accounts.models import Invitation, Role
from thegither.accounts.tests import factories
from thegither.accounts.views.joining import READY_SESSION_KEY
from thegither.core.mail import ConsoleEmailBackend

SRC = Path(__file__).resolve().parents[3]
NEW_PASSWORD = "purple-otter-jumps-9"

# Django's stock wording that must never reach a page of ours.
STOCK_WORDING = (
    "too similar to your other personal information",
    "New password confirmation",
    "This field is required.",
    "Enter the same password as before",
    "Your password must contain at least",
    "commonly used password",
    "entirely numeric",
    "didn’t match",
    "Old password",
)


def page_text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&#39;", "'")


def assert_no_stock_wording(text: str) -> None:
    for words in STOCK_WORDING:
        assert words not in text, words


# password pages


def test_password_change_page_uses_plain_labels_and_hints(client, panel_member):
    client.force_login(panel_member)

    text = page_text(client.get(reverse("accounts:password-change")))

    assert "The password you use now" in text
    assert "New password again" in text
    assert "At least 8 characters. Not just numbers, and not too easy to guess." in text
    assert_no_stock_wording(text)


def test_empty_password_change_says_what_to_type_in_each_box(client, panel_member):
    client.force_login(panel_member)

    text = page_text(client.post(reverse("accounts:password-change"), {}))

    assert "Write the password you use now." in text
    assert "Choose a new password." in text
    assert "Type your new password again, so we know it's right." in text
    assert_no_stock_wording(text)


def test_wrong_current_password_is_explained(panel_member):
    form = PlainPasswordChangeForm(
        panel_member,
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert not form.is_valid()
    assert form.errors["old_password"] == ["That isn't the password you use now. Try again."]


def test_different_new_passwords_are_explained(panel_member):
    form = PlainSetPasswordForm(
        panel_member, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert not form.is_valid()
    assert form.errors["new_password2"] == ["The two passwords are different. Try again."]


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("k7#q", "Your password is too short. Use at least 8 characters."),
        ("password123", "Lots of people use this password, so it's easy to guess."),
        ("83920174", "Your password can't be only numbers. Add some letters too."),
        ("riverside-kid", "Your password is too like your username."),
        ("Skye Riverdale", "Your password is too like your name people see."),
    ],
)
def test_a_weak_new_password_is_explained_on_the_first_box(db, password, words):
    user = factories.user_make(username="riverside-kid", display_name="Skye Riverdale")
    form = PlainSetPasswordForm(user, {"new_password1": password, "new_password2": password})

    assert not form.is_valid()
    assert any(message.startswith(words) for message in form.errors["new_password1"])
    assert "new_password2" not in form.errors
    assert_no_stock_wording(" ".join(form.errors["new_password1"]))


def test_password_checks_explain_themselves_in_plain_words(db):
    assert password_validators_help_texts() == [
        "Not too like your username, name or email address.",
        "At least 8 characters.",
        "Not a password lots of people use.",
        "Not just numbers.",
    ]
    with pytest.raises(ValidationError) as error:
        validate_password("12345678")
    assert_no_stock_wording(" ".join(error.value.messages))


def test_reset_by_email_form_explains_an_empty_or_bad_address():
    assert PlainPasswordResetForm({}).errors["email"] == [
        "Write the email address on your account."
    ]
    assert PlainPasswordResetForm({"email": "nope"}).errors["email"] == [
        "Write the email address like name@example.org."
    ]


def test_reset_pages_use_plain_words(client, organisation):
    user = factories.member_make(organisation, Role.STAFF, email="sam@example.org")
    text = page_text(client.post(reverse("accounts:password-reset"), {}))
    assert "Write the email address on your account." in text
    assert_no_stock_wording(text)

    client.post(reverse("accounts:password-reset"), {"email": "sam@example.org"})
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", message.body).group(1)
    confirm = client.get(link, follow=True)
    text = page_text(confirm)
    assert "New password again" in text
    assert_no_stock_wording(text)
    text = page_text(client.post(confirm.request["PATH_INFO"], {}))
    assert "Choose a new password." in text
    assert_no_stock_wording(text)
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)


def test_new_password_code_page_says_what_is_missing(client, db):
    text = page_text(client.post(reverse("accounts:reset-code"), {"username": "", "code": ""}))
    assert "Write your username." in text
    assert "Enter the code your youth worker gave you." in text
    assert_no_stock_wording(text)


def test_empty_log_in_says_what_to_type(client, db):
    text = page_text(client.post(reverse("accounts:login"), {}))
    assert "Write your username or email address." in text
    assert "Write your password." in text
    assert_no_stock_wording(text)


def test_too_long_join_details_are_explained_in_plain_words(client, organisation, staff):
    from thegither.accounts.services import invitation_create

    _invitation, token, _code = invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff
    )
    text = page_text(
        client.post(
            reverse("accounts:join", args=[token]),
            {"code": "x" * 13, "username": "u" * 41, "display_name": "n" * 61},
        )
    )
    assert "Keep your username to 40 letters or fewer." in text
    assert "Keep your name to 60 letters or fewer." in text
    assert "Ensure this value" not in text


# the invitation is shown once


def test_making_an_invitation_redirects_and_shows_link_and_code_once(client, organisation, staff):
    client.force_login(staff)
    url = reverse("accounts:invitation-create", args=[organisation.slug])

    response = client.post(url, {"role": Role.PANEL_MEMBER, "note": "Tuesday group"})

    ready = reverse("accounts:invitation-ready", args=[organisation.slug])
    assert response.status_code == 302
    assert response.url == ready
    first = page_text(client.get(ready))
    assert re.search(r'id="invitation-link" href="[^"]+/accounts/join/[^"]+/"', first)
    assert re.search(r'id="invitation-code">[A-Z0-9]{3} [A-Z0-9]{3}<', first)
    assert READY_SESSION_KEY not in client.session

    again = page_text(client.get(ready))

    assert "For safety, an invitation's link and code are shown only once" in again
    assert "Make a new invitation" in again
    assert 'id="invitation-code"' not in again
    assert Invitation.objects.count() == 1


def test_the_ready_page_of_another_organisation_shows_nothing(client, organisation, superuser):
    client.force_login(superuser)
    elsewhere = factories.organisation_make()
    client.post(
        reverse("accounts:invitation-create", args=[organisation.slug]),
        {"role": Role.PANEL_MEMBER},
    )

    text = page_text(client.get(reverse("accounts:invitation-ready", args=[elsewhere.slug])))

    assert "shown only once" in text
    assert READY_SESSION_KEY in client.session


def test_panel_member_cannot_open_the_ready_page(client, organisation, panel_member):
    client.force_login(panel_member)
    url = reverse("accounts:invitation-ready", args=[organisation.slug])
    assert client.get(url).status_code == 403


# debugging is opt-in; static files still served


def _setting(expression: str, **environment) -> str:
    """Return a setting's value as the site would see it, outside the test settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"THEGITHER_DEBUG", "THEGITHER_PROFILE"}}
    env.update(PYTHONPATH=str(SRC), DJANGO_SETTINGS_MODULE="thegither.settings", **environment)
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print({expression})"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_debug_is_off_on_a_laptop_unless_asked_for(tmp_path):
    data = str(tmp_path)
    assert _setting("settings.DEBUG", THEGITHER_DATA_DIR=data) == "False"
    assert _setting("settings.DEBUG", THEGITHER_DATA_DIR=data, THEGITHER_DEBUG="true") == "True"


def test_static_files_are_served_with_debug_off(client, settings):
    assert settings.DEBUG is False

    response = client.get("/static/core/thegither.css")

    assert response.status_code == 200
    assert b".site-header" in b"".join(response.streaming_content)


def test_a_missing_page_shows_the_friendly_page_not_djangos(client, org_admin):
    client.force_login(org_admin)
    text = page_text(client.get("/accounts/organisations/nowhere/areas/"))
    assert "We can't find that page" in text


# demo emails in the terminal


def _reset_email(organisation) -> mail.EmailMessage:
    factories.member_make(organisation, Role.STAFF, email="sam@example.org")
    form = PlainPasswordResetForm({"email": "sam@example.org"})
    assert form.is_valid()
    form.save(
        domain_override="thegither.riverside-youth-trust.example.org",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        use_https=True,
    )
    [message] = mail.outbox
    return message


def test_console_email_shows_the_reset_link_whole(organisation):
    message = _reset_email(organisation)
    link = re.search(r"https://\S+", message.body).group(0)
    assert len(link) > 76  # longer than a quoted-printable line

    stream = io.StringIO()
    ConsoleEmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert f"\n{link}\n" in printed
    assert "To: sam@example.org" in printed
    assert "Subject: " in printed


def test_djangos_console_email_would_break_the_link(organisation):
    message = _reset_email(organisation)
    link = re.search(r"https://\S+", message.body).group(0)

    stream = io.StringIO()
    DjangoConsoleBackend(stream=stream).send_messages([message])

    assert link not in stream.getvalue()


def test_the_laptop_uses_the_plain_console_backend(tmp_path):
    backend = _setting('settings.MAILERS["default"]["BACKEND"]', THEGITHER_DATA_DIR=str(tmp_path))
    assert backend == "thegither.core.mail.ConsoleEmailBackend"


# focus and messages


def test_every_page_loads_the_error_summary_focus_script(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert re.search(r'<script src="/static/core/error-summary\.js" defer></script>', html)
    script = Path(finders.find("core/error-summary.js")).read_text()
    assert 'getElementById("error-summary")' in script
    assert ".focus()" in script


def test_logging_out_says_so_on_the_next_page(client, panel_member):
    client.force_login(panel_member)

    response = client.post(reverse("accounts:logout"), follow=True)

    assert response.redirect_chain == [(reverse("core:home"), 302)]
    assert "You've logged out." in page_text(response)
    assert "_auth_user_id" not in client.session
