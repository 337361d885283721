"""Money after the decision: accepting, paying, cancelling, giving back, lapsing, re-offering
and moving money between pots. Every refusal says why; every change is audited."""

import datetime
import io
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.grants import ledger, services
from thegither.grants.models import (
    Award,
    AwardStatus,
    Payment,
    PotTransfer,
    ReOffer,
    RoundPhase,
)
from thegither.grants.tests.money_helpers import accept, decided_make, overdue, pay

TODAY = timezone.localdate


def actions(name):
    return AuditEvent.objects.filter(action=name).count()


@pytest.fixture
def decided(organisation):
    return decided_make(organisation)


@pytest.fixture
def partial(organisation):
    return decided_make(organisation, partial=True)


# Confirming the decision: who has money, by when, and who waits in line.


def test_confirming_gives_each_award_with_money_a_date_and_puts_the_rest_on_the_waiting_list(
    decided,
):
    funded, also_funded, waiting = (decided.award(i) for i in range(3))
    assert (funded.status, also_funded.status, waiting.status) == (
        AwardStatus.AWARDED,
        AwardStatus.AWARDED,
        AwardStatus.DECLINED,
    )
    assert funded.accept_by == TODAY() + datetime.timedelta(days=28)
    assert waiting.accept_by is None
    assert waiting.on_waiting_list
    assert not funded.on_waiting_list
    assert ledger.pot_left_pence(decided.pot) == 0


def test_the_round_sets_how_long_groups_have_to_accept(organisation):
    decided = decided_make(organisation, accept_within_days=10)
    assert decided.award(0).accept_by == TODAY() + datetime.timedelta(days=10)
    event = AuditEvent.objects.get(action="grants.decision_rules_set")
    assert event.details["new"]["accept_within_days"] == 10


@pytest.mark.parametrize("days", [0, 366, True, "7"])
def test_a_bad_number_of_days_to_accept_is_refused(organisation, days):
    from thegither.grants.tests.deciding_helpers import deciding_make

    deciding = deciding_make(organisation)
    with pytest.raises(Refused) as refused:
        services.decision_rules_set(
            round=deciding.round,
            method="approval",
            rule="mes",
            quorum_percent=50,
            accept_within_days=days,
            by=deciding.staff,
        )
    assert "accept_within_days" in refused.value.message_dict


