"""The letter pages: the group and staff read and download letters; nobody else may."""

import sys

import pytest
from django.core import mail
from django.urls import reverse

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import services
from thegither.grants.letters import PANGO_PACKAGES
from thegither.grants.models import Letter
from thegither.grants.tests.letters_helpers import decided_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def decided(organisation, django_capture_on_commit_callbacks):
    def confirm(chair, meeting):
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_confirm(meeting=meeting, by=chair)

    return decided_make(organisation, confirm=confirm)


@pytest.fixture
def waiting(organisation):
    """A final decision whose letter tasks haven't run."""
    return decided_make(
        organisation,
        confirm=lambda chair, meeting: services.meeting_confirm(meeting=meeting, by=chair),
    )


def download(client, award):
    return client.get(reverse("grants:letter-download", args=[award.pk]))


def test_the_group_downloads_its_letter(client, decided):
    client.force_login(decided.contact)
    response = download(client, decided.full)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_group_sees_its_letter_from_its_application(client, decided):
    client.force_login(decided.contact)
    page = client.get(reverse("grants:application-detail", args=[decided.full.application_id]))
    letter_url = reverse("grants:letter", args=[decided.full.pk])
    assert letter_url in page.content.decode()
    page = client.get(letter_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("grants:letter-download", args=[decided.full.pk]) in text
    assert "emailed to the group's contact" in text


def test_staff_download_any_letter_of_their_organisation(client, decided):
    client.force_login(decided.staff)
    assert download(client, decided.declined).status_code == 200


@pytest.mark.parametrize("who", ["other_group", "panel", "staff_elsewhere", "chair"])
def test_nobody_else_may_read_a_letter(client, decided, organisation, who):
    people = {
        "other_group": lambda: decided.other_contact,  # the choir's contact, not this group's
        "panel": lambda: factories.member_make(organisation, Role.PANEL_MEMBER),
        "staff_elsewhere": lambda: factories.member_make(factories.organisation_make(), Role.STAFF),
        "chair": lambda: decided.chair,
    }
    client.force_login(people[who]())
    assert download(client, decided.full).status_code == 403
    assert client.get(reverse("grants:letter", args=[decided.full.pk])).status_code == 403


def test_someone_logged_out_is_asked_to_log_in(client, decided):
    response = download(client, decided.full)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_letter_not_written_yet_says_so(client, waiting):
    client.force_login(waiting.contact)
    assert download(client, waiting.full).status_code == 404
    page = client.get(reverse("grants:letter", args=[waiting.full.pk]))
    assert "being written" in page.content.decode()


def test_staff_see_every_letter_and_send_the_waiting_ones(
    client, waiting, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(waiting.staff)
    url = reverse("grants:round-letters", args=[waiting.round.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    text = page.content.decode()
    assert waiting.full.application.group_name in text
    assert "Send the 3 letters not emailed yet" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:round-letters-send", args=[waiting.round.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 3
    page = client.get(url)
    assert "not emailed yet" not in page.content.decode()
    # Sending again when all have gone says so, and sends nothing.
    response = client.post(
        reverse("grants:round-letters-send", args=[waiting.round.pk]), follow=True
    )
    assert "emailed already" in response.content.decode()
    assert len(mail.outbox) == 3


def test_the_chair_cannot_see_the_letters_page(client, waiting):
    client.force_login(waiting.chair)
    assert client.get(reverse("grants:round-letters", args=[waiting.round.pk])).status_code == 403


def test_staff_are_told_clearly_when_this_server_cannot_make_letters(client, waiting, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.force_login(waiting.staff)
    page = client.get(reverse("grants:round-letters", args=[waiting.round.pk]))
    assert PANGO_PACKAGES in page.content.decode()
    page = client.get(reverse("grants:letter", args=[waiting.full.pk]))
    assert PANGO_PACKAGES in page.content.decode()
    # The group isn't shown the server's problems: only that the letter is coming.
    client.force_login(waiting.contact)
    page = client.get(reverse("grants:letter", args=[waiting.full.pk]))
    assert PANGO_PACKAGES not in page.content.decode()
    assert Letter.objects.filter(sent_at__isnull=True).count() == 3
