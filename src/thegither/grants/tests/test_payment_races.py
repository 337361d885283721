"""Many staff recording payments on one award at the same moment never pay more than it."""

import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from thegither.accounts.tests import factories
from thegither.core.refusals import Refusal, Refused
from thegither.grants import ledger, services
from thegither.grants.models import Payment
from thegither.grants.tests.money_helpers import accept, decided_make

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="runs on PostgreSQL (CI's second run): SQLite's in-memory test database "
        "can't be shared by threads",
    ),
]

THREADS = 8


def _race(work, count):
    start = threading.Barrier(count)
    outcomes: list[object] = []

    def run(n):
        start.wait()
        try:
            work(n)
            outcomes.append("ok")
        except Refused as refused:
            outcomes.append(refused)
        except Exception as error:  # a deadlock or lost update would show here
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_payments_recorded_at_once_never_pass_the_award_and_each_refusal_says_why():
    decided = decided_make(factories.organisation_make())
    award = accept(decided, 0)  # £1,000: three payments of £300 fit, a fourth doesn't
    outcomes = _race(
        lambda n: services.payment_record(
            award=award,
            entry_key=uuid.uuid4(),
            paid_on=timezone.localdate(),
            amount_pence=30_000,
            reference=f"BACS {n}",
            by=decided.staff,
        ),
        THREADS,
    )
    assert outcomes.count("ok") == 3
    refused = [o for o in outcomes if isinstance(o, Refused)]
    assert len(refused) == THREADS - 3
    for refusal in refused:
        assert refusal.kind == Refusal.UNUSABLE
        assert "Only £100 of the £1,000 award is left to pay" in refusal.messages[0]
    assert ledger.award_paid_pence(award) == 90_000
    assert Payment.objects.count() == 3


def test_a_group_giving_back_while_staff_pay_ends_one_way_only():
    decided = decided_make(factories.organisation_make())
    award = accept(decided, 0)

    def work(n):
        if n == 0:
            services.award_withdraw(award=award, reason="Closed.", by=decided.contact)
        else:
            services.payment_record(
                award=award,
                entry_key=uuid.uuid4(),
                paid_on=timezone.localdate(),
                amount_pence=10_000,
                reference=f"BACS {n}",
                by=decided.staff,
            )

    outcomes = _race(work, 4)
    # The loser is refused by the rule it now breaks (paid already, or no money to pay).
    assert sorted(set(outcomes)) <= ["PermissionDenied", "ok"], outcomes
    award.refresh_from_db()
    paid = ledger.award_paid_pence(award)
    # Either it was given back with nothing paid, or it was paid and not given back.
    assert (award.status == "withdrawn") == (paid == 0)


def test_moves_and_re_offers_at_once_never_give_out_more_than_a_pot_holds():
    decided = decided_make(factories.organisation_make(), other_pot_pence=150_000)
    services.award_withdraw(award=decided.award(0), reason="Closed.", by=decided.contact)
    funded = ledger.reoffer_proposal(decided.pot).funded

    def work(n):
        if n % 2:
            services.reoffer_confirm(pot=decided.pot, funded=funded, by=decided.staff)
        else:
            services.pot_transfer(
                from_pot=decided.pot,
                to_pot=decided.other_pot,
                entry_key=uuid.uuid4(),
                amount_pence=60_000,
                reason="Moving the money back.",
                by=decided.staff,
            )

    outcomes = _race(work, 6)
    assert all(o == "ok" or isinstance(o, Refused) for o in outcomes), outcomes
    for pot in (decided.pot, decided.other_pot):
        assert ledger.pot_left_pence(pot) >= 0