def test_each_group_with_money_is_emailed_the_day_to_accept_by(
    organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decided = decided_make(organisation, partial=True)
    # The letter's email carries the day (one email per group, decision 0058's addendum).
    offered = [m for m in mail.outbox if "Please accept the award by" in m.body]
    assert len(offered) == 2  # the two with money; not the one on the waiting list
    partial_mail = next(m for m in offered if "Spend it on the coaches only." in m.body)
    assert partial_mail.to == [decided.contact.email]
    assert "£800" in partial_mail.body
    assert decided.award(1).accept_by.strftime("%-d %B %Y") in partial_mail.body
    assert "Never type bank details into Thegither" in partial_mail.body


# Accepting.


def test_the_group_accepts_its_award_and_it_is_audited(decided):
    award = accept(decided, 0)
    assert award.is_accepted
    assert award.accepted_by == decided.contact
    event = AuditEvent.objects.get(action="grants.award_accepted")
    assert event.details["bank_details_with_staff"] is True
    assert event.details["amount_pence"] == 100_000


def test_accepting_twice_changes_nothing(decided):
    first = accept(decided, 0).accepted_at
    assert accept(decided, 0).accepted_at == first
    assert actions("grants.award_accepted") == 1


def test_accepting_needs_the_bank_details_tick(decided):
    with pytest.raises(Refused) as refused:
        services.award_accept(
            award=decided.award(0), bank_details_with_staff=False, by=decided.contact
        )
    assert refused.value.kind == Refusal.INVALID
    assert "Never type them in here" in refused.value.message_dict["bank_details_with_staff"][0]
    assert not decided.award(0).is_accepted


def test_part_of_the_money_is_accepted_only_with_the_condition_agreed(partial):
    award = partial.award(1)
    assert award.status == AwardStatus.PARTIAL
    with pytest.raises(Refused) as refused:
        services.award_accept(award=award, bank_details_with_staff=True, by=partial.contact)
    assert "agrees_to_condition" in refused.value.message_dict
    services.award_accept(
        award=award, bank_details_with_staff=True, agrees_to_condition=True, by=partial.contact
    )
    assert partial.award(1).is_accepted


def test_only_the_groups_contact_can_accept(decided, organisation):
    someone = factories.member_make(organisation, Role.APPLICANT_CONTACT)
    for person in (someone, decided.staff, decided.chair):
        with pytest.raises(PermissionDenied, match="Only your group's contact"):
            services.award_accept(award=decided.award(0), bank_details_with_staff=True, by=person)


def test_an_award_cannot_be_accepted_after_its_date(decided):
    overdue(decided.award(0))
    with pytest.raises(PermissionDenied, match="The last day to accept was"):
        accept(decided, 0)


def test_there_is_nothing_to_accept_on_an_application_not_funded(decided):
    with pytest.raises(PermissionDenied, match="no money to accept"):
        accept(decided, 2)


def test_nothing_is_accepted_before_the_decision_is_final(organisation):
    from thegither.grants.tests.deciding_helpers import deciding_make, meeting_with_everyone

    deciding = deciding_make(organisation)
    meeting = meeting_with_everyone(deciding)
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    award = Award.objects.filter(pot=deciding.pot).first()
    with pytest.raises(PermissionDenied, match="hasn't made its decision final"):
        services.award_accept(
            award=award, bank_details_with_staff=True, by=deciding.applications[0].contact
        )


def test_nothing_changes_once_the_round_is_closed(decided):
    accept(decided, 0)
    decided.round.phase = RoundPhase.CLOSED
    decided.round.save()
    with pytest.raises(PermissionDenied, match="closed"):
        pay(decided, 0, 1_000)
    with pytest.raises(PermissionDenied, match="closed"):
        accept(decided, 1)


# Payments.


def test_staff_record_a_payment_on_an_accepted_award(decided):
    accept(decided, 0)
    payment = pay(decided, 0, 40_000, reference="BACS 0042")
    assert (payment.amount_pence, payment.reference) == (40_000, "BACS 0042")
    assert ledger.award_paid_pence(decided.award(0)) == 40_000
    event = AuditEvent.objects.get(action="grants.payment_recorded")
    assert event.details["paid_pence"] == 40_000
    assert event.details["reference"] == "BACS 0042"


def test_an_award_not_accepted_cannot_be_paid(decided):
    with pytest.raises(PermissionDenied, match="hasn't accepted the award yet"):
        pay(decided, 0, 1_000)


def test_a_payment_over_what_is_left_of_the_award_is_refused_with_the_amounts(decided):
    accept(decided, 0)
    pay(decided, 0, 60_000)
    with pytest.raises(Refused) as refused:
        pay(decided, 0, 40_001)
    assert refused.value.kind == Refusal.UNUSABLE
    assert refused.value.message_dict["amount"] == [
        "Only £400 of the £1,000 award is left to pay, so £400.01 is too much."
    ]
    pay(decided, 0, 40_000)  # exactly what is left is fine
    with pytest.raises(Refused, match="Only £0 of the £1,000 award"):
        pay(decided, 0, 1)
    assert ledger.award_paid_pence(decided.award(0)) == 100_000


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"amount_pence": 0}, "amount", "more than £0"),
        ({"amount_pence": -5}, "amount", "more than £0"),
        ({"amount_pence": 12.5}, "amount", "more than £0"),
        ({"amount_pence": True}, "amount", "more than £0"),
        ({"reference": "   "}, "reference", "reference"),
        ({"reference": "x" * 101}, "reference", "100 letters or fewer"),
        ({"paid_on": None}, "paid_on", "Give the day"),
        ({"paid_on": "2027-01-01"}, "paid_on", "Give the day"),
    ],
)
def test_bad_payments_are_refused_in_plain_words(decided, changes, field, words):
    accept(decided, 0)
    entry = {
        "award": decided.award(0),
        "entry_key": uuid.uuid4(),
        "paid_on": TODAY(),
        "amount_pence": 1_000,
        "reference": "BACS 1",
        "by": decided.staff,
    } | changes
    with pytest.raises(Refused) as refused:
        services.payment_record(**entry)
    assert words in refused.value.message_dict[field][0]
    assert not Payment.objects.exists()


def test_a_payment_in_the_future_is_refused(decided):
    accept(decided, 0)
    with pytest.raises(Refused, match="hasn't come yet"):
        services.payment_record(
            award=decided.award(0),
            entry_key=uuid.uuid4(),
            paid_on=TODAY() + datetime.timedelta(days=1),
            amount_pence=1_000,
            reference="BACS 1",
            by=decided.staff,
        )


