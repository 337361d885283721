"""Letters: one per final award, drawn as a PDF and emailed to the group once.

`letters_prepare` runs inside the chair's confirming transaction: it makes the rows
and, after the commit, queues one task per award. The task calls `letter_send`, which
claims the letter before emailing it and records when it was sent, so a task that
runs twice (or two workers at once) emails the group once (decision 0059).

Money offered again after the meeting (`reoffer_confirm`) goes to awards that already
have a letter saying no: `letters_reoffer_prepare` turns that letter into an award
letter, to be drawn and emailed the same way (decision 0064).
"""

import functools
import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import User
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.grants.letters import (
    CannotMakeLetters,
    letter_file_name,
    letter_kind_of,
    letter_pdf,
    letter_title,
)
from thegither.grants.models import Award, DecisionMeeting, Letter, Round
from thegither.grants.permissions import can_send_letters

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that stopped half-way: another may take over.
SENDING_GIVES_UP_AFTER = timedelta(minutes=15)
PROBLEM_MAX = 300


def _enqueue(award_id: int) -> None:
    from thegither.grants.tasks import award_letter_send

    award_letter_send.enqueue(award_id)


def letters_prepare(*, meeting: DecisionMeeting) -> list[Letter]:
    """Make a letter for every final award of the meeting; queue each one's email after commit.

    Called by `meeting_confirm` inside its transaction. Safe to call twice: a letter
    that exists is kept, and the task sends nothing for a letter already sent.
    """
    letters = []
    awards = Award.objects.filter(meeting=meeting, is_final=True).order_by("pk")
    for award in awards:
        letter, _created = Letter.objects.get_or_create(
            award=award, defaults={"kind": letter_kind_of(award)}
        )
        letters.append(letter)
        transaction.on_commit(functools.partial(_enqueue, award.pk))
    return letters


def letters_reoffer_prepare(*, awards: list[Award]) -> list[Letter]:
    """Give each re-offered award an award letter; queue each one's email after commit.

    Called by `reoffer_confirm` inside its transaction, with the awards it just gave
    money to. Each was on the waiting list, so its one letter says no: that row becomes
    the award letter (not made, not sent), and its old PDF is deleted once the change is
    committed. The audit log keeps which letter it was and when it was emailed. An award
    whose letter is already an award letter keeps it (safe to call twice).
    """
    letters = []
    for award in sorted(awards, key=lambda award: award.pk):
        letter = Letter.objects.select_for_update().filter(award=award).first()
        if letter is None:
            letter = Letter.objects.create(award=award, kind=letter_kind_of(award))
        elif letter.kind != letter_kind_of(award):
            old_file = letter.file.name if letter.file else ""
            replaced = {
                "kind": letter.kind,
                "made_at": letter.made_at.isoformat() if letter.made_at else None,
                "sent_at": letter.sent_at.isoformat() if letter.sent_at else None,
            }
            letter.kind = letter_kind_of(award)
            letter.file = ""
            # A worker still sending the old letter finds it changed and records nothing.
            letter.made_at = letter.sent_at = letter.sending_since = None
            letter.problem = ""
            letter.save(
                update_fields=["kind", "file", "made_at", "sent_at", "sending_since", "problem"]
            )
            audit_record(
                action="grants.letter_replaced",
                target=award.application,
                details={"old": replaced, "kind": letter.kind, "reoffer": award.reoffer_id},
            )
            if old_file:
                storage = letter.file.storage
                transaction.on_commit(functools.partial(storage.delete, old_file))
        letters.append(letter)
        transaction.on_commit(functools.partial(_enqueue, award.pk))
    return letters


def _note_problem(letter: Letter, problem: str) -> None:
    Letter.objects.filter(pk=letter.pk).update(problem=problem[:PROBLEM_MAX])
    letter.problem = problem[:PROBLEM_MAX]


