"""Payments never add up to more than the award, whatever staff record or cancel, in any order."""

import uuid

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.core.refusals import Refusal, Refused
from thegither.grants import ledger, services
from thegither.grants.models import Payment
from thegither.grants.money import pence_to_pounds
from thegither.grants.tests.money_helpers import accept, decided_make

AWARD_PENCE = 100_000

# Each step: record a payment of so many pence; record what is left plus or minus a few
# pence (the edge, where a mistake would show); or cancel the n-th payment recorded so far.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(1, AWARD_PENCE + 20_000)),
        st.tuples(st.just("pay-the-rest"), st.integers(-2, 2)),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def accepted(organisation):
    decided = decided_make(organisation)
    accept(decided, 0)
    return decided


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_payments_and_cancellations_never_pay_more_than_the_award(accepted, sequence):
    award = accepted.award(0)
    assert award.amount_pence == AWARD_PENCE
    with transaction.atomic():
        recorded: list[tuple[Payment, int]] = []
        cancelled: set[int] = set()
        for step, number in sequence:
            counted = sum(amount for p, amount in recorded if p.pk not in cancelled)
            if step == "pay-the-rest":
                step, number = "pay", max(1, AWARD_PENCE - counted + number)
            if step == "pay":
                refusal = None
                try:
                    payment = services.payment_record(
                        award=award,
                        entry_key=uuid.uuid4(),
                        paid_on=timezone.localdate(),
                        amount_pence=number,
                        reference=f"BACS {len(recorded)}",
                        by=accepted.staff,
                    )
                except Refused as refused:
                    refusal = refused
                if refusal is None:
                    assert counted + number <= AWARD_PENCE
                    recorded.append((payment, number))
                else:
                    # Refused exactly when it wouldn't fit, with the plain amounts.
                    assert counted + number > AWARD_PENCE
                    assert refusal.kind == Refusal.UNUSABLE
                    left = pence_to_pounds(AWARD_PENCE - counted)
                    assert refusal.message_dict["amount"] == [
                        f"Only {left} of the £1,000 award is left to pay, so "
                        f"{pence_to_pounds(number)} is too much."
                    ]
            elif recorded:
                payment, _amount = recorded[number % len(recorded)]
                services.payment_cancel(payment=payment, reason="A mistake.", by=accepted.staff)
                cancelled.add(payment.pk)
            paid = ledger.award_paid_pence(award)
            assert paid <= AWARD_PENCE
            assert paid == sum(amount for p, amount in recorded if p.pk not in cancelled)
        transaction.set_rollback(True)