def test_the_same_payment_sent_twice_is_recorded_once(decided):
    accept(decided, 0)
    key = uuid.uuid4()
    entry = {
        "award": decided.award(0),
        "entry_key": key,
        "paid_on": TODAY(),
        "amount_pence": 30_000,
        "reference": "BACS 7",
        "by": decided.staff,
    }
    first = services.payment_record(**entry)
    assert services.payment_record(**entry) == first
    assert Payment.objects.count() == 1
    assert actions("grants.payment_recorded") == 1
    # The same key on another award is a page mix-up, not a second payment.
    accept(decided, 1)
    with pytest.raises(Refused) as refused:
        services.payment_record(**entry | {"award": decided.award(1)})
    assert refused.value.kind == Refusal.MISMATCH


def test_staff_of_another_organisation_cannot_pay_or_see_the_award(decided):
    accept(decided, 0)
    elsewhere = factories.member_make(factories.organisation_make(), Role.STAFF)
    with pytest.raises(PermissionDenied):
        services.payment_record(
            award=decided.award(0),
            entry_key=uuid.uuid4(),
            paid_on=TODAY(),
            amount_pence=1_000,
            reference="BACS 1",
            by=elsewhere,
        )


def test_the_panel_and_the_group_cannot_record_payments(decided):
    accept(decided, 0)
    for person in (decided.chair, decided.contact):
        with pytest.raises(PermissionDenied):
            services.payment_record(
                award=decided.award(0),
                entry_key=uuid.uuid4(),
                paid_on=TODAY(),
                amount_pence=1_000,
                reference="BACS 1",
                by=person,
            )


def test_a_cancelled_payment_stays_stops_counting_and_frees_the_money(decided):
    accept(decided, 0)
    mistake = pay(decided, 0, 100_000)
    cancelled = services.payment_cancel(
        payment=mistake, reason="Typed the wrong amount.", by=decided.staff
    )
    assert cancelled.is_cancelled
    assert cancelled.cancel_reason == "Typed the wrong amount."
    assert Payment.objects.filter(pk=mistake.pk).exists()
    assert ledger.award_paid_pence(decided.award(0)) == 0
    pay(decided, 0, 10_000)
    assert ledger.award_paid_pence(decided.award(0)) == 10_000
    event = AuditEvent.objects.get(action="grants.payment_cancelled")
    assert event.details == event.details | {"amount_pence": 100_000, "paid_pence": 0}


def test_cancelling_needs_a_reason_and_twice_changes_nothing(decided):
    accept(decided, 0)
    payment = pay(decided, 0, 1_000)
    with pytest.raises(Refused) as refused:
        services.payment_cancel(payment=payment, reason=" ", by=decided.staff)
    assert "Say why" in refused.value.message_dict["reason"][0]
    services.payment_cancel(payment=payment, reason="Paid twice.", by=decided.staff)
    services.payment_cancel(payment=payment, reason="Again.", by=decided.staff)
    assert Payment.objects.get().cancel_reason == "Paid twice."
    assert actions("grants.payment_cancelled") == 1


def test_only_staff_of_the_organisation_cancel_payments(decided):
    accept(decided, 0)
    payment = pay(decided, 0, 1_000)
    elsewhere = factories.member_make(factories.organisation_make(), Role.STAFF)
    for person in (elsewhere, decided.contact, decided.chair):
        with pytest.raises(PermissionDenied):
            services.payment_cancel(payment=payment, reason="No.", by=person)


