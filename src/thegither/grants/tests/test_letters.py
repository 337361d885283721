"""Letters: drawn as tagged PDFs after the decision is final, emailed to each group once."""

import re
import socket
import sys
import urllib.request
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from thegither.accounts.tests import images
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refused
from thegither.grants import services
from thegither.grants.letters import (
    PANGO_PACKAGES,
    CannotMakeLetters,
    html_to_pdf,
    letter_pdf,
    letters_problem,
)
from thegither.grants.models import Letter, LetterKind
from thegither.grants.services.letters import letter_send, letters_send_again
from thegither.grants.tasks import award_letter_send
from thegither.grants.tests import pdf_reading
from thegither.grants.tests.letters_helpers import CONDITION, decided_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens a socket or a URL; return the addresses tried."""
    tried = []

    def refuse_connect(self, address):
        tried.append(address)
        raise AssertionError(f"A letter tried to connect to {address!r}")

    def refuse_open(self, url, *args, **kwargs):
        tried.append(getattr(url, "full_url", url))
        raise AssertionError(f"A letter tried to open {url!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse_open)
    return tried


@pytest.fixture
def decided(organisation, django_capture_on_commit_callbacks):
    """A final decision whose letters have been drawn and emailed by their tasks."""

    def confirm(chair, meeting):
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_confirm(meeting=meeting, by=chair)

    return decided_make(organisation, confirm=confirm)


@pytest.fixture
def undecided_letters(organisation):
    """A final decision whose tasks never ran (the commit hooks are not run in tests)."""
    return decided_make(
        organisation,
        confirm=lambda chair, meeting: services.meeting_confirm(meeting=meeting, by=chair),
    )


def attachment_of(message):
    [(name, content, content_type)] = message.attachments
    return name, content, content_type


# Made and emailed after the decision is final.


def test_confirming_the_decision_emails_each_group_its_letter_once(decided):
    assert len(mail.outbox) == 3
    by_subject = {m.subject: m for m in mail.outbox}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "choir@example.org",
        "group@example.org",
        "group@example.org",
    ]
    for message in mail.outbox:
        name, content, content_type = attachment_of(message)
        assert content_type == "application/pdf"
        assert content.startswith(b"%PDF-")
        assert name.endswith(".pdf")
    declined_group = decided.declined.application.group_name
    [no] = [m for s, m in by_subject.items() if declined_group in s]
    assert "could not give your group a grant" in no.body
    assert Letter.objects.filter(sent_at__isnull=False).count() == 3
    assert AuditEvent.objects.filter(action="grants.letter_sent").count() == 3
    assert AuditEvent.objects.filter(action="grants.letter_made").count() == 3


def test_a_task_run_again_sends_nothing_more(decided):
    sent_at = decided.full.letter.sent_at
    award_letter_send.call(decided.full.pk)
    assert len(mail.outbox) == 3
    decided.full.letter.refresh_from_db()
    assert decided.full.letter.sent_at == sent_at


def test_each_award_has_the_letter_its_decision_needs(decided):
    kinds = {
        decided.full.pk: LetterKind.AWARD,
        decided.partial.pk: LetterKind.AWARD,
        decided.declined.pk: LetterKind.DECLINE,
    }
    assert dict(Letter.objects.values_list("award_id", "kind")) == kinds


def test_the_email_waits_until_the_decision_is_committed(undecided_letters):
    # No task has run: the letters exist, none is made or sent, nothing was emailed.
    assert Letter.objects.count() == 3
    assert not Letter.objects.filter(made_at__isnull=False).exists()
    assert mail.outbox == []


def test_the_task_makes_and_sends_a_letter_that_was_waiting(undecided_letters):
    award_letter_send.call(undecided_letters.full.pk)
    assert len(mail.outbox) == 1
    letter = Letter.objects.get(award=undecided_letters.full)
    assert letter.is_made
    assert letter.sent_at is not None
    assert letter.file.read().startswith(b"%PDF-")


def test_a_letter_another_worker_is_sending_is_left_to_it(undecided_letters):
    letter = Letter.objects.get(award=undecided_letters.full)
    Letter.objects.filter(pk=letter.pk).update(sending_since=timezone.now())
    assert letter_send(letter=letter) is False
    assert mail.outbox == []
    # A worker that stopped half-way long ago doesn't hold the letter for ever.
    Letter.objects.filter(pk=letter.pk).update(sending_since=timezone.now() - timedelta(hours=1))
    assert letter_send(letter=letter) is True
    assert len(mail.outbox) == 1


def test_an_email_that_fails_can_be_sent_by_the_next_try(undecided_letters, monkeypatch):
    letter = Letter.objects.get(award=undecided_letters.full)

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", broken)
        with pytest.raises(ConnectionRefusedError):
            letter_send(letter=letter)
    letter.refresh_from_db()
    assert letter.sent_at is None
    assert letter.sending_since is None
    assert "didn't go" in letter.problem
    assert letter_send(letter=letter) is True
    assert letter_send(letter=letter) is False
    assert len(mail.outbox) == 1


def test_a_contact_without_email_gets_no_email_and_staff_are_told(undecided_letters):
    contact = undecided_letters.other_contact
    contact.email = ""
    contact.save(update_fields=["email"])
    letter = Letter.objects.get(award=undecided_letters.declined)
    assert letter_send(letter=letter) is False
    letter.refresh_from_db()
    assert letter.is_made
    assert letter.sent_at is None
    assert "no email address" in letter.problem
    assert mail.outbox == []


def test_staff_send_the_waiting_letters_again(
    undecided_letters, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = letters_send_again(round=undecided_letters.round, by=undecided_letters.staff)
    assert count == 3
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action="grants.letters_queued_again").count() == 1
    with pytest.raises(Refused, match="emailed already"):
        letters_send_again(round=undecided_letters.round, by=undecided_letters.staff)


def test_the_chair_cannot_send_letters_again(undecided_letters):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        letters_send_again(round=undecided_letters.round, by=undecided_letters.chair)


# What is in the PDF.


def test_the_award_letter_is_a_tagged_pdf_ua_with_the_amount(undecided_letters):
    pdf = letter_pdf(undecided_letters.full)
    assert pdf.startswith(b"%PDF-")
    inside = pdf_reading.everything(pdf)
    assert b'pdfuaid:part="1"' in inside
    assert b"/StructTreeRoot" in inside
    assert b"/MarkInfo <</Marked true>>" in inside
    assert re.search(rb"/Lang \(en[-a-zA-Z]*\)", inside), "the letter says its language"
    assert b"/S /H1" in inside
    assert b"/S /H2" in inside
    assert b"<dc:title>" in inside
    assert b"/DisplayDocTitle true" in inside
    words = pdf_reading.text(pdf)
    group = undecided_letters.full.application.group_name
    assert f"Good news, {group}: you have a grant" in words
    assert "Your grant: £1,000" in words
    assert undecided_letters.round.organisation.name in words


def test_a_part_award_letter_says_the_condition_and_what_was_asked(undecided_letters):
    words = pdf_reading.text(letter_pdf(undecided_letters.partial))
    assert "Your grant: £500" in words
    assert "You asked for £1,000" in words
    assert CONDITION in words


def test_a_decline_letter_says_why_and_what_to_do_next(undecided_letters):
    words = pdf_reading.text(letter_pdf(undecided_letters.declined))
    assert "could not give your group a grant" in words
    assert undecided_letters.declined.reason[:40] in words
    assert "Apply again in the next round" in words
    assert "Ask" in words
    assert "for feedback" in words
    assert "£" not in words


def test_the_letter_has_the_organisations_logo_and_colour(undecided_letters, no_network):
    organisation = undecided_letters.round.organisation
    organisation.logo.save("logo.png", ContentFile(images.png(8, 8)), save=False)
    organisation.accent_colour = "#7a1f5c"
    organisation.save(update_fields=["logo", "accent_colour"])
    undecided_letters.full.refresh_from_db()
    pdf = letter_pdf(undecided_letters.full)
    inside = pdf_reading.everything(pdf)
    assert b"/Subtype /Image" in inside
    # The headings are drawn in the organisation's colour (#7a1f5c as RGB fractions).
    assert b"0.478431 0.121569 0.360784 rg" in inside
    assert no_network == []


def test_a_letter_never_fetches_anything_from_another_site(no_network):
    html = (
        '<html lang="en"><head><title>T</title>'
        '<link rel="stylesheet" href="https://fonts.example.com/font.css"></head>'
        '<body><h1>Hi</h1><img src="https://evil.example.com/logo.png" alt="x">'
        '<img src="file:///etc/passwd" alt="y"><img src="logo.png" alt="z"></body></html>'
    )
    pdf, refused = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert "https://evil.example.com/logo.png" in refused
    assert "https://fonts.example.com/font.css" in refused
    assert "file:///etc/passwd" in refused
    assert no_network == []
    assert b"/Subtype /Image" not in pdf_reading.everything(pdf)


def test_words_a_group_typed_cannot_load_anything(undecided_letters, no_network):
    application = undecided_letters.full.application
    application.group_name = '<img src="https://evil.example.com/x.png"> Club'
    application.save(update_fields=["group_name"])
    undecided_letters.full.refresh_from_db()
    words = pdf_reading.text(letter_pdf(undecided_letters.full))
    assert '<img src="https://' in words
    assert 'evil.example.com/x.png"> Club' in words
    assert no_network == []


# Without WeasyPrint's system libraries.


@pytest.fixture
def no_weasyprint(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)


def test_without_pango_the_letter_says_which_packages_to_install(undecided_letters, no_weasyprint):
    with pytest.raises(CannotMakeLetters) as caught:
        letter_pdf(undecided_letters.full)
    assert PANGO_PACKAGES in str(caught.value)
    assert PANGO_PACKAGES in letters_problem()


def test_without_pango_the_task_fails_clearly_and_sends_nothing(
    undecided_letters, no_weasyprint, caplog
):
    with pytest.raises(CannotMakeLetters):
        award_letter_send.call(undecided_letters.full.pk)
    assert PANGO_PACKAGES in caplog.text
    letter = Letter.objects.get(award=undecided_letters.full)
    assert PANGO_PACKAGES in letter.problem
    assert letter.sent_at is None
    assert letter.sending_since is None
    assert mail.outbox == []


def test_with_pango_here_there_is_no_problem_to_report():
    assert letters_problem() == ""


# Money offered again after the meeting (decision 0064).


@pytest.fixture
def waiting_letter(organisation):
    """A final decision whose third group is on the waiting list and was emailed its no."""
    from thegither.grants.tests.money_helpers import decided_make as money_decided_make

    decided = money_decided_make(organisation)
    waiting = decided.award(2)
    waiting.application.contact.email = "waiting@example.org"
    waiting.application.contact.save(update_fields=["email"])
    award_letter_send.call(waiting.pk)
    return decided


def _reoffer(decided, django_capture_on_commit_callbacks):
    from thegither.grants import ledger

    services.award_withdraw(
        award=decided.award(0), reason="We can't run it now.", by=decided.contact
    )
    funded = ledger.reoffer_proposal(decided.pot).funded
    assert funded == [decided.awards[2].pk]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return services.reoffer_confirm(pot=decided.pot, funded=funded, by=decided.chair)


def test_money_offered_again_gets_an_award_letter_in_place_of_the_no(
    waiting_letter, django_capture_on_commit_callbacks, media
):
    no = Letter.objects.get(award=waiting_letter.awards[2])
    assert (no.kind, no.is_made, no.sent_at is not None) == (LetterKind.DECLINE, True, True)
    old_pdf = media / no.file.name
    assert old_pdf.exists()

    reoffer = _reoffer(waiting_letter, django_capture_on_commit_callbacks)

    letter = Letter.objects.get(award=waiting_letter.awards[2])
    assert letter.pk == no.pk  # still one letter per award
    assert (letter.kind, letter.is_made, letter.sent_at is not None) == (
        LetterKind.AWARD,
        True,
        True,
    )
    assert letter.sent_at > no.sent_at
    assert not old_pdf.exists(), "the PDF that said no is gone from storage"
    [message] = mail.outbox
    assert message.to == ["waiting@example.org"]
    assert "takes the place of the letter that said no" in message.body
    assert "Please accept the award by" in message.body
    name, content, _type = attachment_of(message)
    assert name.startswith("grant-letter-")
    words = pdf_reading.text(content)
    assert "you have a grant" in words
    assert "Your grant: £1,000" in words
    assert "This letter takes the place of the letter that said no." in words
    assert timezone.localtime(reoffer.made_at).strftime("%-d %B %Y") in words
    event = AuditEvent.objects.get(action="grants.letter_replaced")
    assert event.details["old"]["kind"] == LetterKind.DECLINE
    assert event.details["old"]["sent_at"] == no.sent_at.isoformat()
    assert event.details["reoffer"] == reoffer.pk
    # The task run again sends nothing more.
    award_letter_send.call(waiting_letter.awards[2].pk)
    assert len(mail.outbox) == 1


def test_a_re_offer_whose_no_was_never_made_gets_only_the_award_letter(
    organisation, django_capture_on_commit_callbacks
):
    from thegither.grants.tests.money_helpers import decided_make as money_decided_make

    decided = money_decided_make(organisation)  # no letter task ran: none is made or sent
    assert Letter.objects.get(award=decided.awards[2]).kind == LetterKind.DECLINE
    _reoffer(decided, django_capture_on_commit_callbacks)
    letter = Letter.objects.get(award=decided.awards[2])
    assert (letter.kind, letter.is_made) == (LetterKind.AWARD, True)
    assert AuditEvent.objects.get(action="grants.letter_replaced").details["old"]["sent_at"] is None


def test_a_letter_drawn_after_the_group_gave_its_award_back_is_still_the_award_letter(
    undecided_letters,
):
    # The worker was down: the group gave back its part award before its letter was drawn.
    award = services.award_withdraw(
        award=undecided_letters.partial,
        reason="Our hall closed.",
        by=undecided_letters.contact,
    )
    assert award.status == "withdrawn"
    award_letter_send.call(award.pk)
    letter = Letter.objects.get(award=award)
    assert letter.kind == LetterKind.AWARD
    words = pdf_reading.text(letter.file.read())
    assert "Your grant: £500" in words
    assert CONDITION in words
    assert "could not give your group a grant" not in words
    [message] = mail.outbox
    assert "has since given this award back" in message.body
    assert "Please accept the award by" not in message.body