def letter_make(*, letter: Letter) -> Letter:
    """Draw the letter's PDF and keep it; raise `CannotMakeLetters` if this server can't."""
    award = (
        Award.objects.select_related(
            "application__round__fund__organisation", "pot__area", "meeting", "reoffer"
        )
        .filter(pk=letter.award_id)
        .get()
    )
    try:
        pdf = letter_pdf(award)
    except CannotMakeLetters as error:
        _note_problem(letter, str(error))
        raise
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        old_name = letter.file.name if letter.file else ""
        letter.file.save(letter_file_name(award), ContentFile(pdf), save=False)
        letter.made_at = timezone.now()
        letter.problem = ""
        letter.save(update_fields=["file", "made_at", "problem"])
        audit_record(
            action="grants.letter_made",
            target=award.application,
            details={"kind": letter.kind, "bytes": len(pdf)},
        )
    if old_name and old_name != letter.file.name:
        letter.file.storage.delete(old_name)
    return letter


def _claim(letter: Letter) -> bool:
    """Take the letter for sending; False if it is sent or another worker is sending it."""
    now = timezone.now()
    claimed = Letter.objects.filter(
        Q(sending_since__isnull=True) | Q(sending_since__lt=now - SENDING_GIVES_UP_AFTER),
        pk=letter.pk,
        sent_at__isnull=True,
    ).update(sending_since=now)
    return claimed == 1


def _release(letter: Letter) -> None:
    Letter.objects.filter(pk=letter.pk, kind=letter.kind, sent_at__isnull=True).update(
        sending_since=None
    )


def letter_send(*, letter: Letter) -> bool:
    """Email the letter to the group's contact with the PDF attached, once.

    Return True if this call sent it; False if it was already sent (or is being sent
    by another worker) or the contact has no email address. Draws the PDF first if
    it isn't drawn yet.
    """
    if not _claim(letter):
        return False
    try:
        letter = Letter.objects.select_related(
            "award__application__contact",
            "award__application__round__fund__organisation",
            "award__pot__area",
            "award__meeting",
            "award__reoffer",
        ).get(pk=letter.pk)
        if not letter.is_made:
            letter = letter_make(letter=letter)
        award = letter.award
        email = award.application.contact.email
        if not email:
            _note_problem(
                letter,
                _(
                    "The group's contact has no email address, so the letter wasn't emailed. "
                    "They can download it when they log in."
                ),
            )
            _release(letter)
            return False
        context = {
            "award": award,
            "application": award.application,
            "round": award.application.round,
            "organisation": award.application.round.fund.organisation,
            "is_award": letter.kind == Letter.Kind.AWARD,
            "is_reoffer": letter.kind == Letter.Kind.AWARD and award.reoffer_id is not None,
        }
        with letter.file.open("rb") as handle:
            pdf = handle.read()
        message = EmailMessage(
            subject=" ".join(letter_title(award).split()),
            body=render_to_string("grants/email/letter.txt", context),
            to=[email],
        )
        message.attach(letter_file_name(award), pdf, "application/pdf")
        message.send()
    except Exception as error:
        if not isinstance(error, CannotMakeLetters):
            _note_problem(
                letter, _("The email didn't go: %(error)s") % {"error": type(error).__name__}
            )
        _release(letter)
        raise
    sent_at = timezone.now()
    with transaction.atomic():
        # Only the letter this call emailed: a re-offer may have replaced it meanwhile.
        Letter.objects.filter(pk=letter.pk, kind=letter.kind).update(
            sent_at=sent_at, sending_since=None, problem=""
        )
        audit_record(
            action="grants.letter_sent",
            target=award.application,
            details={"kind": letter.kind},
        )
    letter.sent_at, letter.sending_since, letter.problem = sent_at, None, ""
    return True


@transaction.atomic
def letters_send_again(*, round: Round, by: User) -> int:
    """Staff queue again every letter of the round that hasn't been emailed; return how many."""
    require(can_send_letters(by, round))
    waiting = list(
        Letter.objects.filter(award__application__round=round, sent_at__isnull=True)
        .order_by("pk")
        .values_list("award_id", flat=True)
    )
    if not waiting:
        raise Refused(_("Every letter has been emailed already."), kind=Refusal.WRONG_STATE)
    for award_id in waiting:
        transaction.on_commit(functools.partial(_enqueue, award_id))
    audit_record(
        action="grants.letters_queued_again",
        actor=by,
        target=round,
        details={"count": len(waiting)},
    )
    return len(waiting)