def test_the_database_refuses_payments_of_nothing_and_cancelling_without_a_reason(decided):
    accept(decided, 0)
    award = decided.award(0)
    row = {
        "award": award,
        "paid_on": TODAY(),
        "reference": "BACS 1",
        "recorded_by": decided.staff,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(entry_key=uuid.uuid4(), amount_pence=0, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            entry_key=uuid.uuid4(), amount_pence=5, cancelled_at=timezone.now(), **row
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(entry_key=uuid.uuid4(), amount_pence=5, **row | {"reference": ""})


# Giving the award back.


def test_the_group_gives_its_award_back_and_the_money_returns_to_the_pot(decided):
    accept(decided, 0)
    award = services.award_withdraw(
        award=decided.award(0), reason="The hall has closed.", by=decided.contact
    )
    assert award.status == AwardStatus.WITHDRAWN
    assert award.end_reason == "The hall has closed."
    assert award.amount_pence == 100_000  # kept for the record
    assert ledger.pot_left_pence(decided.pot) == 100_000
    event = AuditEvent.objects.get(action="grants.award_withdrawn")
    assert event.details["pot_left_pence"] == 100_000
    # Giving it back twice changes nothing.
    services.award_withdraw(award=award, reason="Again.", by=decided.contact)
    assert actions("grants.award_withdrawn") == 1


def test_an_award_with_money_paid_cannot_be_given_back_until_the_payment_is_cancelled(decided):
    accept(decided, 0)
    payment = pay(decided, 0, 1_000)
    with pytest.raises(PermissionDenied, match="paid already"):
        services.award_withdraw(award=decided.award(0), reason="Closed.", by=decided.contact)
    services.payment_cancel(payment=payment, reason="Sent by mistake.", by=decided.staff)
    services.award_withdraw(award=decided.award(0), reason="Closed.", by=decided.contact)
    assert decided.award(0).status == AwardStatus.WITHDRAWN


def test_giving_back_needs_a_reason_and_the_groups_contact(decided):
    with pytest.raises(Refused) as refused:
        services.award_withdraw(award=decided.award(0), reason="", by=decided.contact)
    assert "Say why" in refused.value.message_dict["reason"][0]
    for person in (decided.staff, decided.chair):
        with pytest.raises(PermissionDenied, match="Only your group's contact"):
            services.award_withdraw(award=decided.award(0), reason="No.", by=person)


def test_a_given_back_award_cannot_be_accepted_or_paid(decided):
    accept(decided, 0)
    services.award_withdraw(award=decided.award(0), reason="Closed.", by=decided.contact)
    with pytest.raises(PermissionDenied, match="no money to pay"):
        pay(decided, 0, 1_000)
    with pytest.raises(PermissionDenied, match="no money to accept"):
        accept(decided, 0)


# Lapsing.


def test_staff_lapse_an_award_not_accepted_in_time(decided):
    with pytest.raises(PermissionDenied, match="still has time"):
        services.award_lapse(award=decided.award(0), by=decided.staff)
    award = overdue(decided.award(0))
    award = services.award_lapse(award=award, by=decided.staff)
    assert award.status == AwardStatus.LAPSED
    assert award.end_reason.startswith("Not accepted by ")
    assert ledger.pot_left_pence(decided.pot) == 100_000
    event = AuditEvent.objects.get(action="grants.award_lapsed")
    assert event.actor == decided.staff
    assert event.details["by_deadline"] is False
    services.award_lapse(award=award, by=decided.staff)  # twice: nothing more
    assert actions("grants.award_lapsed") == 1


def test_an_accepted_award_never_lapses(decided):
    accept(decided, 0)
    award = overdue(decided.award(0))
    with pytest.raises(PermissionDenied, match="nobody has accepted"):
        services.award_lapse(award=award, by=decided.staff)
    assert services.awards_lapse_overdue() == []


def test_only_staff_of_the_organisation_lapse_awards(decided):
    award = overdue(decided.award(0))
    elsewhere = factories.member_make(factories.organisation_make(), Role.STAFF)
    for person in (elsewhere, decided.chair, decided.contact):
        with pytest.raises(PermissionDenied):
            services.award_lapse(award=award, by=person)


def test_the_daily_command_lapses_overdue_awards_once(decided):
    overdue(decided.award(0))
    accept(decided, 1)
    overdue(decided.award(1))
    out = io.StringIO()
    call_command("award_deadlines", stdout=out)
    assert "Awards lapsed: 1." in out.getvalue()
    assert decided.award(0).status == AwardStatus.LAPSED
    assert decided.award(1).status == AwardStatus.AWARDED
    event = AuditEvent.objects.get(action="grants.award_lapsed")
    assert event.actor is None
    assert event.details["by_deadline"] is True
    again = io.StringIO()
    call_command("award_deadlines", stdout=again)
    assert "Awards lapsed: 0." in again.getvalue()


def test_a_reminder_goes_out_once_a_week_before_the_date(
    decided, django_capture_on_commit_callbacks
):
    accept(decided, 1)
    soon = TODAY() + datetime.timedelta(days=5)
    Award.objects.filter(pk__in=[decided.awards[0].pk, decided.awards[1].pk]).update(accept_by=soon)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.award_reminders_send() == 1  # not the accepted one
        assert services.award_reminders_send() == 0  # once only
    assert [m.subject for m in mail.outbox] == ["Reminder: please accept your grant"]
    assert decided.award(0).application.group_name in mail.outbox[0].body
    assert actions("grants.award_reminder_sent") == 1


def test_no_reminder_goes_out_while_there_is_plenty_of_time(decided):
    assert services.award_reminders_send() == 0
    assert services.award_reminders_send(on=TODAY() + datetime.timedelta(days=21)) == 2


def test_a_reminder_email_is_not_sent_once_the_group_has_accepted(
    decided, django_capture_on_commit_callbacks
):
    from thegither.grants.tasks import award_reminder_email

    accept(decided, 0)
    mail.outbox.clear()
    award_reminder_email.call(decided.awards[0].pk)
    assert mail.outbox == []


# Moving money left between pots.


@pytest.fixture
def two_pots(organisation):
    return decided_make(organisation, other_pot_pence=150_000)


def _move(decided, amount_pence, **changes):
    entry = {
        "from_pot": decided.other_pot,
        "to_pot": decided.pot,
        "entry_key": uuid.uuid4(),
        "amount_pence": amount_pence,
        "reason": "North East had money left.",
        "by": decided.staff,
    } | changes
    return services.pot_transfer(**entry)


def test_staff_move_money_left_in_one_pot_to_another(two_pots):
    transfer = _move(two_pots, 100_000)
    assert isinstance(transfer, PotTransfer)
    assert ledger.pot_left_pence(two_pots.other_pot) == 50_000
    assert ledger.pot_left_pence(two_pots.pot) == 100_000
    assert ledger.pot_money_pence(two_pots.pot) == 300_000
    # The pot's own amount, as the meeting decided it, doesn't change.
    two_pots.pot.refresh_from_db()
    assert two_pots.pot.amount_pence == 200_000
    event = AuditEvent.objects.get(action="grants.pot_money_moved")
    assert event.details["from_left_pence"] == 50_000
    assert event.details["to_left_pence"] == 100_000


def test_never_more_than_is_left_is_moved(two_pots):
    with pytest.raises(Refused) as refused:
        _move(two_pots, 150_001)
    assert refused.value.kind == Refusal.UNUSABLE
    assert refused.value.message_dict["amount"] == [
        "The North East pot has only £1,500 left, so it can't move £1,500.01."
    ]
    # A pot whose money is all given has nothing to move.
    with pytest.raises(Refused, match="only £0 left"):
        _move(two_pots, 1, from_pot=two_pots.pot, to_pot=two_pots.other_pot)
    assert not PotTransfer.objects.exists()


def test_moving_needs_another_pot_of_the_same_round_and_a_reason(two_pots, organisation):
    with pytest.raises(Refused) as refused:
        _move(two_pots, 1_000, to_pot=two_pots.other_pot)
    assert refused.value.kind == Refusal.BAD_CHOICE
    elsewhere = decided_make(organisation).pot
    with pytest.raises(Refused, match="another area's pot in this round"):
        _move(two_pots, 1_000, to_pot=elsewhere)
    with pytest.raises(Refused, match="Say why"):
        _move(two_pots, 1_000, reason="")
    with pytest.raises(Refused, match="more than £0"):
        _move(two_pots, 0)


def test_the_same_move_sent_twice_moves_once(two_pots):
    key = uuid.uuid4()
    _move(two_pots, 10_000, entry_key=key)
    _move(two_pots, 10_000, entry_key=key)
    assert PotTransfer.objects.count() == 1


def test_only_staff_of_the_organisation_move_money(two_pots):
    elsewhere = factories.member_make(factories.organisation_make(), Role.STAFF)
    for person in (elsewhere, two_pots.chair, two_pots.contact):
        with pytest.raises(PermissionDenied):
            _move(two_pots, 1_000, by=person)


def test_a_round_with_one_pot_has_nowhere_to_move_money(decided):
    with pytest.raises(PermissionDenied, match="only one pot"):
        _move(decided, 1_000, from_pot=decided.pot, to_pot=decided.pot)


# Re-offering money that came back.


def _give_back(decided, index=0):
    return services.award_withdraw(
        award=decided.award(index), reason="We can't run it now.", by=decided.contact
    )


def test_money_given_back_is_offered_to_the_waiting_list_and_must_be_accepted(
    decided, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the award letter's PDF
    _give_back(decided)
    proposal = ledger.reoffer_proposal(decided.pot)
    assert proposal.left_pence == 100_000
    assert proposal.funded == [decided.awards[2].pk]
    assert "Funded." in proposal.rows[0].words
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reoffer = services.reoffer_confirm(
            pot=decided.pot, funded=proposal.funded, by=decided.chair
        )
    assert (reoffer.left_before_pence, reoffer.given_pence) == (100_000, 100_000)
    award = decided.award(2)
    assert (award.status, award.amount_pence, award.is_final) == (
        AwardStatus.AWARDED,
        100_000,
        True,
    )
    assert award.reoffer == reoffer
    assert not award.on_waiting_list
    assert award.accept_by == TODAY() + datetime.timedelta(days=28)
    assert ledger.pot_left_pence(decided.pot) == 0
    # One email: the award letter, in place of the letter that said no (decision 0064).
    [message] = mail.outbox
    assert message.subject == f"Your grant from Youth Bank: {award.application.group_name}"
    assert "Please accept the award by" in message.body
    assert award.letter.kind == "award"
    assert AuditEvent.objects.get(action="grants.money_reoffered").details["funded"] == [
        award.application_id
    ]
    accept(decided, 2)  # it goes through acceptance like the others
    assert decided.award(2).is_accepted


def test_the_re_offer_never_gives_more_than_is_left(organisation):
    decided = decided_make(organisation, partial=True)  # £200 left: not enough for £1,000
    proposal = ledger.reoffer_proposal(decided.pot)
    assert proposal.left_pence == 20_000
    assert proposal.funded == []
    assert "Not funded." in proposal.rows[0].words
    with pytest.raises(Refused) as refused:
        services.reoffer_confirm(pot=decided.pot, funded=[], by=decided.chair)
    assert refused.value.kind == Refusal.UNUSABLE
    assert "Nobody on the waiting list can be funded" in refused.value.messages[0]


def test_a_re_offer_that_changed_since_it_was_shown_is_refused(decided):
    _give_back(decided)
    shown = ledger.reoffer_proposal(decided.pot).funded
    with pytest.raises(Refused) as refused:
        services.reoffer_confirm(pot=decided.pot, funded=[decided.awards[0].pk], by=decided.chair)
    assert refused.value.kind == Refusal.WRONG_STATE
    assert "Something changed since you looked" in refused.value.messages[0]
    services.reoffer_confirm(pot=decided.pot, funded=shown, by=decided.chair)
    # A second click on the same page gives the same re-offer, not a second one.
    services.reoffer_confirm(pot=decided.pot, funded=shown, by=decided.chair)
    assert ReOffer.objects.count() == 1
    assert actions("grants.money_reoffered") == 1


def test_the_panel_said_no_to_is_not_on_the_waiting_list(organisation):
    from thegither.grants.tests.deciding_helpers import deciding_make, meeting_with_everyone, vote

    deciding = deciding_make(organisation)
    meeting = meeting_with_everyone(deciding)
    vote(deciding, {0: [0, 1, 2], 1: [0, 1], 2: [0, 1]})
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    services.award_decline(
        award=Award.objects.get(application=deciding.applications[2]),
        reason="It isn't led by young people.",
        by=deciding.chair,
    )
    services.meeting_confirm(meeting=meeting, by=deciding.chair)
    assert ledger.waiting_list(deciding.pot) == []


def test_money_moved_in_can_be_re_offered(organisation):
    decided = decided_make(organisation, other_pot_pence=150_000)
    _move(decided, 100_000)
    assert ledger.reoffer_proposal(decided.pot).funded == [decided.awards[2].pk]


def test_the_chair_or_staff_re_offer_never_another_member_or_the_group(decided):
    _give_back(decided)
    funded = ledger.reoffer_proposal(decided.pot).funded
    elsewhere = factories.member_make(factories.organisation_make(), Role.STAFF)
    for person in (decided.deciding.members[1], decided.contact, elsewhere):
        with pytest.raises(PermissionDenied):
            services.reoffer_confirm(pot=decided.pot, funded=funded, by=person)
    services.reoffer_confirm(pot=decided.pot, funded=funded, by=decided.staff)
    assert decided.award(2).status == AwardStatus.AWARDED


def test_nothing_is_re_offered_before_the_decision_is_final(organisation):
    from thegither.grants.tests.deciding_helpers import deciding_make

    deciding = deciding_make(organisation)
    with pytest.raises(PermissionDenied, match="once the chair has confirmed"):
        services.reoffer_confirm(pot=deciding.pot, funded=[], by=deciding.chair)
